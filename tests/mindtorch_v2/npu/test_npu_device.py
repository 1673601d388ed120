"""torch.npu device, stream and event API, NPU storage and allocator wiring, synchronisation,
out-of-memory recovery and the self-test CLI (on the simulator when no Ascend hardware)."""
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import mindtorch_v2 as torch
from mindtorch_v2._backends.npu import acl, runtime


def _setup():
    # CI exports MINDTORCH_NPU=sim; elsewhere fall back to the simulator when nothing is loaded
    if not torch.npu.is_available() and acl._loaded is None:
        torch.npu.use_simulator()
    return torch.npu.is_available()


pytestmark = pytest.mark.skipif(not _setup(), reason="NPU not available")


def sim():
    lib = acl.get()
    if not lib.simulated:
        pytest.skip("needs the simulator")
    return lib.simulator


# ---- seed 001 tasks 3-4 -----------------------------------------------------------------

def test_get_device_name_stub(monkeypatch):
    monkeypatch.setattr(torch.npu, "_get_device_name", lambda device=None: "Ascend")
    assert torch.npu.get_device_name("npu:0") == "Ascend"


def test_get_device_capability_stub(monkeypatch):
    monkeypatch.setattr(torch.npu, "_get_device_capability", lambda device=None: (0, 0))
    assert torch.npu.get_device_capability("npu:0") == (0, 0)


@pytest.fixture
def no_peer_no_priority(monkeypatch):
    """A runtime that reports no peer access and lacks the priority query (the seed's
    "unsupported" case; the simulator itself supports both, tested below)."""
    monkeypatch.setattr(runtime, "can_device_access_peer", lambda a, b: False)
    monkeypatch.setattr(torch.npu, "can_device_access_peer", runtime.can_device_access_peer)
    monkeypatch.setattr(torch.npu.streams, "stream_priority_range", lambda: (0, 0))
    monkeypatch.setattr(torch.npu, "stream_priority_range", lambda: (0, 0))


def test_peer_access_unsupported(no_peer_no_priority):
    assert torch.npu.can_device_access_peer(0, 1) is False
    with pytest.raises(RuntimeError):
        torch.npu.enable_peer_access(1)


def test_stream_priority_range_fallback(no_peer_no_priority):
    assert torch.npu.stream_priority_range() == (0, 0)


def test_pinned_memory():
    t = torch.tensor([1.0, 2.0])
    tp = torch.npu.pin_memory(t)
    assert torch.npu.is_pinned(tp) is True
    assert torch.npu.is_pinned(t) is False
    assert tp.tolist() == [1.0, 2.0]


# ---- devices -----------------------------------------------------------------------------

def test_devices_and_properties():
    s = sim()
    n = torch.npu.device_count()
    assert n == s.num_devices and torch.npu.is_available() and torch.npu.is_initialized()
    assert torch.npu.current_device() == 0
    assert torch.npu.get_device_name() == s.soc_name
    assert torch.npu.get_device_capability() == (0, 0)
    p = torch.npu.get_device_properties(0)
    assert p.name == s.soc_name and p.total_memory == s.memory.devices[0].capacity
    free, total = torch.npu.mem_get_info()
    assert 0 < free <= total == p.total_memory
    with pytest.raises(RuntimeError, match="Invalid device id"):
        torch.npu.set_device(n)


@pytest.mark.skipif("torch.npu.device_count() < 2")
def test_device_selection_and_peer_access():
    with torch.npu.device(1):
        assert torch.npu.current_device() == 1
        x = torch.ones(3, device="npu")
        assert x.device == torch.device("npu", 1)
        with torch.npu.device_of(torch.zeros(1, device="npu:0")):
            assert torch.npu.current_device() == 0
        assert torch.npu.current_device() == 1
    assert torch.npu.current_device() == 0
    assert torch.ones(1).to("npu").device == torch.device("npu", 0)
    assert torch.npu.can_device_access_peer(0, 1) is True
    assert torch.npu.can_device_access_peer(0, 0) is False
    with pytest.raises(AssertionError, match="Invalid peer device id"):
        torch.npu.can_device_access_peer(0, 99)
    torch.npu.enable_peer_access(1)
    torch.npu.disable_peer_access(1)
    with pytest.raises(RuntimeError, match="aclrtDeviceDisablePeerAccess"):
        torch.npu.disable_peer_access(1)
    # a thread starts on device 0, independently of this thread's selection
    torch.npu.set_device(1)
    try:
        seen = []
        th = threading.Thread(target=lambda: seen.append(torch.npu.current_device()))
        th.start()
        th.join()
        assert seen == [0] and torch.npu.current_device() == 1
    finally:
        torch.npu.set_device(0)


# ---- streams and events ------------------------------------------------------------------

def test_streams():
    d = torch.npu.default_stream()
    assert torch.npu.current_stream() == d and d.query()
    least, greatest = torch.npu.stream_priority_range()
    assert (least, greatest) == (7, 0)
    s = torch.npu.Stream(priority=greatest)
    assert s.priority == greatest and s != d and s.device == torch.device("npu", 0)
    with torch.npu.stream(s):
        assert torch.npu.current_stream() == s
        x = torch.ones(4, device="npu") * 3
    assert torch.npu.current_stream() == d
    s.synchronize()
    assert s.query()
    d.wait_stream(s)
    assert x.tolist() == [3.0] * 4
    torch.npu.set_stream(s)
    assert torch.npu.current_stream() == s
    torch.npu.set_stream(d)
    torch.npu.synchronize()


def test_events():
    s = torch.npu.Stream()
    e0 = torch.npu.Event()
    assert e0.query()                       # never recorded: complete, like torch
    start, end = torch.npu.Event(enable_timing=True), torch.npu.Event(enable_timing=True)
    start.record(s)
    time.sleep(0.01)
    end.record(s)
    end.synchronize()
    assert end.query() and start.elapsed_time(end) >= 5.0
    with pytest.raises(RuntimeError, match="enable_timing=True"):
        e0.elapsed_time(end)
    e = s.record_event()
    torch.npu.current_stream().wait_event(e)
    e.wait()
    e.synchronize()
    assert e.query()


def test_event_orders_streams_under_hold():
    simulator = sim()
    x = torch.arange(4.0, device="npu")
    torch.npu.synchronize()
    s = torch.npu.Stream()
    with simulator.hold_streams():
        with torch.npu.stream(s):
            y = x + 100
            ev = torch.npu.Event()
            ev.record()
        assert not ev.query() and not s.query()
        torch.npu.current_stream().wait_event(ev)
    assert y.tolist() == [100.0, 101.0, 102.0, 103.0]


# ---- missing synchronisation --------------------------------------------------------------

def _raw_read(t):
    """A synchronous aclrtMemcpy of t's bytes, without synchronising any stream."""
    import ctypes
    out = np.zeros(t.numel(), t.dtype.np)
    acl.get().call("aclrtMemcpy", out.ctypes.data, out.nbytes, ctypes.c_void_p(t.data_ptr()),
                   out.nbytes, acl.ACL_MEMCPY_DEVICE_TO_HOST)
    return out


def test_missing_synchronisation_reads_stale_data():
    simulator = sim()
    x = torch.arange(4.0, device="npu")
    torch.npu.synchronize()
    s = torch.npu.Stream()
    with simulator.hold_streams():
        with torch.npu.stream(s):
            y = x + 1000             # queued on the side stream, not run yet
        stale = _raw_read(y)         # a host read that forgot to synchronise
    assert not np.array_equal(stale, [1000.0, 1001.0, 1002.0, 1003.0])
    s.synchronize()
    assert np.array_equal(_raw_read(y), [1000.0, 1001.0, 1002.0, 1003.0])


def test_framework_transfers_synchronise():
    simulator = sim()
    x = torch.arange(4.0, device="npu")
    torch.npu.synchronize()
    simulator.gate.hold()
    released = threading.Timer(0.2, simulator.gate.release)
    try:
        y = x * 10                   # queued on the current stream, held
        released.start()
        assert y.cpu().tolist() == [0.0, 10.0, 20.0, 30.0]   # waits for the kernel
    finally:
        released.join()
    # the side-stream case needs the user's wait_stream, as in torch
    s = torch.npu.Stream()
    simulator.gate.hold()
    released = threading.Timer(0.2, simulator.gate.release)
    try:
        with torch.npu.stream(s):
            z = x + 1
        torch.npu.current_stream().wait_stream(s)
        released.start()
        assert z.tolist() == [1.0, 2.0, 3.0, 4.0]
    finally:
        released.join()


# ---- allocator wiring ----------------------------------------------------------------------

def test_memory_stats_follow_tensors():
    torch.npu.synchronize()
    base = torch.npu.memory_allocated()
    x = torch.empty(1000, device="npu")                   # 4000 bytes -> one 4096 block
    assert torch.npu.memory_allocated() == base + 4096
    assert torch.npu.memory_reserved() >= 2 << 20
    y = torch.empty(3 << 20, dtype=torch.uint8, device="npu")   # large pool
    assert torch.npu.memory_allocated() == base + 4096 + (3 << 20)
    assert torch.npu.max_memory_allocated() >= torch.npu.memory_allocated()
    ptr = x.data_ptr()
    del x
    assert torch.npu.memory_allocated() == base + (3 << 20)
    x2 = torch.empty(1000, device="npu")                  # the cached block comes back
    assert x2.data_ptr() == ptr
    del x2, y
    assert torch.npu.memory_allocated() == base
    torch.npu.empty_cache()
    stats = torch.npu.memory_stats()
    assert stats["allocated_bytes.all.current"] == base
    assert stats["num_device_alloc"] >= 2
    assert "Allocated memory" in torch.npu.memory_summary()
    snap = torch.npu.memory_snapshot()
    assert all(seg["device"] == 0 for seg in snap["segments"])


def test_record_stream_delays_reuse():
    s = torch.npu.Stream()
    x = torch.empty(256, device="npu")
    ptr = x.data_ptr()
    x.record_stream(s)
    with sim().hold_streams():
        with torch.npu.stream(s):
            torch.ones(1, device="npu")        # work pending on s
        del x
        y = torch.empty(256, device="npu")
        assert y.data_ptr() != ptr             # s may still use the old block
    s.synchronize()
    with pytest.raises(RuntimeError, match="only supported on NPU"):
        torch.ones(1).record_stream(s)


def test_out_of_memory_is_recoverable():
    _, total = torch.npu.mem_get_info()
    before = torch.npu.memory_stats()["num_ooms"]
    with pytest.raises(torch.npu.OutOfMemoryError, match="NPU out of memory|out of memory"):
        torch.empty(total // 4 * 5, dtype=torch.uint8, device="npu")
    assert issubclass(torch.npu.OutOfMemoryError, RuntimeError)
    assert torch.npu.memory_stats()["num_ooms"] == before + 1
    x = torch.ones(10, device="npu")                    # the device is still usable
    assert x.sum().item() == 10.0


# ---- unavailable NPU ------------------------------------------------------------------------

def test_unavailable_npu_explains_simulator(monkeypatch):
    monkeypatch.delenv("MINDTORCH_NPU", raising=False)
    monkeypatch.setattr(acl, "_loaded", None)
    monkeypatch.setattr(acl, "_sim_config", None)
    monkeypatch.setattr(acl, "find_libraries",
                        lambda *a, **k: {"rt": None, "nnopbase": None, "opapi": []})
    monkeypatch.setitem(runtime._state, "initialized", False)
    assert torch.npu.is_available() is False and torch.npu.device_count() == 0
    with pytest.raises(RuntimeError, match="MINDTORCH_NPU=sim.*use_simulator"):
        torch.ones(2, device="npu")


# ---- self-test CLI ---------------------------------------------------------------------------

def test_selftest_cli_prints_table():
    env = dict(os.environ, MINDTORCH_NPU="sim")
    r = subprocess.run([sys.executable, "-m", "mindtorch_v2.npu.selftest"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "simulator" in r.stdout and "0 failed" in r.stdout
    assert r.stdout.count("PASS") >= 8 and "FAIL" not in r.stdout
