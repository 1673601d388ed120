"""Device-storage interface used by ``_storage.UntypedStorage`` for non-CPU, non-meta devices.

Each function takes the ``UntypedStorage`` and routes on its device type to that device's
storage module (only ``npu`` today: ``_backends/npu/storage.py``). Importing this module
loads no device runtime.
"""
from __future__ import annotations

__all__ = ["init_storage", "data_ptr", "to_host", "copy_from", "fill", "resize",
           "record_stream", "is_pinned"]


def _impl(device):
    if device.type == "npu":
        from .npu import storage
        return storage
    raise RuntimeError(f"no storage backend for device type '{device.type}'")


def init_storage(storage, nbytes, init=None):
    """Allocate ``nbytes`` on ``storage.device``; ``init``: optional uint8 array to upload."""
    _impl(storage.device).init_storage(storage, nbytes, init)


def data_ptr(storage):
    """The device address of the storage's first byte."""
    return _impl(storage.device).data_ptr(storage)


def to_host(storage):
    """A host uint8 NumPy copy of the storage's bytes (after queued work completed)."""
    return _impl(storage.device).to_host(storage)


def copy_from(storage, src):
    """Copy all bytes of ``src`` (same size, any device) into ``storage``."""
    _impl(storage.device).copy_from(storage, src)


def fill(storage, value):
    """Set every byte to ``value``."""
    _impl(storage.device).fill(storage, value)


def resize(storage, nbytes):
    """Grow or shrink to ``nbytes`` keeping the common prefix."""
    _impl(storage.device).resize(storage, nbytes)


def record_stream(storage, stream):
    """Note that ``stream`` uses the storage (its memory is reused only after that work)."""
    _impl(storage.device).record_stream(storage, stream)


def is_pinned(storage):
    """True for CPU storage in page-locked memory from the NPU runtime (aclrtMallocHost)."""
    if storage.device.type != "cpu" or not storage._nbytes:
        return False
    from .npu import runtime
    if not runtime._pinned:
        return False
    return runtime.is_pinned_address(storage.data_ptr())
