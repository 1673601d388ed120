"""NPU kernels for sorting/selection, data-dependent shapes (nonzero, masked_select, advanced
indexing with None entries and bool masks), var_mean/std_mean, multi-dim prod, repeat/roll/
repeat_interleave, constant padding and the nn paths built on them: NPU == torch."""
import numpy as np
import pytest
import torch as T

import mindtorch_v2 as torch
from helpers import assert_same
from mindtorch_v2._backends.npu import acl


def _setup():
    if not torch.npu.is_available() and acl._loaded is None:
        torch.npu.use_simulator()
    return torch.npu.is_available()


pytestmark = pytest.mark.skipif(not _setup(), reason="NPU not available")

RNG = np.random.default_rng(5)
A = RNG.standard_normal((4, 6)).astype(np.float32)
A3 = RNG.standard_normal((3, 4, 5)).astype(np.float32)
TIES = RNG.integers(0, 3, (4, 6)).astype(np.float32)      # many equal values
IMG = RNG.standard_normal((2, 3, 7, 7)).astype(np.float32)
VIEWS = {"contiguous": lambda x: x, "strided": lambda x: x.transpose(0, -1)[::1, 1:]}


def check(f, *arrays, view="contiguous", rtol=1e-5, atol=1e-6):
    """f(lib, *inputs) on NPU and in torch: same values, dtypes and shapes."""
    v = VIEWS[view]
    got = f(torch, *[v(torch.tensor(a, device="npu")) for a in arrays])
    ref = f(T, *[v(T.tensor(a)) for a in arrays])
    gots, refs = (r if isinstance(r, (tuple, list)) else (r,) for r in (got, ref))
    assert len(gots) == len(refs)
    for g, r in zip(gots, refs):
        assert g.device.type == "npu"
        assert_same(g, r, rtol=rtol, atol=atol)


CASES = {
    "sort": lambda lib, x: lib.sort(x, dim=1),
    "sort_desc_stable": lambda lib, x: lib.sort(x, dim=0, descending=True, stable=True),
    "argsort": lambda lib, x: lib.argsort(x, dim=-1, stable=True),
    "topk": lambda lib, x: lib.topk(x, 3, dim=-1),
    "topk_smallest": lambda lib, x: lib.topk(x, 2, dim=0, largest=False),
    "kthvalue": lambda lib, x: lib.kthvalue(x, 2, dim=1, keepdim=True),
    "cummax": lambda lib, x: lib.cummax(x, 1),
    "cummin": lambda lib, x: lib.cummin(x, 0),
    "nonzero": lambda lib, x: lib.nonzero(x > 0.5),
    "nonzero_tuple": lambda lib, x: lib.nonzero(x > 0, as_tuple=True),
    "argwhere": lambda lib, x: lib.argwhere(x < 0),
    "masked_select": lambda lib, x: lib.masked_select(x, x > 0),
    "masked_select_bcast": lambda lib, x: lib.masked_select(x, x[:1] > 0),
    "bool_getitem": lambda lib, x: x[x > 0],
    "var_mean": lambda lib, x: lib.var_mean(x, dim=1),
    "std_mean": lambda lib, x: lib.std_mean(x, dim=(0, 1), keepdim=True, correction=0),
    "var_mean_all": lambda lib, x: lib.var_mean(x),
    "repeat": lambda lib, x: x.repeat(2, 1, 3),
    "tile": lambda lib, x: lib.tile(x, (2,)),
    "roll": lambda lib, x: lib.roll(x, (1, -2), (0, 1)),
    "roll_flat": lambda lib, x: lib.roll(x, 3),
    "repeat_interleave": lambda lib, x: lib.repeat_interleave(x, 2, dim=1),
    "repeat_interleave_flat": lambda lib, x: lib.repeat_interleave(x, 2),
    "repeat_interleave_tensor": lambda lib, x: lib.repeat_interleave(
        x, lib.tensor([1, 0, 2, 1], device=x.device), dim=0),
    "searchsorted": lambda lib, x: lib.searchsorted(lib.tensor([-1., 0., 1.], device=x.device),
                                                    x, right=True),
    "bucketize": lambda lib, x: lib.bucketize(x, lib.tensor([-1., 0., 1.], device=x.device)),
    "pad": lambda lib, x: lib.nn.functional.pad(x, (1, 2, 0, 1), value=0.5),
    "pad_crop": lambda lib, x: lib.nn.functional.pad(x, (-1, 1)),
}


@pytest.mark.parametrize("name", CASES)
def test_ops(name):
    check(CASES[name], A)


@pytest.mark.parametrize("name", ["sort", "topk", "cummax", "nonzero", "masked_select", "roll",
                                  "repeat", "var_mean", "pad"])
def test_ops_strided(name):
    check(CASES[name], A3, view="strided")


def test_prod_several_dims_matches_torch():
    # torch.prod takes one dim; the op (used by composites) takes several
    from mindtorch_v2._dispatch.dispatcher import dispatch
    from mindtorch_v2._ops.registry import OPS
    x = torch.tensor(A3, device="npu")
    got = dispatch(OPS["prod"], x, (0, 2), True)
    assert_same(got, T.tensor(A3).prod(2, keepdim=True).prod(0, keepdim=True), rtol=1e-5)
    got = dispatch(OPS["prod"], x, (2, 0), False)     # public functions wrap dims first
    assert_same(got, T.tensor(A3).prod(2).prod(0), rtol=1e-5)


@pytest.mark.parametrize("name", ["sort", "sort_desc_stable", "cummax", "cummin"])
def test_ties_pick_torch_indices(name):     # (topk's tie order is unspecified in torch)
    check(CASES[name], TIES)


INDEXING = {
    "int": lambda x, i: x[i],
    "slice_then_int": lambda x, i: x[:, i],
    "separated": lambda x, i: x[i[:2], :, i[:2]],
    "mask_then_slice": lambda x, i: x[x[:, 0, 0] > 0],
}


@pytest.mark.parametrize("name", INDEXING)
def test_advanced_getitem(name):
    idx = np.array([2, 0, 1], np.int64)
    got = INDEXING[name](torch.tensor(A3, device="npu"), torch.tensor(idx, device="npu"))
    assert_same(got, INDEXING[name](T.tensor(A3), T.tensor(idx)))


@pytest.mark.parametrize("key", ["slice_int", "separated", "mask", "int_accumulate"])
def test_index_put_with_none_and_masks(key):
    def f(lib, x):
        i = lib.tensor([0, 2], device=x.device)
        x = x.clone()
        if key == "slice_int":
            x[:, i] = lib.tensor([[5.0], [6.0]], device=x.device)
        elif key == "separated":
            x[i, :, i] = -1.0
        elif key == "mask":
            x[x > 0.5] = 0.0
        else:
            x = x.index_put((i,), lib.ones((2, 4, 5), device=x.device), accumulate=True)
        return x
    check(f, A3)


def test_index_put_accumulates_duplicates():
    def f(lib, x):
        i = lib.tensor([1, 1, 3], device=x.device)
        return x.index_put((i,), lib.ones((3, 6), device=x.device), accumulate=True)
    check(f, A)


def test_empty_selections():
    check(lambda lib, x: (lib.nonzero(x > 100), lib.masked_select(x, x > 100), x[x > 100]), A)


def test_one_hot_and_embedding_on_npu():
    idx = np.array([[1, 3, 0], [2, 2, 4]], np.int64)
    w = RNG.standard_normal((5, 3)).astype(np.float32)
    for f in (lambda lib, i, w: lib.nn.functional.one_hot(i, 6),
              lambda lib, i, w: lib.nn.functional.embedding(i, w, padding_idx=2)):
        got = f(torch, torch.tensor(idx, device="npu"), torch.tensor(w, device="npu"))
        assert got.device.type == "npu"
        assert_same(got, f(T, T.tensor(idx), T.tensor(w)))


POOLS = {
    "avg_pool2d": lambda F, x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
    "adaptive_avg_pool2d": lambda F, x: F.adaptive_avg_pool2d(x, (3, 2)),
    "max_pool1d": lambda F, x: F.max_pool1d(x.flatten(2), 3, stride=2, return_indices=True),
    "interp_nearest": lambda F, x: F.interpolate(x, scale_factor=2),
    "interp_bilinear": lambda F, x: F.interpolate(x, size=(5, 9), mode="bilinear"),
    "sdpa_causal": lambda F, x: F.scaled_dot_product_attention(x, x, x, is_causal=True),
}


@pytest.mark.parametrize("name", POOLS)
def test_spatial_paths(name):
    check(lambda lib, x: POOLS[name](lib.nn.functional, x), IMG, rtol=1e-5, atol=1e-5)


ACTS = ["silu", "mish", "hardswish", "softplus", "elu", "leaky_relu", "logsigmoid", "relu6",
        "hardtanh", "selu", "gelu"]


@pytest.mark.parametrize("name", ACTS)
def test_activations(name):
    check(lambda lib, x: getattr(lib.nn.functional, name)(x), A * 3, rtol=1e-5, atol=1e-6)


def test_masked_fill_with_tensor_value_and_where():
    check(lambda lib, x: (x.masked_fill(x > 0, lib.tensor(2.0, device=x.device)),
                          lib.where(x > 0, x, lib.zeros((), device=x.device))), A)


def test_factories_on_npu():
    for f in (lambda lib: lib.arange(1, 10, 2, device=DEV[lib]),
              lambda lib: lib.linspace(0, 1, 7, device=DEV[lib]),
              lambda lib: lib.eye(3, 4, device=DEV[lib])):
        got = f(torch)
        assert got.device.type == "npu"
        assert_same(got, f(T))


DEV = {torch: "npu", T: "cpu"}


def test_simulator_validates_like_cann():
    from mindtorch_v2._backends.npu.aclnn import IntArray, run
    x = torch.tensor(A, device="npu")
    bad = torch.empty((4, 5), device="npu")
    with pytest.raises(RuntimeError, match="161002"):     # ACLNN_ERR_PARAM_INVALID
        run("aclnnRepeat", x, IntArray((1,)), bad)        # repeats shorter than the rank
    with pytest.raises(RuntimeError, match="161002"):
        run("aclnnSort", x, False, 5, False, x, bad)      # dim out of range


def test_ops_without_kernel_name_op_and_backend():
    x = torch.tensor(A, device="npu")
    with pytest.raises(NotImplementedError, match="(?s)unique.*NPU"):
        torch.unique(x)
