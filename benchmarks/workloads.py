"""Benchmark workloads: each builds, for a library module (mindtorch_v2 or torch), a
zero-argument callable doing the work once.  The same code runs on both libraries.

Row: (name, unit, scale(seconds_per_call) -> shown number, target, make(lib) -> fn)
"""
from __future__ import annotations

import numpy as np


def _us(t):
    return t * 1e6


def _ms(t):
    return t * 1e3


def _gflops(flops):
    return lambda t: flops / t / 1e9


def _data(lib, shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return lib.from_numpy(a)


def add_1elem(lib):
    a, b = lib.tensor([1.0]), lib.tensor([2.0])
    add = lib.add
    return lambda: add(a, b)


def chain_10(lib):
    x = lib.tensor([0.5, 1.5, 2.5, 3.5])

    def f():
        y = x + 1
        y = y * 2
        y = y - 0.5
        y = y / 3
        y = lib.exp(y)
        y = lib.log(y)
        y = lib.sin(y)
        y = y.abs()
        y = y.sqrt()
        return y.neg()
    return f


def fma_1m(lib):
    a, b, c = (_data(lib, (1 << 20,), s) for s in range(3))
    return lambda: a * b + c


def matmul(n):
    def make(lib):
        a, b = _data(lib, (n, n), 1), _data(lib, (n, n), 2)
        mm = lib.matmul
        return lambda: mm(a, b)
    return make


def sum_dim(lib):
    x = _data(lib, (4096, 4096))
    return lambda: x.sum(dim=1)


def adv_index(lib):
    x = _data(lib, (100000, 16))
    idx = lib.from_numpy(np.random.default_rng(3).integers(0, 100000, 50000))
    return lambda: x[idx]


def mul_1elem_grad(lib):
    """A small op whose inputs require grad: kernel + autograd node creation."""
    a = lib.tensor([1.0], requires_grad=True)
    b = lib.tensor([2.0], requires_grad=True)
    return lambda: a * b


def backward_chain_1000(lib):
    """Forward and backward through a chain of 1000 small ops."""
    x = lib.tensor([0.5, 1.5], requires_grad=True)

    def f():
        y = x
        for _ in range(500):
            y = y * 1.0001
            y = y + 0.001
        y.sum().backward()
        x.grad = None
    return f


WORKLOADS = [
    ("per-op: add 1-element", "us", _us, "<= 3x", add_1elem),
    ("per-op: chain of 10 small ops", "us", _us, "<= 3x", chain_10),
    ("autograd: a*b 1-element, requires_grad", "us", _us, "<= 3x", mul_1elem_grad),
    ("autograd: fwd+backward, chain of 1000 ops", "ms", _ms, "<= 3x", backward_chain_1000),
    ("elementwise: a*b+c, 1M float32", "ms", _ms, "<= 1.5x", fma_1m),
    ("matmul 1024 float32 (GFLOP/s)", "GF", _gflops(2 * 1024 ** 3), "<= 1.1x", matmul(1024)),
    ("matmul 2048 float32 (GFLOP/s)", "GF", _gflops(2 * 2048 ** 3), "<= 1.1x", matmul(2048)),
    ("reduction: sum(dim=1) 4096x4096", "ms", _ms, "", sum_dim),
    ("advanced indexing: x[idx] 50k rows", "ms", _ms, "", adv_index),
]
