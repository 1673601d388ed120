"""NPU kernels beyond the first table (elementwise, reductions, indexing, shape, nn, random,
functionalize write-back): NPU == mindtorch CPU == torch, incl. non-contiguous inputs."""
import numpy as np
import pytest
import torch as T

import mindtorch_v2 as torch
from helpers import assert_same
from mindtorch_v2._backends.npu import acl
from mindtorch_v2._backends.npu import ops as npu_ops


def _setup():
    if not torch.npu.is_available() and acl._loaded is None:
        torch.npu.use_simulator()
    return torch.npu.is_available()


pytestmark = pytest.mark.skipif(not _setup(), reason="NPU not available")

RNG = np.random.default_rng(1)
A = RNG.standard_normal((4, 6)).astype(np.float32)
B = RNG.standard_normal((4, 6)).astype(np.float32)
I = RNG.integers(-5, 6, (4, 6)).astype(np.int64)
J = RNG.integers(1, 4, (4, 6)).astype(np.int64)

VIEWS = {"contiguous": lambda x: x, "transposed": lambda x: x.t(),
         "strided": lambda x: x[1:, ::2]}


def check(f, *arrays, view="contiguous", rtol=1e-5, atol=1e-6):
    """f(lib, *inputs) on NPU, mindtorch CPU and torch: same values, dtypes and shapes."""
    v = VIEWS[view]
    got = f(torch, *[v(torch.tensor(a, device="npu")) for a in arrays])
    cpu = f(torch, *[v(torch.tensor(a)) for a in arrays])
    ref = f(T, *[v(T.tensor(a)) for a in arrays])
    outs = zip(*(r if isinstance(r, tuple) else (r,) for r in (got, cpu, ref)))
    for g, c, r in outs:
        assert g.device.type == "npu"
        assert_same(g, r, rtol=rtol, atol=atol)
        assert_same(c, r, rtol=rtol, atol=atol)


UNARY = ["expm1", "log1p", "exp2", "tan", "atan", "sinh", "cosh", "asinh", "trunc", "frac",
         "erfc", "square", "isinf", "isfinite", "signbit", "logical_not", "negative",
         "absolute", "fix", "arctan", "sigmoid", "round"]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", UNARY)
def test_unary(name, view):
    check(lambda lib, x: getattr(lib, name)(x), A, view=view)


@pytest.mark.parametrize("name", ["log2", "log10", "asin", "acos", "atanh", "acosh", "erfinv"])
def test_unary_domain(name):
    # inside and outside the domain: NaN where torch gives NaN
    check(lambda lib, x: getattr(lib, name)(x), A * 0.9, rtol=1e-4, atol=1e-5)


def test_unary_int_and_bitwise():
    check(lambda lib, x: lib.exp2(x), I)          # int -> float
    check(lambda lib, x: lib.square(x), I)        # int stays int
    check(lambda lib, x: lib.bitwise_not(x), I)
    check(lambda lib, x: lib.logical_not(x), I)


BINARY = {
    "mul_scalar": lambda lib, x, y: x * 2.5,
    "add_scalar_alpha": lambda lib, x, y: lib.add(x, 3, alpha=2),
    "sub_scalar": lambda lib, x, y: x - 1.5,
    "div_scalar": lambda lib, x, y: x / 4,
    "rsub": lambda lib, x, y: 2 - x,
    "eq": lambda lib, x, y: x == y, "ne": lambda lib, x, y: x != y,
    "lt": lambda lib, x, y: x < y, "le": lambda lib, x, y: lib.less_equal(x, y),
    "gt_scalar": lambda lib, x, y: x > 0.25, "ge_scalar": lambda lib, x, y: x >= 0,
    "eq_scalar": lambda lib, x, y: lib.eq(x, 0.0),
    "logical_and": lambda lib, x, y: lib.logical_and(x > 0, y),
    "logical_or": lambda lib, x, y: lib.logical_or(x, y > 0),
    "logical_xor": lambda lib, x, y: lib.logical_xor(x, y),
    "remainder": lambda lib, x, y: lib.remainder(x, y),
    "remainder_scalar": lambda lib, x, y: x % 0.7,
    "fmod": lambda lib, x, y: lib.fmod(x, y), "fmod_scalar": lambda lib, x, y: lib.fmod(x, 0.3),
    "floor_divide": lambda lib, x, y: x // y,
    "div_floor": lambda lib, x, y: lib.div(x, y, rounding_mode="floor"),
    "div_trunc": lambda lib, x, y: lib.div(x, y, rounding_mode="trunc"),
    "atan2": lambda lib, x, y: lib.atan2(x, y),
    "pow_tt": lambda lib, x, y: lib.pow(x.abs(), y), "pow_ts": lambda lib, x, y: x ** 3,
    "pow_st": lambda lib, x, y: 2 ** x,
    "maximum": lambda lib, x, y: lib.maximum(x, y),
    "where": lambda lib, x, y: lib.where(x > y, x, y),
    "where_scalar": lambda lib, x, y: lib.where(x > 0, x, 0.5),
    "clamp": lambda lib, x, y: x.clamp(-0.5, 0.5), "clamp_min": lambda lib, x, y: x.clamp(min=0),
    "clamp_max": lambda lib, x, y: lib.clamp(x, max=0.1),
    "clamp_tensor": lambda lib, x, y: lib.clamp(x, min=y - 1, max=y + 1),
    "clamp_tensor_min": lambda lib, x, y: lib.clamp(x, min=y),
    "lerp_scalar": lambda lib, x, y: lib.lerp(x, y, 0.3),
    "lerp_tensor": lambda lib, x, y: lib.lerp(x, y, y.sigmoid()),
    "addcmul": lambda lib, x, y: lib.addcmul(x, x, y, value=0.5),
    "addcdiv": lambda lib, x, y: lib.addcdiv(x, x, y.abs() + 1, value=-2),
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", BINARY)
def test_binary(name, view):
    check(BINARY[name], A, B, view=view)


INT_BINARY = {
    "bitwise_and": lambda lib, x, y: x & y, "bitwise_or": lambda lib, x, y: x | y,
    "bitwise_xor": lambda lib, x, y: lib.bitwise_xor(x, y),
    "floor_divide": lambda lib, x, y: x // y, "remainder": lambda lib, x, y: x % y,
    "int_float_cmp": lambda lib, x, y: x > 0.5, "int_mul_float": lambda lib, x, y: x * 1.5,
    "pow": lambda lib, x, y: x ** 2, "mixed": lambda lib, x, y: x.float() < y,
    "clamp": lambda lib, x, y: x.clamp(-2, 3),
}


@pytest.mark.parametrize("name", INT_BINARY)
def test_int_binary(name):
    check(INT_BINARY[name], I, J, view="transposed")


def test_inplace_rows():
    # in-place ops reuse the out-of-place row, then copy back into self (a view here)
    for f in (lambda lib, x, y: x.clamp_(-0.1, 0.1), lambda lib, x, y: x.lerp_(y, 0.5),
              lambda lib, x, y: x.addcmul_(y, y), lambda lib, x, y: x.pow_(2),
              lambda lib, x, y: x.masked_fill_(y > 0, -1.0)):
        check(lambda lib, x, y: (f(lib, x, y), x)[1], A, B, view="strided")


REDUCTIONS = {
    "mean": lambda lib, x: x.mean(), "mean_dim": lambda lib, x: x.mean(1, keepdim=True),
    "mean_dims": lambda lib, x: lib.mean(x, (0, 1)),
    "prod": lambda lib, x: x.prod(), "prod_dim": lambda lib, x: x.prod(0),
    "amax": lambda lib, x: x.amax(1), "amin": lambda lib, x: lib.amin(x, (0, 1), keepdim=True),
    "max": lambda lib, x: x.max(), "min": lambda lib, x: x.min(),
    "max_dim": lambda lib, x: tuple(x.max(1)), "min_dim": lambda lib, x: tuple(x.min(0, True)),
    "argmax": lambda lib, x: x.argmax(), "argmax_dim": lambda lib, x: x.argmax(1),
    "argmin_keep": lambda lib, x: lib.argmin(x, 0, keepdim=True),
    "all": lambda lib, x: (x > -3).all(), "any_dim": lambda lib, x: (x > 1).any(1),
    "var": lambda lib, x: x.var(), "var_dim": lambda lib, x: x.var(1, correction=0),
    "std": lambda lib, x: x.std(0, keepdim=True),
    "cumsum": lambda lib, x: x.cumsum(1), "cumsum_neg": lambda lib, x: lib.cumsum(x, -2),
    "logsumexp": lambda lib, x: x.logsumexp(1),
    "softmax": lambda lib, x: x.softmax(0), "log_softmax": lambda lib, x: x.log_softmax(-1),
    "sum_dtype": lambda lib, x: x.sum(1, dtype=lib.float64),
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions(name, view):
    check(REDUCTIONS[name], A, view=view)


def test_int_reductions():
    for f in (lambda lib, x: x.sum(), lambda lib, x: x.prod(1), lambda lib, x: x.cumsum(0),
              lambda lib, x: x.mean(dtype=lib.float32), lambda lib, x: x.amax(0),
              lambda lib, x: x.argmax(1), lambda lib, x: x.bool().all(1)):
        check(f, I, view="transposed")


def test_matmul_family():
    m = RNG.standard_normal((3, 4, 5)).astype(np.float32)
    n = RNG.standard_normal((3, 5, 2)).astype(np.float32)
    c = RNG.standard_normal((4, 2)).astype(np.float32)
    check(lambda lib, a, b, c: lib.addmm(c, a[0], b[0], beta=0.5, alpha=2), m, n, c)
    check(lambda lib, a, b, c: lib.addmm(c[0], a[1], b[1]), m, n, c)             # broadcast
    check(lambda lib, a, b, c: lib.baddbmm(c, a, b, alpha=-1), m, n, c)
    check(lambda lib, a, b, c: lib.baddbmm(c, a.transpose(1, 2).transpose(1, 2), b, beta=0),
          m, n, c)


@pytest.mark.filterwarnings("ignore:The reduce argument")
def test_indexing():
    idx = np.array([[0, 2, 5], [1, 1, 0], [3, 4, 2], [5, 0, 1]])
    check(lambda lib, x, i: lib.gather(x, 1, i), A, idx)
    check(lambda lib, x, i: x.t().gather(0, i.t()[:, :3]), A, idx)
    check(lambda lib, x, i: x.index_select(1, i[0]), A, idx)
    check(lambda lib, x, i: lib.index_select(x, 0, i[:, 0] % 4), A, idx)
    check(lambda lib, x, i: x.scatter(1, i, x[:, :3] * 10), A, idx)
    check(lambda lib, x, i: x.scatter(1, i[:, :1], 7.0), A, idx)
    check(lambda lib, x, i: x.scatter_add(1, i, x), A, idx)
    check(lambda lib, x, i: x.t().scatter_add(0, i.t() % 4, x.t()), A, idx)
    check(lambda lib, x, i: x.scatter(1, i, x, reduce="add"), A, idx)


def test_index_put_and_masked_fill():
    rows = np.array([0, 2, 2])
    cols = np.array([1, 3, 3])
    check(lambda lib, x, r, c: x.index_put((r, c), lib.tensor(5.0, device=x.device)),
          A, rows, cols)
    check(lambda lib, x, r, c: x.index_put((r, c), x[0, :3], accumulate=True), A, rows, cols)
    check(lambda lib, x, r, c: x.index_put((r,), x[:3] * 0), A, rows, cols)
    check(lambda lib, x, r, c: x.t().index_put_((c,), x[:, 0] + 1), A, rows, cols)
    check(lambda lib, x, y: x.masked_fill(y > 0, 2.5), A, B, view="transposed")
    check(lambda lib, x, y: x.masked_fill(y[0] > 0, lib.tensor(-1.0)), A, B)
    check(lambda lib, x, y: x.masked_fill(y > 0, y.sum()), A, B, view="strided")


def test_shape_ops():
    check(lambda lib, x, y: lib.cat([x, y], 1), A, B, view="transposed")
    check(lambda lib, x, y: lib.cat([x, y, x], -2), A, B, view="strided")
    check(lambda lib, x, y: lib.cat([x, (y * 2).int()]), A, B)        # promotion
    check(lambda lib, x, y: lib.stack([x, y], 1), A, B, view="transposed")
    check(lambda lib, x, y: lib.stack([x, y], -1), A, B)
    check(lambda lib, x: x.flip(0), A, view="strided")
    check(lambda lib, x: lib.flip(x, (0, 1)), A, view="transposed")
    check(lambda lib, x: x.tril(), A, view="transposed")
    check(lambda lib, x: x.triu(1), A, view="strided")
    check(lambda lib, x: lib.tril(x, -1), A)


def test_nn_ops():
    F = lambda lib: lib.nn.functional  # noqa: E731
    x = RNG.standard_normal((2, 3, 7, 6)).astype(np.float32)
    w = RNG.standard_normal((4, 3, 3, 2)).astype(np.float32)
    wg = RNG.standard_normal((6, 1, 3, 3)).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)
    atol = 1e-5
    check(lambda lib, x, w, b: F(lib).conv2d(x, w, b), x, w, b, atol=atol)
    check(lambda lib, x, w, b: F(lib).conv2d(x, w, None, stride=2, padding=(1, 2),
                                             dilation=(2, 1)), x, w, b, atol=atol)
    check(lambda lib, x, w: F(lib).conv2d(x, w, groups=3, padding=1), x, wg, atol=atol)
    check(lambda lib, x, w: F(lib).conv_transpose2d(x[:, :, :4], w.transpose(0, 1)[:3],
                                                    stride=2, padding=1, output_padding=1),
          x[:, :, :, :4].copy(), w[:, :, :, :].copy(), atol=atol)
    check(lambda lib, x, w: F(lib).conv1d(x[:, :, 0], w[:, :, 0]), x, w, atol=atol)
    check(lambda lib, x: F(lib).max_pool2d(x, 2), x)
    check(lambda lib, x: F(lib).max_pool2d(x, 3, stride=2, padding=1, return_indices=True),
          x)
    check(lambda lib, x: F(lib).max_pool2d(x[0], (2, 3), ceil_mode=True), x)
    check(lambda lib, x: F(lib).layer_norm(x, (7, 6)), x, atol=atol)
    check(lambda lib, x, b: F(lib).layer_norm(x.transpose(1, 3), (3,), b[:3], b[1:]), x, b,
          atol=atol)
    check(lambda lib, x: F(lib).gelu(x), x)
    check(lambda lib, x: F(lib).gelu(x, approximate="tanh"), x)
    check(lambda lib, x: F(lib).silu(F(lib).relu(x)), x)

    def bn(lib, x, b, training):
        rm, rv = lib.zeros(3, device=x.device), lib.ones(3, device=x.device)
        y = F(lib).batch_norm(x, rm, rv, b[:3], b[1:], training=training, momentum=0.2)
        return y, rm, rv
    check(lambda lib, x, b: bn(lib, x, b, True), x, b, atol=atol)
    check(lambda lib, x, b: bn(lib, x, b, False), x, b, atol=atol)


def test_losses():
    F = lambda lib: lib.nn.functional  # noqa: E731
    logits = RNG.standard_normal((5, 4)).astype(np.float32)
    t = np.array([0, 3, 1, 1, 2])
    wt = np.array([1.0, 2.0, 0.5, 1.5], np.float32)
    for kw in ({}, {"reduction": "sum"}, {"reduction": "none"}, {"ignore_index": 1}):
        check(lambda lib, x, t: F(lib).cross_entropy(x, t, **kw), logits, t)
    check(lambda lib, x, t, w: F(lib).nll_loss(x.log_softmax(1), t, w), logits, t, wt)
    img = RNG.standard_normal((2, 4, 3, 3)).astype(np.float32)
    timg = RNG.integers(0, 4, (2, 3, 3))
    check(lambda lib, x, t: F(lib).cross_entropy(x, t), img, timg)


def test_random_fills():
    torch.manual_seed(3)
    u = torch.empty(2000, device="npu").uniform_(-2, 3)
    n = torch.empty(50, 40, device="npu").normal_(1.0, 0.5)
    m = torch.empty(4000, device="npu").bernoulli_(0.25)
    r = torch.empty(1000, dtype=torch.int64, device="npu").random_(3, 9)
    for t in (u, n, m, r):
        assert t.device.type == "npu"
    u, n, m, r = (t.cpu().numpy() for t in (u, n, m, r))
    assert -2 <= u.min() and u.max() < 3 and abs(u.mean() - 0.5) < 0.15
    assert abs(n.mean() - 1.0) < 0.05 and abs(n.std() - 0.5) < 0.05
    assert set(np.unique(m)) <= {0.0, 1.0} and abs(m.mean() - 0.25) < 0.03
    assert r.min() == 3 and r.max() == 8
    # reproducible after re-seeding; successive draws differ
    torch.manual_seed(3)
    again = torch.empty(2000, device="npu").uniform_(-2, 3).cpu().numpy()
    assert np.array_equal(again, u)
    nxt = torch.empty(2000, device="npu").uniform_(-2, 3).cpu().numpy()
    assert not np.array_equal(nxt, u)
    # dropout in training draws its mask on the device and scales the kept values
    x = torch.ones(1000, device="npu")
    d = torch.nn.functional.dropout(x, 0.4).cpu().numpy()
    assert np.all(np.isclose(d, 0) | np.isclose(d, 1 / 0.6))
    assert abs((d == 0).mean() - 0.4) < 0.06


def test_functionalize_writeback_uses_slice_assign(monkeypatch):
    from mindtorch_v2._backends.npu import aclnn
    seen = []
    real = aclnn.run
    monkeypatch.setattr(aclnn, "run", lambda k, *a, **kw: (seen.append(k), real(k, *a, **kw))[1])

    def f(lib, x):
        ctx = lib.functionalize() if lib is torch else None
        if ctx is not None:
            ctx.__enter__()
        x[1:4:2, ::3].add_(100)          # a per-dim slice: strided-slice-assign
        x[:, 2:5].mul_(-1)
        x.t()[2].sub_(7)                 # select: not a slice of the base, strided copy
        x.diagonal().zero_()
        if ctx is not None:
            ctx.__exit__(None, None, None)
        return x
    check(f, A.copy())
    assert seen.count("aclnnStridedSliceAssignV2") == 2


def test_missing_kernels_raise_not_implemented():
    x = torch.tensor(A, device="npu")
    for f, name in ((lambda: torch.cumprod(x, 0), "cumprod"), (lambda: torch.unique(x), "unique"),
                    (lambda: torch.nn.functional.max_pool3d(x[None, None, None], 1), "max_pool")):
        with pytest.raises(NotImplementedError, match=f"{name}.*NPU"):
            f()


def test_simulator_validates_like_cann():
    x = torch.tensor(A, device="npu")
    with pytest.raises(RuntimeError, match="aclnnGatherGetWorkspaceSize.*PARAM_INVALID"):
        from mindtorch_v2._backends.npu.aclnn import run
        out = torch.empty(4, 6, device="npu")
        run("aclnnGather", x, 1, x, out)            # float index
    with pytest.raises(RuntimeError, match="aclnnSoftmaxGetWorkspaceSize.*PARAM_INVALID"):
        i = torch.tensor(I, device="npu")
        run("aclnnSoftmax", i, 0, torch.empty(4, 6, dtype=torch.int64, device="npu"))


def test_table_rows_are_declared():
    names = set(acl.ACLNN_OPS)
    for _, kernel, _ in npu_ops.TABLE:
        for k in kernel if isinstance(kernel, tuple) else (kernel,):
            assert k in names, k
