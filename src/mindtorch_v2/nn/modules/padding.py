"""Padding layers: constant / zero, reflection, replication and circular, 1-3 dims.

Each family is one base class; the concrete classes fix the number of padded dims (which
sets how an int ``padding`` expands: 2 values per dim, in F.pad's last-dim-first order).
"""
from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]


def _expand(padding, nd):
    return tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * (2 * nd)


class _PadNd(Module):
    """F.pad with a fixed ``_mode``; the repr shows the padding tuple."""

    __constants__ = ["padding"]
    _mode = "constant"
    _nd = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _expand(padding, self._nd)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dim with ``value``."""


class ConstantPad2d(_ConstantPadNd):
    """Pads the last 2 dims with ``value``."""

    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last 3 dims with ``value``."""

    _nd = 3


class _ZeroPad:
    """Mixin: a constant pad whose value is fixed at 0 (and not shown in the repr)."""

    def __init__(self, padding):
        _ConstantPadNd.__init__(self, padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPad, ConstantPad1d):
    """Pads the last dim with zeros."""


class ZeroPad2d(_ZeroPad, ConstantPad2d):
    """Pads the last 2 dims with zeros."""


class ZeroPad3d(_ZeroPad, ConstantPad3d):
    """Pads the last 3 dims with zeros."""


class ReflectionPad1d(_PadNd):
    """Pads the last dim with its reflection (edge not repeated)."""

    _mode, _nd = "reflect", 1


class ReflectionPad2d(ReflectionPad1d):
    """Pads the last 2 dims with their reflection."""

    _nd = 2


class ReflectionPad3d(ReflectionPad1d):
    """Pads the last 3 dims with their reflection."""

    _nd = 3


class ReplicationPad1d(_PadNd):
    """Pads the last dim by repeating its edge value."""

    _mode, _nd = "replicate", 1


class ReplicationPad2d(ReplicationPad1d):
    """Pads the last 2 dims by repeating their edges."""

    _nd = 2


class ReplicationPad3d(ReplicationPad1d):
    """Pads the last 3 dims by repeating their edges."""

    _nd = 3


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def forward(self, input):
        lo = self._nd + 1
        if input.dim() not in (lo, lo + 1):
            raise ValueError(f"expected {lo}D or {lo + 1}D input (got {input.dim()}D input)")
        return F.pad(input, self.padding, "circular")


class CircularPad1d(_CircularPadNd):
    """Pads the last dim by wrapping around."""


class CircularPad2d(_CircularPadNd):
    """Pads the last 2 dims by wrapping around."""

    _nd = 2


class CircularPad3d(_CircularPadNd):
    """Pads the last 3 dims by wrapping around."""

    _nd = 3
