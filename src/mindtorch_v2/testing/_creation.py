"""torch.testing.make_tensor: random test inputs of a given shape, dtype and device."""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

from .. import _dtype as D

__all__ = ["make_tensor"]

_INTEGRAL = (D.uint8, D.int8, D.int16, D.int32, D.int64, D.uint16, D.uint32, D.uint64)
_FLOATING = (D.float16, D.bfloat16, D.float32, D.float64)
_COMPLEX = (D.complex64, D.complex128)
_DEFAULT_RANGE = (-9, 9)


def _bounds(dtype, low, high):
    """[low, high) clamped to what ``dtype`` can hold, torch's checks and defaults."""
    info = D.iinfo(dtype) if dtype in _INTEGRAL else D.finfo(
        dtype if dtype not in _COMPLEX else (D.float32 if dtype is D.complex64 else D.float64))
    lowest, highest = info.min, info.max
    low = _DEFAULT_RANGE[0] if low is None else low
    high = _DEFAULT_RANGE[1] if high is None else high
    if isinstance(low, float) and math.isnan(low) or isinstance(high, float) and \
            math.isnan(high):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if low == high and dtype not in _INTEGRAL:
        warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or "
                      "complex types is deprecated since 2.1 and will be removed in 2.3. Use "
                      "`torch.full(...)` instead.", FutureWarning, stacklevel=3)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low > highest:
        top = highest + 1 if dtype in _INTEGRAL else highest
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, "
                         f"{high}), but {dtype} only supports [{lowest}, {top})")
    return max(low, lowest), min(high, highest)


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A tensor of ``shape`` with values drawn uniformly from ``[low, high)``.

    Defaults: ``[-9, 9)`` for floating / complex (both parts), ``[-9, 10)`` for integers
    (clamped to the dtype's range), uniform True/False for bool.  ``noncontiguous`` returns
    a strided view holding the same kind of values; ``exclude_zero`` replaces zeros by the
    smallest positive value (1 for integers, ``finfo.tiny`` for floats).
    """
    from .. import empty, randint, view_as_complex
    if len(shape) == 1 and isinstance(shape[0], Sequence):
        shape = tuple(shape[0])
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually "
                         f"exclusive, but got noncontiguous={noncontiguous} and "
                         f"memory_format={memory_format}")
    if requires_grad and (dtype is D.bool or dtype in _INTEGRAL):
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral "
                         f"dtypes, but got dtype={dtype}")
    if dtype is D.bool:
        result = randint(0, 2, shape, device=device).to(D.bool)
    elif dtype in _INTEGRAL:
        low, high = _bounds(dtype, low, high)
        low, high = math.ceil(low), math.ceil(high) if high != low else math.ceil(high) + 1
        result = randint(low, high, shape, dtype=D.int64, device=device).to(dtype)
    elif dtype in _FLOATING or dtype in _COMPLEX:
        low, high = _bounds(dtype, low, high)
        if dtype in _COMPLEX:
            real = D.float32 if dtype is D.complex64 else D.float64
            parts = empty(shape + (2,), dtype=real, device=device).uniform_(low, high)
            result = view_as_complex(parts)
        else:
            # draw in float64 so ranges near the dtype's limits do not overflow, then round
            result = empty(shape, dtype=D.float64, device=device).uniform_(
                low, high).to(dtype)
    else:
        raise TypeError(f"The requested dtype '{dtype}' is not supported by "
                        "torch.testing.make_tensor(). To request support, file an issue at: "
                        "https://github.com/pytorch/pytorch/issues")
    if noncontiguous and result.numel() > 1:
        result = result.repeat_interleave(2, dim=-1)[..., ::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        eps = 1 if dtype is D.bool or dtype in _INTEGRAL else D.finfo(
            dtype if dtype in _FLOATING else (D.float32 if dtype is D.complex64
                                              else D.float64)).tiny
        result[result == 0] = eps
    if requires_grad:
        result.requires_grad_(True)
    return result
