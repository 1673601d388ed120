"""torch.func.jacrev / jacfwd / hessian.

Both Jacobians are built row by row from reverse-mode vjps against the standard basis of
each output (jacfwd therefore has jacrev's cost profile but returns identical values and
structure). Gradients are taken with create_graph=True so hessian = jacfwd(jacrev(f)) and
other compositions work.
"""
from __future__ import annotations

import functools

from .._tensor import Tensor
from ._grad import _autograd, _finish, _prepare, _split_aux
from ._pytree import tree_flatten, tree_unflatten
from ._vmap import _check_randomness_arg


def _error_if_complex(api, tree, is_input):
    for idx, t in enumerate(tree_flatten(tree)[0]):
        if isinstance(t, Tensor) and t.dtype.is_complex:
            kind = "inputs" if is_input else "outputs"
            raise RuntimeError(f"{api}: Expected all {kind} to be real but received complex "
                               f"tensor at flattened input idx: {idx}")


def _jacobian_rows(out, leaves):
    """[d out / d leaf for leaf in leaves], each shaped out.shape + leaf.shape."""
    from .. import stack
    n = out.numel()
    if n == 0 or not out.requires_grad:
        return [out.new_zeros(tuple(out.shape) + tuple(x.shape)) for x in leaves]
    flat = out.reshape(-1)
    rows = [[] for _ in leaves]
    for k in range(n):
        basis = flat.new_zeros((n,))
        basis[k] = 1
        gs = _autograd().grad([flat], leaves, [basis], retain_graph=True, create_graph=True,
                              allow_unused=True)
        for r, g, x in zip(rows, gs, leaves):
            r.append(x.new_zeros(x.shape) if g is None else g)
    return [stack(r).reshape(tuple(out.shape) + tuple(x.shape))
            for r, x in zip(rows, leaves)]


def _jacobian(func, argnums, has_aux, api):
    @functools.wraps(func)
    def wrapper(*args):
        from .. import enable_grad
        _error_if_complex(api, args, True)
        with enable_grad():
            new_args, leaves, spec = _prepare(args, argnums)
            output = func(*new_args)
            aux = None
            if has_aux:
                output, aux = _split_aux(output, f"{api}(f, ...)(*args)")
            flat_out, out_spec = tree_flatten(output)
            for o in flat_out:
                if not isinstance(o, Tensor):
                    raise RuntimeError(f"{api}(f, ...)(*args): expected f(*primals) to return "
                                       f"only tensors, got unsupported type {type(o)}")
            _error_if_complex(api, flat_out, False)
            jac = [tree_unflatten(_jacobian_rows(o, leaves), spec) for o in flat_out]
        jac = _finish(tree_unflatten(jac, out_spec), leaves)
        if has_aux:
            return jac, _finish(aux, leaves)
        return jac

    return wrapper


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """Jacobian of ``func`` w.r.t. ``args[argnums]`` by reverse-mode AD. For every output,
    a pytree like ``args[argnums]`` of tensors shaped ``output.shape + input.shape``.
    ``chunk_size`` is accepted for compatibility (rows are computed one by one)."""
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(func, argnums, has_aux, "jacrev")


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """Jacobian of ``func`` w.r.t. ``args[argnums]``; same results and structure as
    :func:`jacrev` (computed here with reverse-mode vjps)."""
    _check_randomness_arg(randomness)
    return _jacobian(func, argnums, has_aux, "jacfwd")


def hessian(func, argnums=0):
    """Hessian of scalar ``func`` w.r.t. ``args[argnums]``: ``jacfwd(jacrev(func))``."""
    return jacfwd(jacrev(func, argnums), argnums)
