"""CPU kernels of the linalg family: NumPy / SciPy (LAPACK) on the tensors' NumPy views.

Checks live in the meta functions (``_ops/linalg.py``); the hot products (matmul) only run
them when NumPy refuses, so the common call is one ``np.matmul``.  float16/bfloat16 products
compute in float32 and round once.  Results are fresh arrays; decompositions are laid out
batched column-major like torch (Note [linalg strides]).
"""
from __future__ import annotations

import warnings

import numpy as np

from ..._lazy import lazy_module
from ... import _dtype as D
from ..._ops import linalg as L
from ._util import wrap

sla = lazy_module("scipy.linalg")

_HALF = (D.float16, D.bfloat16)
_F32 = np.float32
LinAlgError = L.LinAlgError


def _np(t):
    a = t._np
    return a if a is not None else t._numpy_view()


def _fm(r):
    """A fresh batched column-major copy of ``r`` (Note [linalg strides])."""
    if r.ndim < 2:
        return np.array(r, copy=True)
    out = np.empty(r.shape[:-2] + (r.shape[-1], r.shape[-2]), r.dtype)
    out[...] = np.swapaxes(r, -1, -2)
    return np.swapaxes(out, -1, -2)


def _cc(r):
    """C-contiguous (keeps 0-d results 0-d, unlike np.ascontiguousarray)."""
    return np.asarray(r, order="C")


def _lp(x, dt):
    """Compute array for a product: half types go to float32."""
    return x.astype(_F32) if dt in _HALF else x


def _fin(r, dt):
    if dt in _HALF or r.dtype != dt.np:
        return r.astype(dt.np)
    return r


# ---------------------------------------------------------------------------------------
# products
# ---------------------------------------------------------------------------------------

def matmul(a, b):
    dt = a.dtype
    if dt is not b.dtype or dt is D.bool or not a._shape or not b._shape:
        L._matmul_meta(a, b)
    x, y = _np(a), _np(b)
    try:
        if x.ndim > 2 and y.ndim == 2:
            # (..., m, k) @ (k, n) as one GEMM over all rows (like torch): NumPy would loop
            # over the batch calling a small GEMM per matrix
            lead = x.shape[:-1]
            rows = 1
            for d in lead:
                rows *= d
            x = x.reshape(rows, x.shape[-1])
            if dt in _HALF:
                r = np.matmul(x.astype(_F32), y.astype(_F32)).astype(dt.np)
            else:
                r = np.matmul(x, y)
            return wrap(r.reshape(lead + (y.shape[1],)), dt)
        if dt in _HALF:
            r = np.matmul(x.astype(_F32), y.astype(_F32)).astype(dt.np)
        else:
            r = np.matmul(x, y)
    except ValueError:
        L._matmul_meta(a, b)  # raises torch's message for the shapes NumPy refused
        raise
    return wrap(r, dt)


def _prod_kernel(meta):
    def kernel(a, b):
        spec = meta(a, b)
        dt = spec.dtype
        r = np.matmul(_lp(_np(a), dt), _lp(_np(b), dt))
        return wrap(_fin(r, dt), dt)
    return kernel


def _vec_kernel(meta, fn):
    """dot / vdot: one NumPy call on 1-d operands, 0-d result."""
    def kernel(a, b):
        dt = meta(a, b).dtype
        return wrap(_fin(np.asarray(fn(_lp(_np(a), dt), _lp(_np(b), dt))), dt), dt)
    return kernel


dot = _vec_kernel(L._dot_meta, np.dot)
vdot = _vec_kernel(L._vdot_meta, np.vdot)


def inner(a, b):
    dt = L._inner_meta(a, b).dtype
    x, y = _lp(_np(a), dt), _lp(_np(b), dt)
    if x.ndim == 0 or y.ndim == 0:
        r = np.multiply(x, y)
    else:
        r = np.inner(x, y)
    return wrap(_fin(_cc(r), dt), dt)


def outer(a, b):
    dt = L._outer_meta(a, b).dtype
    x = _np(a).astype(dt.np, copy=False)
    y = _np(b).astype(dt.np, copy=False)
    return wrap(np.multiply.outer(x, y), dt)


def _scale(r, s):
    return r if s == 1 else r * s


def _add_scaled(inp, prod, beta, alpha, dt, shape):
    """beta * inp + alpha * prod (beta == 0 ignores inp, like torch)."""
    if dt.category == D.INT:
        beta, alpha = int(beta), int(alpha)
    if dt is D.bool:
        p = prod.astype(bool) & bool(alpha)
        r = p if not beta else (np.broadcast_to(inp.astype(bool), shape) | p)
        return _cc(np.broadcast_to(r, shape))
    p = _scale(prod, alpha)
    if beta == 0:
        r = np.broadcast_to(p, shape)
    else:
        r = _scale(inp, beta) + p
    return _cc(_fin(np.asarray(r), dt) if not np.iscomplexobj(r) or
                                dt.is_complex else r.astype(dt.np))


def _add_prod_kernel(meta, batch_sum=False):
    """beta * inp + alpha * (m1 @ m2): addmm, addmv, baddbmm; addbmm (``batch_sum``) sums
    the batch of products first (an empty batch sums to zeros)."""
    def kernel(inp, m1, m2, beta=1, alpha=1):
        spec = meta(inp, m1, m2, beta, alpha)
        dt = spec.dtype
        x, y = _lp(_np(m1), dt), _lp(_np(m2), dt)
        if not batch_sum:
            p = np.matmul(x, y)
        elif m1._shape[0]:
            p = np.matmul(x, y).sum(axis=0)
        else:
            p = np.zeros(spec.shape, x.dtype)
        r = _add_scaled(_lp(_np(inp), dt), p, beta, alpha, dt, spec.shape)
        return wrap(_fin(r, dt), dt)
    return kernel


addmm = _add_prod_kernel(L._addmm_meta)
addmv = _add_prod_kernel(L._addmv_meta)
addbmm = _add_prod_kernel(L._addbmm_meta, batch_sum=True)
baddbmm = _add_prod_kernel(L._baddbmm_meta)


def addr(inp, v1, v2, beta=1, alpha=1):
    spec = L._addr_meta(inp, v1, v2, beta, alpha)
    dt = spec.dtype
    cd = _F32 if dt in _HALF else dt.np
    p = np.multiply.outer(_np(v1).astype(cd), _np(v2).astype(cd))
    r = _add_scaled(_np(inp).astype(cd), p, beta, alpha, dt, spec.shape)
    return wrap(_fin(r, dt), dt)


def kron(a, b):
    dt = L._kron_meta(a, b).dtype
    cd = _F32 if dt in _HALF else dt.np
    x, y = _np(a).astype(cd), _np(b).astype(cd)
    n = max(x.ndim, y.ndim)
    x = x.reshape((1,) * (n - x.ndim) + x.shape)
    y = y.reshape((1,) * (n - y.ndim) + y.shape)
    r = np.multiply.outer(x, y)  # axes: x0..x(n-1), y0..y(n-1) -> interleave
    perm = [i // 2 + (n if i % 2 else 0) for i in range(2 * n)]
    r = r.transpose(perm).reshape(tuple(p * q for p, q in zip(x.shape, y.shape)))
    return wrap(_fin(_cc(r), dt), dt)


def cross(a, b, dim=None):
    spec = L._cross_meta(a, b, dim)
    dt = spec.dtype
    d = dim if dim is not None else -1
    d = d % len(spec.shape)
    cd = _F32 if dt in _HALF else dt.np
    x = np.broadcast_to(_np(a).astype(cd, copy=False), spec.shape)
    y = np.broadcast_to(_np(b).astype(cd, copy=False), spec.shape)
    r = np.cross(x, y, axis=d)
    return wrap(_fin(_cc(r), dt), dt)


def trace(a):
    dt = L._trace_meta(a).dtype
    x = _np(a)
    if a.dtype in _HALF:
        r = np.trace(x.astype(_F32))
    else:
        r = np.trace(x, dtype=dt.np)
    return wrap(np.asarray(r).astype(dt.np), dt)


def tensordot(a, b, dims=2):
    dt = L._tensordot_meta(a, b, dims).dtype
    da, db = L._tensordot_dims(a, b, dims)
    r = np.tensordot(_lp(_np(a), dt), _lp(_np(b), dt), axes=(da, db))
    return wrap(_fin(_cc(r), dt), dt)


def einsum(eq, *ops):
    spec = L._einsum_meta(eq, *ops)
    dt = spec.dtype
    npeq, _ = L.parse_einsum(eq, [o._shape for o in ops])
    arrs = [_lp(_np(o), dt) for o in ops]
    if dt is D.bool:
        arrs = [x.astype(np.int64) for x in arrs]
        r = np.einsum(npeq, *arrs) != 0
    else:
        r = np.einsum(npeq, *arrs, optimize=len(arrs) > 2)
    r = np.array(r, copy=True, order="C")
    return wrap(_fin(r, dt), dt)


def multi_dot(tensors):
    dt = L._multi_dot_meta(tensors).dtype
    arrs = [_lp(_np(t), dt) for t in tensors]
    r = np.linalg.multi_dot(arrs)
    return wrap(_fin(np.array(r, copy=True), dt), dt)


def vecdot(x, y, dim=-1):
    spec = L._vecdot_meta(x, y, dim)
    dt = spec.dtype
    shape = L.broadcast_shapes(x._shape, y._shape)
    d = dim % len(shape)
    a, b = _lp(_np(x), dt), _lp(_np(y), dt)
    if dt.is_complex:
        a = np.conj(a)
    r = np.sum(np.multiply(a, b), axis=d)
    return wrap(_fin(_cc(r), dt), dt)


# ---------------------------------------------------------------------------------------
# decompositions
# ---------------------------------------------------------------------------------------

def _batches(x):
    """(index, matrix) over the batch dims of ``x``."""
    flat = x.reshape((-1,) + x.shape[-2:])
    for i in range(flat.shape[0]):
        yield i, flat[i]


def _zero_pivot(m):
    """1-based index of the first zero pivot of the LU factorisation (0 if none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lu, _ = sla.lu_factor(m, check_finite=False)
    d = np.diagonal(lu)
    z = np.nonzero(d == 0)[0]
    return int(z[0]) + 1 if z.size else 0


def _first_failure(name, x, probe, message, fallback):
    """torch's LinAlgError for the first matrix of ``x`` that ``probe`` flags with a nonzero
    LAPACK-style code k: ``message(k)``, naming the batch element when ``x`` is batched;
    ``fallback`` when no matrix is flagged.  Returned, so the caller chooses the chaining."""
    for i, m in _batches(x):
        k = probe(m)
        if k:
            pre = f"(Batch element {i}): " if x.ndim > 2 else ""
            return LinAlgError(f"{name}: {pre}{message(k)}")
    return LinAlgError(f"{name}: {fallback}")


def _singular(name, x):
    raise _first_failure(
        name, x, _zero_pivot,
        lambda k: f"The diagonal element {k} is zero, the inversion could not be completed "
                  "because the input matrix is singular.",
        "The input matrix is singular.")


def inv(a):
    dt = L._inv_meta(a).dtype
    x = _np(a)
    try:
        r = np.linalg.inv(x)
    except np.linalg.LinAlgError:
        _singular("linalg.inv", x)
    return wrap(_fm(r.astype(dt.np, copy=False)), dt)


def _solve_ex(x, op, failure, fill, fail):
    """(op(x), info) for the ``*_ex`` functions.  When op fails on the batch, ``fail(x)``
    raises if not None; otherwise each matrix is done alone: info holds its ``failure`` index
    (0: none) and a failed matrix's result is filled with ``fill``."""
    info = np.zeros(x.shape[:-2], np.int32)
    try:
        r = op(x)
    except np.linalg.LinAlgError:
        if fail is not None:
            fail(x)
        r = np.full(x.shape, fill, x.dtype)
        flat = r.reshape((-1,) + x.shape[-2:])
        fi = info.reshape(-1)
        for i, m in _batches(x):
            k = failure(m)
            fi[i] = k
            if not k:
                flat[i] = op(m)
    return r, info


def inv_ex(a, check_errors=False):
    dt = L._inv_ex_meta(a)[0].dtype
    r, info = _solve_ex(_np(a), np.linalg.inv, _zero_pivot, np.nan,
                        (lambda x: _singular("linalg.inv_ex", x)) if check_errors else None)
    return wrap(_fm(r.astype(dt.np, copy=False)), dt), wrap(info, D.int32)


def det(a):
    dt = L._det_meta(a).dtype
    r = np.linalg.det(_np(a))
    return wrap(np.asarray(r).astype(dt.np), dt)


def slogdet(a):
    dt = L._det_meta(a).dtype
    s, la = np.linalg.slogdet(_np(a))
    return wrap(np.asarray(s).astype(dt.np), dt), \
        wrap(np.asarray(la).astype(dt.to_real().np), dt.to_real())


def logdet(a):
    dt = L._logdet_meta(a).dtype
    s, la = np.linalg.slogdet(_np(a))
    if dt.is_complex:
        r = np.log(s) + la
    else:
        r = np.where(s < 0, np.nan, la)
    return wrap(np.asarray(r).astype(dt.np), dt)


def _potrf_info(m):
    potrf, = sla.get_lapack_funcs(("potrf",), (m,))
    _, info = potrf(m, lower=1, clean=1)
    return int(info)


def _chol_fail(name, x):
    raise _first_failure(
        name, x, lambda m: max(_potrf_info(m), 0),
        lambda k: "The factorization could not be completed because the input is not "
                  f"positive-definite (the leading minor of order {k} is not "
                  "positive-definite).",
        "The factorization could not be completed.")


def cholesky(a, upper=False):
    dt = L._cholesky_meta(a, upper).dtype
    x = _np(a)
    try:
        r = np.linalg.cholesky(x)
    except np.linalg.LinAlgError:
        _chol_fail("linalg.cholesky", x)
    if upper:
        r = np.conj(np.swapaxes(r, -1, -2))
    return wrap(_fm(r.astype(dt.np, copy=False)), dt)


def cholesky_ex(a, upper=False, check_errors=False):
    dt = L._cholesky_ex_meta(a, upper)[0].dtype
    r, info = _solve_ex(_np(a), np.linalg.cholesky, _potrf_info, 0,
                        (lambda x: _chol_fail("linalg.cholesky_ex", x)) if check_errors else None)
    if upper:
        r = np.conj(np.swapaxes(r, -1, -2))
    return wrap(_fm(r.astype(dt.np, copy=False)), dt), wrap(info, D.int32)


def _eps(dt):
    return float(np.finfo(dt.to_real().np).eps)


def _tol(s, atol, rtol, m, n, dt):
    """Threshold of the singular values (torch's atol / rtol rules), shape batch + (1,)."""
    if isinstance(atol, L.Tensor):
        atol = _np(atol)[..., None]
    if isinstance(rtol, L.Tensor):
        rtol = _np(rtol)[..., None]
    if rtol is None:
        rtol = _eps(dt) * max(m, n) if (atol is None or (np.ndim(atol) == 0 and atol <= 0)) \
            else 0.0
    if atol is None:
        atol = 0.0
    smax = s[..., :1] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    return np.maximum(atol, rtol * smax)


def pinv(a, rtol=None, atol=None, hermitian=False):
    dt = L._pinv_meta(a, rtol, atol, hermitian).dtype
    x = _np(a)
    m, n = x.shape[-2:]
    if m == 0 or n == 0:
        return wrap(np.zeros(x.shape[:-2] + (n, m), dt.np), dt)
    if hermitian:
        w, v = np.linalg.eigh(x)
        aw = np.abs(w)
        order = np.argsort(-aw, axis=-1)
        tol = _tol(np.take_along_axis(aw, order, -1), atol, rtol, m, n, dt)
        winv = np.where(aw > tol, 1.0 / np.where(aw == 0, 1, w), 0).astype(x.dtype)
        r = np.matmul(v * winv[..., None, :], np.conj(np.swapaxes(v, -1, -2)))
    else:
        u, s, vh = np.linalg.svd(x, full_matrices=False)
        tol = _tol(s, atol, rtol, m, n, dt)
        sinv = np.where(s > tol, 1.0 / np.where(s == 0, 1, s), 0).astype(s.dtype)
        r = np.matmul(np.conj(np.swapaxes(vh, -1, -2)) * sinv[..., None, :],
                      np.conj(np.swapaxes(u, -1, -2)))
    return wrap(_cc(r.astype(dt.np, copy=False)), dt)


def _solve_arrays(A, B, left, name):
    shape, vector = L.solve_shapes(A, B, name, left)
    a, b = _np(A), _np(B)
    if not left:
        a = np.swapaxes(a, -1, -2)
        if not vector:
            b = np.swapaxes(b, -1, -2)
    if vector:
        b = b[..., None]
    return a, b, shape, vector


def _solve_result(r, vector, left, dt):
    if vector:
        r = r[..., 0]
    elif not left:
        return np.array(np.swapaxes(r, -1, -2), dtype=dt.np, order="C")
    return _fm(r.astype(dt.np, copy=False))


def solve(A, B, left=True):
    dt = A.dtype
    a, b, shape, vector = _solve_arrays(A, B, left, "linalg.solve")
    try:
        r = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        msg = "The solver failed because the input matrix is singular."
        raise _first_failure("torch.linalg.solve", a, _zero_pivot, lambda k: msg, msg) from None
    return wrap(_solve_result(r, vector, left, dt), dt)


def solve_ex(A, B, left=True, check_errors=False):
    dt = A.dtype
    a, b, shape, vector = _solve_arrays(A, B, left, "linalg.solve_ex")
    info = np.zeros(A._shape[:-2], np.int32)
    try:
        r = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        if check_errors:
            return solve(A, B, left)
        fi = info.reshape(-1)
        for i, m in _batches(a):
            fi[i] = _zero_pivot(m)
        ok = (info == 0)[..., None, None]
        safe = np.where(ok, a, np.eye(a.shape[-1], dtype=a.dtype))
        r = np.linalg.solve(safe, b)
        r = np.where(ok, r, np.nan)
    return wrap(_solve_result(r, vector, left, dt), dt), wrap(info, D.int32)


def qr(a, mode="reduced"):
    specs = L._qr_meta(a, mode)
    dt = a.dtype
    x = _np(a)
    if 0 in x.shape:
        q = np.zeros(specs[0].shape, dt.np)
        if mode == "complete" and q.ndim >= 2:
            q[...] = np.eye(q.shape[-1], dtype=dt.np)
        r = np.zeros(specs[1].shape, dt.np)
        return wrap(_fm(q), dt), wrap(_fm(r), dt)
    if mode == "r":
        r = np.linalg.qr(x, mode="r")
        return wrap(np.zeros((0,), dt.np), dt), wrap(_fm(r.astype(dt.np, copy=False)), dt)
    q, r = np.linalg.qr(x, mode=mode)
    return wrap(_fm(q.astype(dt.np, copy=False)), dt), wrap(_fm(r.astype(dt.np, copy=False)), dt)


def svd(a, full_matrices=True):
    specs = L._svd_meta(a, full_matrices)
    dt = a.dtype
    rd = dt.to_real()
    x = _np(a)
    if 0 in x.shape:
        u = np.zeros(specs[0].shape, dt.np)
        vh = np.zeros(specs[2].shape, dt.np)
        if full_matrices:
            u[...] = np.eye(u.shape[-1], dtype=dt.np)
            vh[...] = np.eye(vh.shape[-1], dtype=dt.np)
        return wrap(_fm(u), dt), wrap(np.zeros(specs[1].shape, rd.np), rd), wrap(_fm(vh), dt)
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    return (wrap(_fm(u.astype(dt.np, copy=False)), dt),
            wrap(_cc(s.astype(rd.np, copy=False)), rd),
            wrap(_fm(vh.astype(dt.np, copy=False)), dt))


def svdvals(a):
    spec = L._svdvals_meta(a)
    rd = spec.dtype
    x = _np(a)
    if 0 in x.shape:
        return wrap(np.zeros(spec.shape, rd.np), rd)
    s = np.linalg.svd(x, compute_uv=False)
    return wrap(_cc(s.astype(rd.np)), rd)


def eig(a):
    cd = L._eig_meta(a)[0].dtype
    x = _np(a)
    if 0 in x.shape:
        return wrap(np.zeros(x.shape[:-1], cd.np), cd), wrap(np.zeros(x.shape, cd.np), cd)
    w, v = np.linalg.eig(x)
    return wrap(_cc(w.astype(cd.np)), cd), wrap(_fm(v.astype(cd.np)), cd)


def eigvals(a):
    cd = L._eigvals_meta(a).dtype
    x = _np(a)
    if 0 in x.shape:
        return wrap(np.zeros(x.shape[:-1], cd.np), cd)
    w = np.linalg.eigvals(x)
    return wrap(_cc(w.astype(cd.np)), cd)


def eigh(a, UPLO="L"):
    L._eigh_meta(a, UPLO)
    dt = a.dtype
    rd = dt.to_real()
    x = _np(a)
    if 0 in x.shape:
        return wrap(np.zeros(x.shape[:-1], rd.np), rd), wrap(np.zeros(x.shape, dt.np), dt)
    w, v = np.linalg.eigh(x, UPLO=UPLO.upper())
    return wrap(_cc(w.astype(rd.np)), rd), wrap(_fm(v.astype(dt.np)), dt)


def eigvalsh(a, UPLO="L"):
    L._eigvalsh_meta(a, UPLO)
    rd = a.dtype.to_real()
    x = _np(a)
    if 0 in x.shape:
        return wrap(np.zeros(x.shape[:-1], rd.np), rd)
    w = np.linalg.eigvalsh(x, UPLO=UPLO.upper())
    return wrap(_cc(w.astype(rd.np)), rd)


def lstsq(A, B, rcond=None, driver=None):
    specs = L._lstsq_meta(A, B, rcond, driver)
    driver, vector, batch, m, n, k = L.lstsq_shapes(A, B, driver)
    dt = A.dtype
    rd = dt.to_real()
    a = _np(A)
    b = _np(B)
    if vector:
        b = b[..., None]
    a = np.broadcast_to(a, batch + (m, n))
    b = np.broadcast_to(b, batch + (m, k))
    if rcond is None:
        rcond = _eps(dt) * max(m, n)
    mx = max(m, n)
    sols = np.zeros(batch + (n, k), dt.np)
    ranks = np.zeros(batch, np.int64)
    svals = np.zeros(batch + (min(m, n),), rd.np)
    lapack = "gelsy" if driver in ("gels", "gelsy") else driver
    fa = a.reshape((-1, m, n))
    fb = b.reshape((-1, m, k))
    fs = sols.reshape((-1, n, k))
    fr = ranks.reshape(-1)
    fsv = svals.reshape((-1, min(m, n)))
    if m and n and k:
        for i in range(fa.shape[0]):
            x, _, rank, sv = sla.lstsq(fa[i], fb[i], cond=rcond, lapack_driver=lapack,
                                       check_finite=False)
            fs[i] = x
            fr[i] = rank
            if driver in ("gelsd", "gelss"):
                fsv[i] = sv
    buf = np.zeros(batch + ((mx,) if vector else (k, mx)), dt.np)
    if vector:
        sol = buf[..., :n]
        sol[...] = sols[..., 0]
    else:
        sol = np.swapaxes(buf, -1, -2)[..., :n, :]
        sol[...] = sols
    if specs[1].shape != (0,) and (driver == "gels" or (ranks == n).all()):
        res = np.sum(np.abs(np.matmul(a, sols) - b) ** 2, axis=-2)
        res = _cc(res.astype(rd.np))
    else:
        res = np.zeros((0,), rd.np)
    if driver == "gels":
        ranks = np.zeros((0,), np.int64)
    sv_out = svals if driver in ("gelsd", "gelss") else np.zeros((0,), rd.np)
    return wrap(sol, dt), wrap(res, rd), wrap(ranks, D.int64), wrap(sv_out, rd)


def matrix_rank(A, atol=None, rtol=None, hermitian=False):
    L._matrix_rank_meta(A, atol, rtol, hermitian)
    x = _np(A)
    m, n = x.shape[-2:]
    if m == 0 or n == 0:
        return wrap(np.zeros(x.shape[:-2], np.int64), D.int64)
    if hermitian:
        s = -np.sort(-np.abs(np.linalg.eigvalsh(x)), axis=-1)
    else:
        s = np.linalg.svd(x, compute_uv=False)
    tol = _tol(s, atol, rtol, m, n, A.dtype)
    r = np.sum(s > tol, axis=-1).astype(np.int64)
    return wrap(_cc(r), D.int64)


def matrix_power(a, n):
    L._matrix_power_meta(a, n)
    dt = a.dtype
    x = _np(a)
    if n < 0:
        try:
            x = np.linalg.inv(x)
        except np.linalg.LinAlgError:
            _singular("linalg.inv", x)
        n = -n
    if n == 0:
        r = np.broadcast_to(np.eye(x.shape[-1], dtype=dt.np), x.shape)
    elif dt in _HALF:
        r = np.linalg.matrix_power(x.astype(_F32), n)
    else:
        r = np.linalg.matrix_power(x, n)
    return wrap(np.array(r, dtype=dt.np, copy=True, order="C"), dt)


def matrix_exp(a):
    L._matrix_exp_meta(a)
    dt = a.dtype
    x = _np(a)
    if 0 in x.shape:
        return wrap(np.zeros(x.shape, dt.np), dt)
    r = sla.expm(x)
    return wrap(np.array(r, dtype=dt.np, copy=True, order="C"), dt)


def cond(a, p=None):
    rd = L._cond_meta(a, p).dtype
    x = _np(a)
    r = np.asarray(np.linalg.cond(x, p)).reshape(x.shape[:-2])
    return wrap(np.array(r, dtype=rd.np, copy=True), rd)


def _chol_product(x, upper):
    """The matrix whose Cholesky factor is ``x``: U^H U (upper) or L L^H."""
    xh = np.conj(np.swapaxes(x, -1, -2))
    return np.matmul(xh, x) if upper else np.matmul(x, xh)


def cholesky_inverse(a, upper=False):
    dt = L._cholesky_inverse_meta(a, upper).dtype
    prod = _chol_product(_np(a), upper)
    try:
        r = np.linalg.inv(prod)
    except np.linalg.LinAlgError:
        _singular("cholesky_inverse", prod)
    return wrap(_fm(r.astype(dt.np, copy=False)), dt)


def cholesky_solve(b, u, upper=False):
    spec = L._cholesky_solve_meta(b, u, upper)
    dt = spec.dtype
    prod = _chol_product(_np(u), upper)
    try:
        r = np.linalg.solve(prod, np.broadcast_to(_np(b), spec.shape))
    except np.linalg.LinAlgError:
        raise LinAlgError("cholesky_solve: The solver failed because the input matrix is "
                          "singular.") from None
    return wrap(_fm(r.astype(dt.np, copy=False)), dt)


def register():
    O = L
    O.MATMUL.kernels["cpu"] = matmul
    O.MM.kernels["cpu"] = _prod_kernel(L._mm_meta)
    O.BMM.kernels["cpu"] = _prod_kernel(L._bmm_meta)
    O.MV.kernels["cpu"] = _prod_kernel(L._mv_meta)
    table = {
        O.DOT: dot, O.VDOT: vdot, O.INNER: inner, O.OUTER: outer, O.ADDMM: addmm,
        O.ADDMV: addmv, O.ADDBMM: addbmm, O.BADDBMM: baddbmm, O.ADDR: addr, O.KRON: kron,
        O.CROSS: cross, O.TRACE: trace, O.TENSORDOT: tensordot, O.EINSUM: einsum,
        O.INV: inv, O.INV_EX: inv_ex, O.DET: det, O.LOGDET: logdet, O.SLOGDET: slogdet,
        O.CHOLESKY: cholesky, O.CHOLESKY_EX: cholesky_ex, O.PINV: pinv, O.SOLVE: solve,
        O.SOLVE_EX: solve_ex, O.QR: qr, O.SVD: svd, O.SVDVALS: svdvals, O.EIG: eig,
        O.EIGVALS: eigvals, O.EIGH: eigh, O.EIGVALSH: eigvalsh, O.LSTSQ: lstsq,
        O.MATRIX_RANK: matrix_rank, O.MATRIX_POWER: matrix_power, O.MATRIX_EXP: matrix_exp,
        O.COND: cond, O.MULTI_DOT: multi_dot, O.VECDOT: vecdot,
        O.CHOLESKY_INVERSE: cholesky_inverse, O.CHOLESKY_SOLVE: cholesky_solve,
    }
    for op, fn in table.items():
        op.kernels["cpu"] = fn
