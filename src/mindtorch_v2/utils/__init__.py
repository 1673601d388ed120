"""torch.utils: helpers around the core library.

Submodules load on first access (``torch.utils.data``), so importing mindtorch_v2 does not
pay for multiprocessing and the data-loading machinery.
"""
import importlib as _importlib

_SUBMODULES = ("data", "checkpoint")


def __getattr__(name):
    if name in _SUBMODULES:
        mod = _importlib.import_module(f"{__name__}.{name}")
        globals()[name] = mod
        return mod
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
