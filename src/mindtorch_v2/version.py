"""torch.version: which torch API this is, and this framework's own version.

``torch.__version__`` is what scripts compare to gate features (``>= "1.10"``): it names
the PyTorch release whose API mindtorch_v2 implements, with mindtorch's own version as the
local part, and compares like a version, not like a string.
"""
from __future__ import annotations

import re

__all__ = ["__version__", "mindtorch", "cuda", "hip", "debug", "git_version"]

mindtorch = "0.1.0"
cuda = None
hip = None
debug = False
git_version = "unknown"


def _key(v):
    """A comparable key for 'X.Y.Z[rcN][+local]' (the local part is ignored, like PEP 440)."""
    head = str(v).split("+", 1)[0]
    nums = [int(n) for n in re.findall(r"\d+", head.split("rc")[0].split("a")[0]
                                       .split("b")[0])[:3]]
    return tuple(nums + [0] * (3 - len(nums)))


class TorchVersion(str):
    """A str that compares as a version: TorchVersion('2.13.0') > '1.10' is True."""

    def _cmp(self, other, op):
        if isinstance(other, (tuple, list)):
            other = ".".join(str(x) for x in other)
        try:
            return op(_key(self), _key(other))
        except (TypeError, ValueError):
            return NotImplemented

    def __lt__(self, other):
        return self._cmp(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._cmp(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._cmp(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._cmp(other, lambda a, b: a >= b)

    def __eq__(self, other):
        r = self._cmp(other, lambda a, b: a == b)
        return str.__eq__(self, other) if r is NotImplemented else r

    __hash__ = str.__hash__


__version__ = TorchVersion(f"2.13.0+mindtorch{mindtorch}")
