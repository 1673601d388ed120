"""CPU/meta agreement samples of the random family."""


def _z(m, *shape, dtype=None):
    return m.zeros(*shape, dtype=dtype or m.float32)


SAMPLES = {
    "uniform_": [lambda m: ((_z(m, 3, 4).t(), -1.0, 2.0), {}),
                 lambda m: ((_z(m, 2, dtype=m.complex64),), {}),
                 lambda m: ((_z(m, 0, 2, dtype=m.float16),), {})],
    "normal_": [lambda m: ((_z(m, 3, 4), 1.0, 2.0), {}),
                lambda m: ((_z(m, 2, dtype=m.complex128), 0.0, 1.0), {})],
    "random_": [lambda m: ((_z(m, 3, dtype=m.int64), 0, 10), {}),
                lambda m: ((_z(m, 3, dtype=m.float32), 0, None), {}),
                lambda m: ((_z(m, 2, 2, dtype=m.uint8),), {})],
    "exponential_": [lambda m: ((_z(m, 3), 2.0), {})],
    "cauchy_": [lambda m: ((_z(m, 3, dtype=m.float64), 0.0, 1.0), {})],
    "log_normal_": [lambda m: ((_z(m, 3), 1.0, 2.0), {})],
    "geometric_": [lambda m: ((_z(m, 3, dtype=m.int32), 0.3), {})],
    "bernoulli_": [lambda m: ((_z(m, 3, 2), 0.5), {}),
                   lambda m: ((_z(m, 3, 2), m.full((2,), 0.5)), {})],
    "randperm": [lambda m: ((m.empty(5, dtype=m.int64), 5), {}),
                 lambda m: ((m.empty(0, dtype=m.float32), 0), {})],
    "normal": [lambda m: ((m.zeros(3, 4).t(), m.ones(4, 1)), {}),
               lambda m: ((m.zeros(2, dtype=m.float64), 2.0), {}),
               lambda m: ((1.0, m.ones(2, 3)), {})],
    "bernoulli": [lambda m: ((m.full((3, 2), 0.5).t(),), {})],
    "poisson": [lambda m: ((m.full((2, 3), 2.0, dtype=m.float64),), {})],
    "multinomial": [lambda m: ((m.ones(4), 2), {}),
                    lambda m: ((m.ones(3, 4), 5, True), {})],
}
