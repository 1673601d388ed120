"""torch.cpu: the CPU seen through the same API as accelerator modules."""
from __future__ import annotations

from ._deprecated_amp import deprecated_amp_module

__all__ = ["is_available", "device_count", "current_device", "set_device", "synchronize",
           "current_stream", "Stream", "amp"]


def is_available():
    """The CPU is always available."""
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def set_device(device):
    """Only one CPU device: selecting it does nothing."""


def synchronize(device=None):
    """CPU kernels run synchronously: nothing to wait for."""


class Stream:
    """The CPU's only stream: every operation already completes in order."""

    def __init__(self, priority=-1):
        self.priority = priority

    def wait_stream(self, stream):
        pass

    def synchronize(self):
        pass

    def query(self):
        return True


_STREAM = Stream()


def current_stream(device=None):
    return _STREAM


amp = deprecated_amp_module(__name__, "cpu", "bfloat16")
