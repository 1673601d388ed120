"""default_collate / default_convert against torch: output structures, dtypes, errors."""
import collections
import collections.abc as abc

import numpy as np
import pytest
import torch as T
import torch.utils.data as TD

import mindtorch_v2 as M
import mindtorch_v2.utils.data as MD
from helpers import assert_same

Point = collections.namedtuple("Point", ["x", "y"])


class FrozenMap(abc.Mapping):
    """A read-only mapping whose constructor takes a dict."""

    def __init__(self, d):
        self._d = dict(d)

    def __getitem__(self, k):
        return self._d[k]

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)


class NoArgMap(abc.Mapping):
    """A mapping that cannot be rebuilt from a dict: collate falls back to dict."""

    def __init__(self):
        self._d = {"a": 1, "b": 2.0}

    def __getitem__(self, k):
        return self._d[k]

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return 2


class MyList(list):
    pass


def assert_tree(m, t):
    """Same container types, keys and lengths all the way down; tensors equal."""
    if isinstance(t, T.Tensor):
        assert_same(m, t)
        return
    if isinstance(t, (np.ndarray, np.generic)):
        assert type(m) is type(t)
        np.testing.assert_array_equal(m, t)
        return
    assert type(m).__name__ == type(t).__name__, (type(m), type(t))
    if isinstance(t, abc.Mapping):
        assert list(m.keys()) == list(t.keys())
        for k in t:
            assert_tree(m[k], t[k])
    elif isinstance(t, (list, tuple)):
        assert len(m) == len(t)
        for a, b in zip(m, t):
            assert_tree(a, b)
    else:
        assert m == t and type(m) is type(t)


# each case builds a batch (a list of samples) with the given library's tensors
BATCHES = {
    "tensors": lambda L: [L.tensor([1.0, 2.0]), L.tensor([3.0, 4.0])],
    "int_tensors_0d": lambda L: [L.tensor(1), L.tensor(2), L.tensor(3)],
    "ints": lambda L: [1, 2, 3],
    "bools": lambda L: [True, False],
    "floats": lambda L: [1.5, 2.5],
    "strings": lambda L: ["a", "bc"],
    "bytes": lambda L: [b"a", b"b"],
    "np_str": lambda L: [np.str_("x"), np.str_("y")],
    "np_arrays": lambda L: [np.arange(6, dtype=np.int32).reshape(2, 3)] * 3,
    "np_float16": lambda L: [np.ones(2, np.float16), np.zeros(2, np.float16)],
    "np_scalars_f32": lambda L: [np.float32(1.5), np.float32(2)],
    "np_scalars_i16": lambda L: [np.int16(1), np.int16(-3)],
    "np_bool": lambda L: [np.bool_(True), np.bool_(False)],
    "np_memmap_like": lambda L: [np.arange(3.0).view(np.memmap)] * 2,
    "tuples": lambda L: [(L.tensor([1]), 2, "a"), (L.tensor([3]), 4, "b")],
    "lists": lambda L: [[1, 2.0], [3, 4.0]],
    "dicts": lambda L: [{"x": L.ones(2), "y": 1, "z": {"w": "s"}},
                        {"x": L.zeros(2), "y": 2, "z": {"w": "t"}}],
    "ordered_dict": lambda L: [collections.OrderedDict(a=1, b=L.ones(1))] * 2,
    "default_dict": lambda L: [collections.defaultdict(int, a=1.0)] * 2,
    "frozen_map": lambda L: [FrozenMap({"a": 1}), FrozenMap({"a": 2})],
    "noarg_map": lambda L: [NoArgMap(), NoArgMap()],
    "namedtuple": lambda L: [Point(L.tensor(1.0), 2), Point(L.tensor(3.0), 4)],
    "my_list": lambda L: [MyList([1, 2]), MyList([3, 4])],
    "range_seq": lambda L: [range(2), range(2)],
    "nested": lambda L: [{"a": [(1, L.ones(2, 2)), Point(np.float64(1), [2.0])]}] * 2,
}


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_default_collate_matches_torch(name):
    t = TD.default_collate(BATCHES[name](T))
    m = MD.default_collate(BATCHES[name](M))
    assert_tree(m, t)


ERROR_BATCHES = {
    "unequal_lists": lambda L: [[1, 2], [3]],
    "np_str_array": lambda L: [np.array(["a"]), np.array(["b"])],
    "np_object_array": lambda L: [np.array([None], dtype=object)] * 2,
    "object": lambda L: [object(), object()],
    "complex": lambda L: [1j, 2j],
    "none": lambda L: [None, None],
    "tensor_shapes": lambda L: [L.ones(2), L.ones(3)],
}


@pytest.mark.parametrize("name", sorted(ERROR_BATCHES))
def test_default_collate_errors_match_torch(name):
    with pytest.raises(Exception) as et:
        TD.default_collate(ERROR_BATCHES[name](T))
    with pytest.raises(type(et.value)) as em:
        MD.default_collate(ERROR_BATCHES[name](M))
    if "default_collate" in str(et.value) or "equal size" in str(et.value):
        assert str(em.value) == str(et.value)


def test_collate_stacks_tensors_on_new_dim():
    out = MD.default_collate([M.ones(2, 3), M.zeros(2, 3)])
    assert tuple(out.shape) == (2, 2, 3)
    assert out[0].sum().item() == 6 and out[1].sum().item() == 0


CONVERTS = {
    "tensor": lambda L: L.tensor([1, 2]),
    "np_array": lambda L: np.arange(4.0, dtype=np.float32),
    "np_scalar": lambda L: np.int64(5),
    "np_str_array": lambda L: np.array(["a", "b"]),
    "np_str_scalar": lambda L: np.str_("a"),
    "int": lambda L: 3,
    "string": lambda L: "abc",
    "tuple": lambda L: (np.arange(2), 1),
    "list": lambda L: [np.arange(2), "x"],
    "dict": lambda L: {"a": np.ones(2), "b": (np.float32(1),)},
    "namedtuple": lambda L: Point(np.ones(1), 2),
    "my_list": lambda L: MyList([np.zeros(1)]),
    "frozen_map": lambda L: FrozenMap({"k": np.zeros(2, np.int8)}),
    "object": lambda L: None,
}


@pytest.mark.parametrize("name", sorted(CONVERTS))
def test_default_convert_matches_torch(name):
    assert_tree(MD.default_convert(CONVERTS[name](M)), TD.default_convert(CONVERTS[name](T)))


def test_custom_collate_fn_map():
    from mindtorch_v2.utils.data._collate import collate, default_collate_fn_map

    def collate_str(batch, *, collate_fn_map=None):
        return "".join(batch)

    fmap = dict(default_collate_fn_map)
    fmap[str] = collate_str
    out = collate([{"s": "a", "n": 1}, {"s": "b", "n": 2}], collate_fn_map=fmap)
    assert out["s"] == "ab"
    assert out["n"].tolist() == [1, 2]
