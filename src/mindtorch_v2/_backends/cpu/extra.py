"""CPU kernels of the extra family: igamma/igammac (SciPy) and frexp (NumPy)."""
from __future__ import annotations

import numpy as np

from ..._lazy import lazy_module
from ... import _dtype as D
from ..._ops import extra as X
from .elementwise import binary_kernel, inplace_kernel
from ._util import arr, wrap

sla = lazy_module("scipy.linalg")
sps = lazy_module("scipy.special")


def _frexp(x):
    X.FREXP.meta(x)
    a = arr(x)
    # NumPy has no float16-exact frexp for bfloat16: go through float32 (exact for both)
    m, e = np.frexp(a.astype(np.float32) if x.dtype is D.bfloat16 else a)
    return (wrap(np.ascontiguousarray(m.astype(x.dtype.np, copy=False)), x.dtype),
            wrap(np.ascontiguousarray(e.astype(np.int32)), D.int32))


def _checked(op, kernel):
    """The shared binary kernel promotes integers to float; torch refuses them first."""
    meta = op.meta

    def k(a, b):
        meta(a, b)
        return kernel(a, b)
    return k


def _lu_factor(A, pivot=True):
    """Batched LAPACK getrf; pivots 1-based like torch, LU batched column-major."""
    lu_spec, piv_spec, info_spec = X.LU_FACTOR.meta(A, pivot)
    a = arr(A)
    m, n = a.shape[-2:]
    batch = a.shape[:-2]
    flat = a.reshape((int(np.prod(batch)), m, n))
    lu = np.empty_like(flat)
    piv = np.empty((flat.shape[0], min(m, n)), np.int32)
    info = np.zeros(flat.shape[0], np.int32)
    if flat.size:
        getrf, = sla.get_lapack_funcs(("getrf",), (flat,))
        for i in range(flat.shape[0]):
            r, p, inf = getrf(flat[i])
            lu[i], piv[i], info[i] = r, p[:min(m, n)] + 1, max(inf, 0)
    out = np.empty(batch + (n, m), a.dtype)
    out[...] = np.swapaxes(lu.reshape(batch + (m, n)), -1, -2)
    LU = wrap(np.swapaxes(out, -1, -2), A.dtype)
    return (LU, wrap(piv.reshape(piv_spec.shape), D.int32),
            wrap(info.reshape(info_spec.shape), D.int32))


def register():
    for op, ip, fn in ((X.IGAMMA, X.IGAMMA_, sps.gammainc),
                       (X.IGAMMAC, X.IGAMMAC_, sps.gammaincc)):
        op.extra["np"] = fn
        k = _checked(op, binary_kernel(op))
        op.kernels["cpu"] = k
        ip.kernels["cpu"] = inplace_kernel(k)
    X.FREXP.kernels["cpu"] = _frexp
    X.LU_FACTOR.kernels["cpu"] = _lu_factor
