"""torch.nn.functional: distance functions."""
from __future__ import annotations

__all__: list[str] = []
