"""torch.cuda for a framework built without CUDA (what a CPU-only torch build does).

Availability queries answer "no CUDA"; seeding and cache functions are silent no-ops (torch
allows seeding CUDA lazily, so scripts call them unconditionally); anything that needs a
device raises torch's ``AssertionError("Torch not compiled with CUDA enabled")``.
Accelerator code for Ascend belongs in ``torch.npu``.
"""
from __future__ import annotations

import types
import warnings

__all__ = [
    "is_available", "device_count", "is_initialized", "init", "current_device", "set_device",
    "synchronize", "get_device_name", "get_device_capability", "get_device_properties",
    "manual_seed", "manual_seed_all", "seed", "seed_all", "initial_seed", "get_rng_state",
    "set_rng_state", "get_rng_state_all", "set_rng_state_all", "empty_cache",
    "memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved",
    "reset_peak_memory_stats", "mem_get_info", "ipc_collect", "is_bf16_supported",
    "get_arch_list", "current_stream", "default_stream", "device", "amp",
]

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def _lazy_init():
    raise AssertionError(_NOT_COMPILED)


def is_available():
    """False: this framework has no CUDA backend."""
    return False


def device_count():
    return 0


def is_initialized():
    return False


def is_bf16_supported(including_emulation=True):
    return False


def get_arch_list():
    return []


def _no_op(*args, **kwargs):
    """Silently ignored without CUDA, like torch (seeding is lazy, caches are empty)."""


manual_seed = manual_seed_all = seed = seed_all = empty_cache = _no_op
reset_peak_memory_stats = reset_max_memory_allocated = _no_op


def _zero(device=None):
    return 0


memory_allocated = max_memory_allocated = memory_reserved = max_memory_reserved = _zero


def _needs_cuda(*args, **kwargs):
    """Needs a CUDA device: raises torch's AssertionError."""
    _lazy_init()


init = current_device = synchronize = get_device_name = get_device_capability = _needs_cuda
get_device_properties = initial_seed = get_rng_state = get_rng_state_all = _needs_cuda
set_rng_state = set_rng_state_all = mem_get_info = ipc_collect = _needs_cuda
current_stream = default_stream = _needs_cuda


def set_device(device):
    """Negative indices are ignored like in torch; anything else needs CUDA."""
    idx = getattr(device, "index", device)
    if isinstance(idx, int) and idx < 0:
        return
    _lazy_init()


class device:
    """Context manager selecting a CUDA device; entering it needs CUDA."""

    def __init__(self, device):
        self.idx = getattr(device, "index", device)

    def __enter__(self):
        if self.idx is not None and self.idx >= 0:
            raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, *exc):
        return False


# torch.cuda.amp: deprecated aliases of torch.amp with device 'cuda' (disabled here, with
# torch's warnings).

def _amp_autocast(enabled=True, dtype=None, cache_enabled=True):
    from . import float16
    from .amp import autocast
    warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                  "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning, stacklevel=2)
    return autocast("cuda", dtype=dtype or float16, enabled=enabled,
                    cache_enabled=cache_enabled)


def _amp_grad_scaler(init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                     growth_interval=2000, enabled=True):
    from .amp import GradScaler
    warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                  "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning,
                  stacklevel=2)
    return GradScaler("cuda", init_scale, growth_factor, backoff_factor, growth_interval,
                      enabled)


amp = types.ModuleType(__name__ + ".amp", "torch.cuda.amp (deprecated aliases of torch.amp)")
amp.autocast = _amp_autocast
amp.GradScaler = _amp_grad_scaler

import sys as _sys  # noqa: E402

_sys.modules.setdefault(amp.__name__, amp)  # ``import torch.cuda.amp``
