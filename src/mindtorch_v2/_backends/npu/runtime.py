"""NPU runtime: lazy initialisation, devices, streams, events, pinned host memory.

Nothing here touches ACL at import. The first call that needs a device runs ``aclInit`` (once
per process) and ``aclrtSetDevice`` for the calling thread (ACL's current device is per
thread). ``atexit`` releases cached device memory, then calls ``aclnnFinalize`` and
``aclFinalize`` in that order (CANN's documented shutdown sequence).

Streams follow torch.cuda: every thread has a current stream per device (the default stream,
ACL handle NULL, until ``set_stream`` / ``with torch.npu.stream(s)``). Kernels and the
framework's own host copies are queued on the current stream; host reads synchronise it.
"""
from __future__ import annotations

import atexit
import contextlib
import ctypes
import threading

from . import acl

_V = ctypes.c_void_p
_lock = threading.RLock()
_state = {"initialized": False, "finalized": False}
_tls = threading.local()


# --------------------------------------------------------------------------- initialisation

def lib():
    """The ACL libraries, initialised (aclInit + aclnnInit) on first use."""
    if _state["initialized"]:
        return acl.get()
    with _lock:
        if not _state["initialized"]:
            L = acl.get()   # raises RuntimeError with the simulator help when no NPU
            status = L.rt.aclInit(None)
            if status not in (0, acl.ACL_ERROR_REPEAT_INITIALIZE):
                acl.check(status, "aclInit", L)
            if L.nnopbase.has("aclnnInit"):
                L.call("aclnnInit", None)
            _state["initialized"] = True
            atexit.register(_finalize)
    return acl.get()


def _finalize():
    """Release cached memory, then aclnnFinalize, then aclFinalize (once, at exit)."""
    if not _state["initialized"] or _state["finalized"]:
        return
    _state["finalized"] = True
    try:
        from ...npu import memory
        for dev, alloc in list(memory._allocators.items()):
            try:
                activate(dev)
                alloc.empty_cache()
            except Exception:   # noqa: BLE001 - shutdown must go on
                pass
        L = acl.get()
        L.rt.aclrtSynchronizeDevice()
        if L.nnopbase.has("aclnnFinalize"):
            L.nnopbase.aclnnFinalize()
        L.rt.aclFinalize()
    except Exception:   # noqa: BLE001
        pass


def is_available():
    """True when an NPU can be used (CANN found, or the simulator selected)."""
    return acl.is_available()


def is_initialized():
    return _state["initialized"]


def device_count():
    """Number of NPUs (0 when no runtime is available)."""
    if not acl.is_available():
        return 0
    n = ctypes.c_uint32()
    lib().call("aclrtGetDeviceCount", ctypes.byref(n))
    return n.value


def _check_index(idx):
    lib()       # without an NPU: the RuntimeError saying how to get the simulator
    n = device_count()
    if not 0 <= idx < n:
        raise RuntimeError(f"Invalid device id: npu:{idx} (there {'is' if n == 1 else 'are'} "
                           f"{n} NPU device{'s' if n != 1 else ''})")
    return idx


def activate(idx):
    """Make ``idx`` ACL's current device for this thread (aclrtSetDevice when it changes)."""
    L = lib()
    if getattr(_tls, "acl_device", None) != idx:
        L.call("aclrtSetDevice", idx)
        _tls.acl_device = idx
    return L


def current_device():
    """Index of this thread's current NPU (0 until ``set_device``)."""
    return getattr(_tls, "device", 0)


def device_index(device=None, optional=True):
    """An NPU index from None (current), an int, 'npu:1' or a torch.device."""
    if device is None:
        return current_device()
    if isinstance(device, int) and not isinstance(device, bool):
        return device
    from ..._device import device as _dev
    d = _dev(device) if not isinstance(device, _dev) else device
    if d.type != "npu":
        raise ValueError(f"Expected a npu device, but got: {d}")
    return current_device() if d.index is None else d.index


def set_device(device):
    """Select the current NPU of this thread (a negative index is a no-op, like torch)."""
    idx = device_index(device)
    if idx < 0:
        return
    _check_index(idx)
    activate(idx)
    _tls.device = idx


class device:
    """Context manager changing the current NPU (``torch.npu.device(idx)``)."""

    def __init__(self, device):
        self.idx = -1 if device is None else device_index(device)
        self.prev = -1

    def __enter__(self):
        self.prev = current_device()
        if self.idx >= 0 and self.idx != self.prev:
            set_device(self.idx)

    def __exit__(self, *exc):
        if self.idx >= 0 and self.idx != self.prev:
            set_device(self.prev)
        return False


class device_of(device):
    """Context manager selecting the NPU of a tensor (no-op for non-NPU tensors)."""

    def __init__(self, obj):
        super().__init__(obj.get_device() if obj.device.type == "npu" else -1)


def synchronize(device=None):
    """Wait for all work queued on every stream of ``device``."""
    with _on(device_index(device)) as L:
        L.call("aclrtSynchronizeDevice")


@contextlib.contextmanager
def _on(idx):
    """Run ACL calls with ``idx`` as the thread's ACL device, then restore it."""
    prev = getattr(_tls, "acl_device", None)
    L = activate(idx)
    try:
        yield L
    finally:
        if prev is not None and prev != idx:
            activate(prev)


# --------------------------------------------------------------------------- streams

class Stream:
    """An NPU stream (``torch.npu.Stream``): work on it runs in order.

    ``priority``: lower is higher priority, within :func:`stream_priority_range`.
    Handle 0 is ACL's default stream of the device.
    """

    def __new__(cls, device=None, priority=0, *, stream_id=None, _handle=None):
        self = object.__new__(cls)
        idx = device_index(device)
        self.device_index = idx
        if _handle is not None:
            self.handle = _handle
            self.priority = 0
            return self
        least, greatest = stream_priority_range()
        p = min(max(int(priority), min(least, greatest)), max(least, greatest))
        h = _V()
        with _on(idx) as L:
            L.call("aclrtCreateStreamWithConfig", ctypes.byref(h), p, 0)
        self.handle, self.priority = h.value, p
        return self

    @property
    def device(self):
        from ..._device import device as _dev
        return _dev("npu", self.device_index)

    @property
    def stream_id(self):
        return self.handle

    @property
    def npu_stream(self):
        return self.handle

    @property
    def _as_parameter_(self):
        return _V(self.handle)

    def query(self):
        """True when all work queued on this stream has completed."""
        st = ctypes.c_int()
        with _on(self.device_index) as L:
            L.call("aclrtStreamQuery", _V(self.handle), ctypes.byref(st))
        return st.value == acl.ACL_STREAM_STATUS_COMPLETE

    def synchronize(self):
        """Wait until all work queued on this stream has completed."""
        with _on(self.device_index) as L:
            L.call("aclrtSynchronizeStream", _V(self.handle))

    def wait_event(self, event):
        """Make future work on this stream wait for ``event``."""
        event.wait(self)

    def wait_stream(self, stream):
        """Make future work on this stream wait for the work queued so far on ``stream``."""
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        """Record ``event`` (a new one if None) on this stream; returns it."""
        event = Event() if event is None else event
        event.record(self)
        return event

    def __eq__(self, other):
        return isinstance(other, Stream) and (self.handle, self.device_index) == (
            other.handle, other.device_index)

    def __hash__(self):
        return hash((self.handle, self.device_index))

    def __repr__(self):
        return (f"<torch.npu.Stream device=npu:{self.device_index} "
                f"npu_stream={self.handle:#x}>")


def default_stream(device=None):
    """The default stream of ``device`` (ACL's NULL stream)."""
    idx = device_index(device)
    cache = _default_streams
    s = cache.get(idx)
    if s is None:
        s = cache[idx] = Stream(idx, _handle=0)
    return s


_default_streams = {}


def current_stream(device=None):
    """This thread's current stream on ``device``."""
    idx = device_index(device)
    streams = getattr(_tls, "streams", None)
    s = streams.get(idx) if streams else None
    return s if s is not None else default_stream(idx)


def set_stream(stream):
    """Make ``stream`` the current stream of its device for this thread."""
    if stream is None:
        return
    streams = getattr(_tls, "streams", None)
    if streams is None:
        streams = _tls.streams = {}
    streams[stream.device_index] = stream


class StreamContext:
    """``with torch.npu.stream(s):``: ``s`` is current (and its device selected) inside."""

    def __init__(self, stream):
        self.stream = stream
        self._prev = self._dev = None

    def __enter__(self):
        s = self.stream
        if s is None:
            return None
        self._dev = device(s.device_index)
        self._dev.__enter__()
        self._prev = current_stream(s.device_index)
        set_stream(s)
        return s

    def __exit__(self, *exc):
        if self.stream is None:
            return False
        set_stream(self._prev)
        self._dev.__exit__(*exc)
        return False


def stream(stream):
    return StreamContext(stream)


def stream_priority_range():
    """(least, greatest) stream priorities; lower numbers are higher priorities."""
    L = lib()
    if not L.rt.has("aclrtDeviceGetStreamPriorityRange"):
        return (0, 0)
    least, greatest = ctypes.c_int32(), ctypes.c_int32()
    with _on(current_device()):
        L.call("aclrtDeviceGetStreamPriorityRange", ctypes.byref(least), ctypes.byref(greatest))
    return (least.value, greatest.value)


# --------------------------------------------------------------------------- events

class Event:
    """An NPU event (``torch.npu.Event``): a marker in a stream to wait on or time.

    The ACL event is created at the first ``record`` on the recording stream's device;
    ``enable_timing`` creates it with ``ACL_EVENT_TIME_LINE``.
    """

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        if interprocess:
            raise NotImplementedError("interprocess NPU events are not supported")
        self.enable_timing = bool(enable_timing)
        self.blocking = bool(blocking)
        self.handle = None
        self.device_index = None
        self._recorded = False

    def _create(self, idx):
        flag = acl.ACL_EVENT_SYNC | (acl.ACL_EVENT_TIME_LINE if self.enable_timing else 0)
        h = _V()
        with _on(idx) as L:
            L.call("aclrtCreateEventWithFlag", ctypes.byref(h), flag)
        self.handle, self.device_index = h.value, idx

    def record(self, stream=None):
        """Record the event on ``stream`` (default: the current stream)."""
        stream = current_stream() if stream is None else stream
        if self.handle is None:
            self._create(stream.device_index)
        elif stream.device_index != self.device_index:
            raise RuntimeError(f"Event device npu:{self.device_index} does not match recording "
                               f"stream's device npu:{stream.device_index}.")
        with _on(stream.device_index) as L:
            L.call("aclrtRecordEvent", _V(self.handle), _V(stream.handle))
        self._recorded = True

    def wait(self, stream=None):
        """Make future work on ``stream`` (default: current) wait for this event."""
        if self.handle is None:
            return      # never recorded: nothing to wait for (torch does the same)
        stream = current_stream() if stream is None else stream
        with _on(stream.device_index) as L:
            L.call("aclrtStreamWaitEvent", _V(stream.handle), _V(self.handle))

    def query(self):
        """True when the work captured by the last record has completed."""
        if self.handle is None:
            return True
        st = ctypes.c_int()
        with _on(self.device_index) as L:
            L.call("aclrtQueryEventStatus", _V(self.handle), ctypes.byref(st))
        return st.value == acl.ACL_EVENT_RECORDED_STATUS_COMPLETE

    def synchronize(self):
        """Wait until the work captured by the last record has completed."""
        if self.handle is None:
            return
        with _on(self.device_index) as L:
            L.call("aclrtSynchronizeEvent", _V(self.handle))

    def elapsed_time(self, end_event):
        """Milliseconds between this event's and ``end_event``'s records."""
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if self.handle is None or end_event.handle is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        ms = ctypes.c_float()
        with _on(self.device_index) as L:
            L.call("aclrtEventElapsedTime", ctypes.byref(ms), _V(self.handle),
                   _V(end_event.handle))
        return ms.value

    def __del__(self):
        h = getattr(self, "handle", None)
        if h and not _state["finalized"]:
            try:
                acl.get().rt.aclrtDestroyEvent(_V(h))
            except Exception:   # noqa: BLE001 - interpreter shutdown
                pass

    def __repr__(self):
        return f"<torch.npu.Event {self.handle or 0:#x}>"


# --------------------------------------------------------------------------- devices

def get_device_name(device=None):
    """The SoC name ACL reports (e.g. ``Ascend910B1``)."""
    device_index(device)
    name = lib().rt.aclrtGetSocName()
    return name.decode() if name else "Ascend"


def get_device_capability(device=None):
    """(major, minor): ACL has no compute capability; (0, 0) like torch_npu."""
    device_index(device)
    lib()
    return (0, 0)


def mem_get_info(device=None):
    """(free, total) HBM bytes of ``device``."""
    free, total = ctypes.c_size_t(), ctypes.c_size_t()
    with _on(device_index(device)) as L:
        L.call("aclrtGetMemInfo", acl.ACL_HBM_MEM, ctypes.byref(free), ctypes.byref(total))
    return free.value, total.value


class _DeviceProperties:
    """What ``torch.npu.get_device_properties`` returns (ACL reports name and memory)."""

    def __init__(self, name, total_memory, index):
        self.name = name
        self.total_memory = total_memory
        self.major, self.minor = 0, 0
        self.multi_processor_count = 0      # not reported by ACL
        self.is_integrated = False
        self.index = index

    def __repr__(self):
        return (f"_NpuDeviceProperties(name='{self.name}', total_memory="
                f"{self.total_memory // (1 << 20)}MB)")


def get_device_properties(device=None):
    idx = _check_index(device_index(device))
    return _DeviceProperties(get_device_name(idx), mem_get_info(idx)[1], idx)


def can_device_access_peer(device, peer_device):
    """True when ``device`` can read ``peer_device``'s memory directly."""
    a, b = device_index(device), device_index(peer_device)
    n = device_count()
    if not 0 <= b < n:
        raise AssertionError("Invalid peer device id")
    if not 0 <= a < n:
        raise AssertionError("Invalid device id")
    out = ctypes.c_int32()
    lib().call("aclrtDeviceCanAccessPeer", ctypes.byref(out), a, b)
    return bool(out.value)


def enable_peer_access(peer_device, device=None):
    """Let the current device (or ``device``) access ``peer_device``'s memory."""
    idx, peer = device_index(device), device_index(peer_device)
    if not can_device_access_peer(idx, peer):
        raise RuntimeError(f"peer access from npu:{idx} to npu:{peer} is not supported")
    with _on(idx) as L:
        L.call("aclrtDeviceEnablePeerAccess", peer, 0)


def disable_peer_access(peer_device, device=None):
    idx, peer = device_index(device), device_index(peer_device)
    with _on(idx) as L:
        L.call("aclrtDeviceDisablePeerAccess", peer)


# --------------------------------------------------------------------------- pinned memory

_pinned = {}        # host address -> nbytes of live aclrtMallocHost blocks


def malloc_host(nbytes):
    """Page-locked host memory (aclrtMallocHost); returns its address."""
    p = _V()
    lib().call("aclrtMallocHost", ctypes.byref(p), max(int(nbytes), 1))
    _pinned[p.value] = int(nbytes)
    return p.value


def free_host(addr):
    if _state["finalized"] or _pinned.pop(addr, None) is None:
        return
    synchronize_all()       # async copies may still read the block
    acl.get().call("aclrtFreeHost", addr)


def is_pinned_address(addr):
    for base, n in _pinned.items():
        if base <= addr < base + max(n, 1):
            return True
    return False


def synchronize_all():
    """Wait for every device this process used."""
    if not _state["initialized"]:
        return
    for idx in range(device_count()):
        if idx in _used_devices:
            synchronize(idx)


_used_devices = set()


# --------------------------------------------------------------------------- allocator backend

class _AllocEvent:
    __slots__ = ("event",)

    def __init__(self, stream):
        self.event = Event()
        self.event.record(stream if isinstance(stream, Stream) else current_stream())


class AllocatorBackend:
    """The device functions NpuAllocator calls (its ``_default_backend`` hook)."""

    def __init__(self, device_id):
        self.device_id = device_id

    def malloc(self, nbytes):
        _used_devices.add(self.device_id)
        p = _V()
        with _on(self.device_id) as L:
            status = L.rt.aclrtMalloc(ctypes.byref(p), int(nbytes),
                                      acl.ACL_MEM_MALLOC_HUGE_FIRST)
        if status in (acl.ACL_ERROR_RT_MEMORY_ALLOCATION, acl.ACL_ERROR_BAD_ALLOC,
                      acl.ACL_ERROR_RT_DEVICE_OOM):
            L.recent_error()        # consume the message: out of memory is reported by us
            return None
        acl.check(status, "aclrtMalloc", L)
        return p.value

    def free(self, ptr):
        if _state["finalized"]:
            return
        with _on(self.device_id) as L:
            L.call("aclrtFree", _V(ptr))

    def mem_get_info(self):
        return mem_get_info(self.device_id)

    def record_event(self, stream):
        return _AllocEvent(stream)

    def query_event(self, ev):
        return ev.event.query()

    def synchronize_event(self, ev):
        ev.event.synchronize()
