"""History for device transfers: copies between devices bypass the per-device kernels
(they are not one device's op), so ``Tensor.to(device)`` records this node itself."""
from __future__ import annotations

from .node import Node, edge_of


class ToCopyBackward(Node):
    __slots__ = ("in_meta",)

    def __init__(self, src):
        super().__init__((edge_of(src),))
        self.in_meta = ((src._shape, src.dtype, src.device),)

    def name(self):
        return "ToCopyBackward0"

    def apply(self, grads):
        return [grads[0]]  # the engine casts it back to the source's dtype and device


def record_transfer(src, out):
    """Give ``out`` (a copy of ``src`` on another device) a grad_fn when needed."""
    if out.dtype.category >= 2:
        out.grad_fn = ToCopyBackward(src)
        out._ag = 0
        out._requires_grad = True
    return out
