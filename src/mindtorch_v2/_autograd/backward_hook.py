"""Module full backward hooks (``register_full_backward_hook`` / ``..._pre_hook``).

The module's tensor inputs and outputs are passed through identity nodes: the output
node sees the gradients w.r.t. all outputs at once (pre-hooks run there and may replace
them), the input node sees the gradients w.r.t. all inputs (hooks run there with both).
"""
from __future__ import annotations

from .._tensor import Tensor
from .node import Node, edge_of

__all__ = ["BackwardHook"]


class _Identity(Node):
    __slots__ = ("callback", "in_meta", "n")

    def __init__(self, tensors, callback):
        super().__init__(tuple(edge_of(t) for t in tensors))
        self.in_meta = tuple((t._shape, t.dtype, t.device) for t in tensors)
        self.callback = callback
        self.n = len(tensors)

    def name(self):
        return "BackwardHookFunctionBackward"

    def apply(self, grads):
        grads = list(grads) + [None] * (self.n - len(grads))
        return list(self.callback(tuple(grads[:self.n])))


def _wrap(values, callback):
    """Replace the grad-requiring tensors in ``values`` by aliases behind one identity node."""
    single = isinstance(values, Tensor)
    seq = (values,) if single else values
    if not isinstance(seq, (tuple, list)):
        return values, 0
    idx = [i for i, v in enumerate(seq) if isinstance(v, Tensor) and v._requires_grad]
    if not idx:
        return values, 0
    node = _Identity([seq[i] for i in idx], callback)
    out = list(seq)
    for k, i in enumerate(idx):
        alias = seq[i].detach()
        alias.grad_fn = node
        alias._ag = k
        alias._requires_grad = True
        out[i] = alias
    if single:
        return out[0], len(idx)
    return (type(values)(out) if isinstance(values, tuple) and not hasattr(values, "_fields")
            else (type(values)(*out) if hasattr(values, "_fields") else out)), len(idx)


class BackwardHook:
    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0

    def _check(self, new, old, what):
        if new is None:
            return old
        new = tuple(new)
        if len(new) != len(old):
            raise RuntimeError(f"Backward hook returned an invalid number of grad_{what} (got "
                               f"{len(new)}, but expected {len(old)})")
        return new

    def setup_input_hook(self, args):
        def on_inputs(grad_inputs):
            for hook in self.user_hooks:
                res = hook(self.module, grad_inputs, self.grad_outputs)
                grad_inputs = self._check(res, grad_inputs, "input")
            return grad_inputs
        wrapped, self.n_inputs = _wrap(args, on_inputs)
        return wrapped

    def setup_output_hook(self, result):
        def on_outputs(grad_outputs):
            for hook in self.user_pre_hooks:
                res = hook(self.module, grad_outputs)
                grad_outputs = self._check(res, grad_outputs, "output")
            self.grad_outputs = grad_outputs
            if self.n_inputs == 0:  # no input needs grad: hooks still run, grad_input None
                for hook in self.user_hooks:
                    hook(self.module, (None,), grad_outputs)
            return grad_outputs
        wrapped, _ = _wrap(result, on_outputs)
        return wrapped
