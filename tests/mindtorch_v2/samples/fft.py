"""CPU/meta agreement samples of the fft family: op(x, s, dims, norm) in canonical form."""


def _r(L):
    return L.arange(60.0).reshape(3, 4, 5).sin()


def _c(L):
    return L.complex(_r(L), _r(L).flip(0))


_CASES = {  # name: [(input builder, s, dims)]
    "fft": [(_r, (5,), (2,)), (lambda L: _c(L).permute(2, 0, 1), (7,), (1,))],
    "ifft": [(_c, (2,), (0,)), (lambda L: _r(L).double(), (4,), (1,))],
    "rfft": [(_r, (5,), (2,)), (lambda L: _r(L).transpose(0, 2), (6,), (0,))],
    "irfft": [(_c, (8,), (2,)), (lambda L: _c(L).permute(1, 2, 0), (3,), (1,))],
    "hfft": [(_c, (8,), (2,)), (_c, (4,), (0,))],
    "ihfft": [(_r, (5,), (2,)), (lambda L: _r(L).permute(2, 0, 1), (4,), (0,))],
    "fft2": [(_r, (4, 5), (1, 2)), (lambda L: _c(L).permute(1, 2, 0), (6, 3), (2, 0))],
    "ifft2": [(_c, (4, 5), (1, 2)), (lambda L: _r(L).long(), (2, 2), (0, 2))],
    "rfft2": [(_r, (4, 5), (1, 2)), (lambda L: _r(L).permute(2, 0, 1), (8, 3), (2, 1))],
    "irfft2": [(_c, (4, 8), (1, 2)), (lambda L: _c(L).permute(2, 0, 1), (5, 4), (0, 2))],
    "fftn": [(_r, (3, 4, 5), (0, 1, 2)), (_c, (), ())],
    "ifftn": [(_c, (3, 4, 5), (0, 1, 2)), (lambda L: _c(L).transpose(0, 1), (2,), (1,))],
    "rfftn": [(_r, (3, 4, 5), (0, 1, 2)), (lambda L: _r(L).float(), (1, 8), (2, 1))],
    "irfftn": [(_c, (3, 4, 8), (0, 1, 2)), (lambda L: _c(L).permute(1, 0, 2), (6,), (0,))],
}


def _sample(mk, s, dims, norm):
    return lambda L: ((mk(L), s, dims, norm), {})


SAMPLES = {}
for _n, _cases in _CASES.items():
    SAMPLES["fft_" + _n] = [_sample(mk, s, d, norm)
                            for (mk, s, d), norm in zip(_cases, (None, "ortho"))]

SAMPLES["fft_fftshift"] = [lambda L: ((_r(L), (0, 2)), {}),
                           lambda L: ((_c(L).transpose(0, 1), (1,)), {})]
SAMPLES["fft_ifftshift"] = [lambda L: ((_r(L).permute(2, 1, 0), (0, 1, 2)), {})]
