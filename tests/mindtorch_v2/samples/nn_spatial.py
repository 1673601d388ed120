"""CPU/meta agreement samples of the nn_spatial family."""

SAMPLES = {
    "convolution": [
        lambda L: ((L.randn(2, 4, 7, 6), L.randn(6, 2, 3, 2), L.randn(6), (2, 1), (1, 0),
                    (1, 2), False, (0, 0), 2), {}),
        lambda L: ((L.randn(1, 4, 5), L.randn(4, 3, 3), None, (2,), (1,), (1,), True, (1,),
                    1), {}),
    ],
    "max_pool_with_indices": [
        lambda L: ((L.randn(2, 3, 7, 6), (3, 2), (2, 2), (1, 0), (1, 1), True), {}),
        lambda L: ((L.randn(1, 2, 9), (3,), (3,), (0,), (2,), False), {}),
    ],
    "adaptive_max_pool_with_indices": [
        lambda L: ((L.randn(2, 3, 7, 6), (3, 4)), {}),
    ],
    "constant_pad_nd": [
        lambda L: ((L.randn(2, 3, 4), (1, -1, 2, 0), 1.5), {}),
    ],
    "im2col": [
        lambda L: ((L.randn(2, 3, 6, 5), (2, 3), (1, 1), (1, 0), (2, 1)), {}),
    ],
    "col2im": [
        lambda L: ((L.randn(2, 12, 6), (4, 5), (2, 2), (1, 1), (0, 0), (2, 2)), {}),
    ],
}
