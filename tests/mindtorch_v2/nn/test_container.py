"""nn containers against torch: same operations on both, compare structure and repr."""
from collections import OrderedDict

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, to_mt


def layers(lib):
    nn = lib.nn
    return [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 4), nn.Identity(), nn.Flatten(0)]


def desc(mod):
    """Structure of a container: repr and child names."""
    return repr(mod), list(mod._modules)


def both(fn):
    return fn(M), fn(T)


@pytest.mark.parametrize("op", [
    lambda lib, s: s,
    lambda lib, s: s[1:4],
    lambda lib, s: s[::-2],
    lambda lib, s: s.append(lib.nn.ReLU()),
    lambda lib, s: s.insert(1, lib.nn.Identity()),
    lambda lib, s: s.insert(-1, lib.nn.Identity()),
    lambda lib, s: s.extend(lib.nn.Sequential(lib.nn.ReLU())),
    lambda lib, s: s + lib.nn.Sequential(lib.nn.ReLU()),
    lambda lib, s: s * 2,
    lambda lib, s: 2 * s[:2],
    lambda lib, s: (s.pop(1), s)[1],
    lambda lib, s: (s.__delitem__(-2), s)[1],
    lambda lib, s: (s.__delitem__(slice(0, 4, 2)), s)[1],
    lambda lib, s: (s.__setitem__(0, lib.nn.Identity()), s)[1],
    lambda lib, s: s[-1],
    lambda lib, s: s[10],
    lambda lib, s: s.insert(9, lib.nn.ReLU()),
    lambda lib, s: s + [1],
    lambda lib, s: s * 0,
])
def test_sequential_ops(op):
    def run(lib):
        return op(lib, lib.nn.Sequential(*layers(lib)))
    try:
        rt = run(T)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)) as em:
            run(M)
        assert str(em.value).replace("mindtorch_v2", "torch") == str(e)
        return
    rm = run(M)
    assert desc(rm) == desc(rt)


def test_sequential_ordered_dict_forward_len_iter():
    t = T.nn.Sequential(OrderedDict([("fc", T.nn.Linear(2, 3)), ("act", T.nn.ReLU()),
                                     ("out", T.nn.Linear(3, 1))]))
    m = M.nn.Sequential(OrderedDict([("fc", M.nn.Linear(2, 3)), ("act", M.nn.ReLU()),
                                     ("out", M.nn.Linear(3, 1))]))
    m.load_state_dict({k: to_mt(v) for k, v in t.state_dict().items()})
    assert desc(m) == desc(t) and len(m) == len(t) == 3
    assert [type(x).__name__ for x in m] == [type(x).__name__ for x in t]
    assert m.fc is m[0] and m[-1] is m.out
    x = T.randn(4, 2)
    assert_same(m(to_mt(x)).detach(), t(x).detach(), atol=1e-6)
    sub = m[1:]
    assert list(sub._modules) == ["act", "out"] and sub.out is m.out
    assert "0" not in dir(M.nn.Sequential(M.nn.ReLU()))
    s = M.nn.Sequential(M.nn.ReLU())
    s += M.nn.Sequential(M.nn.Identity())
    s *= 2
    st = T.nn.Sequential(T.nn.ReLU())
    st += T.nn.Sequential(T.nn.Identity())
    st *= 2
    assert desc(s) == desc(st)


@pytest.mark.parametrize("op", [
    lambda lib, s: s,
    lambda lib, s: s[1:3],
    lambda lib, s: s[-1],
    lambda lib, s: s.append(lib.nn.Linear(2, 3)),
    lambda lib, s: (s.insert(0, lib.nn.ReLU()), s)[1],
    lambda lib, s: s.extend([lib.nn.ReLU(), lib.nn.ReLU()]),
    lambda lib, s: s + lib.nn.ModuleList([lib.nn.ReLU()]),
    lambda lib, s: (s.pop(0), s)[1],
    lambda lib, s: (s.__delitem__(slice(1, None)), s)[1],
    lambda lib, s: (s.__setitem__(-1, lib.nn.ReLU()), s)[1],
    lambda lib, s: lib.nn.ModuleList(),
    lambda lib, s: lib.nn.ModuleList([lib.nn.Linear(2, 2)] * 3 + [lib.nn.ReLU()] * 2),
    lambda lib, s: s[7],
    lambda lib, s: s.extend(3),
])
def test_module_list_ops(op):
    def run(lib):
        return op(lib, lib.nn.ModuleList(layers(lib)))
    try:
        rt = run(T)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)) as em:
            run(M)
        assert str(em.value).replace("mindtorch_v2", "torch") == str(e)
        return
    assert desc(run(M)) == desc(rt)


def test_module_list_registration():
    ml = M.nn.ModuleList([M.nn.Linear(2, 2), M.nn.Linear(2, 1)])
    parent = M.nn.Module()
    parent.layers = ml
    assert [n for n, _ in parent.named_parameters()] == [
        "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
    assert len(ml) == 2 and list(ml)[1] is ml[-1]
    with pytest.raises(NotImplementedError):
        ml(1)


@pytest.mark.parametrize("op", [
    lambda lib, d: d,
    lambda lib, d: (d.update([("z", lib.nn.ReLU())]), d)[1],
    lambda lib, d: (d.update({"a": lib.nn.Identity(), "y": lib.nn.ReLU()}), d)[1],
    lambda lib, d: (d.pop("b"), d)[1],
    lambda lib, d: (d.__delitem__("a"), d)[1],
    lambda lib, d: (d.clear(), d)[1],
    lambda lib, d: (d.__setitem__("new", lib.nn.ReLU()), d)[1],
    lambda lib, d: d.update(3),
    lambda lib, d: d.update([("a", lib.nn.ReLU(), 1)]),
    lambda lib, d: d.update([3]),
])
def test_module_dict_ops(op):
    def run(lib):
        return op(lib, lib.nn.ModuleDict({"b": lib.nn.Linear(2, 2), "a": lib.nn.ReLU()}))
    try:
        rt = run(T)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)) as em:
            run(M)
        assert str(em.value).replace("mindtorch_v2", "torch") == str(e)
        return
    rm = run(M)
    assert desc(rm) == desc(rt)
    assert list(rm.keys()) == list(rt.keys()) and len(rm) == len(rt)
    assert list(rm) == list(rt) and ("a" in rm) == ("a" in rt)
    assert [type(v).__name__ for v in rm.values()] == [type(v).__name__ for v in rt.values()]


def test_parameter_list():
    pm = M.nn.ParameterList([M.nn.Parameter(M.ones(2, 3)), M.zeros(3, dtype=M.float64)])
    pt = T.nn.ParameterList([T.nn.Parameter(T.ones(2, 3)), T.zeros(3, dtype=T.float64)])
    assert repr(pm) == repr(pt)
    assert isinstance(pm[1], M.nn.Parameter) and pm[1].requires_grad
    pm.append(M.ones(1))
    pt.append(T.ones(1))
    pm.extend([M.ones(4)])
    pt.extend([T.ones(4)])
    pm.append("note")
    pt.append("note")
    assert repr(pm) == repr(pt) and len(pm) == len(pt) == 5
    assert repr(pm[1:3]) == repr(pt[1:3])
    assert [n for n, _ in pm.named_parameters()] == [n for n, _ in pt.named_parameters()]
    pm[0] = M.full((2,), 7.0)
    assert isinstance(pm[0], M.nn.Parameter) and pm[-5] is pm[0]
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        pm()
    with pytest.raises(TypeError):
        pm.extend(M.ones(2))
    with pytest.raises(IndexError, match="index 9 is out of range"):
        pm[9]
    parent = M.nn.Module()
    parent.plist = pm
    assert list(parent.state_dict()) == ["plist.0", "plist.1", "plist.2", "plist.3"]


def test_parameter_dict():
    def build(lib):
        d = lib.nn.ParameterDict({"b": lib.ones(2), "a": lib.nn.Parameter(lib.zeros(1))})
        d["c"] = lib.ones(2, 2, dtype=lib.float64)
        d.update([("z", lib.ones(1))])
        d.update(OrderedDict([("y", lib.ones(3)), ("x", lib.ones(3))]))
        d.setdefault("w", lib.ones(1))
        d["note"] = "text"
        return d
    dm, dt = build(M), build(T)
    assert repr(dm) == repr(dt)
    assert list(dm.keys()) == list(dt.keys()) and len(dm) == len(dt)
    assert list(reversed(dm)) == list(reversed(dt))
    assert isinstance(dm["b"], M.nn.Parameter)
    assert dm.pop("z").shape == (1,) and "z" not in dm
    dt.pop("z")
    assert dm.popitem()[0] == dt.popitem()[0]
    assert list(dm) == list(dt)
    assert dm.get("nope", 3) == 3 and dm.get("a") is dm["a"]
    assert list(dm.copy().keys()) == list(dm.keys())
    assert list((dm | {"q": M.ones(1)}).keys()) == list((dt | {"q": T.ones(1)}).keys())
    assert list(dm.fromkeys(["a", "b"]).keys()) == ["a", "b"]
    with pytest.raises(TypeError) as em:
        dm[1]
    with pytest.raises(TypeError) as et:
        dt[1]
    assert str(em.value) == str(et.value)
    with pytest.raises(RuntimeError, match="ParameterDict should not be called."):
        dm()
    dm.clear()
    assert len(dm) == 0 and not dm._parameters
