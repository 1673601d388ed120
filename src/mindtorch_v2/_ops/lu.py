"""LU factorisation (LAPACK getrf kernel) and the solves built on it, plus Householder products.

Only ``linalg_lu_factor_ex`` is an op with a kernel of its own (CPU kernel in
``_backends/cpu/extra.py``, formula in ``_autograd/formulas/extra.py``); everything else is a
composite of it and of ``linalg.solve``.  Re-exported from ``extra`` (the public names and the
``X.LU_FACTOR`` row the backend reads did not move).
"""
from __future__ import annotations

import math
from collections import namedtuple as _nt

import mindtorch_v2 as T  # partially initialised here: only attributes read at call time

from .. import _dtype as D
from .._dispatch.dispatcher import dispatch
from ._common import finish_out
from .registry import Spec, register
from .tensor_methods import method

__all__ = ["lu", "lu_unpack", "lu_solve", "triangular_solve", "orgqr"]


def lu_checks(name, A):
    """torch's errors for an LU input: a batch of matrices of a float or complex dtype."""
    if A.dim() < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(A.shape)} instead")
    if A.dtype not in (D.float32, D.float64, D.complex64, D.complex128):
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{A.dtype.c10_name}'")


def _lu_factor_meta(A, pivot=True):
    lu_checks("torch.lu_factor", A)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the "
                           "CPU")
    from .linalg import fm_strides
    batch, (m, n) = tuple(A._shape[:-2]), tuple(A._shape[-2:])
    return (Spec(A._shape, A.dtype, fm_strides(tuple(A._shape))),
            Spec(batch + (min(m, n),), D.int32), Spec(batch, D.int32))


# (LU, pivots (1-based row swaps), info (first zero pivot, 1-based; 0 if none))
LU_FACTOR = register("linalg_lu_factor_ex", _lu_factor_meta, family="extra")
_lu_factor_t = _nt("linalg_lu_factor", ["LU", "pivots"])
_lu_factor_ex_t = _nt("linalg_lu_factor_ex", ["LU", "pivots", "info"])
_lu_info_t = _nt("_lu_with_info", ["LU", "pivots", "info"])
_lu_unpack_t = _nt("lu_unpack", ["P", "L", "U"])
_lu_t = _nt("linalg_lu", ["P", "L", "U"])
_tri_solve_t = _nt("triangular_solve", ["solution", "cloned_coefficient"])


def linalg_lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """(LU, pivots, info) of A = P L U; ``info`` > 0 marks a zero pivot instead of raising
    (unless ``check_errors``)."""
    r = _lu_factor_ex_t(*dispatch(LU_FACTOR, A, pivot))
    if check_errors:
        _raise_lu_info("torch.linalg.lu_factor_ex", r.info)
    return _lu_factor_ex_t(*(finish_out(a, o) for a, o in zip(r, out))) if out is not None else r


def _raise_lu_info(name, info):
    bad = (info > 0).reshape(-1).nonzero().reshape(-1).tolist() if info.numel() else []
    if bad:
        k = int(info.reshape(-1)[bad[0]])
        where = f"(Batch element {bad[0]}): " if info.dim() else ""
        raise T.linalg.LinAlgError(
            f"{name}: {where}U[{k},{k}] is zero and using it on lu_solve would result in a "
            "division by zero. If you still want to perform the factorization, consider "
            "calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def linalg_lu_factor(A, *, pivot=True, out=None):
    """LU factorisation with partial pivoting: (LU, pivots) with A = P L U."""
    LU, piv, info = linalg_lu_factor_ex(A, pivot=pivot)
    _raise_lu_info("torch.linalg.lu_factor", info)
    if out is not None:
        return _lu_factor_t(finish_out(LU, out[0]), finish_out(piv, out[1]))
    return _lu_factor_t(LU, piv)


def lu(A, pivot=True, get_infos=False, out=None):
    """Deprecated torch.lu: (LU, pivots[, infos])."""
    r = linalg_lu_factor_ex(A, pivot=pivot)
    if get_infos:
        return _lu_info_t(*r)
    _raise_lu_info("torch.linalg.lu_factor", r.info)
    return r[:2]


def _perm_matrix(pivots, m, dtype, device):
    """P (batch, m, m) with A = P L U, from LAPACK's sequential 1-based row swaps."""
    batch = tuple(pivots.shape[:-1])
    piv = pivots.reshape(-1, pivots.shape[-1]).tolist() if pivots.numel() else \
        [[] for _ in range(math.prod(batch))]
    cols = []
    for row in piv:
        perm = list(range(m))
        for i, p in enumerate(row):
            p -= 1
            if not 0 <= p < m:
                raise RuntimeError("lu_unpack: pivots are out of range")
            perm[i], perm[p] = perm[p], perm[i]
        cols.append(perm)
    perm = T.tensor(cols, dtype=D.int64, device=device).reshape(batch + (m,))
    # P[perm[j], j] = 1: the rows of P^T A are A[perm]
    eye = T.eye(m, dtype=dtype, device=device)
    return eye[perm].transpose(-2, -1).contiguous() if m else T.zeros(batch + (0, 0), dtype=dtype,
                                                         device=device)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """(P, L, U) from lu_factor's packed result (empty tensors for parts not unpacked)."""
    m, n = LU_data.shape[-2], LU_data.shape[-1]
    k = min(m, n)
    empty = T.empty(0, dtype=LU_data.dtype, device=LU_data.device)
    if unpack_data:
        eye = T.eye(m, k, dtype=LU_data.dtype, device=LU_data.device)
        L = LU_data[..., :, :k].tril(-1) + eye
        U = LU_data[..., :k, :].triu()
    else:
        L = U = empty
    P = _perm_matrix(LU_pivots, m, LU_data.dtype, LU_data.device) if unpack_pivots \
        else empty
    if out is not None:
        return _lu_unpack_t(*(finish_out(a, o) for a, o in zip((P, L, U), out)))
    return _lu_unpack_t(P, L, U)


def linalg_lu(A, *, pivot=True, out=None):
    """(P, L, U) with A = P L U."""
    LU, piv, _ = linalg_lu_factor_ex(A, pivot=pivot)
    r = lu_unpack(LU, piv)
    return _lu_t(*(finish_out(a, o) for a, o in zip(r, out))) if out is not None else _lu_t(*r)


def _tri(A, upper, unitriangular):
    t = A.triu(1 if unitriangular else 0) if upper else A.tril(-1 if unitriangular else 0)
    if unitriangular:
        t = t + T.eye(A.shape[-2], A.shape[-1], dtype=A.dtype, device=A.device)
    return t


def linalg_solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """X with A X = B (X A = B if not left), A triangular; only that triangle is read.
    Composite over linalg.solve: a singular A raises LinAlgError (torch returns inf)."""
    return finish_out(T.linalg.solve(_tri(A, upper, unitriangular), B, left=left), out)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """Deprecated torch.triangular_solve: (solution of op(A) X = b, copy of A)."""
    t = _tri(A, upper, unitriangular)
    X = T.linalg.solve(t.mT if transpose else t, b)
    return _tri_solve_t(X, A.clone())


def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """X with A X = B (or A^H X = B, X A = B...) for A given by lu_factor."""
    P, L, U = lu_unpack(LU, pivots)
    if not left:
        if adjoint:  # X A^H = B  <=>  A X^H = B^H
            return finish_out(linalg_lu_solve(LU, pivots, B.mH).mH, out)
        # X A = B  <=>  A^T X^T = B^T  <=>  A^H conj(X^T) = conj(B^T)
        return finish_out(linalg_lu_solve(LU, pivots, B.mT.conj(), adjoint=True).conj().mT, out)
    if adjoint:  # A^H = U^H L^H P^T
        y = linalg_solve_triangular(U.mH, B, upper=False)
        X = P @ linalg_solve_triangular(L.mH, y, upper=True, unitriangular=True)
    else:
        y = linalg_solve_triangular(L, P.mT @ B, upper=False, unitriangular=True)
        X = linalg_solve_triangular(U, y, upper=True)
    return finish_out(X, out)


def lu_solve(b, LU_data, LU_pivots, *, out=None):
    """Deprecated torch.lu_solve(b, LU, pivots) = linalg.lu_solve(LU, pivots, b)."""
    return linalg_lu_solve(LU_data, LU_pivots, b, out=out)


method(lambda self, pivot=True, get_infos=False: lu(self, pivot, get_infos), name="lu")
method(lambda self, LU_data, LU_pivots: lu_solve(self, LU_data, LU_pivots), name="lu_solve")
method(lambda self, A, upper=True, transpose=False, unitriangular=False:
       triangular_solve(self, A, upper, transpose, unitriangular), name="triangular_solve")


def linalg_householder_product(A, tau, *, out=None):
    """First n columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^H (v_i: column i of A below
    the diagonal, with a unit i-th entry): the Q of a geqrf factorisation."""
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.householder_product: input must have at least 2 "
                           "dimensions.")
    m, n = A.shape[-2], A.shape[-1]
    k = tau.shape[-1]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater "
                           "than or equal to input.shape[-1]")
    if k > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater "
                           "than or equal to tau.shape[-1]")
    eye = T.eye(m, n, dtype=A.dtype, device=A.device)
    V = A.tril(-1) + eye  # unit lower trapezoid: the reflectors' vectors
    Q = eye.expand(tuple(A.shape)) if A.dim() > 2 else eye
    for i in reversed(range(k)):  # Q <- H_i Q, applying the last reflector first
        v = V[..., :, i:i + 1]
        Q = Q - (tau[..., i:i + 1].unsqueeze(-1) * v) @ (v.mH @ Q)
    return finish_out(Q, out)


def orgqr(input, tau, *, out=None):
    """torch.orgqr: alias of torch.linalg.householder_product."""
    return linalg_householder_product(input, tau, out=out)


method(orgqr, name="orgqr")
