"""Gradients of torch.fft transforms and fftshift/ifftshift, compared with real torch and
checked with finite differences (gradcheck) in float64 / complex128."""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same


def _arr(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, size=shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.uniform(-1, 1, size=shape)
    return np.asarray(a).astype(dtype)


def compare(fn, shape, dtype, layout="plain", rtol=1e-5, atol=1e-6):
    a = _arr(shape, dtype, 0)
    if layout == "t":
        a = np.swapaxes(np.swapaxes(a, -1, -2).copy(), -1, -2)
    elif layout == "slice":
        a = np.repeat(a, 2, axis=-1)[..., ::2]
    t = T.from_numpy(a).requires_grad_()
    m = M.from_numpy(a).requires_grad_()
    tx, mx = (t.mT, m.mT) if layout == "view" else (t, m)
    to, mo = fn(T, tx), fn(M, mx)
    assert_same(mo.detach(), to.detach(), rtol=rtol, atol=atol)
    g = _arr(tuple(to.shape), str(to.dtype).split(".")[1], 1)
    to.backward(T.from_numpy(g.copy()))
    mo.backward(M.from_numpy(g.copy()))
    assert m.grad is not None
    assert_same(m.grad, t.grad, rtol=rtol, atol=atol)


def _f(name, **kw):
    return lambda L, x: getattr(L.fft, name)(x, **kw)


# name -> (fn, input shape, input kinds ("r": real input allowed, "c": complex))
CASES = {
    "fft": (_f("fft"), (3, 8), "rc"),
    "fft_n_pad": (_f("fft", n=11), (3, 8), "rc"),
    "fft_n_trunc": (_f("fft", n=5, dim=0), (8, 3), "rc"),
    "ifft": (_f("ifft"), (3, 8), "rc"),
    "fft_ortho": (_f("fft", norm="ortho"), (3, 7), "rc"),
    "ifft_forward": (_f("ifft", norm="forward"), (3, 7), "c"),
    "fft2": (_f("fft2"), (2, 4, 6), "rc"),
    "ifft2_s": (_f("ifft2", s=(3, 8)), (2, 4, 6), "c"),
    "fftn": (_f("fftn", dim=(0, 2)), (3, 4, 5), "rc"),
    "ifftn": (_f("ifftn", norm="ortho"), (3, 4, 5), "c"),
    "rfft": (_f("rfft"), (3, 8), "r"),
    "rfft_odd": (_f("rfft", n=7), (3, 8), "r"),
    "rfft_ortho": (_f("rfft", dim=0, norm="ortho"), (6, 3), "r"),
    "rfft2": (_f("rfft2"), (2, 4, 6), "r"),
    "rfftn_s": (_f("rfftn", s=(5, 7)), (4, 6), "r"),
    "rfftn_fwd": (_f("rfftn", norm="forward"), (4, 5), "r"),
    "ihfft": (_f("ihfft"), (3, 8), "r"),
    "ihfft_odd": (_f("ihfft", n=9, norm="ortho"), (3, 8), "r"),
    "irfft": (_f("irfft"), (3, 5), "rc"),
    "irfft_n_odd": (_f("irfft", n=9), (3, 5), "c"),
    "irfft_n_small": (_f("irfft", n=4, norm="ortho"), (3, 6), "c"),
    "irfft2": (_f("irfft2"), (2, 4, 5), "c"),
    "irfftn": (_f("irfftn", s=(4, 7), norm="forward"), (4, 4), "c"),
    "hfft": (_f("hfft"), (3, 5), "rc"),
    "hfft_n_odd": (_f("hfft", n=7, norm="ortho"), (3, 5), "c"),
    "hfft_forward": (_f("hfft", n=6, norm="forward", dim=0), (4, 3), "c"),
    "fftshift": (lambda L, x: L.fft.fftshift(x), (3, 5), "rc"),
    "fftshift_dim": (lambda L, x: L.fft.fftshift(x, dim=1), (3, 5), "rc"),
    "ifftshift": (lambda L, x: L.fft.ifftshift(x, dim=(0, 1)), (4, 5), "rc"),
}
_DT = {"r": "float64", "c": "complex128"}


@pytest.mark.parametrize("name,kind", [(n, k) for n in sorted(CASES) for k in CASES[n][2]])
def test_vs_torch(name, kind):
    fn, shape, _ = CASES[name]
    compare(fn, shape, _DT[kind])


@pytest.mark.parametrize("name", ["fft", "rfft", "irfft_n_odd", "fft2", "hfft", "ihfft"])
def test_float32(name):
    fn, shape, kinds = CASES[name]
    compare(fn, shape, "float32" if "r" in kinds else "complex64", rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("layout", ["t", "slice", "view"])
@pytest.mark.parametrize("name", ["fft", "rfft2", "irfft", "fftshift"])
def test_noncontiguous(name, layout):
    fn, shape, kinds = CASES[name]
    compare(fn, shape, _DT["r" if "r" in kinds else "c"], layout=layout)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    fn, shape, kinds = CASES[name]
    for k in kinds:
        x = M.from_numpy(_arr(shape, _DT[k], 2)).requires_grad_()
        assert M.autograd.gradcheck(lambda v: fn(M, v), (x,), atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("name", ["fft_n_pad", "rfft_odd", "irfft", "hfft"])
def test_second_order(name):
    fn, shape, kinds = CASES[name]
    a = _arr(shape, _DT[kinds[-1]], 3)

    def run(lib):
        x = lib.from_numpy(a.copy()).requires_grad_()
        y = fn(lib, x)
        (g,) = lib.autograd.grad((y * y.conj()).real.sum() if y.is_complex() else
                                 (y * y).sum(), x, create_graph=True)
        return lib.autograd.grad((g * g.conj()).real.sum() if g.is_complex() else
                                 (g * g).sum(), x)[0]
    assert_same(run(M), run(T), rtol=1e-6, atol=1e-8)
