"""torch.nn.functional: activation functions."""
from __future__ import annotations

__all__: list[str] = []
