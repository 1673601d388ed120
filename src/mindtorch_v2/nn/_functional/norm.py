"""torch.nn.functional: norm functions."""
from __future__ import annotations

__all__: list[str] = []
