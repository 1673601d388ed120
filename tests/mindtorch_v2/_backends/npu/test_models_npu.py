"""Small NLP / vision models on the NPU give the CPU run's outputs, losses and gradients from
the same initial weights: an Embedding + LSTM text classifier (with an Adam step), a
TransformerEncoderLayer with a padding mask, and a CNN with average pools."""
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


def _np(ts):
    return [t.detach().to("cpu").numpy() for t in ts]


def _same(npu, cpu, rtol=1e-4, atol=1e-5):
    assert len(npu) == len(cpu)
    for a, b in zip(npu, cpu):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


class TextLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8, padding_idx=0)
        self.lstm = nn.LSTM(8, 12, batch_first=True)
        self.head = nn.Linear(12, 3)

    def forward(self, tokens):
        out, (h, c) = self.lstm(self.emb(tokens))
        return self.head(out.mean(1) + h[-1])


def _lstm_run(device):
    torch.manual_seed(0)
    model = TextLSTM().to(device)
    tokens = torch.tensor([[3, 5, 7, 0, 0], [1, 19, 4, 4, 2], [6, 0, 0, 0, 0]], device=device)
    y = torch.tensor([0, 2, 1], device=device)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(2):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(tokens), y)
        loss.backward()
        opt.step()
        assert loss.device.type == device
        losses.append(loss.detach())
    grads = [p.grad for p in model.parameters()]
    return _np(losses + grads + list(model.parameters()))


def test_lstm_text_classifier_trains_like_cpu():
    _same(_lstm_run("npu"), _lstm_run("cpu"))


def _encoder_run(device):
    torch.manual_seed(2)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True).to(device)
    x = torch.randn(2, 4, 8).to(device).requires_grad_()
    pad = torch.tensor([[False, False, False, True], [False, False, False, False]],
                       device=device)
    out = layer(x, src_key_padding_mask=pad)
    loss = (out * out).sum()
    loss.backward()
    return _np([out, x.grad] + [p.grad for p in layer.parameters()])


def test_transformer_encoder_layer_forward_backward_matches_cpu():
    _same(_encoder_run("npu"), _encoder_run("cpu"))


def _cnn_run(device):
    torch.manual_seed(3)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.SiLU(), nn.AvgPool2d(2),
        nn.Conv2d(4, 6, 3, padding=1), nn.Hardswish(), nn.AdaptiveAvgPool2d((2, 2)),
        nn.Flatten(), nn.Linear(24, 5))
    model.to(device)
    x = torch.randn(2, 3, 9, 9).to(device).requires_grad_()
    y = torch.tensor([4, 1], device=device)
    out = model(x)
    loss = nn.functional.cross_entropy(out, y)
    loss.backward()
    return _np([out, loss, x.grad] + [p.grad for p in model.parameters()])


def test_cnn_with_avg_pools_matches_cpu():
    _same(_cnn_run("npu"), _cnn_run("cpu"))
