"""torch.utils.checkpoint: same outputs and gradients as running the segment normally."""
import numpy as np
import pytest
import torch as T
import torch.utils.checkpoint  # noqa: F401  (torch.utils.checkpoint is not imported by torch)

import mindtorch_v2 as M
from helpers import assert_same, to_mt


def _model(lib):
    rng = np.random.default_rng(0)
    w1 = lib.from_numpy(rng.standard_normal((4, 8)))
    w2 = lib.from_numpy(rng.standard_normal((8, 3)))
    for w in (w1, w2):
        w.requires_grad_(True)
    return w1, w2


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_checkpoint_matches_torch(use_reentrant):
    res = []
    for lib in (M, T):
        w1, w2 = _model(lib)
        x = lib.from_numpy(np.linspace(-1, 1, 8).reshape(2, 4)).requires_grad_(True)

        def seg(h, scale):
            return (h @ w1).tanh() @ w2 * scale

        out = lib.utils.checkpoint.checkpoint(seg, x, 2.0, use_reentrant=use_reentrant)
        out.sum().backward()
        res.append((out, x.grad, w1.grad, w2.grad))
    for m, t in zip(*res):
        assert_same(m, t)


def test_checkpoint_replays_dropout():
    M.manual_seed(0)
    x = M.ones(50, 50, requires_grad=True)
    out = M.utils.checkpoint.checkpoint(lambda t: M.nn.functional.dropout(t, 0.5) * 3, x,
                                        use_reentrant=True)
    out.sum().backward()
    # the recomputed mask equals the forward's: gradient 6 exactly where the output is kept
    assert M.equal(x.grad, (out != 0).to(M.float32) * 6)


def test_checkpoint_sequential():
    M.manual_seed(0)
    net = M.nn.Sequential(*[M.nn.Linear(4, 4) for _ in range(4)])
    x = to_mt(T.randn(3, 4, dtype=T.float32)).requires_grad_(True)
    ref = net(x)
    ref.sum().backward()
    g_ref = x.grad.clone()
    x.grad = None
    out = M.utils.checkpoint.checkpoint_sequential(net, 2, x, use_reentrant=True)
    assert M.allclose(out, ref)
    out.sum().backward()
    assert M.allclose(x.grad, g_ref)
