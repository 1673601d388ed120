"""Neural-network primitives used by torch.special / torch.nn.functional (softmax, ...)."""
from __future__ import annotations

__all__: list[str] = []
