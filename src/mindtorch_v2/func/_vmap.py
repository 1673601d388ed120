"""torch.func.vmap.

Batching is done by splitting: every batched input is sliced along its in_dim, the function
runs once per sample and the outputs are stacked along out_dims. This is slower than
per-op batching rules but exact for any function, composes with autograd (slicing and
stacking are differentiable, so grad(vmap(f)) and vmap(grad(f)) both work) and nests.
"""
from __future__ import annotations

import functools

from .._tensor import Tensor
from ._pytree import broadcast_to_and_flatten, tree_flatten, tree_unflatten

_RANDOM_ERROR = (
    "vmap: called random operation while in randomness error mode. Please either use the "
    "'same' or 'different' randomness flags on vmap or perform the randomness operation "
    "out of vmap")


def _get_name(func):
    if hasattr(func, "__name__"):
        return func.__name__
    if isinstance(func, functools.partial):
        return f"functools.partial({_get_name(func.func)}, ...)"
    return repr(func)


def _check_randomness_arg(randomness):
    if randomness not in ("error", "different", "same"):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


def _check_out_dims(out_dims, func):
    if isinstance(out_dims, int):
        return
    for d in tree_flatten(out_dims)[0]:
        if d is not None and not isinstance(d, int):
            raise ValueError(
                f"vmap({_get_name(func)}, ..., out_dims={out_dims}): `out_dims` must be an "
                "int, None or a python collection of ints representing where in the outputs "
                "the vmapped dimension should appear.")


def _process_inputs(in_dims, args, func):
    name = _get_name(func)
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or "
            "a (potentially nested) tuple matching the structure of inputs, got: "
            f"{type(in_dims)}.")
    if len(args) == 0:
        raise ValueError(
            f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you "
            "are trying to vmap over a function with no inputs. The latter is unsupported.")
    flat_args, spec = tree_flatten(args)
    flat_dims = broadcast_to_and_flatten(in_dims, spec)
    if flat_dims is None:
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with "
            f"the structure of `inputs`. in_dims has structure {tree_flatten(in_dims)[1]} but "
            f"inputs has structure {spec}.")
    for i, (arg, d) in enumerate(zip(flat_args, flat_dims)):
        if d is None:
            continue
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input "
                "but in_dim must be either an integer dimension or None.")
        if not isinstance(arg, Tensor):
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input "
                f"but the input is of type {type(arg)}. We cannot vmap over non-Tensor "
                "arguments, please use None as the respective in_dim")
        n = arg.dim()
        if not -n <= d < n:
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some "
                f"input, but that input is a Tensor of dimensionality {n} so expected in_dim "
                f"to satisfy -{n} <= in_dim < {n}.")
        flat_dims[i] = d % n
    sizes = [a.shape[d] for a, d in zip(flat_args, flat_dims) if d is not None]
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return sizes[0], flat_dims, flat_args, spec


def _flat_out_dims(out_dims, output, func):
    flat_out, spec = tree_flatten(output)
    if isinstance(output, Tensor):
        if isinstance(out_dims, int) or out_dims is None:
            return flat_out, [out_dims], spec
        if isinstance(out_dims, tuple) and len(out_dims) == 1:
            return flat_out, list(out_dims), spec
        dims = None
    else:
        dims = broadcast_to_and_flatten(out_dims, spec)
    if dims is None:
        raise ValueError(
            f"vmap({_get_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
            f"compatible with the structure of `outputs`. out_dims has structure "
            f"{tree_flatten(out_dims)[1]} but outputs has structure {spec}.")
    return flat_out, dims, spec


def _sample(flat_args, flat_dims, spec, i):
    return tree_unflatten([a if d is None else a.select(d, i)
                           for a, d in zip(flat_args, flat_dims)], spec)


def _zero_sample(flat_args, flat_dims, spec):
    # batch size 0: run the function once on zeros of the per-sample shape to learn the
    # output structure and shapes
    return tree_unflatten([a if d is None else a.new_zeros(a.shape[:d] + a.shape[d + 1:])
                           for a, d in zip(flat_args, flat_dims)], spec)


def _vmap_call(func, in_dims, out_dims, randomness, chunk_size, args, kwargs):
    from .. import get_rng_state, set_rng_state, stack, equal

    _check_out_dims(out_dims, func)
    batch_size, flat_dims, flat_args, spec = _process_inputs(in_dims, args, func)
    name = _get_name(func)
    if batch_size == 0:
        results = [func(*_zero_sample(flat_args, flat_dims, spec), **kwargs)]
    else:
        state = get_rng_state()
        results = []
        for i in range(batch_size):
            if randomness == "same":
                set_rng_state(state)
            results.append(func(*_sample(flat_args, flat_dims, spec, i), **kwargs))
            if randomness == "error":
                now = get_rng_state()
                if not equal(now, state):
                    raise RuntimeError(_RANDOM_ERROR)
    flat_first, dims, out_spec = _flat_out_dims(out_dims, results[0], func)
    per_sample = [tree_flatten(r)[0] for r in results]
    flat_result = []
    for j, d in enumerate(dims):
        first = flat_first[j]
        if d is None:
            flat_result.append(first)
            continue
        if not isinstance(first, Tensor):
            raise ValueError(
                f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                f"{type(first)}. Did you mean to set out_dims= to None for output?")
        if batch_size == 0:
            flat_result.append(stack([first], d).narrow(d if d >= 0 else d + first.dim() + 1,
                                                        0, 0))
        else:
            flat_result.append(stack([r[j] for r in per_sample], d))
    return tree_unflatten(flat_result, out_spec)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Vectorize ``func`` over a batch dimension of its inputs.

    ``in_dims`` (int, None or a pytree prefix of the inputs) says which dimension of each
    input is mapped (None: not mapped); ``out_dims`` says where the mapped dimension goes in
    each output. ``randomness`` is ``'error'`` (random ops raise), ``'same'`` (every sample
    draws the same numbers) or ``'different'``. ``chunk_size`` is accepted for API
    compatibility; samples always run one at a time here.
    """
    _check_randomness_arg(randomness)
    if chunk_size is not None and not chunk_size > 0:
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return _vmap_call(func, in_dims, out_dims, randomness, chunk_size, args, kwargs)

    return wrapped
