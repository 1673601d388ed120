"""CPU/meta agreement samples for the shape family: name -> [lib -> (args, kwargs)]."""


def _a(L, *shape, dtype=None):
    """arange of ``shape`` (float32 unless ``dtype``); also used by samples/views.py."""
    n = 1
    for s in shape:
        n *= s
    return L.arange(n).reshape(shape).to(dtype or L.float32)


def _t(L, *shape):
    """A transposed (non-contiguous) sample."""
    return _a(L, *shape).transpose(0, -1)


SAMPLES = {
    "cat": [
        lambda L: (([_a(L, 2, 3), _a(L, 1, 3)],), {}),
        lambda L: (((_t(L, 2, 3), _a(L, 3, 4, dtype=L.int32)), 1), {}),
        lambda L: (([L.zeros(0), _a(L, 2, 2)], -1), {}),
        lambda L: (([_a(L, 2, 3, 4, 5).to(memory_format=L.channels_last)] * 2, 1), {}),
    ],
    "stack": [
        lambda L: (([_a(L, 2, 3), _t(L, 3, 2)], 1), {}),
        lambda L: (([_a(L, 2, dtype=L.int8), _a(L, 2, dtype=L.float64)], -1), {}),
    ],
    "flip": [
        lambda L: (_a(L, 2, 3, 4), (0, 2)),
        lambda L: (_t(L, 2, 3, 4), (1,)),
    ],
    "roll": [
        lambda L: (_a(L, 3, 4), (1,), ()),
        lambda L: (_t(L, 3, 4), (1, -2), (0, 1)),
    ],
    "repeat": [
        lambda L: (_a(L, 2, 3), (2, 1, 3)),
        lambda L: (_t(L, 2, 3), (1, 2)),
    ],
    "repeat_interleave": [
        lambda L: (_a(L, 2, 3), 2, 1),
        lambda L: (_a(L, 2, 3), 3, None),
        lambda L: (_a(L, 3, 2), L.tensor([1, 0, 2]), 0, 3),
    ],
    "tril": [lambda L: (_a(L, 3, 4), 1), lambda L: (_t(L, 2, 3, 4), -1)],
    "triu": [lambda L: (_a(L, 3, 4), 0), lambda L: (_t(L, 2, 3, 4), 2)],
    "tril_": [lambda L: (_a(L, 3, 4), 1)],
    "triu_": [lambda L: (_a(L, 3, 4), -1)],
    "diag": [lambda L: (_a(L, 3), 1), lambda L: (_t(L, 3, 4), -1)],
    "diag_embed": [lambda L: (_a(L, 2, 3), 1, 0, 2), lambda L: (_a(L, 3), -1, -2, -1)],
    "block_diag": [lambda L: ((_a(L, 2, 2), _a(L, 3, dtype=L.int32), L.tensor(1.)), {})],
    "combinations": [lambda L: (_a(L, 4), 2, False), lambda L: (_a(L, 3), 3, True)],
}


def _norm(v):
    return v if isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], dict) else (v, {})


SAMPLES = {k: [(lambda f: (lambda L: _norm(f(L))))(f) for f in fs] for k, fs in SAMPLES.items()}
