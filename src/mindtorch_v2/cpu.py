"""torch.cpu: the CPU seen through the same API as accelerator modules."""
from __future__ import annotations

import types
import warnings

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


def _amp_autocast(enabled=True, dtype=None, cache_enabled=True):
    from . import bfloat16
    from .amp import autocast
    warnings.warn("`torch.cpu.amp.autocast(args...)` is deprecated. Please use "
                  "`torch.amp.autocast('cpu', args...)` instead.", FutureWarning, stacklevel=2)
    return autocast("cpu", dtype=dtype or bfloat16, enabled=enabled,
                    cache_enabled=cache_enabled)


def _amp_grad_scaler(init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                     growth_interval=2000, enabled=True):
    from .amp import GradScaler
    warnings.warn("`torch.cpu.amp.GradScaler(args...)` is deprecated. Please use "
                  "`torch.amp.GradScaler('cpu', args...)` instead.", FutureWarning,
                  stacklevel=2)
    return GradScaler("cpu", init_scale, growth_factor, backoff_factor, growth_interval,
                      enabled)


amp = types.ModuleType(__name__ + ".amp", "torch.cpu.amp (deprecated aliases of torch.amp)")
amp.autocast = _amp_autocast
amp.GradScaler = _amp_grad_scaler

import sys as _sys  # noqa: E402

_sys.modules.setdefault(amp.__name__, amp)  # ``import torch.cpu.amp``
