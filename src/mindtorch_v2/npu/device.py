"""torch.npu devices: availability, selection, properties, peer access, pinned memory.

Thin public layer over ``_backends/npu/runtime.py`` with torch.cuda's names. The seed 001
internals ``_get_device_name`` / ``_get_device_capability`` are what the public functions
call, so tests can replace them.
"""
from __future__ import annotations

import sys

from .._backends.npu import acl as _acl
from .._backends.npu import runtime as _rt

__all__ = ["is_available", "is_initialized", "init", "device_count", "current_device",
           "set_device", "device", "device_of", "synchronize", "get_device_name",
           "get_device_capability", "get_device_properties", "can_device_access_peer",
           "enable_peer_access", "disable_peer_access", "pin_memory", "is_pinned",
           "use_simulator", "get_arch_list", "is_bf16_supported"]

device = _rt.device
device_of = _rt.device_of
current_device = _rt.current_device
set_device = _rt.set_device
synchronize = _rt.synchronize
can_device_access_peer = _rt.can_device_access_peer
enable_peer_access = _rt.enable_peer_access
disable_peer_access = _rt.disable_peer_access


def _npu():
    return sys.modules[__name__.rpartition(".")[0]]


def is_available():
    """True when an NPU can be used: CANN is installed or the simulator is selected."""
    return _rt.is_available()


def is_initialized():
    return _rt.is_initialized()


def init():
    """Initialise the NPU runtime now (it is otherwise done at first use)."""
    _rt.lib()


def device_count():
    """Number of NPUs visible to this process."""
    return _rt.device_count()


def use_simulator(devices=2, memory=16 << 30, **options):
    """Run torch.npu on the software Ascend device (before the first NPU use).

    Same as ``MINDTORCH_NPU=sim``; ``devices`` NPUs of ``memory`` bytes each.
    """
    _acl.use_simulator(devices=devices, memory=memory, **options)


def _get_device_name(device=None):
    return _rt.get_device_name(device)


def _get_device_capability(device=None):
    return _rt.get_device_capability(device)


def get_device_name(device=None):
    """The name of ``device`` (the Ascend SoC name)."""
    return _npu()._get_device_name(device)


def get_device_capability(device=None):
    """(major, minor) of ``device``; ACL has no compute capability: (0, 0)."""
    return _npu()._get_device_capability(device)


def get_device_properties(device=None):
    """name, total_memory, major/minor and multi_processor_count (0: ACL does not report it)."""
    return _rt.get_device_properties(device)


def get_arch_list():
    return [] if not is_available() else [get_device_name()]


def is_bf16_supported(including_emulation=True):
    return is_available()


def pin_memory(tensor):
    """A copy of CPU ``tensor`` in page-locked host memory (aclrtMallocHost)."""
    return tensor.pin_memory()


def is_pinned(tensor):
    """True when ``tensor`` lives in page-locked host memory."""
    return tensor.is_pinned()
