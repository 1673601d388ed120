"""torch.save / torch.load: checkpoints exchanged with real PyTorch in both directions."""
from __future__ import annotations

import collections
import datetime
import io
import os
import pickle
import sys
import zipfile

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from mindtorch_v2._storage import UntypedStorage
from mindtorch_v2._tensor import Tensor
from helpers import DTYPE_PAIRS, M2T, raises_like

RNG = np.random.default_rng(0)


# ---------------------------------------------------------------------------------------
# helpers: exact comparison of tensors across the libraries (bytes, not values)
# ---------------------------------------------------------------------------------------

def t_bytes(t):
    return bytes(t.untyped_storage().tolist()) if t.device.type != "meta" else None


def m_bytes(m):
    return m.untyped_storage()._data.tobytes() if m.device.type != "meta" else None


def same_tensor(m, t):
    """Same class role, dtype, shape, stride, offset, storage bytes and requires_grad."""
    assert isinstance(m, M.Tensor), type(m)
    assert M2T[m.dtype] == t.dtype
    assert tuple(m.shape) == tuple(t.shape)
    assert tuple(m.stride()) == tuple(t.stride())
    assert m.storage_offset() == t.storage_offset()
    assert m.requires_grad == t.requires_grad
    assert m.device.type == t.device.type
    assert m_bytes(m) == t_bytes(t)
    assert isinstance(m, M.nn.Parameter) == isinstance(t, T.nn.Parameter)


def same_tree(m, t):
    """Walk a loaded structure (mindtorch) against the torch one."""
    if isinstance(t, T.Tensor):
        same_tensor(m, t)
    elif isinstance(t, dict):
        assert type(m) is type(t) and list(m) == list(t)
        assert getattr(m, "_metadata", None) == getattr(t, "_metadata", None)
        for k in t:
            same_tree(m[k], t[k])
    elif isinstance(t, (T.device, T.Size)):
        assert type(m).__name__ == type(t).__name__ and str(m) == str(t)
    elif isinstance(t, (list, tuple)):
        assert type(m) is type(t) and len(m) == len(t)
        for a, b in zip(m, t):
            same_tree(a, b)
    elif isinstance(t, T.dtype):
        assert M2T[m] == t
    else:
        assert type(m) is type(t) and m == t


def m_from_bytes(raw, dtype, shape, stride=None, offset=0):
    """A mindtorch tensor over exactly these bytes (no value conversion)."""
    st = UntypedStorage._wrap_cpu(np.frombuffer(bytearray(raw), dtype=np.uint8))
    if stride is None:
        stride = M._tensor.contiguous_strides(tuple(shape))
    return Tensor._from_storage(st, shape, stride, offset, dtype)


def t_save(obj, **kw):
    b = io.BytesIO()
    T.save(obj, b, **kw)
    b.seek(0)
    return b


def m_save(obj, **kw):
    b = io.BytesIO()
    M.save(obj, b, **kw)
    b.seek(0)
    return b


def both_directions(t_obj, m_obj, **load_kw):
    """torch file -> mindtorch and mindtorch file -> torch give the same structures."""
    same_tree(M.load(t_save(t_obj), **load_kw), t_obj)
    same_tree(M.load(m_save(m_obj), **load_kw), t_obj)
    same_tree(m_obj, T.load(m_save(m_obj), **load_kw))


# ---------------------------------------------------------------------------------------
# tensors
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("mdt,tdt", DTYPE_PAIRS, ids=[m.name for m, _ in DTYPE_PAIRS])
def test_every_dtype_both_directions(mdt, tdt):
    n = 6 * mdt.itemsize
    raw = RNG.integers(0, 2 if mdt is M.bool else 256, size=n, dtype=np.uint8).tobytes()
    t = T.frombuffer(bytearray(raw), dtype=T.uint8).view(tdt).reshape(2, 3)
    m = m_from_bytes(raw, mdt, (2, 3))
    both_directions(t, m)
    both_directions(t, m, weights_only=False)
    # strided view of every dtype keeps its stride and offset
    both_directions({"v": t[:, 1:]}, {"v": m[:, 1:]})


def test_views_share_storage_both_directions():
    t = T.arange(12.).reshape(3, 4)
    m = M.arange(12.).reshape(3, 4)
    views = lambda x: {"base": x, "row": x[1], "col": x[:, 2], "tr": x.t(),  # noqa: E731
                       "step": x.reshape(-1)[1::3], "same": x}
    tv, mv = views(t), views(m)
    both_directions(tv, mv)
    for src in (t_save(tv), m_save(mv)):
        got = M.load(src)
        st = got["base"].untyped_storage()
        assert all(v.untyped_storage() is st for v in got.values())
        assert got["same"] is got["base"]
        got["col"].fill_(-1.0)  # shared storage: writes are visible through every view
        assert got["base"][0, 2].item() == -1.0 and got["tr"][2, 1].item() == -1.0
    back = T.load(m_save(mv))
    ptr = back["base"].untyped_storage().data_ptr()
    assert all(v.untyped_storage().data_ptr() == ptr for v in back.values())
    assert back["same"] is back["base"]


def test_whole_storage_is_saved_for_a_view():
    t = T.arange(10.)[3:5]
    m = M.arange(10.)[3:5]
    both_directions(t, m)
    assert M.load(t_save(t)).untyped_storage().nbytes() == 40
    assert T.load(m_save(m)).untyped_storage().nbytes() == 40


def test_zero_dim_and_empty_tensors():
    t = [T.tensor(3.5), T.tensor(7, dtype=T.int64), T.zeros(0), T.zeros(0, 3),
         T.ones(2, 0, dtype=T.bool), T.tensor(True)]
    m = [M.tensor(3.5), M.tensor(7, dtype=M.int64), M.zeros(0), M.zeros(0, 3),
         M.ones(2, 0, dtype=M.bool), M.tensor(True)]
    both_directions(t, m)


def test_meta_tensors_both_directions():
    t = {"a": T.empty(2, 3, device="meta"), "b": T.empty(4, device="meta",
                                                         dtype=T.float16).as_strided((2,), (2,))}
    m = {"a": M.empty(2, 3, device="meta"), "b": M.empty(4, device="meta",
                                                         dtype=M.float16).as_strided((2,), (2,))}
    both_directions(t, m)


def test_requires_grad_parameter_and_attributes():
    tp, mp = T.nn.Parameter(T.ones(2, 2)), M.nn.Parameter(M.ones(2, 2))
    tf, mf = T.nn.Parameter(T.ones(3), requires_grad=False), \
        M.nn.Parameter(M.ones(3), requires_grad=False)
    tg, mg = T.ones(2).requires_grad_(), M.ones(2).requires_grad_()
    ta, ma = T.arange(3.), M.arange(3.)
    ta.note, ma.note = "hello", "hello"
    t_obj, m_obj = [tp, tf, tg, ta, tp], [mp, mf, mg, ma, mp]
    both_directions(t_obj, m_obj)
    got = M.load(t_save(t_obj))
    assert got[0] is got[4] and got[3].note == "hello"
    back = T.load(m_save(m_obj))
    assert back[0] is back[4] and back[3].note == "hello"
    # a parameter with attributes (torch: _rebuild_parameter_with_state)
    tp.tag, mp.tag = 5, 5
    assert M.load(t_save(tp)).tag == 5 and T.load(m_save(mp)).tag == 5


def test_saving_same_storage_as_two_dtypes_raises_like_torch():
    m, t = M.arange(4.), T.arange(4.)
    raises_like(lambda: M.save([m, m.view(M.int32)], io.BytesIO()),
                lambda: T.save([t, t.view(T.int32)], io.BytesIO()))


# ---------------------------------------------------------------------------------------
# containers and plain values
# ---------------------------------------------------------------------------------------

def test_nested_containers_and_values():
    def build(lib):
        od = collections.OrderedDict([("w", lib.ones(2)), ("b", lib.zeros(1))])
        od._metadata = collections.OrderedDict([("", {"version": 1})])
        return {"s": "text", "i": 3, "f": 2.5, "c": 1 + 2j, "n": None, "t": True,
                "by": b"\x00raw", "set": {1, 2}, "nest": [1, (2, [3, {"k": lib.arange(3)}])],
                "od": od, "tup": (lib.tensor(1.0),), "dt": lib.bfloat16,
                "dev": lib.device("cpu"), "size": lib.Size([2, 3]), "big": 2 ** 70}
    both_directions(build(T), build(M))
    got = M.load(t_save(build(T)))
    assert isinstance(got["od"], collections.OrderedDict)
    assert got["od"]._metadata == {"": {"version": 1}}
    assert got["dt"] is M.bfloat16 and got["dev"] == M.device("cpu")
    assert isinstance(got["size"], M.Size)
    assert T.load(m_save(build(M)))["size"] == T.Size([2, 3])


def test_torch_module_state_dict_loads():
    lin = T.nn.Linear(3, 2)
    sd = T.nn.Sequential(lin, T.nn.BatchNorm1d(2)).state_dict()
    got = M.load(t_save(sd))
    same_tree(got, sd)
    assert got._metadata == sd._metadata
    # and back: mindtorch writes the same structure torch reads as a state dict
    T.nn.Sequential(T.nn.Linear(3, 2), T.nn.BatchNorm1d(2)).load_state_dict(
        T.load(m_save(got)))


@pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")
def test_storages_saved_directly():
    m = M.arange(4.)
    got = T.load(m_save([m.untyped_storage()]))
    assert list(got[0]) == list(T.arange(4.).untyped_storage())
    got = T.load(m_save([m.storage()]))
    assert got[0].dtype == T.float32 and got[0].tolist() == [0.0, 1.0, 2.0, 3.0]
    raises_like(lambda: M.save([m.untyped_storage(), m.storage()], io.BytesIO()),
                lambda: (lambda x: T.save([x.untyped_storage(), x.storage()], io.BytesIO()))(
                    T.arange(4.)))
    back = M.load(t_save([T.arange(4.).untyped_storage()]))
    assert back[0].untyped()._data.tobytes() == m_bytes(m)


# ---------------------------------------------------------------------------------------
# files, paths, archive layout
# ---------------------------------------------------------------------------------------

def test_paths_pathlib_and_file_objects(tmp_path):
    m = {"x": M.arange(5.)}
    M.save(m, str(tmp_path / "a.pt"))
    M.save(m, tmp_path / "b.pt")
    with open(tmp_path / "c.pt", "wb") as fh:
        M.save(m, fh)
    for name in ("a.pt", "b.pt", "c.pt"):
        ref = T.load(tmp_path / name)
        same_tree(M.load(tmp_path / name), ref)
        same_tree(M.load(str(tmp_path / name)), ref)
        with open(tmp_path / name, "rb") as fh:
            same_tree(M.load(fh), ref)


def test_archive_layout_matches_torch(tmp_path):
    t = {"a": T.arange(6.).reshape(2, 3), "b": T.ones(3, dtype=T.int8)}
    m = {"a": M.arange(6.).reshape(2, 3), "b": M.ones(3, dtype=M.int8)}
    T.save(t, tmp_path / "ref.v1.pt")
    M.save(m, tmp_path / "ref.v1.pt.mt")
    zt = zipfile.ZipFile(tmp_path / "ref.v1.pt")
    zm = zipfile.ZipFile(tmp_path / "ref.v1.pt.mt")
    assert zm.namelist()[0].split("/")[0] == "ref.v1.pt"      # basename without extension
    assert zt.namelist()[0].split("/")[0] == "ref.v1"
    rel = lambda z: [n.split("/", 1)[1] for n in z.namelist()]  # noqa: E731
    assert rel(zm) == rel(zt)
    for n in ("byteorder", "version", ".format_version", ".storage_alignment"):
        assert zm.read(f"ref.v1.pt/{n}") == zt.read(f"ref.v1/{n}")
    assert zipfile.ZipFile(m_save(m)).namelist()[0].startswith("archive/")
    # every record's payload starts on a 64-byte boundary (what mmap loading relies on)
    with open(tmp_path / "ref.v1.pt.mt", "rb") as fh:
        for info in zm.infolist():
            fh.seek(info.header_offset + 26)
            nlen, xlen = np.frombuffer(fh.read(4), dtype="<u2")
            assert (info.header_offset + 30 + nlen + xlen) % 64 == 0, info.filename


def test_big_endian_checkpoint_is_byteswapped():
    src = zipfile.ZipFile(t_save({"f": T.arange(4.), "h": T.arange(3, dtype=T.int16)}))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("byteorder"):
                data = b"big"
            elif info.filename.endswith("data/0"):
                data = np.frombuffer(data, "<f4").astype(">f4").tobytes()
            elif info.filename.endswith("data/1"):
                data = np.frombuffer(data, "<i2").astype(">i2").tobytes()
            z.writestr(info.filename, data)
    out.seek(0)
    ref = T.load(io.BytesIO(out.getvalue()))
    got = M.load(out)
    same_tree(got, ref)
    assert got["f"].tolist() == [0.0, 1.0, 2.0, 3.0]


# ---------------------------------------------------------------------------------------
# map_location
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("loc", ["cpu", "device", "dict", "callable", "callable_none"])
def test_map_location_to_cpu(loc):
    seen = []

    def fn(storage, location):
        seen.append((type(storage), location))
        return storage if loc == "callable" else None
    ml = {"cpu": "cpu", "device": M.device("cpu"), "dict": {"cpu": "cpu"},
          "callable": fn, "callable_none": fn}[loc]
    a = T.arange(4.)
    t = {"a": a, "v": a[1:]}
    same_tree(M.load(t_save(t), map_location=ml), t)
    if loc.startswith("callable"):
        assert seen == [(UntypedStorage, "cpu")]  # one storage, asked once


@pytest.mark.parametrize("ml", ["meta", "device", "dict"])
def test_map_location_meta(ml):
    ml = {"meta": "meta", "device": M.device("meta"), "dict": {"cpu": "meta"}}[ml]
    t = {"a": T.arange(6.).reshape(2, 3).t(), "p": T.nn.Parameter(T.ones(2))}
    got = M.load(t_save(t), map_location=ml)
    ref = T.load(t_save(t), map_location=ml if isinstance(ml, (str, dict)) else "meta")
    same_tree(got, ref)
    assert got["a"].device.type == "meta" and got["a"].stride() == (1, 3)


def _tagged(monkeypatch, tag):
    """A mindtorch checkpoint whose storages are tagged ``tag`` (as if saved on it)."""
    from mindtorch_v2._serialization import pickler
    monkeypatch.setattr(pickler, "location_tag", lambda st: tag)
    data = m_save({"x": M.arange(3.)}).getvalue()
    monkeypatch.undo()
    return data


def test_cuda_tagged_checkpoint_needs_map_location(monkeypatch):
    data = _tagged(monkeypatch, "cuda:0")
    e_m, e_t = raises_like(lambda: M.load(io.BytesIO(data)),
                           lambda: T.load(io.BytesIO(data)))
    assert "CUDA" in str(e_m) and "map_location" in str(e_m)
    ref = T.load(io.BytesIO(data), map_location="cpu")
    same_tree(M.load(io.BytesIO(data), map_location="cpu"), ref)
    same_tree(M.load(io.BytesIO(data), map_location={"cuda:0": "cpu"}), ref)


def test_npu_tagged_checkpoint(monkeypatch):
    data = _tagged(monkeypatch, "npu:0")
    npu = getattr(M, "npu", None)
    if npu is not None and npu.is_available():
        got = M.load(io.BytesIO(data))
        assert got["x"].device.type == "npu" and got["x"].cpu().tolist() == [0.0, 1.0, 2.0]
    else:
        with pytest.raises(RuntimeError, match="NPU.*map_location"):
            M.load(io.BytesIO(data))
    got = M.load(io.BytesIO(data), map_location={"npu:0": "cpu"})
    assert got["x"].device.type == "cpu" and got["x"].tolist() == [0.0, 1.0, 2.0]
    # real torch sees the npu tag too: it maps it with map_location
    assert T.load(io.BytesIO(data), map_location="cpu")["x"].tolist() == [0.0, 1.0, 2.0]


@pytest.mark.skipif(not (getattr(M, "npu", None) and M.npu.is_available()),
                    reason="no NPU (real or simulated) available")
def test_npu_tensors_save_through_host():
    x = M.arange(6.).reshape(2, 3).to("npu")
    data = m_save({"x": x, "v": x[:, 1]}).getvalue()
    zt = zipfile.ZipFile(io.BytesIO(data))
    assert b"npu:0" in zt.read("archive/data.pkl")
    ref = T.load(io.BytesIO(data), map_location="cpu")
    assert ref["x"].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    got = M.load(io.BytesIO(data))
    assert got["v"].device.type == "npu"


# ---------------------------------------------------------------------------------------
# weights_only
# ---------------------------------------------------------------------------------------

class _Evil:
    def __reduce__(self):
        return (os.system, ("echo mindtorch-weights-only-breach",))


def test_weights_only_is_default_and_refuses_globals():
    payload = {"d": datetime.date(2020, 1, 2), "x": M.ones(1)}
    data = m_save(payload).getvalue()
    e_m, e_t = raises_like(lambda: M.load(io.BytesIO(data)), lambda: T.load(io.BytesIO(data)))
    assert isinstance(e_m, pickle.UnpicklingError)
    for part in ("Weights only load failed", "GLOBAL datetime.date was not an allowed global",
                 "add_safe_globals", "weights_only"):
        assert part in str(e_m) and part in str(e_t)
    assert M.load(io.BytesIO(data), weights_only=False)["d"] == datetime.date(2020, 1, 2)


def test_weights_only_blocks_code_execution(capfd):
    data = m_save([_Evil()]).getvalue()
    raises_like(lambda: M.load(io.BytesIO(data), weights_only=True),
                lambda: T.load(io.BytesIO(data), weights_only=True))
    assert "breach" not in capfd.readouterr().out
    bad = pickle.dumps(sys.exit, protocol=2)  # a global from a blocked module
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("archive/data.pkl", bad)
        zf.writestr("archive/version", "3\n")
    e_m, _ = raises_like(lambda: M.load(io.BytesIO(z.getvalue())),
                         lambda: T.load(io.BytesIO(z.getvalue())))
    assert "blocked" in str(e_m)


def test_safe_globals_allowlist():
    data = m_save({"d": datetime.date(2021, 5, 6)}).getvalue()
    try:
        M.serialization.add_safe_globals([datetime.date])
        assert datetime.date in M.serialization.get_safe_globals()
        assert M.load(io.BytesIO(data))["d"] == datetime.date(2021, 5, 6)
    finally:
        M.serialization.clear_safe_globals()
    with pytest.raises(pickle.UnpicklingError):
        M.load(io.BytesIO(data))
    with M.serialization.safe_globals([(datetime.date, "datetime.date")]):
        assert M.load(io.BytesIO(data))["d"] == datetime.date(2021, 5, 6)
    with pytest.raises(pickle.UnpicklingError):
        M.load(io.BytesIO(data), weights_only=True)


def test_weights_only_with_pickle_module_raises_like_torch():
    data = m_save([1]).getvalue()
    raises_like(lambda: M.load(io.BytesIO(data), pickle_module=pickle, weights_only=True),
                lambda: T.load(io.BytesIO(data), pickle_module=pickle, weights_only=True))
    assert M.load(io.BytesIO(data), pickle_module=pickle) == [1]


def test_mindtorch_objects_load_without_weights_only():
    lin = M.nn.Linear(2, 2) if hasattr(M.nn, "Linear") else M.Size([1, 2])
    got = M.load(m_save({"obj": lin}), weights_only=False)["obj"]
    assert type(got) is type(lin)


# ---------------------------------------------------------------------------------------
# mmap
# ---------------------------------------------------------------------------------------

def _is_mapped(t):
    a = t.untyped_storage()._data
    while a is not None:
        if isinstance(a, np.memmap) or type(a).__name__ == "mmap":
            return True
        a = getattr(a, "base", None)
    return False


def test_mmap_loading(tmp_path):
    t = {"a": T.arange(12.).reshape(3, 4), "b": T.arange(5, dtype=T.int16),
         "v": None}
    t["v"] = t["a"][1]
    m = {"a": M.arange(12.).reshape(3, 4), "b": M.arange(5, dtype=M.int16)}
    m["v"] = m["a"][1]
    T.save(t, tmp_path / "t.pt")
    M.save(m, tmp_path / "m.pt")
    for name in ("t.pt", "m.pt"):
        got = M.load(tmp_path / name, mmap=True)
        same_tree(got, t)
        assert _is_mapped(got["a"]) and got["v"].untyped_storage() is got["a"].untyped_storage()
        got["a"][0, 0] = 100.0  # copy-on-write: the file is untouched
    same_tree(M.load(tmp_path / "m.pt"), t)
    same_tree(M.load(tmp_path / "m.pt", mmap=True), T.load(tmp_path / "m.pt", mmap=True))


def test_mmap_errors_like_torch(tmp_path):
    raises_like(lambda: M.load(m_save([M.ones(1)]), mmap=True),
                lambda: T.load(t_save([T.ones(1)]), mmap=True))
    T.save([T.ones(1)], tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    raises_like(lambda: M.load(str(tmp_path / "legacy.pt"), mmap=True),
                lambda: T.load(str(tmp_path / "legacy.pt"), mmap=True))


# ---------------------------------------------------------------------------------------
# legacy format
# ---------------------------------------------------------------------------------------

def test_legacy_format_both_directions():
    t = {"a": T.arange(6.).reshape(2, 3), "h": T.ones(2, dtype=T.bfloat16),
         "p": T.nn.Parameter(T.ones(2)), "s": "x", "od": collections.OrderedDict(k=T.tensor(1))}
    t["v"] = t["a"][:, 1]
    m = {"a": M.arange(6.).reshape(2, 3), "h": M.ones(2, dtype=M.bfloat16),
         "p": M.nn.Parameter(M.ones(2)), "s": "x", "od": collections.OrderedDict(k=M.tensor(1))}
    m["v"] = m["a"][:, 1]
    legacy = {"_use_new_zipfile_serialization": False}
    for got in (M.load(t_save(t, **legacy)), M.load(t_save(t, **legacy), weights_only=False)):
        same_tree(got, t)
        assert got["v"].untyped_storage() is got["a"].untyped_storage()
    same_tree(M.load(m_save(m, **legacy)), t)
    back = T.load(m_save(m, **legacy))
    same_tree(m, back)
    assert back["v"].untyped_storage().data_ptr() == back["a"].untyped_storage().data_ptr()
    meta = M.load(t_save(t, **legacy), map_location="meta")
    assert meta["a"].device.type == "meta" and meta["v"].stride() == (3,)
    assert meta["v"].untyped_storage() is meta["a"].untyped_storage()


def test_legacy_weights_only_refuses_globals():
    data = t_save({"d": datetime.date(2020, 1, 1)},
                  _use_new_zipfile_serialization=False).getvalue()
    raises_like(lambda: M.load(io.BytesIO(data)), lambda: T.load(io.BytesIO(data)))


def test_garbage_file_raises():
    data = pickle.dumps(12345, protocol=2)
    e_m, _ = raises_like(lambda: M.load(io.BytesIO(data), weights_only=False),
                         lambda: T.load(io.BytesIO(data), weights_only=False))
    assert "magic number" in str(e_m)
    raises_like(lambda: M.load(io.BytesIO(b"garbage")), lambda: T.load(io.BytesIO(b"garbage")))
