"""Backward formulas of the fft family (``_ops/fft.py``): each op is ``op(x, s, dims, norm)``.

A DFT's adjoint is the DFT of the opposite direction with the normalisation moved to the
other side (none <-> 1/n, ortho stays): ``_ADJ_NORM``.  Around the transform:
  * the input was resized to ``s`` (zero-padded or truncated): the adjoint truncates or
    zero-pads back (``_resize``);
  * r2c (rfft*, ihfft) keeps the non-negative half of a full c2c output: the adjoint
    zero-pads the half gradient to the full length, applies the c2c adjoint, takes Re
    (the engine takes the real part for real inputs);
  * c2r (irfft*, hfft) first extends the half spectrum Hermitian-symmetrically: the adjoint
    is an r2c of the gradient with the bins that stand for two entries (1 .. n - n//2 - 1
    along the last dim) doubled, like torch.
"""
from __future__ import annotations

from ..._ops import fft as F
from ..derivatives import defgrad

_ADJ_NORM = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}


def _M():
    import mindtorch_v2
    return mindtorch_v2


def _resize(t, dims, sizes):
    """Truncate or zero-pad ``t`` along ``dims`` to ``sizes`` (differentiably)."""
    M = _M()
    for d, n in zip(dims, sizes):
        cur = t.shape[d]
        if cur > n:
            t = t.narrow(d, 0, n)
        elif cur < n:
            shape = list(t.shape)
            shape[d] = n - cur
            t = M.cat([t, M.zeros(shape, dtype=t.dtype, device=t.device)], d)
    return t


def _c2c_adjoint(g, dims, forward, norm):
    M = _M()
    fn = M.fft.ifftn if forward else M.fft.fftn
    return fn(g, dim=list(dims), norm=_ADJ_NORM[norm])


def _make(name, kind, forward):
    if kind == F.C2C:
        def f(g, x, s, dims, norm=None, *, meta):
            shape = meta[0][0]
            gx = _c2c_adjoint(g, dims, forward, norm)
            return _resize(gx, dims, [shape[d] for d in dims])
    elif kind == F.R2C:
        def f(g, x, s, dims, norm=None, *, meta):
            shape = meta[0][0]
            last = dims[-1]
            full = _resize(g, [last], [s[-1]])
            gx = _c2c_adjoint(full, dims, forward, norm)
            return _resize(gx, dims, [shape[d] for d in dims])
    else:
        def f(g, x, s, dims, norm=None, *, meta):
            M = _M()
            shape = meta[0][0]
            last, n = dims[-1], s[-1]
            adj = _ADJ_NORM[norm]
            if forward:   # hfft (1-d): the adjoint r2c runs in the inverse direction
                gh = M.fft.ihfft(g, dim=last, norm=adj)
            else:
                gh = M.fft.rfftn(g, dim=list(dims), norm=adj)
            twice = n - n // 2 - 1
            if twice > 0:
                h = gh.shape[last]
                w = M.ones(h, dtype=gh.real.dtype, device=gh.device)
                w = M.cat([w.narrow(0, 0, 1), 2 * w.narrow(0, 1, twice),
                           w.narrow(0, 1 + twice, h - 1 - twice)])
                gh = gh * w.reshape([h] + [1] * (gh.dim() - 1 - last))
            return _resize(gh, dims, [shape[d] for d in dims])
    f.__name__ = "_" + name
    return f


for _name, (_kind, _fwd, _nd) in F.TRANSFORMS.items():
    defgrad("fft_" + _name, _make(_name, _kind, _fwd))


@defgrad("fft_fftshift")
def _fftshift(g, x, dims):
    return _M().fft.ifftshift(g, dim=list(dims))


@defgrad("fft_ifftshift")
def _ifftshift(g, x, dims):
    return _M().fft.fftshift(g, dim=list(dims))
