"""CPU/meta agreement samples of the nn_ops family (and torch.special-only binary rows)."""

SAMPLES = {
    "softmax": [
        lambda L: ((L.arange(12.0).reshape(3, 4), 1, None), {}),
        lambda L: ((L.arange(12.0).reshape(3, 4).t(), 0, L.float64), {}),
        lambda L: ((L.tensor(2.0), 0), {}),
        lambda L: ((L.arange(6).reshape(2, 3), -1, L.float32), {}),
        lambda L: ((L.ones(2, 3, dtype=L.float16), 0), {}),
    ],
    "log_softmax": [
        lambda L: ((L.arange(12.0).reshape(3, 4), 0, None), {}),
        lambda L: ((L.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1), 1), {}),
        lambda L: ((L.zeros(0, 3), -1, L.float64), {}),
    ],
    # torch.special-only binary rows of the elementwise family (declared for torch.special)
    "xlog1py": [
        lambda L: ((L.arange(6.0).reshape(2, 3), L.arange(3)), {}),
        lambda L: ((2, L.arange(3).t()), {}),
    ],
    "zeta": [
        lambda L: ((L.arange(2.0, 8.0).reshape(2, 3).t(), 1.5), {}),
        lambda L: ((L.tensor([2.0, 3.0]), L.tensor([[1.0], [2.0]], dtype=L.float64)), {}),
    ],
}
