"""CPU/meta agreement samples of the reduction family (registry-level signatures)."""


def _x(m, *shape, dtype=None):
    t = m.arange(1, 1 + (m.tensor(shape).prod().item() if shape else 1)).reshape(shape)
    return t.to(dtype or m.float32)


def _xt(m):  # non-contiguous (transposed)
    return _x(m, 4, 3).transpose(0, 1)


# ops whose output shape depends on the data: the meta kernel raises NotImplementedError
DATA_DEPENDENT = {"unique", "unique_consecutive", "bincount"}

SAMPLES = {
    "sum": [lambda m: ((_x(m, 3, 4), (1,), False, None), {}),
            lambda m: ((_x(m, 3, 4, dtype=m.int32), (0, 1), True, None), {}),
            lambda m: ((_xt(m), (0,), False, m.float64), {})],
    "nansum": [lambda m: ((_x(m, 3, 4), (1,), True, None), {})],
    "prod": [lambda m: ((_x(m, 3, 4, dtype=m.int16), (1,), False, None), {})],
    "mean": [lambda m: ((_xt(m), (0, 1), False, None), {}),
             lambda m: ((_x(m, 2, 3, dtype=m.int64), (1,), True, m.float64), {})],
    "nanmean": [lambda m: ((_x(m, 3, 4), (0,), False, None), {})],
    "var": [lambda m: ((_x(m, 3, 4), (1,), 1, False), {})],
    "std": [lambda m: ((_x(m, 3, 4, dtype=m.complex64), (0,), 0, True), {})],
    "var_mean": [lambda m: ((_x(m, 3, 4), (0, 1), 1, False), {})],
    "std_mean": [lambda m: ((_xt(m), (1,), 1, True), {})],
    "max": [lambda m: ((_x(m, 3, 4),), {})],
    "min": [lambda m: ((_x(m, 3, 4, dtype=m.int32),), {})],
    "max.dim": [lambda m: ((_x(m, 3, 4), 1, False), {}),
                lambda m: ((_xt(m), -1, True), {})],
    "min.dim": [lambda m: ((_x(m, 3, 4), 0, True), {})],
    "amax": [lambda m: ((_x(m, 3, 4), (0, 1), False), {})],
    "amin": [lambda m: ((_xt(m), (1,), True), {})],
    "aminmax": [lambda m: ((_x(m, 3, 4), None, False), {}),
                lambda m: ((_x(m, 3, 4), 1, True), {})],
    "argmax": [lambda m: ((_x(m, 3, 4), None, False), {}),
               lambda m: ((_x(m, 3, 4), 1, True), {})],
    "argmin": [lambda m: ((_x(m, 3, 4), 0, False), {})],
    "all": [lambda m: ((_x(m, 3, 4), (1,), False), {}),
            lambda m: ((_x(m, 3, 4, dtype=m.uint8), (0, 1), True), {})],
    "any": [lambda m: ((_x(m, 3, 4, dtype=m.bool), (0,), False), {})],
    "count_nonzero": [lambda m: ((_x(m, 3, 4), (1,)), {})],
    "logsumexp": [lambda m: ((_x(m, 3, 4, dtype=m.int64), (1,), False), {}),
                  lambda m: ((_x(m, 3, 4), (0, 1), True), {})],
    "linalg_vector_norm": [lambda m: ((_x(m, 3, 4), 2.0, (1,), False, None), {}),
                           lambda m: ((_x(m, 3, 4), float("inf"), (0, 1), True, m.float64),
                                      {})],
    "linalg_matrix_norm": [lambda m: ((_x(m, 2, 3, 4), "fro", (1, 2), False, None), {}),
                           lambda m: ((_x(m, 3, 4), "nuc", (0, 1), True, None), {}),
                           lambda m: ((_x(m, 3, 4), 1.0, (0, 1), False, None), {})],
    "cumsum": [lambda m: ((_x(m, 3, 4, dtype=m.int8), 1, None), {}),
               lambda m: ((_xt(m), 0, m.float64), {})],
    "cumprod": [lambda m: ((_x(m, 3, 4), 0, None), {})],
    "cummax": [lambda m: ((_x(m, 3, 4), 1), {})],
    "cummin": [lambda m: ((_xt(m), 0), {})],
    "logcumsumexp": [lambda m: ((_x(m, 3, 4), 1), {})],
    "median": [lambda m: ((_x(m, 3, 4),), {})],
    "nanmedian": [lambda m: ((_x(m, 3, 4),), {})],
    "median.dim": [lambda m: ((_x(m, 3, 4), 1, False), {})],
    "nanmedian.dim": [lambda m: ((_x(m, 3, 4), 0, True), {})],
    "mode": [lambda m: ((_x(m, 3, 4), -1, False), {})],
    "kthvalue": [lambda m: ((_x(m, 3, 4), 2, 1, True), {})],
    "quantile": [lambda m: ((_x(m, 3, 4), 0.25, 1, False, "linear"), {}),
                 lambda m: ((_x(m, 3, 4), m.tensor([0.1, 0.9]), None, True, "lower"), {})],
    "nanquantile": [lambda m: ((_x(m, 3, 4), 0.5, 0, True, "nearest"), {})],
    "sort": [lambda m: ((_x(m, 3, 4), -1, True, False), {}),
             lambda m: ((_xt(m), 0, False, True), {})],
    "topk": [lambda m: ((_x(m, 3, 4), 2, 1, True, True), {}),
             lambda m: ((_xt(m), 1, 0, False, True), {})],
    "histc": [lambda m: ((_x(m, 3, 4), 5, 0, 10), {})],
    "searchsorted": [lambda m: ((_x(m, 5), _x(m, 2, 3), False, False, None), {}),
                     lambda m: ((_x(m, 2, 5), _x(m, 2, 3), True, True, None), {})],
    # data-dependent output shapes: torch has no meta kernel either (meta raises)
    "unique": [lambda m: ((_x(m, 3, 4), True, True, True, None), {})],
    "unique_consecutive": [lambda m: ((_x(m, 3, 4), True, True, None), {})],
    "bincount": [lambda m: ((_x(m, 5, dtype=m.int64), None, 0), {})],
}
