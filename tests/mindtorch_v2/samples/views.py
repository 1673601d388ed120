"""CPU/meta agreement samples for the view ops: name -> [lib -> (args, kwargs)]."""


def _a(L, *shape, dtype=None):
    n = 1
    for s in shape:
        n *= s
    return L.arange(n).reshape(shape).to(dtype or L.float32)


def _t(L, *shape):
    return _a(L, *shape).transpose(0, -1)


SAMPLES = {
    "view": [lambda L: ((_a(L, 2, 3, 4), (6, 4)), {}),
             lambda L: ((_t(L, 2, 3, 4), (4, 3, 2, 1)), {})],
    "view.dtype": [lambda L: ((_a(L, 2, 4), L.float64), {}),
                   lambda L: ((_a(L, 2, 4), L.int16), {})],
    "as_strided": [lambda L: ((_a(L, 3, 4), (2, 2), (1, 2), 1), {}),
                   lambda L: ((_a(L, 3, 4), (3,), (4,)), {})],
    "transpose": [lambda L: ((_a(L, 2, 3, 4), 0, -1), {})],
    "permute": [lambda L: ((_t(L, 2, 3, 4), (1, 2, 0)), {})],
    "expand": [lambda L: ((_a(L, 3, 1), (2, 3, 4)), {}),
               lambda L: ((_t(L, 1, 3), (2, -1, 5)), {})],
    "squeeze": [lambda L: ((_a(L, 1, 3, 1),), {}),
                lambda L: ((_a(L, 1, 3, 1), (0, 1)), {}),
                lambda L: ((_a(L, 1, 3, 1), -1), {})],
    "unsqueeze": [lambda L: ((_t(L, 2, 3), 1), {}), lambda L: ((_a(L, 2, 3), -1), {})],
    "select": [lambda L: ((_a(L, 2, 3, 4), 1, -1), {})],
    "slice": [lambda L: ((_a(L, 4, 5), 1, 1, 5, 2), {}),
              lambda L: ((_t(L, 4, 5), 0, 3, None, 1), {})],
    "narrow": [lambda L: ((_a(L, 4, 5), -1, 1, 3), {})],
    "diagonal": [lambda L: ((_a(L, 2, 3, 4), 1, 1, 2), {}),
                 lambda L: ((_t(L, 3, 4), -1, 0, 1), {})],
    "unfold": [lambda L: ((_a(L, 3, 6), 1, 2, 2), {})],
    "view_as_real": [lambda L: ((_a(L, 2, 3, dtype=L.complex64),), {})],
    "view_as_complex": [lambda L: ((_a(L, 3, 2),), {})],
}
