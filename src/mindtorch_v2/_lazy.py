"""Lazy imports for heavy optional modules (SciPy costs ~0.5 s at import; most programs
never call a function that needs it).  ``lazy_module("scipy.special").erf`` is a callable
that imports the module on its first call and then forwards to the real function."""
from __future__ import annotations

import importlib

__all__ = ["lazy_module"]


class _LazyFunction:
    __slots__ = ("_module", "_name", "_fn", "__name__")

    def __init__(self, module, name):
        self._module = module
        self._name = name
        self._fn = None
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        fn = self._fn
        if fn is None:
            fn = self._fn = getattr(importlib.import_module(self._module), self._name)
        return fn(*args, **kwargs)

    def __getattr__(self, attr):  # e.g. sps.erf.types, sla.lapack.get_lapack_funcs
        return getattr(getattr(importlib.import_module(self._module), self._name), attr)

    def __repr__(self):
        return f"<lazy {self._module}.{self._name}>"


class _LazyModule:
    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        f = _LazyFunction(self._name, attr)
        setattr(self, attr, f)
        return f


def lazy_module(name):
    return _LazyModule(name)
