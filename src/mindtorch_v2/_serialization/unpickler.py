"""Unpicklers for torch.load: torch's global names mapped to mindtorch, and the
weights-only unpickler that allows only tensors, primitive containers and the globals a
user marked safe (``add_safe_globals`` / ``safe_globals``)."""
from __future__ import annotations

import _compat_pickle
import pickle

from .rebuild import TORCH_SAFE_NAMES, resolve

__all__ = ["make_unpickler", "add_safe_globals", "clear_safe_globals", "get_safe_globals",
           "safe_globals", "weights_only_message", "UNSAFE_MESSAGE"]

_BLOCKED_MODULES = ("sys",)
_user_safe = []  # what add_safe_globals received, in order

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to "
    "`False` will likely succeed, but it can result in arbitrary code execution. Do it only "
    "if you got the file from a trusted source.")
_DOCS = ("\n\nCheck the documentation of torch.load to learn more about types accepted by "
         "default with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def add_safe_globals(safe_globals):
    """Mark globals (objects, or ``(object, "module.name")`` pairs) safe for weights_only."""
    _user_safe.extend(safe_globals)


def clear_safe_globals():
    _user_safe.clear()


def get_safe_globals():
    return list(_user_safe)


class safe_globals:
    """Context manager: the given globals are safe for weights_only loads inside it."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        for g in self.safe_globals:
            if g in _user_safe:
                _user_safe.remove(g)


def _user_allowed():
    rc = {}
    for g in _user_safe:
        if isinstance(g, tuple):
            if len(g) != 2:
                raise ValueError("Expected tuple of length 2 (global, str of callable full "
                                 f"path), but got tuple of length: {len(g)}")
            if type(g[1]) is not str:
                raise TypeError("Expected second item in tuple to be str of callable full "
                                f"path, but got: {type(g[1])}")
            rc[g[1]] = g[0]
            continue
        module, name = g.__module__, g.__qualname__
        rc[f"{module}.{name}"] = g
        if module == "mindtorch_v2" or module.startswith("mindtorch_v2."):
            # a checkpoint from real torch names it torch.<same path>
            rc[f"torch{module[len('mindtorch_v2'):]}.{name}"] = g
    return rc


def _compat(module, name):
    """Python 2 names (protocol < 3 pickles) mapped to Python 3 ones, as pickle does."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def _torch_find_class(self, module, name):
    module, name = _compat(module, name)
    obj = resolve(module, name)
    if obj is not None:
        return obj
    return self._base_find_class(module, name)


def _weights_only_find_class(self, module, name):
    module, name = _compat(module, name)
    full = f"{module}.{name}"
    if module in _BLOCKED_MODULES:
        raise pickle.UnpicklingError(f"Trying to load unsupported GLOBAL {full} whose module "
                                     f"{module} is blocked.")
    if full in TORCH_SAFE_NAMES:
        return resolve(module, name)
    user = _user_allowed()
    if full in user:
        return user[full]
    if full.startswith("builtins."):
        full = full[len("builtins."):]
    raise pickle.UnpicklingError(
        f"Unsupported global: GLOBAL {full} was not an allowed global by default. Please use "
        f"`torch.serialization.add_safe_globals([{full}])` or the "
        f"`torch.serialization.safe_globals([{full}])` context manager to allowlist this "
        "global if you trust this class/function.")


def make_unpickler(file, persistent_load, *, weights_only, pickle_module=None, **kwargs):
    """An unpickler over ``file`` resolving torch names; restricted when weights_only."""
    base = (pickle_module or pickle).Unpickler
    find = _weights_only_find_class if weights_only else _torch_find_class
    cls = type("TorchUnpickler", (base,), {
        "find_class": find,
        "_base_find_class": base.find_class,
        "persistent_load": lambda self, pid: persistent_load(pid),
    })
    return cls(file, **kwargs)


def weights_only_message(message):
    """torch's explanation around an error raised by the weights-only unpickler."""
    if "was not an allowed global by default" in message:
        return ("Weights only load failed. This file can still be loaded, to do so you have "
                "two options, \033[1mdo those steps only if you trust the source of the "
                f"checkpoint\033[0m. \n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load "
                "with `weights_only=True` please check the recommended steps in the following "
                "error message.\n\tWeightsUnpickler error: " + message + _DOCS)
    out = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
    if "is blocked" not in message:
        out += ("Please file an issue with the following so that we can make "
                "`weights_only=True` compatible with your use case: WeightsUnpickler error: ")
    return out + "\n\n" + message + _DOCS
