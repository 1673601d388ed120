"""torch.nn.Parameter and torch.nn.Buffer."""
from __future__ import annotations

from .._tensor import Tensor, _as_subclass

__all__ = ["Parameter", "Buffer"]


def _empty():
    from .. import empty
    return empty(0)


class Parameter(Tensor):
    """A Tensor that is a module parameter: assigning one as a Module attribute registers it.

    It aliases ``data`` (same storage, no copy) and is a leaf that requires grad by default.
    """

    # Tensor.__new__ leaves subclasses that define _subclass_new to their own __new__
    _subclass_new = True

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _empty()
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not "
                            f"{type(data).__name__}")
        p = _as_subclass(data.detach(), cls)
        p.requires_grad_(requires_grad)
        return p

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        # torch: a fresh Parameter over a clone of the data (grad is not copied)
        result = type(self)(self.data.clone(), self.requires_grad)
        if self.__dict__:
            import copy
            result.__dict__.update(copy.deepcopy(self.__dict__, memo))
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        # rebuilt from the plain data so every device (meta included) keeps the class
        return (_rebuild_parameter, (type(self), self.detach(), self.requires_grad,
                                     self.__dict__ or None))


def _rebuild_parameter(cls, data, requires_grad, state):
    p = cls(data, requires_grad)
    if state:
        p.__dict__.update(state)
    return p


class _BufferMeta(type):
    # a Buffer is a plain Tensor flagged ``_is_buffer``; isinstance checks the flag
    def __instancecheck__(cls, inst):
        if cls is Buffer:
            return isinstance(inst, Tensor) and getattr(inst, "_is_buffer", False)
        return super().__instancecheck__(inst)


class Buffer(metaclass=_BufferMeta):
    """A Tensor marked as module state: assigning it as a Module attribute registers a buffer.

    ``Buffer(data, persistent=True)`` returns a detached alias of ``data`` carrying the flag.
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _empty()
        t = data.detach()
        if data.requires_grad:
            t.requires_grad_(True)
        t.persistent = persistent
        t._is_buffer = True
        return t
