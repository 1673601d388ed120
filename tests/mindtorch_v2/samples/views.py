"""CPU/meta agreement samples for the view ops: name -> [lib -> (args, kwargs)]."""


# the same sample builders as the shape family (tests/conftest.py puts tests/mindtorch_v2
# on sys.path, so ``samples`` is importable as a package)
from samples.shape import _a, _t


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
    "split_with_sizes": [lambda m: ((_t(m), (1, 2), 1), {}),
                         lambda m: ((m.arange(12.).view(3, 4), (4,), -1), {})],
    "unbind": [lambda m: ((_t(m), 0), {}), lambda m: ((m.arange(12.).view(3, 4), 1), {})],
    "unfold": [lambda L: ((_a(L, 3, 6), 1, 2, 2), {})],
    "view_as_real": [lambda L: ((_a(L, 2, 3, dtype=L.complex64),), {})],
    "view_as_complex": [lambda L: ((_a(L, 3, 2),), {})],
}
