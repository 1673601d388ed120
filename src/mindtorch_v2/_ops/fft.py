"""The fft op family (declarations, meta functions, public API of ``torch.fft``).

Every transform is declared as one op named like aten's (``fft_fft``, ``fft_rfft2``...).
Public functions validate and canonicalise their arguments once, then dispatch
``op(x, s, dims, norm)`` with ``s`` a tuple of signal lengths (one per transformed dim,
already resolved) and ``dims`` a tuple of wrapped dims.  Meta functions and CPU kernels
share the same canonical form.

Note [fft output strides]
  torch's CPU transforms put the transformed dims innermost (in the order the transform
  visits them: sorted by input stride for c2c and for all but the last dim of r2c) and
  the batch dims outside, ordered by decreasing input stride.  Padding an input (``n``
  larger than the dim) copies it to a contiguous tensor first; multi-dim c2r runs a c2c
  over all but the last dim and then a 1-d c2r on the result.  ``_exec_strides`` models
  one such transform; the meta functions chain them like torch does.
"""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch.dispatcher import dispatch, dispatch_out
from .._tensor import Tensor
from ._common import _dense, contiguous_strides, finish_out, wrap_dim
from .registry import Spec, register

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2", "irfft2",
           "fftn", "ifftn", "rfftn", "irfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

# kinds: c2c (complex result, complex or real input), r2c (onesided), c2r (real result)
C2C, R2C, C2R = "c2c", "r2c", "c2r"
_NORMS = (None, "backward", "forward", "ortho")


# ---------------------------------------------------------------------------------------
# dtypes and strides
# ---------------------------------------------------------------------------------------

def fft_input_dtype(dt, name, kind):
    """dtype the transform computes in (torch's promote_tensor_fft) for input dtype ``dt``."""
    if kind == R2C and dt.is_complex:
        raise RuntimeError(f"{name} expects a real input tensor, but got {dt.c10_name}")
    if dt.category <= D.INT:
        dt = D.get_default_dtype()
    if dt not in (D.float32, D.float64, D.complex64, D.complex128):
        raise RuntimeError(f"Unsupported dtype {dt.c10_name}")
    if kind == C2R and not dt.is_complex:
        dt = dt.to_complex()
    return dt


def _exec_strides(in_stride, out_shape, dims):
    """Output strides of one torch CPU transform over ``dims`` (Note [fft output strides])."""
    nd = len(out_shape)
    tdims = set(dims)
    batch = [d for d in range(nd) if d not in tdims]
    batch.sort(key=lambda d: -in_stride[d])  # stable, like torch's small-array sort
    out = [0] * nd
    acc = 1
    for d in reversed(dims):
        out[d] = acc
        acc *= max(out_shape[d], 1)
    for d in reversed(batch):
        out[d] = acc
        acc *= max(out_shape[d], 1)
    return tuple(out)


def _sort_dims(stride, dims, exclude_last=False):
    if exclude_last:
        return sorted(dims[:-1], key=lambda d: -stride[d]) + [dims[-1]]
    return sorted(dims, key=lambda d: -stride[d])


def _resized_layout(x, dims, sizes, cdt):
    """(shape, strides) of the input after the dtype promotion and resizing to ``sizes``."""
    shape = list(x._shape)
    stride = x._stride
    if cdt is not x.dtype and not _dense(x._shape, x._stride):
        stride = contiguous_strides(tuple(shape))
    padded = False
    for d, n in zip(dims, sizes):
        if n > shape[d]:
            padded = True
        shape[d] = n
    if padded:
        stride = contiguous_strides(tuple(shape))
    return tuple(shape), stride


def _check_nonempty(shape):
    for n in shape:
        if n == 0:
            raise RuntimeError("MKL FFT error: Intel oneMKL DFTI ERROR: Inconsistent "
                               "configuration parameters")


def fft_plan(name, kind, forward, x, s, dims):
    """(compute dtype, input sizes after resize, output Spec) of a canonical fft call."""
    cdt = fft_input_dtype(x.dtype, name, kind)
    if kind == C2C and not cdt.is_complex and name not in ("fft", "ifft"):
        cdt = cdt.to_complex()  # torch's n-d c2c converts real input to complex first
    dims = list(dims)
    if not dims:  # fftn over no dims: a (complex) copy
        st = x._stride if _dense(x._shape, x._stride) else contiguous_strides(x._shape)
        odt = cdt if kind != C2R else cdt.to_real()
        if kind == C2C:
            odt = cdt if cdt.is_complex else cdt.to_complex()
        return cdt, (), Spec(x._shape, odt, st)
    if kind == C2R:
        in_sizes = tuple(s[:-1]) + (s[-1] // 2 + 1,)
    else:
        in_sizes = tuple(s)
    shape, stride = _resized_layout(x, dims, in_sizes, cdt)
    _check_nonempty(shape)
    if kind == C2C:
        sd = _sort_dims(stride, dims)  # (1-d fft of real input: a two-sided r2c)
        odt = cdt if cdt.is_complex else cdt.to_complex()
        return cdt, in_sizes, Spec(shape, odt, _exec_strides(stride, shape, sd))
    if kind == R2C:
        oshape = list(shape)
        oshape[dims[-1]] = shape[dims[-1]] // 2 + 1
        sd = _sort_dims(stride, dims, exclude_last=True)
        return cdt, in_sizes, Spec(oshape, cdt.to_complex(), _exec_strides(stride, oshape, sd))
    # C2R: a c2c over all but the last dim, then a 1-d c2r
    if len(dims) > 1:
        sd = _sort_dims(stride, dims[:-1])
        stride = _exec_strides(stride, shape, sd)
    oshape = list(shape)
    oshape[dims[-1]] = s[-1]
    return cdt, in_sizes, Spec(oshape, cdt.to_real(), _exec_strides(stride, oshape, dims[-1:]))


# ---------------------------------------------------------------------------------------
# ops
# ---------------------------------------------------------------------------------------

# public name -> (kind, forward, number of dims: 1, 2 or None for n-d)
TRANSFORMS = {
    "fft": (C2C, True, 1), "ifft": (C2C, False, 1),
    "rfft": (R2C, True, 1), "irfft": (C2R, False, 1),
    "hfft": (C2R, True, 1), "ihfft": (R2C, False, 1),
    "fft2": (C2C, True, 2), "ifft2": (C2C, False, 2),
    "rfft2": (R2C, True, 2), "irfft2": (C2R, False, 2),
    "fftn": (C2C, True, None), "ifftn": (C2C, False, None),
    "rfftn": (R2C, True, None), "irfftn": (C2R, False, None),
}
FFT_OPS = {}


def _meta_for(name, kind, forward):
    def meta(x, s, dims, norm=None):
        return fft_plan(name, kind, forward, x, s, dims)[2]
    return meta


for _name, (_kind, _fwd, _nd) in TRANSFORMS.items():
    _op = register("fft_" + _name, _meta_for(_name, _kind, _fwd), family="fft")
    _op.extra.update(kind=_kind, forward=_fwd, public=_name)
    FFT_OPS[_name] = _op


def _check_norm(norm):
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _canon_1d(name, kind, x, n, dim):
    nd = len(x._shape)
    if nd == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    d = wrap_dim(dim, nd)
    if n is None:
        n = 2 * (x._shape[d] - 1) if kind == C2R else x._shape[d]
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return (n,), (d,)


def _canon_nd(name, kind, x, s, dim):
    nd = len(x._shape)
    if s is not None and not isinstance(s, (tuple, list)):
        s = (s,)
    if dim is not None and not isinstance(dim, (tuple, list)):
        dim = (dim,)
    if dim is not None:
        if s is not None and len(s) != len(dim):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        dims = tuple(wrap_dim(d, nd) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    elif s is not None:
        if len(s) > nd:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has "
                               f"{nd} dimensions.")
        dims = tuple(range(nd - len(s), nd))
    else:
        dims = tuple(range(nd))
    if kind != C2C and not dims:
        raise RuntimeError(f"{name} must transform at least one axis")
    if s is None:
        s = [-1] * len(dims)
    sizes = []
    for i, (d, n) in enumerate(zip(dims, s)):
        if n == -1:
            n = x._shape[d]
            if kind == C2R and i == len(dims) - 1:
                n = 2 * (n - 1)
        if n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
        sizes.append(int(n))
    return tuple(sizes), dims


def _public_for(name, op, nd):
    kind = op.extra["kind"]

    if nd == 1:
        def fn(input, n=None, dim=-1, norm=None, *, out=None):
            _check_norm(norm)
            s, dims = _canon_1d(name, kind, input, n, dim)
            if out is not None:
                return dispatch_out(op, out, input, s, dims, norm)
            return dispatch(op, input, s, dims, norm)
    else:
        default_dim = (-2, -1) if nd == 2 else None

        def fn(input, s=None, dim=default_dim, norm=None, *, out=None):
            _check_norm(norm)
            if not isinstance(input, Tensor):
                raise TypeError(f"fft_{name}(): argument 'input' (position 1) must be Tensor, "
                                f"not {type(input).__name__}")
            s_, dims = _canon_nd(name, kind, input, s, dim)
            if out is not None:
                return dispatch_out(op, out, input, s_, dims, norm)
            return dispatch(op, input, s_, dims, norm)
    fn.__name__ = fn.__qualname__ = name
    return fn


_g = globals()
for _name, (_kind, _fwd, _nd) in TRANSFORMS.items():
    _g[_name] = _public_for(_name, FFT_OPS[_name], _nd)


# ---------------------------------------------------------------------------------------
# fftshift / ifftshift (a roll by half of each dim)
# ---------------------------------------------------------------------------------------

def _shift_meta(x, dims, inverse=False):
    return Spec(x._shape, x.dtype, contiguous_strides(x._shape))


FFTSHIFT = register("fft_fftshift", _shift_meta, family="fft")
IFFTSHIFT = register("fft_ifftshift", _shift_meta, family="fft")


def _shift_dims(x, dim):
    nd = len(x._shape)
    if dim is None:
        dims = tuple(range(nd))
    elif isinstance(dim, (tuple, list)):
        dims = tuple(wrap_dim(d, nd) for d in dim)
    else:
        if nd == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        dims = (wrap_dim(dim, nd),)
    if not dims:
        raise RuntimeError("`shifts` required")
    return dims


def fftshift(input, dim=None):
    return dispatch(FFTSHIFT, input, _shift_dims(input, dim))


def ifftshift(input, dim=None):
    return dispatch(IFFTSHIFT, input, _shift_dims(input, dim))


# ---------------------------------------------------------------------------------------
# frequencies (factories)
# ---------------------------------------------------------------------------------------

def _freq(name, n, d, dtype, device, requires_grad, out, onesided):
    import numpy as np
    from .creation import _from_host
    if dtype is None:
        dtype = out.dtype if out is not None else D.get_default_dtype()
    if dtype.category <= D.INT:
        raise RuntimeError(f"{name} requires a floating point or complex dtype")
    if dtype.is_complex:
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{dtype.c10_name}'")
    if onesided:
        k = np.arange(n // 2 + 1, dtype=np.float64)
    else:
        k = np.concatenate([np.arange((n + 1) // 2), np.arange(-(n // 2), 0)]).astype(np.float64)
    a = (k / (n * d)).astype(dtype.np if dtype is not D.bfloat16 else np.float32)
    if out is not None:
        return finish_out(_from_host(a, dtype, "cpu", False), out)
    return _from_host(a, dtype, device, requires_grad)


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _freq("fftfreq", n, d, dtype, device, requires_grad, out, False)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    return _freq("rfftfreq", n, d, dtype, device, requires_grad, out, True)
