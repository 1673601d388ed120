"""NPU storage: a device address and size from the caching allocator, never a host copy.

``UntypedStorage._npu`` holds an :class:`NpuBuffer`. The block goes back to the allocator
when the storage dies (``weakref.finalize``); blocks used on other streams were noted with
``record_stream`` and are reused only after those streams reach the free (allocator Note
[stream-ordered reuse]).

Host <-> device copies of the framework are queued on the current stream and, for pageable
host memory, waited for: a host read therefore sees every kernel queued before it.
"""
from __future__ import annotations

import ctypes
import weakref

import numpy as np

from . import acl, runtime

_V = ctypes.c_void_p


def allocator(idx):
    from ...npu import memory
    return memory._get_allocator(idx)


class NpuBuffer:
    __slots__ = ("ptr", "nbytes", "device", "finalizer", "__weakref__")

    def __init__(self, ptr, nbytes, device):
        self.ptr, self.nbytes, self.device = ptr, nbytes, device
        self.finalizer = None


def _release(alloc, ptr):
    if not runtime._state["finalized"]:
        alloc.free(ptr)


def init_storage(storage, nbytes, init=None):
    """Allocate ``nbytes`` on the storage's NPU (and upload ``init`` bytes when given)."""
    from ..._device import device as _dev
    idx = runtime.device_index(storage.device)
    runtime._check_index(idx)
    storage.device = _dev("npu", idx)
    ptr = 0
    buf = NpuBuffer(0, nbytes, idx)
    if nbytes:
        alloc = allocator(idx)
        runtime.activate(idx)
        ptr = alloc.malloc(nbytes, runtime.current_stream(idx))
        buf.ptr = ptr
        f = weakref.finalize(storage, _release, alloc, ptr)
        f.atexit = False        # runtime._finalize releases memory at exit, in order
        buf.finalizer = f
    storage._npu = buf
    if init is not None and nbytes:
        upload(storage, 0, np.ascontiguousarray(init, dtype=np.uint8))


def data_ptr(storage):
    return storage._npu.ptr


def _kind(dst_dev, src_dev):
    return {(False, False): acl.ACL_MEMCPY_HOST_TO_HOST, (False, True):
            acl.ACL_MEMCPY_HOST_TO_DEVICE, (True, False): acl.ACL_MEMCPY_DEVICE_TO_HOST,
            (True, True): acl.ACL_MEMCPY_DEVICE_TO_DEVICE}[(dst_dev, src_dev)]


def memcpy(idx, dst, src, nbytes, kind, non_blocking=False):
    """Copy on the current stream of ``idx``; wait for it unless ``non_blocking``."""
    if not nbytes:
        return
    s = runtime.current_stream(idx)
    with runtime._on(idx) as L:
        L.call("aclrtMemcpyAsync", _V(dst), nbytes, _V(src), nbytes, kind, _V(s.handle))
        if not non_blocking:
            L.call("aclrtSynchronizeStream", _V(s.handle))


def upload(storage, byte_offset, host, non_blocking=False):
    """Host bytes (a contiguous NumPy array) -> device storage at ``byte_offset``."""
    b = storage._npu
    n = host.nbytes
    if byte_offset + n > b.nbytes:
        raise RuntimeError(f"copy of {n} bytes at offset {byte_offset} overruns a storage of "
                           f"{b.nbytes} bytes")
    memcpy(b.device, b.ptr + byte_offset, host.ctypes.data, n, acl.ACL_MEMCPY_HOST_TO_DEVICE,
           non_blocking)


def download(storage, byte_offset, nbytes, out=None):
    """Device storage bytes [offset, offset + nbytes) -> a new (or ``out``) uint8 array."""
    b = storage._npu
    out = np.empty(nbytes, np.uint8) if out is None else out
    memcpy(b.device, out.ctypes.data, b.ptr + byte_offset, nbytes,
           acl.ACL_MEMCPY_DEVICE_TO_HOST)
    return out


def to_host(storage):
    return download(storage, 0, storage._npu.nbytes)


def copy_from(storage, src):
    """Bytes of ``src`` (a CPU or NPU storage of the same size) into ``storage``."""
    n = storage._npu.nbytes
    if src.device.type == "cpu":
        upload(storage, 0, np.ascontiguousarray(src._cpu_bytes()))
    elif src._npu.device == storage._npu.device:
        if n:
            s = runtime.current_stream(storage._npu.device)
            with runtime._on(storage._npu.device) as L:
                L.call("aclrtMemcpyAsync", _V(storage._npu.ptr), n, _V(src._npu.ptr), n,
                       acl.ACL_MEMCPY_DEVICE_TO_DEVICE, _V(s.handle))
    else:
        upload(storage, 0, to_host(src))


def fill(storage, value):
    b = storage._npu
    if b.nbytes:
        s = runtime.current_stream(b.device)
        with runtime._on(b.device) as L:
            L.call("aclrtMemsetAsync", _V(b.ptr), b.nbytes, int(value) & 0xFF, b.nbytes,
                   _V(s.handle))


def resize(storage, nbytes):
    """Reallocate to ``nbytes``, keeping the common prefix (tensors see the new address)."""
    old = storage._npu
    keep = min(old.nbytes, nbytes)
    init_storage(storage, nbytes)
    new = storage._npu
    if keep:
        s = runtime.current_stream(new.device)
        with runtime._on(new.device) as L:
            L.call("aclrtMemcpyAsync", _V(new.ptr), keep, _V(old.ptr), keep,
                   acl.ACL_MEMCPY_DEVICE_TO_DEVICE, _V(s.handle))
    storage._nbytes = nbytes
    if old.finalizer is not None:
        old.finalizer()         # freed on the current stream: reuse is stream-ordered


def record_stream(storage, stream):
    b = storage._npu
    if b.ptr:
        allocator(b.device).record_stream(b.ptr, stream)


# --------------------------------------------------------------------------- pinned host memory

def pin_memory(tensor):
    """A copy of CPU ``tensor`` whose storage is page-locked host memory (aclrtMallocHost).

    The block is freed (aclrtFreeHost) when the storage dies; pending asynchronous copies
    are waited for first (``runtime.free_host``).
    """
    from ..._storage import UntypedStorage
    from ..._tensor import Tensor
    if tensor.device.type != "cpu":
        raise RuntimeError(f"cannot pin '{tensor.type()}' only dense CPU tensors can be pinned")
    if tensor.is_pinned():
        return tensor
    nbytes = tensor.numel() * tensor.dtype.itemsize
    addr = runtime.malloc_host(nbytes)
    buf = np.ctypeslib.as_array((ctypes.c_uint8 * max(nbytes, 1)).from_address(addr))[:nbytes]
    st = UntypedStorage._wrap_cpu(buf)
    f = weakref.finalize(st, runtime.free_host, addr)
    f.atexit = False
    out = Tensor._from_storage(st, tensor._shape, _contig(tensor._shape), 0,
                               tensor.dtype)
    out.copy_(tensor)
    return out


def _contig(shape):
    from ..._tensor import contiguous_strides
    return contiguous_strides(tuple(shape))
