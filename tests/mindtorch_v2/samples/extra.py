"""CPU/meta agreement samples of the extra family (igamma, igammac, frexp)."""

_A = lambda L: L.arange(1.0, 7.0).reshape(2, 3)  # noqa: E731

SAMPLES = {
    "igamma": [
        lambda L: ((_A(L), L.tensor([0.5, 1.0, 2.0])), {}),
        lambda L: ((_A(L).t(), 2), {}),
        lambda L: ((L.arange(3), L.arange(3.0, dtype=L.float64)), {}),
    ],
    "igammac": [
        lambda L: ((_A(L), L.tensor([[0.5], [3.0]])), {}),
        lambda L: ((L.ones(2, dtype=L.complex64), 1.0), {}),
    ],
    "igamma_": [lambda L: ((_A(L), L.tensor([0.5, 1.0, 2.0])), {})],
    "igammac_": [lambda L: ((_A(L).t(), 1.5), {})],
    "frexp": [
        lambda L: ((L.tensor([0.0, 1.0, -3.5, 1e-3]),), {}),
        lambda L: ((_A(L).t().to(L.float16),), {}),
        lambda L: ((L.arange(3),), {}),
    ],
}
SAMPLES["linalg_lu_factor_ex"] = [
    lambda L: ((L.tensor([[1.0, 2.0], [3.0, 4.0]]),), {}),
    lambda L: ((L.arange(24.0).reshape(2, 3, 4) ** 0.5,), {}),
    lambda L: ((L.ones(4, 1, dtype=L.float64),), {}),
    lambda L: ((L.ones(2, 1, 3, dtype=L.complex64),), {}),
    lambda L: ((L.ones(3, 0, 2),), {}),
    lambda L: ((L.ones(2, 2), False), {}),
    lambda L: ((L.ones(2, 2, dtype=L.float16),), {}),
]
