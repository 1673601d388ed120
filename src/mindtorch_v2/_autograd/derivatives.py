"""Backward formulas: one per op, written with mindtorch ops (so they run on every device
and can themselves be differentiated for create_graph=True).

A formula is ``fn(grad, *args, **kwargs) -> grads`` where ``args``/``kwargs`` are exactly
what the op's kernel received (tensors and Python values) and ``grads`` has one entry per
positional argument (None where there is no gradient; a list for a list-of-tensors
argument; trailing entries may be omitted).  A formula that names a keyword-only parameter
``result`` receives the forward output(s); one naming ``meta`` receives the
(shape, dtype, device, stride, storage_offset) of each tensor input in order (list arguments
flattened), so shape-only formulas (views, cat, ...) save nothing and are immune to later
in-place changes; one naming ``needs`` receives, per positional argument, whether it needs
a gradient (expensive formulas skip the others, like torch's grad_input_mask).  For multi-output ops ``grad`` is a tuple with
zeros in place of outputs that received no gradient.

What the node saves follows from the formula: only the arguments its code actually reads
(found once, from its bytecode) are kept alive; the engine still knows every input's
shape/dtype to reduce broadcast gradients (Note [grad reduction] in engine.py).

Keywords instead of formulas: ``NONDIFF`` (outputs never require grad) and
``not_implemented(name)`` (backward raises torch's "derivative ... not implemented").
"""
from __future__ import annotations

import dis

from .._ops.registry import OPS

__all__ = ["defgrad", "Formula", "NONDIFF", "not_implemented"]

NONDIFF = "nondiff"


class Formula:
    __slots__ = ("fn", "uses", "wants_result", "wants_meta", "wants_needs", "name", "multi",
                 "result_outputs")

    def __init__(self, fn, name, multi=False, result_outputs=None):
        self.fn = fn
        self.name = name
        self.multi = multi
        # multi-output ops: the outputs ``result`` holds (None: all).  Not saving an unread
        # output lets it be modified in place (batch_norm -> ReLU(inplace=True)) as in torch.
        self.result_outputs = None if result_outputs is None else frozenset(result_outputs)
        code = fn.__code__
        nparams = code.co_argcount + code.co_kwonlyargcount
        params = code.co_varnames[:nparams]
        self.wants_result = "result" in params[code.co_argcount:]
        # ``meta``: shapes and strides of the tensor inputs, without saving the tensors
        self.wants_meta = "meta" in params[code.co_argcount:]
        # ``needs``: which positional arguments need a gradient (skip the others' work)
        self.wants_needs = "needs" in params[code.co_argcount:]
        used = _loaded_names(fn)
        # positions (after grad) of parameters the formula reads: only those are saved
        self.uses = frozenset(i for i, p in enumerate(params[1:code.co_argcount])
                              if p in used)


def _loaded_names(fn):
    names = set()
    for ins in dis.get_instructions(fn):
        if ins.opname.startswith("LOAD_FAST") or ins.opname in ("LOAD_DEREF",
                                                                 "LOAD_CLOSURE"):
            v = ins.argval
            if isinstance(v, tuple):
                names.update(v)
            else:
                names.add(v)
    # nested functions/lambdas reading parameters through closures
    for const in fn.__code__.co_consts:
        if hasattr(const, "co_code"):
            names.update(const.co_freevars)
    return names


def defgrad(name, fn=None, *, multi=False, result_outputs=None):
    """Attach a backward formula to op ``name`` (decorator or call); ``result_outputs``: the
    indices of a multi-output op's outputs its ``result`` needs (others are passed as None)."""
    def attach(f):
        op = OPS[name]
        if f == NONDIFF:
            op.nondiff = True
            op.backward = None
        else:
            op.backward = Formula(f, name, multi, result_outputs)
        return f
    if fn is not None:
        return attach(fn)
    return attach


def not_implemented(opname):
    def fn(grad, *args, **kwargs):
        raise NotImplementedError(f"the derivative for '{opname}' is not implemented.")
    return fn
