"""torch.utils.checkpoint: trade compute for memory by recomputing a segment in backward.

The forward runs without recording a graph (its activations are not kept); the backward
re-runs it with grad enabled from the saved inputs, under the same random-number state so
dropout masks match, and backpropagates through the recomputed graph.
"""
from __future__ import annotations

import warnings

from .. import _ops
from .._autograd.grad_mode import enable_grad, no_grad
from .._tensor import Tensor
from ..autograd import Function
from .._autograd.tensor_api import backward as _backward

__all__ = ["checkpoint", "checkpoint_sequential"]

_random = _ops.random


class _Checkpoint(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.preserve = preserve_rng_state
        if preserve_rng_state:
            ctx.rng_state = _random.get_rng_state()
        # per argument: ("tensor", index into the saved tensors) or ("value", the argument)
        tensors, ctx.layout = [], []
        for a in args:
            if isinstance(a, Tensor):
                ctx.layout.append(("tensor", len(tensors)))
                tensors.append(a)
            else:
                ctx.layout.append(("value", a))
        ctx.save_for_backward(*tensors)
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        saved = ctx.saved_tensors
        inputs = []
        for kind, item in ctx.layout:
            if kind == "tensor":
                d = saved[item].detach()
                d.requires_grad_(saved[item].requires_grad)
                inputs.append(d)
            else:
                inputs.append(item)
        if ctx.preserve:
            outer = _random.get_rng_state()
            _random.set_rng_state(ctx.rng_state)
        try:
            with enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            if ctx.preserve:
                _random.set_rng_state(outer)
        outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
        pairs = [(o, g) for o, g in zip(outputs, grads)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is "
                               "not necessary")
        _backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(i.grad if isinstance(i, Tensor) else None
                                    for i in inputs)


def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check=None,
               debug=None, preserve_rng_state=True, **kwargs):
    """Run ``function(*args)`` without keeping its activations; recompute them in backward."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed "
                      "explicitly. In version 2.9 we will raise an exception if "
                      "use_reentrant is not passed. use_reentrant=False is recommended, but if "
                      "you need to preserve the current default behavior, you can pass "
                      "use_reentrant=True. Refer to docs for more details on the differences "
                      "between the two variants.", UserWarning, stacklevel=2)
    if kwargs:
        fn = function

        def function(*a):  # noqa: F811  (bind keyword arguments)
            return fn(*a, **kwargs)
    return _Checkpoint.apply(function, preserve_rng_state, *args)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Checkpoint a Sequential (or list of modules) in ``segments`` chunks."""
    fns = list(functions.children()) if hasattr(functions, "children") else list(functions)
    size = max(len(fns) // segments, 1)

    def run(start, end):
        def forward(x):
            for f in fns[start:end]:
                x = f(x)
            return x
        return forward

    end = 0
    for start in range(0, len(fns) - size, size):
        end = start + size
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, **kwargs)
    return run(end, len(fns))(input)
