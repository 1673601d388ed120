"""torch.device and the default device vs torch (npu compared with torch's cuda strings)."""
from __future__ import annotations

import pickle

import pytest
import torch as T

import mindtorch_v2 as M


def _tdev(*args, **kw):
    """The torch device for the same arguments, with npu spelled cuda."""
    args = tuple(a.replace("npu", "cuda") if isinstance(a, str) else a for a in args)
    kw = {k: (v.replace("npu", "cuda") if isinstance(v, str) else v) for k, v in kw.items()}
    return T.device(*args, **kw)


def _same_text(m, t):
    assert repr(m) == repr(t).replace("cuda", "npu")
    assert str(m) == str(t).replace("cuda", "npu")


GOOD = [("cpu",), ("meta",), ("npu",), ("npu:1",), ("npu", 1), ("npu:0",), ("cpu", 0),
        ("meta", 0)]


@pytest.mark.parametrize("args", GOOD, ids=str)
def test_device_construct(args):
    m, t = M.device(*args), _tdev(*args)
    assert m.type == t.type.replace("cuda", "npu")
    assert m.index == t.index
    _same_text(m, t)


def test_device_keywords_and_copy():
    m, t = M.device(type="npu", index=2), T.device(type="cuda", index=2)
    _same_text(m, t)
    d = M.device("npu:3")
    assert M.device(d) == d


BAD = ["gpu", "cpu:x", "npu:-1", "", "npu:1:2", "CPU", " cpu", "npu:01x"]


@pytest.mark.parametrize("s", BAD)
def test_device_bad_strings(s):
    try:
        _tdev(s)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            M.device(s)
    else:
        M.device(s)


@pytest.mark.parametrize("args", [("npu:1", 2), ("npu", -1), ("npu", "1"), (1.5,), (None,)],
                         ids=str)
def test_device_bad_args(args):
    try:
        _tdev(*args)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            M.device(*args)
    else:
        M.device(*args)


def test_device_equality_and_hash():
    assert M.device("npu:1") == M.device("npu", 1)
    assert M.device("npu") != M.device("npu:0")
    assert M.device("cpu") != M.device("meta")
    assert (M.device("cpu") == "cpu") == (T.device("cpu") == "cpu")
    assert (M.device("cpu") != "cpu") == (T.device("cpu") != "cpu")
    assert hash(M.device("npu:1")) == hash(M.device("npu", 1))
    assert len({M.device("cpu"), M.device("cpu"), M.device("meta"), M.device("npu:1")}) == 3
    assert pickle.loads(pickle.dumps(M.device("npu:1"))) == M.device("npu:1")


def test_tensor_device_attribute():
    x = M.ones(2)
    assert x.device == M.device("cpu") and x.device.type == "cpu" and x.device.index is None
    assert M.ones(2, device="meta").device.type == "meta"
    assert M.ones(2, device=M.device("meta")).is_meta


@pytest.fixture
def restore_device():
    yield
    M.set_default_device(None)
    T.set_default_device(None)


@pytest.mark.parametrize("factory", [
    lambda lib: lib.ones(2, 3), lambda lib: lib.zeros(4), lambda lib: lib.empty(2),
    lambda lib: lib.full((2,), 1.5), lambda lib: lib.arange(5), lambda lib: lib.eye(3),
    lambda lib: lib.tensor([1.0, 2.0]), lambda lib: lib.linspace(0, 1, 5),
])
def test_default_device_affects_factories(factory, restore_device):
    M.set_default_device("meta")
    T.set_default_device("meta")
    m, t = factory(M), factory(T)
    assert m.device.type == t.device.type == "meta"
    assert tuple(m.shape) == tuple(t.shape)
    assert str(M.get_default_device()) == str(T.get_default_device())
    M.set_default_device(None)
    T.set_default_device(None)
    assert factory(M).device.type == "cpu"


def test_device_context_manager():
    with M.device("meta"):
        assert M.ones(3).device.type == "meta"
        assert M.zeros(2, device="cpu").device.type == "cpu"
        with M.device("cpu"):
            assert M.ones(1).device.type == "cpu"
        assert M.arange(3).device.type == "meta"
    assert M.ones(3).device.type == "cpu"
    with T.device("meta"):
        assert T.ones(3).device.type == "meta"


def test_device_context_restored_on_error():
    with pytest.raises(ValueError):
        with M.device("meta"):
            raise ValueError
    assert M.ones(1).device.type == "cpu"
