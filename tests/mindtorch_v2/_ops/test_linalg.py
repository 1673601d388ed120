"""Linear algebra family against real torch: products, decompositions, torch.linalg."""
import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, check, to_mt, to_torch

F32, F64 = "float32", "float64"


def R(lib, *shape, dtype="float32", seed=0):
    rng = np.random.default_rng(seed + 7 * len(shape) + sum(shape))
    if dtype in ("int64", "int32"):
        a = rng.integers(-5, 5, shape).astype(dtype)
    elif dtype.startswith("complex"):
        a = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    else:
        a = rng.standard_normal(shape).astype("float32" if dtype in ("float16", "bfloat16")
                                              else dtype)
    t = lib.from_numpy(a)
    if dtype in ("float16", "bfloat16"):
        t = t.to(getattr(lib, dtype))
    return t


def SQ(lib, *shape, dtype="float32", seed=0):
    n = shape[-1]
    return R(lib, *shape, dtype=dtype, seed=seed) + lib.from_numpy(np.eye(n, dtype=dtype) * 3)


def SPD(lib, *shape, dtype="float64"):
    a = R(lib, *shape, dtype=dtype)
    return a @ a.mT.conj() + lib.from_numpy(np.eye(shape[-1], dtype=dtype) * shape[-1])


# ---------------------------------------------------------------------------------------
# products
# ---------------------------------------------------------------------------------------

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((2, 5, 3), (3, 4)), ((2, 5, 3), (3,)), ((3,), (2, 3, 4)),
                 ((2, 1, 3, 4), (5, 4, 2)), ((0, 3), (3, 4)), ((2, 0), (0, 4)),
                 ((3, 2, 1, 2, 3), (2, 3, 4)),
                 # errors
                 ((3,), (4,)), ((2, 3), (4,)), ((2, 3), (4, 5)), ((2, 5, 3), (4, 4)),
                 ((2, 5, 3), (2, 4, 3)), ((2, 2, 3), (3, 3, 4)), ((), (3,))]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul_shapes(sa, sb):
    check(lambda lib: lib.matmul(R(lib, *sa), R(lib, *sb, seed=1)), check_stride=True)
    check(lambda lib: R(lib, *sa) @ R(lib, *sb, seed=1))


def test_matmul_error_messages():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and "
                                           r"4x5\)"):
        M.matmul(M.ones(2, 3), M.ones(4, 5))
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype, but got: "
                                           "float != double"):
        M.matmul(M.ones(2, 3), M.ones(3, 2, dtype=M.float64))


@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "int32", "complex64", "float16",
                                "bfloat16", "bool"])
def test_matmul_dtypes(dt):
    def f(lib):
        a = R(lib, 3, 4, dtype="float32" if dt == "bool" else dt)
        b = R(lib, 4, 2, dtype="float32" if dt == "bool" else dt, seed=3)
        if dt == "bool":
            a, b = a > 0, b > 0
        return a @ b
    check(f)


def test_matmul_noncontig_and_out():
    check(lambda lib: lib.matmul(R(lib, 4, 3).t(), R(lib, 5, 4)[::2].t()[:, :2]))
    check(lambda lib: lib.matmul(R(lib, 3, 4, 2).transpose(0, 2), R(lib, 3, 5)))

    def f(lib):
        out = lib.empty(0)
        r = lib.matmul(R(lib, 2, 3), R(lib, 3, 4), out=out)
        assert r is out
        return out
    check(f)
    check(lambda lib: R(lib, 2, 3).__rmatmul__(R(lib, 4, 2)))


def test_matmul_inplace_operator():
    def f(lib):
        a = R(lib, 3, 3)
        a @= R(lib, 3, 3, seed=5)
        return a
    check(f)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.mm(R(lib, 2, 3), R(lib, 4, 3).t()),
    lambda lib: lib.mm(R(lib, 2, 3), R(lib, 4, 3)),
    lambda lib: lib.mm(R(lib, 3), R(lib, 3, 3)),
    lambda lib: lib.mm(R(lib, 2, 3), R(lib, 3, 3, dtype=F64)),
    lambda lib: R(lib, 2, 3).mm(R(lib, 3, 1)),
    lambda lib: lib.bmm(R(lib, 2, 2, 3), R(lib, 2, 3, 4)),
    lambda lib: lib.bmm(R(lib, 2, 2, 3), R(lib, 3, 3, 4)),
    lambda lib: lib.bmm(R(lib, 2, 3), R(lib, 2, 3, 4)),
    lambda lib: lib.bmm(R(lib, 2, 2, 3, dtype="int64"), R(lib, 2, 3, 4, dtype="int64")),
    lambda lib: lib.mv(R(lib, 2, 3), R(lib, 3)),
    lambda lib: lib.mv(R(lib, 2, 3), R(lib, 4)),
    lambda lib: lib.mv(R(lib, 2, 3), R(lib, 3, dtype=F64)),
    lambda lib: lib.dot(R(lib, 3), R(lib, 3, seed=2)),
    lambda lib: lib.dot(R(lib, 3), R(lib, 4)),
    lambda lib: lib.dot(R(lib, 3), R(lib, 3, dtype=F64)),
    lambda lib: lib.dot(R(lib, 3, 1), R(lib, 3)),
    lambda lib: lib.dot(R(lib, 3, dtype="int64"), R(lib, 3, dtype="int64", seed=2)),
    lambda lib: lib.vdot(R(lib, 3, dtype="complex64"), R(lib, 3, dtype="complex64", seed=2)),
    lambda lib: R(lib, 3, dtype="complex128").dot(R(lib, 3, dtype="complex128", seed=2)),
    lambda lib: lib.inner(R(lib, 2, 3), R(lib, 4, 3)),
    lambda lib: lib.inner(R(lib, 2, 3), R(lib, 4)),
    lambda lib: lib.inner(R(lib), R(lib, 2, 3)),
    lambda lib: lib.outer(R(lib, 2), R(lib, 3)),
    lambda lib: lib.outer(R(lib, 2, dtype="int64"), R(lib, 3)),
    lambda lib: lib.ger(R(lib, 2), R(lib, 3)),
    lambda lib: lib.outer(R(lib, 2, 2), R(lib, 3)),
    lambda lib: lib.addmm(R(lib, 3), R(lib, 2, 4), R(lib, 4, 3)),
    lambda lib: lib.addmm(R(lib, 2, 3), R(lib, 2, 4), R(lib, 4, 3), beta=0.5, alpha=-2),
    lambda lib: lib.addmm(R(lib, 2, 3) * float("nan"), R(lib, 2, 4), R(lib, 4, 3), beta=0),
    lambda lib: lib.addmm(R(lib, 2, 4), R(lib, 2, 4), R(lib, 4, 3)),
    lambda lib: lib.addmm(R(lib, 3, dtype=F64), R(lib, 2, 4), R(lib, 4, 3)),
    lambda lib: lib.addmm(R(lib, 3, dtype="int64"), R(lib, 2, 4, dtype="int64"),
                          R(lib, 4, 3, dtype="int64"), beta=2, alpha=3),
    lambda lib: lib.addmm(R(lib, 3, dtype="int64"), R(lib, 2, 4, dtype="int64"),
                          R(lib, 4, 3, dtype="int64"), beta=0.5),
    lambda lib: lib.addmv(R(lib, 2), R(lib, 2, 3), R(lib, 3), alpha=2),
    lambda lib: lib.addmv(R(lib, 1), R(lib, 2, 3), R(lib, 3), beta=0.5),
    lambda lib: lib.addmv(R(lib, 4), R(lib, 2, 3), R(lib, 3)),
    lambda lib: lib.addbmm(R(lib, 2, 4), R(lib, 3, 2, 5), R(lib, 3, 5, 4), alpha=0.5),
    lambda lib: lib.addbmm(R(lib, 5), R(lib, 3, 2, 5), R(lib, 3, 5, 4)),
    lambda lib: lib.baddbmm(R(lib, 4), R(lib, 3, 2, 5), R(lib, 3, 5, 4), beta=2),
    lambda lib: lib.baddbmm(R(lib, 3, 2, 4), R(lib, 3, 2, 5), R(lib, 3, 5, 4), beta=0),
    lambda lib: lib.addr(R(lib, 2, 3), R(lib, 2), R(lib, 3), beta=0.5, alpha=2),
    lambda lib: lib.addr(R(lib, 3), R(lib, 2), R(lib, 3)),
    lambda lib: lib.addr(R(lib, 2, 3, dtype="int64"), R(lib, 2, dtype="int64"),
                         R(lib, 3, dtype="int64"), beta=0.5),
    lambda lib: lib.addr(R(lib, 2, 3) > 0, R(lib, 2) > 0, R(lib, 3) > 0),
    lambda lib: lib.kron(R(lib, 2, 3), R(lib, 3, 1, 2)),
    lambda lib: lib.kron(R(lib, 2), R(lib, 3, dtype=F64)),
    lambda lib: lib.kron(R(lib, 2, 2, dtype="int64"), R(lib, 3, 2, dtype="int64")),
    lambda lib: lib.cross(R(lib, 4, 3), R(lib, 4, 3, seed=1), dim=1),
    lambda lib: lib.cross(R(lib, 3, 4), R(lib, 3, 1, seed=1), dim=0),
    lambda lib: lib.cross(R(lib, 3, 4), R(lib, 3, 4, seed=1), dim=1),
    lambda lib: lib.linalg.cross(R(lib, 2, 3), R(lib, 1, 3)),
    lambda lib: lib.linalg.cross(R(lib, 2, 3), R(lib, 3)),
    lambda lib: lib.linalg.cross(R(lib, 2, 4), R(lib, 2, 4)),
    lambda lib: lib.trace(R(lib, 3, 4)),
    lambda lib: lib.trace(R(lib, 3, 3, dtype="int32")),
    lambda lib: lib.trace(R(lib, 3)),
    lambda lib: lib.trace(R(lib, 3, 3) > 0),
    lambda lib: R(lib, 4, 2).trace(),
    lambda lib: lib.tensordot(R(lib, 2, 3, 4), R(lib, 3, 4, 5), dims=2),
    lambda lib: lib.tensordot(R(lib, 2, 3, 4), R(lib, 4, 3, 5), dims=([1, 2], [1, 0])),
    lambda lib: lib.tensordot(R(lib, 2, 3), R(lib, 4, 5), dims=0),
    lambda lib: lib.tensordot(R(lib, 2, 3), R(lib, 4, 3), dims=([1], [0])),
    lambda lib: lib.tensordot(R(lib, 2, 3), R(lib, 3, 3, dtype=F64), dims=1),
    lambda lib: lib.tensordot(R(lib, 2, 3), R(lib, 3, 2), dims=([-1], [-2])),
], ids=lambda f: None)
def test_products(fn):
    check(fn)


def test_product_strides_and_noncontig():
    check(lambda lib: lib.mm(R(lib, 3, 2).t(), R(lib, 3, 4)), check_stride=True)
    check(lambda lib: lib.addmm(R(lib, 4, 2).t(), R(lib, 2, 3), R(lib, 3, 4)), check_stride=True)
    check(lambda lib: lib.kron(R(lib, 2, 3), R(lib, 4, 1)), check_stride=True)
    check(lambda lib: lib.bmm(R(lib, 3, 2, 4).transpose(0, 1), R(lib, 2, 4, 5)))


@pytest.mark.parametrize("meth", ["addmm_", "addbmm_", "baddbmm_", "addr_", "addmv_"])
def test_inplace_products(meth):
    args = {"addmm_": lambda lib: (R(lib, 2, 4), R(lib, 4, 3)),
            "addbmm_": lambda lib: (R(lib, 3, 2, 4), R(lib, 3, 4, 3)),
            "baddbmm_": lambda lib: (R(lib, 5, 2, 4), R(lib, 5, 4, 3)),
            "addr_": lambda lib: (R(lib, 2), R(lib, 3)),
            "addmv_": lambda lib: (R(lib, 2, 3), R(lib, 3))}[meth]
    shape = {"baddbmm_": (5, 2, 3), "addmv_": (2,)}.get(meth, (2, 3))

    def f(lib):
        x = R(lib, *shape, seed=9)
        v = x._version
        r = getattr(x, meth)(*args(lib), beta=0.5, alpha=2)
        assert r is x and x._version > v
        return x
    check(f)
    # shape that only broadcasts is refused in place
    check(lambda lib: R(lib, 3).addmm_(R(lib, 2, 2), R(lib, 2, 3)))


def test_out_products():
    for name, args in [("mm", lambda lib: (R(lib, 2, 3), R(lib, 3, 4))),
                       ("bmm", lambda lib: (R(lib, 2, 2, 3), R(lib, 2, 3, 4))),
                       ("addmm", lambda lib: (R(lib, 4), R(lib, 2, 3), R(lib, 3, 4))),
                       ("kron", lambda lib: (R(lib, 2), R(lib, 3))),
                       ("outer", lambda lib: (R(lib, 2), R(lib, 3)))]:
        def f(lib):
            out = lib.zeros(1)
            getattr(lib, name)(*args(lib), out=out)
            return out
        check(f)


EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("ij->ji", [(2, 3)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk", [(2, 3, 4), (4, 5)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(2,), (3,)]),
    ("ij,ij->i", [(2, 3), (2, 3)]), ("ijk", [(2, 3, 4)]), ("ba,cb,dc->ad", [(3, 2), (4, 3), (5, 4)]),
    ("b...,b...->b", [(2, 3, 4), (2, 3, 4)]), (" i j , j k -> k i ", [(2, 3), (3, 4)]),
    # errors
    ("ii->i", [(3, 4)]), ("ij,jk", [(3, 4), (3, 4)]), ("ij,jk->ik", [(2, 3)]),
    ("ij->k", [(2, 3)]), ("ijk->ij", [(2, 3)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM)
def test_einsum(eq, shapes):
    check(lambda lib: lib.einsum(eq, *[R(lib, *s, seed=i) for i, s in enumerate(shapes)]))


def test_einsum_forms():
    check(lambda lib: lib.einsum("ij,jk", [R(lib, 2, 3), R(lib, 3, 4)]))
    check(lambda lib: lib.einsum(R(lib, 2, 3), [0, 1], R(lib, 3, 4), [1, 2], [0, 2]))
    check(lambda lib: lib.einsum(R(lib, 2, 3), [Ellipsis, 1], R(lib, 3, 4), [1, 2]))
    check(lambda lib: lib.einsum("ij,jk", R(lib, 2, 3), R(lib, 3, 3, dtype=F64)))
    check(lambda lib: lib.einsum("ij,jk", R(lib, 2, 3, dtype="int64"),
                                 R(lib, 3, 3, dtype="int64")))
    # a single-operand permutation must not alias the input
    a = M.ones(2, 3)
    r = M.einsum("ij->ji", a)
    r.add_(1) if hasattr(r, "add_") else None
    assert float(a.sum()) == 6.0 if hasattr(a, "sum") else True


def test_chain_matmul_multi_dot():
    check(lambda lib: lib.linalg.multi_dot([R(lib, 3), R(lib, 3, 4), R(lib, 4, 2), R(lib, 2)]))
    check(lambda lib: lib.linalg.multi_dot([R(lib, 2, 3), R(lib, 3, 4), R(lib, 4, 2)]))
    check(lambda lib: lib.linalg.multi_dot([R(lib, 2, 3)]))
    check(lambda lib: lib.linalg.multi_dot([R(lib, 2, 3), R(lib, 4, 2)]))
    check(lambda lib: lib.linalg.multi_dot([R(lib, 2, 3), R(lib, 3, 2, dtype=F64)]))
    check(lambda lib: lib.chain_matmul(R(lib, 2, 3), R(lib, 3, 4), R(lib, 4, 2)))
    check(lambda lib: lib.chain_matmul(R(lib, 2, 3)))
    check(lambda lib: lib.chain_matmul(R(lib, 2, 3), R(lib, 3)))


def test_vecdot():
    check(lambda lib: lib.linalg.vecdot(R(lib, 2, 3), R(lib, 3)))
    check(lambda lib: lib.linalg.vecdot(R(lib, 2, 3), R(lib, 2, 3), dim=0))
    check(lambda lib: lib.linalg.vecdot(R(lib, 2, 3, dtype="complex64"),
                                        R(lib, 3, dtype="complex64", seed=1)))
    check(lambda lib: lib.linalg.vecdot(R(lib, 2, 3), R(lib, 3, dtype=F64)))


# ---------------------------------------------------------------------------------------
# decompositions / torch.linalg
# ---------------------------------------------------------------------------------------

LA = [
    lambda lib: lib.linalg.inv(SQ(lib, 3, 3)),
    lambda lib: lib.linalg.inv(SQ(lib, 2, 3, 3, dtype=F64)),
    lambda lib: lib.linalg.inv(SQ(lib, 3, 3, dtype="complex128")),
    lambda lib: lib.linalg.inv(SQ(lib, 3, 3).t()),
    lambda lib: lib.linalg.inv(lib.zeros(0, 2, 2)).shape,
    lambda lib: lib.linalg.inv(R(lib, 3, 4)),
    lambda lib: lib.linalg.inv(R(lib, 3)),
    lambda lib: lib.linalg.inv(R(lib, 3, 3, dtype="int64")),
    lambda lib: lib.linalg.inv(R(lib, 3, 3, dtype="float16")),
    lambda lib: lib.inverse(SQ(lib, 2, 3, 3)),
    lambda lib: SQ(lib, 2, 3, 3).inverse(),
    lambda lib: lib.linalg.inv_ex(SQ(lib, 2, 3, 3)),
    lambda lib: lib.linalg.inv_ex(lib.zeros(2, 3, 3)).info,
    lambda lib: lib.linalg.det(SQ(lib, 2, 3, 3)),
    lambda lib: lib.linalg.det(lib.zeros(3, 3)),
    lambda lib: lib.linalg.det(lib.ones(0, 0)),
    lambda lib: lib.det(SQ(lib, 3, 3, dtype="complex64")),
    lambda lib: SQ(lib, 4, 4, dtype=F64).det(),
    lambda lib: lib.linalg.det(R(lib, 3, 3, dtype="int64")),
    lambda lib: lib.logdet(SPD(lib, 2, 3, 3)),
    lambda lib: lib.logdet(-lib.eye(3)),
    lambda lib: lib.logdet(lib.zeros(3, 3)),
    lambda lib: lib.linalg.slogdet(SQ(lib, 2, 3, 3)),
    lambda lib: lib.linalg.slogdet(lib.zeros(3, 3)),
    lambda lib: tuple(lib.slogdet(-lib.eye(3, dtype=lib.float64))),
    lambda lib: lib.linalg.cholesky(SPD(lib, 2, 3, 3)),
    lambda lib: lib.linalg.cholesky(SPD(lib, 3, 3), upper=True),
    lambda lib: lib.linalg.cholesky(SPD(lib, 3, 3, dtype="complex128")),
    lambda lib: lib.cholesky(SPD(lib, 3, 3), upper=True),
    lambda lib: lib.cholesky(SPD(lib, 3, 3)),
    lambda lib: lib.linalg.cholesky_ex(SPD(lib, 2, 3, 3)),
    lambda lib: lib.linalg.cholesky_ex(-lib.eye(3).expand(2, 3, 3)).info,
    lambda lib: lib.linalg.solve(SQ(lib, 3, 3), R(lib, 3, 2)),
    lambda lib: lib.linalg.solve(SQ(lib, 2, 3, 3), R(lib, 3)),
    lambda lib: lib.linalg.solve(SQ(lib, 2, 3, 3), R(lib, 2, 3)),
    lambda lib: lib.linalg.solve(SQ(lib, 3, 3), R(lib, 4, 3, 2)),
    lambda lib: lib.linalg.solve(SQ(lib, 3, 3), R(lib, 2, 3), left=False),
    lambda lib: lib.linalg.solve(SQ(lib, 3, 3), R(lib, 4)),
    lambda lib: lib.linalg.solve(SQ(lib, 3, 3), R(lib, 3, dtype=F64)),
    lambda lib: lib.linalg.solve(R(lib, 4, 3), R(lib, 4)),
    lambda lib: lib.linalg.solve_ex(SQ(lib, 2, 3, 3), R(lib, 3, 2)),
    lambda lib: lib.linalg.solve_ex(lib.zeros(2, 3, 3), R(lib, 3, 1)).info,
    lambda lib: lib.linalg.pinv(R(lib, 4, 3, dtype=F64)),
    lambda lib: lib.linalg.pinv(R(lib, 2, 3, 5)),
    lambda lib: lib.linalg.pinv(SPD(lib, 3, 3), hermitian=True),
    lambda lib: lib.linalg.pinv(lib.ones(3, 3, dtype=lib.float64)),
    lambda lib: lib.linalg.pinv(R(lib, 3, 3, dtype=F64), atol=1.0),
    lambda lib: lib.linalg.pinv(R(lib, 3, 3, dtype=F64), rtol=0.5),
    lambda lib: lib.pinverse(R(lib, 4, 3, dtype=F64)),
    lambda lib: lib.linalg.svdvals(R(lib, 2, 4, 3, dtype=F64)),
    lambda lib: lib.linalg.svdvals(R(lib, 3, 3, dtype="complex128")),
    lambda lib: lib.linalg.eigvalsh(SPD(lib, 2, 4, 4)),
    lambda lib: lib.linalg.eigvalsh(SPD(lib, 4, 4), UPLO="U"),
    lambda lib: lib.linalg.eigvalsh(R(lib, 4, 4, dtype=F64)),
    lambda lib: lib.linalg.eigvalsh(R(lib, 4, 4, dtype="int64")),
    lambda lib: lib.linalg.eigvalsh(SPD(lib, 3, 3), UPLO="X"),
    lambda lib: lib.linalg.matrix_rank(R(lib, 2, 4, 3)),
    lambda lib: lib.linalg.matrix_rank(lib.ones(3, 3)),
    lambda lib: lib.linalg.matrix_rank(lib.ones(3, 3), hermitian=True),
    lambda lib: lib.linalg.matrix_rank(R(lib, 3, 3, dtype=F64), atol=1.0),
    lambda lib: lib.linalg.matrix_rank(R(lib, 3, 3, dtype=F64), atol=0.1, rtol=0.5),
    lambda lib: lib.linalg.matrix_rank(R(lib, 3, 3, dtype="int64")),
    lambda lib: lib.linalg.matrix_power(SQ(lib, 2, 3, 3, dtype=F64), 3),
    lambda lib: lib.linalg.matrix_power(SQ(lib, 3, 3, dtype=F64), 0),
    lambda lib: lib.linalg.matrix_power(SQ(lib, 3, 3, dtype=F64), 1),
    lambda lib: lib.linalg.matrix_power(SQ(lib, 2, 3, 3, dtype=F64), -2),
    lambda lib: lib.linalg.matrix_power(R(lib, 3, 3, dtype="int64"), 3),
    lambda lib: lib.linalg.matrix_power(R(lib, 3, 3, dtype="int64"), -1),
    lambda lib: lib.linalg.matrix_power(R(lib, 3, 4), 2),
    lambda lib: lib.matrix_power(SQ(lib, 3, 3, dtype=F64), 2),
    lambda lib: lib.linalg.matrix_exp(R(lib, 2, 3, 3, dtype=F64)),
    lambda lib: lib.linalg.matrix_exp(R(lib, 3, 3)),
    lambda lib: lib.linalg.matrix_exp(R(lib, 3, 3, dtype="complex128")),
    lambda lib: lib.linalg.matrix_exp(R(lib, 3, 3, dtype="int64")),
    lambda lib: lib.matrix_exp(R(lib, 3, 3, dtype=F64)),
    lambda lib: lib.linalg.cond(SQ(lib, 2, 3, 3, dtype=F64)),
    lambda lib: lib.linalg.cond(R(lib, 4, 3, dtype=F64)),
    lambda lib: lib.linalg.cond(SQ(lib, 3, 3, dtype=F64), "fro"),
    lambda lib: lib.linalg.cond(SQ(lib, 3, 3, dtype=F64), "nuc"),
    lambda lib: lib.linalg.cond(SQ(lib, 3, 3, dtype=F64), float("inf")),
    lambda lib: lib.linalg.cond(SQ(lib, 3, 3, dtype=F64), -1),
    lambda lib: lib.linalg.cond(SQ(lib, 3, 3, dtype=F64), -2),
    lambda lib: lib.linalg.cond(R(lib, 3, 4), "fro"),
    lambda lib: lib.linalg.cond(SQ(lib, 3, 3, dtype="complex128")),
    lambda lib: lib.linalg.diagonal(R(lib, 2, 3, 4), offset=1),
    lambda lib: lib.linalg.matmul(R(lib, 2, 3), R(lib, 3)),
    lambda lib: lib.cholesky_inverse(lib.linalg.cholesky(SPD(lib, 3, 3))),
    lambda lib: lib.cholesky_inverse(lib.linalg.cholesky(SPD(lib, 3, 3), upper=True), upper=True),
    lambda lib: lib.cholesky_solve(R(lib, 3, 2, dtype=F64), lib.linalg.cholesky(SPD(lib, 3, 3))),
    lambda lib: lib.cholesky_solve(R(lib, 2, 3, 2, dtype=F64),
                                   lib.linalg.cholesky(SPD(lib, 3, 3), upper=True), upper=True),
]


@pytest.mark.parametrize("fn", LA)
def test_linalg_values(fn):
    check(fn, check_stride=True, rtol=1e-4, atol=1e-5)


def test_singular_errors():
    with pytest.raises(M.linalg.LinAlgError, match="The diagonal element 2 is zero"):
        M.linalg.inv(M.ones(3, 3))
    assert issubclass(M.linalg.LinAlgError, RuntimeError)
    with pytest.raises(M.linalg.LinAlgError, match=r"\(Batch element 1\): The diagonal element 1"):
        M.linalg.inv(M.stack([M.eye(2), M.zeros(2, 2)]) if hasattr(M, "stack") else
                     to_mt(T.stack([T.eye(2), T.zeros(2, 2)])))
    with pytest.raises(M.linalg.LinAlgError, match="leading minor of order 2"):
        M.linalg.cholesky(to_mt(T.tensor([[1., 2.], [2., 1.]])))
    with pytest.raises(M.linalg.LinAlgError, match="singular"):
        M.linalg.solve(M.zeros(3, 3), M.ones(3))
    with pytest.raises(M.linalg.LinAlgError):
        M.linalg.inv_ex(M.zeros(3, 3), check_errors=True)
    with pytest.raises(M.linalg.LinAlgError):
        M.linalg.cholesky_ex(-M.eye(3), check_errors=True)


def _pair(fn):
    t = fn(T)
    m = fn(M)
    return m, t


def _tt(x):
    return to_torch(x)


@pytest.mark.parametrize("shape,mode", [((5, 3), "reduced"), ((3, 5), "reduced"),
                                        ((2, 5, 3), "complete"), ((2, 3, 5), "r"),
                                        ((4, 4), "reduced")])
def test_qr(shape, mode):
    m, t = _pair(lambda lib: lib.linalg.qr(R(lib, *shape, dtype=F64), mode=mode))
    assert type(m).__name__ == "linalg_qr" and m._fields == ("Q", "R")
    Q, Rm = _tt(m.Q), _tt(m.R)
    for a, b in ((m.Q, t.Q), (m.R, t.R)):
        assert tuple(a.shape) == tuple(b.shape) and a.stride() == b.stride()
    if mode != "r":
        A = to_torch(R(M, *shape, dtype=F64))
        T.testing.assert_close(Q @ Rm, A)
    T.testing.assert_close(Rm.abs(), t.R.abs())
    check(lambda lib: lib.linalg.qr(R(lib, 3, 3), mode="bad"))


@pytest.mark.parametrize("shape,full", [((5, 3), True), ((3, 5), False), ((2, 4, 4), True),
                                        ((2, 0, 3), True), ((3, 3), False)])
@pytest.mark.parametrize("dt", [F64, "complex128"])
def test_svd(shape, full, dt):
    m, t = _pair(lambda lib: lib.linalg.svd(R(lib, *shape, dtype=dt), full_matrices=full))
    assert m._fields == ("U", "S", "Vh")
    for a, b in zip(m, t):
        assert tuple(a.shape) == tuple(b.shape) and a.stride() == b.stride()
        assert helpers_dtype(a) == b.dtype
    T.testing.assert_close(_tt(m.S), t.S)
    U, S, Vh = _tt(m.U), _tt(m.S), _tt(m.Vh)
    k = S.shape[-1]
    A = to_torch(R(M, *shape, dtype=dt))
    if k:
        rec = (U[..., :k] * S.to(U.dtype)[..., None, :]) @ Vh[..., :k, :]
        T.testing.assert_close(rec, A)
    else:
        assert_same(m.Vh, t.Vh)


def helpers_dtype(x):
    import helpers
    return helpers.M2T[x.dtype]


@pytest.mark.parametrize("dt", [F64, "float32", "complex128"])
def test_eigh(dt):
    m, t = _pair(lambda lib: lib.linalg.eigh(SPD(lib, 2, 4, 4, dtype=dt)))
    assert m._fields == ("eigenvalues", "eigenvectors")
    assert_same(m.eigenvalues, t.eigenvalues, rtol=1e-4, atol=1e-4)
    assert m.eigenvectors.stride() == t.eigenvectors.stride()
    V = _tt(m.eigenvectors)
    A = to_torch(SPD(M, 2, 4, 4, dtype=dt))
    w = _tt(m.eigenvalues).to(V.dtype)
    T.testing.assert_close(A @ V, V * w[..., None, :], rtol=1e-4, atol=1e-4)
    for up in ("L", "U"):
        assert_same(M.linalg.eigh(to_mt(A), UPLO=up)[0], T.linalg.eigh(A, UPLO=up)[0])


@pytest.mark.parametrize("dt", [F64, "float32", "complex128"])
def test_eig(dt):
    m, t = _pair(lambda lib: lib.linalg.eig(R(lib, 2, 4, 4, dtype=dt)))
    assert m._fields == ("eigenvalues", "eigenvectors")
    assert helpers_dtype(m.eigenvalues) == t.eigenvalues.dtype
    assert helpers_dtype(m.eigenvectors) == t.eigenvectors.dtype
    assert m.eigenvectors.stride() == t.eigenvectors.stride()
    key = lambda v: T.sort(v.real * 1000 + v.imag)[0]  # noqa: E731
    T.testing.assert_close(key(_tt(m.eigenvalues)), key(t.eigenvalues), rtol=1e-4, atol=1e-4)
    V, w = _tt(m.eigenvectors), _tt(m.eigenvalues)
    A = to_torch(R(M, 2, 4, 4, dtype=dt)).to(V.dtype)
    T.testing.assert_close(A @ V, V * w[..., None, :], rtol=1e-4, atol=1e-4)
    mv, tv = _pair(lambda lib: lib.linalg.eigvals(R(lib, 3, 3, dtype=dt)))
    T.testing.assert_close(key(_tt(mv)), key(tv), rtol=1e-4, atol=1e-4)
    check(lambda lib: lib.linalg.eig(R(lib, 3, 4)))
    check(lambda lib: lib.linalg.eigvals(R(lib, 3, 3, dtype="int64")))


@pytest.mark.parametrize("sa,sb,driver", [
    ((5, 3), (5, 2), None), ((5, 3), (5, 2), "gelsd"), ((5, 3), (5,), "gelss"),
    ((2, 5, 3), (2, 5, 2), "gels"), ((2, 3, 5), (2, 3, 2), "gelsy"), ((2, 5, 3), (5, 2), "gelsd"),
    ((3, 3), (3,), None), ((4, 4), (2, 4, 1), None), ((3, 3), (2, 3), None)])
def test_lstsq(sa, sb, driver):
    def f(lib):
        r = lib.linalg.lstsq(R(lib, *sa, dtype=F64), R(lib, *sb, dtype=F64, seed=2),
                             driver=driver)
        if lib is M:
            assert r._fields == ("solution", "residuals", "rank", "singular_values")
        return tuple(r)
    check(f, check_stride=True, rtol=1e-6, atol=1e-8)


def test_lstsq_rank_deficient():
    def f(lib):
        a = lib.ones(4, 3, dtype=lib.float64)
        return tuple(lib.linalg.lstsq(a, R(lib, 4, 2, dtype=F64)))
    check(f, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------------------------------
# meta device
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda lib, d: lib.matmul(lib.ones(2, 1, 3, 4, device=d), lib.ones(5, 4, 2, device=d)),
    lambda lib, d: lib.linalg.qr(lib.ones(2, 5, 3, device=d)),
    lambda lib, d: lib.linalg.inv(lib.ones(2, 3, 3, device=d)),
    lambda lib, d: lib.einsum("bij,bjk->bik", lib.ones(2, 3, 4, device=d),
                              lib.ones(2, 4, 5, device=d)),
])
def test_meta_matches_torch(fn):
    m, t = fn(M, "meta"), fn(T, "meta")
    m = m if isinstance(m, tuple) else (m,)
    t = t if isinstance(t, tuple) else (t,)
    for a, b in zip(m, t):
        assert tuple(a.shape) == tuple(b.shape)
        assert a.stride() == b.stride()
        assert helpers_dtype(a) == b.dtype


def test_linalg_namespace():
    for n in ["inv", "inv_ex", "pinv", "solve", "solve_ex", "det", "slogdet", "matrix_rank",
              "cholesky", "cholesky_ex", "qr", "svd", "svdvals", "eig", "eigvals", "eigh",
              "eigvalsh", "lstsq", "matrix_power", "matrix_exp", "norm", "vector_norm",
              "matrix_norm", "cond", "multi_dot", "cross", "vecdot", "matmul", "diagonal",
              "LinAlgError"]:
        assert hasattr(M.linalg, n), n
    r = M.linalg.slogdet(M.eye(2))
    assert r._fields == ("sign", "logabsdet")
