"""torch.backends: flags and availability of the math libraries behind the kernels.

There is no cuDNN, CUDA or MPS here: their ``is_available()`` answer False and their flags
are plain settable attributes with torch's defaults (scripts set them unconditionally).
"""
from __future__ import annotations

import contextlib
import types

__all__ = ["cudnn", "cuda", "mps", "mkldnn", "mkl", "openmp", "opt_einsum"]


def _namespace(name, doc, **attrs):
    m = types.ModuleType(f"{__name__}.{name}", doc)
    m.__dict__.update(attrs)
    return m


def _false():
    return False


def _true():
    return True


@contextlib.contextmanager
def _flags_ctx(module, **flags):
    """Set module attributes for the duration of a ``with`` block (cudnn.flags & co)."""
    old = {k: getattr(module, k) for k, v in flags.items() if v is not None}
    for k in old:
        setattr(module, k, flags[k])
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(module, k, v)


cudnn = _namespace("cudnn", "cuDNN is not part of this framework.",
                   enabled=True, benchmark=False, benchmark_limit=10, deterministic=False,
                   allow_tf32=True, is_available=_false, version=lambda: None)
cudnn.flags = lambda enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, \
    allow_tf32=True: _flags_ctx(cudnn, enabled=enabled, benchmark=benchmark,
                                benchmark_limit=benchmark_limit, deterministic=deterministic,
                                allow_tf32=allow_tf32)


class _MatmulFlags:
    """torch.backends.cuda.matmul: reduced-precision switches (recorded only)."""

    def __init__(self):
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True

    # as in torch, an alias of torch.set_float32_matmul_precision ('highest' <-> False)
    @property
    def allow_tf32(self):
        from .._runtime import get_float32_matmul_precision
        return get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value):
        from .._runtime import set_float32_matmul_precision
        set_float32_matmul_precision("high" if value else "highest")


cuda = _namespace("cuda", "CUDA is not part of this framework.", matmul=_MatmulFlags(),
                  is_built=_false, is_flash_attention_available=_false)
cuda.flash_sdp_enabled = cuda.mem_efficient_sdp_enabled = cuda.cudnn_sdp_enabled = _false
cuda.math_sdp_enabled = _true
cuda.enable_flash_sdp = cuda.enable_mem_efficient_sdp = cuda.enable_math_sdp = \
    cuda.enable_cudnn_sdp = lambda enabled: None

mps = _namespace("mps", "Apple MPS is not part of this framework.", is_available=_false,
                 is_built=_false, is_macos13_or_newer=_false)
# CPU kernels are NumPy's; its BLAS (OpenBLAS / MKL) plays the role of mkldnn / mkl.
mkldnn = _namespace("mkldnn", "oneDNN is not used; reports like torch's CPU build.",
                    is_available=_true, enabled=True)
mkl = _namespace("mkl", "MKL availability.", is_available=_true)
openmp = _namespace("openmp", "OpenMP availability.", is_available=_true)


def _opt_einsum_available():
    try:
        import opt_einsum  # noqa: F401
        return True
    except ImportError:
        return False


opt_einsum = _namespace("opt_einsum", "opt_einsum path optimisation for einsum.",
                        is_available=_opt_einsum_available, strategy=None)
opt_einsum.enabled = opt_einsum.is_available()
opt_einsum.strategy = "auto" if opt_einsum.enabled else None
opt_einsum.get_opt_einsum = lambda: __import__("opt_einsum") if opt_einsum.enabled else None

# ``import torch.backends.cudnn as cudnn`` must find the namespaces as submodules.
import sys as _sys  # noqa: E402

for _m in (cudnn, cuda, mps, mkldnn, mkl, openmp, opt_einsum):
    _sys.modules.setdefault(_m.__name__, _m)
