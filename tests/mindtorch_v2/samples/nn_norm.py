"""CPU/meta agreement samples of the nn_norm family (fused layer norm and NLL loss)."""

SAMPLES = {
    "native_layer_norm": [
        lambda L: ((L.randn(3, 4, 5), (5,), L.randn(5), L.randn(5), 1e-5), {}),
        lambda L: ((L.randn(2, 3, 4).transpose(0, 2), (3, 2), None, None, 1e-3), {}),
        lambda L: ((L.randn(0, 4, dtype=L.float64), (4,), None, L.randn(4, dtype=L.float64),
                    1e-5), {}),
        lambda L: ((L.randn(2, 4).half(), (4,), None, None, 1e-5), {}),
    ],
    "native_batch_norm": [
        lambda L: ((L.randn(4, 3, 5), L.randn(3), L.randn(3), None, None, True, 0.1, 1e-5),
                   {}),
        lambda L: ((L.randn(2, 3, 4, 4).permute(0, 2, 3, 1).permute(0, 3, 1, 2), None, None,
                    L.zeros(3), L.ones(3), False, 0.1, 1e-5), {}),
        lambda L: ((L.randn(5, 2, dtype=L.float64), None, None, None, None, True, 0.1, 1e-3),
                   {}),
    ],
    "relu": [
        lambda L: ((L.randn(3, 4).t(),), {}),
        lambda L: ((L.arange(-3, 9).reshape(3, 4)[:, ::2],), {}),
        lambda L: ((L.randn(2, 3).half(),), {}),
    ],
    "gelu": [
        lambda L: ((L.randn(3, 4).t(), "none"), {}),
        lambda L: ((L.randn(2, 6, dtype=L.float64)[:, 1::2], "tanh"), {}),
        lambda L: ((L.randn(0, 3),), {}),
    ],
    "nll_loss_nd": [
        lambda L: ((L.randn(4, 5), L.tensor([0, 4, 2, 1]), None, 1, -100), {}),
        lambda L: ((L.randn(4, 5, 3), L.tensor([[0, 4, 2]] * 4), L.rand(5), 0, 2), {}),
        lambda L: ((L.randn(5, dtype=L.float64), L.tensor(3), None, 2, -100), {}),
        lambda L: ((L.randn(3, 5).t(), L.tensor([1, 1, 1, 0, 2]), L.rand(3), 1, 1), {}),
    ],
}
