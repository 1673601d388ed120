"""CPU kernels of the nn_ops family (numerically stable softmax / log_softmax)."""
from __future__ import annotations

import numpy as np

from ... import _dtype as D
from ..._ops import nn_ops as N
from ._util import arr, wrap

_HALF = (D.float16, D.bfloat16)


def _prep(name, x, dim, dtype):
    d, dt = N.softmax_dtype(name, x, dim, dtype)
    a = arr(x)
    cnp = np.float32 if dt in _HALF else dt.np
    a = a.astype(cnp) if a.dtype != cnp else a
    if a.ndim == 0:
        a = a.reshape(1)
        d = 0
    return a, d, dt


def _softmax(x, dim, dtype=None):
    a, d, dt = _prep("softmax", x, dim, dtype)
    if a.size == 0:
        return wrap(np.empty(x._shape, dt.np), dt)
    e = np.exp(a - a.max(axis=d, keepdims=True))
    e /= e.sum(axis=d, keepdims=True)
    return wrap(np.asarray(e.reshape(x._shape), dtype=dt.np, order="C"), dt)


def _log_softmax(x, dim, dtype=None):
    a, d, dt = _prep("log_softmax", x, dim, dtype)
    if a.size == 0:
        return wrap(np.empty(x._shape, dt.np), dt)
    s = a - a.max(axis=d, keepdims=True)
    s -= np.log(np.exp(s).sum(axis=d, keepdims=True))
    return wrap(np.asarray(s.reshape(x._shape), dtype=dt.np, order="C"), dt)


def register():
    N.SOFTMAX.kernels["cpu"] = _softmax
    N.LOG_SOFTMAX.kernels["cpu"] = _log_softmax
