"""Ordinary PyTorch programs run on torch and mindtorch_v2: tensor manipulation,
reproducibility and devices, printing and logging, Python protocols, script setup
calls and model surgery.

See programs_harness for how the programs are run and compared.
"""
from __future__ import annotations

import copy
import math
import operator

import numpy as np
import torch as T

import mindtorch_v2 as M
from programs_harness import run_both, np_init, arr, ints, _mlp, tryall


# ----------------------------------------------------------------------------- tensor manipulation

def prog_inplace_views(torch):
    out = {}
    x = torch.arange(24, dtype=torch.float32).view(2, 3, 4)
    y = x.permute(2, 0, 1)
    out["contig"] = [y.is_contiguous(), y.contiguous().is_contiguous(), y.stride(),
                     y.contiguous().stride()]
    z = y.contiguous().view(4, 6)
    try:
        y.view(4, 6)
        out["view_err"] = "none"
    except RuntimeError:
        out["view_err"] = "RuntimeError"
    out["chain"] = [z, y.reshape(-1, 2).shape, x.transpose(1, 2).flatten(0, 1)[::3]]
    row = x[0]
    row.mul_(-1)  # writes through the view
    x[1, :, ::2] = 100.0
    x.select(2, 1).fill_(7)
    x.narrow(1, 0, 1).copy_(torch.ones(2, 1, 4))
    out["written"] = x.clone()
    m = torch.tensor(arr(130, 3, 5))
    mask = m > 0.5
    m.masked_fill_(mask, 0.0)
    out["masked_fill"] = [m, m.masked_fill(~mask, -1.0)]
    scores = torch.zeros(3, 5)
    idx = torch.tensor([[0, 1, 2, 0, 1], [2, 2, 1, 0, 0]])
    scores.scatter_(0, idx, torch.ones(2, 5) * 3)
    onehot = torch.zeros(4, 6).scatter_(1, torch.tensor([[1], [0], [5], [2]]), 1.0)
    acc = torch.zeros(3, 2).index_add_(0, torch.tensor([0, 2, 0]),
                                       torch.tensor([[1., 2], [3, 4], [5, 6]]))
    sa = torch.zeros(4).scatter_add_(0, torch.tensor([0, 1, 1, 3, 3, 3]), torch.arange(6.))
    sr = torch.zeros(3).scatter_reduce(0, torch.tensor([0, 0, 2]), torch.tensor([5., 2., 9.]),
                                       reduce="amax",
                                       include_self=False)
    ip = torch.zeros(5).index_put_((torch.tensor([1, 1, 3]),), torch.tensor([1., 2., 3.]),
                                   accumulate=True)
    out["scatter"] = [scores, onehot, acc, sa, sr, ip]
    b = torch.ones(3, 3)
    b.diagonal().fill_(5)
    b[b > 1] += 1
    b[:, 0] -= torch.tensor([1., 2., 3.])
    b.t_()
    b.unsqueeze_(0)
    b.clamp_(min=0, max=5.5)
    e = torch.tensor([1., 2.]).expand(3, 2)
    out["misc"] = [b, e.stride(), e.contiguous().stride(), x.unfold(2, 2, 2).shape,
                   torch.tensor([[1, 2], [3, 4]]).repeat(2,
                                                         3), torch.tensor([1,
                                                                 2]).repeat_interleave(2),
                   torch.flip(torch.arange(6).view(2, 3), [1]), torch.roll(torch.arange(5), 2)]
    w = torch.zeros(2, 3)
    v = w.view(6)
    v[2:4] = 9
    out["shared"] = [w, v.data_ptr() == w.data_ptr(), w[1].storage_offset()]
    return out


def test_inplace_and_views():
    run_both(prog_inplace_views)


def prog_metrics(torch):
    logits = torch.tensor(arr(140, 10, 5))
    target = torch.tensor(ints(141, 5, 10))
    probs = torch.softmax(logits, dim=1)
    pred = logits.argmax(dim=1)
    acc = (pred == target).float().mean().item()
    _, top3 = logits.topk(3, dim=1, largest=True, sorted=True)
    correct = top3.eq(target.view(-1, 1).expand_as(top3))
    top3_acc = correct.any(dim=1).float().sum().mul_(100.0 / 10)

    def accuracy(output, target, topk=(1,)):  # the ImageNet-example helper
        with torch.no_grad():
            maxk = max(topk)
            batch_size = target.size(0)
            _, pred = output.topk(maxk, 1, True, True)
            pred = pred.t()
            correct = pred.eq(target.view(1, -1).expand_as(pred))
            return [correct[:k].reshape(-1).float().sum(0, keepdim=True).mul_(100.0 / batch_size)
                    for k in topk]

    order = torch.argsort(probs[:, 0], descending=True)
    true_prob = probs.gather(1, target.unsqueeze(1)).squeeze(1)
    nll = -torch.log(true_prob).mean()
    conf = torch.zeros(5, 5, dtype=torch.long)
    conf.index_put_((target, pred), torch.ones_like(target), accumulate=True)
    bincount = torch.bincount(target * 5 + pred, minlength=25).view(5, 5)
    tp = conf.diag().float()
    precision = tp / conf.sum(0).clamp(min=1)
    recall = tp / conf.sum(1).clamp(min=1)
    f1 = torch.where(precision + recall > 0, 2 * precision * recall / (precision + recall),
                     torch.zeros(5))
    vals, inds = torch.sort(logits[0])
    kth = torch.kthvalue(logits[:, 0], 3)
    uniq, counts = torch.unique(target, return_counts=True)
    hits = torch.nonzero(pred == target).flatten()
    thresh = torch.where(probs > 0.3)
    mode = torch.mode(target)
    return {"acc": acc, "top3": top3_acc, "helper": accuracy(logits, target, topk=(1, 3)),
            "order": order, "nll": nll, "conf": conf, "bincount_same": bool(torch.equal(conf,
                    bincount)),
            "prf": [precision, recall, f1], "sort": [vals, inds], "kth": [kth.values, kth.indices],
            "unique": [uniq, counts], "hits": hits, "thresh": list(thresh),
            "mode": [mode.values.item(), mode.indices.item()],
            "cummax": torch.cummax(logits[:, 1], 0)[1], "isin": torch.isin(pred,
                    torch.tensor([1, 3]))}


def test_metrics():
    run_both(prog_metrics)


def prog_einsum_attention(torch):
    nn, F = torch.nn, torch.nn.functional
    B, H, L, D = 2, 2, 5, 4
    q = torch.tensor(arr(150, B, H, L, D))
    k = torch.tensor(arr(151, B, H, L, D))
    v = torch.tensor(arr(152, B, H, L, D))
    mask = torch.tril(torch.ones(L, L)).bool()
    scores = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(D)
    scores = scores.masked_fill(~mask, float("-inf"))
    attn = torch.softmax(scores, dim=-1)
    out = torch.einsum("bhqk,bhkd->bhqd", attn, v)
    sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    manual = (q @ k.transpose(-2, -1) * D ** -0.5).masked_fill(mask.logical_not(),
            -1e9).softmax(-1) @ v
    merged = out.transpose(1, 2).reshape(B, L, H * D)
    mha = nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
    np_init(torch, mha)
    x = merged.detach().requires_grad_()
    key_padding_mask = torch.tensor([[False] * 5, [False, False, False, True, True]])
    mha_out, mha_w = mha(x, x, x, key_padding_mask=key_padding_mask)
    mha_out.sum().backward()
    return {"attn": attn, "out": out, "sdpa": sdpa, "manual": manual, "merged": merged,
            "mha": mha_out, "mha_w": mha_w, "x_grad": x.grad,
            "bilinear": torch.einsum("bi,ij,bj->b", merged[:, 0], torch.eye(8), merged[:, 1]),
            "trace": torch.einsum("ii", torch.arange(9.).view(3, 3)),
            "outer": torch.einsum("i,j->ij", torch.arange(3.), torch.arange(2.))}


def test_einsum_attention():
    run_both(prog_einsum_attention)


# ----------------------------------------------------------------- reproducibility, devices

def prog_seed(torch):
    torch.manual_seed(42)
    a = [torch.randn(3), torch.rand(2), torch.randint(0, 10, (4,)), torch.randperm(6),
         torch.normal(0., 1., (2,))]
    torch.manual_seed(42)
    b = [torch.randn(3), torch.rand(2), torch.randint(0, 10, (4,)), torch.randperm(6),
         torch.normal(0., 1., (2,))]
    state = torch.get_rng_state()
    c1 = torch.randn(4)
    torch.set_rng_state(state)
    c2 = torch.randn(4)
    g1, g2 = torch.Generator().manual_seed(7), torch.Generator().manual_seed(7)
    torch.manual_seed(0)
    d1 = torch.nn.functional.dropout(torch.ones(20), 0.5)
    torch.manual_seed(0)
    d2 = torch.nn.functional.dropout(torch.ones(20), 0.5)
    torch.manual_seed(1)
    m1 = torch.nn.Linear(3, 3).weight
    torch.manual_seed(1)
    m2 = torch.nn.Linear(3, 3).weight
    r = torch.rand(1000)
    n = torch.randn(4000)
    ri = torch.randint(3, 7, (200,))
    return {"same": all(torch.equal(x, y) for x, y in zip(a, b)),
            "state": bool(torch.equal(c1, c2)),
            "gen": bool(torch.equal(torch.randn(3, generator=g1), torch.randn(3, generator=g2))),
            "dropout": bool(torch.equal(d1, d2)), "init": bool(torch.equal(m1, m2)),
            "dtypes": [x.dtype for x in a], "perm": sorted(a[3].tolist()),
            "ranges": [bool((r >= 0).all() and (r < 1).all()), round(n.mean().item(), 1),
                       round(n.std().item(), 1),
                       int(ri.min()), int(ri.max())],
            "initial_seed": torch.initial_seed(), "seed_type": type(torch.seed()).__name__,
            "state_dtype": state.dtype}


def test_manual_seed_reproducibility():
    run_both(prog_seed)


def prog_device_agnostic(torch):
    device = "cuda" if torch.cuda.is_available() else "cpu"
    mps = torch.backends.mps.is_available()
    dev = torch.device(device)
    model = _mlp(torch).to(device)
    x = torch.tensor(arr(160, 4, 8)).to(device)
    y = torch.randint(0, 3, (4,), device=dev)
    out = model(x)
    z = torch.zeros(2, device=device)
    return {"device": device, "mps": mps, "count": torch.cuda.device_count(), "dev": dev,
            "param_dev": next(model.parameters()).device, "out_dev": out.device, "y": [y.device,
                    y.dtype],
            "out": out.detach().cpu().numpy().tolist(), "z": [z.is_cuda if hasattr(z,
                    "is_cuda") else None, z.device.type],
            "to_dtype": x.to(device,
                             torch.float64).dtype, "to_tensor": z.to(x).dtype, "type": x.type(),
            "is_tensor": [torch.is_tensor(x), torch.is_floating_point(x),
                          isinstance(x, torch.Tensor)],
            "default_dtype": torch.get_default_dtype(), "dev_str": str(dev),
            "dev_eq": dev == torch.device("cpu")}


def test_device_agnostic():
    run_both(prog_device_agnostic)


# ----------------------------------------------------------------------------- printing / logging

def prog_printing(torch):
    nn = torch.nn
    a = torch.tensor([[1.5, -2.25, 3.0], [4.125, 5.0, -6.5]])
    p = nn.Parameter(torch.tensor([0.5, 1.0]))
    g = torch.tensor([1.0, 2.0], requires_grad=True)
    loss = (g * 2).sum()
    texts = [str(a), repr(torch.arange(5)), str(torch.tensor([True, False])),
             str(torch.tensor(3.14159)),
             repr(torch.zeros(2, dtype=torch.float64)), repr(torch.tensor([1, 2],
                     dtype=torch.int32)),
             str(torch.arange(2000.)), str(torch.tensor([1e-8, 1.0, 1e8])), str(torch.tensor([])),
             repr(p), repr(g), repr(loss), str(torch.zeros(2, 0,
                                                           3)), str(torch.tensor([float("nan"),
                                                                   float("inf"), -1.0])),
             repr(torch.tensor([[1, 2], [3, 4]],
                               dtype=torch.uint8)), repr(torch.tensor([0.1, 0.25]).half()),
             f"{torch.tensor(0.123456):.3f}", f"loss={loss.item():.4f}", str(torch.Size([2, 3])),
             str(a.shape), str(a.dtype), repr(torch.tensor(1.5) * 1e10)]
    torch.set_printoptions(precision=2)
    texts.append(str(torch.tensor([1.23456, 2.34567])))
    torch.set_printoptions(profile="default")
    texts.append(str(torch.tensor([1.23456, 2.34567])))
    model = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.BatchNorm2d(4),
                          nn.ReLU(inplace=True),
                          nn.MaxPool2d(2), nn.Dropout(p=0.25), nn.Flatten(), nn.Linear(16, 2,
                                  bias=False),
                          nn.ModuleList([nn.Identity(), nn.GELU()]), nn.LSTM(2, 3,
                                  batch_first=True),
                          nn.Embedding(10, 3, padding_idx=0), nn.LayerNorm(3), nn.Softmax(dim=-1))
    texts.append(str(model))
    logging = [loss.item(), a.tolist(), a.sum(1).tolist(), torch.tensor(7).item(), a[0, 0].item(),
               type(torch.tensor(7).item()).__name__, type(torch.tensor(True).item()).__name__,
               int(a[1, 1]),
               float(a.mean()), len(a), a.numel()]
    return {"texts": texts, "logging": logging}


def test_printing_and_logging():
    got, exp = run_both(prog_printing)


def prog_assert_close(torch):
    a = torch.tensor([1.0, 2.0, 3.0])
    torch.testing.assert_close(a, a + 1e-7)
    torch.testing.assert_close(a.double(), a.double(), rtol=0, atol=0)
    torch.testing.assert_close(torch.tensor([1, 2]), torch.tensor([1, 2]))
    torch.testing.assert_close({"w": a, "n": [a]}, {"w": a.clone(), "n": [a.clone()]})
    res = []
    for actual, expected, kw in [(a, a + 0.1, {}), (a, a.double(), {}), (a, a[:2], {}),
                                 (torch.tensor([1, 2]), torch.tensor([1, 3]), {}),
                                 (a, a + 0.05, {"rtol": 0.0, "atol": 0.01}),
                                 (torch.tensor([float("nan")]), torch.tensor([float("nan")]), {})]:
        try:
            torch.testing.assert_close(actual, expected, **kw)
            res.append("ok")
        except AssertionError as e:
            res.append(("AssertionError", str(e).splitlines()[0]))
    torch.testing.assert_close(torch.tensor([float("nan")]), torch.tensor([float("nan")]),
                               equal_nan=True)
    torch.testing.assert_close(a, a.double(), check_dtype=False)
    return {"res": res, "allclose": [torch.allclose(a, a + 1e-6), torch.equal(a, a.clone()),
                                     bool(torch.isclose(a, a + 0.01, atol=0.02).all())]}


def test_testing_assert_close():
    run_both(prog_assert_close)


# ----------------------------------------------------------------------------- more programs (misc)

def prog_distributions(torch):
    D = torch.distributions
    mu = torch.tensor([0.5, -1.], requires_grad=True)
    s = torch.tensor([1., 2.])
    n = D.Normal(mu, s)
    lp = n.log_prob(torch.tensor([0., 0.]))
    ent = n.entropy()
    c = D.Categorical(logits=torch.tensor([[1., 2., 0.5]]))
    kl = D.kl_divergence(n, D.Normal(torch.zeros(2), torch.ones(2)))
    act = c.sample()
    (lp.sum() + kl.sum()).backward()
    return [lp, ent, c.log_prob(torch.tensor([1])), c.entropy(), c.probs, kl, act.shape, act.dtype,
            n.rsample().shape, mu.grad,
            D.Bernoulli(probs=torch.tensor([0.3])).log_prob(torch.tensor([1.])),
            D.MultivariateNormal(torch.zeros(2), torch.eye(2)).log_prob(torch.ones(2))]


def test_distributions_usage():
    run_both(prog_distributions)


def prog_tensor_ops_mix(torch):
    a = torch.tensor(arr(9, 4, 5))
    i = torch.tensor([0, 2])
    b = a.clone()
    b[i, 1:3] = torch.zeros(2, 2)
    b[:, [0, 4]] *= 2
    b[b.abs() < 0.3] = float("nan")
    return [b, torch.nan_to_num(b), b.isnan().sum(), torch.nanmean(b), torch.nansum(b, 1),
            a.max(dim=1), a.min(1).indices,
            a.sort(dim=0, descending=True).values, a.argmax(), torch.clamp(a,
                    min=torch.zeros(5)), torch.maximum(a, a.t()[:1].t()),
            a.cumsum(1), a.var(1, unbiased=False), a.std(0, correction=0), a.norm(p=2,
                    dim=1), a.prod(1), torch.median(a, 1).values,
            torch.quantile(a, 0.3,
                           dim=1), a.T.mT.shape, a.amax((0, 1)), a.float().lerp(torch.zeros(4, 5),
                                   0.2), torch.diff(a, dim=1),
            torch.histc(a, bins=4, min=-2, max=2), torch.bucketize(a[0],
                    torch.tensor([-1., 0., 1.])), torch.searchsorted(torch.tensor([1, 3, 5]),
                            torch.tensor([2, 6])),
            torch.triu(a, 1), a.expand(2, 4, 5).sum(0), torch.chunk(a, 3,
                    1)[-1], torch.tensor_split(a, 3, dim=1)[1], a.split(2)[1],
            torch.block_diag(a[:1, :2],
                             a[1:2,
                               :1]), torch.atleast_2d(torch.tensor(1.)),
                               torch.broadcast_tensors(a[:1], a)[0].shape,
            torch.result_type(torch.tensor([1]), 1.0), torch.promote_types(torch.int32,
                    torch.float16), torch.finfo(torch.float16).eps, torch.iinfo(torch.int8).max]


def test_tensor_ops_mix():
    run_both(prog_tensor_ops_mix)


def prog_python_protocols(torch):
    t0 = torch.tensor(2)
    f0 = torch.tensor(2.5)
    v = torch.tensor([3, 1, 2])
    f1 = torch.tensor([1.5])
    classes = ("plane", "car", "bird", "cat")
    return tryall(torch, [lambda: classes[t0],
                          lambda: list(range(t0)),
                          lambda: [0, 1, 2, 3][v[0]],
                          lambda: float(f1),
                          lambda: int(f0),
        lambda: np.float32(f0),
        lambda: "%.2f" % f0,
        lambda: "{:.2f}".format(f0),
        lambda: f"{f1}",
        lambda: f"{v}",
        lambda: "{:.1f}".format(f1),
        lambda: sorted(v),
        lambda: [int(a) + int(b) for a, b in zip(v, v)],
        lambda: {int(k): 1 for k in v},
        lambda: bool(t0 == 2),
        lambda: len({t0, f0}),
        lambda: reversed(v),
        lambda: v.__len__(),
        lambda: operator.index(t0),
        lambda: operator.index(f0),
        lambda: hex(t0),
        lambda: complex(f0),
        lambda: math.floor(f0),
        lambda: round(f0),
        lambda: round(f0, 1) if False else None,
        lambda: abs(-f0),
        lambda: -v,
        lambda: ~torch.tensor([True]),
        lambda: v << 1,
        lambda: v & 1,
        lambda: 3 // v,
        lambda: 7 % v,
        lambda: divmod(7, 3),
        lambda: str(v.max()),
        lambda: torch.tensor(2) ** torch.tensor([1, 2]),
        lambda: (t0 * 1.5).dtype,
        lambda: (v > 1).sum().item(),
        lambda: torch.tensor([1, 2]) == [1, 2],
        lambda: v.tolist() == [3, 1, 2],
        lambda: np.sum(v),
        lambda: np.mean(f1),
        lambda: np.exp(f1) ,
        lambda: (v.numpy() + 1).tolist(),
        lambda: np.array([v, v]).shape,
        lambda: np.stack([f1.numpy(), f1.numpy()]).shape,
        lambda: torch.tensor([np.int64(3), 4]),
        lambda: torch.tensor(np.array([1, 2], dtype=np.uint8)).dtype,
        lambda: torch.tensor([[1, 2]], dtype=torch.float16).dtype,
        lambda: torch.from_numpy(np.zeros((2, 2), dtype=np.float32).T).is_contiguous(),
        lambda: torch.tensor(np.zeros((2, 3))[:, ::2]).shape,
        lambda: torch.tensor([]).shape,
        lambda: torch.tensor([[]]).shape,
        lambda: torch.Tensor([1, 2]).dtype,
        lambda: torch.Tensor(2, 3).shape,
        lambda: torch.FloatTensor([1]).dtype,
        lambda: torch.LongTensor([1, 2]).dtype,
        lambda: isinstance(torch.ones(1), torch.FloatTensor),
        lambda: torch.ones(1).type(torch.LongTensor).dtype,
        lambda: torch.ones(1).type("torch.DoubleTensor").dtype,
        lambda: torch.tensor(3).is_floating_point(),
        lambda: torch.ones(2, 2).T.numpy().flags["C_CONTIGUOUS"],
        lambda: v.float().requires_grad_().detach().numpy().tolist(),
        lambda: torch.zeros(3)[torch.tensor([True, False, True])].shape,
        lambda: torch.arange(10)[torch.tensor(3)],
        lambda: torch.arange(10)[2:torch.tensor(5)],
        lambda: torch.arange(10).view(2, 5)[:, torch.tensor([0, 4])],
        lambda: torch.arange(6).view(2, 3)[[0, 1], [2, 0]],
        lambda: torch.arange(6).view(2, 3)[np.array([1, 0])],
        lambda: torch.arange(5)[np.int64(2)],
        lambda: torch.arange(6).view(2, 3)[..., None, 1:].shape,
        lambda: torch.arange(24).view(2, 3, 4)[:, [0, 2], :][..., 1],
        lambda: torch.arange(24).view(2, 3, 4)[[0, 1], :, [1, 2]],
        lambda: torch.arange(24).view(2, 3, 4)[:, None, [0, 1], None, 1].shape,
    ])


def test_python_protocols():
    run_both(prog_python_protocols)


def prog_script_setup_calls(torch):
    return tryall(torch, [
        lambda: setattr(torch.backends.cudnn, "benchmark", True) or torch.backends.cudnn.benchmark,
        lambda: setattr(torch.backends.cudnn, "deterministic", True),
        lambda: (torch.use_deterministic_algorithms(True)
                 or torch.are_deterministic_algorithms_enabled()),
        lambda: torch.use_deterministic_algorithms(False),
        lambda: torch.set_float32_matmul_precision("high") or torch.get_float32_matmul_precision(),
        lambda: torch.get_num_threads() >= 1,
        lambda: torch.cuda.manual_seed_all(0),
        lambda: torch.cuda.manual_seed(0),
        lambda: torch.cuda.empty_cache(),
        lambda: torch.ones(2).to("cpu", non_blocking=True),
        lambda: torch.ones(2).pin_memory().is_pinned() if torch.cuda.is_available() else None,
        lambda: torch.set_printoptions(sci_mode=False) or str(torch.tensor([1e-5, 1.0])),
        lambda: torch.set_printoptions(profile="default") or torch.set_printoptions(sci_mode=None),
        lambda: torch.backends.cuda.matmul.allow_tf32,
        lambda: torch.cuda.is_bf16_supported() if torch.cuda.is_available() else None,
        lambda: torch.get_default_device() if hasattr(torch, "get_default_device") else None,
        lambda: callable(torch.func.functional_call),
        lambda: callable(torch.vmap),
        lambda: callable(torch.func.grad),
    ])


def test_script_setup_calls():
    try:
        run_both(prog_script_setup_calls)
    finally:
        for lib in (T, M):
            lib.use_deterministic_algorithms(False)
            lib.backends.cudnn.benchmark = lib.backends.cudnn.deterministic = False
            lib.set_printoptions(profile="default")
            lib.set_float32_matmul_precision("highest")


def prog_model_surgery(torch):
    nn = torch.nn
    m = _mlp(torch)
    def replace_head():
        m.fc = nn.Linear(16, 5)
        m[2] = nn.Linear(16, 5)
        np_init(torch, m[2], 3)
        return [n for n, _ in m.named_parameters()]
    def data_assign():
        p = m[0].weight
        p.data = torch.zeros(16, 8)
        return [p.sum(), type(p).__name__, p.requires_grad]
    def sd_shares():
        sd = m.state_dict()
        sd["0.bias"].fill_(1.0)
        return m[0].bias.sum()
    def mismatch():
        try: m.load_state_dict({"0.weight": torch.zeros(3, 3)}, strict=False); return "none"
        except RuntimeError as e: return "size mismatch" in str(e)
    emb = torch.tensor(arr(1, 5, 3))
    def pretrained():
        e = nn.Embedding.from_pretrained(emb, freeze=True, padding_idx=0)
        out = e(torch.tensor([[0, 2], [4, 1]]))
        return [out, e.weight.requires_grad, e.padding_idx]
    def maxnorm():
        e = nn.Embedding(5, 3, max_norm=1.0)
        np_init(torch, e, scale=2.0)
        out = e(torch.tensor([1, 3, 1]))
        return [out, e.weight]
    def packs():
        seqs = [torch.tensor(arr(2, 3, 2)), torch.tensor(arr(3, 2, 2))]
        p = nn.utils.rnn.pack_sequence(seqs)
        lstm = nn.LSTM(2, 4, proj_size=2)
        np_init(torch, lstm)
        o, (h, c) = lstm(p)
        return [p.data, p.batch_sizes, o.data, h, c, [n for n, _ in lstm.named_parameters()]]
    def ties():
        t = torch.tensor([1., 3., 3., 0., 3.])
        return [t.argmax(), t.max(0).indices, t.topk(2).values,
                t.topk(4).indices.sort().values[-1], torch.sort(t,
                        stable=True).indices, torch.sort(t, descending=True, stable=True).indices,
                torch.unique(torch.tensor([3, 1, 3, 2])), torch.argsort(t,
                        stable=True), t.argmin(), torch.mode(torch.tensor([1, 2, 2, 1])).values]
    def lr_manual():
        opt = torch.optim.SGD(m.parameters(), lr=0.1)
        for g in opt.param_groups: g["lr"] *= 0.5
        opt.add_param_group({"params": [nn.Parameter(torch.ones(2))], "lr": 0.3})
        return [g["lr"] for g in opt.param_groups] + [sorted(opt.param_groups[1].keys())]
    def half_model():
        h = copy.deepcopy(m).half()
        return h(torch.ones(2, 8).half())
    def assign_sd():
        m2 = _mlp(torch, seed=4)
        m2.load_state_dict({k: v * 2 for k, v in m.state_dict().items()}, assign=True)
        return [m2[0].weight.sum(), type(m2[0].weight).__name__, m2[0].weight.requires_grad]
    def leaf_inplace():
        w = torch.ones(2, requires_grad=True)
        try: w.add_(1); return "none"
        except RuntimeError as e: return "leaf" in str(e)
    def view_leaf():
        w = torch.ones(2, 2, requires_grad=True)
        with torch.no_grad():
            w[0] = 5
        return w
    return tryall(torch,
                  [replace_head, data_assign, sd_shares, mismatch, pretrained, maxnorm, packs,
                   ties, lr_manual, half_model, assign_sd, leaf_inplace, view_leaf])


def test_model_surgery_and_state_dict_edges():
    run_both(prog_model_surgery)
