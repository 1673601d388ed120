"""torch.cuda / cpu / backends / jit / compile, runtime switches and legacy types vs torch."""
import warnings

import pytest
import torch as T

import mindtorch_v2 as M


def _outcome(fn, lib):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(lib)
    except Exception as e:  # noqa: BLE001 -- the exception is the result compared
        return type(e), str(e)
    return "ok", r if isinstance(r, (bool, int, float, str, type(None), list, tuple)) else \
        type(r).__name__


def same(fn):
    assert _outcome(fn, M) == _outcome(fn, T)


# ------------------------------------------------------------------ torch.cuda
@pytest.mark.parametrize("call", [
    "is_available()", "device_count()", "is_initialized()", "manual_seed(1)",
    "manual_seed_all(1)", "seed()", "seed_all()", "empty_cache()", "memory_allocated()",
    "max_memory_allocated()", "memory_reserved()", "is_bf16_supported()", "get_arch_list()",
    "current_device()", "synchronize()", "get_device_name()", "get_device_capability()",
    "get_device_properties(0)", "initial_seed()", "init()", "get_rng_state()",
    "mem_get_info()", "current_stream()",
])
def test_cuda_matches_cpu_only_torch(call):
    same(lambda L: eval("L.cuda." + call, {"L": L}))


def test_cuda_set_device_and_amp():
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        M.cuda.set_device(0)
    M.cuda.set_device(-1)    # negative index: ignored
    with pytest.warns(UserWarning, match="CUDA is not available"):
        with M.cuda.amp.autocast():
            assert not M.is_autocast_enabled()
    with pytest.warns(UserWarning, match="Disabling"):
        s = M.cuda.amp.GradScaler()
    assert not s.is_enabled() and s.state_dict() == {} and s.get_scale() == 1.0
    import mindtorch_v2.cuda.amp  # noqa: F401 -- importable as a submodule


# ------------------------------------------------------------------ torch.cpu
@pytest.mark.parametrize("call", ["is_available()", "device_count()", "current_device()",
                                  "synchronize()"])
def test_cpu(call):
    same(lambda L: eval("L.cpu." + call, {"L": L}))


# ------------------------------------------------------------------ torch.backends
@pytest.mark.parametrize("expr", [
    "cudnn.enabled", "cudnn.benchmark", "cudnn.deterministic", "cudnn.allow_tf32",
    "cudnn.is_available()", "cudnn.version()", "cuda.matmul.allow_tf32",
    "cuda.matmul.allow_fp16_reduced_precision_reduction", "cuda.is_built()",
    "mps.is_available()", "mps.is_built()", "mkldnn.is_available()", "openmp.is_available()",
    "mkl.is_available()", "opt_einsum.is_available()", "opt_einsum.enabled",
])
def test_backends_defaults(expr):
    same(lambda L: eval("L.backends." + expr, {"L": L}))


def test_backends_flags_settable():
    import mindtorch_v2.backends.cudnn as cudnn
    cudnn.benchmark = True
    try:
        assert M.backends.cudnn.benchmark is True
        with cudnn.flags(enabled=False, deterministic=True):
            assert not cudnn.enabled and cudnn.deterministic
        assert cudnn.enabled and not cudnn.deterministic
    finally:
        cudnn.benchmark = False
    M.backends.cuda.matmul.allow_tf32 = True
    assert M.backends.cuda.matmul.allow_tf32
    M.backends.cuda.matmul.allow_tf32 = False


# ------------------------------------------------------------------ runtime switches
def test_threads():
    n = M.get_num_threads()
    assert isinstance(n, int) and n >= 1
    try:
        M.set_num_threads(1)
        assert M.get_num_threads() == 1
    finally:
        M.set_num_threads(n)
    same(lambda L: L.set_num_threads(0))
    assert M.get_num_interop_threads() >= 1


@pytest.mark.parametrize("fn", [
    lambda L: L.get_float32_matmul_precision(),
    lambda L: (L.set_float32_matmul_precision("high"), L.get_float32_matmul_precision(),
               L.set_float32_matmul_precision("highest"))[1],
    lambda L: (L.set_float32_matmul_precision("bogus"), L.get_float32_matmul_precision())[1],
    lambda L: L.are_deterministic_algorithms_enabled(),
    lambda L: (L.use_deterministic_algorithms(True, warn_only=True),
               L.are_deterministic_algorithms_enabled(),
               L.is_deterministic_algorithms_warn_only_enabled(),
               L.get_deterministic_debug_mode(), L.use_deterministic_algorithms(False))[1:4],
    lambda L: L.use_deterministic_algorithms("x"),
    lambda L: L.set_deterministic_debug_mode("bad"),
    lambda L: L.set_deterministic_debug_mode(5),
    lambda L: [(L.set_deterministic_debug_mode(m), L.get_deterministic_debug_mode(),
                L.is_deterministic_algorithms_warn_only_enabled())[1:]
               for m in ("warn", 2, "default", 0)],
    lambda L: (L.set_warn_always(True), L.is_warn_always_enabled(), L.set_warn_always(False),
               L.is_warn_always_enabled())[1::2],
    lambda L: L.set_flush_denormal(False),
])
def test_runtime_flags(fn):
    same(fn)


# ------------------------------------------------------------------ compile / jit
def test_flush_denormal_reports_unsupported():
    # IEEE subnormals are always kept: enabling flush-to-zero reports "not done"
    assert M.set_flush_denormal(True) is False
    assert M.set_flush_denormal(False) is True
    assert M.tensor([1e-39], dtype=M.float32).item() != 0.0


def test_compile_identity_and_errors():
    f = lambda x: x * 2  # noqa: E731
    assert M.compile(f) is f
    assert M.compile(mode="max-autotune")(f) is f

    @M.compile(fullgraph=True, dynamic=False)
    def g(x):
        return x + 1
    assert g(M.ones(2)).tolist() == [2.0, 2.0]
    m = M.nn.Linear(2, 2)
    assert M.compile(m) is m
    same(lambda L: L.compile(f, mode="default", options={}))
    same(lambda L: L.compile(f, mode="bad"))
    same(lambda L: L.compile(3))
    assert M.compiler.is_compiling() is False and M.compiler.disable(f) is f


def test_jit():
    f = lambda x: x  # noqa: E731
    m = M.nn.Linear(2, 2)
    assert M.jit.script(f) is f and M.jit.script(m) is m
    assert M.jit.trace(m, M.ones(1, 2)) is m
    assert M.jit.ignore(f) is f and M.jit.ignore(drop=True)(f) is f
    assert M.jit.unused(f) is f and M.jit.export(f) is f
    assert M.jit.is_scripting() is False and M.jit.is_tracing() is False
    assert M.jit.annotate(list, [1]) == [1]
    assert isinstance(m, M.jit.ScriptModule)
    assert M.jit.Final is T.jit.Final
    from mindtorch_v2.jit import script  # noqa: F401 -- importable as a submodule


# ------------------------------------------------------------------ legacy types
TYPES = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor",
         "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", TYPES)
def test_legacy_tensor_types(name):
    same(lambda L: (getattr(L, name)(2, 3).dtype.__repr__(), tuple(getattr(L, name)(2, 3).shape)))
    same(lambda L: getattr(L, name)([1, 0, 1]).tolist())
    same(lambda L: tuple(getattr(L, name)().shape))
    same(lambda L: tuple(getattr(L, name)(L.Size([4])).shape))
    same(lambda L: [isinstance(L.zeros(2, dtype=getattr(L, dt)), getattr(L, name))
                    for dt in ("float32", "float64", "float16", "bfloat16", "int64", "int32",
                               "int16", "int8", "uint8", "bool")])
    same(lambda L: getattr(L, name)("a"))
    same(lambda L: getattr(L, name)(2, device="meta"))
    same(lambda L: repr(getattr(L, name)))


def test_legacy_types_misc():
    assert not isinstance(M.zeros(2, device="meta"), M.FloatTensor)
    assert not isinstance(3.0, M.FloatTensor)
    t = M.zeros(2)
    assert M.FloatTensor(t) is t
    with pytest.raises(TypeError):
        M.FloatTensor(M.zeros(2, dtype=M.int64))
    assert M.zeros(2).type() == "torch.FloatTensor"


def test_set_default_tensor_type():
    try:
        for lib in (M, T):
            with pytest.warns(UserWarning, match="deprecated"):
                lib.set_default_tensor_type("torch.DoubleTensor")
            assert str(lib.get_default_dtype()) == "torch.float64"
            assert str(lib.zeros(1).dtype) == "torch.float64"
            with warnings.catch_warnings(record=True) as w:   # torch warns only once
                warnings.simplefilter("always")
                lib.set_default_tensor_type(lib.FloatTensor)
            assert not w
            assert str(lib.get_default_dtype()) == "torch.float32"
    finally:
        M.set_default_dtype(M.float32)
        T.set_default_dtype(T.float32)
    same(lambda L: L.set_default_tensor_type(L.LongTensor))
    same(lambda L: L.set_default_tensor_type("torch.Bogus"))
    M.set_warn_always(True)
    try:
        with pytest.warns(UserWarning, match="deprecated"):
            M.set_default_tensor_type(M.FloatTensor)
    finally:
        M.set_warn_always(False)


STORAGES = ["FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage",
            "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
            "ComplexFloatStorage", "ComplexDoubleStorage"]


@pytest.mark.parametrize("name", STORAGES)
def test_legacy_storages(name):
    same(lambda L: (repr(getattr(L, name)(3).dtype), getattr(L, name)(3).size()))
    same(lambda L: getattr(L, name)([1, 0, 1]).tolist())
    same(lambda L: [isinstance(L.zeros(2, dtype=getattr(L, dt)).storage(), getattr(L, name))
                    for dt in ("float32", "float64", "int64", "uint8", "bool")])
    same(lambda L: issubclass(getattr(L, name), L.TypedStorage))
    same(lambda L: repr(getattr(L, name).dtype))


def test_storage_alias():
    assert M.Storage.dtype is M.float32 and T.Storage.dtype is T.float32
