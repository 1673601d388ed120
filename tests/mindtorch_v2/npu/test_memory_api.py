"""torch.npu memory API: seed 001 snippets, torch.cuda's summary layout, stats helpers."""
import collections
import pickle
import re
import warnings

import pytest
import torch as T

import mindtorch_v2 as torch
import mindtorch_v2.npu  # noqa: F401  (torch.npu until mindtorch_v2/__init__ imports it)
from mindtorch_v2._backends.npu.allocator import NpuAllocator, OutOfMemoryError
from mindtorch_v2.npu import memory as npu_memory

MiB = 1 << 20


def fake_allocator(device_id=0, capacity=1 << 30):
    """An NpuAllocator over a bump-pointer fake device of ``capacity`` bytes."""
    live = {}
    state = {"next": 1 << 40}

    def malloc(n):
        if sum(live.values()) + n > capacity:
            return 0
        p = state["next"]
        state["next"] += n
        live[p] = n
        return p

    return NpuAllocator(device_id, raw_malloc=malloc, raw_free=live.pop,
                        mem_get_info=lambda: (capacity - sum(live.values()), capacity))


@pytest.fixture
def alloc(monkeypatch):
    a = fake_allocator()
    monkeypatch.setattr(npu_memory, "_allocators", {0: a})
    return a


# ---- seed 001 task 1-2, as written -----------------------------------------------------

def test_memory_summary_contains_keys(monkeypatch):
    class DummyAlloc:
        def memory_stats(self):
            return {
                "allocated_bytes.all.current": 1,
                "allocated_bytes.all.peak": 2,
                "reserved_bytes.all.current": 3,
                "reserved_bytes.all.peak": 4,
                "active_bytes.all.current": 5,
                "active_bytes.all.peak": 6,
                "inactive_split_bytes.all.current": 7,
                "inactive_split_bytes.all.peak": 8,
            }
    monkeypatch.setattr(torch.npu, "_get_allocator", lambda device=None: DummyAlloc())
    text = torch.npu.memory_summary()
    assert "Allocated memory" in text
    assert "Reserved memory" in text


def test_memory_snapshot_schema(monkeypatch):
    class DummyAlloc:
        def snapshot(self):
            return {"segments": [], "device": 0, "allocator": "npu"}
    monkeypatch.setattr(torch.npu, "_get_allocator", lambda device=None: DummyAlloc())
    snap = torch.npu.memory_snapshot()
    assert "segments" in snap
    assert "device" in snap


def test_memory_fraction_enforced(monkeypatch):
    import mindtorch_v2 as torch
    from mindtorch_v2._backends.npu import allocator

    alloc = allocator.NpuAllocator(device_id=0)
    monkeypatch.setattr(torch.npu, "_get_allocator", lambda device=None: alloc)
    monkeypatch.setattr(alloc, "_mem_get_info", lambda: (0, 100))

    torch.npu.set_per_process_memory_fraction(0.5)
    alloc._stats["reserved_bytes.all.current"] = 60
    with pytest.raises(RuntimeError):
        alloc._enforce_memory_fraction(50)


# ---- memory_summary against torch.cuda.memory_summary -----------------------------------

_LABELS = {"GPU reserved memory": "NPU Reserved memory",
           "GPU reserved segments": "NPU reserved segments",
           "Oversize GPU segments": "Oversize NPU segments"}


def _torch_summary(monkeypatch, stats, abbreviated):
    """torch's own summary of ``stats`` (its memory_stats patched: no CUDA here)."""
    monkeypatch.setattr(T.cuda.memory, "memory_stats", lambda device=None: dict(stats))
    text = T.cuda.memory_summary(0, abbreviated=abbreviated)
    for old, new in _LABELS.items():
        text = text.replace(old, new)
    return text.splitlines()


def _busy_stats(alloc):
    ptrs = [alloc.malloc(n) for n in (100, 3000, 5 * MiB, 300 * MiB, 700 * 1024)]
    alloc.free(ptrs[1])
    alloc.free(ptrs[3])
    return alloc.memory_stats()


@pytest.mark.parametrize("abbreviated", [False, True])
def test_summary_matches_torch_layout(monkeypatch, alloc, abbreviated):
    stats = _busy_stats(alloc)
    ours = torch.npu.memory_summary(abbreviated=abbreviated).splitlines()
    theirs = _torch_summary(monkeypatch, stats, abbreviated)
    assert len(ours) == len(theirs)
    assert all(len(line) == 77 for line in ours)
    # header lines name the device differently (NPU OOMs / aclrtMalloc retries)
    assert "PyTorch NPU memory summary, device ID 0" in ours[1]
    assert re.search(r"NPU OOMs: 0 +\| +aclrtMalloc retries: 0", ours[3])
    assert ours[5:] == theirs[5:]


def test_summary_units_for_large_values(monkeypatch, alloc):
    stats = dict(alloc.memory_stats())
    stats.update({"allocated_bytes.all.current": 5 << 30, "allocated_bytes.large_pool.current":
                  5 << 30, "allocation.all.allocated": 3_000_000, "allocation.all.freed": 900_000_000,
                  "allocated_bytes.all.freed": 3 << 40, "num_ooms": 7})
    monkeypatch.setattr(alloc, "memory_stats", lambda: stats)
    ours = torch.npu.memory_summary().splitlines()
    assert ours[5:] == _torch_summary(monkeypatch, stats, False)[5:]
    assert "NPU OOMs: 7" in ours[3]


def test_summary_fills_missing_stats_with_zero(monkeypatch):
    class Partial:
        def memory_stats(self):
            return {"allocated_bytes.all.current": 2048}
    monkeypatch.setattr(torch.npu, "_get_allocator", lambda device=None: Partial())
    text = torch.npu.memory_summary(abbreviated=True)
    assert re.search(r"\| Allocated memory +\| +2048 B {3}\| +0 B {3}\|", text), text
    assert "Oversize NPU segments" in text and "from large pool" not in text


# ---- statistics helpers -----------------------------------------------------------------

def test_memory_stats_sorted_and_nested(alloc):
    _busy_stats(alloc)
    stats = torch.npu.memory_stats()
    assert isinstance(stats, collections.OrderedDict)
    assert list(stats) == sorted(stats) and dict(stats) == alloc.memory_stats()
    nested = torch.npu.memory_stats_as_nested_dict()
    assert nested["allocated_bytes"]["large_pool"]["peak"] == stats["allocated_bytes.large_pool.peak"]
    assert nested["num_ooms"] == 0 and nested["oversize_segments"]["current"] == 0
    flat = {}

    def walk(prefix, node):
        for k, v in node.items():
            if isinstance(v, dict):
                walk(prefix + k + ".", v)
            else:
                flat[prefix + k] = v
    walk("", nested)
    assert flat == dict(stats)


def test_allocated_reserved_and_resets(alloc):
    p = alloc.malloc(4 * MiB)
    q = alloc.malloc(1000)
    assert torch.npu.memory_allocated() == 4 * MiB + 1024
    assert torch.npu.memory_reserved() == 20 * MiB + 2 * MiB
    alloc.free(p)
    assert torch.npu.memory_allocated(0) == 1024
    assert torch.npu.max_memory_allocated("npu:0") == 4 * MiB + 1024
    torch.npu.empty_cache()
    assert torch.npu.memory_reserved() == 2 * MiB
    assert torch.npu.max_memory_reserved(torch.device("npu", 0)) == 22 * MiB
    torch.npu.reset_peak_memory_stats()
    assert torch.npu.max_memory_allocated() == 1024 and torch.npu.max_memory_reserved() == 2 * MiB
    torch.npu.reset_accumulated_memory_stats()
    stats = torch.npu.memory_stats()
    assert stats["allocated_bytes.all.allocated"] == 0 and stats["num_device_free"] == 0
    alloc.malloc(8 * MiB)
    with pytest.warns(FutureWarning):
        torch.npu.reset_max_memory_allocated()
    assert torch.npu.max_memory_allocated() == 8 * MiB + 1024
    alloc.free(q)
    assert torch.npu.memory_cached() == torch.npu.memory_reserved()


def test_mem_get_info_and_fraction(alloc):
    assert torch.npu.mem_get_info() == (1 << 30, 1 << 30)
    alloc.malloc(100)
    assert torch.npu.mem_get_info(0) == ((1 << 30) - 2 * MiB, 1 << 30)
    assert torch.npu.get_per_process_memory_fraction() == 1.0
    with pytest.raises(TypeError, match="Invalid type for fraction argument, must be `float`"):
        torch.npu.set_per_process_memory_fraction(1)
    with pytest.raises(ValueError, match=r"Invalid fraction value: 1.5. Allowed range: 0~1"):
        torch.npu.set_per_process_memory_fraction(1.5)
    torch.npu.set_per_process_memory_fraction(0.25)
    assert torch.npu.get_per_process_memory_fraction() == 0.25
    alloc.malloc(200 * MiB)
    with pytest.raises(torch.npu.OutOfMemoryError, match="256.00 MiB allowed"):
        alloc.malloc(60 * MiB)
    assert torch.npu.memory_stats()["num_ooms"] == 1


def test_out_of_memory_error_export():
    assert torch.npu.OutOfMemoryError is OutOfMemoryError
    assert issubclass(torch.npu.OutOfMemoryError, RuntimeError)


def test_get_allocator_per_device(monkeypatch):
    monkeypatch.setattr(npu_memory, "_allocators", {})
    a0 = torch.npu._get_allocator()
    assert a0 is torch.npu._get_allocator(0) is torch.npu._get_allocator("npu")
    a1 = torch.npu._get_allocator("npu:1")
    assert a1.device_id == 1 and a1 is torch.npu._get_allocator(torch.device("npu", 1))
    assert a1 is not a0
    with pytest.raises(ValueError, match="Expected a npu device"):
        torch.npu._get_allocator("cpu")


def test_caching_allocator_alloc_delete(alloc):
    p = torch.npu.caching_allocator_alloc(4096)
    assert torch.npu.memory_allocated() == 4096
    torch.npu.caching_allocator_delete(p)
    assert torch.npu.memory_allocated() == 0
    with pytest.raises(RuntimeError):
        torch.npu.caching_allocator_delete(p)


# ---- history and snapshots --------------------------------------------------------------

def _allocate_in_model(alloc):
    return alloc.malloc(3 * MiB)


def test_record_history_snapshot_and_dump(alloc, tmp_path):
    torch.npu.memory._record_memory_history(max_entries=100)
    p = _allocate_in_model(alloc)
    snap = torch.npu.memory._snapshot()
    assert snap["device"] == 0
    (seg,) = snap["segments"]
    assert seg["segment_type"] == "large" and seg["total_size"] == 20 * MiB
    assert {"address", "total_size", "allocated_size", "active_size", "stream",
            "segment_type", "blocks"} <= set(seg)
    blk = seg["blocks"][0]
    assert blk["address"] == p and blk["state"] == "active_allocated"
    assert blk["requested_size"] == 3 * MiB and blk["frames"][0]["name"] == "_allocate_in_model"
    actions = [e["action"] for e in snap["device_traces"][0]]
    assert actions == ["segment_alloc", "alloc", "snapshot"]
    path = tmp_path / "snap.pickle"
    torch.npu.memory._dump_snapshot(str(path))
    with open(path, "rb") as f:
        loaded = pickle.load(f)
    assert loaded["segments"] == torch.npu.memory_snapshot()["segments"]
    assert torch.npu.memory_snapshot(include_traces=False)["device_traces"] == [[]]
    torch.npu.memory._record_memory_history(enabled=None)
    assert torch.npu.memory._snapshot()["device_traces"] == [[]]
    torch.npu.memory._record_memory_history(True)             # legacy boolean form
    assert alloc._history == "all"
    torch.npu.memory._record_memory_history(False)
    with pytest.raises(NotImplementedError):
        torch.npu.memory_snapshot(mempool_id=(0, 1))


def test_empty_cache_reaches_every_allocator(monkeypatch):
    a0, a1 = fake_allocator(0), fake_allocator(1)
    monkeypatch.setattr(npu_memory, "_allocators", {0: a0, 1: a1})
    for a in (a0, a1):
        a.free(a.malloc(1000))
    torch.npu.empty_cache()
    assert torch.npu.memory_reserved(0) == 0 == torch.npu.memory_reserved(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert torch.npu.max_memory_cached(1) == 2 * MiB
