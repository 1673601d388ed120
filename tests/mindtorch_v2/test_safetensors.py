"""mindtorch_v2.safetensors against the reference ``safetensors`` package and the spec."""
from __future__ import annotations

import json
import struct

import numpy as np
import pytest
import torch as T

import mindtorch_v2 as M
from mindtorch_v2 import safetensors as MS
from helpers import M2T

st_torch = pytest.importorskip("safetensors.torch")

_DTYPES = [M.bool, M.uint8, M.int8, M.int16, M.int32, M.int64, M.uint16, M.uint32, M.uint64,
           M.float16, M.bfloat16, M.float32, M.float64, M.complex64, M.float8_e4m3fn,
           M.float8_e5m2]
RNG = np.random.default_rng(1)


def _pair(dtype, shape):
    """The same bytes as a mindtorch and a torch tensor."""
    n = int(np.prod(shape)) * dtype.itemsize
    raw = RNG.integers(0, 2 if dtype is M.bool else 256, size=n, dtype=np.uint8)
    m = M.from_numpy(raw.copy()).view(dtype).reshape(shape) if n else \
        M.empty(shape, dtype=dtype)
    t = T.frombuffer(bytearray(raw.tobytes()), dtype=T.uint8).view(M2T[dtype]).reshape(shape) \
        if n else T.empty(shape, dtype=M2T[dtype])
    return m, t


def _bytes_m(m):
    return np.ascontiguousarray(m.numpy()).tobytes()


def _bytes_t(t):
    return bytes(t.contiguous().view(-1).view(T.uint8).tolist()) if t.numel() else b""


def _state():
    m, t = {}, {}
    for i, dt in enumerate(_DTYPES):
        m[f"w{i}.{dt.name}"], t[f"w{i}.{dt.name}"] = _pair(dt, (2, 3))
    m["scalar"], t["scalar"] = _pair(M.float32, ())
    m["empty"], t["empty"] = _pair(M.float32, (0, 4))
    return m, t


def _same(m, t):
    assert set(m) == set(t)
    for k in t:
        assert M2T[m[k].dtype] == t[k].dtype and tuple(m[k].shape) == tuple(t[k].shape), k
        assert _bytes_m(m[k]) == _bytes_t(t[k]), k


def test_bytes_identical_to_reference_writer():
    m, t = _state()
    assert MS.save(m) == st_torch.save(t)
    assert MS.save(m, metadata={"format": "pt"}) == st_torch.save(t, metadata={"format": "pt"})
    # several metadata keys: the reference writes them in hash order; compare parsed headers
    meta = {"format": "pt", "note": "x", "a": "1"}
    mine, ref = MS.save(m, metadata=meta), st_torch.save(t, metadata=meta)
    n = struct.unpack("<Q", ref[:8])[0]
    assert len(mine) == len(ref) and mine[8 + n:] == ref[8 + n:]
    assert json.loads(mine[8:8 + n]) == json.loads(ref[8:8 + n])


def test_both_directions_bytes_and_files(tmp_path):
    m, t = _state()
    _same(MS.load(st_torch.save(t)), t)
    _same(m, st_torch.load(MS.save(m)))
    MS.save_file(m, tmp_path / "m.safetensors", metadata={"a": "b"})
    st_torch.save_file(t, tmp_path / "t.safetensors")
    _same(MS.load_file(tmp_path / "t.safetensors"), t)
    _same(m, st_torch.load_file(tmp_path / "m.safetensors"))
    with MS.safe_open(tmp_path / "m.safetensors", framework="pt") as f:
        assert f.metadata() == {"a": "b"} and f.keys() == sorted(t)
        assert _bytes_m(f.get_tensor("scalar")) == _bytes_t(t["scalar"])


def test_non_contiguous_and_views_are_written_as_values():
    base = M.arange(12.).reshape(3, 4)
    m = {"t": base.t(), "col": base[:, 1]}
    got = st_torch.load(MS.save(m))
    ref = T.arange(12.).reshape(3, 4)
    assert T.equal(got["t"], ref.t()) and T.equal(got["col"], ref[:, 1])
    back = MS.load(MS.save(m))
    assert back["t"].is_contiguous() and back["t"].tolist() == base.t().tolist()
    back["col"].fill_(0.0)  # loaded tensors own their memory
    assert back["t"].tolist() == base.t().tolist()


def test_torch_load_reads_safetensors_path(tmp_path):
    m, t = _state()
    MS.save_file(m, tmp_path / "w.safetensors")
    _same(M.load(tmp_path / "w.safetensors"), t)
    _same(M.load(str(tmp_path / "w.safetensors"), map_location="cpu"), t)
    with pytest.raises(RuntimeError, match="dict map_location"):
        M.load(tmp_path / "w.safetensors", map_location={"cpu": "cpu"})


def _file(header, data=b""):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


@pytest.mark.parametrize("blob", [
    b"\x01\x00",                                                     # shorter than 8 bytes
    struct.pack("<Q", 1000) + b"{}",                                  # header past the end
    struct.pack("<Q", 2) + b"[]",                                     # not an object
    struct.pack("<Q", 3) + b"{x}",                                    # not JSON
    _file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 4),
    _file({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\0" * 8),
    _file({"a": {"dtype": "XX", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8),
    _file({"a": {"dtype": "U8", "shape": [2], "data_offsets": [2, 4]}}, b"\0" * 4),
], ids=["small", "length", "start", "json", "truncated", "shape", "dtype", "gap"])
def test_malformed_files_raise_like_reference(blob):
    with pytest.raises(Exception) as ref:
        st_torch.load(blob)
    with pytest.raises(MS.SafetensorError):
        MS.load(blob)
    assert ref.value is not None


def test_invalid_inputs():
    with pytest.raises(MS.SafetensorError):
        MS.save({"a": [1, 2]})
    with pytest.raises(MS.SafetensorError):
        MS.save({"a": M.ones(2)}, metadata={"k": 1})
    with pytest.raises(MS.SafetensorError):
        MS.save({"a": M.ones(2, dtype=M.complex128)})
