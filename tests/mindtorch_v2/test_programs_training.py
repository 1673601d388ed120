"""Ordinary PyTorch programs run on torch and mindtorch_v2: training loops, losses,
optimisers and schedulers, train/eval and save/load, fine-tuning tricks, plus
RL, distillation, regression and data-loading programs.

See programs_harness for how the programs are run and compared.
"""
from __future__ import annotations

import copy
import io
import math

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same
from programs_harness import run_both, _compare, np_init, arr, ints, _mlp


# ----------------------------------------------------------------------------- training loop

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


# ----------------------------------------------------------------------------- more programs (training)

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


def test_more_lr_schedulers():
    run_both(prog_more_schedulers)


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
