"""Tensor methods of autograd: backward, hooks, retain_grad."""
from __future__ import annotations

import weakref
from collections import OrderedDict

from .._tensor import Tensor
from .engine import run_backward

__all__ = ["backward", "grad"]


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """torch.autograd.backward: accumulate gradients of ``tensors`` into the leaves."""
    if grad_variables is not None:
        grad_tensors = grad_variables
    tensors = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors)
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        res = run_backward(tensors, grads, retain_graph, create_graph, inputs,
                           allow_unused=True)
        for t, g in zip(inputs, res):
            if g is None:
                continue
            if not create_graph:
                g = g.detach()
            t.grad = g if t.grad is None else t.grad + g
        return
    run_backward(tensors, grads, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """torch.autograd.grad: the gradients of ``outputs`` w.r.t. ``inputs`` (no .grad change)."""
    if is_grads_batched:
        raise NotImplementedError("is_grads_batched=True is not supported")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    single = isinstance(inputs, Tensor)
    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    res = run_backward(outs, _as_tuple(grad_outputs), retain_graph, create_graph, ins,
                       allow_unused)
    if materialize_grads:
        from .._ops.creation import zeros_like
        res = [zeros_like(i) if r is None else r for i, r in zip(ins, res)]
    return tuple(res) if not single else (res[0],)


def zero_grads(params, set_to_none=True):
    """Reset the ``.grad`` of each parameter: to None, or zeroed in place (detached from any
    graph first), as Module.zero_grad and Optimizer.zero_grad do."""
    for p in params:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
        else:
            if p.grad.grad_fn is not None:
                p.grad.detach_()
            else:
                p.grad.requires_grad_(False)
            p.grad.zero_()


def _tensor_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    backward(self, gradient, retain_graph, create_graph, inputs=inputs)


def _register_hook(self, hook):
    if not self._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self.grad_fn is not None:
        return self.grad_fn._register_tensor_hook(self._ag, hook)
    hooks = self.__dict__.get("_backward_hooks")
    if hooks is None:
        hooks = self.__dict__["_backward_hooks"] = OrderedDict()
    return _DictHandle(hooks, hook)


def _register_post_accumulate_grad_hook(self, hook):
    if self.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                           "tensors")
    if not self._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    hooks = self.__dict__.get("_post_accumulate_grad_hooks")
    if hooks is None:
        hooks = self.__dict__["_post_accumulate_grad_hooks"] = OrderedDict()
    return _DictHandle(hooks, hook)


class _DictHandle:
    _next_id = [0]

    def __init__(self, d, fn):
        self.id = _DictHandle._next_id[0]
        _DictHandle._next_id[0] += 1
        self.d = d
        d[self.id] = fn

    def remove(self):
        self.d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _retain_grad(self):
    if not self._requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    fn = self.grad_fn
    if fn is None:
        return
    if self.__dict__.get("_retains_grad"):
        return
    if fn._retain_hooks is None:
        fn._retain_hooks = []
    fn._retain_hooks.append((self._ag, weakref.ref(self)))
    self.__dict__["_retains_grad"] = True


def _retains_grad(self):
    return bool(self.__dict__.get("_retains_grad"))


Tensor.backward = _tensor_backward
Tensor.register_hook = _register_hook
Tensor.register_post_accumulate_grad_hook = _register_post_accumulate_grad_hook
Tensor.retain_grad = _retain_grad
Tensor.retains_grad = property(_retains_grad)
Tensor.output_nr = property(lambda self: self._ag if self.grad_fn is not None else 0)
