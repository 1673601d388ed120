"""nn layer modules against real torch: same arguments and state in both libraries, then
forward outputs, input and parameter gradients, repr, state_dict keys, train/eval mode,
default initialisation distributions and torch's exceptions for bad arguments."""
from __future__ import annotations

import math
import sys
import pathlib

import pytest
import torch as T

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from _layer_harness import NC, compare, pair, raises_same  # noqa: E402
from helpers import assert_same, to_mt  # noqa: E402

import mindtorch_v2 as M  # noqa: E402

I64 = T.int64

# (id, module factory, inputs): a tuple is a random float input that requires grad, NC(...)
# the same but non-contiguous, a tensor is used as is.
CASES = [
    ("linear", lambda nn: nn.Linear(4, 3), [NC(2, 4)]),
    ("linear_nobias", lambda nn: nn.Linear(4, 3, bias=False), [(0, 4)]),
    ("bilinear", lambda nn: nn.Bilinear(3, 4, 2), [(5, 3), (5, 4)]),
    ("bilinear_nobias", lambda nn: nn.Bilinear(3, 4, 2, bias=False), [(1, 3), (1, 4)]),
    ("conv1d", lambda nn: nn.Conv1d(2, 4, 3), [NC(2, 2, 7)]),
    ("conv1d_unbatched", lambda nn: nn.Conv1d(2, 4, 3, stride=2, padding=1), [(2, 7)]),
    ("conv1d_same", lambda nn: nn.Conv1d(2, 4, 4, padding="same", dilation=2), [(1, 2, 9)]),
    ("conv1d_valid", lambda nn: nn.Conv1d(2, 4, 3, padding="valid", bias=False), [(1, 2, 5)]),
    ("conv1d_reflect", lambda nn: nn.Conv1d(2, 2, 3, padding=2, padding_mode="reflect"),
     [(2, 2, 6)]),
    ("conv1d_circular_same", lambda nn: nn.Conv1d(2, 2, 4, padding="same",
                                                  padding_mode="circular"), [(2, 2, 6)]),
    ("conv2d", lambda nn: nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), groups=2),
     [NC(2, 4, 6, 5)]),
    ("conv2d_dil", lambda nn: nn.Conv2d(2, 3, 3, dilation=2, padding=1), [(1, 2, 7, 7)]),
    ("conv2d_replicate", lambda nn: nn.Conv2d(2, 3, 3, padding=1, padding_mode="replicate"),
     [(2, 2, 5, 4)]),
    ("conv2d_circular", lambda nn: nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="circular"),
     [(1, 2, 5, 4)]),
    ("conv2d_same", lambda nn: nn.Conv2d(2, 2, (2, 3), padding="same"), [(1, 2, 5, 4)]),
    ("conv2d_batch0", lambda nn: nn.Conv2d(2, 3, 3), [(0, 2, 5, 5)]),
    ("conv3d", lambda nn: nn.Conv3d(2, 2, 2, stride=(1, 2, 1)), [(1, 2, 4, 4, 3)]),
    ("convT1d", lambda nn: nn.ConvTranspose1d(2, 4, 3, stride=2, padding=1, output_padding=1),
     [NC(2, 2, 5)]),
    ("convT2d", lambda nn: nn.ConvTranspose2d(4, 2, (3, 2), stride=2, groups=2, dilation=1),
     [(2, 4, 3, 4)]),
    ("convT2d_dil", lambda nn: nn.ConvTranspose2d(2, 3, 3, dilation=2, bias=False),
     [(1, 2, 3, 3)]),
    ("maxpool1d", lambda nn: nn.MaxPool1d(3, 2, padding=1), [NC(2, 3, 8)]),
    ("maxpool2d", lambda nn: nn.MaxPool2d((2, 3), ceil_mode=True), [(2, 3, 5, 7)]),
    ("maxpool2d_dil", lambda nn: nn.MaxPool2d(2, 1, dilation=2), [(1, 2, 5, 5)]),
    ("maxpool2d_idx", lambda nn: nn.MaxPool2d(2, return_indices=True), [(1, 2, 4, 4)]),
    ("avgpool1d", lambda nn: nn.AvgPool1d(3, 2, 1, count_include_pad=False), [(2, 3, 8)]),
    ("avgpool2d", lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True), [NC(2, 3, 7, 6)]),
    ("avgpool2d_div", lambda nn: nn.AvgPool2d(2, divisor_override=3), [(1, 2, 4, 4)]),
    ("adaptiveavg1d", lambda nn: nn.AdaptiveAvgPool1d(3), [(2, 3, 7)]),
    ("adaptiveavg2d", lambda nn: nn.AdaptiveAvgPool2d((3, None)), [NC(2, 3, 7, 5)]),
    ("adaptivemax1d", lambda nn: nn.AdaptiveMaxPool1d(4), [(2, 3, 9)]),
    ("adaptivemax2d", lambda nn: nn.AdaptiveMaxPool2d(2, return_indices=True), [(2, 3, 5, 6)]),
    ("lppool1d", lambda nn: nn.LPPool1d(2, 3, 2), [(2, 3, 8)]),
    ("lppool2d", lambda nn: nn.LPPool2d(3, 2), [(2, 3, 4, 6)]),
    ("bn1d", lambda nn: nn.BatchNorm1d(3), [(4, 3)]),
    ("bn1d_3d", lambda nn: nn.BatchNorm1d(3, momentum=None), [NC(4, 3, 5)]),
    ("bn2d", lambda nn: nn.BatchNorm2d(3, affine=False), [(2, 3, 4, 4)]),
    ("bn2d_nostats", lambda nn: nn.BatchNorm2d(3, track_running_stats=False), [(2, 3, 4, 4)]),
    ("bn2d_nobias", lambda nn: nn.BatchNorm2d(3, bias=False, eps=1e-3), [(2, 3, 2, 3)]),
    ("bn3d", lambda nn: nn.BatchNorm3d(2, momentum=0.3), [(2, 2, 3, 2, 2)]),
    ("in1d", lambda nn: nn.InstanceNorm1d(3), [(2, 3, 6)]),
    ("in1d_unbatched", lambda nn: nn.InstanceNorm1d(3, affine=True), [(3, 6)]),
    ("in2d_stats", lambda nn: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
     [NC(2, 3, 4, 5)]),
    ("layernorm", lambda nn: nn.LayerNorm(5), [NC(2, 3, 5)]),
    ("layernorm_2d", lambda nn: nn.LayerNorm([3, 5], eps=1e-3, bias=False), [(2, 3, 5)]),
    ("layernorm_noaffine", lambda nn: nn.LayerNorm(5, elementwise_affine=False), [(0, 5)]),
    ("groupnorm", lambda nn: nn.GroupNorm(2, 4), [NC(2, 4, 3, 3)]),
    ("groupnorm_noaffine", lambda nn: nn.GroupNorm(4, 4, affine=False), [(2, 4, 5)]),
    ("rmsnorm", lambda nn: nn.RMSNorm(5), [NC(2, 3, 5)]),
    ("rmsnorm_eps", lambda nn: nn.RMSNorm([3, 5], eps=1e-3, elementwise_affine=False),
     [(2, 3, 5)]),
    ("lrn", lambda nn: nn.LocalResponseNorm(3), [(2, 5, 3, 3)]),
    ("embedding", lambda nn: nn.Embedding(6, 3), [T.tensor([[1, 2, 5], [0, 2, 2]])]),
    ("embedding_pad", lambda nn: nn.Embedding(6, 3, padding_idx=-2),
     [T.tensor([1, 4, 4, 0])]),
    ("embeddingbag_mean", lambda nn: nn.EmbeddingBag(6, 3),
     [T.tensor([1, 2, 4, 5, 4, 3]), T.tensor([0, 2, 2])]),
    ("embeddingbag_sum", lambda nn: nn.EmbeddingBag(6, 3, mode="sum"),
     [T.tensor([[1, 2], [4, 5]])]),
    ("embeddingbag_max", lambda nn: nn.EmbeddingBag(6, 3, mode="max", padding_idx=0),
     [T.tensor([[1, 0], [4, 5]])]),
    ("pixelshuffle", lambda nn: nn.PixelShuffle(2), [NC(1, 8, 3, 2)]),
    ("pixelunshuffle", lambda nn: nn.PixelUnshuffle(2), [(2, 2, 4, 6)]),
    ("channelshuffle", lambda nn: nn.ChannelShuffle(2), [(2, 4, 3)]),
    ("upsample_nearest", lambda nn: nn.Upsample(scale_factor=2), [(1, 2, 3, 4)]),
    ("upsample_size", lambda nn: nn.Upsample(size=(5, 7), mode="bilinear"), [(1, 2, 3, 4)]),
    ("upsample_linear", lambda nn: nn.Upsample(scale_factor=1.5, mode="linear",
                                               align_corners=True), [(1, 2, 4)]),
    ("upsampling_nearest2d", lambda nn: nn.UpsamplingNearest2d(size=5), [(1, 2, 3, 3)]),
    ("upsampling_bilinear2d", lambda nn: nn.UpsamplingBilinear2d(scale_factor=2),
     [NC(1, 2, 3, 4)]),
    ("zeropad1d", lambda nn: nn.ZeroPad1d((1, 2)), [(2, 3, 4)]),
    ("zeropad2d", lambda nn: nn.ZeroPad2d(1), [NC(1, 2, 3, 4)]),
    ("constpad1d", lambda nn: nn.ConstantPad1d(2, 3.5), [(2, 3, 4)]),
    ("constpad2d", lambda nn: nn.ConstantPad2d((1, 0, 2, 1), -1.0), [(2, 3, 4)]),
    ("constpad3d", lambda nn: nn.ConstantPad3d(1, 0.5), [(1, 2, 2, 3, 2)]),
    ("reflpad1d", lambda nn: nn.ReflectionPad1d(2), [(2, 3, 4)]),
    ("reflpad2d", lambda nn: nn.ReflectionPad2d((1, 2, 0, 1)), [NC(1, 2, 3, 4)]),
    ("replpad1d", lambda nn: nn.ReplicationPad1d((3, 1)), [(2, 3, 4)]),
    ("replpad2d", lambda nn: nn.ReplicationPad2d(2), [(1, 2, 3, 4)]),
    ("circpad1d", lambda nn: nn.CircularPad1d(2), [(2, 3, 4)]),
    ("circpad2d", lambda nn: nn.CircularPad2d((1, 2, 1, 0)), [(1, 2, 3, 4)]),
    ("cosine", lambda nn: nn.CosineSimilarity(dim=-1), [(3, 4), NC(3, 4)]),
    ("pairwise", lambda nn: nn.PairwiseDistance(p=1.5, keepdim=True), [(3, 4), (3, 4)]),
    ("fold", lambda nn: nn.Fold((4, 5), 2), [(2, 12, 12)]),
    ("unfold", lambda nn: nn.Unfold((2, 3), padding=1, stride=2), [NC(2, 3, 4, 5)]),
    ("flatten", lambda nn: nn.Flatten(), [(2, 3, 4)]),
    ("unflatten", lambda nn: nn.Unflatten(1, (2, 3)), [(2, 6)]),
    ("identity", lambda nn: nn.Identity(3, x=1), [(2, 3)]),
    ("dropout_eval", lambda nn: nn.Dropout(0.3), [(4, 5)]),
    ("alphadropout_eval", lambda nn: nn.AlphaDropout(0.3), [(4, 5)]),
]


@pytest.mark.parametrize("name,make,inputs", CASES, ids=[c[0] for c in CASES])
def test_layer_train(name, make, inputs):
    if name.endswith("_eval"):
        compare(make, inputs, train=False)
    else:
        compare(make, inputs)


EVAL_CASES = [c for c in CASES if c[0].startswith(("bn", "in2d", "dropout", "alphadrop"))]


@pytest.mark.parametrize("name,make,inputs", EVAL_CASES, ids=[c[0] for c in EVAL_CASES])
def test_layer_eval(name, make, inputs):
    compare(make, inputs, train=False)


@pytest.mark.parametrize("make,inputs", [
    (lambda nn: nn.Conv2d(2, 3, 3, padding=1), [(2, 2, 5, 5)]),
    (lambda nn: nn.BatchNorm1d(3), [(4, 3, 5)]),
    (lambda nn: nn.LayerNorm(4), [(3, 4)]),
    (lambda nn: nn.ConvTranspose1d(2, 3, 3, stride=2), [(2, 2, 4)]),
])
def test_layer_float32(make, inputs):
    compare(make, inputs, dtype=T.float32, tol=1e-5)


def test_batchnorm_running_stats_over_steps():
    """Several training steps update the running stats and counter like torch; momentum None
    gives the cumulative average; then eval uses the running stats."""
    for momentum in (0.1, None):
        mm, tm = pair(lambda nn: nn.BatchNorm2d(3, momentum=momentum))
        for _ in range(3):
            x = T.randn(4, 3, 2, 2, dtype=T.float64) * 2 + 1
            assert_same(mm(to_mt(x)), tm(x).detach())
        for (n, a), (_, b) in zip(mm.named_buffers(), tm.named_buffers()):
            assert_same(a, b)
        assert mm.num_batches_tracked.item() == 3
        mm.eval()
        tm.eval()
        x = T.randn(2, 3, 2, 2, dtype=T.float64)
        assert_same(mm(to_mt(x)), tm(x).detach())
        mm.reset_running_stats()
        assert mm.num_batches_tracked.item() == 0 and mm.running_var.sum().item() == 3


def test_batchnorm_state_dict_roundtrip_and_old_checkpoint():
    t = T.nn.BatchNorm1d(3)
    m = M.nn.BatchNorm1d(3)
    assert M.nn.BatchNorm1d(3).num_batches_tracked.dtype is M.int64
    sd = {k: to_mt(v) for k, v in t.state_dict().items()}
    del sd["num_batches_tracked"]
    # a checkpoint without version metadata (pre-counter) still loads strictly
    res = m.load_state_dict(sd)
    assert list(res.missing_keys) == [] and list(res.unexpected_keys) == []


def test_dropout_train_mode():
    M.manual_seed(0)
    x = M.ones(200, 50)
    for cls, p in ((M.nn.Dropout, 0.3), (M.nn.Dropout, 0.0), (M.nn.Dropout, 1.0)):
        y = cls(p)(x)
        zeros = (y == 0).float().mean().item()
        assert abs(zeros - p) < 0.03
        if p < 1:
            kept = y[y != 0]
            assert_same(kept, T.full((kept.numel(),), 1 / (1 - p)))
    y = M.nn.Dropout2d(0.5)(M.ones(20, 30, 4, 4))
    per_channel = y.sum((2, 3))
    assert set(per_channel.flatten().tolist()) <= {0.0, 32.0}
    y = M.nn.Dropout1d(0.5)(M.ones(20, 30, 4))
    assert set(y.sum(2).flatten().tolist()) <= {0.0, 8.0}
    y = M.nn.Dropout3d(0.5)(M.ones(4, 30, 2, 2, 2))
    assert set(y.sum((2, 3, 4)).flatten().tolist()) <= {0.0, 16.0}
    # alpha dropout keeps mean ~0 and std ~1 of a standard normal input
    z = M.nn.AlphaDropout(0.2)(M.randn(400, 250))
    assert abs(z.mean().item()) < 0.05 and abs(z.std().item() - 1) < 0.05
    z = M.nn.FeatureAlphaDropout(0.2)(M.randn(200, 50, 10))
    assert abs(z.mean().item()) < 0.05 and abs(z.std().item() - 1) < 0.05
    # eval: identity; inplace writes into the input
    d = M.nn.Dropout(0.5).eval()
    assert d(x) is x or bool((d(x) == x).all())
    x2 = M.ones(10, 10)
    d = M.nn.Dropout(0.5, inplace=True)
    y = d(x2)
    assert bool((x2 == y).all()) and (x2 == 0).any().item()


@pytest.mark.parametrize("make,bound,attr", [
    (lambda nn: nn.Linear(50, 40), 1 / math.sqrt(50), "weight"),
    (lambda nn: nn.Linear(50, 400), 1 / math.sqrt(50), "bias"),
    (lambda nn: nn.Conv2d(8, 40, 3), 1 / math.sqrt(72), "weight"),
    (lambda nn: nn.Conv1d(8, 400, 3, groups=2), 1 / math.sqrt(12), "bias"),
    (lambda nn: nn.ConvTranspose2d(40, 8, 3, groups=2), 1 / math.sqrt(36), "weight"),
    (lambda nn: nn.Bilinear(30, 4, 50), 1 / math.sqrt(30), "weight"),
    (lambda nn: nn.Bilinear(30, 4, 500), 1 / math.sqrt(30), "bias"),
])
def test_default_uniform_init(make, bound, attr):
    """Default initialisations are U(-bound, bound): check bounds and moments."""
    w = getattr(make(M.nn), attr).detach()
    tw = getattr(make(T.nn), attr)
    assert tuple(w.shape) == tuple(tw.shape)
    assert w.abs().max().item() <= bound
    assert w.abs().max().item() > 0.9 * bound
    assert abs(w.mean().item()) < 0.1 * bound
    assert abs(w.std().item() - bound / math.sqrt(3)) < 0.1 * bound


def test_default_other_inits():
    e = M.nn.Embedding(300, 40, padding_idx=3).weight.detach()
    assert abs(e.mean().item()) < 0.05 and abs(e.std().item() - 1) < 0.05
    assert e[3].abs().sum().item() == 0
    e = M.nn.EmbeddingBag(10, 4, padding_idx=-1).weight
    assert e[9].abs().sum().item() == 0 and e.requires_grad
    for mod in (M.nn.BatchNorm1d(4), M.nn.LayerNorm(4), M.nn.GroupNorm(2, 4),
                M.nn.InstanceNorm1d(4, affine=True)):
        assert mod.weight.tolist() == [1.0] * 4 and mod.bias.tolist() == [0.0] * 4
    assert M.nn.RMSNorm(4).weight.tolist() == [1.0] * 4
    assert_same(M.nn.PReLU(3, init=0.1).weight.detach(), T.full((3,), 0.1))


def test_embedding_from_pretrained_and_max_norm():
    w = T.randn(5, 3, dtype=T.float64) * 3
    mt = M.nn.Embedding.from_pretrained(to_mt(w), padding_idx=1, max_norm=1.0)
    tt = T.nn.Embedding.from_pretrained(w.clone(), padding_idx=1, max_norm=1.0)
    assert repr(mt) == repr(tt) and not mt.weight.requires_grad
    idx = T.tensor([0, 2, 2, 4])
    assert_same(mt(to_mt(idx)), tt(idx))
    assert_same(mt.weight.detach(), tt.weight.detach())  # renormed rows, in place
    mt = M.nn.Embedding.from_pretrained(to_mt(w), freeze=False)
    assert mt.weight.requires_grad
    mb = M.nn.EmbeddingBag.from_pretrained(to_mt(w), mode="sum")
    tb = T.nn.EmbeddingBag.from_pretrained(w, mode="sum")
    assert repr(mb) == repr(tb) and not mb.weight.requires_grad
    x, off = T.tensor([0, 1, 2, 3]), T.tensor([0, 1])
    assert_same(mb(to_mt(x), to_mt(off)), tb(x, off))
    assert_same(mb(to_mt(x), to_mt(off), per_sample_weights=to_mt(T.rand(4, dtype=T.float64)
                                                                   .fill_(0.5))),
                tb(x, off, per_sample_weights=T.full((4,), 0.5, dtype=T.float64)))


def test_convtranspose_output_size():
    mm, tm = pair(lambda nn: nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1))
    x = T.randn(1, 2, 4, 4, dtype=T.float64)
    for size in ((8, 8), (7, 8), [1, 3, 8, 7]):
        assert_same(mm(to_mt(x), output_size=size), tm(x, output_size=size).detach())
    for size in ((9, 8), (7,)):
        with pytest.raises(ValueError):
            tm(x, output_size=size)
        with pytest.raises(ValueError):
            mm(to_mt(x), output_size=size)


@pytest.mark.parametrize("make", [
    lambda nn: nn.Conv2d(2, 3, 3, padding="full"),
    lambda nn: nn.Conv2d(2, 3, 3, padding="same", stride=2),
    lambda nn: nn.Conv2d(3, 3, 3, groups=2),
    lambda nn: nn.Conv2d(4, 3, 3, groups=2),
    lambda nn: nn.Conv2d(2, 2, 3, groups=0),
    lambda nn: nn.Conv1d(2, 2, 3, padding_mode="mirror"),
    lambda nn: nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"),
    lambda nn: nn.Dropout(1.5),
    lambda nn: nn.Dropout2d(-0.1),
    lambda nn: nn.GroupNorm(3, 4),
    lambda nn: nn.Embedding(4, 2, padding_idx=4),
    lambda nn: nn.Embedding(4, 2, padding_idx=-5),
    lambda nn: nn.Embedding(4, 2, _weight=(T if nn is T.nn else M).empty(3, 2)),
    lambda nn: nn.Hardtanh(1.0, -1.0),
    lambda nn: nn.MultiMarginLoss(p=3),
])
def test_constructor_errors(make):
    try:
        make(T.nn)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            make(M.nn)
    else:
        raise AssertionError("torch did not raise")


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.BatchNorm1d(3), (2, 3, 4, 5)),
    (lambda nn: nn.BatchNorm2d(3), (2, 3, 4)),
    (lambda nn: nn.BatchNorm3d(3), (2, 3, 4, 4)),
    (lambda nn: nn.InstanceNorm1d(3), (2, 3, 4, 5)),
    (lambda nn: nn.InstanceNorm2d(3, affine=True), (2, 4, 4, 5)),
    (lambda nn: nn.CircularPad2d(1), (2, 3, 4, 5, 6)),
    (lambda nn: nn.Softmax2d(), (2, 3)),
])
def test_forward_errors(make, shape):
    raises_same(make, T.randn(shape))


def test_module_conversion_and_repr_of_model():
    def build(nn):
        return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8),
                             nn.ReLU(inplace=True), nn.MaxPool2d(2), nn.Dropout2d(0.1),
                             nn.Flatten(), nn.Linear(8 * 4 * 4, 10), nn.LogSoftmax(dim=1))
    mm, tm = pair(build)
    assert repr(mm) == repr(tm)
    x = T.randn(2, 3, 8, 8, dtype=T.float64)
    mm.eval()
    tm.eval()
    assert_same(mm(to_mt(x)), tm(x).detach())
    assert mm.float()[0].weight.dtype is M.float32


def test_deepcopy_pickle_and_export_to_torch():
    import copy
    import pickle

    def build(nn):
        return nn.Sequential(nn.Conv1d(2, 4, 3, padding="same", padding_mode="reflect"),
                             nn.GroupNorm(2, 4), nn.GELU(), nn.AdaptiveAvgPool1d(1),
                             nn.Flatten(), nn.Linear(4, 2))
    m = build(M.nn)
    x = M.randn(2, 2, 5)
    y = m(x)
    for clone in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert repr(clone) == repr(m)
        assert_same(clone(x), to_torch_detached(y))
    # our state_dict loads into torch and gives the same outputs
    t = build(T.nn)
    t.load_state_dict({k: T.from_numpy(v.detach().numpy().copy())
                       for k, v in m.state_dict().items()})
    assert_same(y, t(T.from_numpy(x.numpy().copy())).detach())


def to_torch_detached(y):
    return T.from_numpy(y.detach().numpy().copy())
