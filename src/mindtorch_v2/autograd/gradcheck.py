"""gradcheck / gradgradcheck: analytical gradients against central finite differences.

Both Jacobians are built in the real representation: a complex number counts as two real
coordinates (re, im).  With torch's convention (conjugate Wirtinger) the gradient that
backward returns for a real loss L is dL/d(re) + i dL/d(im), and a grad_output v stands for
L = sum(re(v) re(y) + im(v) im(y)); so the analytical row for output coordinate k is the
backward of the unit v (1 or 1j) at k, split into its re/im parts per input coordinate.
"""
from __future__ import annotations

import itertools
import warnings

from .._autograd.grad_mode import enable_grad, no_grad
from .._tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck / gradgradcheck when raise_exception=True."""


def _as_tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _is_diff(t):
    return isinstance(t, Tensor) and (t.dtype.is_floating_point or t.dtype.is_complex)


def _flat(t):
    """Values of ``t`` as a list of real numbers (complex -> re, im pairs)."""
    vals = t.detach().reshape(-1).tolist()
    if t.dtype.is_complex:
        return [p for v in vals for p in (v.real, v.imag)]
    return [float(v) for v in vals]


def _coords(t):
    """(multi-index, part) of every real coordinate of ``t``; part is 1 or 1j."""
    parts = (1, 1j) if t.dtype.is_complex else (1,)
    for idx in itertools.product(*[range(s) for s in t.shape]):
        for p in parts:
            yield idx, p


def _outputs(func, inputs):
    out = func(*inputs)
    return _as_tuple(out) if isinstance(out, (Tensor, tuple, list)) else (out,)


def _numerical(func, inputs, i, eps):
    """Columns d(out coords)/d(coord) for every real coordinate of input ``i``."""
    x = inputs[i]
    cols = []
    d = x.detach()  # writes through it change the input in place, outside the graph
    for idx, part in _coords(x):
        orig = d[idx].item()
        d[idx] = orig + eps * part
        plus = [_flat(o) for o in _outputs(func, inputs) if _is_diff(o)]
        d[idx] = orig - eps * part
        minus = [_flat(o) for o in _outputs(func, inputs) if _is_diff(o)]
        d[idx] = orig
        cols.append([[(a - b) / (2 * eps) for a, b in zip(p, m)]
                     for p, m in zip(plus, minus)])
    return cols  # cols[coord][output][out coord]


def _analytical(outputs, inputs, diff_idx, j):
    """Rows, one per real coordinate of output ``j``: gradients w.r.t. every input coord."""
    from .._ops.creation import zeros_like
    from .._autograd.tensor_api import grad
    o = outputs[j]
    rows = []
    for idx, part in _coords(o):
        v = zeros_like(o)
        v[idx] = part
        gs = grad((o,), [inputs[k] for k in diff_idx], (v,), retain_graph=True,
                  allow_unused=True)
        row = {}
        for k, g in zip(diff_idx, gs):
            x = inputs[k]
            if g is None:
                row[k] = [0.0] * (x.numel() * (2 if x.dtype.is_complex else 1))
                continue
            if tuple(g.shape) != tuple(x.shape):
                raise GradcheckError("Analytical gradient has incorrect size")
            if g.dtype.is_complex and not x.dtype.is_complex:
                raise GradcheckError("Gradient of a real input is complex")
            row[k] = _flat(g.to(x.dtype) if g.dtype != x.dtype else g)
        rows.append(row)
    return rows


def _matrix_str(rows):
    from .._ops.creation import tensor
    return repr(tensor(rows) if rows and rows[0] else tensor(rows))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """Check the gradients of ``func`` at ``inputs`` against central differences.

    Returns True, or raises GradcheckError (False with raise_exception=False) on a mismatch.
    Use float64 / complex128 inputs that require grad.
    """
    inputs = _as_tuple(inputs)
    diff_idx = [k for k, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of the them have requires_grad=True.")
    for k in diff_idx:
        if inputs[k].dtype.name not in ("float64", "complex128"):
            warnings.warn(f"Input #{k} requires gradient and is not a double precision floating "
                          "point or complex. This check will likely fail if all the inputs are "
                          "not of double precision floating point or complex. ")
    try:
        _check(func, inputs, diff_idx, eps, atol, rtol, nondet_tol, check_grad_dtypes)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _check(func, inputs, diff_idx, eps, atol, rtol, nondet_tol, check_grad_dtypes):
    numerical = {k: _numerical(func, inputs, k, eps) for k in diff_idx}
    with enable_grad():
        outputs = _outputs(func, inputs)
    diff_out = [j for j, o in enumerate(outputs) if _is_diff(o)]
    for n_out, j in enumerate(diff_out):
        o = outputs[j]
        if not o.requires_grad:
            for k in diff_idx:
                if any(abs(v) > nondet_tol + atol for col in numerical[k] for v in col[n_out]):
                    raise GradcheckError("Numerical gradient for function expected to be zero")
            continue
        rows = _analytical(outputs, inputs, diff_idx, j)
        if check_grad_dtypes:
            _check_dtypes(o, inputs, diff_idx)
        for k in diff_idx:
            num = [[col[n_out][r] for col in numerical[k]] for r in range(len(rows))]
            ana = [row[k] for row in rows]
            ok = all(abs(a - n) <= atol + rtol * abs(n)
                     for ra, rn in zip(ana, num) for a, n in zip(ra, rn))
            if not ok:
                raise GradcheckError(
                    f"Jacobian mismatch for output {n_out} with respect to input {k},\n"
                    f"numerical:{_matrix_str(_transpose(num))}\n"
                    f"analytical:{_matrix_str(_transpose(ana))}\n")
        # reentrancy: a second backward must give the same gradients
        again = _analytical(outputs, inputs, diff_idx, j)
        for r1, r2 in zip(rows, again):
            for k in diff_idx:
                if any(abs(a - b) > nondet_tol for a, b in zip(r1[k], r2[k])):
                    raise GradcheckError(
                        "Backward is not reentrant, i.e., running backward with same input and "
                        "grad_output multiple times gives different values, although analytical "
                        "gradient matches numerical gradient.The tolerance for nondeterminism "
                        f"was {nondet_tol}.")
            break  # one row is enough to catch a non-deterministic backward


def _check_dtypes(o, inputs, diff_idx):
    from .._autograd.tensor_api import grad
    from .._ops.creation import ones_like
    gs = grad((o,), [inputs[k] for k in diff_idx], (ones_like(o),), retain_graph=True,
              allow_unused=True)
    for k, g in zip(diff_idx, gs):
        if g is not None and g.dtype != inputs[k].dtype:
            raise GradcheckError("Gradient has dtype mismatch")


def _transpose(rows):
    # torch prints Jacobians as (input coords) x (output coords)
    return [list(c) for c in zip(*rows)] if rows else rows


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False, check_rev_over_rev=True,
                  fast_mode=False, masked=False):
    """Check second-order gradients: gradcheck of the map (inputs, v) -> vjp(func)(v)."""
    from .._ops.random import randn_like
    from .._autograd.tensor_api import grad
    inputs = _as_tuple(inputs)
    diff_idx = [k for k, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if grad_outputs is None:
        with no_grad():
            outs = [o for o in _outputs(func, inputs) if _is_diff(o)]
        grad_outputs = tuple(randn_like(o).requires_grad_() for o in outs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def new_func(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = [o for o in _outputs(func, ins) if _is_diff(o) and o.requires_grad]
        diff_in = [ins[k] for k in diff_idx]
        gs = grad(outs, diff_in, gos[:len(outs)], create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(new_func, inputs + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_grad_dtypes=check_grad_dtypes)
