"""CPU kernels of the fft family (scipy.fft / pocketfft; layout from the meta function)."""
from __future__ import annotations

import numpy as np

from ..._lazy import lazy_module
from ..._ops import fft as F
from ._util import arr, wrap

sf = lazy_module("scipy.fft")


def _resize(a, dims, sizes):
    """Slice or zero-pad ``a`` along ``dims`` to ``sizes`` (torch's resize_fft_input)."""
    idx = [slice(None)] * a.ndim
    pad = [(0, 0)] * a.ndim
    sliced = padded = False
    for d, n in zip(dims, sizes):
        if a.shape[d] > n:
            idx[d] = slice(0, n)
            sliced = True
        elif a.shape[d] < n:
            pad[d] = (0, n - a.shape[d])
            padded = True
    if sliced:
        a = a[tuple(idx)]
    if padded:
        a = np.pad(a, pad)
    return a


def _layout(r, spec):
    """A fresh array with ``r``'s values in ``spec``'s dtype and strides."""
    st = spec.stride
    perm = sorted(range(r.ndim), key=lambda d: -st[d])
    out = np.empty(tuple(r.shape[d] for d in perm), dtype=spec.dtype.np)
    v = out.transpose(np.argsort(perm))
    v[...] = r
    t = wrap(v, spec.dtype)
    t._stride = spec.stride  # (size-1 dims: numpy does not keep torch's strides)
    return t


def _kernel(op):
    name = op.extra["public"]
    kind = op.extra["kind"]
    forward = op.extra["forward"]

    def kernel(x, s, dims, norm=None):
        cdt, in_sizes, spec = F.fft_plan(name, kind, forward, x, s, dims)
        a = arr(x)
        if a.dtype != cdt.np:
            a = a.astype(cdt.np)
        if not dims:
            return _layout(a, spec)
        a = _resize(a, dims, in_sizes)
        if kind == F.C2C:
            r = (sf.fftn if forward else sf.ifftn)(a, axes=dims, norm=norm)
        elif kind == F.R2C:
            if forward:
                r = sf.rfftn(a, axes=dims, norm=norm)
            else:
                r = sf.ihfftn(a, axes=dims, norm=norm) if len(dims) > 1 else \
                    sf.ihfft(a, axis=dims[0], norm=norm)
        else:  # C2R: c2c over all but the last dim, then a 1-d c2r (like torch and numpy)
            if len(dims) > 1:
                a = (sf.fftn if forward else sf.ifftn)(a, axes=dims[:-1], norm=norm)
            if forward:
                r = sf.hfft(a, n=s[-1], axis=dims[-1], norm=norm)
            else:
                r = sf.irfft(a, n=s[-1], axis=dims[-1], norm=norm)
        return _layout(r, spec)
    return kernel


def _shift_kernel(inverse):
    def kernel(x, dims):
        a = arr(x)
        if not dims:
            return wrap(a.copy(), x.dtype)
        shifts = [(a.shape[d] + (1 if inverse else 0)) // 2 for d in dims]
        return wrap(np.ascontiguousarray(np.roll(a, shifts, axis=dims)), x.dtype)
    return kernel


def register():
    for op in F.FFT_OPS.values():
        op.kernels["cpu"] = _kernel(op)
    F.FFTSHIFT.kernels["cpu"] = _shift_kernel(False)
    F.IFFTSHIFT.kernels["cpu"] = _shift_kernel(True)
