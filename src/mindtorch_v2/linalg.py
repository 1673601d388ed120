"""torch.linalg: the linear algebra namespace (ops declared in ``_ops/linalg.py``)."""
from __future__ import annotations

from collections import namedtuple

from ._dispatch.dispatcher import dispatch, dispatch_out
from ._ops import linalg as _L
from ._ops.linalg import LinAlgError, matmul  # noqa: F401
from ._ops.views import diagonal as _diagonal

__all__ = ["LinAlgError", "inv", "inv_ex", "pinv", "solve", "solve_ex", "det", "slogdet",
           "matrix_rank", "cholesky", "cholesky_ex", "qr", "svd", "svdvals", "eig", "eigvals",
           "eigh", "eigvalsh", "lstsq", "matrix_power", "matrix_exp", "norm", "vector_norm",
           "matrix_norm", "cond", "multi_dot", "cross", "vecdot", "matmul", "diagonal"]

# result types (torch.return_types.linalg_*)
_inv_ex_t = namedtuple("linalg_inv_ex", ["inverse", "info"])
_solve_ex_t = namedtuple("linalg_solve_ex", ["result", "info"])
_slogdet_t = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
_cholesky_ex_t = namedtuple("linalg_cholesky_ex", ["L", "info"])
_qr_t = namedtuple("linalg_qr", ["Q", "R"])
_svd_t = namedtuple("linalg_svd", ["U", "S", "Vh"])
_eig_t = namedtuple("linalg_eig", ["eigenvalues", "eigenvectors"])
_eigh_t = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
_lstsq_t = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


def _call(op, out, *args):
    if out is not None:
        return dispatch_out(op, out, *args)
    return dispatch(op, *args)


def _tcall(op, typ, out, *args):
    return typ(*_call(op, out, *args))


def inv(A, *, out=None):
    return _call(_L.INV, out, A)


def inv_ex(A, *, check_errors=False, out=None):
    return _tcall(_L.INV_EX, _inv_ex_t, out, A, check_errors)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    return _call(_L.PINV, out, A, rtol, atol, hermitian)


def solve(A, B, *, left=True, out=None):
    return _call(_L.SOLVE, out, A, B, left)


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    return _tcall(_L.SOLVE_EX, _solve_ex_t, out, A, B, left, check_errors)


def det(A, *, out=None):
    return _call(_L.DET, out, A)


def slogdet(A, *, out=None):
    return _tcall(_L.SLOGDET, _slogdet_t, out, A)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None, tol=None):
    if tol is not None:
        atol, rtol = tol, 0.0
    return _call(_L.MATRIX_RANK, out, A, atol, rtol, hermitian)


def cholesky(A, *, upper=False, out=None):
    return _call(_L.CHOLESKY, out, A, upper)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    return _tcall(_L.CHOLESKY_EX, _cholesky_ex_t, out, A, upper, check_errors)


def qr(A, mode="reduced", *, out=None):
    return _tcall(_L.QR, _qr_t, out, A, mode)


def svd(A, full_matrices=True, *, driver=None, out=None):
    return _tcall(_L.SVD, _svd_t, out, A, full_matrices)


def svdvals(A, *, driver=None, out=None):
    return _call(_L.SVDVALS, out, A)


def eig(A, *, out=None):
    return _tcall(_L.EIG, _eig_t, out, A)


def eigvals(A, *, out=None):
    return _call(_L.EIGVALS, out, A)


def eigh(A, UPLO="L", *, out=None):
    return _tcall(_L.EIGH, _eigh_t, out, A, UPLO)


def eigvalsh(A, UPLO="L", *, out=None):
    return _call(_L.EIGVALSH, out, A, UPLO)


def lstsq(A, B, rcond=None, *, driver=None):
    return _lstsq_t(*dispatch(_L.LSTSQ, A, B, rcond, driver))


def matrix_power(A, n, *, out=None):
    return _call(_L.MATRIX_POWER, out, A, n)


def matrix_exp(A):
    return dispatch(_L.MATRIX_EXP, A)


def cond(A, p=None, *, out=None):
    return _call(_L.COND, out, A, p)


def multi_dot(tensors, *, out=None):
    return _call(_L.MULTI_DOT, out, list(tensors))


def cross(input, other, *, dim=-1, out=None):
    return _call(_L.CROSS, out, input, other, dim)


def vecdot(x, y, *, dim=-1, out=None):
    return _call(_L.VECDOT, out, x, y, dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return _diagonal(A, offset, dim1, dim2)


def _reduction():
    from ._ops import reduction
    return reduction


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    f = getattr(_reduction(), "vector_norm", None)
    if f is None:
        raise NotImplementedError("torch.linalg.vector_norm is not available yet")
    kw = {"dtype": dtype} if dtype is not None else {}
    if out is not None:
        kw["out"] = out
    return f(x, ord, dim, keepdim, **kw)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    f = getattr(_reduction(), "matrix_norm", None)
    if f is None:
        raise NotImplementedError("torch.linalg.matrix_norm is not available yet")
    kw = {"dtype": dtype} if dtype is not None else {}
    if out is not None:
        kw["out"] = out
    return f(A, ord, dim, keepdim, **kw)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    f = getattr(_reduction(), "linalg_norm", None)
    if f is not None:
        kw = {"dtype": dtype} if dtype is not None else {}
        if out is not None:
            kw["out"] = out
        return f(A, ord, dim, keepdim, **kw)
    # torch.linalg.norm's dispatch rule: matrix norm for 2-D (or 2 dims / str ord), else vector
    if dim is not None and not isinstance(dim, int):
        dim = tuple(dim)
    if isinstance(ord, str) or (dim is not None and not isinstance(dim, int) and len(dim) == 2) \
            or (dim is None and ord is not None and A.dim() == 2):
        if isinstance(ord, str) or ord is not None:
            return matrix_norm(A, "fro" if ord is None else ord,
                               (-2, -1) if dim is None else dim, keepdim, dtype=dtype, out=out)
    if dim is None and ord is not None and A.dim() != 1 and A.dim() != 2:
        raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {A.dim()}D.")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)
from ._ops.extra import linalg_vander as vander  # noqa: E402
from ._ops.extra import linalg_lu as lu  # noqa: E402
from ._ops.extra import linalg_lu_factor as lu_factor  # noqa: E402
from ._ops.extra import linalg_lu_factor_ex as lu_factor_ex  # noqa: E402
from ._ops.extra import linalg_lu_solve as lu_solve  # noqa: E402
from ._ops.extra import linalg_solve_triangular as solve_triangular  # noqa: E402
from ._ops.extra import linalg_householder_product as householder_product  # noqa: E402
