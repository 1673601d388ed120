"""scaled_dot_product_attention and the distance functions compared with torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
import mindtorch_v2.nn.functional  # noqa: F401  (torch.nn.functional as an attribute)
from helpers import raises_like, run_both

RNG = np.random.default_rng(1)


def R(*shape):
    return RNG.standard_normal(shape)


Q, K, V = R(2, 3, 4, 8), R(2, 3, 6, 8), R(2, 3, 6, 5)
BMASK = RNG.standard_normal((4, 6)) > 0
BMASK[0] = False                      # a fully masked row: zeros in torch
FMASK = R(2, 1, 4, 6)


def sdpa(**kw):
    def fn(L, q, k, v):
        kw2 = dict(kw)
        if "attn_mask" in kw2:
            kw2["attn_mask"] = L.tensor(kw2["attn_mask"])
            if kw2["attn_mask"].dtype.is_floating_point:
                kw2["attn_mask"] = kw2["attn_mask"].to(q.dtype)
        return L.nn.functional.scaled_dot_product_attention(q, k, v, **kw2)
    return fn


SDPA = [
    ("plain", {}, [Q, K, V]),
    ("causal", {"is_causal": True}, [Q, K, V]),
    ("causal_square", {"is_causal": True}, [R(3, 5, 4), R(3, 5, 4), R(3, 5, 2)]),
    ("bool_mask", {"attn_mask": BMASK}, [Q, K, V]),
    ("float_mask", {"attn_mask": FMASK}, [Q, K, V]),
    ("scale", {"scale": 0.3}, [Q, K, V]),
    ("3d", {}, [R(3, 4, 8), R(3, 6, 8), R(3, 6, 8)]),
    ("gqa", {"enable_gqa": True}, [R(2, 4, 3, 8), R(2, 2, 5, 8), R(2, 2, 5, 3)]),
    ("batch1", {}, [Q[:1], K[:1], V[:1]]),
]


@pytest.mark.parametrize("name,kw,arrays", SDPA, ids=[c[0] for c in SDPA])
@pytest.mark.parametrize("dtype,noncontig", [("float64", False), ("float32", True)])
def test_sdpa(name, kw, arrays, dtype, noncontig):
    run_both(sdpa(**kw), arrays, dtype, noncontig, rtol=1e-4 if dtype == "float32" else None)


def test_sdpa_dropout_statistics():
    q = M.zeros(1, 1, 2000, 4, dtype=M.float64)     # uniform attention: mean of v
    v = M.ones(1, 1, 50, 3, dtype=M.float64)
    out = M.nn.functional.scaled_dot_product_attention(q, q[..., :50, :], v, dropout_p=0.5)
    # each row: (kept count * 2) / 50, expected value 1
    assert abs(out.mean().item() - 1) < 0.02 and out.std().item() > 0.1
    same = M.nn.functional.scaled_dot_product_attention(q, q[..., :50, :], v, dropout_p=0.0)
    assert np.allclose(same.numpy(), 1)


def test_sdpa_errors():
    q = (R(1, 2, 4), R(1, 3, 4), R(1, 3, 4))
    raises_like(lambda: M.nn.functional.scaled_dot_product_attention(
        *map(M.tensor, q), attn_mask=M.ones(2, 3, dtype=M.bool), is_causal=True),
        lambda: T.nn.functional.scaled_dot_product_attention(
        *map(T.tensor, q), attn_mask=T.ones(2, 3, dtype=T.bool), is_causal=True))


DIST = [
    ("cosine", lambda L, a, b: L.nn.functional.cosine_similarity(a, b), [R(4, 5), R(4, 5)]),
    ("cosine_dim_bcast", lambda L, a, b: L.nn.functional.cosine_similarity(a, b, -1, 1e-3),
     [R(3, 4, 5), R(4, 5)]),
    ("cosine_zero", lambda L, a, b: L.cosine_similarity(a * 0, b), [R(4, 5), R(4, 5)]),
    ("pairwise", lambda L, a, b: L.nn.functional.pairwise_distance(a, b), [R(4, 5), R(4, 5)]),
    ("pairwise_p1_keep", lambda L, a, b: L.pairwise_distance(a, b, 1.0, 1e-3, True),
     [R(4, 5), R(5)]),
    ("pairwise_inf", lambda L, a, b: L.nn.functional.pairwise_distance(a, b, float("inf")),
     [R(4, 5), R(4, 5)]),
    ("pdist", lambda L, a: L.nn.functional.pdist(a), [R(5, 3)]),
    ("pdist_p3", lambda L, a: L.pdist(a, 3), [R(4, 3)]),
    ("cdist", lambda L, a, b: L.cdist(a, b), [R(4, 3), R(5, 3)]),
    ("cdist_batched_p1", lambda L, a, b: L.cdist(a, b, 1.0), [R(2, 4, 3), R(2, 5, 3)]),
    ("normalize_via_cos", lambda L, a, b: L.nn.functional.cosine_similarity(a, b, 0),
     [R(6), R(6)]),
]


@pytest.mark.parametrize("name,fn,arrays", DIST, ids=[c[0] for c in DIST])
@pytest.mark.parametrize("dtype,noncontig", [("float64", False), ("float32", True)])
def test_distance(name, fn, arrays, dtype, noncontig):
    run_both(fn, arrays, dtype, noncontig, rtol=1e-4 if dtype == "float32" else None)


DIST_ERRORS = [
    lambda L: L.pdist(L.ones(2, 3, 4)),
    lambda L: L.cdist(L.ones(2, 3), L.ones(2, 4)),
    lambda L: L.cdist(L.ones(3), L.ones(2, 3)),
]


@pytest.mark.parametrize("i", range(len(DIST_ERRORS)))
def test_distance_errors(i):
    raises_like(lambda: DIST_ERRORS[i](M), lambda: DIST_ERRORS[i](T))
