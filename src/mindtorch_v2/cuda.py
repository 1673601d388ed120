"""torch.cuda for a framework built without CUDA (what a CPU-only torch build does).

Availability queries answer "no CUDA"; seeding and cache functions are silent no-ops (torch
allows seeding CUDA lazily, so scripts call them unconditionally); anything that needs a
device raises torch's ``AssertionError("Torch not compiled with CUDA enabled")``.
Accelerator code for Ascend belongs in ``torch.npu``.
"""
from __future__ import annotations

from ._deprecated_amp import deprecated_amp_module

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

amp = deprecated_amp_module(__name__, "cuda", "float16")
