"""torch.nn.functional: spatial functions."""
from __future__ import annotations

__all__: list[str] = []
