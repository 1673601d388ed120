"""Simulator ACLNN kernels through acl.py: descriptors, two-phase protocol, values vs torch."""
import ctypes

import numpy as np
import pytest
import torch

from mindtorch_v2._backends.npu import acl
from mindtorch_v2._backends.npu.simulator import Simulator

V, I64 = ctypes.c_void_p, ctypes.c_int64
DT = {np.dtype(np.float32): acl.ACL_FLOAT, np.dtype(np.float16): acl.ACL_FLOAT16,
      np.dtype(np.int64): acl.ACL_INT64, np.dtype(np.int32): acl.ACL_INT32,
      np.dtype(np.uint32): acl.ACL_UINT32, np.dtype(np.bool_): acl.ACL_BOOL}


@pytest.fixture
def lib():
    sim = Simulator(devices=1, memory=64 << 20)
    lib = acl.Acl(sim.rt, sim.nnopbase, [sim.opapi], simulator=sim)
    lib.call("aclrtSetDevice", 0)
    yield lib
    sim.shutdown()


def arr(v):
    return (I64 * len(v))(*v)


def upload(lib, a):
    a = np.ascontiguousarray(a)
    p = V()
    lib.call("aclrtMalloc", ctypes.byref(p), max(a.nbytes, 1), 0)
    if a.nbytes:
        lib.call("aclrtMemcpy", p.value, a.nbytes, a.ctypes.data, a.nbytes, 1)
    return p.value


def tensor(lib, base, shape, dtype, strides=None, offset=0, storage=None):
    shape = list(shape)
    if strides is None:
        strides = [int(np.prod(shape[i + 1:])) for i in range(len(shape))]
    storage = shape if storage is None else storage
    h = lib.nnopbase.aclCreateTensor(arr(shape), len(shape), DT[np.dtype(dtype)], arr(strides),
                                     offset, acl.ACL_FORMAT_ND, arr(storage), len(storage), base)
    assert h, lib.recent_error()
    return h


def dev(lib, a):
    """(handle, address) of a device tensor holding ``a``."""
    base = upload(lib, a)
    return tensor(lib, base, a.shape, a.dtype), base


def scalar(lib, v, dtype=np.float32):
    box = np.array(v, dtype)
    return lib.nnopbase.aclCreateScalar(box.ctypes.data, DT[box.dtype])


def run(lib, op, *args, stream=None):
    ws, ex = ctypes.c_uint64(), V()
    lib.call(op + "GetWorkspaceSize", *args, ctypes.byref(ws), ctypes.byref(ex))
    w = upload(lib, np.zeros(ws.value, np.uint8)) if ws.value else None
    lib.call(op, w, ws.value, ex, stream)
    lib.call("aclrtSynchronizeStream", stream)
    return ex


def read(lib, base, shape, dtype=np.float32):
    out = np.empty(shape, dtype)
    lib.call("aclrtMemcpy", out.ctypes.data, out.nbytes, base, out.nbytes, 2)
    return out


def status(lib, op, *args):
    ws, ex = ctypes.c_uint64(), V()
    return getattr(lib.opapi, op + "GetWorkspaceSize")(*args, ctypes.byref(ws), ctypes.byref(ex))


R = np.random.default_rng(0)
X = R.standard_normal((3, 4)).astype(np.float32)
Y = R.standard_normal((4,)).astype(np.float32)
T = torch.from_numpy


@pytest.mark.parametrize("op,ref", [
    ("aclnnAdd", lambda: torch.add(T(X), T(Y), alpha=2.5)),
    ("aclnnSub", lambda: torch.sub(T(X), T(Y), alpha=2.5)),
    ("aclnnMul", lambda: T(X) * T(Y)), ("aclnnDiv", lambda: T(X) / T(Y)),
    ("aclnnMaximum", lambda: torch.maximum(T(X), T(Y)))])
def test_binary_broadcast(lib, op, ref):
    x, _ = dev(lib, X)
    y, _ = dev(lib, Y)
    out, ob = dev(lib, np.zeros((3, 4), np.float32))
    args = (x, y, scalar(lib, 2.5), out) if op in ("aclnnAdd", "aclnnSub") else (x, y, out)
    run(lib, op, *args)
    np.testing.assert_allclose(read(lib, ob, (3, 4)), ref().numpy(), rtol=1e-6)


@pytest.mark.parametrize("op,ref", [
    ("aclnnAdds", lambda: T(X) + 2 * 1.5), ("aclnnSubs", lambda: T(X) - 2 * 1.5),
    ("aclnnMuls", lambda: T(X) * 2), ("aclnnDivs", lambda: T(X) / 2)])
def test_scalar_forms(lib, op, ref):
    x, _ = dev(lib, X)
    out, ob = dev(lib, np.zeros((3, 4), np.float32))
    alpha = (scalar(lib, 1.5),) if op in ("aclnnAdds", "aclnnSubs") else ()
    run(lib, op, x, scalar(lib, 2.0), *alpha, out)
    np.testing.assert_allclose(read(lib, ob, (3, 4)), ref().numpy(), rtol=1e-6)


@pytest.mark.parametrize("op,ref", [("aclnnRelu", torch.relu), ("aclnnNeg", torch.neg),
                                    ("aclnnExp", torch.exp), ("aclnnAbs", torch.abs),
                                    ("aclnnTanh", torch.tanh), ("aclnnSigmoid", torch.sigmoid)])
def test_unary(lib, op, ref):
    x, _ = dev(lib, X)
    out, ob = dev(lib, np.zeros((3, 4), np.float32))
    run(lib, op, x, out)
    np.testing.assert_allclose(read(lib, ob, (3, 4)), ref(T(X)).numpy(), rtol=1e-6)


def test_int_exp_promotes_and_int_out_rejected(lib):
    xi, _ = dev(lib, np.arange(3, dtype=np.int64))
    out, ob = dev(lib, np.zeros(3, np.float32))
    run(lib, "aclnnExp", xi, out)
    np.testing.assert_allclose(read(lib, ob, 3), torch.exp(torch.arange(3)).numpy(), rtol=1e-6)
    bad, _ = dev(lib, np.zeros(3, np.int64))
    assert status(lib, "aclnnExp", xi, bad) == acl.ACLNN_ERR_PARAM_INVALID
    assert "can't be cast" in lib.recent_error()


def test_matmul_family(lib):
    a = R.standard_normal((2, 3, 4)).astype(np.float32)
    b = R.standard_normal((2, 4, 5)).astype(np.float32)
    ha, _ = dev(lib, a)
    hb, _ = dev(lib, b)
    out, ob = dev(lib, np.zeros((2, 3, 5), np.float32))
    run(lib, "aclnnBatchMatMul", ha, hb, out, 0)
    np.testing.assert_allclose(read(lib, ob, (2, 3, 5)), torch.bmm(T(a), T(b)).numpy(), rtol=1e-5)
    out2, ob2 = dev(lib, np.zeros((2, 3, 5), np.float32))
    run(lib, "aclnnMatmul", ha, hb, out2, 1)
    np.testing.assert_allclose(read(lib, ob2, (2, 3, 5)), torch.matmul(T(a), T(b)).numpy(),
                               rtol=1e-5)
    assert status(lib, "aclnnMm", ha, hb, out, 0) == acl.ACLNN_ERR_PARAM_INVALID
    assert "2-D" in lib.recent_error()
    # the workspace is required at launch
    m, _ = dev(lib, a[0])
    n, _ = dev(lib, b[0])
    o, _ = dev(lib, np.zeros((3, 5), np.float32))
    ws, ex = ctypes.c_uint64(), V()
    lib.call("aclnnMmGetWorkspaceSize", m, n, o, 0, ctypes.byref(ws), ctypes.byref(ex))
    assert ws.value > 0
    assert lib.opapi.aclnnMm(None, 0, ex, None) == acl.ACLNN_ERR_PARAM_INVALID
    assert "workspace" in lib.recent_error()


def test_reduce_sum(lib):
    x, _ = dev(lib, X)
    out, ob = dev(lib, np.zeros((1, 4), np.float32))
    run(lib, "aclnnReduceSum", x, lib.nnopbase.aclCreateIntArray(arr([0]), 1), True,
        acl.ACL_FLOAT, out)
    np.testing.assert_allclose(read(lib, ob, (1, 4)), T(X).sum(0, keepdim=True).numpy(),
                               rtol=1e-6)
    assert status(lib, "aclnnReduceSum", x, lib.nnopbase.aclCreateIntArray(arr([5]), 1), True,
                  acl.ACL_FLOAT, out) == acl.ACLNN_ERR_PARAM_INVALID


def test_descriptor_offset_strides_and_inplace_copy_of_a_view(lib):
    # x[:, 1:3].copy_(y) where x is (3, 4): view offset 1, strides (4, 1), storage base pointer
    base = upload(lib, X)
    view = tensor(lib, base, (3, 2), np.float32, strides=(4, 1), offset=1, storage=(3, 4))
    y = np.arange(6, dtype=np.int64).reshape(3, 2)
    hy, _ = dev(lib, y)
    run(lib, "aclnnInplaceCopy", view, hy)
    ref = T(X.copy())
    ref[:, 1:3].copy_(T(y))
    np.testing.assert_array_equal(read(lib, base, (3, 4)), ref.numpy())
    # a transposed (non-contiguous) source
    src = tensor(lib, base, (4, 3), np.float32, strides=(1, 4), storage=(3, 4))
    out, ob = dev(lib, np.zeros((4, 3), np.float16))
    run(lib, "aclnnCast", src, acl.ACL_FLOAT16, out)
    np.testing.assert_array_equal(read(lib, ob, (4, 3), np.float16), ref.t().half().numpy())
    # a view that overruns its storage is rejected at creation
    assert not lib.nnopbase.aclCreateTensor(arr([3, 4]), 2, acl.ACL_FLOAT, arr([4, 1]), 1, 2,
                                            arr([3, 4]), 2, base)
    assert "exceeds storage" in lib.recent_error()


def test_fill_zero_and_strided_slice_assign(lib):
    x, xb = dev(lib, np.ones((4, 4), np.float32))
    run(lib, "aclnnInplaceFillScalar", x, scalar(lib, 3, np.int64))
    np.testing.assert_array_equal(read(lib, xb, (4, 4)), np.full((4, 4), 3))
    v, _ = dev(lib, np.full((2, 4), 9, np.float32))
    ia = lib.nnopbase.aclCreateIntArray
    run(lib, "aclnnStridedSliceAssignV2", x, v, ia(arr([0]), 1), ia(arr([4]), 1),
        ia(arr([2]), 1), None)
    ref = torch.full((4, 4), 3.0)
    ref[0:4:2] = 9
    np.testing.assert_array_equal(read(lib, xb, (4, 4)), ref.numpy())
    run(lib, "aclnnInplaceZero", x)
    np.testing.assert_array_equal(read(lib, xb, (4, 4)), np.zeros((4, 4)))


def test_validation_errors(lib):
    x, _ = dev(lib, X)
    out, _ = dev(lib, np.zeros((3, 4), np.float32))
    assert status(lib, "aclnnMul", None, x, out) == acl.ACLNN_ERR_PARAM_NULLPTR
    assert "self is nullptr" in lib.recent_error()
    wrong, _ = dev(lib, np.zeros((3, 5), np.float32))
    assert status(lib, "aclnnMul", x, x, wrong) == acl.ACLNN_ERR_PARAM_INVALID
    assert "shape" in lib.recent_error()
    u, _ = dev(lib, np.zeros((3, 4), np.uint32))
    assert status(lib, "aclnnMul", u, u, out) == acl.ACLNN_ERR_PARAM_INVALID
    assert "ACL_UINT32" in lib.recent_error()
    y, _ = dev(lib, np.zeros(5, np.float32))
    assert status(lib, "aclnnAdd", x, y, scalar(lib, 1.0), out) == acl.ACLNN_ERR_PARAM_INVALID
    with pytest.raises(RuntimeError, match="ACLNN_ERR_PARAM_INVALID.*cannot broadcast"):
        lib.call("aclnnAddGetWorkspaceSize", x, y, scalar(lib, 1.0), out,
                 ctypes.byref(ctypes.c_uint64()), ctypes.byref(V()))


def test_executor_lifetime(lib):
    x, _ = dev(lib, X)
    out, ob = dev(lib, np.zeros((3, 4), np.float32))
    ex = run(lib, "aclnnNeg", x, out)              # single use: freed at launch
    assert lib.opapi.aclnnNeg(None, 0, ex, None) == acl.ACLNN_ERR_PARAM_INVALID
    assert lib.nnopbase.aclDestroyAclOpExecutor(ex) == acl.ACLNN_ERR_PARAM_INVALID
    assert lib.nnopbase.aclDestroyAclOpExecutor(None) == acl.ACLNN_ERR_INNER_NULLPTR
    ws, ex = ctypes.c_uint64(), V()
    lib.call("aclnnNegGetWorkspaceSize", x, out, ctypes.byref(ws), ctypes.byref(ex))
    lib.call("aclSetAclOpExecutorRepeatable", ex)
    for _ in range(2):
        lib.call("aclnnNeg", None, 0, ex, None)
    assert lib.opapi.aclnnExp(None, 0, ex, None) == acl.ACLNN_ERR_PARAM_INVALID  # wrong op
    lib.call("aclrtSynchronizeDevice")
    np.testing.assert_array_equal(read(lib, ob, (3, 4)), -X)
    lib.call("aclDestroyAclOpExecutor", ex)
    assert lib.opapi.aclnnNeg(None, 0, ex, None) == acl.ACLNN_ERR_PARAM_INVALID
    # descriptors and lists
    lst = lib.nnopbase.aclCreateTensorList((V * 2)(x, out), 2)
    assert lst
    lib.call("aclDestroyTensorList", lst)           # destroys its tensors too
    assert lib.nnopbase.aclDestroyTensor(x) == acl.ACLNN_ERR_PARAM_INVALID


def test_kernel_runs_on_stream_not_before(lib):
    x, _ = dev(lib, X)
    out, ob = dev(lib, np.zeros((3, 4), np.float32))
    s = V()
    lib.call("aclrtCreateStream", ctypes.byref(s))
    ws, ex = ctypes.c_uint64(), V()
    with lib.simulator.hold_streams():
        lib.call("aclnnReluGetWorkspaceSize", x, out, ctypes.byref(ws), ctypes.byref(ex))
        lib.call("aclnnRelu", None, 0, ex, s.value)
        np.testing.assert_array_equal(read(lib, ob, (3, 4)), np.zeros((3, 4)))   # stale
    lib.call("aclrtSynchronizeStream", s.value)
    np.testing.assert_array_equal(read(lib, ob, (3, 4)), np.maximum(X, 0))
