"""NpuAllocator on a fake device: rounding, pools, best fit, split/merge, streams, OOM, stats."""
import random
import re

import pytest
import torch as T

from mindtorch_v2._backends.npu import allocator as A
from mindtorch_v2._backends.npu.allocator import NpuAllocator, OutOfMemoryError

MiB = 1 << 20


class FakeDevice:
    """Device memory with a capacity; addresses are spaced so overlaps cannot hide."""

    def __init__(self, capacity):
        self.capacity, self.used, self.next, self.live = capacity, 0, 1 << 40, {}

    def malloc(self, n):
        if self.used + n > self.capacity:
            return 0
        p = self.next
        self.next += n + (1 << 20)
        self.used += n
        self.live[p] = n
        return p

    def free(self, p):
        self.used -= self.live.pop(p)

    def mem_get_info(self):
        return self.capacity - self.used, self.capacity


class FakeStream:
    """A stream whose queued work completes only when ``finish()`` is called."""

    def __init__(self, sid):
        self.stream_id, self.queued, self.done = sid, 0, 0

    def launch(self):
        self.queued += 1

    def finish(self):
        self.done = self.queued


def record_event(stream):
    return stream, stream.queued


def query_event(ev):
    return ev[0].done >= ev[1]


def synchronize_event(ev):
    ev[0].done = max(ev[0].done, ev[1])


def make(capacity=1 << 30, **kw):
    dev = FakeDevice(capacity)
    alloc = NpuAllocator(0, raw_malloc=dev.malloc, raw_free=dev.free,
                         mem_get_info=dev.mem_get_info, record_event=record_event,
                         query_event=query_event, synchronize_event=synchronize_event, **kw)
    return alloc, dev


def blocks(alloc):
    return [b for s in alloc.snapshot()["segments"] for b in s["blocks"]]


# ---- sizes -----------------------------------------------------------------------------

@pytest.mark.parametrize("size,rounded", [(1, 512), (512, 512), (513, 1024), (MiB + 1, MiB + 512)])
def test_round_size(size, rounded):
    assert A.round_size(size) == rounded


@pytest.mark.parametrize("size,segment", [(512, 2 * MiB), (MiB, 2 * MiB), (MiB + 512, 20 * MiB),
                                          (10 * MiB - 512, 20 * MiB), (10 * MiB, 10 * MiB),
                                          (10 * MiB + 512, 12 * MiB)])
def test_allocation_size(size, segment):
    assert A.allocation_size(size) == segment


def test_runtime_resolved_lazily(monkeypatch):
    class Backend:      # stands for runtime.AllocatorBackend (the wired default)
        def malloc(self, n):
            return 1 << 40

    calls = []
    monkeypatch.setattr(A, "_default_backend", lambda d: calls.append(d) or Backend())
    alloc = NpuAllocator(device_id=0)      # constructing does not touch the runtime
    assert calls == []
    assert alloc.malloc(10) == 1 << 40
    assert calls == [0]


def test_zero_and_negative_sizes():
    alloc, _ = make()
    assert alloc.malloc(0) == 0
    alloc.free(0)
    with pytest.raises(ValueError):
        alloc.malloc(-1)
    with pytest.raises(RuntimeError, match="invalid device pointer"):
        alloc.free(12345)


# ---- pools, splitting, merging ------------------------------------------------------------

def test_small_requests_share_a_2mib_segment():
    alloc, dev = make()
    p = alloc.malloc(100)
    q = alloc.malloc(1000)
    assert q == p + 512 and len(dev.live) == 1 and dev.live[p] == 2 * MiB
    s = alloc.memory_stats()
    assert s["allocated_bytes.small_pool.current"] == 512 + 1024
    assert s["requested_bytes.all.current"] == 1100
    assert s["reserved_bytes.small_pool.current"] == 2 * MiB
    assert s["segment.small_pool.current"] == 1 and s["segment.large_pool.current"] == 0
    assert s["inactive_split.small_pool.current"] == 1
    assert s["inactive_split_bytes.small_pool.current"] == 2 * MiB - 1536
    seg, = alloc.snapshot()["segments"]
    assert seg["segment_type"] == "small" and seg["allocated_size"] == 1536
    assert [b["state"] for b in seg["blocks"]] == ["active_allocated", "active_allocated", "inactive"]


def test_large_split_and_no_split_of_small_remainder():
    alloc, dev = make()
    p = alloc.malloc(2 * MiB)                      # 20 MiB segment, 18 MiB remainder cached
    q = alloc.malloc(3 * MiB)
    assert q == p + 2 * MiB and len(dev.live) == 1
    r = alloc.malloc(11 * MiB + 256 * 1024)        # from the cached 15 MiB remainder
    assert r == p + 5 * MiB and len(dev.live) == 1
    t = alloc.malloc(11 * MiB + 256 * 1024)        # own 12 MiB segment, 0.75 MiB left: no split
    seg = [s for s in alloc.snapshot()["segments"] if s["address"] == t][0]
    assert seg["total_size"] == 12 * MiB and len(seg["blocks"]) == 1
    assert alloc.memory_stats()["allocated_bytes.large_pool.current"] == \
        5 * MiB + 11 * MiB + 256 * 1024 + 12 * MiB


def test_free_merges_neighbours_back_into_one_block():
    alloc, _ = make()
    ptrs = [alloc.malloc(4096) for _ in range(3)]
    alloc.free(ptrs[1])
    assert alloc.memory_stats()["inactive_split.all.current"] == 2
    alloc.free(ptrs[0])
    alloc.free(ptrs[2])
    (seg,) = alloc.snapshot()["segments"]
    assert seg["blocks"] == [{"address": ptrs[0], "size": 2 * MiB, "requested_size": 0,
                              "state": "inactive", "frames": []}]
    s = alloc.memory_stats()
    assert s["inactive_split.all.current"] == 0 and s["inactive_split_bytes.all.current"] == 0
    assert s["allocation.all.allocated"] == 3 and s["allocation.all.freed"] == 3
    assert alloc.malloc(4096) == ptrs[0]          # cached: no new device allocation
    assert s["num_device_alloc"] == 1


def test_best_fit_picks_the_smallest_sufficient_block():
    alloc, _ = make()
    a = alloc.malloc(13 * MiB)                     # 14 MiB segment
    b = alloc.malloc(11 * MiB)                     # 12 MiB segment
    c = alloc.malloc(17 * MiB)                     # 18 MiB segment
    for p in (a, b, c):
        alloc.free(p)
    assert alloc.malloc(11 * MiB + 512) == b
    assert alloc.malloc(12 * MiB) == a


def test_blocks_belong_to_their_stream():
    alloc, _ = make()
    s1, s2 = FakeStream(1), FakeStream(2)
    p = alloc.malloc(4096, s1)
    alloc.free(p)
    q = alloc.malloc(4096, s2)
    assert q != p
    assert alloc.malloc(4096, s1) == p
    streams = {s["stream"] for s in alloc.snapshot()["segments"]}
    assert streams == {1, 2}


def test_record_stream_delays_reuse_until_events_complete():
    alloc, _ = make()
    s1, s2 = FakeStream(1), FakeStream(2)
    p = alloc.malloc(8192, s1)
    alloc.record_stream(p, s2)
    alloc.record_stream(p, s1)                     # the owner stream is not an extra use
    s2.launch()                                    # s2 still reads the block
    alloc.free(p)
    st = alloc.memory_stats()
    assert st["allocated_bytes.all.current"] == 0 and st["active_bytes.all.current"] == 8192
    assert {b["state"] for b in blocks(alloc) if b["address"] == p} == {"active_pending_free"}
    q = alloc.malloc(8192, s1)
    assert q != p                                  # not reused while s2's event is pending
    s2.finish()
    alloc.free(q)
    assert alloc.malloc(8192, s1) == p             # event completed: reused (merged block)
    assert alloc.memory_stats()["active.all.current"] == 1


def test_empty_cache_synchronises_pending_frees():
    alloc, dev = make()
    s1, s2 = FakeStream(1), FakeStream(2)
    p = alloc.malloc(4096, s1)
    alloc.record_stream(p, s2)
    s2.launch()
    alloc.free(p)
    alloc.empty_cache()
    st = alloc.memory_stats()
    assert st["num_sync_all_streams"] == 1 and s2.done == s2.queued
    assert st["reserved_bytes.all.current"] == 0 and not dev.live
    assert st["active.all.current"] == 0 and st["num_device_free"] == 1


def test_record_stream_on_unknown_pointer():
    alloc, _ = make()
    with pytest.raises(RuntimeError):
        alloc.record_stream(999, FakeStream(1))


# ---- out of memory ------------------------------------------------------------------------

def test_oom_message_counts_and_recovery():
    alloc, dev = make(capacity=64 * MiB)
    a = alloc.malloc(30 * MiB)
    b = alloc.malloc(30 * MiB)
    with pytest.raises(OutOfMemoryError) as info:
        alloc.malloc(30 * MiB)
    assert isinstance(info.value, RuntimeError)
    msg = str(info.value)
    assert re.search(r"Tried to allocate 30\.00 MiB\. NPU 0 has a total capacity of 64\.00 MiB "
                     r"of which 4\.00 MiB is free\. Of the allocated memory 60\.00 MiB is "
                     r"allocated by PyTorch, and 0 bytes is reserved by PyTorch but "
                     r"unallocated", msg), msg
    st = alloc.memory_stats()
    assert st["num_ooms"] == 1 and st["num_alloc_retries"] == 1
    alloc.free(a)                                  # cached, not returned to the device yet
    c = alloc.malloc(30 * MiB)                     # reuses the cached segment
    assert c == a
    alloc.free(c)
    alloc.free(b)
    d = alloc.malloc(50 * MiB)                     # needs the cache released, then retried
    st = alloc.memory_stats()
    assert d and st["num_alloc_retries"] == 2 and st["num_ooms"] == 1
    assert st["num_device_free"] == 2 and st["reserved_bytes.all.current"] == 50 * MiB
    assert dev.used == 50 * MiB


def test_raw_malloc_raising_memoryerror_is_oom():
    def raw(n):
        raise MemoryError
    alloc = NpuAllocator(0, raw_malloc=raw, raw_free=lambda p: None,
                         mem_get_info=lambda: (0, 1 << 30))
    with pytest.raises(OutOfMemoryError, match="Tried to allocate 2.00 MiB"):
        alloc.malloc(1)


def test_memory_fraction_limits_reserved():
    alloc, _ = make(capacity=100 * MiB)
    alloc.set_memory_fraction(0.5)
    assert alloc.get_memory_fraction() == 0.5
    p = alloc.malloc(40 * MiB)
    with pytest.raises(OutOfMemoryError, match="50.00 MiB allowed"):
        alloc.malloc(20 * MiB)
    alloc.free(p)
    assert alloc.malloc(20 * MiB) == p             # the cached 40 MiB block is split
    alloc.free(p)
    alloc.malloc(45 * MiB)                         # cache released and retried under the limit
    st = alloc.memory_stats()
    assert st["reserved_bytes.all.current"] == 46 * MiB and st["num_oom_rejections"] >= 2
    assert st["num_alloc_retries"] == 2 and st["num_ooms"] == 1
    alloc._stats["reserved_bytes.all.current"] = 60
    with pytest.raises(RuntimeError):
        alloc._enforce_memory_fraction(50 * MiB)


# ---- stats ----------------------------------------------------------------------------------

def _documented_keys():
    """The key names documented by torch.cuda.memory_stats, expanded."""
    doc = T.cuda.memory_stats.__doc__
    keys = set()
    for pat in re.findall(r'``"([a-z_.{},]+)"``', doc):
        parts = [p.strip("{}").split(",") for p in pat.split(".")]
        stack = [""]
        for alts in parts:
            stack = [f"{s}.{a}" if s else a for s in stack for a in alts]
        keys.update(stack)
    # torch's doc says "allocated.{...}" for the allocation count, whose real key (the one its
    # memory_summary reads) is "allocation.{...}"; private pools are not modelled here.
    keys = {k.replace("allocated.", "allocation.", 1) if k.startswith("allocated.") else k
            for k in keys}
    return {k for k in keys if k != "_" and not k.startswith("reserved_bytes_by_private_pools")}


def test_stat_keys_match_torch_documentation():
    alloc, _ = make()
    documented = _documented_keys()
    assert len(documented) > 100
    assert set(alloc.memory_stats()) == documented
    assert alloc.memory_stats()["max_split_size"] == -1


def test_peak_and_accumulated_resets():
    alloc, _ = make()
    p = alloc.malloc(4 * MiB)
    alloc.free(p)
    alloc.malloc(MiB)
    s = alloc.memory_stats()
    assert s["allocated_bytes.all.peak"] == 4 * MiB and s["allocated_bytes.all.freed"] == 4 * MiB
    alloc.reset_peak_stats()
    s = alloc.memory_stats()
    assert s["allocated_bytes.all.peak"] == MiB == s["allocated_bytes.all.current"]
    alloc.reset_accumulated_stats()
    s = alloc.memory_stats()
    assert s["allocated_bytes.all.allocated"] == 0 == s["allocated_bytes.all.freed"]
    assert s["num_device_alloc"] == 0 and s["allocated_bytes.all.current"] == MiB


def test_max_split_size_and_oversize_stats():
    alloc, _ = make(max_split_size=8 * MiB)
    p = alloc.malloc(9 * MiB)                      # oversize: 20 MiB segment, not split
    s = alloc.memory_stats()
    assert s["max_split_size"] == 8 * MiB
    assert s["oversize_allocations.current"] == 1 and s["oversize_segments.current"] == 1
    assert len(blocks(alloc)) == 1
    alloc.free(p)
    q = alloc.malloc(2 * MiB)                      # a small request must not take the big block
    assert q != p
    assert alloc.memory_stats()["oversize_allocations.current"] == 0


# ---- history ------------------------------------------------------------------------------

def _allocate_here(alloc, n):
    return alloc.malloc(n)


def test_history_records_frames_and_events():
    alloc, _ = make()
    alloc.record_memory_history("all", context="all", stacks="python")
    p = _allocate_here(alloc, 1000)
    (blk,) = [b for b in blocks(alloc) if b["state"] == "active_allocated"]
    assert blk["frames"][0]["name"] == "_allocate_here"
    assert blk["frames"][0]["filename"] == __file__
    alloc.free(p)
    trace = alloc.snapshot()["device_traces"][0]
    assert [e["action"] for e in trace] == ["segment_alloc", "alloc", "snapshot",
                                            "free_requested", "free_completed", "snapshot"]
    assert all(e["time_us"] > 0 for e in trace)
    alloc_entry = [e for e in trace if e["action"] == "alloc"][0]
    assert alloc_entry["addr"] == p and alloc_entry["size"] == 1024
    assert alloc_entry["frames"][0]["name"] == "_allocate_here"
    alloc.record_memory_history(None)
    alloc.malloc(10)
    snap = alloc.snapshot()
    assert snap["device_traces"] == [[]]
    assert all(b["frames"] == [] for b in blocks(alloc))


def test_history_ring_buffer_and_state_mode():
    alloc, _ = make()
    alloc.record_memory_history("all", max_entries=3)
    for _ in range(5):
        alloc.free(alloc.malloc(512))
    assert len(alloc.snapshot()["device_traces"][0]) == 3
    alloc.record_memory_history("state", clear_history=True)
    p = _allocate_here(alloc, 512)
    assert alloc.snapshot()["device_traces"] == [[]]
    assert [b["frames"][0]["name"] for b in blocks(alloc) if b["address"] == p] == ["_allocate_here"]
    with pytest.raises(ValueError):
        alloc.record_memory_history("everything")


# ---- stress ---------------------------------------------------------------------------------

def _recount(snapshot):
    """Stats recomputed from the segments of a snapshot."""
    out = {}

    def add(key, pool, v):
        for p in ("all", pool):
            out[f"{key}.{p}.current"] = out.get(f"{key}.{p}.current", 0) + v

    for seg in snapshot["segments"]:
        pool = seg["segment_type"] + "_pool"
        add("segment", pool, 1)
        add("reserved_bytes", pool, seg["total_size"])
        for b in seg["blocks"]:
            alloc = b["state"] == "active_allocated"
            active = b["state"] != "inactive"
            split_free = not active and len(seg["blocks"]) > 1
            add("allocation", pool, alloc)
            add("allocated_bytes", pool, b["size"] * alloc)
            add("active", pool, active)
            add("active_bytes", pool, b["size"] * active)
            add("requested_bytes", pool, b["requested_size"] * active)
            add("inactive_split", pool, split_free)
            add("inactive_split_bytes", pool, b["size"] * split_free)
    return out


def test_stress_random_allocations_two_streams():
    rng = random.Random(1234)
    alloc, dev = make(capacity=256 * MiB)
    streams = [FakeStream(1), FakeStream(2)]
    live = {}                                          # ptr -> requested size
    sizes = [lambda: rng.randint(1, 4096), lambda: rng.randint(4096, MiB),
             lambda: rng.randint(MiB, 12 * MiB)]
    for step in range(3000):
        r = rng.random()
        if r < 0.55 or not live:
            s = rng.choice(streams)
            n = rng.choice(sizes)()
            try:
                p = alloc.malloc(n, s)
            except OutOfMemoryError:
                continue
            assert p not in live
            live[p] = n
            if rng.random() < 0.2:
                other = streams[0] if s is streams[1] else streams[1]
                alloc.record_stream(p, other)
                other.launch()
        elif r < 0.97:
            p = rng.choice(list(live))
            del live[p]
            alloc.free(p)
        else:
            rng.choice(streams).finish()
        if step % 100 == 0 or step == 2999:
            snap = alloc.snapshot()
            spans = sorted((b["address"], b["address"] + b["size"])
                           for seg in snap["segments"] for b in seg["blocks"]
                           if b["state"] == "active_allocated")
            assert all(e <= s for (_, e), (s, _) in zip(spans, spans[1:])), "blocks overlap"
            assert {s for s, _ in spans} == set(live)
            for seg in snap["segments"]:           # blocks tile their segment exactly
                assert dev.live[seg["address"]] == seg["total_size"]
                addr = seg["address"]
                for b in seg["blocks"]:
                    assert b["address"] == addr
                    addr += b["size"]
                assert addr == seg["address"] + seg["total_size"]
            stats = alloc.memory_stats()
            for k, v in _recount(snap).items():
                assert stats[k] == v, (step, k)
            assert stats["requested_bytes.all.current"] >= sum(live.values())
    for p in list(live):
        alloc.free(p)
    for s in streams:
        s.finish()
    alloc.empty_cache()
    stats = alloc.memory_stats()
    assert stats["reserved_bytes.all.current"] == 0 and stats["allocated_bytes.all.current"] == 0
    assert stats["active.all.current"] == 0 and stats["segment.all.current"] == 0
    assert not dev.live and dev.used == 0
    assert stats["num_device_alloc"] == stats["num_device_free"] > 10
