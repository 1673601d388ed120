"""NPU kernels (on the simulator when no Ascend hardware): every table row against the CPU
kernel and torch's CPU result, incl. non-contiguous views, offsets, dtype casts, transfers."""
import numpy as np
import pytest
import torch as T

import mindtorch_v2 as torch
from helpers import assert_same, to_torch
from mindtorch_v2._backends.npu import acl
from mindtorch_v2._backends.npu import ops as npu_ops


def _setup():
    # CI exports MINDTORCH_NPU=sim; elsewhere fall back to the simulator when nothing is loaded
    if not torch.npu.is_available() and acl._loaded is None:
        torch.npu.use_simulator()
    return torch.npu.is_available()


pytestmark = pytest.mark.skipif(not _setup(), reason="NPU not available")

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal((3, 4)).astype(np.float32)
POS = (np.abs(A) + 0.5).astype(np.float32)


def npu(a, dtype=None):
    return torch.tensor(a, dtype=dtype, device="npu")


def same3(f, *arrays, rtol=1e-5, atol=1e-6):
    """f(npu inputs) == f(cpu inputs) == f(torch inputs)."""
    got = f(*[npu(a) for a in arrays])
    cpu = f(*[torch.tensor(a) for a in arrays])
    ref = f(*[T.tensor(a) for a in arrays])
    assert got.device.type == "npu"
    assert_same(got, ref, rtol=rtol, atol=atol)
    assert_same(cpu, ref, rtol=rtol, atol=atol)


# ---- seed 003 task 12, as written (values read with tolist) ----------------------------

def test_npu_add():
    if not torch.npu.is_available():
        pytest.skip("NPU not available")
    x = torch.tensor([1.0, 2.0]).to("npu")
    y = torch.tensor([3.0, 4.0]).to("npu")
    z = torch.add(x, y).to("cpu")
    assert z.tolist() == [4.0, 6.0]


def test_to_device_roundtrip():   # seed 003 task 11
    x = torch.tensor([1.0, 2.0])
    y = x.to("cpu")
    assert y.device.type == "cpu"
    n = x.to("npu")
    assert n.device == torch.device("npu", 0) and n.to("cpu").tolist() == [1.0, 2.0]


# ---- binary ops ------------------------------------------------------------------------

BINARY = {
    "add": lambda lib, x, y: lib.add(x, y),
    "add_alpha": lambda lib, x, y: lib.add(x, y, alpha=2.5),
    "sub": lambda lib, x, y: lib.sub(x, y),
    "sub_alpha": lambda lib, x, y: lib.sub(x, y, alpha=3),
    "mul": lambda lib, x, y: lib.mul(x, y),
    "div": lambda lib, x, y: lib.div(x, y),
    "maximum": lambda lib, x, y: lib.maximum(x, y),
    "minimum": lambda lib, x, y: lib.minimum(x, y),
}
VIEWS = {
    "contiguous": lambda x: x,
    "transposed": lambda x: x.t(),
    "offset_slice": lambda x: x[1:, 1:3],
    "strided": lambda x: x[:, ::2],
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", BINARY)
def test_binary(name, view):
    f, v = BINARY[name], VIEWS[view]
    lib_of = {torch.Tensor: torch, T.Tensor: T}
    same3(lambda x, y: f(lib_of[type(x)], v(x), v(y)), A, B)


@pytest.mark.parametrize("name", ["add", "mul", "sub", "div", "maximum"])
def test_binary_broadcast_scalar_and_mixed_dtype(name):
    f = BINARY[name]
    lib_of = {torch.Tensor: torch, T.Tensor: T}
    # broadcasting (3,4) with (4,)
    same3(lambda x, y: f(lib_of[type(x)], x, y[0]), A, B)
    # int tensor with float tensor: promotion through the meta function
    ints = np.arange(12, dtype=np.int64).reshape(3, 4) + 1
    same3(lambda x, y: f(lib_of[type(x)], x, y), ints, B)
    # a Python scalar and a 0-dim CPU tensor as the other operand
    if name != "maximum":       # torch.maximum takes tensors only
        got = f(torch, npu(A), 2)
        assert_same(got, f(T, T.tensor(A), 2), rtol=1e-5, atol=1e-6)
    got = f(torch, npu(A), torch.tensor(1.5))
    assert_same(got, f(T, T.tensor(A), T.tensor(1.5)), rtol=1e-5, atol=1e-6)


def test_operators_and_inplace():
    x, y = npu(A), npu(B)
    assert_same(x + y * 2 - 1, T.tensor(A) + T.tensor(B) * 2 - 1, rtol=1e-5, atol=1e-6)
    assert_same(3 - x, 3 - T.tensor(A), rtol=1e-6, atol=1e-6)
    z = x.clone()
    z.add_(y, alpha=2)
    z.mul_(3)
    z[:, 1:3].sub_(1)
    r = T.tensor(A).clone()
    r.add_(T.tensor(B), alpha=2)
    r.mul_(3)
    r[:, 1:3].sub_(1)
    assert_same(z, r, rtol=1e-5, atol=1e-5)
    with pytest.raises(RuntimeError, match="can't be cast"):
        torch.tensor([1, 2], device="npu").add_(x[0, :2])


# ---- unary ops -------------------------------------------------------------------------

UNARY = ["neg", "exp", "abs", "sqrt", "rsqrt", "log", "sin", "cos", "tanh", "sigmoid",
         "reciprocal", "floor", "ceil", "sign", "erf"]


@pytest.mark.parametrize("view", ["contiguous", "transposed", "offset_slice"])
@pytest.mark.parametrize("name", UNARY)
def test_unary(name, view):
    v = VIEWS[view]
    src = POS if name in ("sqrt", "rsqrt", "log") else A
    same3(lambda x: getattr(torch if isinstance(x, torch.Tensor) else T, name)(v(x)), src,
          rtol=1e-5, atol=1e-5)


def test_unary_int_input_gives_float():
    ints = np.arange(6, dtype=np.int64)
    assert_same(torch.sqrt(npu(ints)), T.sqrt(T.tensor(ints)), rtol=1e-6, atol=1e-6)
    assert_same(torch.neg(npu(ints)), T.neg(T.tensor(ints)))


# ---- matmul, sum ------------------------------------------------------------------------

def test_matmul_family():
    m = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    n = RNG.standard_normal((2, 4, 5)).astype(np.float32)
    assert_same(npu(A) @ npu(B).t(), T.tensor(A) @ T.tensor(B).t(), rtol=1e-5, atol=1e-5)
    assert_same(torch.mm(npu(A)[1:], npu(B).t()[:, 1:]),
                T.mm(T.tensor(A)[1:], T.tensor(B).t()[:, 1:]), rtol=1e-5, atol=1e-5)
    assert_same(torch.bmm(npu(m), npu(n)), T.bmm(T.tensor(m), T.tensor(n)), rtol=1e-5, atol=1e-5)
    assert_same(torch.matmul(npu(m), npu(n)[0]), T.matmul(T.tensor(m), T.tensor(n)[0]),
                rtol=1e-5, atol=1e-5)
    assert_same(torch.matmul(npu(A), npu(B[0])), T.matmul(T.tensor(A), T.tensor(B[0])),
                rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("args", [(), (0,), (1,), ((0, 1),), (1, True), (-1, False)])
def test_sum(args):
    same3(lambda x: x.sum(*args), A, rtol=1e-5, atol=1e-5)
    same3(lambda x: x.t()[1:].sum(*args), A, rtol=1e-5, atol=1e-5)


def test_sum_int_and_dtype():
    ints = np.arange(12, dtype=np.int32).reshape(3, 4)
    assert_same(npu(ints).sum(), T.tensor(ints).sum())          # int32 -> int64
    assert_same(npu(ints).sum(1, dtype=torch.float64), T.tensor(ints).sum(1, dtype=T.float64))


# ---- fill, zero, copy, casts, creation ---------------------------------------------------

def test_fill_zero_and_creation():
    assert_same(torch.zeros(2, 3, device="npu"), T.zeros(2, 3))
    assert_same(torch.ones(2, 3, dtype=torch.int32, device="npu"), T.ones(2, 3, dtype=T.int32))
    assert_same(torch.full((2, 2), 7.5, device="npu"), T.full((2, 2), 7.5))
    assert_same(torch.arange(5, device="npu"), T.arange(5))
    assert_same(torch.linspace(0, 1, 5, device="npu"), T.linspace(0, 1, 5))
    assert_same(torch.zeros_like(npu(A)), T.zeros_like(T.tensor(A)))
    x = npu(A)
    x[1:, ::2].fill_(3.0)
    x[0].zero_()
    r = T.tensor(A)
    r[1:, ::2].fill_(3.0)
    r[0].zero_()
    assert_same(x, r)
    x.fill_(torch.tensor(2.0, device="npu"))
    assert x.tolist() == [[2.0] * 4] * 3


def test_strided_copy_and_casts():
    x = torch.zeros(3, 4, device="npu")
    y = torch.ones(1, 4, device="npu")
    x[:1].copy_(y)                                         # the issue's example
    r = T.zeros(3, 4)
    r[:1].copy_(T.ones(1, 4))
    assert_same(x, r)
    x.t()[1:3].copy_(npu(B).t()[:2])                      # strided destination and source
    r.t()[1:3].copy_(T.tensor(B).t()[:2])
    assert_same(x, r)
    x[2].copy_(torch.tensor(5))                            # 0-dim CPU source: a scalar
    r[2].copy_(T.tensor(5))
    assert_same(x, r)
    x.copy_(npu(np.arange(4, dtype=np.int64)))             # broadcast + int -> float
    r.copy_(T.arange(4))
    assert_same(x, r)
    for dt in (torch.float16, torch.bfloat16, torch.int32, torch.int8, torch.bool,
               torch.float64, torch.int64):
        got = npu(A * 4).to(dt)
        assert got.device.type == "npu" and got.dtype is dt
        assert_same(got, T.tensor(A * 4).to(to_torch(dt)))
    assert_same(npu(A).t().clone(), T.tensor(A).t().clone(), check_stride=True)
    assert_same(npu(A).t().contiguous(), T.tensor(A).t().contiguous(), check_stride=True)


# ---- transfers --------------------------------------------------------------------------

def test_transfers():
    x = npu(A)
    assert x.device == torch.device("npu:0") and x.is_npu
    assert_same(x.cpu(), T.tensor(A))
    assert_same(x.t().cpu(), T.tensor(A).t())
    assert_same(x[1:, 2:].cpu(), T.tensor(A)[1:, 2:])
    assert_same(torch.tensor(A).npu(), T.tensor(A))
    assert torch.tensor(A).npu().device == torch.device("npu", 0)
    # to(other), to(device, dtype), cpu <- npu across dtypes, npu <- cpu strided
    other = torch.zeros(1, dtype=torch.float64, device="npu")
    y = torch.tensor(A).to(other)
    assert y.device.type == "npu" and y.dtype is torch.float64
    assert_same(x.to("cpu", torch.int32), T.tensor(A).to(T.int32))
    c = torch.zeros(4, 3, dtype=torch.float64)
    c.copy_(x.t())
    assert_same(c, T.tensor(A).t().double())
    d = torch.zeros(4, 6, device="npu")
    d[:, ::2].copy_(torch.tensor(A).t())
    r = T.zeros(4, 6)
    r[:, ::2].copy_(T.tensor(A).t())
    assert_same(d, r)
    # npu:0 -> npu:1 (the simulator has two devices)
    if torch.npu.device_count() > 1:
        z = x.to("npu:1")
        assert z.device == torch.device("npu", 1)
        assert_same(z, T.tensor(A))
        assert_same(z + z, T.tensor(A) * 2)


def test_non_blocking_from_pinned():
    p = torch.tensor(A).pin_memory()
    assert p.is_pinned() and not torch.tensor(A).is_pinned()
    y = p.to("npu", non_blocking=True)
    torch.npu.current_stream().synchronize()
    assert_same(y, T.tensor(A))
    assert_same(torch.tensor(A).to("npu", non_blocking=True), T.tensor(A))


def test_storage_no_cpu_copy():   # seed 000 task 3, as written
    if not torch.npu.is_available():
        return
    t = torch.tensor([1.0, 2.0], device="npu")
    st = t.storage()
    assert st.device.type == "npu"
    assert st.untyped_storage().data_ptr() != 0
    ust = t.untyped_storage()
    assert ust._data is None and ust.data_ptr() == t.data_ptr()
    assert t[1:].data_ptr() == t.data_ptr() + 4
    assert ust.tolist() == list(np.array([1.0, 2.0], np.float32).view(np.uint8))
    assert ust.cpu().device.type == "cpu"
    ust.resize_(16)
    assert ust.nbytes() == 16 and torch.tensor([], device="npu").untyped_storage().nbytes() == 0


def test_printing():
    assert repr(npu([1.0, 2.5])) == "tensor([1.0000, 2.5000], device='npu:0')"
    assert repr(npu([1, 2])) == "tensor([1, 2], device='npu:0')"
    assert repr(npu([1, 2], torch.int32)) == "tensor([1, 2], device='npu:0', dtype=torch.int32)"
    assert str(npu(A).t()) == str(T.tensor(A).t()).replace(")", ", device='npu:0')")
    assert repr(torch.empty(0, device="npu")) == "tensor([], device='npu:0')"


def test_missing_kernel_raises():
    x = npu(A)
    with pytest.raises(NotImplementedError, match="'aten::cumprod'.*'NPU' backend"):
        torch.cumprod(x, 0)
    i = npu([3, 4], torch.int64)
    with pytest.raises(NotImplementedError, match="NPU"):
        torch.div(i, i, rounding_mode="trunc")


def test_kernel_table_covers_issue_ops():
    names = {row[0] for row in npu_ops.TABLE}
    assert {"add", "sub", "mul", "div", "matmul", "sum", "fill_", "zero_", "copy_",
            "_to_copy", "clone", "maximum", "minimum"} <= names
    from mindtorch_v2._ops.registry import OPS
    for name in ("add", "add_", "mul_", "exp_", "copy_", "sum"):
        assert "npu" in OPS[name].kernels


def test_simulator_validation_surfaces():
    # matmul of int64 is not an ACLNN dtype: the kernel's status becomes a RuntimeError
    x = torch.ones(2, 2, dtype=torch.int64, device="npu")
    with pytest.raises(RuntimeError, match="aclnnMatmulGetWorkspaceSize.*ACLNN_ERR_PARAM_INVALID"):
        x @ x
