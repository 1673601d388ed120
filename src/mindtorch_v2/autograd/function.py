"""torch.autograd.Function: user-defined forward/backward pairs.

Each ``Function`` subclass gets a node class ``<Name>Backward`` (``cls._backward_cls``); one
instance per ``apply`` call is both the graph node and the ``ctx`` the user's forward and
backward see (as in torch, where ``ctx`` is the grad_fn).  Tensors given to
``save_for_backward`` become ``SavedTensor``s after the forward (outputs saved without their
grad_fn, Note [saved tensors] in _autograd/node.py), so the version check and freeing after
backward work as for built-in ops.
"""
from __future__ import annotations

import functools

from .._autograd.grad_mode import no_grad
from .._autograd.node import _FREED_MSG, Node, SavedTensor, edge_of
from .._dispatch.dispatcher import STATE
from .._tensor import Tensor

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable",
           "InplaceFunction"]


class FunctionCtx:
    """The methods a forward/setup_context may call on ``ctx``."""

    def save_for_backward(self, *tensors):
        """Keep ``tensors`` (or None) for backward; read them back as ``ctx.saved_tensors``."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors

    def mark_dirty(self, *args):
        """Declare inputs the forward modified in place (they must be returned)."""
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        """Declare outputs that never require grad."""
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        """Whether None output grads reach backward as zeros (default True)."""
        self.materialize_grads = bool(value)


class BackwardCFunction(FunctionCtx, Node):
    """The node of one ``Function.apply`` call; also the ``ctx`` object."""

    _forward_cls = None

    def __init__(self):
        Node.__init__(self)
        self.to_save = None
        self.dirty_tensors = None
        self.non_differentiable = None
        self.materialize_grads = True
        self._saved = None
        self._freed = False

    def name(self):
        return type(self).__name__

    @property
    def saved_tensors(self):
        """The tensors given to save_for_backward (raises once the graph was freed)."""
        if self._freed:
            raise RuntimeError(_FREED_MSG)
        if self._saved is None:
            return ()
        name = self.name()
        return tuple(s.unpack(name) if s is not None else None for s in self._saved)

    saved_variables = saved_tensors

    @property
    def _saved_tensors(self):
        return self.saved_tensors

    def release(self):
        self._freed = True
        if self._saved is not None:
            for s in self._saved:
                if s is not None:
                    s.free()

    def apply(self, grads):
        cls = self._forward_cls
        metas = self.out_meta
        grads = list(grads) + [None] * (len(metas) - len(grads))
        if self.materialize_grads:
            from .._ops.creation import zeros
            grads = [zeros(m[0], dtype=m[1], device=m[2]) if g is None and m is not None
                     else g for g, m in zip(grads, metas)]
        fn = cls.backward if cls.backward is not Function.backward else cls.vjp
        out = fn(self, *grads)
        return self._validate(out)

    def _validate(self, out):
        if not isinstance(out, tuple):
            out = (out,)
        n = len(self.arg_is_tensor)
        if len(out) > n and all(g is None for g in out[n:]):
            out = out[:n]
        if len(out) != n:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of "
                               f"gradients (expected {n}, got {len(out)})")
        flat = []
        k = 0
        for pos, (g, is_t) in enumerate(zip(out, self.arg_is_tensor)):
            if not is_t:
                if g is not None:
                    raise RuntimeError(f"function {self.name()} returned a gradient different "
                                       f"than None at position {pos + 1}, but the "
                                       "corresponding forward input was not a Variable")
                continue
            if g is not None and self.next_functions[k][0] is not None:
                if not isinstance(g, Tensor):
                    raise TypeError(f"function {self.name()} returned a gradient that is not "
                                    f"a Tensor at position {pos + 1}")
                shape = self.in_meta[k][0]
                if not _expandable(shape, g._shape):
                    raise RuntimeError(f"Function {self.name()} returned an invalid gradient "
                                       f"at index {k} - got {list(g._shape)} but expected "
                                       f"shape compatible with {list(shape)}")
            flat.append(g)
            k += 1
        return flat


def _expandable(shape, target):
    if len(shape) > len(target):
        return False
    for s, t in zip(reversed(shape), reversed(target)):
        if s != t and s != 1:
            return False
    return True


class _FunctionMeta(type):
    """Gives every Function subclass its own node class, named ``<Name>Backward``."""

    def __init__(cls, name, bases, attrs):
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls})
        super().__init__(name, bases, attrs)


class Function(metaclass=_FunctionMeta):
    """Base class of custom autograd operations; call them with ``MyFn.apply(...)``.

    Either ``forward(ctx, *args)`` or ``forward(*args)`` plus
    ``setup_context(ctx, inputs, output)``; ``backward(ctx, *grad_outputs)`` (alias ``vjp``)
    returns one gradient per forward input (None for non-tensors).
    """

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is "
                           "deprecated. Please use new-style autograd function with static "
                           "forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward without recording ops and attach one node to its outputs."""
        ctx = cls._backward_cls()
        needs = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        ctx.needs_input_grad = needs
        is_grad = STATE.grad_enabled and any(needs)
        new_style = cls.setup_context is not Function.setup_context
        with no_grad():
            if new_style:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(output, tuple)
        outs = (output,) if single else output
        if not is_grad:
            return output
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        ctx.arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
        ctx.next_functions = tuple(edge_of(a) for a in tensor_args)
        ctx.in_meta = tuple((a._shape, a.dtype, a.device) for a in tensor_args)
        outs = _wrap_outputs(ctx, tensor_args, outs)
        _save(ctx, outs)
        return outs[0] if single else outs


def _wrap_outputs(ctx, inputs, outs):
    dirty = ctx.dirty_tensors or ()
    nondiff = ctx.non_differentiable or ()
    metas = []
    res = []
    for i, t in enumerate(outs):
        if not isinstance(t, Tensor):
            metas.append(None)
            res.append(t)
            continue
        is_input = any(t is a for a in inputs)
        is_dirty = any(t is d for d in dirty)
        if is_dirty:
            if t.grad_fn is None and t._requires_grad:
                raise RuntimeError("a leaf Variable that requires grad has been used in an "
                                   "in-place operation.")
        elif is_input:
            # an input returned unchanged becomes a fresh alias carrying this node
            with no_grad():
                t = t.view_as(t)
        if any(t is n for n in nondiff) or not (t.dtype.is_floating_point or
                                                 t.dtype.is_complex):
            if not is_dirty and not is_input:
                t._requires_grad = False
            metas.append(None)
            res.append(t)
            continue
        t.grad_fn = ctx
        t._ag = i
        t._requires_grad = True
        metas.append((t._shape, t.dtype, t.device))
        res.append(t)
    ctx.out_meta = tuple(metas)
    return tuple(res)


def _save(ctx, outs):
    to_save = ctx.to_save
    if to_save is None:
        return
    saved = []
    for t in to_save:
        if t is None:
            saved.append(None)
            continue
        nr = next((i for i, o in enumerate(outs) if o is t), None)
        if nr is not None and t.grad_fn is ctx:
            saved.append(SavedTensor(t, True, ctx, nr))
        else:
            saved.append(SavedTensor(t))
    ctx._saved = saved
    ctx.to_save = None


def once_differentiable(fn):
    """Decorate a backward that is not itself differentiable: it runs without recording."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)
    return wrapper


class InplaceFunction(Function):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace
