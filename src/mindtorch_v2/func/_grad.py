"""Autograd transforms of torch.func: grad, grad_and_value, vjp, jvp, linearize.

Each transform marks its inputs differentiable, runs the function under enable_grad and
asks the autograd engine for gradients with create_graph=True, so transforms nest
(grad(grad(f)), jacrev(jacrev(f)), vmap(grad(f))) and stay differentiable for an outer
torch.autograd graph. Results that depend only on this transform's own inputs are detached
at the end, like torch.func returning plain tensors at the outermost level.

jvp uses the double-vjp trick: g(u) = J^T u is linear in the cotangent u, so the vjp of g
against the tangent v is J v.
"""
from __future__ import annotations

import functools

from .._tensor import Tensor
from ._pytree import tree_flatten, tree_map, tree_unflatten


# ---------------------------------------------------------------------------- helpers
def _autograd():
    from .. import autograd
    return autograd


def _make_differentiable(x):
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    if x.requires_grad:
        # a fresh node aliasing x: gradients w.r.t. it are this level's, and the result
        # stays connected to the enclosing level through x
        return x.view_as(x)
    return x.detach().requires_grad_()


def _depends_on_outside(t, own):
    """True when t's graph reaches a tensor requiring grad that this transform did not
    create (an outer transform's input, a module parameter...)."""
    if not isinstance(t, Tensor) or not t.requires_grad:
        return False
    if t.grad_fn is None:
        return id(t) not in own
    seen, todo = set(), [t.grad_fn]
    while todo:
        node = todo.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        var = getattr(node, "variable", None)
        if var is not None:
            if id(var) not in own:
                return True
            continue
        todo.extend(n for n, _ in getattr(node, "next_functions", ()))
    return False


def _finish(tree, own_list):
    """Detach the results that are only connected to this level's inputs."""
    own = {id(o): o for o in own_list}
    return tree_map(lambda t: t if not isinstance(t, Tensor) or _depends_on_outside(t, own)
                    else t.detach(), tree)


def _grads(outputs, inputs, grad_outputs):
    """autograd.grad tolerant of outputs/inputs outside the graph: missing gradients are
    zeros."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if pairs:
        res = _autograd().grad([o for o, _ in pairs], inputs, [g for _, g in pairs],
                               retain_graph=True, create_graph=True, allow_unused=True)
    else:
        res = [None] * len(inputs)
    return [x.new_zeros(x.shape) if r is None else r for r, x in zip(res, inputs)]


def _wrap_argnum(argnum, num_args):
    if not isinstance(argnum, int):
        raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
    if 0 <= argnum < num_args:
        return argnum
    if -num_args <= argnum < 0:
        return argnum + num_args
    raise RuntimeError(f"Got argnum={argnum}, but only {num_args} positional inputs")


def _normalize_argnums(argnums, num_args):
    if isinstance(argnums, int):
        return _wrap_argnum(argnums, num_args)
    if isinstance(argnums, tuple):
        if len(argnums) == 0:
            raise RuntimeError("argnums must be non-empty")
        wrapped = tuple(_wrap_argnum(a, num_args) for a in argnums)
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
        return wrapped
    raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")


def _select(args, argnums):
    """The differentiated part of args: one arg for an int argnums, a tuple otherwise."""
    if isinstance(argnums, int):
        return args[argnums]
    return tuple(args[i] for i in argnums)


def _replace(args, argnums, new):
    args = list(args)
    if isinstance(argnums, int):
        args[argnums] = new
    else:
        for i, v in zip(argnums, new):
            args[i] = v
    return tuple(args)


def _prepare(args, argnums):
    """Differentiable copies of args[argnums]: (new args, flat leaves, spec)."""
    argnums = _normalize_argnums(argnums, len(args))
    flat, spec = tree_flatten(_select(args, argnums))
    leaves = [_make_differentiable(x) for x in flat]
    return _replace(args, argnums, tree_unflatten(leaves, spec)), leaves, spec


def _split_aux(output, api):
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) "
                           "if has_aux is True")
    return output


# ---------------------------------------------------------------------------- grad
def grad_and_value(func, argnums=0, has_aux=False):
    """Like :func:`grad` but returns ``(gradients, value)`` (``((grads, (value, aux)))``
    with ``has_aux``)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .. import enable_grad
        with enable_grad():
            new_args, leaves, spec = _prepare(args, argnums)
            output = func(*new_args, **kwargs)
            aux = None
            if has_aux:
                output, aux = _split_aux(output, "grad_and_value(f)(*args)")
            if not isinstance(output, Tensor):
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"Tensor, got {type(output)}")
            if output.dim() != 0:
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                    f"got tensor with {output.dim()} dims. Maybe you wanted to use the vjp "
                    "or jacrev APIs instead?")
            grads = _grads([output], leaves, [output.new_ones(())])
        grads = _finish(tree_unflatten(grads, spec), leaves)
        output = _finish(output, leaves)
        if has_aux:
            return grads, (output, _finish(aux, leaves))
        return grads, output

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """Function computing the gradient of scalar-valued ``func`` w.r.t. ``args[argnums]``
    (a pytree of gradients shaped like those args). With ``has_aux`` ``func`` returns
    ``(output, aux)`` and the transform returns ``(grads, aux)``."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


# ---------------------------------------------------------------------------- vjp
def vjp(func, *primals, has_aux=False):
    """Run ``func(*primals)`` and return ``(output, vjp_fn)`` (plus ``aux`` with
    ``has_aux``); ``vjp_fn(cotangents)`` gives the vector-Jacobian products as a tuple
    matching ``primals``."""
    from .. import enable_grad
    with enable_grad():
        flat, spec = tree_flatten(primals)
        leaves = [_make_differentiable(x) for x in flat]
        output = func(*tree_unflatten(leaves, spec))
        aux = None
        if has_aux:
            output, aux = _split_aux(output, "vjp(f, *primals)")
        flat_out, out_spec = tree_flatten(output)
        for o in flat_out:
            if not isinstance(o, Tensor):
                raise RuntimeError("vjp(f, ...): All outputs of f must be floating-point or "
                                   f"complex Tensors, got {type(o)}")
            if not (o.dtype.is_floating_point or o.dtype.is_complex):
                raise RuntimeError("vjp(f, ...): All outputs of f must be floating-point or "
                                   f"complex Tensors, got Tensor with dtype {o.dtype}")

    def vjp_fn(cotangents, *, retain_graph=True, create_graph=None):
        flat_ct, ct_spec = tree_flatten(cotangents)
        if ct_spec != out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure "
                f"of outputs to the function. cotangents: {ct_spec}, primal output: "
                f"{out_spec}")
        with enable_grad():
            grads = _grads(flat_out, leaves, flat_ct)
        return _finish(tree_unflatten(grads, spec), leaves)

    result = _finish(output, leaves)
    if has_aux:
        return result, vjp_fn, _finish(aux, leaves)
    return result, vjp_fn


# ---------------------------------------------------------------------------- jvp
def _check_tangents(flat_primals, flat_tangents, api):
    for name, elts in (("primals", flat_primals), ("tangents", flat_tangents)):
        if len(elts) == 0:
            raise RuntimeError(f"{api}: Expected {name} to contain at least one Tensor.")
        for e in elts:
            if not isinstance(e, Tensor):
                raise RuntimeError(f"{api}: Expected {name} to only contain Tensors, got "
                                   f"{type(e)}")
    for p, t in zip(flat_primals, flat_tangents):
        if p.shape != t.shape:
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of the "
                f"original Tensor, this is not supported. Tensor is of size {list(p.shape)} "
                f"while the given forward gradient is of size {list(t.shape)}.")


def _jvp_flat(func, primals, tangents, has_aux, strict, api):
    """(flat primal outputs, flat tangent outputs, out spec, aux, own tensors)."""
    from .. import enable_grad
    flat_p, p_spec = tree_flatten(primals)
    flat_t, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(
            f"{api}: Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
            f"with structure {p_spec} and tangents with structure {t_spec}")
    _check_tangents(flat_p, flat_t, api)
    with enable_grad():
        leaves = [_make_differentiable(x) for x in flat_p]
        output = func(*tree_unflatten(leaves, p_spec))
        aux = None
        if has_aux:
            output, aux = _split_aux(output, api)
        flat_out, out_spec = tree_flatten(output)
        if len(flat_out) == 0:
            raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output "
                               f"(got output = {output})")
        for o in flat_out:
            if not isinstance(o, Tensor):
                raise RuntimeError(f"{api}: expected f(*args) to return only tensors, got "
                                   f"unsupported type {type(o)}")
        # dummy cotangents u: g = J^T u is linear in u, and d<g, v>/du = J v
        us = [o.new_zeros(o.shape).requires_grad_() for o in flat_out]
        gs = _grads(flat_out, leaves, us)
        pairs = [(g, t) for g, t in zip(gs, flat_t) if g.requires_grad]
        if pairs:
            tans = _autograd().grad([g for g, _ in pairs], us, [t for _, t in pairs],
                                    retain_graph=True, create_graph=True, allow_unused=True)
        else:
            tans = [None] * len(us)
        if strict and any(t is None for t in tans):
            raise RuntimeError("jvp(f, primals, tangents, strict=True): The output of f is "
                               "independent of the inputs. This is not allowed with "
                               "strict=True.")
        tans = [o.new_zeros(o.shape) if t is None else t for t, o in zip(tans, flat_out)]
    own = leaves + us
    return (_finish(flat_out, own), _finish(tans, own), out_spec,
            _finish(aux, own) if has_aux else None)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(func(*primals), J @ tangents)``: the Jacobian-vector product of ``func`` at
    ``primals`` (both tuples of tensors/pytrees of the same structure)."""
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{api}: Expected primals to be a tuple. E.g. it should be valid "
                           "to call f(*primals).")
    out, tans, spec, aux = _jvp_flat(func, primals, tangents, has_aux, strict, api)
    result = (tree_unflatten(out, spec), tree_unflatten(tans, spec))
    return result + (aux,) if has_aux else result


def linearize(func, *primals):
    """``(func(*primals), jvp_fn)`` where ``jvp_fn(*tangents)`` is the JVP at ``primals``."""
    output = func(*primals)
    flat_p, p_spec = tree_flatten(primals)
    shapes = [p.shape for p in flat_p]
    devices = [p.device for p in flat_p]
    dtypes = [p.dtype for p in flat_p]

    def jvp_fn(*tangents):
        flat_t, t_spec = tree_flatten(tangents)
        if t_spec != p_spec:
            raise RuntimeError(f"Expected the tangents {t_spec} to have the same argspec as "
                               f"the primals {p_spec}")
        for idx, t in enumerate(flat_t):
            for what, got, want in (("shape", t.shape, shapes[idx]),
                                    ("device", t.device, devices[idx]),
                                    ("dtype", t.dtype, dtypes[idx])):
                if got != want:
                    raise RuntimeError(
                        f"tangent:{idx} with {what} {got} in flattened pytree doesn't match "
                        f"the {what} {want} of the corresponding primal.")
        return jvp(func, primals, tangents)[1]

    return tree_map(lambda t: t.detach() if isinstance(t, Tensor) else t, output), jvp_fn
