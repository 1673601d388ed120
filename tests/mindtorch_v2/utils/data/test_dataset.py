"""Datasets and random_split against torch: lengths, items, errors, reproducibility."""
import warnings

import pytest
import torch as T
import torch.utils.data as TD

import mindtorch_v2 as M
import mindtorch_v2.utils.data as MD
from helpers import assert_same, raises_like


class Squares:
    """A map-style dataset usable with either library."""

    def __init__(self, lib, n):
        self.lib, self.n = lib, n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.lib.tensor(i * i)

    def __len__(self):
        return self.n


def make_iterable(D, values):
    class Stream(D.IterableDataset):
        def __iter__(self):
            return iter(values)

        def __len__(self):
            return len(values)
    return Stream()


def both(fn):
    return fn(M, MD), fn(T, TD)


def test_public_names_match_torch():
    for name in MD.__all__:
        assert hasattr(TD, name), name
    for name in ("Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "ChainDataset",
                 "Subset", "StackDataset", "random_split", "DataLoader", "get_worker_info",
                 "default_collate", "default_convert", "BatchSampler", "WeightedRandomSampler"):
        assert hasattr(MD, name), name
    assert M.utils.data is MD


def test_base_classes_raise_not_implemented():
    raises_like(lambda: MD.Dataset()[0], lambda: TD.Dataset()[0])
    raises_like(lambda: MD.IterableDataset(), lambda: TD.IterableDataset())  # abstract


def test_tensor_dataset():
    m, t = both(lambda L, D: D.TensorDataset(L.arange(12).reshape(4, 3), L.arange(4.0)))
    assert len(m) == len(t) == 4
    for i in (0, 3, -1, slice(1, 3)):
        assert_same(m[i], t[i])
    raises_like(lambda: MD.TensorDataset(M.ones(3), M.ones(4)),
                lambda: TD.TensorDataset(T.ones(3), T.ones(4)))


def test_concat_dataset_indexing_and_errors():
    m, t = both(lambda L, D: D.ConcatDataset([Squares(L, 3), Squares(L, 0), Squares(L, 4)]))
    assert len(m) == len(t) == 7
    assert m.cumulative_sizes == t.cumulative_sizes
    for i in list(range(7)) + [-1, -7]:
        assert_same(m[i], t[i])
    raises_like(lambda: m[-8], lambda: t[-8])
    raises_like(lambda: m[7], lambda: t[7])
    raises_like(lambda: MD.ConcatDataset([]), lambda: TD.ConcatDataset([]))
    raises_like(lambda: MD.ConcatDataset([make_iterable(MD, [1])]),
                lambda: TD.ConcatDataset([make_iterable(TD, [1])]))
    with pytest.warns(DeprecationWarning):
        assert m.cummulative_sizes == [3, 3, 7]


def test_dataset_add_builds_concat_and_chain():
    m = MD.TensorDataset(M.arange(2)) + MD.TensorDataset(M.arange(3))
    assert isinstance(m, MD.ConcatDataset) and len(m) == 5
    c = make_iterable(MD, [1, 2]) + make_iterable(MD, [3])
    assert isinstance(c, MD.ChainDataset)
    assert list(c) == [1, 2, 3] and len(c) == 3


def test_chain_dataset_rejects_map_style():
    m, t = both(lambda L, D: D.ChainDataset([make_iterable(D, [1]), Squares(L, 2)]))
    raises_like(lambda: list(m), lambda: list(t))
    raises_like(lambda: len(m), lambda: len(t))


def test_subset():
    m, t = both(lambda L, D: D.Subset(Squares(L, 10), [7, 2, 5]))
    assert len(m) == len(t) == 3
    for i in range(3):
        assert_same(m[i], t[i])
    assert_same(m.__getitems__([2, 0]), t.__getitems__([2, 0]))
    # a list index goes to the wrapped dataset's list indexing
    m2, t2 = both(lambda L, D: D.Subset(D.TensorDataset(L.arange(10) * 3), [9, 1, 4]))
    assert_same(m2[[0, 2]], t2[[0, 2]])


def test_subset_uses_wrapped_getitems():
    calls = []

    class Batched(MD.Dataset):
        def __getitem__(self, i):
            return i

        def __getitems__(self, idx):
            calls.append(list(idx))
            return [i * 10 for i in idx]

        def __len__(self):
            return 10

    s = MD.Subset(Batched(), [5, 6, 7])
    assert s.__getitems__([0, 2]) == [50, 70]
    assert calls == [[5, 7]]


def test_stack_dataset():
    m, t = both(lambda L, D: D.StackDataset(Squares(L, 3), D.TensorDataset(L.arange(3.0))))
    assert len(m) == len(t) == 3
    assert_same(list(m[1][:1]) + list(m[1][1]), list(t[1][:1]) + list(t[1][1]))
    m, t = both(lambda L, D: D.StackDataset(a=Squares(L, 2), b=Squares(L, 2)))
    assert list(m[1]) == list(t[1]) == ["a", "b"]
    assert_same(m[1]["b"], t[1]["b"])
    items = m.__getitems__([0, 1])
    assert [sorted(x) for x in items] == [["a", "b"]] * 2
    assert_same(items[1]["a"], t.__getitems__([0, 1])[1]["a"])
    raises_like(lambda: MD.StackDataset(Squares(M, 2), Squares(M, 3)),
                lambda: TD.StackDataset(Squares(T, 2), Squares(T, 3)))
    raises_like(lambda: MD.StackDataset(Squares(M, 2), b=Squares(M, 2)),
                lambda: TD.StackDataset(Squares(T, 2), b=Squares(T, 2)))


@pytest.mark.parametrize("lengths", [[3, 7], [0, 10], [5, 5, 0], [0.3, 0.7], [0.5, 0.5],
                                     [1 / 3] * 3, [0.25] * 4, [0.1, 0.2, 0.7]])
def test_random_split_lengths_and_coverage(lengths):
    g = M.Generator().manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parts_m = MD.random_split(range(10), lengths, generator=g)
        parts_t = TD.random_split(range(10), lengths, generator=T.Generator().manual_seed(0))
    assert [len(p) for p in parts_m] == [len(p) for p in parts_t]
    assert all(isinstance(p, MD.Subset) for p in parts_m)
    assert sorted(i for p in parts_m for i in p) == list(range(10))


def test_random_split_zero_length_warning():
    with pytest.warns(UserWarning, match="Length of split at index 0 is 0"):
        MD.random_split(range(3), [0.0, 1.0])


def test_random_split_reproducible():
    def split(seed):
        return [list(p) for p in MD.random_split(range(20), [5, 15],
                                                  generator=M.Generator().manual_seed(seed))]
    assert split(1) == split(1)
    assert split(1) != split(2)
    M.manual_seed(3)
    a = [list(p) for p in MD.random_split(range(20), [10, 10])]
    M.manual_seed(3)
    b = [list(p) for p in MD.random_split(range(20), [10, 10])]
    assert a == b


@pytest.mark.parametrize("lengths", [[3, 3], [5, 6], [-0.5, 1.5], [0.5, 0.4]])
def test_random_split_errors(lengths):
    raises_like(lambda: MD.random_split(range(10), lengths),
                lambda: TD.random_split(range(10), lengths))
