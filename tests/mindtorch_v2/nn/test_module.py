"""nn.Module against torch: the same module trees built in both libraries."""
import copy
import pickle
from collections import OrderedDict

import pytest
import torch as T

import mindtorch_v2 as M
from helpers import assert_same, to_mt, to_torch


def make_net(lib):
    """A small model with params, buffers (one non-persistent), a shared module, None slots."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)
            self.register_buffer("running", lib.zeros(3))
            self.register_buffer("tmp", lib.ones(1), persistent=False)
            self.scale = nn.Parameter(lib.ones(()))
            self.register_parameter("unused", None)

        def forward(self, x):
            return self.fc(x) * self.scale + self.running

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.seq = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
            self.alias = self.seq[0]        # the same module under two names
            self.head = nn.Identity()

        def forward(self, x):
            return self.head(self.seq(self.block(x)))

    return Net()


def paired():
    """(mindtorch net, torch net) holding the same values."""
    t = make_net(T)
    m = make_net(M)
    m.load_state_dict({k: to_mt(v) for k, v in t.state_dict().items()})
    return m, t


def test_names_and_orders():
    m, t = paired()
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in m.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in m.named_children()] == [n for n, _ in t.named_children()]
    for kw in ({"remove_duplicate": False}, {"prefix": "root"}):
        assert [n for n, _ in m.named_modules(**kw)] == [n for n, _ in t.named_modules(**kw)]
        assert [n for n, _ in m.named_parameters(**kw)] == \
            [n for n, _ in t.named_parameters(**kw)]
    assert [n for n, _ in m.named_parameters(recurse=False)] == \
        [n for n, _ in t.named_parameters(recurse=False)]
    assert [n for n, _ in m.block.named_parameters(recurse=False)] == \
        [n for n, _ in t.block.named_parameters(recurse=False)]
    assert len(list(m.parameters())) == len(list(t.parameters()))
    assert len(list(m.buffers())) == len(list(t.buffers()))
    assert len(list(m.modules())) == len(list(t.modules()))
    assert len(list(m.children())) == len(list(t.children()))


def test_state_dict_keys_values_metadata():
    m, t = paired()
    sm, st = m.state_dict(), t.state_dict()
    assert isinstance(sm, OrderedDict)
    assert list(sm) == list(st)
    for k in st:
        assert_same(sm[k], st[k])
        assert not sm[k].requires_grad and type(sm[k]) is M.Tensor
    assert sm._metadata == st._metadata
    sp = m.state_dict(prefix="p.", keep_vars=True)
    assert list(sp) == list(t.state_dict(prefix="p.", keep_vars=True))
    assert isinstance(sp["p.block.fc.weight"], M.nn.Parameter)
    dest = OrderedDict()
    assert m.state_dict(destination=dest) is dest and list(dest) == list(st)


def test_forward_matches_torch():
    m, t = paired()
    x = T.randn(6, 4)
    assert_same(m(to_mt(x)).detach(), t(x).detach(), atol=1e-5)


def test_load_state_dict_results_and_errors():
    m, t = paired()
    sd_t = t.state_dict()
    sd_m = m.state_dict()
    rm, rt = m.load_state_dict(sd_m), t.load_state_dict(sd_t)
    assert (rm.missing_keys, rm.unexpected_keys) == (rt.missing_keys, rt.unexpected_keys)
    assert repr(rm) == repr(rt) == "<All keys matched successfully>"
    # missing + unexpected, non strict
    def edit(sd):
        sd = OrderedDict(sd)
        del sd["block.fc.bias"]
        del sd["seq.2.weight"]
        sd["extra"] = sd["block.running"]
        sd["seq.9.weight"] = sd["block.running"]
        return sd
    rm = m.load_state_dict(edit(sd_m), strict=False)
    rt = t.load_state_dict(edit(sd_t), strict=False)
    assert rm == rt and rm.missing_keys == rt.missing_keys
    assert rm._fields == rt._fields
    # strict: same message
    for bad_m, bad_t in ((edit(sd_m), edit(sd_t)),):
        with pytest.raises(RuntimeError) as em:
            m.load_state_dict(bad_m)
        with pytest.raises(RuntimeError) as et:
            t.load_state_dict(bad_t)
        assert str(em.value) == str(et.value)
    with pytest.raises(TypeError):
        m.load_state_dict([1, 2])


def test_load_state_dict_size_mismatch_message():
    lm, lt = M.nn.Linear(3, 2), T.nn.Linear(3, 2)
    with pytest.raises(RuntimeError) as em:
        lm.load_state_dict({"weight": M.zeros(2, 4), "bias": M.zeros(3)})
    with pytest.raises(RuntimeError) as et:
        lt.load_state_dict({"weight": T.zeros(2, 4), "bias": T.zeros(3)})
    assert str(em.value) == str(et.value)
    assert str(em.value).startswith("Error(s) in loading state_dict for Linear:\n\tsize mismatch"
                                    " for weight: copying a param with shape torch.Size([2, 4])")
    with pytest.raises(RuntimeError) as em:
        lm.load_state_dict({"weight": 3, "bias": M.zeros(2)})
    with pytest.raises(RuntimeError) as et:
        lt.load_state_dict({"weight": 3, "bias": T.zeros(2)})
    assert str(em.value) == str(et.value)


def test_load_copies_in_place_and_assign():
    lm = M.nn.Linear(3, 2)
    w = lm.weight
    src = {"weight": M.ones(2, 3), "bias": M.zeros(2)}
    lm.load_state_dict(src)
    assert lm.weight is w and lm.weight.data_ptr() != src["weight"].data_ptr()
    assert_same(lm.weight.detach(), T.ones(2, 3))
    lm.load_state_dict(src, assign=True)
    assert lm.weight is not w and isinstance(lm.weight, M.nn.Parameter)
    assert lm.weight.requires_grad and lm.weight.data_ptr() == src["weight"].data_ptr()
    # meta module materialised by assign
    meta = M.nn.Linear(3, 2, device="meta")
    meta.load_state_dict(src, assign=True)
    assert meta.weight.device.type == "cpu"


def test_state_dict_and_load_hooks():
    calls = {M: [], T: []}
    for lib in (M, T):
        lin = lib.nn.Linear(2, 2)
        log = calls[lib]
        lin.register_state_dict_pre_hook(lambda mod, prefix, kv, log=log: log.append(
            ("pre", prefix)))
        lin.register_load_state_dict_pre_hook(lambda mod, sd, prefix, *a, log=log: log.append(
            ("lpre", prefix, sorted(sd))))
        lin.register_load_state_dict_post_hook(lambda mod, keys, log=log: log.append(
            ("lpost", list(keys.missing_keys))))
        sd = lin.state_dict(prefix="x.")
        lin.load_state_dict({"weight": sd["x.weight"]}, strict=False)
    assert calls[M] == calls[T]


def test_extra_state():
    for lib in (M, T):
        class S(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.v = 1

            def get_extra_state(self):
                return {"v": self.v}

            def set_extra_state(self, state):
                self.v = state["v"]
        s = S()
        assert list(s.state_dict()) == ["_extra_state"]
        s2 = S()
        s2.load_state_dict({"_extra_state": {"v": 7}})
        assert s2.v == 7
        with pytest.raises(RuntimeError, match="Missing key"):
            s2.load_state_dict({})


def test_setattr_registration_and_errors():
    for lib in (M, T):
        nn = lib.nn
        mod = nn.Module()
        mod.p = nn.Parameter(lib.ones(2))
        mod.b = nn.Buffer(lib.zeros(2), persistent=False)
        mod.c = nn.Linear(1, 1)
        mod.x = 3
        assert list(mod._parameters) == ["p"] and list(mod._buffers) == ["b"]
        assert list(mod._modules) == ["c"] and mod.__dict__["x"] == 3
        assert "b" in mod._non_persistent_buffers_set and list(mod.state_dict()) == [
            "p", "c.weight", "c.bias"]
        mod.b = lib.ones(3)                      # stays a (non-persistent) buffer
        assert mod.b.shape == (3,) and "b" in mod._non_persistent_buffers_set
        mod.p = None
        assert mod._parameters["p"] is None
        del mod.p, mod.b, mod.c
        assert not mod._parameters and not mod._buffers and not mod._modules
        with pytest.raises(AttributeError, match="'Module' object has no attribute 'zz'"):
            mod.zz


@pytest.mark.parametrize("case", [
    lambda lib, m: setattr(m, "w", lib.ones(2)) or m.register_parameter("w", None),
    lambda lib, m: m.register_parameter("a.b", None),
    lambda lib, m: m.register_parameter("", None),
    lambda lib, m: m.register_parameter(1, None),
    lambda lib, m: m.register_parameter("q", lib.ones(2)),
    lambda lib, m: m.register_buffer("a.b", None),
    lambda lib, m: m.register_buffer("q", 3),
    lambda lib, m: m.add_module("q", 3),
    lambda lib, m: m.add_module("a.b", None),
    lambda lib, m: m.add_module("", None),
    lambda lib, m: m.add_module("training", None),
    lambda lib, m: setattr(m, "weight", 3),
    lambda lib, m: setattr(m, "sub", 3),
    lambda lib, m: setattr(m, "buf", "s"),
    lambda lib, m: m.train("yes"),
    lambda lib, m: m.to(lib.int32),
    lambda lib, m: m.get_submodule("sub.nope"),
    lambda lib, m: m.get_submodule("weight"),
    lambda lib, m: m.get_parameter("buf"),
    lambda lib, m: m.get_parameter("sub.zz"),
    lambda lib, m: m.get_buffer("weight"),
    lambda lib, m: m.forward(1),
    lambda lib, m: lib.nn.Module(3),
    lambda lib, m: lib.nn.Module(a=3),
])
def test_errors_like_torch(case):
    def setup(lib):
        m = lib.nn.Module()
        m.weight = lib.nn.Parameter(lib.ones(2))
        m.register_buffer("buf", lib.ones(1))
        m.sub = lib.nn.Linear(2, 2)
        return m
    try:
        case(T, setup(T))
    except Exception as e:  # noqa: BLE001
        et = e
    else:
        pytest.fail("torch did not raise")
    with pytest.raises(type(et)) as em:
        case(M, setup(M))
    assert str(em.value) == str(et), (str(em.value), str(et))


def test_get_submodule_parameter_buffer():
    m, t = paired()
    assert m.get_submodule("seq.2") is m.seq[2]
    assert m.get_submodule("") is m
    assert m.get_parameter("block.fc.weight") is m.block.fc.weight
    assert m.get_buffer("block.running") is m.block.running
    m.set_submodule("seq.1", M.nn.Identity())
    assert isinstance(m.seq[1], M.nn.Identity)


def test_train_eval_requires_grad_zero_grad_apply():
    m, t = paired()
    assert m.training and m.eval() is m
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    m.requires_grad_()
    for p in m.parameters():
        p.grad = M.ones(p.shape)
    m.zero_grad(set_to_none=False)
    assert all(p.grad is not None and p.grad.sum().item() == 0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    seen_m, seen_t = [], []
    m.apply(lambda x: seen_m.append(type(x).__name__))
    t.apply(lambda x: seen_t.append(type(x).__name__))
    assert seen_m == seen_t


def test_to_and_casts_keep_parameter_objects():
    m, t = paired()
    m.block.register_buffer("count", M.zeros((), dtype=M.int64))
    w = m.block.fc.weight
    w.grad = M.ones(w.shape)
    assert m.double() is m
    assert m.block.fc.weight is w and w.dtype is M.float64 and w.grad.dtype is M.float64
    assert isinstance(w, M.nn.Parameter) and w.requires_grad
    assert m.block.running.dtype is M.float64 and m.block.count.dtype is M.int64
    for fn, dt in (("half", M.float16), ("bfloat16", M.bfloat16), ("float", M.float32)):
        getattr(m, fn)()
        assert w.dtype is dt and m.block.count.dtype is M.int64
    m.to(M.float64)
    assert w.dtype is M.float64
    m.to("cpu", M.float32)
    m.to(M.zeros(1, dtype=M.float64))
    assert w.dtype is M.float64
    m.to(device="meta")
    assert w.is_meta and m.block.running.is_meta and w is m.block.fc.weight
    m.to_empty(device="cpu")
    assert w.device.type == "cpu"
    m.cpu().type(M.float32)
    assert w.dtype is M.float32
    with pytest.raises(TypeError):
        m.to(M.int64)


def test_forward_hooks_order_and_results():
    logs = {}
    outs = {}
    for lib in (M, T):
        log = logs[lib] = []
        lin = lib.nn.Linear(2, 2)
        lin.load_state_dict({"weight": lib.eye(2), "bias": lib.zeros(2)})
        h1 = lin.register_forward_pre_hook(lambda mod, args: log.append("pre1"))
        lin.register_forward_pre_hook(lambda mod, args: (log.append("pre0"), None)[1],
                                      prepend=True)
        lin.register_forward_pre_hook(lambda mod, args, kw: (log.append(("prekw", kw)),
                                                             (args, kw))[1], with_kwargs=True)
        lin.register_forward_pre_hook(lambda mod, args: args[0] * 2)
        lin.register_forward_hook(lambda mod, args, out: log.append("post1"))
        lin.register_forward_hook(lambda mod, args, kw, out: out + 1, with_kwargs=True)
        lin.register_forward_hook(lambda mod, args, out: log.append("post0"), prepend=True)
        outs[lib] = lin(lib.ones(1, 2)).detach()
        h1.remove()
        h1.remove()   # idempotent
        lin(lib.ones(1, 2))
    assert logs[M] == logs[T]
    assert_same(outs[M], outs[T])


def test_forward_hook_always_call_and_pre_hook_errors():
    for lib in (M, T):
        class Boom(lib.nn.Module):
            def forward(self, x):
                raise ValueError("boom")
        log = []
        b = Boom()
        b.register_forward_hook(lambda m, a, o: log.append(("always", o)), always_call=True)
        b.register_forward_hook(lambda m, a, o: log.append("never"))
        with pytest.raises(ValueError, match="boom"):
            b(1)
        assert log == [("always", None)]
    for lib in (M, T):
        lin = lib.nn.Linear(2, 2)
        with lin.register_forward_pre_hook(lambda m, a, k: 5, with_kwargs=True):
            with pytest.raises(RuntimeError, match="forward pre-hook must return None or a "
                                                   "tuple of \\(new_args, new_kwargs\\)"):
                lin(lib.ones(2))
        lin(lib.ones(2))    # the context manager removed it


def test_backward_hooks_are_stored():
    for lib in (M, T):
        lin = lib.nn.Linear(2, 2)
        h = lin.register_full_backward_hook(lambda m, gi, go: None)
        hp = lin.register_full_backward_pre_hook(lambda m, go: None)
        assert len(lin._backward_hooks) == 1 and len(lin._backward_pre_hooks) == 1
        with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks"):
            lin.register_backward_hook(lambda m, gi, go: None)
        h.remove()
        hp.remove()
        assert not lin._backward_hooks and not lin._backward_pre_hooks


def test_repr_like_torch():
    m, t = paired()
    assert repr(m) == repr(t)
    assert repr(M.nn.Module()) == repr(T.nn.Module())
    assert repr(M.nn.Linear(2, 3, bias=False)) == repr(T.nn.Linear(2, 3, bias=False))

    def with_extra(lib):
        class E(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = lib.nn.ReLU(inplace=True)

            def extra_repr(self):
                return "a=1\nb=2"
        return repr(E())
    assert with_extra(M) == with_extra(T)


def test_dir():
    m, t = paired()
    dm, dt = dir(m), dir(t)
    for name in ("block", "seq", "alias", "head", "forward", "state_dict", "training"):
        assert name in dm and name in dt
    assert "running" in dir(m.block) and "fc" in dir(m.block)
    assert dm == sorted(dm)


def test_deepcopy_and_pickle():
    m, t = paired()
    x = T.randn(3, 4)
    c = copy.deepcopy(m)
    assert type(c).__name__ == "Net"
    assert c.alias is c.seq[0]                       # sharing kept
    assert c.block.fc.weight is not m.block.fc.weight
    assert isinstance(c.block.fc.weight, M.nn.Parameter)
    assert "tmp" in c.block._non_persistent_buffers_set
    assert_same(c(to_mt(x)).detach(), t(x).detach(), atol=1e-5)
    assert repr(c) == repr(t)
    # pickling needs importable classes: a tree of library modules
    lin = M.nn.Linear(4, 4)
    seq = M.nn.Sequential(lin, M.nn.ReLU(), lin)
    seq.register_buffer("nb", M.ones(2), persistent=False)
    seq.register_forward_hook(print)
    p = pickle.loads(pickle.dumps(seq))
    assert p[0] is p[2] and isinstance(p[0].weight, M.nn.Parameter)
    assert "nb" in p._non_persistent_buffers_set and len(p._forward_hooks) == 1
    assert_same(p(to_mt(x)).detach(), to_torch(seq(to_mt(x)).detach()))
    assert repr(p) == repr(seq)


def test_share_memory_and_call_super_init():
    lin = M.nn.Linear(2, 2)
    w = lin.weight
    assert lin.share_memory() is lin and lin.weight is w and w.is_shared()

    class Mixin:
        def __init__(self, *args, **kwargs):
            self.mixed = kwargs.get("k")

    class Both(M.nn.Module, Mixin):
        call_super_init = True
    assert Both(k=1).mixed == 1


def test_to_torch_roundtrip_outputs():
    t = T.nn.Sequential(T.nn.Flatten(), T.nn.Linear(6, 4), T.nn.ReLU(), T.nn.Linear(4, 3))
    m = M.nn.Sequential(M.nn.Flatten(), M.nn.Linear(6, 4), M.nn.ReLU(), M.nn.Linear(4, 3))
    m.load_state_dict({k: to_mt(v) for k, v in t.state_dict().items()})
    sd_back = {k: to_torch(v) for k, v in m.state_dict().items()}
    t2 = copy.deepcopy(t)
    assert t2.load_state_dict(sd_back) == t.load_state_dict(t.state_dict())
    x = T.randn(5, 2, 3)
    assert_same(m(to_mt(x)).detach(), t(x).detach(), atol=1e-5)
