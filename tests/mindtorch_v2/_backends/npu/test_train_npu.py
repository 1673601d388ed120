"""Training on the NPU: a small MLP (SGD with momentum, Adam) and a tiny CNN give the CPU
run's losses and gradients from the same initial weights."""
import numpy as np
import pytest

import mindtorch_v2 as torch
from mindtorch_v2._backends.npu import acl


def _setup():
    if not torch.npu.is_available() and acl._loaded is None:
        torch.npu.use_simulator()
    return torch.npu.is_available()


pytestmark = pytest.mark.skipif(not _setup(), reason="NPU not available")
nn = torch.nn


def _mlp_losses(device, make_opt, steps=20):
    torch.manual_seed(0)            # same initial weights and data on both devices
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
    x, y = torch.randn(12, 8), torch.randint(0, 4, (12,))
    model.to(device)
    x, y = x.to(device), y.to(device)
    opt = make_opt(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        assert loss.device.type == device
        losses.append(loss.item())
    weights = [p.detach().to("cpu").numpy() for p in model.parameters()]
    return np.array(losses), weights


@pytest.mark.parametrize("make_opt", [
    lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: torch.optim.Adam(ps, lr=0.01),
], ids=["sgd_momentum", "adam"])
def test_mlp_trains_like_cpu(make_opt):
    cpu_losses, cpu_w = _mlp_losses("cpu", make_opt)
    npu_losses, npu_w = _mlp_losses("npu", make_opt)
    assert cpu_losses[-1] < cpu_losses[0] * 0.8          # it does train
    np.testing.assert_allclose(npu_losses, cpu_losses, rtol=1e-5, atol=1e-6)
    for a, b in zip(npu_w, cpu_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _cnn_step(device):
    torch.manual_seed(1)
    model = nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), nn.GELU(), nn.Flatten(),
        nn.LayerNorm(24), nn.Dropout(0.0), nn.Linear(24, 3))
    x, y = torch.randn(3, 2, 8, 8), torch.tensor([0, 2, 1])
    model.to(device)
    x = x.to(device).requires_grad_()
    out = model(x)
    loss = nn.functional.cross_entropy(out, y.to(device))
    loss.backward()
    bn = model[1]
    return [t.detach().to("cpu").numpy() for t in
            (out, loss, x.grad, *(p.grad for p in model.parameters()), bn.running_mean,
             bn.running_var)]


def test_cnn_forward_backward_matches_cpu():
    for a, b in zip(_cnn_step("npu"), _cnn_step("cpu")):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
