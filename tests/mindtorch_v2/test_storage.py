"""UntypedStorage / TypedStorage: API against torch, shared memory across processes,
file-backed storage, meta storage."""
import multiprocessing as mp
import os
import pickle
import tempfile
import warnings

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as torch
import mindtorch_v2 as M

warnings.filterwarnings("ignore", message=".*TypedStorage is deprecated.*")


# ---------------------------------------------------------------------------------------
# seed plan 000 snippets (as written)
# ---------------------------------------------------------------------------------------

def test_typed_untyped_basic():
    t = torch.tensor([1.0, 2.0])
    st = t.storage()
    ust = t.untyped_storage()
    assert st.dtype.name == "float32"
    assert st.nbytes() == 8
    assert ust.nbytes() == st.nbytes()


def test_cpu_share_memory():
    t = torch.tensor([1.0, 2.0])
    ust = t.untyped_storage()
    ust.share_memory_()
    assert ust.is_shared() is True


def test_cpu_from_file():
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(b"\x00" * 16)
        fname = f.name
    ust = torch.UntypedStorage.from_file(fname, shared=False)
    assert ust.nbytes() == 16
    assert ust.filename() == fname
    assert ust.filename == fname  # torch's property form
    assert M.UntypedStorage(2).filename is None and T.UntypedStorage(2).filename is None
    os.unlink(fname)


def test_npu_storage_no_cpu_copy():
    if not hasattr(torch, "npu") or not torch.npu.is_available():
        return
    t = torch.tensor([1.0, 2.0], device="npu")
    st = t.storage()
    assert st.device.type == "npu"
    assert st.untyped_storage().data_ptr() != 0


def test_meta_storage_no_data_ptr():
    t = torch.tensor([1.0, 2.0], device="meta")
    with pytest.raises(RuntimeError):
        t.untyped_storage().data_ptr()


# ---------------------------------------------------------------------------------------
# API against torch
# ---------------------------------------------------------------------------------------

def _info(L, make):
    x = make(L)
    st, u = x.storage(), x.untyped_storage()
    return (type(st).__name__, type(u).__name__, str(st.dtype), st.size(), len(st),
            st.nbytes(), st.element_size(), u.size(), len(u), u.nbytes(), u.element_size(),
            st.tolist(), u.tolist(), str(st.device), str(u.device),
            st.data_ptr() == u.data_ptr(), st.is_shared(), u.is_shared(), st.type(),
            u.type())


MAKERS = [
    lambda L: L.tensor([1.0, 2.0, 3.0]),
    lambda L: L.tensor([[1, 2], [3, 4]], dtype=L.int16).t(),
    lambda L: L.arange(10.).narrow(0, 2, 3),
    lambda L: L.tensor([True, False]),
    lambda L: L.tensor([1 + 2j]),
    lambda L: L.tensor([1.5, -2.0], dtype=L.float16),
    lambda L: L.zeros(0, dtype=L.float64),
    lambda L: L.tensor(3, dtype=L.uint8),
    lambda L: L.arange(6).reshape(2, 3) + 1,
]


@pytest.mark.parametrize("make", MAKERS)
def test_storage_info_matches_torch(make):
    assert _info(M, make) == _info(T, make)


@pytest.mark.parametrize("make", MAKERS)
def test_storage_data_ptr_and_views(make):
    for L in (M, T):
        x = make(L)
        u = x.untyped_storage()
        if x.numel():
            assert x.data_ptr() == u.data_ptr() + x.storage_offset() * x.element_size()
    # the storage of a view is the base's storage
    base = M.arange(12.).reshape(3, 4)
    for v in (base.t(), base.narrow(1, 1, 2), base.reshape(12)):
        assert v.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
        assert v.untyped_storage().nbytes() == 48


def test_storage_item_access_and_writes():
    for L in (M, T):
        x = L.tensor([1.0, 2.0, 3.0])
        st = x.storage()
        assert st[1] == 2.0
        st[1] = 7.0
        assert x.tolist() == [1.0, 7.0, 3.0]
        u = x.untyped_storage()
        assert u[0] == 0 and u[3] == 63
        u[0] = 1
        assert x.untyped_storage().tolist()[0] == 1
        assert list(L.tensor([1, 2], dtype=L.uint8).untyped_storage()) == [1, 2]


def test_storage_constructors():
    for L in (M, T):
        assert L.UntypedStorage(5).nbytes() == 5
        assert L.UntypedStorage().nbytes() == 0
        assert L.UntypedStorage([1, 2, 255]).tolist() == [1, 2, 255]
        assert str(L.UntypedStorage(3).device) == "cpu"
        ts = L.TypedStorage([1, 2, 3], dtype=L.int32)
        assert (ts.tolist(), ts.size(), ts.nbytes(), str(ts.dtype)) == \
            ([1, 2, 3], 3, 12, "torch.int32")
        ts = L.TypedStorage(4)
        assert (ts.size(), str(ts.dtype)) == (4, "torch.float32")
        ts = L.TypedStorage(2, dtype=L.float64)
        assert ts.nbytes() == 16
        w = L.TypedStorage(wrap_storage=L.UntypedStorage([0, 0, 128, 63]), dtype=L.float32)
        assert w.tolist() == [1.0]
        assert L.UntypedStorage(4, device="meta").nbytes() == 4
        assert L.UntypedStorage(4, device="meta").device.type == "meta"
        assert L.is_storage(w) and L.is_storage(w.untyped()) and not L.is_storage([1])


def test_storage_fill_copy_clone_resize():
    for L in (M, T):
        s = L.UntypedStorage(4)
        s.fill_(3)
        assert s.tolist() == [3] * 4
        c = L.UntypedStorage(4)
        c.copy_(s)
        assert c.tolist() == [3] * 4
        with pytest.raises(RuntimeError):
            L.UntypedStorage(3).copy_(L.UntypedStorage(4))
        cl = s.clone()
        cl.fill_(1)
        assert s.tolist() == [3] * 4 and cl.tolist() == [1] * 4
        assert cl.data_ptr() != s.data_ptr()
        s.resize_(6)
        assert s.nbytes() == 6 and s.tolist()[:4] == [3] * 4
        s.resize_(2)
        assert s.tolist() == [3, 3]
        ts = L.tensor([1.0, 2.0]).storage()
        ts.fill_(5)
        assert ts.tolist() == [5.0, 5.0]
        t2 = L.TypedStorage([0.0, 0.0])
        t2.copy_(ts)
        assert t2.tolist() == [5.0, 5.0]


def test_resize_storage_updates_tensor_view():
    x = M.arange(4.)
    u = x.untyped_storage()
    u.resize_(32)
    x.fill_(1.0)
    assert u.nbytes() == 32 and x.tolist() == [1.0] * 4
    assert M.Tensor._from_storage(u, (8,), (1,), 0, M.float32).tolist()[:4] == [1.0] * 4


def test_storage_repr_matches_torch():
    for make in (lambda L: L.tensor([1, 2]).storage(),
                 lambda L: L.UntypedStorage([1, 2]),
                 lambda L: L.tensor([1.5, 2.0]).storage()):
        assert repr(make(M)) == repr(make(T))


def test_meta_storage():
    for L in (M, T):
        m = L.empty(2, 3, device="meta")
        u = m.untyped_storage()
        assert u.nbytes() == 24 and u.device.type == "meta"
        assert m.storage().size() == 6
        assert m.data_ptr() == 0
    with pytest.raises(RuntimeError):
        M.empty(2, device="meta").untyped_storage().data_ptr()
    with pytest.raises(NotImplementedError):
        M.empty(2, device="meta").untyped_storage().tolist()


def test_storage_pickle_and_deepcopy():
    import copy
    u = M.tensor([1.0, 2.0]).untyped_storage()
    u2 = pickle.loads(pickle.dumps(u))
    assert u2.tolist() == u.tolist() and u2.data_ptr() != u.data_ptr()
    st = M.tensor([1, 2, 3], dtype=M.int16).storage()
    st2 = pickle.loads(pickle.dumps(st))
    assert st2.tolist() == [1, 2, 3] and st2.dtype is M.int16
    d = copy.deepcopy(u)
    assert d.tolist() == u.tolist() and d.data_ptr() != u.data_ptr()


@pytest.mark.parametrize("cast,dtype", [("float", "float32"), ("double", "float64"),
                                        ("long", "int64"), ("int", "int32"),
                                        ("bool", "bool"), ("half", "float16")])
def test_typed_storage_casts(cast, dtype):
    m = getattr(M.tensor([1.0, 0.0, 2.5]).storage(), cast)()
    t = getattr(T.tensor([1.0, 0.0, 2.5]).storage(), cast)()
    assert m.tolist() == t.tolist()
    assert str(m.dtype) == str(t.dtype) == "torch." + dtype


# ---------------------------------------------------------------------------------------
# shared memory
# ---------------------------------------------------------------------------------------

def test_share_memory_keeps_tensor_values_and_views():
    x = M.arange(6.).reshape(2, 3)
    v = x.t()
    n = x.numpy()  # cached NumPy views must follow the new buffer
    x.share_memory_()
    assert x.is_shared() and v.is_shared()
    assert x.untyped_storage().is_shared()
    v.fill_(4.0)
    assert x.tolist() == [[4.0] * 3] * 2
    assert x.storage().is_shared()
    assert x.share_memory_() is x
    # the NumPy array obtained before the move is a copy of the old buffer in torch too;
    # after the move numpy() reflects shared memory
    x.numpy()[0, 0] = -1
    assert x.tolist()[0][0] == -1
    del n


def test_pickle_shared_storage_attaches_by_name():
    x = M.zeros(100000)
    x.share_memory_()
    data = pickle.dumps(x)
    assert len(data) < 2000  # the name is sent, not the 400 kB of data
    y = pickle.loads(data)
    y.fill_(3.0)  # a different mapping of the same shared pages
    assert x.tolist()[:3] == [3.0] * 3
    assert y.is_shared()


_CHILD = """
import mindtorch_v2 as torch
ok = storage_tensor.tolist() == expected and storage_tensor.is_shared()
storage_tensor.mul_(10)
raw = raw_storage
raw[0] = 99
q.put(ok)
"""


def _run_child(method):
    ctx = mp.get_context(method)
    x = M.arange(4.)
    x.share_memory_()
    u = M.UntypedStorage(8)
    u.fill_(0)
    u.share_memory_()
    q = ctx.Queue()
    p = ctx.Process(target=exec, args=(_CHILD, {"storage_tensor": x, "expected": x.tolist(),
                                                "raw_storage": u, "q": q}))
    p.start()
    ok = q.get(timeout=120)
    p.join(120)
    assert p.exitcode == 0
    assert ok is True
    assert x.tolist() == [0.0, 10.0, 20.0, 30.0]
    assert u.tolist()[0] == 99


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_child_process_sees_shared_writes(method):
    if method not in mp.get_all_start_methods():
        pytest.skip(f"{method} unavailable")
    _run_child(method)


_QCHILD = """
t = q_in.get(timeout=120)
q_out.put((t.tolist(), t.is_shared()))
t.add_(1)
q_out.put("done")
"""


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_tensor_through_queue(method):
    if method not in mp.get_all_start_methods():
        pytest.skip(f"{method} unavailable")
    ctx = mp.get_context(method)
    q_in, q_out = ctx.Queue(), ctx.Queue()
    p = ctx.Process(target=exec, args=(_QCHILD, {"q_in": q_in, "q_out": q_out}))
    p.start()
    x = M.tensor([[1.0, 2.0], [3.0, 4.0]]).share_memory_()
    q_in.put(x.t())  # a view: travels as (storage name, size, stride, offset)
    vals, shared = q_out.get(timeout=120)
    assert vals == [[1.0, 3.0], [2.0, 4.0]] and shared
    assert q_out.get(timeout=120) == "done"
    p.join(120)
    assert p.exitcode == 0
    assert x.tolist() == [[2.0, 3.0], [4.0, 5.0]]


# ---------------------------------------------------------------------------------------
# file-backed storage
# ---------------------------------------------------------------------------------------

def test_from_file_shared_writes_reach_file(tmp_path):
    fname = str(tmp_path / "st.bin")
    with open(fname, "wb") as f:
        f.write(np.arange(4, dtype=np.float32).tobytes())
    u = M.UntypedStorage.from_file(fname, True, 16)
    assert u.nbytes() == 16 and u.is_shared()
    t = M.Tensor._from_storage(u, (4,), (1,), 0, M.float32)
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0]
    t.fill_(2.5)
    u._data.flush()
    with open(fname, "rb") as f:
        assert np.frombuffer(f.read(), dtype=np.float32).tolist() == [2.5] * 4
    with pytest.raises(RuntimeError):
        u.resize_(32)
    # torch agrees on the file contents for the same call
    ut = T.UntypedStorage.from_file(fname, True, 16)
    assert ut.tolist() == u.tolist()


def test_from_file_not_shared_is_private(tmp_path):
    fname = str(tmp_path / "p.bin")
    with open(fname, "wb") as f:
        f.write(b"\x01" * 8)
    u = M.UntypedStorage.from_file(fname, False, 8)
    assert not u.is_shared()
    u.fill_(7)
    assert u.tolist() == [7] * 8
    with open(fname, "rb") as f:
        assert f.read() == b"\x01" * 8
    with pytest.raises(RuntimeError):
        M.UntypedStorage.from_file(fname, False, 64)


def test_from_file_shared_grows_file(tmp_path):
    fname = str(tmp_path / "g.bin")
    u = M.UntypedStorage.from_file(fname, True, 24)
    assert u.nbytes() == 24 and os.path.getsize(fname) == 24
    ts = M.TypedStorage.from_file(fname, True, 6, dtype=M.float32)
    assert ts.size() == 6 and ts.dtype is M.float32
    tt = T.FloatStorage.from_file(fname, True, 6)
    assert tt.size() == ts.size()


def test_from_file_pickle_reopens_file(tmp_path):
    fname = str(tmp_path / "r.bin")
    u = M.UntypedStorage.from_file(fname, True, 8)
    u.fill_(0)
    u2 = pickle.loads(pickle.dumps(u))
    u2[1] = 5
    assert u.tolist()[1] == 5
