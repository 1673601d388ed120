"""Grad mode switches: no_grad, enable_grad, set_grad_enabled, inference_mode.

The flag lives on the dispatcher's STATE (read on every op), per thread like torch's
thread-local grad mode would be: worker threads start with grad enabled.
"""
from __future__ import annotations

import functools
import threading

from .._dispatch.dispatcher import STATE

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
           "is_inference_mode_enabled"]

_local = threading.local()


def is_grad_enabled():
    return STATE.grad_enabled


def _set(flag):
    STATE.grad_enabled = bool(flag)


class _DecoratorContextManager:
    """A context manager usable as a decorator (also on generator functions)."""

    def __call__(self, func):
        import inspect
        if inspect.isclass(func):
            raise RuntimeError("Can't decorate a class with a grad mode context manager")
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                with self.clone():
                    try:
                        value = next(gen)
                    except StopIteration as e:
                        return e.value
                while True:
                    try:
                        with self.clone():
                            sent = yield value
                        with self.clone():
                            value = gen.send(sent)
                    except StopIteration as e:
                        return e.value
            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    """Disable gradient recording inside the block (or the decorated function)."""

    def __init__(self):
        self.prev = False

    def __enter__(self):
        self.prev = STATE.grad_enabled
        _set(False)

    def __exit__(self, *exc):
        _set(self.prev)
        return False


class enable_grad(_DecoratorContextManager):
    """Enable gradient recording inside the block (e.g. within no_grad)."""

    def __init__(self):
        self.prev = False

    def __enter__(self):
        self.prev = STATE.grad_enabled
        _set(True)

    def __exit__(self, *exc):
        _set(self.prev)
        return False


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode: applies at construction (function form) and as a context manager."""

    def __init__(self, mode):
        self.prev = STATE.grad_enabled
        self.mode = bool(mode)
        _set(self.mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set(self.prev)
        return False

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    """Like no_grad; tensors created inside are marked as inference tensors."""

    def __init__(self, mode=True):
        self.mode = bool(mode)
        self.prev = False
        self.prev_inf = False

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):  # used as @inference_mode
            return cls()(mode)
        return super().__new__(cls)

    def __enter__(self):
        self.prev = STATE.grad_enabled
        self.prev_inf = getattr(_local, "inference", False)
        if self.mode:
            _set(False)
        _local.inference = self.mode

    def __exit__(self, *exc):
        _set(self.prev)
        _local.inference = self.prev_inf
        return False

    def clone(self):
        return self.__class__(self.mode)


def is_inference_mode_enabled():
    return getattr(_local, "inference", False)
