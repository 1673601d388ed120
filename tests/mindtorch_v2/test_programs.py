"""Ordinary PyTorch programs (tutorial / blog / small-repo style) run unchanged on both libraries.

Each program is written once as a function of the ``torch`` module it runs on and returns a
dict of results (tensors, floats, strings, shapes).  The test runs it with real torch and with
mindtorch_v2 and compares everything.  The two libraries' random generators differ, so a
program takes its data and initial weights from NumPy
where a program draws random numbers
from ``torch`` itself (dropout, multinomial, shuffling) it returns only what does not depend
on the draws (shapes, dtypes, ranges, reproducibility under ``manual_seed``).
"""
from __future__ import annotations

import copy
import io
import math
import pickle

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same


# ----------------------------------------------------------------------------- harness

def _compare(m, t, path="out", rtol=1e-4, atol=1e-5):
    if isinstance(t, dict):
        assert isinstance(m, dict) and list(m) == list(t), f"{path}: keys {list(m)} != {list(t)}"
        for k in t:
            _compare(m[k], t[k], f"{path}[{k!r}]", rtol, atol)
    elif isinstance(t, T.Tensor):
        assert isinstance(m, M.Tensor), f"{path}: expected a Tensor, got {type(m)}"
        try:
            assert_same(m, t, rtol=rtol, atol=atol)
        except AssertionError as e:
            raise AssertionError(f"{path}: {e}") from None
    elif isinstance(t, (list, tuple)):  # torch.Size included
        assert isinstance(m, (list, tuple)), f"{path}: expected a sequence, got {type(m)}"
        assert len(m) == len(t), f"{path}: length {len(m)} != {len(t)}"
        for i, (a, b) in enumerate(zip(m, t)):
            _compare(a, b, f"{path}[{i}]", rtol, atol)
    elif isinstance(t, float):
        assert isinstance(m, float), f"{path}: expected float, got {type(m)} {m!r}"
        assert m == pytest.approx(t, rel=rtol, abs=atol, nan_ok=True), f"{path}: {m} != {t}"
    elif isinstance(t, (T.dtype, T.device)):
        assert str(m) == str(t), f"{path}: {m} != {t}"
    else:
        assert type(m) is type(t), f"{path}: type {type(m)} != {type(t)} ({m!r} vs {t!r})"
        assert m == t, f"{path}: {m!r} != {t!r}"


def run_both(prog, *args, rtol=1e-4, atol=1e-5):
    """prog(torch, *args) on real torch and on mindtorch_v2; the results must agree."""
    threads = T.get_num_threads()
    T.set_num_threads(1)  # the oracle's thread pool spins badly on a shared 2-core machine
    try:
        expected = prog(T, *args)
    finally:
        T.set_num_threads(threads)
    got = prog(M, *args)
    _compare(got, expected, rtol=rtol, atol=atol)
    return got, expected


def np_init(torch, model, seed=0, scale=0.3):
    """Deterministic weights from NumPy (the libraries' generators differ)."""
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.uniform(-scale, scale, tuple(p.shape)).astype(np.float32)))


def arr(seed, *shape, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)


def ints(seed, high, *shape):
    return np.random.default_rng(seed).integers(0, high, shape)


# ----------------------------------------------------------------------------- tensor basics

def prog_tensor_basics(torch):
    out = {}
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    x_np = torch.from_numpy(np.array(data))
    x_ones = torch.ones_like(x_data)
    x_rand = torch.rand_like(x_data, dtype=torch.float)
    out["created"] = [x_data, x_np, x_ones, x_rand.shape, x_rand.dtype,
                      bool(((x_rand >= 0) & (x_rand < 1)).all())]
    shape = (2, 3,)
    out["fill"] = [torch.ones(shape), torch.zeros(shape), torch.full((2, 2), 7.5),
                   torch.eye(3), torch.linspace(0, 1, steps=5), torch.arange(0, 10, 3),
                   torch.empty(2, 3).shape, torch.zeros_like(x_data, dtype=torch.float64)]
    tensor = torch.arange(12.).reshape(3, 4)
    out["attrs"] = [tuple(tensor.shape), tensor.dtype, tensor.device.type, tensor.ndim,
                    tensor.numel(), tensor.size(1), tensor.dim()]
    out["index"] = [tensor[0], tensor[:, 0], tensor[..., -1], tensor[1:, ::2], tensor[-1, -1],
                    tensor[[0, 2]], tensor[tensor > 5], tensor[:, None, 1].shape]
    tensor[:, 1] = 0
    tensor[tensor > 9] = -1
    out["assigned"] = tensor.clone()
    out["join"] = [torch.cat([tensor, tensor, tensor], dim=1), torch.stack([tensor, tensor]).shape,
                   torch.hstack([tensor, tensor]).shape, torch.vstack([tensor, tensor]).shape]
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    y3 = torch.rand_like(y1)
    torch.matmul(tensor, tensor.T, out=y3)
    z1 = tensor * tensor
    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    agg = tensor.sum()
    agg_item = agg.item()
    out["arith"] = [y1, y2, y3, z1, z3, agg, agg_item, type(agg_item).__name__,
                    tensor / 2, tensor // 3, tensor % 3, -tensor, tensor ** 2, 2 ** tensor,
                    1 - tensor, tensor.mean(dim=0), tensor.std(), tensor.max(),
                    tensor.argmax(dim=1)]
    tensor.add_(5)
    tensor.mul_(2).sub_(1)
    out["inplace"] = tensor.clone()
    t = torch.ones(5)
    n = t.numpy()
    t.add_(1)
    out["numpy_shares"] = n.tolist()
    n = np.ones(5)
    t = torch.from_numpy(n)
    np.add(n, 1, out=n)
    out["from_numpy_shares"] = [t, t.dtype]
    x = torch.arange(24).view(2, 3, 4)
    out["shape_ops"] = [x.transpose(0, 1).shape, x.permute(2, 0, 1).shape, x.flatten(1).shape,
                        x.unsqueeze(0).shape, x[None].squeeze().shape, list(x.chunk(2, dim=2)),
                        [c.shape for c in x.split([1, 2], dim=1)], x.reshape(-1, 6).shape,
                        x.t().shape if x.ndim == 2 else None, x.unbind(0)[1]]
    f = torch.tensor([1.5, -2.7, 3.2])
    out["convert"] = [f.long(), f.int(), f.to(torch.float16), f.type(torch.int32), f.double(),
                      f.bool(), f.half().float(), torch.tensor([1, 2]).float() / 3,
                      torch.tensor(3).dtype, torch.tensor(3.).dtype, torch.tensor(True).dtype,
                      (torch.tensor([1, 2]) + 0.5).dtype, (torch.tensor([1, 2]) / 2).dtype]
    out["tolist"] = [x[0].tolist(), f.tolist(), torch.tensor(2.5).tolist(),
                     torch.where(f > 0, f, torch.zeros_like(f))]
    out["numpy"] = [x.numpy().sum().item(), f.numpy().dtype.name, np.asarray(f).shape]
    return out


def test_tensor_basics():
    run_both(prog_tensor_basics)


# ----------------------------------------------------------------------------- autograd

def prog_autograd(torch):
    out = {}
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.tensor(arr(1, 5, 3), requires_grad=True)
    b = torch.tensor(arr(2, 3), requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    out["grad_fn"] = [repr(z.grad_fn).split()[0], z.grad_fn.name(), loss.grad_fn is not None,
                      z.requires_grad, w.is_leaf, z.is_leaf, w.grad is None]
    loss.backward()
    out["grads"] = [w.grad, b.grad, loss]
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    out["no_grad"] = [z.requires_grad, z.grad_fn is None]
    z = torch.matmul(x, w) + b
    z_det = z.detach()
    out["detach"] = [z_det.requires_grad, z_det.is_leaf]
    # vector-Jacobian products and accumulation, as in the tutorial
    inp = torch.eye(4, 5, requires_grad=True)
    o = (inp + 1).pow(2).t()
    o.backward(torch.ones_like(o), retain_graph=True)
    first = inp.grad.clone()
    o.backward(torch.ones_like(o), retain_graph=True)
    second = inp.grad.clone()
    inp.grad.zero_()
    o.backward(torch.ones_like(o), retain_graph=True)
    out["accumulate"] = [first, second, inp.grad]
    # backward twice without retain_graph raises
    q = torch.tensor([1., 2.], requires_grad=True)
    r = (q * q).sum()
    r.backward()
    try:
        r.backward()
        out["twice"] = "no error"
    except RuntimeError:
        out["twice"] = "RuntimeError"
    # autograd.grad, create_graph (second derivative), retain_grad, hooks
    s = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    f = (s ** 3).sum()
    (g,) = torch.autograd.grad(f, s, create_graph=True)
    (g2,) = torch.autograd.grad(g.sum(), s)
    h = torch.tensor([1., 2., 3.], requires_grad=True)
    mid = h * 2
    mid.retain_grad()
    seen = []
    h.register_hook(lambda grad: seen.append(grad.clone()))
    mid.register_hook(lambda grad: grad * 10)
    (mid ** 2).sum().backward()
    out["grad_api"] = [g, g2, mid.grad, h.grad, seen[0]]
    # torch.autograd.functional jacobian / vjp / jvp
    fn = lambda v: torch.stack([v[0] * v[1], v[1].sin(), v.sum() ** 2])
    v0 = torch.tensor([0.3, -0.8])
    jac = torch.autograd.functional.jacobian(fn, v0)
    _, vjp = torch.autograd.functional.vjp(fn, v0, torch.tensor([1., 2., 3.]))
    _, jvp = torch.autograd.functional.jvp(fn, v0, torch.tensor([1., -1.]))
    out["functional"] = [jac, vjp, jvp]
    # requires_grad_ on a leaf, set_grad_enabled, no_grad as a decorator

    @torch.no_grad()
    def predict(a):
        return a * 3

    c = torch.tensor([1., 2.]).requires_grad_()
    with torch.set_grad_enabled(False):
        d = c * 2
    with torch.inference_mode():
        e = c * 2
    out["modes"] = [c.requires_grad, d.requires_grad, predict(c).requires_grad,
                    e.requires_grad, torch.is_grad_enabled()]
    return out


def test_autograd_tutorial():
    run_both(prog_autograd)


def prog_custom_function(torch):
    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    class ScaledClamp(torch.autograd.Function):  # two inputs, a non-tensor argument
        @staticmethod
        def forward(ctx, x, scale, lo):
            ctx.lo = lo
            ctx.save_for_backward(x, scale)
            return (x * scale).clamp(min=lo)

        @staticmethod
        def backward(ctx, grad):
            x, scale = ctx.saved_tensors
            mask = (x * scale > ctx.lo).to(grad.dtype)
            return grad * scale * mask, (grad * x * mask).sum(), None

    # the tutorial's fit of sin(x) with a cubic through the custom function
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 200, dtype=dtype)
    y = torch.sin(x)
    a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    losses = []
    for t in range(60):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    xs = torch.tensor([-1., 0.5, 2.], requires_grad=True)
    sc = torch.tensor(1.5, requires_grad=True)
    o = ScaledClamp.apply(xs, sc, 0.0)
    o.sum().backward()
    return {"losses": losses, "params": [a, b, c, d], "clamp": [o, xs.grad, sc.grad],
            "grad_fn": "ScaledClampBackward" in repr(o.grad_fn)}


def test_custom_autograd_function():
    run_both(prog_custom_function, rtol=1e-3)


# ----------------------------------------------------------------------------- build the network

def prog_build_network(torch):
    nn = torch.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))

        def forward(self, x):
            x = self.flatten(x)
            return self.linear_relu_stack(x)

    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = NeuralNetwork().to(device)
    np_init(torch, model, scale=0.05)
    X = torch.tensor(arr(3, 3, 28, 28), device=device)
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    input_image = torch.tensor(arr(4, 3, 28, 28))
    flat_image = nn.Flatten()(input_image)
    layer1 = nn.Linear(in_features=28 * 28, out_features=20)
    np_init(torch, layer1, 5)
    hidden1 = nn.ReLU()(layer1(flat_image))
    params = [(name, tuple(param.size()), param[:2].shape) for name,
              param in model.named_parameters()]
    return {"repr": str(model), "logits": logits, "probs": pred_probab, "pred": y_pred,
            "flat": flat_image.size(), "hidden": hidden1, "params": params,
            "n_params": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "children": [type(m).__name__ for m in model.children()],
            "modules": [n for n, _ in model.named_modules()],
            "state_keys": list(model.state_dict().keys()),
            "layer1": repr(layer1), "device": next(model.parameters()).device.type}


def test_build_network():
    run_both(prog_build_network)


# ----------------------------------------------------------------------------- training loop

def _mlp(torch, n_in=8, n_hidden=16, n_out=3, seed=0):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out))
    np_init(torch, model, seed)
    return model


def prog_training_loop(torch):
    from torch.utils.data import DataLoader, TensorDataset  # noqa: F401 (shape of real code)
    DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
    X = torch.tensor(arr(10, 50, 8))
    y = torch.tensor(ints(11, 3, 50))
    train_ds = TensorDataset(X[:40], y[:40])
    test_ds = TensorDataset(X[40:], y[40:])
    train_dataloader = DataLoader(train_ds, batch_size=16)
    test_dataloader = DataLoader(test_ds, batch_size=4, drop_last=True)
    model = _mlp(torch)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    log = []

    def train_loop(dataloader, model, loss_fn, optimizer):
        size = len(dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            loss, current = loss.item(), batch * 16 + len(X)
            log.append(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    def test_loop(dataloader, model, loss_fn):
        model.eval()
        num_batches = len(dataloader)
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        return test_loss / num_batches, correct / (num_batches * 4)

    results = []
    for t in range(4):
        train_loop(train_dataloader, model, loss_fn, optimizer)
        results.append(test_loop(test_dataloader, model, loss_fn))
    first = next(iter(train_dataloader))
    return {"log": log, "results": results,
            "batches": [len(train_dataloader), len(test_dataloader)],
            "first": [first[0].shape, first[1].dtype], "weights": list(model.parameters()),
            "grads_cleared": [p.grad for p in model.parameters()] == [None] * 4}


def test_training_loop_dataloader():
    got, exp = run_both(prog_training_loop, rtol=1e-3, atol=1e-4)
    assert exp["log"][0].startswith("loss: ")


def prog_custom_dataset(torch):
    Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader

    class Points(Dataset):
        def __init__(self, n):
            self.x = arr(12, n, 2)
            self.labels = ints(13, 2, n)

        def __len__(self):
            return len(self.x)

        def __getitem__(self, idx):
            return {"x": torch.from_numpy(self.x[idx]), "label": int(self.labels[idx]),
                    "name": f"p{idx}"}

    ds = Points(10)
    loader = DataLoader(ds, batch_size=4, shuffle=False)
    batches = [b for b in loader]
    torch.manual_seed(0)
    shuffled = [b["name"] for b in DataLoader(ds, batch_size=5, shuffle=True)]
    torch.manual_seed(0)
    shuffled2 = [b["name"] for b in DataLoader(ds, batch_size=5, shuffle=True)]
    parts = torch.utils.data.random_split(ds, [7, 3], generator=torch.Generator().manual_seed(1))
    return {"batches": batches, "shuffle_repro": shuffled == shuffled2,
            "shuffle_is_perm": sorted(sum(shuffled, [])) == sorted(f"p{i}" for i in range(10)),
            "split": [len(p) for p in parts], "len": len(loader)}


def test_custom_dataset_collate():
    run_both(prog_custom_dataset)


# ----------------------------------------------------------------------------- losses

def prog_losses(torch):
    nn, F = torch.nn, torch.nn.functional
    logits = torch.tensor(arr(20, 6, 4), requires_grad=True)
    target = torch.tensor([0, 3, 1, 1, 2, 0])
    reg_pred = torch.tensor(arr(21, 6, 3), requires_grad=True)
    reg_true = torch.tensor(arr(22, 6, 3))
    prob_target = torch.tensor((ints(23, 2, 6, 3)).astype(np.float32))
    losses = {
        "ce": nn.CrossEntropyLoss()(logits, target),
        "ce_smooth": nn.CrossEntropyLoss(label_smoothing=0.1)(logits, target),
        "ce_weight": nn.CrossEntropyLoss(weight=torch.tensor([1., 2., 0.5, 1.]))(logits, target),
        "ce_ignore": F.cross_entropy(logits, torch.tensor([0, -100, 1, 1, -100, 0])),
        "ce_soft": F.cross_entropy(logits, F.softmax(torch.tensor(arr(24, 6, 4)), dim=1)),
        "nll": nn.NLLLoss()(F.log_softmax(logits, dim=1), target),
        "mse": nn.MSELoss()(reg_pred, reg_true),
        "mse_sum": F.mse_loss(reg_pred, reg_true, reduction="sum"),
        "l1": nn.L1Loss()(reg_pred, reg_true),
        "smooth_l1": nn.SmoothL1Loss(beta=0.5)(reg_pred, reg_true),
        "huber": nn.HuberLoss(delta=0.8)(reg_pred, reg_true),
        "bce": nn.BCELoss()(torch.sigmoid(reg_pred), prob_target),
        "bce_logits": nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1., 2., 3.]))(reg_pred,
                prob_target),
        "kl": nn.KLDivLoss(reduction="batchmean")(F.log_softmax(logits, 1),
                                                  F.softmax(reg_true[:, :1].expand(6,
                                                          4) * torch.arange(4.), 1)),
        "cos_emb": nn.CosineEmbeddingLoss()(reg_pred, reg_true, torch.tensor([1, -1, 1, 1, -1, 1])),
        "margin": nn.MarginRankingLoss(margin=0.2)(reg_pred[:, 0], reg_pred[:, 1],
                                                   torch.tensor([1., -1, 1, -1, 1, 1])),
        "triplet": nn.TripletMarginLoss(margin=1.0)(reg_pred, reg_true, reg_true.flip(0)),
        "none": F.cross_entropy(logits, target, reduction="none"),
    }
    total = sum(v.sum() for v in losses.values())
    total.backward()
    return {**losses, "grad_logits": logits.grad, "grad_reg": reg_pred.grad}


def test_loss_functions():
    run_both(prog_losses)


# ------------------------------------------------------------------- optimisers, schedulers

def prog_optimizers(torch):
    optim = torch.optim
    sched = optim.lr_scheduler
    X = torch.tensor(arr(30, 32, 8))
    y = torch.tensor(ints(31, 3, 32))
    loss_fn = torch.nn.CrossEntropyLoss()
    setups = {
        "sgd_steplr": lambda p: (optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True,
                                           weight_decay=1e-4),
                                 lambda o: sched.StepLR(o, step_size=2, gamma=0.5)),
        "adam_cosine": lambda p: (optim.Adam(p, lr=1e-2),
                                  lambda o: sched.CosineAnnealingLR(o, T_max=5)),
        "adamw_warmup": lambda p: (
            optim.AdamW(p, lr=1e-2, weight_decay=0.05),
            lambda o: sched.SequentialLR(o, [sched.LinearLR(o, start_factor=0.1, total_iters=2),
                                             sched.ExponentialLR(o, gamma=0.9)], milestones=[2])),
        "rmsprop_lambda": lambda p: (optim.RMSprop(p, lr=1e-2, alpha=0.9),
                                     lambda o: sched.LambdaLR(o, lambda epoch: 0.95 ** epoch)),
        "adam_onecycle": lambda p: (optim.Adam(p, lr=1e-2, amsgrad=True),
                                    lambda o: sched.OneCycleLR(o, max_lr=0.05, total_steps=6)),
        "sgd_multistep": lambda p: (optim.SGD(p, lr=0.05),
                                    lambda o: sched.MultiStepLR(o, milestones=[1, 3], gamma=0.3)),
    }
    out = {}
    for name, make in setups.items():
        model = _mlp(torch)
        optimizer, make_sched = make(model.parameters())
        scheduler = make_sched(optimizer)
        lrs, losses = [], []
        for epoch in range(6):
            optimizer.zero_grad()
            loss = loss_fn(model(X), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
            lrs.append(scheduler.get_last_lr()[0])
        out[name] = [losses, lrs, model[2].weight, optimizer.param_groups[0]["lr"]]
    # ReduceLROnPlateau driven by a validation metric
    model = _mlp(torch)
    opt = optim.SGD(model.parameters(), lr=0.1)
    plateau = sched.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
    for val in [1.0, 0.9, 0.95, 0.96, 0.97, 0.98]:
        plateau.step(val)
    out["plateau"] = [g["lr"] for g in opt.param_groups]
    return out


def test_optimizers_and_schedulers():
    run_both(prog_optimizers, rtol=1e-3, atol=1e-5)


# -------------------------------------------------------------------- train/eval, save/load

def prog_train_eval(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(6, 10), nn.BatchNorm1d(10), nn.ReLU(), nn.Dropout(0.5),
                          nn.Linear(10, 2))
    np_init(torch, model)
    x = torch.tensor(arr(40, 12, 6))
    flags = [model.training, model[3].training]
    model.train()
    out_train = model(x)  # dropout: random
    bn = model[1]
    stats = [bn.running_mean.clone(), bn.running_var.clone(), bn.num_batches_tracked.clone()]
    model.eval()
    flags += [model.training, model[3].training]
    e1, e2 = model(x), model(x)
    return {"flags": flags, "train_shape": out_train.shape, "stats": stats, "eval": e1,
            "eval_deterministic": bool(torch.equal(e1, e2)),
            "dropout_zeroes": bool((nn.Dropout(0.5).train()(torch.ones(1000)) == 0).any()),
            "dropout_scale": sorted(set(nn.Dropout(0.5)(torch.ones(200)).tolist()))}


def test_train_eval_modes():
    run_both(prog_train_eval)


def prog_save_load(torch, tmp):
    nn = torch.nn
    model = _mlp(torch)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    X, y = torch.tensor(arr(50, 20, 8)), torch.tensor(ints(51, 3, 20))
    loss_fn = nn.CrossEntropyLoss()

    def step(model, optimizer):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(3):
        step(model, optimizer)
    torch.save(model.state_dict(), f"{tmp}/model_weights.pth")
    torch.save({"epoch": 3, "model_state_dict": model.state_dict(),
                "optimizer_state_dict": optimizer.state_dict(), "loss": 0.25,
                "history": [1.0, 0.5]}, f"{tmp}/checkpoint.tar")
    torch.save(model, f"{tmp}/whole.pt")
    continued = [step(model, optimizer) for _ in range(2)]
    # a fresh model and optimiser resume from the checkpoint
    model2 = _mlp(torch, seed=99)
    model2.load_state_dict(torch.load(f"{tmp}/model_weights.pth", weights_only=True))
    reloaded = torch.load(f"{tmp}/model_weights.pth").values()
    w_equal = all(torch.equal(a, b) for a, b in zip(model2.state_dict().values(), reloaded))
    model3 = _mlp(torch, seed=98)
    opt3 = torch.optim.Adam(model3.parameters(), lr=0.5)
    checkpoint = torch.load(f"{tmp}/checkpoint.tar", map_location="cpu")
    model3.load_state_dict(checkpoint["model_state_dict"])
    opt3.load_state_dict(checkpoint["optimizer_state_dict"])
    epoch, loss = checkpoint["epoch"], checkpoint["loss"]
    model3.train()
    resumed = [step(model3, opt3) for _ in range(2)]
    whole = torch.load(f"{tmp}/whole.pt", weights_only=False)
    sd = checkpoint["optimizer_state_dict"]
    # strict=False with a changed head
    bigger = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 5), nn.Softmax(dim=1))
    bigger.add_module("extra", nn.Linear(5, 5))
    src = {k: v for k,
           v in torch.load(f"{tmp}/model_weights.pth").items() if not k.startswith("2.")}
    src["unexpected.weight"] = torch.zeros(1)
    res = bigger.load_state_dict(src, strict=False)
    try:
        bigger.load_state_dict(src)
        strict_err = "none"
    except RuntimeError as e:
        strict_err = "Missing key(s)" in str(e) and "Unexpected key(s)" in str(e)
    return {"continued": continued, "resumed": resumed, "w_equal": w_equal, "epoch": epoch,
            "loss": loss, "hist": checkpoint["history"], "whole": whole(X),
            "whole_type": type(whole).__name__,
            "opt_sd": [sorted(sd.keys()), sd["param_groups"][0]["lr"],
                       sd["param_groups"][0]["params"],
                       sorted(sd["state"][0].keys()), sd["state"][0]["exp_avg"],
                       sd["state"][0]["step"]],
            "opt3_lr": opt3.param_groups[0]["lr"],
            "strict_false": [sorted(res.missing_keys),
                             sorted(res.unexpected_keys)], "strict_err": strict_err,
            "loaded": bigger[0].weight}


def test_save_load_checkpoints(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "m").mkdir()
    exp = prog_save_load(T, str(tmp_path / "t"))
    got = prog_save_load(M, str(tmp_path / "m"))
    _compare(got, exp, rtol=1e-4)
    assert got["resumed"] == pytest.approx(got["continued"], rel=1e-6)


def test_load_checkpoint_written_by_torch(tmp_path):
    """A checkpoint saved by real PyTorch loads in mindtorch (and the reverse)."""
    model = _mlp(T)
    opt = T.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(T.ones(2, 8)).sum().backward()
    opt.step()
    T.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": 7}, tmp_path / "t.pt")
    ck = M.load(tmp_path / "t.pt")
    m_model = _mlp(M, seed=5)
    m_model.load_state_dict(ck["model"])
    m_opt = M.optim.SGD(m_model.parameters(), lr=0.5, momentum=0.9)
    m_opt.load_state_dict(ck["opt"])
    assert ck["epoch"] == 7 and m_opt.param_groups[0]["lr"] == 0.1
    assert_same(m_model(M.ones(2, 8)), model(T.ones(2, 8)))
    M.save(m_model.state_dict(), tmp_path / "m.pt")
    back = T.load(tmp_path / "m.pt")
    for k, v in model.state_dict().items():
        T.testing.assert_close(back[k], v)


# ----------------------------------------------------------------------------- fine-tuning tricks

def prog_freeze_param_groups(torch):
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh())
            self.head = nn.Linear(16, 3)

        def forward(self, x):
            return self.head(self.backbone(x))

    model = Net()
    np_init(torch, model)
    for p in model.backbone[0].parameters():
        p.requires_grad_(False)
    frozen_before = model.backbone[0].weight.clone()
    optimizer = torch.optim.SGD([
        {"params": [p for p in model.backbone.parameters() if p.requires_grad], "lr": 1e-3},
        {"params": model.head.parameters()}], lr=1e-1, momentum=0.9)
    X, y = torch.tensor(arr(60, 10, 8)), torch.tensor(ints(61, 3, 10))
    norms, clipped = [], []
    for i in range(3):
        optimizer.zero_grad(set_to_none=True)
        loss = nn.functional.cross_entropy(model(X), y) * 10
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5))
        nn.utils.clip_grad_value_(model.head.parameters(), clip_value=0.05)
        clipped.append(model.head.weight.grad.abs().max())
        optimizer.step()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {"frozen_same": bool(torch.equal(frozen_before, model.backbone[0].weight)),
            "frozen_grad": model.backbone[0].weight.grad is None, "norms": norms,
            "clipped": clipped,
            "trainable": trainable, "lrs": [g["lr"] for g in optimizer.param_groups],
            "head": model.head.weight, "b2": model.backbone[2].weight,
            "vec": nn.utils.parameters_to_vector(model.head.parameters()).shape}


def test_freeze_param_groups_clipping():
    run_both(prog_freeze_param_groups, rtol=1e-4)


def prog_init_and_hooks(torch):
    nn = torch.nn

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.01)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Conv2d):
            nn.init.ones_(m.weight)
            nn.init.constant_(m.bias, -0.5)

    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 4),
                          nn.ReLU(), nn.Linear(4, 2))
    model.apply(init_weights)
    x = torch.tensor(arr(70, 2, 1, 6, 6))
    features = {}

    def get_activation(name):
        def hook(model, input, output):
            features[name] = output.detach()
        return hook

    h1 = model[3].register_forward_hook(get_activation("fc1"))
    h2 = model[0].register_forward_pre_hook(lambda mod, inp: (inp[0] * 2,))
    grads = []
    h3 = model[5].register_full_backward_hook(lambda mod, gin, gout: grads.append(gout[0].clone()))
    out = model(x)
    out.sum().backward()
    h1.remove()
    h2.remove()
    h3.remove()
    out2 = model(x)
    # random initialisers: check statistics only
    big = nn.Linear(400, 300)
    nn.init.kaiming_normal_(big.weight, mode="fan_in", nonlinearity="relu")
    kstd = round(big.weight.std().item(), 1)
    nn.init.xavier_uniform_(big.weight)
    bound = math.sqrt(6 / 700)
    nn.init.trunc_normal_(big.bias, std=0.02, a=-0.04, b=0.04)
    ortho = torch.empty(5, 5)
    nn.init.orthogonal_(ortho)
    return {"out": out, "out_after_remove": out2, "fc1": features["fc1"], "n_feat": len(features),
            "grads": grads, "conv_w": model[0].weight, "kaiming_std": kstd,
            "xavier_in_bound": bool(big.weight.abs().max() <= bound),
            "trunc": bool(big.bias.abs().max() <= 0.04),
            "ortho": bool(torch.allclose(ortho @ ortho.T, torch.eye(5), atol=1e-5)),
            "gain": nn.init.calculate_gain("leaky_relu", 0.2)}


def test_weight_init_and_hooks():
    run_both(prog_init_and_hooks)


# ----------------------------------------------------------------------------- models

def prog_cnn(torch, p_drop=0.0):
    nn, F = torch.nn, torch.nn.functional

    class SmallCNN(nn.Module):
        def __init__(self, num_classes=4):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 8, kernel_size=3, padding=1)
            self.bn1 = nn.BatchNorm2d(8)
            self.conv2 = nn.Conv2d(8, 16, 3, stride=1, padding="same", bias=False)
            self.bn2 = nn.BatchNorm2d(16)
            self.pool = nn.MaxPool2d(2, 2)
            self.dropout = nn.Dropout(p_drop)
            self.gap = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(16, num_classes)

        def forward(self, x):
            x = self.pool(F.relu(self.bn1(self.conv1(x))))
            x = self.pool(F.relu(self.bn2(self.conv2(x))))
            x = self.dropout(x)
            x = torch.flatten(self.gap(x), 1)
            return self.fc(x)

    model = SmallCNN()
    np_init(torch, model, scale=0.2)
    images = torch.tensor(arr(80, 8, 3, 16, 16))
    labels = torch.tensor(ints(81, 4, 8))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    criterion = nn.CrossEntropyLoss()
    losses = []
    for epoch in range(3):
        model.train()
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        losses.append(round(loss.item(), 4))
    model.eval()
    with torch.no_grad():
        outputs = model(images)
        _, predicted = torch.max(outputs.data, 1)
        correct = (predicted == labels).sum().item()
    return {"losses": losses, "eval": outputs, "correct": correct,
            "bn_mean": model.bn2.running_mean,
            "bn_var": model.bn2.running_var, "conv_grad": model.conv1.weight.grad,
            "repr": repr(model)}


def test_small_cnn():
    run_both(prog_cnn, rtol=1e-3, atol=1e-4)


def test_small_cnn_with_dropout_reproducible():
    """With real dropout the values depend on the generator: compare mindtorch with itself."""
    M.manual_seed(3)
    a = prog_cnn(M, 0.5)
    M.manual_seed(3)
    b = prog_cnn(M, 0.5)
    assert a["losses"] == b["losses"] and all(math.isfinite(v) for v in a["losses"])
    assert_same(a["eval"], to_t(b["eval"]))


def to_t(x):
    return T.from_numpy(x.detach().numpy().copy())


def prog_lstm_classifier(torch):
    nn = torch.nn
    pack_padded_sequence = nn.utils.rnn.pack_padded_sequence
    pad_packed_sequence = nn.utils.rnn.pad_packed_sequence
    pad_sequence = nn.utils.rnn.pad_sequence

    class LSTMClassifier(nn.Module):
        def __init__(self, vocab_size, embed_dim, hidden_dim, num_classes):
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
            self.lstm = nn.LSTM(embed_dim, hidden_dim, num_layers=2, batch_first=True,
                                bidirectional=True)
            self.fc = nn.Linear(hidden_dim * 2, num_classes)

        def forward(self, text, lengths):
            embedded = self.embedding(text)
            packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True,
                                          enforce_sorted=False)
            packed_out, (hidden, cell) = self.lstm(packed)
            output, out_lengths = pad_packed_sequence(packed_out, batch_first=True)
            hidden = torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)
            return self.fc(hidden), output, out_lengths

    seqs = [torch.tensor(ints(90 + i, 19, n) + 1) for i, n in enumerate([5, 3, 7, 2])]
    lengths = torch.tensor([len(s) for s in seqs])
    text = pad_sequence(seqs, batch_first=True, padding_value=0)
    labels = torch.tensor([1, 0, 1, 0])
    model = LSTMClassifier(20, 6, 5, 2)
    np_init(torch, model)
    with torch.no_grad():
        model.embedding.weight[0].fill_(0)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(3):
        optimizer.zero_grad()
        logits, output, out_lengths = model(text, lengths)
        loss = nn.functional.cross_entropy(logits, labels)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    return {"text": text, "losses": losses, "logits": logits, "output": output, "lens": out_lengths,
            "emb_pad_grad": model.embedding.weight.grad[0],
            "lstm_grad": model.lstm.weight_hh_l1_reverse.grad,
            "names": [n for n, _ in model.lstm.named_parameters()], "repr": repr(model)}


def test_lstm_classifier_packed():
    run_both(prog_lstm_classifier, rtol=1e-3, atol=1e-5)


def prog_transformer_classifier(torch):
    nn = torch.nn

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model, max_len=50):
            super().__init__()
            position = torch.arange(max_len).unsqueeze(1)
            div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
            pe = torch.zeros(max_len, 1, d_model)
            pe[:, 0, 0::2] = torch.sin(position * div_term)
            pe[:, 0, 1::2] = torch.cos(position * div_term)
            self.register_buffer("pe", pe)

        def forward(self, x):  # x: (batch, seq, d)
            return x + self.pe[:x.size(1)].transpose(0, 1)

    class TextClassifier(nn.Module):
        def __init__(self, vocab, d_model=16, nhead=2, num_classes=3):
            super().__init__()
            self.emb = nn.Embedding(vocab, d_model, padding_idx=0)
            self.pos = PositionalEncoding(d_model)
            layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=32, dropout=0.0,
                                               batch_first=True, norm_first=False)
            self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
            self.cls = nn.Linear(d_model, num_classes)

        def forward(self, tokens):
            pad_mask = tokens == 0
            h = self.encoder(self.pos(self.emb(tokens) * math.sqrt(16)),
                             src_key_padding_mask=pad_mask)
            h = h.masked_fill(pad_mask.unsqueeze(-1), 0.0)
            pooled = h.sum(1) / (~pad_mask).sum(1, keepdim=True).clamp(min=1)
            return self.cls(pooled)

    tokens = torch.tensor(ints(100, 29, 4, 7) + 1)
    tokens[0, 5:] = 0
    tokens[2, 3:] = 0
    labels = torch.tensor([0, 2, 1, 2])
    model = TextClassifier(30)
    np_init(torch, model, scale=0.2)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    losses = []
    model.train()
    for _ in range(2):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(tokens), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    causal = nn.Transformer.generate_square_subsequent_mask(4)
    return {"losses": losses, "logits": model(tokens),
            "pe": model.pe[:3] if hasattr(model, "pe") else model.pos.pe[:3],
            "buffers": [n for n, _ in model.named_buffers()], "causal": causal,
            "n_params": sum(p.numel() for p in model.parameters())}


def test_transformer_encoder_classifier():
    run_both(prog_transformer_classifier, rtol=1e-3, atol=1e-5)


def prog_char_rnn(torch):
    nn = torch.nn
    text = "hello world, hello torch. "
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = {i: c for c, i in stoi.items()}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)

    class CharRNN(nn.Module):
        def __init__(self, vocab, hidden=24):
            super().__init__()
            self.embed = nn.Embedding(vocab, 12)
            self.rnn = nn.GRU(12, hidden, batch_first=True)
            self.head = nn.Linear(hidden, vocab)

        def forward(self, x, h=None):
            out, h = self.rnn(self.embed(x), h)
            return self.head(out), h

    model = CharRNN(len(chars))
    np_init(torch, model, scale=0.3)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    seq_len = 8
    inputs = torch.stack([data[i:i + seq_len] for i in range(0, len(data) - seq_len - 1, 4)])
    targets = torch.stack([data[i + 1:i + seq_len + 1] for i in range(0, len(data) - seq_len - 1,
            4)])
    losses = []
    for _ in range(15):
        logits, _ = model(inputs)
        loss = nn.functional.cross_entropy(logits.view(-1, len(chars)), targets.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())

    def generate(start="h", n=20, sample=True, temperature=0.8):
        model.eval()
        idx = torch.tensor([[stoi[start]]])
        h, out = None, start
        with torch.no_grad():
            for _ in range(n):
                logits, h = model(idx, h)
                probs = torch.softmax(logits[:, -1] / temperature, dim=-1)
                nxt = torch.multinomial(probs, num_samples=1) if sample else probs.argmax(-1,
                        keepdim=True)
                out += itos[nxt.item()]
                idx = nxt
        return out

    greedy = generate(sample=False)
    torch.manual_seed(123)
    s1 = generate()
    torch.manual_seed(123)
    s2 = generate()
    g = torch.Generator().manual_seed(5)
    draws = torch.multinomial(torch.tensor([0.0, 0.2, 0.8]), 50, replacement=True, generator=g)
    return {"losses": losses, "greedy": greedy, "sample_repro": s1 == s2, "sample_len": len(s1),
            "sample_vocab": set(s1) <= set(chars), "never_zero": bool((draws != 0).all()),
            "draws": [draws.shape,
                      draws.dtype], "nr": sorted(torch.multinomial(torch.ones(5), 5).tolist())}


def test_char_rnn_generation():
    run_both(prog_char_rnn, rtol=1e-3, atol=1e-4)


def prog_vae(torch):
    nn, F = torch.nn, torch.nn.functional

    class VAE(nn.Module):
        def __init__(self, d_in=12, d_h=8, d_z=2):
            super().__init__()
            self.fc1 = nn.Linear(d_in, d_h)
            self.fc_mu = nn.Linear(d_h, d_z)
            self.fc_logvar = nn.Linear(d_h, d_z)
            self.fc3 = nn.Linear(d_z, d_h)
            self.fc4 = nn.Linear(d_h, d_in)

        def encode(self, x):
            h = F.relu(self.fc1(x))
            return self.fc_mu(h), self.fc_logvar(h)

        def reparameterize(self, mu, logvar):
            if not self.training:
                return mu
            std = torch.exp(0.5 * logvar)
            eps = torch.randn_like(std)
            return mu + eps * std

        def decode(self, z):
            return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

        def forward(self, x):
            mu, logvar = self.encode(x.view(-1, 12))
            z = self.reparameterize(mu, logvar)
            return self.decode(z), mu, logvar

    def loss_function(recon_x, x, mu, logvar):
        BCE = F.binary_cross_entropy(recon_x, x.view(-1, 12), reduction="sum")
        KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return BCE + KLD, KLD

    x = torch.tensor(np.random.default_rng(110).uniform(0, 1, (6, 3, 4)).astype(np.float32))
    model = VAE()
    np_init(torch, model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.eval()  # deterministic: z = mu
    eval_losses = []
    for _ in range(3):
        opt.zero_grad()
        recon, mu, logvar = model(x)
        loss, kld = loss_function(recon, x, mu, logvar)
        loss.backward()
        opt.step()
        eval_losses.append((loss.item(), kld.item()))
    model.train()  # sampled: only shapes and finiteness comparable
    recon, mu, logvar = model(x)
    loss, _ = loss_function(recon, x, mu, logvar)
    loss.backward()
    with torch.no_grad():
        sample = model.decode(torch.zeros(4, 2))
    return {"eval_losses": eval_losses, "mu": mu, "train_finite": math.isfinite(loss.item()),
            "recon": [recon.shape, bool(((recon > 0) & (recon < 1)).all())], "sample": sample,
            "randn_like": [torch.randn_like(mu).shape, torch.randn_like(mu.double()).dtype]}


def test_vae():
    run_both(prog_vae, rtol=1e-3, atol=1e-4)


def prog_gan(torch):
    nn = torch.nn
    G = nn.Sequential(nn.Linear(4, 16), nn.LeakyReLU(0.2), nn.Linear(16, 6), nn.Tanh())
    D = nn.Sequential(nn.Linear(6, 16), nn.LeakyReLU(0.2, inplace=True), nn.Linear(16, 1),
                      nn.Sigmoid())
    np_init(torch, G, 1)
    np_init(torch, D, 2)
    criterion = nn.BCELoss()
    optD = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
    optG = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    real = torch.tensor(arr(120, 8, 6, scale=0.5))
    hist = []
    for it in range(4):
        noise = torch.tensor(arr(121 + it, 8, 4))
        real_label = torch.full((8, 1), 1.0)
        fake_label = torch.zeros(8, 1)
        D.zero_grad()
        errD_real = criterion(D(real), real_label)
        errD_real.backward()
        fake = G(noise)
        output = D(fake.detach())
        errD_fake = criterion(output, fake_label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        optD.step()
        G.zero_grad()
        output = D(fake)
        errG = criterion(output, real_label)
        errG.backward()
        optG.step()
        hist.append([(errD_real + errD_fake).item(), errG.item(), D_G_z1, output.mean().item()])
    return {"hist": hist, "G": list(G.parameters()), "D_last_grad": D[2].weight.grad}


def test_gan_two_optimizers():
    run_both(prog_gan, rtol=1e-3, atol=1e-5)


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


# ----------------------------------------------------------------------------- more programs

def prog_resnet_blocks(torch):
    nn = torch.nn
    class BasicBlock(nn.Module):
        expansion = 1
        def __init__(self, inplanes, planes, stride=1, downsample=None):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = downsample
        def forward(self, x):
            identity = x
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            if self.downsample is not None:
                identity = self.downsample(x)
            out += identity
            out = self.relu(out)
            return out
    down = nn.Sequential(nn.Conv2d(4, 8, 1, 2, bias=False), nn.BatchNorm2d(8))
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4),
                        nn.ReLU(inplace=True), BasicBlock(4, 4), BasicBlock(4, 8, 2, down),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3))
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.constant_(m.weight, 0.05)
        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)
    nn.init.zeros_(net[-1].bias)
    nn.init.zeros_(net[-1].weight)
    nn.init.eye_(net[-1].weight[:, :3])
    x = torch.tensor(arr(1, 2, 3, 8, 8))
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    ls = []
    for _ in range(2):
        loss = nn.functional.cross_entropy(net(x), torch.tensor([0, 2]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        ls.append(loss.item())
    return [ls, net[0].weight.grad, net[3].bn2.running_var]


def test_resnet_blocks_inplace_relu_after_batchnorm():
    run_both(prog_resnet_blocks, rtol=1e-3, atol=1e-5)


def prog_reinforce(torch):
    nn = torch.nn
    from_np = torch.from_numpy
    policy = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.0), nn.Linear(16, 2))
    np_init(torch, policy)
    opt = torch.optim.Adam(policy.parameters(), lr=1e-2)
    states = arr(2, 6, 4)
    actions = [0, 1, 1, 0, 1, 0]
    rewards = [1.0] * 6
    log_probs = []
    for s, a in zip(states, actions):
        probs = torch.softmax(policy(from_np(s).float().unsqueeze(0)), dim=1)
        m = torch.distributions.Categorical(probs)
        log_probs.append(m.log_prob(torch.tensor([a])))
    R, returns = 0, []
    for r in rewards[::-1]:
        R = r + 0.99 * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + np.finfo(np.float32).eps.item())
    policy_loss = torch.cat([-lp * R for lp, R in zip(log_probs, returns)]).sum()
    opt.zero_grad()
    policy_loss.backward()
    opt.step()
    return [policy_loss, returns, policy[0].weight]


def test_reinforce_policy_gradient():
    run_both(prog_reinforce)


def prog_distill_ema_accum(torch):
    nn, F = torch.nn, torch.nn.functional
    student, teacher = _mlp(torch, seed=1), _mlp(torch, seed=2)
    ema = copy.deepcopy(student)
    for p in ema.parameters(): p.requires_grad_(False)
    opt = torch.optim.SGD(student.parameters(), lr=0.1)
    X = torch.tensor(arr(3, 8, 8))
    y = torch.tensor(ints(4, 3, 8))
    T_ = 4.0
    accum = 2
    for i, (xb, yb) in enumerate(zip(X.split(2), y.split(2))):
        with torch.no_grad():
            t_logits = teacher(xb)
        s_logits = student(xb)
        kd = F.kl_div(F.log_softmax(s_logits / T_, dim=1), F.softmax(t_logits / T_, dim=1),
                      reduction="batchmean") * T_ * T_
        loss = 0.5 * kd + 0.5 * F.cross_entropy(s_logits, yb)
        (loss / accum).backward()
        if (i + 1) % accum == 0:
            opt.step()
            opt.zero_grad()
            with torch.no_grad():
                for e, p in zip(ema.parameters(), student.parameters()):
                    e.mul_(0.9).add_(p.detach(), alpha=0.1)
    lam = 0.3
    idx = torch.tensor([1, 0, 3, 2, 5, 4, 7, 6])
    mixed = lam * X + (1 - lam) * X[idx, :]
    mix_loss = lam * F.cross_entropy(student(mixed),
                                     y) + (1 - lam) * F.cross_entropy(student(mixed), y[idx])
    return [list(ema.parameters()), mix_loss, [p.requires_grad for p in ema.parameters()]]


def test_distillation_ema_grad_accumulation():
    run_both(prog_distill_ema_accum)


def prog_seq2seq_attention(torch):
    nn, F = torch.nn, torch.nn.functional
    enc = nn.GRU(5, 6, batch_first=True, bidirectional=True)
    dec = nn.GRUCell(5 + 12, 6)
    attn = nn.Linear(6 + 12, 1)
    emb = nn.Embedding(10, 5)
    out = nn.Linear(6, 10)
    for mod in (enc, dec, attn, emb, out): np_init(torch, mod)
    src = torch.tensor(ints(6, 10, 2, 4))
    tgt = torch.tensor(ints(7, 10, 2, 3))
    enc_out, h = enc(emb(src))
    hid = torch.tanh(h[0] + h[1])
    loss = 0
    weights = []
    inp = torch.zeros(2, dtype=torch.long)
    for t in range(3):
        e = attn(torch.cat([hid.unsqueeze(1).repeat(1, 4, 1), enc_out], dim=2)).squeeze(2)
        a = F.softmax(e, dim=1)
        weights.append(a)
        context = torch.bmm(a.unsqueeze(1), enc_out).squeeze(1)
        hid = dec(torch.cat([emb(inp), context], 1), hid)
        logit = out(hid)
        loss = loss + F.cross_entropy(logit, tgt[:, t])
        inp = tgt[:, t]  # teacher forcing
    loss.backward()
    return [loss, torch.stack(weights, 1), emb.weight.grad, enc.weight_ih_l0_reverse.grad]


def test_seq2seq_gru_attention():
    run_both(prog_seq2seq_attention)


def prog_conv_autoencoder(torch):
    nn = torch.nn
    ae = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(),
                       nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ReLU(),
                       nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1,
                                          output_padding=1), nn.ReLU(),
                       nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1,
                                          output_padding=1), nn.Sigmoid())
    np_init(torch, ae)
    x = torch.tensor(np.random.default_rng(8).uniform(size=(3, 1, 8, 8)).astype(np.float32))
    opt = torch.optim.Adam(ae.parameters(), lr=1e-3, weight_decay=1e-5)
    ls = []
    for _ in range(3):
        l = nn.functional.mse_loss(ae(x), x)
        opt.zero_grad()
        l.backward()
        opt.step()
        ls.append(l.item())
    return [ls, ae(x)]


def test_conv_autoencoder():
    run_both(prog_conv_autoencoder)


def prog_dcgan_style_layers(torch):
    nn, F = torch.nn, torch.nn.functional
    g = nn.Sequential(nn.ConvTranspose2d(4, 3, 4, 2, 1, bias=False), nn.BatchNorm2d(3),
                      nn.ReLU(True), nn.Upsample(scale_factor=2, mode="nearest"),
                      nn.Conv2d(3, 4, 3, padding=1), nn.GroupNorm(2,
                              4), nn.PixelShuffle(2), nn.InstanceNorm2d(1), nn.AvgPool2d(2),
                              nn.Conv1d(1, 1, 1) if False else nn.Identity())
    np_init(torch, g)
    x = torch.tensor(arr(3, 2, 4, 3, 3), )
    y = g(x)
    y.sum().backward()
    t = nn.Conv1d(5, 3, kernel_size=2)(torch.ones(2, 5, 7)).shape
    return [y, g[0].weight.grad, t,
            F.interpolate(x, size=(5, 5), mode="bilinear", align_corners=False),
            F.pad(x, (1, 2), value=-1.).shape, F.unfold(x, 2).shape, F.normalize(x,
                    dim=1), F.cosine_similarity(x[0], x[1], dim=0),
            torch.cdist(x[0, 0], x[1, 0]), F.one_hot(torch.tensor([0, 2]),
                                                     4), F.adaptive_max_pool2d(x, 1)]


def test_dcgan_style_layers():
    run_both(prog_dcgan_style_layers)


def prog_module_utilities(torch):
    nn = torch.nn
    m = _mlp(torch)
    d = copy.deepcopy(m)
    m2 = pickle.loads(pickle.dumps(m))
    m64 = copy.deepcopy(m).double()
    h = copy.deepcopy(m).half()
    x = torch.tensor(arr(1, 2, 8))
    class B(nn.Module):
        def __init__(s):
            super().__init__()
            s.register_buffer("a", torch.ones(2))
            s.register_buffer("b", torch.zeros(2), persistent=False)
            s.pd = nn.ParameterDict({"w": nn.Parameter(torch.ones(2))})
            s.md = nn.ModuleDict({"l": nn.Linear(2, 2)})
            s.pl = nn.ParameterList([nn.Parameter(torch.zeros(1))])
            s.register_parameter("nob", None)
        def extra_repr(s): return "hello"
    b = B()
    return [d(x), m2(x), m64(x.double()).dtype, h[0].weight.dtype, list(b.state_dict()), repr(b),
            [n for n, _ in b.named_parameters()], [n for n,
                                                   _ in b.named_buffers()], m[0].weight.data.dtype]


def test_module_copy_pickle_dtype_buffers():
    run_both(prog_module_utilities)


def prog_common_errors(torch):
    res = []
    for f in [lambda: bool(torch.tensor([1, 2])),
              lambda: len(torch.tensor(1.)),
              lambda: torch.tensor([1.], requires_grad=True).numpy(),
              lambda: torch.ones(2, 3) @ torch.ones(2, 3),
              lambda: torch.ones(2) + torch.ones(3),
              lambda: torch.tensor([1, 2]).mean(),
              lambda: torch.nn.Linear(3, 2)(torch.ones(2, 4)),
              lambda: torch.cat([torch.ones(2, 2), torch.ones(3, 3)]),
              lambda: torch.ones(2).view(3),
              lambda: torch.tensor([[1, 2], [3]]),
              lambda: torch.ones(3)[5],
              lambda: torch.nn.functional.cross_entropy(torch.ones(2, 3), torch.tensor([0, 3])),
              lambda: torch.ones(2, requires_grad=True).add_(1), lambda: torch.ones(2).backward(),
              lambda: int(torch.ones(2))]:
        try:
            f()
            res.append("none")
        except Exception as e:
            res.append(type(e).__name__)
    return res


def test_common_errors_same_exception_types():
    run_both(prog_common_errors)


def prog_python_interop(torch):
    a = torch.tensor(arr(2, 3, 2))
    out = [list(a)[1], [r.sum() for r in a], sum([a[0], a[1]]), math.sqrt(a[0, 0].abs()),
           round(a[0, 1].item(), 2),
           max(torch.tensor([3, 1,
                             2])), np.float32(2) * a, a * np.float64(2),
                             torch.tensor([torch.tensor(1.), torch.tensor(2.)]),
           torch.as_tensor(np.arange(3)), torch.tensor(np.float32(2.5)), np.array(a).shape,
           a.new_zeros(2), a.new_tensor([1, 2]),
           a.new_full((2,),
                      3), a.type_as(torch.tensor([1])), a.masked_select(a > 0), a.index_select(0,
                              torch.tensor([2, 0])),
           a.view_as(a.t()), a.sum(dim=(0, 1)), torch.logsumexp(a, 1), torch.tril_indices(3,
                   3), torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij"),
           torch.cartesian_prod(torch.arange(2),
                                torch.arange(2)), torch.combinations(torch.arange(4),
                                        2), 2 in torch.tensor([1, 2]),
           torch.tensor([1, 2]) @ torch.tensor([3, 4]), a.abs().sqrt().log1p().exp().mean(0)]
    return out


def test_python_and_numpy_interop():
    run_both(prog_python_interop)


def prog_embedding_bag(torch):
    nn = torch.nn
    class TextClassificationModel(nn.Module):
        def __init__(self, vocab_size, embed_dim, num_class):
            super().__init__()
            self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
            self.fc = nn.Linear(embed_dim, num_class)
            initrange = 0.5
            self.embedding.weight.data.uniform_(-initrange, initrange)
            self.fc.weight.data.uniform_(-initrange, initrange)
            self.fc.bias.data.zero_()
        def forward(self, text, offsets):
            return self.fc(self.embedding(text, offsets))
    m = TextClassificationModel(20, 4, 3)
    np_init(torch, m)
    text = torch.tensor([1, 5, 7, 2, 3, 9, 9, 4])
    offsets = torch.tensor([0, 3, 5])
    out = m(text, offsets)
    out.sum().backward()
    return [out, m.embedding.weight.grad,
            torch.nn.functional.embedding_bag(text, m.embedding.weight, offsets, mode="max")]


def test_embedding_bag_text_classifier():
    run_both(prog_embedding_bag)


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


def prog_linear_regression(torch):
    X = torch.tensor(arr(5, 20, 3))
    w_true = torch.tensor([1., -2., 0.5])
    y = X @ w_true + 0.1
    w = torch.zeros(3, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=20)
    def closure():
        opt.zero_grad()
        loss = ((X @ w + b - y) ** 2).mean()
        loss.backward()
        return loss
    for _ in range(3): opt.step(closure)
    Xb = torch.cat([X, torch.ones(20, 1)], 1)
    closed = torch.linalg.solve(Xb.T @ Xb, Xb.T @ y)
    lst = torch.linalg.lstsq(Xb, y.unsqueeze(1)).solution
    return [w, b, closed, lst, torch.linalg.inv(Xb.T @ Xb) @ (Xb.T @ y),
            torch.linalg.norm(X, dim=1), torch.pinverse(Xb).shape]


def test_linear_regression_lbfgs_and_closed_form():
    run_both(prog_linear_regression, rtol=1e-3, atol=1e-4)


def prog_transformer_seq2seq_cells(torch):
    nn = torch.nn
    tr = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                        dim_feedforward=16, dropout=0.0, batch_first=True)
    np_init(torch, tr)
    src = torch.tensor(arr(6, 2, 5, 8))
    tgt = torch.tensor(arr(7, 2, 4, 8))
    tm = tr.generate_square_subsequent_mask(4)
    o = tr(src, tgt, tgt_mask=tm,
           src_key_padding_mask=torch.tensor([[False]*5, [False]*3 + [True]*2]), tgt_is_causal=True)
    o.sum().backward()
    cell = nn.LSTMCell(3, 4)
    np_init(torch, cell)
    h = c = torch.zeros(2, 4)
    xs = torch.tensor(arr(8, 5, 2, 3))
    outs = []
    for t in range(5):
        h, c = cell(xs[t], (h, c))
        outs.append(h)
    gcell = nn.GRUCell(3, 4)
    np_init(torch, gcell)
    return [o, tr.encoder.layers[0].linear1.weight.grad, torch.stack(outs), gcell(xs[0])]


def test_transformer_seq2seq_and_cells():
    run_both(prog_transformer_seq2seq_cells, rtol=1e-3, atol=1e-5)


def prog_data_utilities(torch):
    U = torch.utils.data
    ds = U.TensorDataset(torch.arange(10.), torch.arange(10))
    sub = U.Subset(ds, [1, 3, 5])
    cat = U.ConcatDataset([ds, sub])
    dl = U.DataLoader(cat, batch_size=4, collate_fn=lambda b: torch.stack([x for x, _ in b]))
    ws = U.WeightedRandomSampler([0., 1., 0., 1.], num_samples=6, replacement=True)
    bs = list(U.BatchSampler(U.SequentialSampler(range(7)), 3, drop_last=False))
    dl2 = U.DataLoader(ds, batch_size=3, num_workers=1)
    return [len(cat), [b for b in dl], set(list(ws)) <= {1, 3}, len(list(ws)), bs,
            [b[0] for b in dl2], U.default_collate([(1, 2.0), (3, 4.0)])]


def test_data_utilities():
    run_both(prog_data_utilities)


def prog_default_dtype(torch):
    torch.set_default_dtype(torch.float64)
    try:
        r = [torch.tensor([1.5]).dtype, torch.ones(2).dtype, torch.nn.Linear(2, 2).weight.dtype,
             torch.arange(3.).dtype, (torch.tensor([1]) / 2).dtype]
    finally:
        torch.set_default_dtype(torch.float32)
    return r


def test_set_default_dtype():
    run_both(prog_default_dtype)


def prog_save_views(torch):
    base = torch.arange(10.)
    buf = io.BytesIO()
    torch.save({"a": base[2:5], "b": base}, buf)
    buf.seek(0)
    d = torch.load(buf)
    d["a"][0] = -1
    buf2 = io.BytesIO()
    torch.save(base[::2], buf2)
    buf2.seek(0)
    return [d["a"], d["b"], torch.load(buf2), d["a"].storage_offset() if True else 0]


def test_save_load_views_bytesio():
    run_both(prog_save_views)


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


def tryall(torch, fns):
    r = []
    for f in fns:
        try:
            v = f()
            r.append(v)
        except Exception as e:
            r.append("EXC " + type(e).__name__)
    return r
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


def prog_more_layers(torch):
    nn, F = torch.nn, torch.nn.functional
    mods = [nn.Unflatten(1, (2, 3)), nn.PReLU(), nn.SiLU(), nn.Mish(), nn.Hardswish(),
            nn.Softplus(beta=2), nn.ELU(), nn.SELU(),
            nn.LeakyReLU(0.1), nn.Tanhshrink(), nn.LogSoftmax(dim=1), nn.Softmin(1), nn.GLU(),
            nn.Hardtanh(-0.5, 0.5), nn.Threshold(0.1, 20.)]
    x = torch.tensor(arr(1, 4, 6), requires_grad=True)
    outs = [m(x) for m in mods]
    sum(o.sum() for o in outs).backward()
    bil = nn.Bilinear(6, 6, 2)
    np_init(torch, bil)
    rnn = nn.RNN(6, 3, nonlinearity="relu", num_layers=2, dropout=0.0)
    np_init(torch, rnn)
    ctc = nn.CTCLoss()(F.log_softmax(torch.tensor(arr(2, 7, 2, 5)), 2),
                       torch.tensor([[1, 2, 2], [3, 1, 4]]), torch.tensor([7, 6]), torch.tensor([3,
                               2]))
    return outs + [x.grad, bil(x, x), rnn(x.unsqueeze(1))[0], ctc]

def prog_more_schedulers(torch):
    S = torch.optim.lr_scheduler
    res = []
    for mk in [lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=1e-4),
               lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=2),
               lambda o: S.PolynomialLR(o, total_iters=4, power=2.0), lambda o: S.ConstantLR(o,
                       factor=0.5, total_iters=2),
               lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=2),
                                             S.ExponentialLR(o, gamma=0.9)]),
               lambda o: S.MultiplicativeLR(o, lambda e: 0.9)]:
        o = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
        s = mk(o)
        lrs = []
        for _ in range(7):
            o.step()
            s.step()
            lrs.append(round(o.param_groups[0]["lr"], 8))
        res.append(lrs)
    sd = s.state_dict()
    return res + [sorted(k for k in sd if not k.startswith("_"))]

def prog_autograd_utilities(torch):
    nn = torch.nn
    lin = nn.Linear(4, 3)
    np_init(torch, lin)
    wn = nn.utils.weight_norm(nn.Linear(4, 3))
    np_init(torch, wn)
    x = torch.tensor(arr(3, 2, 4))
    gc = torch.autograd.gradcheck(lambda a: (a * a).sum(),
                                  (torch.tensor([1., 2.], dtype=torch.float64,
                                                requires_grad=True),))
    p = nn.Parameter(torch.ones(2))
    seen = []
    p.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
    (p * 3).sum().backward()
    params = {k: v.detach() for k, v in lin.named_parameters()}
    fc = torch.func.functional_call(lin, params, (x,))
    return [[n for n, _ in wn.named_parameters()], wn(x), gc, seen, fc,
            torch.vmap(torch.dot)(x, x), torch.func.grad(lambda a: (a ** 2).sum())(x[0])]

def prog_dcgan_weights_init(torch):
    nn = torch.nn
    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find('Conv') != -1:
            nn.init.normal_(m.weight.data, 0.0, 0.02)
        elif classname.find('BatchNorm') != -1:
            nn.init.normal_(m.weight.data, 1.0, 0.02)
            nn.init.constant_(m.bias.data, 0)
    netG = nn.Sequential(nn.ConvTranspose2d(8, 16, 4, 1, 0, bias=False), nn.BatchNorm2d(16),
                         nn.ReLU(True),
                         nn.ConvTranspose2d(16, 3, 4, 2, 1, bias=False), nn.Tanh())
    netG.apply(weights_init)
    w = netG[0].weight
    fixed_noise = torch.randn(4, 8, 1, 1)
    out = netG(fixed_noise)
    return [round(w.std().item(), 2), round(netG[1].weight.mean().item(), 1), netG[1].bias,
            out.shape, bool((out.abs() <= 1).all())]


def test_more_layers_and_ctc():
    run_both(prog_more_layers)


def test_more_lr_schedulers():
    run_both(prog_more_schedulers)


def test_weight_norm_gradcheck_func_vmap():
    run_both(prog_autograd_utilities)


def test_dcgan_weights_init():
    run_both(prog_dcgan_weights_init)



def prog_wgan_gp(torch):
    nn, F = torch.nn, torch.nn.functional
    D = nn.Sequential(nn.Linear(6, 16), nn.LeakyReLU(0.2), nn.Linear(16, 16), nn.Tanh(),
                      nn.Linear(16, 1))
    np_init(torch, D)
    opt = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.0, 0.9))
    real = torch.tensor(arr(1, 4, 6))
    fake = torch.tensor(arr(2, 4, 6))
    alpha = torch.tensor(np.random.default_rng(3).uniform(size=(4, 1)).astype(np.float32))
    hist = []
    for _ in range(2):
        interpolates = (alpha * real + ((1 - alpha) * fake)).requires_grad_(True)
        d_interpolates = D(interpolates)
        gradients = torch.autograd.grad(outputs=d_interpolates, inputs=interpolates,
                                        grad_outputs=torch.ones(4, 1),
                                        create_graph=True, retain_graph=True, only_inputs=True)[0]
        gp = ((gradients.norm(2, dim=1) - 1) ** 2).mean()
        loss = D(fake).mean() - D(real).mean() + 10 * gp
        opt.zero_grad()
        loss.backward()
        opt.step()
        hist.append([gp.item(), loss.item()])
    # MAML-style inner step with functional weights
    w, b = torch.tensor(arr(4, 3, 6), requires_grad=True), torch.zeros(3, requires_grad=True)
    x, y = torch.tensor(arr(5, 5, 6)), torch.tensor([0, 1, 2, 1, 0])
    inner = F.cross_entropy(F.linear(x, w, b), y)
    gw, gb = torch.autograd.grad(inner, (w, b), create_graph=True)
    w2, b2 = w - 0.1 * gw, b - 0.1 * gb
    outer = F.cross_entropy(F.linear(x, w2, b2), y)
    outer.backward()
    # Hessian-vector product and unused inputs
    p = torch.tensor([1., 2., 3.], requires_grad=True)
    q = torch.ones(2, requires_grad=True)
    f = (p.sin() * p).sum()
    (g,) = torch.autograd.grad(f, p, create_graph=True)
    hv = torch.autograd.grad(g, p, grad_outputs=torch.tensor([1., 0., -1.]))[0]
    un = torch.autograd.grad((p * 2).sum(), [p, q], allow_unused=True)
    un2 = torch.autograd.grad((p * 2).sum(), [p, q], allow_unused=True, materialize_grads=True)
    a = torch.ones(2, requires_grad=True)
    c = torch.ones(2, requires_grad=True)
    (a * c * 3).sum().backward(inputs=[a])
    torch.autograd.backward([(a * 2).sum(), (c * 5).sum()])
    hess = torch.autograd.functional.hessian(lambda v: (v ** 3).sum(), torch.tensor([1., 2.]))
    return [hist, D[0].weight.grad, w.grad, b.grad, hv, un[1] is None, un2[1], a.grad, c.grad, hess]


def test_gradient_penalty_maml_hvp():
    run_both(prog_wgan_gp)


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


def prog_print_optimizers(torch):
    model = _mlp(torch)
    opts = [torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9),
            torch.optim.Adam(model.parameters(), lr=1e-3),
            torch.optim.AdamW([{"params": model[0].parameters()},
                               {"params": model[2].parameters(), "lr": 1e-4}], lr=1e-3),
            torch.optim.RMSprop(model.parameters()), torch.optim.Adagrad(model.parameters())]
    return [repr(o) for o in opts] + [sorted(o.state_dict()["param_groups"][0]) for o in opts]


def test_print_optimizers():
    run_both(prog_print_optimizers)



def prog_dataloader_workers(torch):
    U = torch.utils.data
    class Stream(U.IterableDataset):
        def __init__(self, n): self.n = n
        def __iter__(self):
            info = U.get_worker_info()
            if info is None: return iter(range(self.n))
            return iter(range(info.id, self.n, info.num_workers))
    ds = U.TensorDataset(torch.arange(12.).view(6, 2), torch.arange(6))
    a = [b for b in U.DataLoader(ds, batch_size=4, num_workers=2, persistent_workers=True)]
    s = sorted(sum([b.tolist() for b in U.DataLoader(Stream(7), batch_size=2, num_workers=2)], []))
    s0 = [b for b in U.DataLoader(Stream(5), batch_size=2)]
    pinned = next(iter(U.DataLoader(ds, batch_size=2, pin_memory=torch.cuda.is_available())))
    return [a, s, s0, pinned]


def test_dataloader_workers_iterable_dataset():
    run_both(prog_dataloader_workers)



def prog_audio_spatial_attention(torch):
    nn, F = torch.nn, torch.nn.functional
    wav = torch.tensor(np.sin(np.linspace(0, 60, 400)).astype(np.float32) + arr(1, 400, scale=0.1))
    win = torch.hann_window(64)
    def stft():
        spec = torch.stft(wav, n_fft=64, hop_length=16, win_length=64, window=win,
                          return_complex=True)
        mag = spec.abs() ** 2
        back = torch.istft(spec, n_fft=64, hop_length=16, window=win, length=400)
        return [mag, back, spec.shape, spec.dtype, torch.log(mag + 1e-6).mean()]
    def ffts():
        return [torch.fft.rfft(wav).abs()[:5], torch.fft.irfft(torch.fft.rfft(wav), n=400)[:5],
                torch.fft.fftfreq(8), torch.fft.fftshift(torch.arange(6))]
    def stn():
        theta = torch.tensor([[[0.9, 0.1, 0.05], [-0.1, 0.8, 0.0]]]).repeat(2, 1,
                1).requires_grad_()
        img = torch.tensor(arr(2, 2, 3, 6, 6), requires_grad=True)
        grid = F.affine_grid(theta, img.size(), align_corners=False)
        out = F.grid_sample(img, grid, align_corners=False)
        out.sum().backward()
        return [grid, out, theta.grad, img.grad]
    def interp():
        x = torch.tensor(arr(3, 1, 2, 4, 4))
        return [F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False),
                nn.Upsample(scale_factor=1.5, mode="bilinear", align_corners=True)(x),
                F.interpolate(x[:, :, 0], size=7, mode="linear"), F.avg_pool1d(x[:, :, 0],
                        2), F.interpolate(x, size=(3, 5), mode="area")]
    def attn_masks():
        q = torch.tensor(arr(4, 2, 3, 5, 4))
        bm = torch.tensor(ints(5, 2, 5, 5)).bool() | torch.eye(5).bool()
        fm = torch.tensor(arr(6, 5, 5))
        mha = nn.MultiheadAttention(4, 2, batch_first=True)
        np_init(torch, mha)
        x = q[:, 0]
        return [F.scaled_dot_product_attention(q, q, q, attn_mask=bm),
                F.scaled_dot_product_attention(q, q, q, attn_mask=fm, scale=0.3),
                mha(x, x, x, attn_mask=fm, need_weights=True, average_attn_weights=False), mha(x,
                        x, x, attn_mask=~bm, need_weights=False)[0]]
    def dist_samples():
        torch.manual_seed(0)
        n = torch.distributions.Normal(torch.zeros(3), torch.ones(3))
        return [n.sample((5,)).shape, n.rsample((2, 4)).shape,
                torch.distributions.Categorical(probs=torch.ones(2, 4)).sample((3,)).shape,
                torch.distributions.Uniform(0.,
                                            2.).sample((4,)).shape, torch.distributions.Beta(2.,
                                                    3.).mean]
    return tryall(torch, [stft, ffts, stn, interp, attn_masks, dist_samples])


def test_audio_spatial_transformer_attention_masks():
    run_both(prog_audio_spatial_attention)


def prog_graph_message_passing(torch):
    nn, F = torch.nn, torch.nn.functional
    edge_index = torch.tensor([[0, 1, 1, 2, 3, 0], [1, 0, 2, 1, 0, 3]])
    x = torch.tensor(arr(1, 4, 3))
    lin = nn.Linear(3, 2)
    np_init(torch, lin)
    def mp():
        h = lin(x)
        src, dst = edge_index
        deg = torch.zeros(4).index_add_(0, dst, torch.ones(6))
        norm = deg[src].rsqrt() * deg[dst].rsqrt()
        out = torch.zeros(4, 2).index_add_(0, dst, h[src] * norm.unsqueeze(1))
        agg = torch.zeros(4, 2).scatter_reduce(0, dst.unsqueeze(1).expand(-1, 2), h[src],
                                               reduce="mean", include_self=False)
        out.sum().backward()
        return [out, agg, lin.weight.grad]
    def adj():
        a = torch.zeros(4, 4)
        a[edge_index[0], edge_index[1]] = 1
        dinv = a.sum(1).pow(-0.5)
        dinv[torch.isinf(dinv)] = 0
        return [torch.diag(dinv) @ a @ torch.diag(dinv), torch.matrix_power(a, 2),
                torch.linalg.eigh(a + a.T).eigenvalues]
    return tryall(torch, [mp, adj])


def test_graph_message_passing():
    run_both(prog_graph_message_passing)
