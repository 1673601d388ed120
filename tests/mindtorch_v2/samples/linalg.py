"""CPU/meta agreement samples of the linalg family: op name -> [lib -> (args, kwargs)]."""


def _r(M, *shape, dtype=None):
    import numpy as np
    rng = np.random.default_rng(sum(shape) + len(shape))
    return M.from_numpy(rng.standard_normal(shape).astype("float32")).to(dtype or M.float32)


def _spd(M, *shape):
    a = _r(M, *shape)
    n = shape[-1]
    return a @ a.mT + M.eye(n) * n if hasattr(M, "eye") else a @ a.mT + _diag(M, n)


def _diag(M, n):
    import numpy as np
    return M.from_numpy((np.eye(n) * n).astype("float32"))


def _sq(M, *shape):
    import numpy as np
    n = shape[-1]
    return _r(M, *shape) + M.from_numpy((np.eye(n) * 3).astype("float32"))


SAMPLES = {
    "matmul": [lambda M: ((_r(M, 2, 3), _r(M, 3, 4)), {}),
               lambda M: ((_r(M, 3), _r(M, 2, 3, 4)), {}),
               lambda M: ((_r(M, 2, 1, 3, 4), _r(M, 4, 5)), {}),
               lambda M: ((_r(M, 4), _r(M, 4)), {})],
    "mm": [lambda M: ((_r(M, 2, 3), _r(M, 4, 3).mT), {})],
    "bmm": [lambda M: ((_r(M, 2, 2, 3), _r(M, 2, 3, 4)), {})],
    "mv": [lambda M: ((_r(M, 2, 3), _r(M, 3)), {})],
    "dot": [lambda M: ((_r(M, 3), _r(M, 3)), {})],
    "vdot": [lambda M: ((_r(M, 3), _r(M, 3)), {})],
    "inner": [lambda M: ((_r(M, 2, 3), _r(M, 4, 3)), {})],
    "outer": [lambda M: ((_r(M, 2), _r(M, 3)), {})],
    "addmm": [lambda M: ((_r(M, 3), _r(M, 2, 4), _r(M, 4, 3), 0.5, 2.0), {})],
    "addmv": [lambda M: ((_r(M, 2), _r(M, 2, 3), _r(M, 3)), {})],
    "addbmm": [lambda M: ((_r(M, 2, 4), _r(M, 3, 2, 5), _r(M, 3, 5, 4)), {})],
    "baddbmm": [lambda M: ((_r(M, 4), _r(M, 3, 2, 5), _r(M, 3, 5, 4)), {})],
    "addr": [lambda M: ((_r(M, 2, 3), _r(M, 2), _r(M, 3)), {})],
    "kron": [lambda M: ((_r(M, 2, 3), _r(M, 3, 1, 2)), {})],
    "linalg_cross": [lambda M: ((_r(M, 2, 3), _r(M, 1, 3), -1), {})],
    "trace": [lambda M: ((_r(M, 3, 4),), {})],
    "tensordot": [lambda M: ((_r(M, 2, 3, 4), _r(M, 4, 3, 5), ([1, 2], [1, 0])), {})],
    "einsum": [lambda M: (("bij,bjk->bki", _r(M, 2, 3, 4), _r(M, 2, 4, 5)), {})],
    "linalg_inv": [lambda M: ((_sq(M, 2, 3, 3),), {})],
    "linalg_inv_ex": [lambda M: ((_sq(M, 3, 3),), {})],
    "linalg_det": [lambda M: ((_sq(M, 2, 3, 3),), {})],
    "logdet": [lambda M: ((_spd(M, 3, 3),), {})],
    "linalg_slogdet": [lambda M: ((_sq(M, 2, 3, 3),), {})],
    "linalg_cholesky": [lambda M: ((_spd(M, 2, 3, 3),), {})],
    "linalg_cholesky_ex": [lambda M: ((_spd(M, 3, 3), True), {})],
    "linalg_pinv": [lambda M: ((_r(M, 2, 4, 3),), {})],
    "linalg_solve": [lambda M: ((_sq(M, 2, 3, 3), _r(M, 3, 2)), {}),
                     lambda M: ((_sq(M, 2, 3, 3), _r(M, 3)), {})],
    "linalg_solve_ex": [lambda M: ((_sq(M, 3, 3), _r(M, 2, 3, 2)), {})],
    "linalg_qr": [lambda M: ((_r(M, 2, 5, 3),), {}),
                  lambda M: ((_r(M, 5, 3), "complete"), {}),
                  lambda M: ((_r(M, 3, 5), "r"), {})],
    "linalg_svd": [lambda M: ((_r(M, 2, 5, 3),), {}),
                   lambda M: ((_r(M, 3, 5), False), {})],
    "linalg_svdvals": [lambda M: ((_r(M, 2, 5, 3),), {})],
    "linalg_eig": [lambda M: ((_r(M, 2, 3, 3),), {})],
    "linalg_eigvals": [lambda M: ((_r(M, 3, 3),), {})],
    "linalg_eigh": [lambda M: ((_spd(M, 2, 3, 3),), {})],
    "linalg_eigvalsh": [lambda M: ((_spd(M, 3, 3), "U"), {})],
    "linalg_lstsq": [lambda M: ((_r(M, 2, 5, 3), _r(M, 2, 5, 2)), {}),
                     lambda M: ((_r(M, 5, 3), _r(M, 5), None, "gelsd"), {})],
    "linalg_matrix_rank": [lambda M: ((_r(M, 2, 4, 3),), {})],
    "linalg_matrix_power": [lambda M: ((_sq(M, 2, 3, 3), 3), {}),
                            lambda M: ((_sq(M, 3, 3), -2), {})],
    "linalg_matrix_exp": [lambda M: ((_r(M, 2, 3, 3),), {})],
    "linalg_cond": [lambda M: ((_sq(M, 2, 3, 3),), {}),
                    lambda M: ((_sq(M, 3, 3), "fro"), {})],
    "linalg_multi_dot": [lambda M: (([_r(M, 3), _r(M, 3, 4), _r(M, 4, 2)],), {})],
    "linalg_vecdot": [lambda M: ((_r(M, 2, 3), _r(M, 3)), {})],
    "cholesky_inverse": [lambda M: ((_spd(M, 3, 3),), {})],
    "cholesky_solve": [lambda M: ((_r(M, 2, 3, 2), _spd(M, 3, 3)), {})],
}
