"""The random op family: Generator, seeding, sampling factories and in-place samplers.

Every random op is a registry op.  In-place samplers (``uniform_``, ``normal_`` ...) are the
primitive ops; factories (``rand``, ``randn``, ``randint``, ``randperm``, ``normal(mean,
std, size)``) allocate with ``Tensor._empty`` on the requested device and fill through an
in-place op, so meta (and later NPU) work without their own factory kernels.

Note [random generator]
  A Generator wraps NumPy's PCG64 (``np.random.Generator``, attribute ``np``); CPU kernels
  draw from ``generator.np``.  The state (``get_state``) is a uint8 tensor of 48 bytes:
  initial seed (8), PCG64 state (16), increment (16), has_uint32 (4), uinteger (4).
  Streams are reproducible per seed but not bit-equal to torch's Mersenne Twister.
"""
from __future__ import annotations

import os

import numpy as np

from .. import _dtype as D
from .._device import as_device
from .._dispatch.dispatcher import dispatch
from .._tensor import Tensor
from ._common import as_shape, broadcast_shapes
from .registry import Spec, register
from .tensor_methods import methods

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "rand", "randn", "randint", "randperm", "normal",
           "bernoulli", "multinomial", "poisson", "rand_like", "randn_like", "randint_like"]

_DEFAULT_SEED = 67280421310721
_STATE_SIZE = 48
_U64 = 1 << 64


# ---------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------

def _seed_value(seed):
    if isinstance(seed, Tensor):
        seed = seed.item()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -(1 << 63) <= seed < _U64:
        raise ValueError("Overflow when unpacking long long")
    return seed % _U64


class Generator:
    """torch.Generator: a seeded random stream (NumPy PCG64, Note [random generator])."""

    __slots__ = ("device", "_seed", "np")

    def __init__(self, device="cpu"):
        dev = as_device(device)
        if dev.type == "meta":
            raise RuntimeError("META device type not an accelerator.")
        self.device = dev
        self._reset(_DEFAULT_SEED)

    def _reset(self, seed):
        self._seed = seed
        self.np = np.random.Generator(np.random.PCG64(seed))

    def manual_seed(self, seed):
        self._reset(_seed_value(seed))
        return self

    def seed(self):
        s = int.from_bytes(os.urandom(8), "little") & ((1 << 63) - 1)
        self._reset(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        st = self.np.bit_generator.state
        b = (self._seed.to_bytes(8, "little") +
             st["state"]["state"].to_bytes(16, "little") +
             st["state"]["inc"].to_bytes(16, "little") +
             int(st["has_uint32"]).to_bytes(4, "little") +
             int(st["uinteger"]).to_bytes(4, "little"))
        return Tensor._from_np(np.frombuffer(b, dtype=np.uint8).copy(), D.uint8)

    def set_state(self, new_state):
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not D.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if new_state.numel() != _STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but "
                               f"found the input RNG state size to be {new_state.numel()}")
        b = np.ascontiguousarray(new_state.detach().cpu()._host_np()).reshape(-1).tobytes()
        seed = int.from_bytes(b[0:8], "little")
        bg = np.random.PCG64()
        bg.state = {"bit_generator": "PCG64",
                    "state": {"state": int.from_bytes(b[8:24], "little"),
                              "inc": int.from_bytes(b[24:40], "little")},
                    "has_uint32": int.from_bytes(b[40:44], "little"),
                    "uinteger": int.from_bytes(b[44:48], "little")}
        self._seed = seed
        self.np = np.random.Generator(bg)
        return self

    def clone_state(self):
        g = Generator(self.device)
        g.set_state(self.get_state())
        return g

    def __repr__(self):
        return f"<torch.Generator object at {hex(id(self))}>"


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator; returns it."""
    return default_generator.manual_seed(int(seed))


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    if not isinstance(new_state, Tensor) or new_state.dtype is not D.uint8:
        raise TypeError("RNG state must be a torch.ByteTensor")
    default_generator.set_state(new_state)


def gen_of(generator, name="rand"):
    """The Generator to draw from (default one for ``None``); TypeError for other objects."""
    if generator is None:
        return default_generator
    if isinstance(generator, Generator):
        return generator
    raise TypeError(f"{name}(): argument 'generator' must be torch.Generator, not "
                    f"{type(generator).__name__}")


# ---------------------------------------------------------------------------------------
# checks shared by the meta functions and the CPU kernels
# ---------------------------------------------------------------------------------------

_CTYPE = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int",
          "int64": "long int", "uint16": "unsigned short", "uint32": "unsigned int",
          "uint64": "unsigned long", "bool": "bool", "float16": "c10::Half",
          "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double",
          "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _ni(kernel, dt):
    raise NotImplementedError(f'"{kernel}" not implemented for \'{dt.c10_name}\'')


def _float_max(dt):
    return float(D.finfo(dt).max)


def check_uniform(self, a, b):
    dt = self.dtype
    if dt.category < D.FLOAT:
        _ni("check_uniform_bounds", dt)
    fdt = dt.to_real() if dt.is_complex else dt
    mx = _float_max(fdt)
    if not (-mx <= a <= mx):
        raise RuntimeError(f"from is out of bounds for {_CTYPE[fdt.name]}")
    if not (-mx <= b <= mx):
        raise RuntimeError(f"to is out of bounds for {_CTYPE[fdt.name]}")
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} "
                           f"> to={b}")
    if b - a > mx:
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<"
                           f"{_CTYPE[fdt.name]}>::max(), but found to={b} and from={a} which "
                           "result in to-from to exceed the limit")


def check_normal(self, std):
    if self.dtype.category < D.FLOAT:
        _ni("normal_kernel_cpu", self.dtype)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")


def _continuous(dt, name, kname):
    if dt.category != D.FLOAT:
        shown = _CTYPE[dt.name] if name == "Cauchy" else dt.c10_name
        raise RuntimeError(f"{name} distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified {shown}")


def random_bounds(dt, from_, to):
    """[lo, hi) of ``random_(from_, to)`` for dtype ``dt`` (``to=None``: the dtype's top)."""
    if isinstance(from_, bool) or not isinstance(from_, (int, np.integer)) or \
            (to is not None and (isinstance(to, bool) or not isinstance(to, (int, np.integer)))):
        raise TypeError("random_() received an invalid combination of arguments - got "
                        f"({type(from_).__name__}, {type(to).__name__})")
    from_ = int(from_)
    if dt.is_complex:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and "
                           "boolean types")
    if dt is D.uint64:
        _ni("random_kernel_cpu", dt)
    if dt is D.bool:
        lo, top = 0, 1
    elif dt.category == D.INT:
        ii = D.iinfo(dt)
        lo, top = int(ii.min), int(ii.max)
    else:
        top = 1 << _DIGITS[dt.name]
        lo = -top
    if to is None:
        if from_ < lo or from_ > top:
            raise RuntimeError(f"from is out of bounds for {_CTYPE[dt.name]}")
        return from_, top + 1
    to = int(to)
    if not -(1 << 63) <= to < (1 << 63):
        raise ValueError("Overflow when unpacking long long")
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={from_} >= to={to}")
    if dt.category == D.FLOAT:
        mx = _float_max(dt)
        if not -mx <= from_ <= mx:
            raise RuntimeError(f"from is out of bounds for {_CTYPE[dt.name]}")
        if not -mx <= to - 1 <= mx:
            raise RuntimeError(f"to - 1 is out of bounds for {_CTYPE[dt.name]}")
    else:
        if not lo <= from_ <= top:
            raise RuntimeError(f"from is out of bounds for {_CTYPE[dt.name]}")
        if not lo <= to - 1 <= top:
            raise RuntimeError(f"to - 1 is out of bounds for {_CTYPE[dt.name]}")
    return from_, to


# ---------------------------------------------------------------------------------------
# meta functions
# ---------------------------------------------------------------------------------------

def _same(self):
    return Spec(self._shape, self.dtype, self._stride)


def _uniform_meta(self, from_=0.0, to=1.0, *, generator=None):
    check_uniform(self, from_, to)
    return _same(self)


def _normal__meta(self, mean=0.0, std=1.0, *, generator=None):
    check_normal(self, std)
    return _same(self)


def _random_meta(self, from_=0, to=None, *, generator=None):
    random_bounds(self.dtype, from_, to)
    return _same(self)


def _exponential_meta(self, lambd=1.0, *, generator=None):
    _continuous(self.dtype, "Exponential", None)
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return _same(self)


def _cauchy_meta(self, median=0.0, sigma=1.0, *, generator=None):
    _continuous(self.dtype, "Cauchy", None)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    return _same(self)


def _log_normal_meta(self, mean=1.0, std=2.0, *, generator=None):
    if self.dtype.category != D.FLOAT:
        _ni("log_normal_cpu", self.dtype)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    return _same(self)


def _geometric_meta(self, p, *, generator=None):
    if self.dtype.category not in (D.INT, D.FLOAT):
        _ni("geometric_cpu", self.dtype)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return _same(self)


def _bernoulli__meta(self, p=0.5, *, generator=None):
    if isinstance(p, Tensor):
        if p.dtype.category != D.FLOAT:
            _ni("bernoulli_tensor_cpu_p_", p.dtype)
        if self.dtype.is_complex:
            _ni("bernoulli_tensor_cpu_self_", self.dtype)
        _expand_check(p._shape, self._shape, p)
    else:
        if self.dtype.is_complex:
            _ni("bernoulli_scalar_cpu_", self.dtype)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _same(self)


def _expand_check(src, target, t):
    if len(src) > len(target):
        raise RuntimeError(f"expand({t.dtype.c10_name}Tensor{{{list(src)}}}, size={list(target)}"
                           f"): the number of sizes provided ({len(target)}) must be greater or "
                           f"equal to the number of dimensions in the tensor ({len(src)})")
    for i in range(1, len(src) + 1):
        if src[-i] != 1 and src[-i] != target[-i]:
            raise RuntimeError(f"The expanded size of the tensor ({target[-i]}) must match the "
                               f"existing size ({src[-i]}) at non-singleton dimension "
                               f"{len(target) - i}.  Target sizes: {list(target)}.  Tensor "
                               f"sizes: {list(src)}")


def _randperm_meta(self, n, *, generator=None):
    dt = self.dtype
    if dt is D.bool or dt.is_complex:
        _ni("randperm", dt)
    if dt.category == D.INT and n > 0 and n - 1 > int(D.iinfo(dt).max):
        raise RuntimeError(f"value cannot be converted to type {_np_ctype(dt)} without overflow")
    if dt.category == D.FLOAT and n > (1 << _DIGITS[dt.name]) + 1:
        raise RuntimeError(f"n cannot be greater than {(1 << _DIGITS[dt.name]) + 1} for "
                           f"{dt.c10_name} type.")
    return Spec((n,), dt)


def _np_ctype(dt):
    return {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int32_t",
            "int64": "int64_t"}.get(dt.name, dt.name)


def _normal_meta(mean, std, *, generator=None):
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if st and std.dtype.is_complex:
        raise RuntimeError("normal expects standard deviation to be non-complex")
    if mt and st:
        shape = broadcast_shapes(mean._shape, std._shape)
        dt = mean.dtype
    elif mt:
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        shape, dt = mean._shape, mean.dtype
    else:
        shape, dt = std._shape, std.dtype
    if dt.category < D.FLOAT:
        _ni("normal_kernel_cpu", dt)
    return Spec(shape, dt)


def _bernoulli_meta(input, *, generator=None):
    if input.dtype.category != D.FLOAT:
        _ni("bernoulli_tensor_cpu_p_", input.dtype)
    return Spec(input._shape, input.dtype)


def _poisson_meta(input, generator=None):
    if input.dtype.category != D.FLOAT:
        _ni("poisson_cpu", input.dtype)
    return Spec(input._shape, input.dtype)


def _multinomial_meta(input, num_samples, replacement=False, *, generator=None):
    if input.dtype.category != D.FLOAT:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{input.dtype.c10_name}")
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > input._shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    return Spec(input._shape[:-1] + (num_samples,), D.int64)


UNIFORM_ = register("uniform_", _uniform_meta, inplace=True, nondiff=True, family="random")
NORMAL_ = register("normal_", _normal__meta, inplace=True, nondiff=True, family="random")
RANDOM_ = register("random_", _random_meta, inplace=True, nondiff=True, family="random")
EXPONENTIAL_ = register("exponential_", _exponential_meta, inplace=True, nondiff=True,
                        family="random")
CAUCHY_ = register("cauchy_", _cauchy_meta, inplace=True, nondiff=True, family="random")
LOG_NORMAL_ = register("log_normal_", _log_normal_meta, inplace=True, nondiff=True,
                       family="random")
GEOMETRIC_ = register("geometric_", _geometric_meta, inplace=True, nondiff=True,
                      family="random")
BERNOULLI_ = register("bernoulli_", _bernoulli__meta, inplace=True, nondiff=True,
                      family="random")
# randperm's out= form: fills its first argument (a 1-D tensor of n elements)
RANDPERM = register("randperm", _randperm_meta, inplace=True, nondiff=True, family="random")
NORMAL = register("normal", _normal_meta, family="random")
BERNOULLI = register("bernoulli", _bernoulli_meta, nondiff=True, family="random")
POISSON = register("poisson", _poisson_meta, nondiff=True, family="random")
MULTINOMIAL = register("multinomial", _multinomial_meta, nondiff=True, family="random")


# ---------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------

def _finish(t, requires_grad, out):
    if out is not None:
        from .._dispatch.dispatcher import _write_out
        _write_out(out, t)
        return out
    if requires_grad:
        t.requires_grad_(True)
    return t


def _factory(size, dtype, device, out, name):
    shape = as_shape(size, "size")
    if dtype is not None and not isinstance(dtype, D.dtype):
        raise TypeError(f"{name}(): argument 'dtype' must be torch.dtype, not "
                        f"{type(dtype).__name__}")
    if out is not None:
        if dtype is not None and dtype is not out.dtype:
            raise RuntimeError(f"dtype {dtype.c10_name} does not match dtype of out parameter "
                               f"({out.dtype.c10_name})")
        dt = out.dtype
        dev = out.device if device is None else as_device(device)
    else:
        dt = dtype or D.get_default_dtype()
        dev = as_device(device)
    return Tensor._empty(shape, dt, dev)


def _sized(size, kwargs_size, name):
    if kwargs_size is not None:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        return (kwargs_size,)
    return size


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False, **kw):
    size = _sized(size, kw.pop("size", None), "rand")
    t = _factory(size, dtype, device, out, "rand")
    dispatch(UNIFORM_, t, 0.0, 1.0, generator=gen_of(generator, "rand"))
    return _finish(t, requires_grad, out)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, **kw):
    size = _sized(size, kw.pop("size", None), "randn")
    t = _factory(size, dtype, device, out, "randn")
    dispatch(NORMAL_, t, 0.0, 1.0, generator=gen_of(generator, "randn"))
    return _finish(t, requires_grad, out)


def _int_arg(v, name, pos):
    if isinstance(v, Tensor):
        v = v.item()
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"randint(): argument '{name}' (position {pos}) must be int, not "
                        f"{type(v).__name__}")
    return int(v)


def randint(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False, low=None, high=None):
    """randint(high, size) / randint(low, high, size)."""
    args = list(args)
    if size is None:
        if not args:
            raise TypeError("randint() missing required argument 'size'")
        size = args.pop()
    if high is None:
        if not args:
            raise TypeError("randint() missing required argument 'high'")
        high = args.pop()
    if low is None:
        low = args.pop() if args else 0
    if args:
        raise TypeError("randint() received an invalid combination of arguments")
    if isinstance(size, int):
        raise TypeError("randint(): argument 'size' (position 2) must be tuple of ints, not int")
    low, high = _int_arg(low, "low", 1), _int_arg(high, "high", 2)
    t = _factory((size,), dtype or (out.dtype if out is not None else D.int64), device, out,
                 "randint")
    dispatch(RANDOM_, t, low, high, generator=gen_of(generator, "randint"))
    return _finish(t, requires_grad, out)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not "
                        f"{type(n).__name__}")
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    t = _factory((n,), dtype or (out.dtype if out is not None else D.int64), device, out,
                 "randperm")
    dispatch(RANDPERM, t, n, generator=gen_of(generator, "randperm"))
    return _finish(t, requires_grad, out)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None,
           layout=None, device=None, requires_grad=False, pin_memory=False):
    """normal(Tensor, Tensor) / (Tensor, float) / (float, Tensor) / (float, float, size)."""
    g = gen_of(generator, "normal")
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        r = dispatch(NORMAL, mean, std, generator=g)
        return _finish(r, False, out)
    if size is None:
        raise TypeError(f"normal() received an invalid combination of arguments - got "
                        f"({type(mean).__name__}, {type(std).__name__})")
    t = _factory((size,) if not isinstance(size, int) else (size,), dtype, device, out,
                 "normal")
    dispatch(NORMAL_, t, float(mean), float(std), generator=g)
    return _finish(t, requires_grad, out)


def bernoulli(input, p=None, *, generator=None, out=None):
    g = gen_of(generator, "bernoulli")
    if p is None:
        r = dispatch(BERNOULLI, input, generator=g)
    else:
        r = Tensor._empty(input._shape, input.dtype, input.device)
        dispatch(BERNOULLI_, r, p, generator=g)
    return _finish(r, False, out)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    r = dispatch(MULTINOMIAL, input, num_samples, replacement,
                 generator=gen_of(generator, "multinomial"))
    return _finish(r, False, out)


def poisson(input, generator=None):
    return dispatch(POISSON, input, gen_of(generator, "poisson"))


def _empty_like(input, dtype, device, memory_format):
    from .creation import empty_like
    return empty_like(input, dtype=dtype, device=device, memory_format=memory_format)


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None):
    t = _empty_like(input, dtype, device, memory_format)
    dispatch(UNIFORM_, t, 0.0, 1.0, generator=gen_of(generator, "rand_like"))
    return _finish(t, requires_grad, None)


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None):
    t = _empty_like(input, dtype, device, memory_format)
    dispatch(NORMAL_, t, 0.0, 1.0, generator=gen_of(generator, "randn_like"))
    return _finish(t, requires_grad, None)


def randint_like(input, low=None, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None):
    if high is None:
        if low is None:
            raise TypeError("randint_like() missing required argument 'high'")
        low, high = 0, low
    elif low is None:
        low = 0
    low, high = _int_arg(low, "low", 2), _int_arg(high, "high", 3)
    t = _empty_like(input, dtype, device, memory_format)
    dispatch(RANDOM_, t, low, high, generator=gen_of(generator, "randint_like"))
    return _finish(t, requires_grad, None)


# ---------------------------------------------------------------------------------------
# Tensor methods
# ---------------------------------------------------------------------------------------

def _num(v):
    return v.item() if isinstance(v, Tensor) else v


def _uniform_(self, from_=0.0, to=1.0, *, generator=None, **kw):
    from_ = kw.pop("from", from_)
    return dispatch(UNIFORM_, self, float(_num(from_)), float(_num(to)),
                    generator=gen_of(generator, "uniform_"))


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    return dispatch(NORMAL_, self, float(_num(mean)), float(_num(std)),
                    generator=gen_of(generator, "normal_"))


def _random_(self, *args, generator=None, **kw):
    """random_() / random_(to) / random_(from, to)."""
    if "from" in kw or "to" in kw:
        from_, to = kw.pop("from", 0), kw.pop("to", None)
    elif len(args) == 0:
        from_, to = 0, None
        g = gen_of(generator, "random_")
        if self.dtype.is_complex:
            _ni("random_kernel_cpu", self.dtype)
        return dispatch(RANDOM_, self, 0, None, generator=g)
    elif len(args) == 1:
        from_, to = 0, args[0]
    else:
        from_, to = args[0], args[1]
    return dispatch(RANDOM_, self, _num(from_), _num(to), generator=gen_of(generator, "random_"))


def _exponential_(self, lambd=1.0, *, generator=None):
    return dispatch(EXPONENTIAL_, self, float(_num(lambd)),
                    generator=gen_of(generator, "exponential_"))


def _cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    return dispatch(CAUCHY_, self, float(_num(median)), float(_num(sigma)),
                    generator=gen_of(generator, "cauchy_"))


def _log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    return dispatch(LOG_NORMAL_, self, float(_num(mean)), float(_num(std)),
                    generator=gen_of(generator, "log_normal_"))


def _geometric_(self, p, *, generator=None):
    return dispatch(GEOMETRIC_, self, float(_num(p)), generator=gen_of(generator, "geometric_"))


def _bernoulli_(self, p=0.5, *, generator=None):
    if not isinstance(p, Tensor):
        p = float(p)
    return dispatch(BERNOULLI_, self, p, generator=gen_of(generator, "bernoulli_"))


def _bernoulli_method(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


def _multinomial_method(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


methods({"uniform_": _uniform_, "normal_": _normal_, "random_": _random_,
         "exponential_": _exponential_, "cauchy_": _cauchy_, "log_normal_": _log_normal_,
         "geometric_": _geometric_, "bernoulli_": _bernoulli_, "bernoulli": _bernoulli_method,
         "multinomial": _multinomial_method})
