"""CPU/meta agreement samples for the indexing family.

Data-dependent output shapes: ``nonzero``, ``argwhere`` and ``masked_select`` raise
NotImplementedError on meta (exactly like torch's meta device); their samples run on CPU.
"""


# ops whose meta kernel raises NotImplementedError (output shape depends on the data)
DATA_DEPENDENT = {"nonzero", "argwhere", "masked_select"}


def _x(m):
    return m.arange(24.).reshape(2, 3, 4)


def _xt(m):
    return m.arange(24.).reshape(2, 3, 4).transpose(0, 2)


def _l(m, v):
    return m.tensor(v, dtype=m.int64)


SAMPLES = {
    "index": [lambda m: ((_x(m), [None, _l(m, [0, 2])]), {}),
              lambda m: ((_xt(m), [_l(m, [0, 1]), None, _l(m, [1, 0])]), {}),
              lambda m: ((_xt(m), [_l(m, [[0, 1]])]), {})],
    "index_put": [lambda m: ((_xt(m), [_l(m, [1])], m.tensor(1.)), {})],
    "index_put_": [lambda m: ((_x(m), [_l(m, [1]), None, _l(m, [2])], m.ones(1, 3)),
                              {"accumulate": True})],
    "gather": [lambda m: ((_xt(m), 1, _l(m, [[[0], [2]]])), {})],
    "scatter": [lambda m: ((_xt(m), 0, _l(m, [[[1]]]), 2.), {}),
                lambda m: ((_x(m), 1, _l(m, [[[1]]]), _x(m)), {"reduce": "add"})],
    "scatter_": [lambda m: ((_x(m), 1, _l(m, [[[1]]]), 3.), {})],
    # src has the index's shape: torch's backward refuses a larger src
    "scatter_add": [lambda m: ((_xt(m), 1, _l(m, [[[1, 0]]]), m.ones(1, 1, 2)), {})],
    "scatter_add_": [lambda m: ((_x(m), 1, _l(m, [[[1, 0]]]), m.ones(1, 1, 2)), {})],
    "scatter_reduce": [lambda m: ((_xt(m), 1, _l(m, [[[1, 0]]]), m.ones(1, 1, 2), "amax"),
                                  {})],
    "scatter_reduce_": [lambda m: ((_x(m), 1, _l(m, [[[1, 0]]]), m.ones(1, 1, 2), "mean"),
                                   {"include_self": False})],
    "index_select": [lambda m: ((_xt(m), 1, _l(m, [2, 0, 0])), {})],
    "index_add": [lambda m: ((_xt(m), 0, _l(m, [1]), m.ones(1, 3, 2)), {"alpha": 2})],
    "index_add_": [lambda m: ((_x(m), 0, _l(m, [1]), m.ones(1, 3, 4)), {})],
    "index_copy": [lambda m: ((_xt(m), 0, _l(m, [1]), m.ones(1, 3, 2)), {})],
    "index_copy_": [lambda m: ((_x(m), 0, _l(m, [1]), m.ones(1, 3, 4)), {})],
    "index_fill": [lambda m: ((_xt(m), 0, _l(m, [1]), 2.), {})],
    "index_fill_": [lambda m: ((_x(m), 2, _l(m, [1]), 2.), {})],
    "masked_fill": [lambda m: ((_xt(m), m.ones(3, 1, dtype=m.bool), 2.), {}),
                    lambda m: ((_x(m)[0], m.ones(2, 3, 4, dtype=m.bool), 2.), {})],
    "masked_fill_": [lambda m: ((_x(m), m.ones(3, 1, dtype=m.bool), 2.), {})],
    # data-dependent shape: meta raises NotImplementedError like torch
    "masked_select": [lambda m: ((_x(m), _x(m) > 3), {})],
    "masked_scatter": [lambda m: ((_xt(m), m.ones(3, 1, dtype=m.bool), m.ones(30)), {})],
    "masked_scatter_": [lambda m: ((_x(m), m.ones(3, 1, dtype=m.bool), m.ones(30)), {})],
    # data-dependent shape: meta raises NotImplementedError like torch
    "nonzero": [lambda m: ((_x(m),), {})],
    # data-dependent shape: meta raises NotImplementedError like torch
    "argwhere": [lambda m: ((_x(m),), {})],
    "take": [lambda m: ((_xt(m), _l(m, [[0, 5], [-1, 2]])), {})],
    "take_along_dim": [lambda m: ((_xt(m), _l(m, [[[0]]]), 1), {}),
                       lambda m: ((_x(m), _l(m, [3, 1])), {})],
    "put": [lambda m: ((_xt(m), _l(m, [1, -2]), m.ones(2)), {})],
    "put_": [lambda m: ((_x(m), _l(m, [1, 1]), m.ones(2)), {"accumulate": True})],
}
