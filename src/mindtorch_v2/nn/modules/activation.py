"""Activation layers (more arrive with nn.functional)."""
from __future__ import annotations

from .module import Module

__all__ = ["ReLU"]


class ReLU(Module):
    """max(x, 0) elementwise; ``inplace`` overwrites the input."""

    __constants__ = ["inplace"]

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return input.clamp_min_(0) if self.inplace else input.clamp_min(0)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""
