"""Simulator runtime through acl.py: memory, copies, streams, events, devices, peer access."""
import ctypes
import time

import numpy as np
import pytest

from mindtorch_v2._backends.npu import acl
from mindtorch_v2._backends.npu.simulator import Simulator
from mindtorch_v2._backends.npu.simulator.memory import ALIGNMENT

V = ctypes.c_void_p


@pytest.fixture
def lib():
    sim = Simulator(devices=2, memory=1 << 20)
    lib = acl.Acl(sim.rt, sim.nnopbase, [sim.opapi], simulator=sim)
    lib.call("aclInit", None)
    lib.call("aclrtSetDevice", 0)
    yield lib
    sim.shutdown()


def malloc(lib, n):
    p = V()
    lib.call("aclrtMalloc", ctypes.byref(p), n, acl.ACL_MEM_MALLOC_HUGE_FIRST)
    return p.value


def h2d(lib, dst, arr):
    lib.call("aclrtMemcpy", dst, arr.nbytes, arr.ctypes.data, arr.nbytes,
             acl.ACL_MEMCPY_HOST_TO_DEVICE)


def d2h(lib, src, n, dtype=np.float32):
    out = np.empty(n, dtype)
    lib.call("aclrtMemcpy", out.ctypes.data, out.nbytes, src, out.nbytes,
             acl.ACL_MEMCPY_DEVICE_TO_HOST)
    return out


def stream(lib, priority=0):
    s = V()
    lib.call("aclrtCreateStreamWithConfig", ctypes.byref(s), priority, 0)
    return s.value


def meminfo(lib, attr=acl.ACL_HBM_MEM):
    f, t = ctypes.c_size_t(), ctypes.c_size_t()
    lib.call("aclrtGetMemInfo", attr, ctypes.byref(f), ctypes.byref(t))
    return f.value, t.value


def test_malloc_alignment_oom_and_meminfo(lib):
    assert meminfo(lib) == (1 << 20, 1 << 20)
    assert meminfo(lib, acl.ACL_DDR_MEM) == (0, 0)
    addrs = [malloc(lib, n) for n in (1, 100, 513, 4096)]
    assert all(a % ALIGNMENT == 0 and a % 64 == 0 for a in addrs)
    assert meminfo(lib)[0] == (1 << 20) - (512 + 512 + 1024 + 4096)
    p = V()
    status = lib.rt.aclrtMalloc(ctypes.byref(p), 2 << 20, 0)
    assert status == acl.ACL_ERROR_RT_MEMORY_ALLOCATION
    assert "out of memory" in lib.recent_error()
    assert lib.recent_error() == ""        # the message is consumed by reading it
    for a in addrs:
        lib.call("aclrtFree", a)
    assert meminfo(lib)[0] == 1 << 20
    assert lib.rt.aclrtFree(addrs[0]) == acl.ACL_ERROR_RT_PARAM_INVALID   # double free


def test_offsets_resolve_and_bounds(lib):
    a = malloc(lib, 64)
    h2d(lib, a, np.arange(16, dtype=np.float32))
    np.testing.assert_array_equal(d2h(lib, a + 8 * 4, 8), np.arange(8, 16))
    out = np.empty(16, np.float32)
    assert lib.rt.aclrtMemcpy(out.ctypes.data, 64, a + 16, 64, 2) == acl.ACL_ERROR_RT_PARAM_INVALID
    assert "overrun" in lib.recent_error()
    assert lib.rt.aclrtMemcpy(out.ctypes.data, 8, a, 64, 2) == acl.ACL_ERROR_RT_PARAM_INVALID
    # the kind must match the addresses
    assert lib.rt.aclrtMemcpy(out.ctypes.data, 64, a, 64, acl.ACL_MEMCPY_HOST_TO_DEVICE) \
        == acl.ACL_ERROR_RT_PARAM_INVALID
    lib.call("aclrtMemset", a, 64, 0x3F, 8)
    assert d2h(lib, a, 1, np.uint64)[0] == 0x3F3F3F3F3F3F3F3F


def test_pinned_host_memory(lib):
    p = V()
    lib.call("aclrtMallocHost", ctypes.byref(p), 40)
    host = np.ctypeslib.as_array((ctypes.c_float * 10).from_address(p.value))
    host[:] = np.arange(10)
    d = malloc(lib, 40)
    s = stream(lib)
    lib.call("aclrtMemcpyAsync", d, 40, p.value, 40, acl.ACL_MEMCPY_HOST_TO_DEVICE, s)
    lib.call("aclrtSynchronizeStream", s)
    np.testing.assert_array_equal(d2h(lib, d, 10), np.arange(10))
    lib.call("aclrtFreeHost", p.value)
    assert lib.rt.aclrtFreeHost(p.value) == acl.ACL_ERROR_RT_PARAM_INVALID


def test_stream_in_order_and_stale_read_without_sync(lib):
    sim = lib.simulator
    a, b = malloc(lib, 16), malloc(lib, 16)
    s = stream(lib)
    src = np.full(4, 7, np.float32)
    with sim.hold_streams():
        lib.call("aclrtMemcpyAsync", a, 16, src.ctypes.data, 16, acl.ACL_MEMCPY_HOST_TO_DEVICE, s)
        lib.call("aclrtMemcpyAsync", b, 16, a, 16, acl.ACL_MEMCPY_DEVICE_TO_DEVICE, s)
        st = ctypes.c_int()
        lib.call("aclrtStreamQuery", s, ctypes.byref(st))
        assert st.value == acl.ACL_STREAM_STATUS_NOT_READY
        # a synchronous copy does not wait for the stream: stale (zero) data
        np.testing.assert_array_equal(d2h(lib, b, 4), np.zeros(4))
    lib.call("aclrtSynchronizeStream", s)
    np.testing.assert_array_equal(d2h(lib, b, 4), src)     # in order: a was written first
    lib.call("aclrtStreamQuery", s, ctypes.byref(st))
    assert st.value == acl.ACL_STREAM_STATUS_COMPLETE
    lib.call("aclrtDestroyStream", s)


def test_stream_priorities(lib):
    least, greatest = ctypes.c_int32(), ctypes.c_int32()
    lib.call("aclrtDeviceGetStreamPriorityRange", ctypes.byref(least), ctypes.byref(greatest))
    assert (least.value, greatest.value) == (7, 0)
    s = stream(lib, priority=3)
    p = ctypes.c_uint32()
    lib.call("aclrtStreamGetPriority", s, ctypes.byref(p))
    assert p.value == 3
    out = V()
    assert lib.rt.aclrtCreateStreamWithConfig(ctypes.byref(out), 8, 0) == \
        acl.ACL_ERROR_RT_PARAM_INVALID


def test_events_wait_and_timing(lib):
    sim = lib.simulator
    sim.latency = 0.0
    s1, s2 = stream(lib), stream(lib)
    start, end, sync = V(), V(), V()
    lib.call("aclrtCreateEventWithFlag", ctypes.byref(start), acl.ACL_EVENT_TIME_LINE)
    lib.call("aclrtCreateEventWithFlag", ctypes.byref(end), acl.ACL_EVENT_TIME_LINE)
    lib.call("aclrtCreateEventWithFlag", ctypes.byref(sync), acl.ACL_EVENT_SYNC)
    a, b = malloc(lib, 16), malloc(lib, 16)
    src = np.full(4, 3, np.float32)
    st = ctypes.c_int()
    with sim.hold_streams():
        lib.call("aclrtRecordEvent", start.value, s1)
        lib.call("aclrtMemcpyAsync", a, 16, src.ctypes.data, 16, acl.ACL_MEMCPY_HOST_TO_DEVICE, s1)
        lib.call("aclrtRecordEvent", sync.value, s1)
        lib.call("aclrtRecordEvent", end.value, s1)
        lib.call("aclrtStreamWaitEvent", s2, sync.value)   # s2 copies only after s1's write
        lib.call("aclrtMemcpyAsync", b, 16, a, 16, acl.ACL_MEMCPY_DEVICE_TO_DEVICE, s2)
        lib.call("aclrtQueryEventStatus", end.value, ctypes.byref(st))
        assert st.value == acl.ACL_EVENT_RECORDED_STATUS_NOT_READY
        ms = ctypes.c_float()
        assert lib.rt.aclrtEventElapsedTime(ctypes.byref(ms), start.value, end.value) == \
            acl.ACL_ERROR_RT_EVENT_NOT_COMPLETE
    lib.call("aclrtSynchronizeStream", s2)
    np.testing.assert_array_equal(d2h(lib, b, 4), src)
    lib.call("aclrtSynchronizeEvent", end.value)
    lib.call("aclrtQueryEventStatus", end.value, ctypes.byref(st))
    assert st.value == acl.ACL_EVENT_RECORDED_STATUS_COMPLETE
    lib.call("aclrtEventElapsedTime", ctypes.byref(ms), start.value, end.value)
    assert 0 <= ms.value < 5000
    assert lib.rt.aclrtEventElapsedTime(ctypes.byref(ms), start.value, sync.value) == \
        acl.ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID           # no ACL_EVENT_TIME_LINE
    for e in (start, end, sync):
        lib.call("aclrtDestroyEvent", e.value)


def test_elapsed_time_measures_latency(lib):
    sim = lib.simulator
    sim.latency = 0.02
    s = stream(lib)
    e1, e2 = V(), V()
    lib.call("aclrtCreateEvent", ctypes.byref(e1))
    lib.call("aclrtCreateEvent", ctypes.byref(e2))
    lib.call("aclrtRecordEvent", e1.value, s)
    lib.call("aclrtRecordEvent", e2.value, s)
    lib.call("aclrtSynchronizeStream", s)
    ms = ctypes.c_float()
    lib.call("aclrtEventElapsedTime", ctypes.byref(ms), e1.value, e2.value)
    assert ms.value >= 15


def test_devices_are_per_thread_and_peer_access(lib):
    import threading
    seen = []

    def other():
        d = ctypes.c_int32()
        seen.append(lib.rt.aclrtGetDevice(ctypes.byref(d)))
        lib.call("aclrtSetDevice", 1)
        lib.call("aclrtGetDevice", ctypes.byref(d))
        seen.append(d.value)
    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert seen == [acl.ACL_ERROR_RT_CONTEXT_NULL, 1]
    d = ctypes.c_int32()
    lib.call("aclrtGetDevice", ctypes.byref(d))
    assert d.value == 0
    a = malloc(lib, 16)
    lib.call("aclrtSetDevice", 1)
    b = malloc(lib, 16)
    assert lib.simulator.memory.device_of(b) == 1
    can = ctypes.c_int32()
    lib.call("aclrtDeviceCanAccessPeer", ctypes.byref(can), 1, 0)
    assert can.value == 1
    lib.call("aclrtDeviceCanAccessPeer", ctypes.byref(can), 1, 1)
    assert can.value == 0
    h2d(lib, b, np.arange(4, dtype=np.float32))
    assert lib.rt.aclrtMemcpy(a, 16, b, 16, 3) == acl.ACL_ERROR_RT_PARAM_INVALID
    assert "peer access" in lib.recent_error()
    assert lib.rt.aclrtDeviceEnablePeerAccess(0, 1) == acl.ACL_ERROR_RT_PARAM_INVALID   # flags
    assert lib.rt.aclrtDeviceEnablePeerAccess(1, 0) == acl.ACL_ERROR_RT_PARAM_INVALID   # self
    lib.call("aclrtDeviceEnablePeerAccess", 0, 0)
    lib.call("aclrtMemcpy", a, 16, b, 16, acl.ACL_MEMCPY_DEVICE_TO_DEVICE)
    np.testing.assert_array_equal(d2h(lib, a, 4), np.arange(4))
    lib.call("aclrtDeviceDisablePeerAccess", 0)
    assert lib.rt.aclrtDeviceDisablePeerAccess(0) == acl.ACL_ERROR_RT_PARAM_INVALID
    f, t = ctypes.c_size_t(), ctypes.c_size_t()
    assert lib.rt.aclrtSetDevice(2) == acl.ACL_ERROR_RT_INVALID_DEVICEID


def test_init_finalize_contexts_soc(lib):
    assert lib.rt.aclInit(None) == acl.ACL_ERROR_REPEAT_INITIALIZE
    ctx = V()
    lib.call("aclrtCreateContext", ctypes.byref(ctx), 1)
    cur = V()
    lib.call("aclrtGetCurrentContext", ctypes.byref(cur))
    assert cur.value == ctx.value
    d = ctypes.c_int32()
    lib.call("aclrtGetDevice", ctypes.byref(d))
    assert d.value == 1
    lib.call("aclrtDestroyContext", ctx.value)
    assert lib.rt.aclrtGetSocName() == b"Ascend910B1"
    lib.call("aclrtSynchronizeDevice")
    lib.call("aclFinalize")
    assert lib.rt.aclFinalize() == acl.ACL_ERROR_REPEAT_FINALIZE
