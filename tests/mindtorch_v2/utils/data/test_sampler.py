"""Samplers against torch: lengths, coverage, batching, argument errors, reproducibility
(the random streams differ from torch's, so values are checked by their properties)."""
import collections

import pytest
import torch as T
import torch.utils.data as TD

import mindtorch_v2 as M
import mindtorch_v2.utils.data as MD
from helpers import raises_like


def test_sequential_sampler():
    assert list(MD.SequentialSampler(range(5))) == list(TD.SequentialSampler(range(5)))
    assert len(MD.SequentialSampler(range(5))) == 5


def test_random_sampler_is_permutation_and_reproducible():
    g = M.Generator().manual_seed(0)
    s = MD.RandomSampler(range(20), generator=g)
    a, b = list(s), list(s)
    assert sorted(a) == sorted(b) == list(range(20))
    assert a != b  # a new order each epoch
    g.manual_seed(0)
    assert list(s) == a
    M.manual_seed(5)
    c = list(MD.RandomSampler(range(20)))
    M.manual_seed(5)
    assert list(MD.RandomSampler(range(20))) == c


@pytest.mark.parametrize("n,num_samples", [(5, 12), (5, 3), (7, 7)])
def test_random_sampler_num_samples_without_replacement(n, num_samples):
    m = list(MD.RandomSampler(range(n), num_samples=num_samples,
                              generator=M.Generator().manual_seed(1)))
    t = list(TD.RandomSampler(range(n), num_samples=num_samples,
                              generator=T.Generator().manual_seed(1)))
    assert len(m) == len(t) == num_samples
    # whole permutations first, then part of one: counts differ by at most one
    cm, ct = collections.Counter(m), collections.Counter(t)
    assert sorted(cm.values()) == sorted(ct.values())
    for k in range(num_samples // n):
        assert sorted(m[k * n:(k + 1) * n]) == list(range(n))


def test_random_sampler_with_replacement():
    s = MD.RandomSampler(range(4), replacement=True, num_samples=100,
                         generator=M.Generator().manual_seed(2))
    out = list(s)
    assert len(out) == len(s) == 100
    assert set(out) == {0, 1, 2, 3}
    assert all(isinstance(i, int) for i in out)


def test_random_sampler_len_follows_dataset():
    data = [1, 2, 3]
    s, t = MD.RandomSampler(data), TD.RandomSampler(data)
    data.append(4)
    assert len(s) == len(t) == 4


@pytest.mark.parametrize("kwargs", [dict(replacement=1), dict(num_samples=0),
                                    dict(num_samples=-1), dict(num_samples=2.0),
                                    dict(replacement=True, num_samples=0)])
def test_random_sampler_errors(kwargs):
    raises_like(lambda: MD.RandomSampler(range(3), **kwargs),
                lambda: TD.RandomSampler(range(3), **kwargs))


def test_random_sampler_empty_dataset_error():
    raises_like(lambda: MD.RandomSampler([]), lambda: TD.RandomSampler([]))


def test_subset_random_sampler():
    idx = [10, 20, 30, 40]
    g = M.Generator().manual_seed(0)
    s = MD.SubsetRandomSampler(idx, generator=g)
    out = list(s)
    assert sorted(out) == idx and len(s) == 4
    g.manual_seed(0)
    assert list(s) == out


def test_weighted_random_sampler():
    w = [0.0, 1.0, 3.0, 0.0]
    s = MD.WeightedRandomSampler(w, 200, generator=M.Generator().manual_seed(0))
    out = list(s)
    assert len(out) == len(s) == 200
    assert set(out) == {1, 2}
    assert out.count(2) > out.count(1)
    noreplace = list(MD.WeightedRandomSampler([1, 2, 3, 4], 4, replacement=False))
    assert sorted(noreplace) == [0, 1, 2, 3]
    assert isinstance(s.weights, M.Tensor) and s.weights.dtype is M.float64


@pytest.mark.parametrize("args,kwargs", [
    (([1.0, 2.0], 0), {}), (([1.0, 2.0], True), {}), (([1.0, 2.0], 2), dict(replacement=0)),
    (([[1.0, 2.0]], 2), {}), (([1.0, 2.0], 3), dict(replacement=False)),
])
def test_weighted_random_sampler_errors(args, kwargs):
    raises_like(lambda: list(MD.WeightedRandomSampler(*args, **kwargs)),
                lambda: list(TD.WeightedRandomSampler(*args, **kwargs)))


@pytest.mark.parametrize("n,bs,drop", [(10, 3, False), (10, 3, True), (9, 3, True),
                                       (2, 5, False), (2, 5, True), (0, 2, False)])
def test_batch_sampler_matches_torch(n, bs, drop):
    m = MD.BatchSampler(MD.SequentialSampler(range(n)), bs, drop)
    t = TD.BatchSampler(TD.SequentialSampler(range(n)), bs, drop)
    assert list(m) == list(t)
    assert len(m) == len(t)
    assert list(MD.BatchSampler(range(n), bs, drop)) == list(t)


@pytest.mark.parametrize("bs,drop", [(0, False), (-1, False), (True, False), (2.0, False),
                                     (2, 1), (2, None)])
def test_batch_sampler_errors(bs, drop):
    raises_like(lambda: MD.BatchSampler(range(4), bs, drop),
                lambda: TD.BatchSampler(range(4), bs, drop))


def test_sampler_base():
    raises_like(lambda: iter(MD.Sampler()), lambda: iter(TD.Sampler()))
