"""CPU/meta agreement samples for the copy family (copy_, clone, _to_copy, fill_, zero_)."""


def _nhwc(M):
    return M.zeros(2, 4, 5, 3).permute(0, 3, 1, 2)


SAMPLES = {
    "copy_": [
        lambda M: ((M.zeros(2, 3), M.arange(6.).reshape(2, 3)), {}),
        lambda M: ((M.zeros(3, 4).t(), M.arange(4, dtype=M.int32).reshape(4, 1)), {}),
        lambda M: ((M.zeros(0, 2, dtype=M.float64), M.ones(2)), {}),
    ],
    "clone": [
        lambda M: ((M.arange(6.).reshape(2, 3).t(),), {}),
        lambda M: ((_nhwc(M),), {"memory_format": M.contiguous_format}),
        lambda M: ((M.zeros(2, 3, 4, 5),), {"memory_format": M.channels_last}),
        lambda M: ((M.arange(3.).expand(4, 3),), {}),
        lambda M: ((M.tensor(1.5),), {}),
    ],
    "_to_copy": [
        lambda M: ((M.arange(6.).reshape(2, 3).t(), M.int32), {}),
        lambda M: ((_nhwc(M), M.float16, M.contiguous_format), {}),
        lambda M: ((M.tensor([True, False]), M.complex64), {}),
        lambda M: ((M.zeros(0, 3), M.int64), {}),
    ],
    "fill_": [
        lambda M: ((M.zeros(2, 3).t(), 2.5), {}),
        lambda M: ((M.zeros(3, dtype=M.int64), M.tensor(7)), {}),
    ],
    "zero_": [
        lambda M: ((M.ones(2, 3).t(),), {}),
        lambda M: ((M.ones((), dtype=M.int8),), {}),
    ],
}
