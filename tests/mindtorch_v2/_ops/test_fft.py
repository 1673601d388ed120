"""torch.fft against real torch: values, dtypes, shapes, strides (CPU and meta), errors."""
import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, check

_BASE = np.random.default_rng(0).standard_normal((3, 4, 5))


def _b(L):
    return L.tensor(_BASE)


INPUTS = {
    "f64": _b,
    "f64_perm": lambda L: _b(L).permute(2, 0, 1),
    "f64_sliced": lambda L: _b(L)[:, ::2],
    "f32_t": lambda L: _b(L).float().transpose(0, 2),
    "c128": lambda L: L.complex(_b(L), _b(L).flip(0)),
    "c64_perm": lambda L: L.complex(_b(L), _b(L)).to(L.complex64).permute(1, 2, 0),
    "i64": lambda L: (_b(L) * 10).long(),
    "c128_sliced_t": lambda L: L.complex(_b(L), _b(L))[::2].transpose(1, 2),
}
ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
ONE_D_KW = [{}, {"dim": 0}, {"dim": 1, "n": 7}, {"n": 2}, {"norm": "ortho"},
            {"norm": "forward", "dim": -2}, {"norm": "backward", "n": 1}]
N_D = ["fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn", "irfftn"]
N_D_KW = [{}, {"dim": (0, 2)}, {"dim": (2, 0)}, {"s": (6, 3)},
          {"s": (6, 3), "dim": (1, 0), "norm": "ortho"}, {"dim": (1,), "norm": "forward"},
          {"dim": (0, 1, 2)}, {"s": (2, 2, 2)}, {"dim": (-1, 1), "s": (1, 8)},
          {"s": (-1, 4)}, {"dim": 0}]


def _compare(name, mk, kw):
    fn_t = getattr(T.fft, name)
    fn_m = getattr(M.fft, name)
    try:
        t = fn_t(mk(T), **kw)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            fn_m(mk(M), **kw)
        return
    x = mk(M)
    m = fn_m(x, **kw)
    assert_same(m, t, check_stride=True, rtol=1e-4, atol=1e-4)
    # meta agrees with CPU (input with the same strides)
    xm = M.empty_strided(x.shape, x.stride(), dtype=x.dtype, device="meta")
    mm = fn_m(xm, **kw)
    assert (mm.shape, mm.stride(), mm.dtype) == (m.shape, m.stride(), m.dtype)


@pytest.mark.parametrize("inp", list(INPUTS))
@pytest.mark.parametrize("name", ONE_D)
def test_fft_1d(name, inp):
    for kw in ONE_D_KW:
        _compare(name, INPUTS[inp], kw)


@pytest.mark.parametrize("inp", list(INPUTS))
@pytest.mark.parametrize("name", N_D)
def test_fft_nd(name, inp):
    for kw in N_D_KW:
        _compare(name, INPUTS[inp], kw)


ERRORS = [
    lambda L: L.fft.fft(L.tensor(1.0)),                                  # 0-dim
    lambda L: L.fft.fft(L.zeros(0)),                                     # n = 0
    lambda L: L.fft.fft(L.zeros(3, 0), dim=0),                           # empty batch
    lambda L: L.fft.fft(L.zeros(3), norm="bad"),
    lambda L: L.fft.fft(L.zeros(3), n=0),
    lambda L: L.fft.fft(L.zeros(3), dim=2),
    lambda L: L.fft.fft2(L.zeros(3)),
    lambda L: L.fft.fftn(L.zeros(3, 4), dim=(0, 0)),
    lambda L: L.fft.fftn(L.zeros(3, 4), s=(2,), dim=(0, 1)),
    lambda L: L.fft.fftn(L.zeros(3, 4), s=(1, 2, 3)),
    lambda L: L.fft.irfft(L.zeros(1, dtype=L.complex64)),
    lambda L: L.fft.rfft(L.zeros(3, dtype=L.complex64)),
    lambda L: L.fft.ihfft(L.zeros(3, dtype=L.complex64)),
    lambda L: L.fft.rfftn(L.zeros(2, 3), dim=()),
    lambda L: L.fft.fft(L.zeros(4, dtype=L.float16)),
    lambda L: L.fft.rfft(L.zeros(4, dtype=L.bfloat16)),
    lambda L: L.fft.irfft(L.zeros(4, dtype=L.float16)),
    lambda L: L.fft.fft(L.zeros(3, 4), out=L.zeros(3, 4)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_fft_errors(i):
    with pytest.raises(Exception) as et:
        ERRORS[i](T)
    with pytest.raises(type(et.value)):
        ERRORS[i](M)


MISC = [
    lambda L: L.fft.fftn(L.tensor(2.0)),
    lambda L: L.fft.fftn(L.arange(24.).reshape(2, 3, 4).transpose(0, 2), dim=()),
    lambda L: L.fft.fft(L.tensor([True, False, True])),
    lambda L: L.fft.fft(L.arange(4, dtype=L.int32)),
    lambda L: L.fft.irfft(L.arange(5.0)),
    lambda L: L.fft.hfft(L.arange(5)),
    lambda L: L.fft.fft(L.arange(6.0).reshape(2, 3), out=L.zeros(2, 3, dtype=L.complex64)),
    lambda L: L.fft.rfft(L.arange(6.0), out=L.zeros(1, dtype=L.complex64)),
    lambda L: L.fft.fft(L.arange(6.0).reshape(2, 3).expand(4, 2, 3), dim=1),
    lambda L: L.fft.fft(L.ones(1, 1, 4), n=8),
]


@pytest.mark.parametrize("i", range(len(MISC)))
def test_fft_misc(i):
    check(MISC[i], check_stride=True, rtol=1e-5, atol=1e-5)


def test_fft_roundtrip_float32():
    x = M.tensor(_BASE.astype(np.float32))
    r = M.fft.irfftn(M.fft.rfftn(x), s=x.shape)
    assert r.dtype is M.float32
    assert np.allclose(r.numpy(), _BASE, atol=1e-5)


SHIFTS = [
    lambda L: L.fft.fftshift(L.arange(6).reshape(2, 3)),
    lambda L: L.fft.ifftshift(L.arange(6).reshape(2, 3)),
    lambda L: L.fft.fftshift(L.arange(35.).reshape(5, 7).t(), dim=0),
    lambda L: L.fft.ifftshift(L.arange(35.).reshape(5, 7).t(), dim=(-1,)),
    lambda L: L.fft.fftshift(L.arange(35.).reshape(5, 7), dim=(1, 0)),
    lambda L: L.fft.ifftshift(L.arange(7)),
    lambda L: L.fft.fftshift(L.tensor(3.0)),
    lambda L: L.fft.fftshift(L.zeros(0, 3)),
    lambda L: L.fft.fftshift(L.arange(6).reshape(2, 3), dim=2),
    lambda L: L.fft.ifftshift(L.fft.fftshift(L.arange(9.).reshape(3, 3))),
]


@pytest.mark.parametrize("i", range(len(SHIFTS)))
def test_fftshift(i):
    check(SHIFTS[i], check_stride=True)


FREQS = [
    lambda L: L.fft.fftfreq(5),
    lambda L: L.fft.fftfreq(6, d=0.25),
    lambda L: L.fft.fftfreq(1),
    lambda L: L.fft.fftfreq(0),
    lambda L: L.fft.rfftfreq(5, d=0.5, dtype=L.float64),
    lambda L: L.fft.rfftfreq(8),
    lambda L: L.fft.fftfreq(4, dtype=L.int64),
    lambda L: L.fft.fftfreq(4, dtype=L.complex64),
    lambda L: L.fft.fftfreq(4, out=L.zeros(2, dtype=L.float64)),
]


@pytest.mark.parametrize("i", range(len(FREQS)))
def test_fftfreq(i):
    check(FREQS[i])


def test_fftfreq_meta():
    r = M.fft.fftfreq(4, device="meta")
    assert r.device.type == "meta" and tuple(r.shape) == (4,) and r.dtype is M.float32


def test_fft_not_top_level():
    assert not hasattr(M, "fftshift") and not hasattr(M, "rfftfreq")
