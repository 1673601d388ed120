"""Gradients of the linear-algebra ops, compared with real torch (and finite differences).

Each case builds the same leaves in both libraries, runs the same forward, back-propagates
the same upstream gradient(s) into every output and compares the leaves' .grad.  Outputs of
decompositions that are only defined up to signs/phases (qr, svd, eig) go through
gauge-invariant functions so both libraries must agree.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same


def _rand(shape, dtype, seed, kind="g"):
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, size=shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.uniform(-1, 1, size=shape)
    n = shape[-1] if shape else 0
    if kind == "spd":        # Hermitian positive definite
        a = a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)
    elif kind == "sym":      # Hermitian
        a = a + np.conj(np.swapaxes(a, -1, -2))
    elif kind == "wc":       # well conditioned square
        a = a + 2 * np.eye(n)
    elif kind == "tri":      # lower-triangular Cholesky factor
        a = np.tril(a, -1) + np.diag(np.abs(np.diagonal(a, 0, -2, -1)) + 1)
    elif kind == "small":
        a = a * 0.3
    return np.asarray(a).astype(dtype)


def _inputs(specs, dtype, layout):
    """(torch leaves, mindtorch leaves) from specs ``(shape, kind)`` or Python values."""
    ts, ms = [], []
    for k, sp in enumerate(specs):
        if not isinstance(sp, tuple) or (sp and not isinstance(sp[0], tuple)):
            ts.append(sp)
            ms.append(sp)
            continue
        shape, kind = sp
        a = _rand(shape, dtype, 10 + k, kind)
        if layout == "t" and a.ndim >= 2:
            a = np.swapaxes(np.swapaxes(a, -1, -2).copy(), -1, -2)
        elif layout == "slice" and a.ndim >= 1:
            a = np.repeat(a, 2, axis=-1)[..., ::2]
        ts.append(T.from_numpy(a).requires_grad_())
        ms.append(M.from_numpy(a).requires_grad_())
    return ts, ms


def _outs(r):
    return list(r) if isinstance(r, (tuple, list)) else [r]


def compare(fn, specs, dtype="float64", layout="plain", rtol=None, atol=None, view=False):
    ts, ms = _inputs(specs, dtype, layout)
    if view:  # the leaves enter through a transposed view (mT of a transposed copy)
        ts = [x.mT.contiguous().detach().requires_grad_() if isinstance(x, T.Tensor) and
              x.dim() >= 2 else x for x in ts]
        ms = [M.from_numpy(to_np(x)).requires_grad_() if isinstance(x, T.Tensor) else x
              for x in ts]
        targs = [x.mT if isinstance(x, T.Tensor) and x.dim() >= 2 else x for x in ts]
        margs = [x.mT if isinstance(x, M.Tensor) and x.dim() >= 2 else x for x in ms]
    else:
        targs, margs = ts, ms
    tout = [o for o in _outs(fn(T, *targs)) if o.requires_grad]
    mout = [o for o in _outs(fn(M, *margs)) if o.requires_grad]
    assert len(tout) == len(mout) and tout
    for mo, to in zip(mout, tout):
        assert_same(mo.detach(), to.detach(), rtol=rtol or 1e-5, atol=atol or 1e-6)
    grads = []
    for i, o in enumerate(tout):
        g = np.random.default_rng(100 + i).uniform(-1, 1, size=tuple(o.shape))
        if o.dtype.is_complex:
            g = g + 1j * np.random.default_rng(200 + i).uniform(-1, 1, size=g.shape)
        grads.append(np.asarray(g).astype(str(o.dtype).split(".")[1]))
    T.autograd.backward(tout, [T.from_numpy(g.copy()) for g in grads])
    M.autograd.backward(mout, [M.from_numpy(g.copy()) for g in grads])
    n = 0
    for t, m in zip(ts, ms):
        if isinstance(t, T.Tensor) and t.grad is not None:
            assert m.grad is not None, "missing gradient"
            assert_same(m.grad, t.grad, rtol=rtol or 1e-5, atol=atol or 1e-6)
            n += 1
    assert n, "no gradient compared"


def to_np(x):
    return x.detach().numpy().copy()


def G(shape, kind="g"):
    return (tuple(shape), kind)


def _svd_inv(L, a):
    """Sign/phase-invariant functions of the SVD factors."""
    U, S, Vh = L.linalg.svd(a, full_matrices=False)
    return S, U.abs(), Vh.abs(), (U * S.unsqueeze(-2).to(U.dtype)) @ Vh


def _svd_full(L, a):
    U, S, Vh = L.linalg.svd(a)
    k = S.shape[-1]
    return S, U[..., :, :k].abs(), Vh[..., :k, :].abs()


def _qr_inv(mode):
    def f(L, a):
        Q, R = L.linalg.qr(a, mode=mode)
        return Q, R
    return f


def _eigh_inv(L, a):
    w, V = L.linalg.eigh(a)
    return w, V.abs(), (V * w.unsqueeze(-2).to(V.dtype)) @ V.mH


def _eig_inv(L, a):
    w, V = L.linalg.eig(a)
    # normalise each eigenvector's phase by its first entry: gauge invariant
    Vn = V / (V[..., :1, :] / V[..., :1, :].abs())
    return w, Vn


# name -> (fn(lib, *inputs), input specs, complex supported)
CASES = {
    "matmul_2d": (lambda L, a, b: L.matmul(a, b), [G((3, 4)), G((4, 5))], True),
    "matmul_1d_1d": (lambda L, a, b: L.matmul(a, b), [G((4,)), G((4,))], True),
    "matmul_1d_2d": (lambda L, a, b: a @ b, [G((4,)), G((4, 5))], True),
    "matmul_2d_1d": (lambda L, a, b: a @ b, [G((3, 4)), G((4,))], True),
    "matmul_1d_3d": (lambda L, a, b: a @ b, [G((4,)), G((2, 4, 5))], True),
    "matmul_3d_1d": (lambda L, a, b: a @ b, [G((2, 3, 4)), G((4,))], True),
    "matmul_bcast": (lambda L, a, b: a @ b, [G((2, 1, 3, 4)), G((3, 4, 2))], True),
    "matmul_bcast2": (lambda L, a, b: a @ b, [G((3, 4)), G((2, 4, 5))], True),
    "mm": (lambda L, a, b: L.mm(a, b), [G((3, 4)), G((4, 2))], True),
    "bmm": (lambda L, a, b: L.bmm(a, b), [G((2, 3, 4)), G((2, 4, 2))], True),
    "mv": (lambda L, a, v: L.mv(a, v), [G((3, 4)), G((4,))], True),
    "dot": (lambda L, a, b: L.dot(a, b), [G((5,)), G((5,))], True),
    "vdot": (lambda L, a, b: L.vdot(a, b), [G((5,)), G((5,))], True),
    "inner": (lambda L, a, b: L.inner(a, b), [G((2, 3, 4)), G((5, 4))], True),
    "inner_scalar": (lambda L, a, b: L.inner(a, b), [G(()), G((3, 4))], True),
    "outer": (lambda L, a, b: L.outer(a, b), [G((3,)), G((4,))], True),
    "addmm": (lambda L, i, a, b: L.addmm(i, a, b, beta=0.5, alpha=2), [G((4,)), G((3, 2)),
                                                                      G((2, 4))], True),
    "addmm_default": (lambda L, i, a, b: L.addmm(i, a, b), [G((3, 4)), G((3, 2)), G((2, 4))],
                      True),
    "addmv": (lambda L, i, a, b: L.addmv(i, a, b, beta=2, alpha=-1), [G((3,)), G((3, 4)),
                                                                     G((4,))], True),
    "addbmm": (lambda L, i, a, b: L.addbmm(i, a, b, beta=0.3, alpha=1.5),
               [G((3, 4)), G((2, 3, 5)), G((2, 5, 4))], True),
    "baddbmm": (lambda L, i, a, b: L.baddbmm(i, a, b, alpha=0.7), [G((1, 3, 4)), G((2, 3, 5)),
                                                                  G((2, 5, 4))], True),
    "addr": (lambda L, i, a, b: L.addr(i, a, b, beta=2, alpha=3), [G((3, 4)), G((3,)),
                                                                  G((4,))], True),
    "kron": (lambda L, a, b: L.kron(a, b), [G((2, 3)), G((3, 2))], True),
    "kron_ndim": (lambda L, a, b: L.kron(a, b), [G((2,)), G((2, 3, 2))], True),
    "cross": (lambda L, a, b: L.linalg.cross(a, b), [G((4, 3)), G((1, 3))], True),
    "cross_dim": (lambda L, a, b: L.cross(a, b, dim=0), [G((3, 4)), G((3, 4))], False),
    "trace": (lambda L, a: L.trace(a), [G((3, 4))], False),
    "tensordot": (lambda L, a, b: L.tensordot(a, b, dims=([1, 0], [0, 2])),
                  [G((3, 4, 2)), G((4, 5, 3))], True),
    "tensordot_int": (lambda L, a, b: L.tensordot(a, b, 1), [G((3, 4)), G((4, 5))], True),
    "einsum_mm": (lambda L, a, b: L.einsum("ij,jk->ik", a, b), [G((3, 4)), G((4, 2))], True),
    "einsum_trace": (lambda L, a: L.einsum("ii->", a), [G((3, 3))], True),
    "einsum_diag": (lambda L, a: L.einsum("ii->i", a), [G((3, 3))], False),
    "einsum_sum": (lambda L, a, b: L.einsum("ij,k->i", a, b), [G((3, 4)), G((2,))], False),
    "einsum_ell": (lambda L, a, b: L.einsum("...ij,...jk", a, b), [G((2, 3, 4)), G((4, 2))],
                   True),
    "einsum_outer3": (lambda L, a, b, c: L.einsum("i,j,k->kji", a, b, c),
                      [G((2,)), G((3,)), G((4,))], False),
    "multi_dot": (lambda L, a, b, c: L.linalg.multi_dot([a, b, c]),
                  [G((3,)), G((3, 4)), G((4, 2))], True),
    "multi_dot_vec": (lambda L, a, b, c: L.linalg.multi_dot([a, b, c]),
                      [G((2, 3)), G((3, 4)), G((4,))], False),
    "chain_matmul": (lambda L, a, b: L.chain_matmul(a, b), [G((2, 3)), G((3, 4))], False),
    "vecdot": (lambda L, a, b: L.linalg.vecdot(a, b), [G((2, 4)), G((4,))], True),
    "inv": (lambda L, a: L.linalg.inv(a), [G((2, 3, 3), "wc")], True),
    "inverse": (lambda L, a: L.inverse(a), [G((3, 3), "wc")], False),
    "inv_ex": (lambda L, a: L.linalg.inv_ex(a).inverse, [G((3, 3), "wc")], False),
    "det": (lambda L, a: L.linalg.det(a), [G((2, 3, 3), "wc")], True),
    "det_method": (lambda L, a: a.det(), [G((4, 4))], False),
    "logdet": (lambda L, a: L.logdet(a), [G((3, 3), "spd")], False),
    "slogdet": (lambda L, a: tuple(L.linalg.slogdet(a)), [G((2, 3, 3), "wc")], True),
    "solve": (lambda L, a, b: L.linalg.solve(a, b), [G((3, 3), "wc"), G((2, 3, 2))], True),
    "solve_vec": (lambda L, a, b: L.linalg.solve(a, b), [G((3, 3), "wc"), G((3,))], True),
    "solve_right": (lambda L, a, b: L.linalg.solve(a, b, left=False),
                    [G((3, 3), "wc"), G((2, 3))], True),
    "solve_ex": (lambda L, a, b: L.linalg.solve_ex(a, b).result, [G((3, 3), "wc"),
                                                                  G((3, 2))], False),
    "cholesky": (lambda L, a: L.linalg.cholesky(a), [G((2, 3, 3), "spd")], True),
    "cholesky_upper": (lambda L, a: L.linalg.cholesky(a, upper=True), [G((3, 3), "spd")], True),
    "cholesky_old": (lambda L, a: L.cholesky(a), [G((3, 3), "spd")], False),
    "cholesky_ex": (lambda L, a: L.linalg.cholesky_ex(a).L, [G((3, 3), "spd")], False),
    "cholesky_inverse": (lambda L, a: L.cholesky_inverse(a), [G((3, 3), "tri")], True),
    "cholesky_inverse_up": (lambda L, a: L.cholesky_inverse(a.mT, upper=True),
                            [G((3, 3), "tri")], False),
    "cholesky_solve": (lambda L, b, a: L.cholesky_solve(b, a), [G((3, 2)), G((3, 3), "tri")],
                       True),
    "cholesky_solve_up": (lambda L, b, a: L.cholesky_solve(b, a.mT, upper=True),
                          [G((3, 2)), G((3, 3), "tri")], False),
    "pinv": (lambda L, a: L.linalg.pinv(a), [G((4, 3))], True),
    "pinv_wide": (lambda L, a: L.linalg.pinv(a), [G((2, 4))], False),
    "pinverse": (lambda L, a: L.pinverse(a), [G((3, 3), "wc")], False),
    "lstsq": (lambda L, a, b: L.linalg.lstsq(a, b).solution, [G((4, 3)), G((4, 2))], False),
    "matrix_power3": (lambda L, a: L.linalg.matrix_power(a, 3), [G((3, 3))], True),
    "matrix_power0": (lambda L, a: L.matrix_power(a, 0) * a, [G((3, 3))], False),
    "matrix_power_neg": (lambda L, a: L.linalg.matrix_power(a, -2), [G((3, 3), "wc")], True),
    "matrix_exp": (lambda L, a: L.linalg.matrix_exp(a), [G((2, 3, 3), "small")], True),
    "qr": (_qr_inv("reduced"), [G((4, 3))], True),
    "qr_square": (_qr_inv("reduced"), [G((3, 3), "wc")], True),
    "qr_wide": (_qr_inv("reduced"), [G((2, 4))], True),
    "svd": (_svd_inv, [G((4, 3))], True),
    "svd_wide": (_svd_inv, [G((2, 3, 4))], True),
    "svd_full": (_svd_full, [G((4, 3))], False),
    "svdvals": (lambda L, a: L.linalg.svdvals(a), [G((3, 4))], True),
    "eigh": (_eigh_inv, [G((3, 3), "sym")], True),
    "eigh_upper": (lambda L, a: L.linalg.eigh(a, UPLO="U")[0], [G((3, 3), "sym")], True),
    "eigvalsh": (lambda L, a: L.linalg.eigvalsh(a), [G((2, 3, 3), "sym")], True),
    "eig": (_eig_inv, [G((3, 3))], True),
    "eigvals": (lambda L, a: L.linalg.eigvals(a), [G((3, 3))], True),
    "cond": (lambda L, a: L.linalg.cond(a), [G((3, 3), "wc")], False),
    "cond_m2": (lambda L, a: L.linalg.cond(a, -2), [G((3, 3), "wc")], False),
    "cond_nuc": (lambda L, a: L.linalg.cond(a, "nuc"), [G((3, 3), "wc")], False),
    "qr_complete_wide": (_qr_inv("complete"), [G((3, 4))], True),
    "eigh_vectors_only": (lambda L, a: L.linalg.eigh(a)[1].abs(), [G((3, 3), "sym")], True),
    "svd_u_only": (lambda L, a: L.linalg.svd(a)[0].abs(), [G((3, 4))], True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_vs_torch_float64(name):
    fn, specs, _ = CASES[name]
    compare(fn, specs, "float64")


@pytest.mark.parametrize("name", ["matmul_2d", "matmul_bcast", "bmm", "addmm", "einsum_ell",
                                  "inv", "det", "solve", "cholesky", "svd", "eigh", "kron"])
def test_vs_torch_float32(name):
    fn, specs, _ = CASES[name]
    compare(fn, specs, "float32", rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c[2]))
def test_vs_torch_complex(name):
    fn, specs, _ = CASES[name]
    compare(fn, specs, "complex128")


@pytest.mark.parametrize("layout", ["t", "slice", "view"])
@pytest.mark.parametrize("name", ["matmul_2d", "mm", "addmm_default", "inv", "solve",
                                  "cholesky", "svd", "kron", "einsum_mm"])
def test_noncontiguous(name, layout):
    fn, specs, _ = CASES[name]
    if layout == "view":
        compare(fn, specs, "float64", view=True)
    else:
        compare(fn, specs, "float64", layout=layout)


@pytest.mark.parametrize("name", ["matmul_2d", "matmul_1d_2d", "mm", "bmm", "addmm", "inv",
                                  "det", "einsum_mm"])
def test_second_order(name):
    fn, specs, _ = CASES[name]
    ts, ms = _inputs(specs, "float64", "plain")

    def run(lib, xs):
        out = _outs(fn(lib, *xs))[0]
        leaves = [x for x in xs if isinstance(x, (T.Tensor, M.Tensor))]
        gs = lib.autograd.grad((out * out).sum(), leaves, create_graph=True)
        total = sum((g * g).sum() for g in gs)
        return lib.autograd.grad(total, leaves)

    for m, t in zip(run(M, ms), run(T, ts)):
        assert_same(m, t, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["matmul_bcast", "addbmm", "kron_ndim", "tensordot", "inner",
                                  "einsum_diag", "det", "slogdet", "solve_right", "pinv",
                                  "cholesky_solve", "matrix_exp", "qr_wide", "svd_wide",
                                  "eigh", "eigvals", "matrix_power_neg", "lstsq"])
def test_gradcheck(name):
    fn, specs, cplx = CASES[name]
    dtypes = ["float64"] + (["complex128"] if cplx and name not in ("eigvals",) else [])
    for dt in dtypes:
        _, ms = _inputs(specs, dt, "plain")

        def f(*xs):
            if name == "eigh":  # perturb within the Hermitian matrices
                xs = (xs[0] + xs[0].mH,)
            outs = [o for o in _outs(fn(M, *xs)) if o.requires_grad]
            return tuple(o for o in outs)
        assert M.autograd.gradcheck(f, tuple(ms), atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("a", [[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0, 0], [0, 0, 0], [0, 0, 2.0]],
                               [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.5, -1.0, 2.0]]])
def test_det_singular(a, create_graph):
    # torch: zeros through A^-H, the adjugate (via the SVD) under create_graph
    a = np.array(a)
    t = T.from_numpy(a.copy()).requires_grad_()
    m = M.from_numpy(a.copy()).requires_grad_()
    gt = T.autograd.grad(T.linalg.det(t), t, create_graph=create_graph)[0]
    gm = M.autograd.grad(M.linalg.det(m), m, create_graph=create_graph)[0]
    assert_same(gm.detach(), gt.detach(), rtol=1e-6, atol=1e-10)
    if create_graph:
        assert float(gm.abs().sum()) > 0  # the adjugate of a rank n-1 matrix is nonzero


def test_qr_r_mode_raises():
    m = M.from_numpy(_rand((3, 3), "float64", 0)).requires_grad_()
    R = M.linalg.qr(m, mode="r")[1]
    with pytest.raises(RuntimeError, match="mode='r'"):
        R.sum().backward()


def test_matrix_rank_no_grad():
    m = M.from_numpy(_rand((3, 3), "float64", 0)).requires_grad_()
    assert not M.linalg.matrix_rank(m).requires_grad


@pytest.mark.parametrize("p", ["fro", 1, -1, float("inf")])
def test_cond_other_norms_gradcheck(p):
    # torch 2.13's own backward of these composites fails (an in-place on a saved inverse)
    x = M.from_numpy(_rand((3, 3), "float64", 0, "wc")).requires_grad_()
    assert M.autograd.gradcheck(lambda v: M.linalg.cond(v, p), (x,))


@pytest.mark.parametrize("fn", [lambda L, a: L.linalg.eigvalsh(a),
                                lambda L, a: L.linalg.eigh(a)[0],
                                lambda L, a: L.linalg.svdvals(a),
                                lambda L, a: L.linalg.svd(a)[1]])
def test_repeated_spectrum_values_only(fn):
    # only the values are used: no division by (zero) eigen/singular gaps, like torch
    a = np.diag([2.0, 2.0, 3.0])
    t = T.from_numpy(a.copy()).requires_grad_()
    m = M.from_numpy(a.copy()).requires_grad_()
    fn(T, t).sum().backward()
    fn(M, m).sum().backward()
    assert_same(m.grad, t.grad, atol=1e-10)
    assert not bool(m.grad.isnan().any())
