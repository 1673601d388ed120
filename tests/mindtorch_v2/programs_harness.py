"""Ordinary PyTorch programs (tutorial / blog / small-repo style) run unchanged on both libraries.

Each program is written once as a function of the ``torch`` module it runs on and returns a
dict of results (tensors, floats, strings, shapes).  The test runs it with real torch and with
mindtorch_v2 and compares everything.  The two libraries' random generators differ, so a
program takes its data and initial weights from NumPy
where a program draws random numbers
from ``torch`` itself (dropout, multinomial, shuffling) it returns only what does not depend
on the draws (shapes, dtypes, ranges, reproducibility under ``manual_seed``).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same


# ----------------------------------------------------------------------------- harness

def _compare(m, t, path="out", rtol=1e-4, atol=1e-5):
    if isinstance(t, dict):
        assert isinstance(m, dict) and list(m) == list(t), f"{path}: keys {list(m)} != {list(t)}"
        for k in t:
            _compare(m[k], t[k], f"{path}[{k!r}]", rtol, atol)
    elif isinstance(t, T.Tensor):
        assert isinstance(m, M.Tensor), f"{path}: expected a Tensor, got {type(m)}"
        try:
            assert_same(m, t, rtol=rtol, atol=atol)
        except AssertionError as e:
            raise AssertionError(f"{path}: {e}") from None
    elif isinstance(t, (list, tuple)):  # torch.Size included
        assert isinstance(m, (list, tuple)), f"{path}: expected a sequence, got {type(m)}"
        assert len(m) == len(t), f"{path}: length {len(m)} != {len(t)}"
        for i, (a, b) in enumerate(zip(m, t)):
            _compare(a, b, f"{path}[{i}]", rtol, atol)
    elif isinstance(t, float):
        assert isinstance(m, float), f"{path}: expected float, got {type(m)} {m!r}"
        assert m == pytest.approx(t, rel=rtol, abs=atol, nan_ok=True), f"{path}: {m} != {t}"
    elif isinstance(t, (T.dtype, T.device)):
        assert str(m) == str(t), f"{path}: {m} != {t}"
    else:
        assert type(m) is type(t), f"{path}: type {type(m)} != {type(t)} ({m!r} vs {t!r})"
        assert m == t, f"{path}: {m!r} != {t!r}"


def run_both(prog, *args, rtol=1e-4, atol=1e-5):
    """prog(torch, *args) on real torch and on mindtorch_v2; the results must agree."""
    threads = T.get_num_threads()
    T.set_num_threads(1)  # the oracle's thread pool spins badly on a shared 2-core machine
    try:
        expected = prog(T, *args)
    finally:
        T.set_num_threads(threads)
    got = prog(M, *args)
    _compare(got, expected, rtol=rtol, atol=atol)
    return got, expected


def np_init(torch, model, seed=0, scale=0.3):
    """Deterministic weights from NumPy (the libraries' generators differ)."""
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.uniform(-scale, scale, tuple(p.shape)).astype(np.float32)))


def arr(seed, *shape, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)


def ints(seed, high, *shape):
    return np.random.default_rng(seed).integers(0, high, shape)


def _mlp(torch, n_in=8, n_hidden=16, n_out=3, seed=0):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out))
    np_init(torch, model, seed)
    return model


def tryall(torch, fns):
    r = []
    for f in fns:
        try:
            v = f()
            r.append(v)
        except Exception as e:
            r.append("EXC " + type(e).__name__)
    return r
