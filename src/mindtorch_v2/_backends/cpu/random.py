"""CPU kernels of the random family: draw from ``generator.np`` (NumPy PCG64).

In-place kernels write into the tensor's NumPy view (any strides); out-of-place kernels
allocate with the meta function's strides.  Reduced-precision floats draw in float32 and
are cast on assignment; complex tensors get independent real and imaginary parts.
"""
from __future__ import annotations

import math

import numpy as np

from ... import _dtype as D
from ..._device import CPU
from ..._ops import random as R
from ..._ops.registry import OPS
from ..._tensor import Tensor
from ._util import arr

_SQRT1_2 = math.sqrt(0.5)
# uniform granularity of reduced-precision floats (so rounding never reaches 1.0)
_BITS = {"float16": 11, "bfloat16": 8}


def _work(dt):
    """(draw shape suffix, NumPy float dtype to draw in) for a float/complex tensor dtype."""
    if dt.is_complex:
        return (2,), (np.float64 if dt is D.complex128 else np.float32)
    return (), (np.float64 if dt is D.float64 else np.float32)


def _store(a, v, complex_):
    if complex_:
        a.real[...] = v[..., 0]
        a.imag[...] = v[..., 1]
    else:
        a[...] = v


def _unit(g, shape, dt, fdt):
    """Uniform [0, 1) samples in ``fdt`` for a tensor of dtype ``dt``."""
    bits = _BITS.get(dt.name)
    if bits is not None:
        return g.integers(0, 1 << bits, shape).astype(np.float32) * np.float32(1.0 / (1 << bits))
    return g.random(shape, dtype=fdt)


def uniform_kernel(self, from_=0.0, to=1.0, *, generator=None):
    R.check_uniform(self, from_, to)
    a = arr(self)
    if a.size:
        dt = self.dtype
        suf, fdt = _work(dt)
        g = R.gen_of(generator).np
        u = _unit(g, a.shape + suf, dt.to_real() if dt.is_complex else dt, fdt)
        if from_ != 0.0 or to != 1.0:
            u = (u * fdt(to - from_) + fdt(from_)) if fdt is np.float64 else \
                (u.astype(np.float64) * (to - from_) + from_).astype(np.float32)
        _store(a, u, bool(suf))
    return self


def normal_kernel(self, mean=0.0, std=1.0, *, generator=None):
    R.check_normal(self, std)
    a = arr(self)
    if a.size:
        suf, fdt = _work(self.dtype)
        g = R.gen_of(generator).np
        v = g.standard_normal(a.shape + suf, dtype=fdt)
        s = std * _SQRT1_2 if suf else std
        if s != 1.0:
            v *= fdt(s)
        if mean != 0.0:
            v += fdt(mean)
        _store(a, v, bool(suf))
    return self


def random_kernel(self, from_=0, to=None, *, generator=None):
    lo, hi = R.random_bounds(self.dtype, from_, to)
    a = arr(self)
    if a.size:
        g = R.gen_of(generator).np
        a[...] = g.integers(lo, hi - 1, a.shape, dtype=np.int64, endpoint=True)
    return self


def exponential_kernel(self, lambd=1.0, *, generator=None):
    OPS["exponential_"].meta(self, lambd)
    a = arr(self)
    if a.size:
        _, fdt = _work(self.dtype)
        v = R.gen_of(generator).np.standard_exponential(a.shape, dtype=fdt)
        if lambd != 1.0:
            v /= fdt(lambd)
        a[...] = v
    return self


def _fill_kernel(name, draw):
    """In-place kernel that assigns ``draw(g, shape, *params)`` (NumPy float64 samples, cast
    on assignment) after the op's meta checks; ``draw`` carries the parameter defaults."""
    def kernel(self, *params, generator=None, **kw):
        OPS[name].meta(self, *params, **kw)
        a = arr(self)
        if a.size:
            a[...] = draw(R.gen_of(generator).np, a.shape, *params, **kw)
        return self
    return kernel


cauchy_kernel = _fill_kernel(
    "cauchy_", lambda g, shape, median=0.0, sigma=1.0: median + sigma * g.standard_cauchy(shape))
log_normal_kernel = _fill_kernel(
    "log_normal_",
    lambda g, shape, mean=1.0, std=2.0: np.exp(mean + std * g.standard_normal(shape)))
geometric_kernel = _fill_kernel("geometric_", lambda g, shape, p: g.geometric(p, shape))


def _check_probs(p):
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")


def bernoulli__kernel(self, p=0.5, *, generator=None):
    OPS["bernoulli_"].meta(self, p)
    a = arr(self)
    if isinstance(p, Tensor):
        p = arr(p)
        _check_probs(p)
    if a.size:
        u = R.gen_of(generator).np.random(a.shape)
        a[...] = u < p
    return self


def randperm_kernel(self, n, *, generator=None):
    OPS["randperm"].meta(self, n)
    arr(self)[...] = R.gen_of(generator).np.permutation(n)
    return self


def _alloc(spec):
    return Tensor._empty(spec.shape, spec.dtype, CPU, spec.stride)


def normal_out_kernel(mean, std, *, generator=None):
    spec = R._normal_meta(mean, std)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    m = arr(mean) if mt else mean
    s = arr(std) if st else std
    if st and s.size and not (s >= 0).all():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    out = _alloc(spec)
    a = arr(out)
    if a.size:
        dt = spec.dtype
        suf, fdt = _work(dt)
        g = R.gen_of(generator).np
        v = g.standard_normal(a.shape + suf, dtype=np.float64)
        if suf:
            v = (v[..., 0] + 1j * v[..., 1]) * _SQRT1_2
        a[...] = v * s + m
    return out


def bernoulli_kernel(input, *, generator=None):
    spec = R._bernoulli_meta(input)
    p = arr(input)
    _check_probs(p)
    out = _alloc(spec)
    a = arr(out)
    if a.size:
        a[...] = R.gen_of(generator).np.random(a.shape) < p
    return out


def poisson_kernel(input, generator=None):
    spec = R._poisson_meta(input)
    lam = arr(input)
    if lam.size and not (lam >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    out = _alloc(spec)
    a = arr(out)
    if a.size:
        a[...] = R.gen_of(generator).np.poisson(lam.astype(np.float64))
    return out


def multinomial_kernel(input, num_samples, replacement=False, *, generator=None):
    spec = R._multinomial_meta(input, num_samples, replacement)
    p = arr(input).astype(np.float64)
    p2 = p.reshape(1, -1) if p.ndim == 1 else p
    rows, ncat = p2.shape
    if p2.size and not (np.isfinite(p2).all() and (p2 >= 0).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if rows and ncat == 0:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    total = p2.sum(axis=1)
    if rows and (total <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    g = R.gen_of(generator).np
    if rows == 0:
        res = np.zeros((0, num_samples), np.int64)
    elif not replacement:
        # exponential race: the smallest E/p come first (zero-probability categories last)
        keys = g.standard_exponential((rows, ncat)) / p2
        res = np.argsort(keys, axis=1, kind="stable")[:, :num_samples].astype(np.int64)
    else:
        cdf = np.cumsum(p2, axis=1) / total[:, None]
        u = g.random((rows, num_samples))
        res = np.empty((rows, num_samples), np.int64)
        for r in range(rows):
            res[r] = np.searchsorted(cdf[r], u[r], side="right")
        np.minimum(res, ncat - 1, out=res)
    return Tensor._from_np(np.ascontiguousarray(res.reshape(spec.shape)), D.int64)


def register():
    table = {
        "uniform_": uniform_kernel, "normal_": normal_kernel, "random_": random_kernel,
        "exponential_": exponential_kernel, "cauchy_": cauchy_kernel,
        "log_normal_": log_normal_kernel, "geometric_": geometric_kernel,
        "bernoulli_": bernoulli__kernel, "randperm": randperm_kernel,
        "normal": normal_out_kernel, "bernoulli": bernoulli_kernel,
        "poisson": poisson_kernel, "multinomial": multinomial_kernel,
    }
    for name, fn in table.items():
        OPS[name].kernels["cpu"] = fn
