"""torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp, hvp (reverse mode only).

jvp and hvp use the double-backward trick: for a dummy cotangent u, grad(out, x, u) is
linear in u, and the gradient of <grad(out, x, u), v> w.r.t. u is J v.
"""
from __future__ import annotations

from .._autograd.grad_mode import enable_grad
from .._autograd.tensor_api import grad as _grad
from .._tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


def _as_tuple(x, arg_name, fn_name):
    single = isinstance(x, Tensor)
    if single:
        x = (x,)
    elif not isinstance(x, (tuple, list)):
        raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple "
                        f"of Tensors but the given {arg_name} has type {type(x)}.")
    for i, t in enumerate(x):
        if not isinstance(t, Tensor):
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but the element {i} of {arg_name} has type "
                            f"{type(t)}.")
    return not single, tuple(x)


def _prep(inputs, create_graph):
    # with create_graph the input itself keeps the caller's graph; otherwise a fresh leaf
    return tuple(t if create_graph and t.requires_grad
                 else t.detach().requires_grad_(True) for t in inputs)


def _post(xs, create_graph, is_tuple):
    xs = tuple(x if x is None or create_graph else x.detach() for x in xs)
    return xs if is_tuple else xs[0]


def _fill_none(grads, refs, strict, create_graph, what):
    from .._ops.creation import zeros_like
    out = []
    for i, (g, r) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The {what} of the user-provided function is independent of "
                                   f"input {i}. This is not allowed in strict mode.")
            g = zeros_like(r)
        elif strict and create_graph and not g.requires_grad:
            raise RuntimeError("The jacobian of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        out.append(g)
    return tuple(out)


def _call(func, inputs):
    with enable_grad():
        out = func(*inputs)
    is_tuple, out = _as_tuple(out, "outputs of the user-provided function", func.__name__
                              if hasattr(func, "__name__") else "func")
    return is_tuple, out


def _check_v(v, outputs, fn_name, what="output"):
    if v is None:
        if len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if the user-provided function "
                               f"returns a single Tensor with a single element.")
        from .._ops.creation import ones_like
        return (ones_like(outputs[0]),)
    _, v = _as_tuple(v, "v", fn_name)
    if len(v) != len(outputs):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(outputs)} but got "
                           f"{len(v)}.")
    for i, (a, b) in enumerate(zip(v, outputs)):
        if a.shape != b.shape:
            raise RuntimeError(f"Entry {i} in v has invalid size: should be {b.shape} but got "
                               f"{a.shape}.")
    return v


def _grads(outputs, inputs, grad_outputs, create_graph):
    outs = [o for o in outputs if o.requires_grad]
    gos = [g for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not outs:
        return (None,) * len(inputs)
    return _grad(outs, inputs, gos, create_graph=create_graph, retain_graph=True,
                 allow_unused=True)


def _pair_grad(pairs, wrt, create_graph):
    """The gradient w.r.t. ``wrt`` of each pair's first item weighted by its second (None
    for every one of ``wrt`` when there are no pairs)."""
    if not pairs:
        return (None,) * len(wrt)
    return _grad([p[0] for p in pairs], wrt, [p[1] for p in pairs], create_graph=create_graph,
                 retain_graph=True, allow_unused=True)


def _scalar_grad(func, inputs, v, create_graph, strict, fn_name, takes_v=True):
    """The start of hessian, vhp and hvp: the checked inputs (and ``v`` when ``takes_v``),
    func's single-element output and its gradient g, with a graph, zeros where unused.
    Returns (in_tuple, inputs, v, outputs, g)."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _prep(inputs, create_graph)
    if takes_v:
        v = _check_v_inputs(v, inputs, fn_name)
    _, outputs = _call(func, inputs)
    _check_scalar(outputs, fn_name)
    with enable_grad():
        g = _grads(outputs, inputs, (None,), True)
        g = _fill_none(g, inputs, strict, True, "output")
    return in_tuple, inputs, v, outputs, g


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product at ``inputs``."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    inputs = _prep(inputs, create_graph)
    out_tuple, outputs = _call(func, inputs)
    v = _check_v(v, outputs, "vjp")
    with enable_grad():
        g = _grads(outputs, inputs, v, create_graph)
    g = _fill_none(g, inputs, strict, create_graph, "output")
    return _post(outputs, create_graph, out_tuple), _post(g, create_graph, in_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the Jacobian-vector product, through double backward."""
    from .._ops.creation import zeros_like
    in_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    inputs = _prep(inputs, create_graph)
    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        from .._ops.creation import ones_like
        v = (ones_like(inputs[0]),)
    else:
        _, v = _as_tuple(v, "v", "jvp")
    out_tuple, outputs = _call(func, inputs)
    with enable_grad():
        us = tuple(zeros_like(o).requires_grad_(True) for o in outputs)
        g = _grads(outputs, inputs, us, True)
        pairs = [(gi, vi) for gi, vi in zip(g, v) if gi is not None and gi.requires_grad]
        res = _pair_grad(pairs, us, create_graph)
    res = _fill_none(res, outputs, strict, create_graph, "output")
    return _post(outputs, create_graph, out_tuple), _post(res, create_graph, out_tuple)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: out.shape + in.shape per (output, input)."""
    if strategy != "reverse-mode":
        raise NotImplementedError("only strategy='reverse-mode' is supported")
    in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    inputs = _prep(inputs, create_graph)
    out_tuple, outputs = _call(func, inputs)
    jac = _jac(outputs, inputs, create_graph, strict, "Output {i} of the user-provided "
               "function is independent of input {j}.")
    jac = tuple(tuple(r) if in_tuple else r[0] for r in jac)
    return jac if out_tuple else jac[0]


def _jac(outputs, inputs, create_graph, strict, independent_msg):
    """J[i][j] of every output i w.r.t. every input j, one backward per output element."""
    from .._autograd.grad_mode import no_grad
    from .._ops.creation import zeros, zeros_like
    from .._ops.shape import stack
    jac = []
    for i, o in enumerate(outputs):
        rows = [[] for _ in inputs]
        for k in range(o.numel()):
            # a one-hot cotangent selects row k without differentiating through indexing
            v = zeros_like(o)
            v.view(-1)[k] = 1
            with enable_grad():
                g = _grad(o, inputs, v, retain_graph=True, create_graph=create_graph,
                          allow_unused=True) if o.requires_grad else (None,) * len(inputs)
            for j, (gj, x) in enumerate(zip(g, inputs)):
                if gj is None:
                    if strict:
                        raise RuntimeError(independent_msg.format(i=i, j=j) + " This is not "
                                           "allowed in strict mode.")
                    gj = zeros_like(x)
                rows[j].append(gj)
        per_in = []
        for j, x in enumerate(inputs):
            shape = tuple(o.shape) + tuple(x.shape)
            if not rows[j]:
                per_in.append(zeros(shape, dtype=x.dtype, device=x.device))
                continue
            if create_graph:  # differentiable assembly
                per_in.append(stack(rows[j]).reshape(shape))
            else:
                with no_grad():
                    per_in.append(stack([r.detach() for r in rows[j]]).reshape(shape))
        jac.append(per_in)
    return jac


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar ``func``: the Jacobian of its gradient (H[i][j] per pair)."""
    in_tuple, inputs, _, _, g = _scalar_grad(func, inputs, None, create_graph, strict,
                                             "hessian", takes_v=False)
    jac = _jac(g, inputs, create_graph, strict, "The hessian of the user-provided function "
               "with respect to input {i} is independent of input {j}.")
    if not in_tuple:
        return jac[0][0]
    return tuple(tuple(r) for r in jac)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) for a scalar ``func``."""
    in_tuple, inputs, v, outputs, g = _scalar_grad(func, inputs, v, create_graph, strict, "vhp")
    with enable_grad():
        pairs = [(gi, vi) for gi, vi in zip(g, v) if gi.requires_grad]
        res = _pair_grad(pairs, inputs, create_graph)
    res = _fill_none(res, inputs, strict, create_graph, "jacobian")
    return _post(outputs, create_graph, False), _post(res, create_graph, in_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v) for a scalar ``func`` (double-backward trick)."""
    from .._ops.creation import zeros_like
    in_tuple, inputs, v, outputs, g = _scalar_grad(func, inputs, v, create_graph, strict, "hvp")
    with enable_grad():
        us = tuple(zeros_like(x).requires_grad_(True) for x in inputs)
        pairs = [(gi, ui) for gi, ui in zip(g, us) if gi.requires_grad]
        if pairs:
            dd = _pair_grad(pairs, inputs, True)
            res = _pair_grad([(d, vi) for d, vi in zip(dd, v)
                              if d is not None and d.requires_grad], us, create_graph)
        else:
            res = (None,) * len(inputs)
    res = _fill_none(res, inputs, strict, create_graph, "jacobian")
    return _post(outputs, create_graph, False), _post(res, create_graph, in_tuple)


def _check_scalar(outputs, fn_name):
    if len(outputs) != 1 or outputs[0].numel() != 1:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor with "
                           "a single element.")


def _check_v_inputs(v, inputs, fn_name):
    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        from .._ops.creation import ones_like
        return (ones_like(inputs[0]),)
    _, v = _as_tuple(v, "v", fn_name)
    if len(v) != len(inputs):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(inputs)} but got "
                           f"{len(v)}.")
    return v
