"""Turning a list of samples into a batch (``default_collate``) and converting one sample's
NumPy arrays to tensors when batching is off (``default_convert``)."""
from __future__ import annotations

import collections.abc as _abc
import copy
import re

import numpy as np

from ..._dtype import float64
from ..._ops.creation import as_tensor, tensor
from ..._ops.shape import stack
from ..._tensor import Tensor

__all__ = ["default_collate", "default_convert", "collate", "default_collate_fn_map"]

# NumPy dtypes holding strings, bytes or objects: these cannot become tensors
_STR_OBJ_DTYPE = re.compile(r"[SaUO]")

_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _rebuild_like(elem, values, *, mapping):
    """A container of ``elem``'s type holding ``values`` (a dict for mappings, a list for
    sequences); falls back to a plain dict / list when the type cannot be built that way."""
    try:
        if mapping:
            if isinstance(elem, _abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(values)
                return clone
            return type(elem)(values)
        if isinstance(elem, _abc.MutableSequence):
            clone = copy.copy(elem)
            for i, v in enumerate(values):
                clone[i] = v
            return clone
        return type(elem)(values)
    except TypeError:
        return dict(values) if mapping else list(values)


# ----------------------------------------------------------------------------------------
# default_collate
# ----------------------------------------------------------------------------------------
def collate_tensor_fn(batch, *, collate_fn_map=None):
    return stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    if _STR_OBJ_DTYPE.search(elem.dtype.str) is not None:
        raise TypeError(_ERR.format(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return as_tensor(np.array(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    return tensor(batch, dtype=float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


# Looked up first by exact type, then by isinstance in this order (so np.str_ is a str and
# bool an int, as in torch).
default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` (a list of samples) with per-type functions from ``collate_fn_map``,
    recursing into mappings, namedtuples and sequences."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for kind, fn in collate_fn_map.items():
            if isinstance(elem, kind):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, _abc.Mapping):
        values = {k: collate([d[k] for d in batch], collate_fn_map=collate_fn_map)
                  for k in elem}
        return _rebuild_like(elem, values, mapping=True)
    if _is_namedtuple(elem):
        return elem_type(*(collate(s, collate_fn_map=collate_fn_map)
                           for s in zip(*batch)))
    if isinstance(elem, _abc.Sequence):
        it = iter(batch)
        size = len(next(it))
        if not all(len(e) == size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # like torch: tuples come back as lists
        return _rebuild_like(elem, columns, mapping=False)
    raise TypeError(_ERR.format(elem_type))


def default_collate(batch):
    """Stack a list of samples into a batch, keeping the samples' structure.

    Tensors are stacked on a new first dimension; NumPy arrays and NumPy scalars become
    tensors; Python floats become a float64 tensor, ints an int64 (bools a bool) tensor;
    strings and bytes stay a list; dicts, namedtuples and lists are collated field by field
    (tuples come back as lists).
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


# ----------------------------------------------------------------------------------------
# default_convert
# ----------------------------------------------------------------------------------------
def default_convert(data):
    """NumPy arrays and scalars in ``data`` converted to tensors, recursing into mappings,
    namedtuples and sequences (tuples become lists); anything else is returned as is."""
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and not isinstance(data, (str, bytes)):
        if isinstance(data, np.ndarray) and _STR_OBJ_DTYPE.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, _abc.Mapping):
        return _rebuild_like(data, {k: default_convert(v) for k, v in data.items()},
                             mapping=True)
    if _is_namedtuple(data):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, _abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_like(data, [default_convert(d) for d in data], mapping=False)
    return data
