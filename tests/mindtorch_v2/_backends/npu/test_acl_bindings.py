"""acl.py: declarations against acl_api.json, status checking, library discovery."""
import ctypes
import json
import os

import pytest

import mindtorch_v2._backends.ascend as ascend
import mindtorch_v2._backends.npu as npu
from mindtorch_v2._backends.npu import acl
from mindtorch_v2._backends.npu.simulator import Simulator

_PATH = acl.api_json_path()
needs_json = pytest.mark.skipif(_PATH is None, reason="acl_api.json not present")


@pytest.fixture(scope="module")
def api():
    with open(_PATH) as f:
        return json.load(f)


def _norm(c):
    return " ".join(c.replace("const ", "").split()).replace(" *", "*").replace("* *", "**")


@needs_json
def test_every_declaration_matches_the_json(api):
    funcs = api["functions"]
    libs = {"rt": "libascendcl.so", "nnopbase": "libnnopbase.so", "opapi": "libopapi.so"}
    for name, (lib, ret, params) in acl.SIGNATURES.items():
        assert name in funcs, name
        f = funcs[name]
        assert f["lib"] == libs[lib], name
        assert _norm(ret) == _norm(f["ret"]), name
        assert [_norm(p) for p in params] == [_norm(p) for p, _ in f["params"]], name
        # the ctypes actually applied follow the json's mapping
        restype, argtypes = acl.prototype(name)
        assert argtypes == [acl.ctype_of(p) for p, _ in f["params"]], name
        if f["ret"].endswith("*") and "char" not in f["ret"]:
            assert restype is ctypes.c_void_p, name


@needs_json
def test_constants_match_the_json(api):
    consts, enums = api["constants"], api["enums"]
    for code, name in acl.STATUS_NAMES.items():
        if name != "ACL_SUCCESS":
            assert consts[name]["value"] == code, name
    assert enums["aclDataType"]["values"].items() >= acl.ACL_DTYPES.items()
    for n in ("ACL_EVENT_TIME_LINE", "ACL_EVENT_SYNC"):
        assert consts[n]["value"] == getattr(acl, n)
    assert enums["aclrtMemAttr"]["values"]["ACL_HBM_MEM"] == acl.ACL_HBM_MEM
    kinds = enums["aclrtMemcpyKind"]["values"]
    assert kinds["ACL_MEMCPY_DEVICE_TO_HOST"] == acl.ACL_MEMCPY_DEVICE_TO_HOST
    assert kinds["ACL_MEMCPY_DEFAULT"] == acl.ACL_MEMCPY_DEFAULT
    assert acl.status_name(107019) == "ACL_ERROR_RT_WAIT_TIMEOUT"   # found through the json


def test_ctype_mapping():
    P = ctypes.POINTER
    assert acl.ctype_of("aclOpExecutor**") is P(ctypes.c_void_p)
    assert acl.ctype_of("aclrtStream*") is P(ctypes.c_void_p)
    assert acl.ctype_of("const aclTensor* const*") is P(ctypes.c_void_p)
    assert acl.ctype_of("const aclTensor*") is ctypes.c_void_p
    assert acl.ctype_of("const int64_t*") is P(ctypes.c_int64)
    assert acl.ctype_of("aclDataType") is ctypes.c_int
    assert acl.ctype_of("int8_t") is ctypes.c_int8
    assert acl.restype_of("const char*") is ctypes.c_char_p
    assert acl.restype_of("aclTensor*") is ctypes.c_void_p
    with pytest.raises(KeyError):
        acl.ctype_of("struct mystery")


def test_check_raises_with_name_status_and_message():
    sim = Simulator(devices=1, memory=1 << 20)
    lib = acl.Acl(sim.rt, sim.nnopbase, [sim.opapi], simulator=sim)
    lib.call("aclrtSetDevice", 0)
    p = ctypes.c_void_p()
    with pytest.raises(RuntimeError) as e:
        lib.call("aclrtMalloc", ctypes.byref(p), 2 << 20, 0)
    msg = str(e.value)
    assert "aclrtMalloc" in msg and "207001" in msg and "ACL_ERROR_RT_MEMORY_ALLOCATION" in msg
    assert "out of memory" in msg
    acl.check(0, "anything")
    with pytest.raises(RuntimeError, match=r"aclnnFoo failed with status 161002 "
                                           r"\(ACLNN_ERR_PARAM_INVALID\)"):
        acl.check(161002, "aclnnFoo", lib)
    assert "UNKNOWN_STATUS" in acl.status_name(-12345)
    sim.shutdown()


def _touch(root, rel):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"")
    return str(p)


def test_discovery_toolkit_layout_aarch64(tmp_path):
    root = tmp_path / "ascend-toolkit" / "latest"
    rt = _touch(root, "aarch64-linux/lib64/libascendcl.so")
    nn = _touch(root, "aarch64-linux/lib64/libnnopbase.so")
    op = _touch(root, "opp/built-in/op_impl/ai_core/tbe/op_api/lib/linux/aarch64/libopapi.so")
    legacy = _touch(root, "opp/lib64/libaclnn_math.so")
    _touch(root, "opp/built-in/op_impl/ai_core/tbe/op_api/lib/linux/x86_64/libopapi_nn.so")
    found = acl.find_libraries({"ASCEND_TOOLKIT_HOME": str(root)}, machine="aarch64")
    assert found["rt"] == rt and found["nnopbase"] == nn
    assert found["opapi"] == [op, legacy]    # aggregate first, other-arch libs ignored


def test_discovery_cann9_layout_and_precedence(tmp_path):
    home = tmp_path / "cann"
    rt = _touch(home, "lib64/libascendcl.so")
    _touch(home, "lib64/libnnopbase.so")
    split = [_touch(home, f"lib64/{n}") for n in ("libopapi_math.so", "libopapi_nn.so")]
    other = tmp_path / "toolkit"
    _touch(other, "lib64/libascendcl.so")
    env = {"ASCEND_HOME_PATH": str(home), "ASCEND_TOOLKIT_HOME": str(other)}
    found = acl.find_libraries(env, machine="x86_64")
    assert found["rt"] == rt and found["opapi"] == split       # ASCEND_HOME_PATH wins
    dirs = acl.search_dirs(env, machine="x86_64")
    assert dirs.index(str(home / "lib64")) < dirs.index(str(other / "lib64"))
    assert "/usr/local/Ascend/ascend-toolkit/latest/x86_64-linux/lib64" in dirs
    assert "/usr/local/Ascend/cann/lib64" in dirs


def test_discovery_ld_library_path(tmp_path):
    d = tmp_path / "libs"
    for n in ("libascendcl.so", "libnnopbase.so", "libaclnn_ops_infer.so"):
        _touch(d, n)
    found = acl.find_libraries({"LD_LIBRARY_PATH": f"/nonexistent:{d}"}, machine="x86_64")
    assert found["rt"] == str(d / "libascendcl.so")
    assert found["opapi"] == [str(d / "libaclnn_ops_infer.so")]
    assert acl.find_libraries({}, machine="x86_64")["rt"] is None or \
        os.path.exists("/usr/local/Ascend")


def test_selection_and_shim(monkeypatch):
    assert ascend.is_available is npu.is_available
    assert ascend.use_simulator is npu.use_simulator
    monkeypatch.delenv("MINDTORCH_NPU", raising=False)
    monkeypatch.setenv("ASCEND_HOME_PATH", "/nonexistent")
    monkeypatch.setenv("ASCEND_TOOLKIT_HOME", "/nonexistent")
    monkeypatch.setenv("LD_LIBRARY_PATH", "")
    monkeypatch.setattr(acl, "DEFAULT_ROOTS", ())
    saved = (acl._loaded, acl._sim_config)
    acl._loaded, acl._sim_config = None, None
    try:
        assert not npu.is_available()
        with pytest.raises(RuntimeError, match="MINDTORCH_NPU=sim"):
            acl.get()
        monkeypatch.setenv("MINDTORCH_NPU", "sim")
        assert npu.is_available()
        monkeypatch.delenv("MINDTORCH_NPU")
        npu.use_simulator(devices=3, memory=1 << 20)
        lib = acl.get()
        assert lib.simulated and lib.simulator.num_devices == 3
        n = ctypes.c_uint32()
        lib.call("aclrtGetDeviceCount", ctypes.byref(n))
        assert n.value == 3
        with pytest.raises(RuntimeError, match="before the first NPU use"):
            npu.use_simulator(devices=1)
    finally:
        acl._reset_for_tests()
        acl._loaded, acl._sim_config = saved
