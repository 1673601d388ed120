"""Small helpers every CPU kernel uses: NumPy view of a tensor, wrapping results."""
from __future__ import annotations

import numbers

from ..._tensor import Tensor

wrap = Tensor._from_np


def arr(t):
    """The NumPy view of a CPU tensor (Note [CPU NumPy cache])."""
    a = t._np
    return a if a is not None else t._numpy_view()


def scalar_operand(v, opname, pos):
    """A Python/NumPy scalar operand, or torch's TypeError for anything else."""
    if isinstance(v, numbers.Number):
        return v
    raise TypeError(f"{opname}(): argument '{'input' if pos == 1 else 'other'}' (position {pos}) "
                    f"must be Tensor, not {type(v).__name__}")


def host(v):
    """A tensor's NumPy view, or a scalar as is."""
    return arr(v) if isinstance(v, Tensor) else v


