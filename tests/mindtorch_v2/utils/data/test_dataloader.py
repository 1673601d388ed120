"""DataLoader against torch: batches, lengths, argument errors; worker processes (seeding,
sharding, ordering, errors, timeouts, persistence, shutdown). Worker loaders always get a
``timeout`` so a bug fails the test instead of hanging it."""
import os
import time
import warnings

import numpy as np
import pytest
import torch as T
import torch.utils.data as TD

import mindtorch_v2 as M
import mindtorch_v2.utils.data as MD
from helpers import assert_same, raises_like

WT = 30  # seconds: generous timeout for worker loaders on a busy machine


def tensor_ds(L, D, n=10):
    return D.TensorDataset(L.arange(n * 2, dtype=L.float32).reshape(n, 2), L.arange(n))


class DictDataset:
    """Map-style samples with nested structure and NumPy values."""

    def __init__(self, lib, n=7):
        self.lib, self.n = lib, n

    def __getitem__(self, i):
        return {"x": np.full(3, i, np.float32), "y": (i, float(i)), "name": f"s{i}",
                "t": self.lib.tensor([i, -i])}

    def __len__(self):
        return self.n


def make_stream(D, n, shard=False):
    class Stream(D.IterableDataset):
        def __iter__(self):
            start, step = 0, 1
            info = D.get_worker_info()
            if shard and info is not None:
                start, step = info.id, info.num_workers
            return iter(range(start, n, step))

        def __len__(self):
            return n
    return Stream()


def batches(loader):
    return [b for b in loader]


def assert_batches_same(mb, tb):
    assert len(mb) == len(tb)
    for m, t in zip(mb, tb):
        if isinstance(t, dict):
            assert list(m) == list(t)
            for k in t:
                assert_batches_same([m[k]], [t[k]])
        elif isinstance(t, T.Tensor):
            assert_same(m, t)
        else:
            assert type(m) is type(t)
            if isinstance(t, (list, tuple)):
                assert_batches_same(list(m), list(t))
            else:
                assert m == t


# ----------------------------------------------------------------------------------------
# single process
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [dict(), dict(batch_size=3), dict(batch_size=3,
                                    drop_last=True), dict(batch_size=None),
                                    dict(batch_size=20), dict(batch_size=5, drop_last=True)])
def test_sequential_batches_match_torch(kwargs):
    m = MD.DataLoader(tensor_ds(M, MD), **kwargs)
    t = TD.DataLoader(tensor_ds(T, TD), **kwargs)
    assert len(m) == len(t)
    assert_batches_same(batches(m), batches(t))


@pytest.mark.parametrize("batch_size", [None, 1, 3])
def test_nested_samples_match_torch(batch_size):
    m = batches(MD.DataLoader(DictDataset(M), batch_size=batch_size))
    t = batches(TD.DataLoader(DictDataset(T), batch_size=batch_size))
    assert_batches_same(m, t)


def test_shuffle_covers_dataset_and_is_reproducible():
    def run(seed):
        g = M.Generator().manual_seed(seed)
        return [b[1].tolist() for b in MD.DataLoader(tensor_ds(M, MD, 10), batch_size=4,
                                                     shuffle=True, generator=g)]
    a = run(0)
    assert [len(b) for b in a] == [4, 4, 2]
    assert sorted(sum(a, [])) == list(range(10))
    assert run(0) == a and run(1) != a
    loader = MD.DataLoader(tensor_ds(M, MD, 10), batch_size=4, shuffle=True)
    assert isinstance(loader.sampler, MD.RandomSampler)
    M.manual_seed(7)
    e1 = [b[1].tolist() for b in loader]
    M.manual_seed(7)
    assert [b[1].tolist() for b in loader] == e1


def test_sampler_and_batch_sampler_options():
    m = MD.DataLoader(tensor_ds(M, MD), sampler=[9, 0, 4], batch_size=2)
    t = TD.DataLoader(tensor_ds(T, TD), sampler=[9, 0, 4], batch_size=2)
    assert_batches_same(batches(m), batches(t))
    m = MD.DataLoader(tensor_ds(M, MD), batch_sampler=[[1, 2, 3], [0], [5, 5]])
    t = TD.DataLoader(tensor_ds(T, TD), batch_sampler=[[1, 2, 3], [0], [5, 5]])
    assert len(m) == len(t) == 3
    assert m.batch_size is None and m.drop_last is False
    assert_batches_same(batches(m), batches(t))


def test_collate_fn_and_getitems():
    seen = []

    class Batched(MD.Dataset):
        def __getitem__(self, i):
            raise AssertionError("__getitems__ should be used")

        def __getitems__(self, idx):
            seen.append(list(idx))
            return [i * 2 for i in idx]

        def __len__(self):
            return 5

    out = batches(MD.DataLoader(Batched(), batch_size=2, collate_fn=lambda b: tuple(b)))
    assert out == [(0, 2), (4, 6), (8,)]
    assert seen == [[0, 1], [2, 3], [4]]


@pytest.mark.parametrize("kwargs", [dict(), dict(batch_size=3), dict(batch_size=3,
                                    drop_last=True), dict(batch_size=None)])
def test_iterable_dataset_matches_torch(kwargs):
    m = MD.DataLoader(make_stream(MD, 8), **kwargs)
    t = TD.DataLoader(make_stream(TD, 8), **kwargs)
    assert len(m) == len(t)
    assert_batches_same(batches(m), batches(t))


INIT_ERRORS = [
    dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=2),
    dict(persistent_workers=True), dict(shuffle=True, sampler=[0]),
    dict(batch_sampler=[[0]], batch_size=2), dict(batch_sampler=[[0]], shuffle=True),
    dict(batch_sampler=[[0]], drop_last=True), dict(batch_sampler=[[0]], sampler=[0]),
    dict(batch_size=None, drop_last=True), dict(batch_size=0), dict(batch_size=-2),
    dict(multiprocessing_context="fork"),
    dict(num_workers=1, multiprocessing_context="no-such-method"),
    dict(num_workers=1, multiprocessing_context=3), dict(num_workers=1, prefetch_factor=-1),
]


@pytest.mark.parametrize("kwargs", INIT_ERRORS)
def test_init_errors_match_torch(kwargs):
    em, et = raises_like(lambda: MD.DataLoader(tensor_ds(M, MD), **kwargs),
                         lambda: TD.DataLoader(tensor_ds(T, TD), **kwargs))
    assert str(em) == str(et)


@pytest.mark.parametrize("kwargs", [dict(shuffle=True), dict(sampler=[0]),
                                    dict(batch_sampler=[[0]])])
def test_iterable_dataset_option_errors_match_torch(kwargs):
    raises_like(lambda: MD.DataLoader(make_stream(MD, 3), **kwargs),
                lambda: TD.DataLoader(make_stream(TD, 3), **kwargs))


@pytest.mark.parametrize("attr", ["batch_size", "sampler", "batch_sampler", "drop_last",
                                  "dataset", "persistent_workers"])
def test_frozen_attributes(attr):
    em, et = raises_like(lambda: setattr(MD.DataLoader(tensor_ds(M, MD)), attr, None),
                         lambda: setattr(TD.DataLoader(tensor_ds(T, TD)), attr, None))
    assert str(em) == str(et)
    loader = MD.DataLoader(tensor_ds(M, MD))
    loader.num_workers = 0  # other attributes stay writable
    loader.collate_fn = MD.default_collate


def test_defaults_and_pin_memory():
    m = MD.DataLoader(tensor_ds(M, MD))
    t = TD.DataLoader(tensor_ds(T, TD))
    for a in ("batch_size", "drop_last", "num_workers", "prefetch_factor", "timeout",
              "persistent_workers", "pin_memory", "in_order"):
        assert getattr(m, a) == getattr(t, a), a
    assert MD.DataLoader(tensor_ds(M, MD), num_workers=2).prefetch_factor == 2
    assert m.collate_fn is MD.default_collate
    assert MD.DataLoader(tensor_ds(M, MD), batch_size=None).collate_fn is MD.default_convert
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = batches(MD.DataLoader(tensor_ds(M, MD), batch_size=4, pin_memory=True))
    assert len(out) == 3
    assert MD.get_worker_info() is None


# ----------------------------------------------------------------------------------------
# worker processes
# ----------------------------------------------------------------------------------------
class WorkerProbe(MD.Dataset):
    """Each sample reports which worker made it and the worker's seeds."""

    def __getitem__(self, i):
        info = MD.get_worker_info()
        return {"i": i, "wid": info.id, "nw": info.num_workers, "seed": info.seed,
                "initial_seed": M.initial_seed(), "pid": os.getpid(),
                "rand": M.randint(0, 2 ** 30, (1,)).item()}

    def __len__(self):
        return 8


def test_workers_in_order_and_same_values_as_torch():
    m = MD.DataLoader(DictDataset(M, 9), batch_size=2, num_workers=2, timeout=WT)
    t = TD.DataLoader(DictDataset(T, 9), batch_size=2)
    assert_batches_same(batches(m), batches(t))


def test_worker_seeding_and_info():
    loader = MD.DataLoader(WorkerProbe(), batch_size=None, num_workers=2, timeout=WT,
                           generator=M.Generator().manual_seed(0))
    out = batches(loader)
    assert [o["i"] for o in out] == list(range(8))
    assert {o["wid"] for o in out} == {0, 1}
    assert all(o["nw"] == 2 for o in out)
    assert len({o["pid"] for o in out} | {os.getpid()}) == 3
    seeds = {o["wid"]: o["seed"] for o in out}
    assert seeds[1] == seeds[0] + 1  # base_seed + worker_id
    for o in out:
        assert o["initial_seed"] == o["seed"]
    # the base seed comes from the loader's generator: same generator, same streams
    again = batches(MD.DataLoader(WorkerProbe(), batch_size=None, num_workers=2, timeout=WT,
                                  generator=M.Generator().manual_seed(0)))
    assert [o["rand"] for o in again] == [o["rand"] for o in out]
    assert [o["seed"] for o in again] == [o["seed"] for o in out]


def test_worker_init_fn_runs_in_each_worker():
    def init(wid):
        info = MD.get_worker_info()
        assert info.id == wid
        info.dataset.offset = 100 * (wid + 1)

    class Offset(MD.Dataset):
        offset = 0

        def __getitem__(self, i):
            return self.offset + i

        def __len__(self):
            return 6

    out = batches(MD.DataLoader(Offset(), batch_size=None, num_workers=2, timeout=WT,
                                worker_init_fn=init))
    # tasks go round-robin (prefetch keeps both workers busy), results come back in order
    assert [v % 100 for v in out] == list(range(6))
    assert {v // 100 for v in out} == {1, 2}


def test_worker_info_is_read_only():
    def init(wid):
        MD.get_worker_info().id = 5

    loader = MD.DataLoader(range(4), num_workers=1, timeout=WT, worker_init_fn=init)
    with pytest.raises(RuntimeError, match="Cannot assign attributes to WorkerInfo"):
        batches(loader)


@pytest.mark.parametrize("shard", [False, True])
def test_iterable_dataset_with_workers_matches_torch(shard):
    kw = dict(batch_size=2, num_workers=2, timeout=WT)
    m = batches(MD.DataLoader(make_stream(MD, 7, shard), **kw))
    t = batches(TD.DataLoader(make_stream(TD, 7, shard), **kw))
    assert_batches_same(m, t)


def test_worker_exception_reraised_with_type_and_worker():
    class Bad(MD.Dataset):
        def __getitem__(self, i):
            if i == 3:
                raise ValueError("bad sample 3")
            if i == 4:
                raise KeyError("missing")
            return i

        def __len__(self):
            return 6

    it = iter(MD.DataLoader(Bad(), batch_size=None, num_workers=2, timeout=WT))
    assert [next(it) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError) as e:
        next(it)
    assert "Caught ValueError in DataLoader worker process 1" in str(e.value)
    assert "bad sample 3" in str(e.value)
    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process 0"):
        next(it)
    assert next(it) == 5
    with pytest.raises(StopIteration):
        next(it)


def test_worker_timeout():
    class Slow(MD.Dataset):
        def __getitem__(self, i):
            time.sleep(1)
            return i

        def __len__(self):
            return 2

    loader = MD.DataLoader(Slow(), num_workers=1, timeout=0.3)
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.3 seconds"):
        batches(loader)


def test_workers_exit_after_iteration():
    it = iter(MD.DataLoader(tensor_ds(M, MD), batch_size=3, num_workers=2, timeout=WT))
    workers = list(it._workers)
    assert all(w.is_alive() for w in workers)
    assert len(batches(it)) == 4
    for w in workers:
        w.join(timeout=10)
        assert not w.is_alive()
    # an abandoned iterator shuts its workers down when collected
    it = iter(MD.DataLoader(tensor_ds(M, MD), batch_size=3, num_workers=2, timeout=WT))
    next(it)
    workers = list(it._workers)
    del it
    for w in workers:
        w.join(timeout=10)
        assert not w.is_alive()


def test_persistent_workers_reused_across_epochs():
    loader = MD.DataLoader(WorkerProbe(), batch_size=None, num_workers=2, timeout=WT,
                           persistent_workers=True)
    first = batches(loader)
    it = loader._iterator
    workers = list(it._workers)
    # stop the second epoch early: the third starts cleanly from the first sample
    second = iter(loader)
    assert next(second)["i"] == 0
    third = batches(loader)
    assert loader._iterator is it
    assert [o["i"] for o in third] == [o["i"] for o in first] == list(range(8))
    assert {o["pid"] for o in third} == {o["pid"] for o in first}
    assert all(w.is_alive() for w in workers)
    # iterable datasets restart in every epoch too
    stream = MD.DataLoader(make_stream(MD, 5, shard=True), batch_size=2, num_workers=2,
                           timeout=WT, persistent_workers=True)
    assert [b.tolist() for b in stream] == [b.tolist() for b in stream] == \
        [b.tolist() for b in TD.DataLoader(make_stream(TD, 5, True), batch_size=2,
                                            num_workers=2)]
    loader._iterator._shutdown_workers()
    for w in workers:
        w.join(timeout=10)
        assert not w.is_alive()


def test_out_of_order_results():
    class Uneven(MD.Dataset):
        def __getitem__(self, i):
            time.sleep(0.3 if i == 0 else 0)
            return i

        def __len__(self):
            return 6

    out = batches(MD.DataLoader(Uneven(), batch_size=None, num_workers=2, timeout=WT,
                                in_order=False))
    assert sorted(out) == list(range(6))
    assert out[0] != 0  # the slow first sample does not hold the others back


def test_shuffle_with_workers_reproducible():
    def run():
        g = M.Generator().manual_seed(3)
        return [b[1].tolist() for b in MD.DataLoader(tensor_ds(M, MD), batch_size=3,
                                                     shuffle=True, generator=g, num_workers=2,
                                                     timeout=WT)]
    a = run()
    assert sorted(sum(a, [])) == list(range(10))
    assert run() == a


def test_spawn_context():
    loader = MD.DataLoader(tensor_ds(M, MD, 4), batch_size=2, num_workers=1, timeout=60,
                           multiprocessing_context="spawn")
    assert_batches_same(batches(loader), batches(TD.DataLoader(tensor_ds(T, TD, 4),
                                                               batch_size=2)))
