"""mindtorch_v2: PyTorch's API on NumPy (cpu), Ascend ACLNN (npu) and meta devices.

``import mindtorch_v2 as torch`` and write PyTorch.
"""
from __future__ import annotations

import numpy as _np

# torch never warns on overflow / division by zero / invalid values: neither do kernels.
_np.seterr(all="ignore")

from .version import __version__  # noqa: E402  (the torch API version, +mindtorch local)
from . import version  # noqa: E402,F401

from . import _dtype
from ._dtype import (  # noqa: E402
    bool, uint8, int8, int16, int32, int64, uint16, uint32, uint64, float16, bfloat16,
    float32, float64, complex64, complex128, float8_e4m3fn, float8_e5m2, float8_e4m3fnuz,
    float8_e5m2fnuz, half, float, double, cfloat, cdouble, short, int, long,
    dtype, finfo, iinfo, promote_types, result_type, can_cast, get_default_dtype,
    set_default_dtype,
)
from ._device import device, get_default_device, set_default_device  # noqa: E402
from ._storage import TypedStorage, UntypedStorage  # noqa: E402
from ._tensor import Size, Tensor  # noqa: E402
from ._printing import set_printoptions, get_printoptions  # noqa: E402


class layout:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


strided = layout("strided")
sparse_coo = layout("sparse_coo")

from ._ops import registry as _registry  # noqa: E402
from ._ops import copy_ops as _copy_ops  # noqa: E402
from ._ops.copy_ops import (  # noqa: E402
    contiguous_format, channels_last, channels_last_3d, preserve_format, memory_format, clone,
    fill,
)
from ._ops import elementwise as _elementwise  # noqa: E402
from ._ops.elementwise import *  # noqa: E402,F401,F403
from ._ops import views as _views  # noqa: E402
from ._ops.views import *  # noqa: E402,F401,F403
from ._ops.views import conj  # noqa: E402
from ._ops import creation as _creation  # noqa: E402
from ._ops.creation import *  # noqa: E402,F401,F403

from ._ops.reduction import *  # noqa: E402,F401,F403
from ._ops.indexing import *  # noqa: E402,F401,F403
from ._ops.shape import *  # noqa: E402,F401,F403
from ._ops.linalg import *  # noqa: E402,F401,F403
from ._ops.random import *  # noqa: E402,F401,F403
from ._ops.nn_ops import *  # noqa: E402,F401,F403
from ._ops.nn_spatial import *  # noqa: E402,F401,F403
from ._ops.nn_norm import *  # noqa: E402,F401,F403
from ._ops.extra import *  # noqa: E402,F401,F403
from . import linalg, fft, special, nn, optim  # noqa: E402,F401
from . import utils  # noqa: E402,F401  (lazy: utils.data loads on first access)
from . import npu  # noqa: E402,F401  (torch.npu; loads no device runtime at import)

from ._autograd.grad_mode import (  # noqa: E402
    no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode,
    is_inference_mode_enabled,
)

from ._backends import register_all as _register_all  # noqa: E402

_register_all()

from .serialization import save, load  # noqa: E402

from ._autograd import install as _install_autograd  # noqa: E402

_install_autograd()
from . import autograd  # noqa: E402,F401
from ._autograd.anomaly import is_anomaly_enabled, is_anomaly_check_nan_enabled  # noqa: E402,F401,E501
from ._functionalize import functionalize  # noqa: E402,F401
from . import func  # noqa: E402,F401  (small: no heavy imports)
vmap = func.vmap


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_storage(obj):
    return isinstance(obj, (UntypedStorage, TypedStorage))


def is_floating_point(input):
    return input.dtype.is_floating_point


def is_complex(input):
    return input.dtype.is_complex


def numel(input):
    return input.numel()


def typename(obj):
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


# --- namespaces beside tensors: runtime switches, legacy types, cuda/cpu/backends, amp ---
from ._runtime import (  # noqa: E402,F401
    get_num_threads, set_num_threads, get_num_interop_threads, set_num_interop_threads,
    set_float32_matmul_precision, get_float32_matmul_precision,
    use_deterministic_algorithms, are_deterministic_algorithms_enabled,
    is_deterministic_algorithms_warn_only_enabled, set_deterministic_debug_mode,
    get_deterministic_debug_mode, set_warn_always, is_warn_always_enabled,
    set_flush_denormal, set_default_tensor_type, compile, compiler, jit, Storage,
    FloatStorage, DoubleStorage, HalfStorage, BFloat16Storage, LongStorage, IntStorage,
    ShortStorage, CharStorage, ByteStorage, BoolStorage, ComplexFloatStorage,
    ComplexDoubleStorage, FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor, LongTensor,
    IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor,
)
from . import cuda, cpu, backends, amp  # noqa: E402,F401
from .amp import autocast  # noqa: E402,F401
from .amp.autocast_mode import (  # noqa: E402,F401
    is_autocast_enabled, set_autocast_enabled, get_autocast_dtype, set_autocast_dtype,
    is_autocast_cache_enabled, set_autocast_cache_enabled, clear_autocast_cache,
    autocast_increment_nesting, autocast_decrement_nesting, is_autocast_cpu_enabled,
    set_autocast_cpu_enabled, get_autocast_cpu_dtype, set_autocast_cpu_dtype,
    get_autocast_gpu_dtype, set_autocast_gpu_dtype,
)


def __getattr__(name):
    # torch.testing / torch.distributions load on first use: scripts rarely need them and
    # import time counts
    if name in ("testing", "distributions"):
        import importlib
        return importlib.import_module("." + name, __name__)
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
