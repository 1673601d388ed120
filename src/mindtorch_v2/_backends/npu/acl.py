"""ctypes bindings to Huawei CANN (ACL runtime, nnopbase, ACLNN op API).

Public surface (what runtime.py / allocator.py / aclnn.py use):

    lib = acl.get()            # loaded once: real CANN libraries or the simulator
    lib.rt.aclrtMalloc(...)    # libascendcl.so functions, argtypes/restype declared
    lib.nnopbase.aclCreateTensor(...)
    lib.opapi.aclnnAddGetWorkspaceSize(...)   # looked up in libopapi.so, split and legacy libs
    acl.check(status, "aclrtMalloc")          # raises RuntimeError on a non-zero status
    lib.call("aclrtMalloc", ptr, size, 0)     # call + check in one step
    lib.simulated / lib.simulator             # True and the Simulator when simulated

Every C function mindtorch calls is one row of ``SIGNATURES``, written with the C types of
the real headers (see ``../shared/cann/acl_api.json``; a test compares the rows with it).
``ctype_of`` turns a C type into its ctypes type with the json's ``ctypes_mapping``. The same
rows build the simulator's CFUNCTYPE callbacks, so real and simulated libraries are called
identically: only loading differs (Note [simulated libraries] in simulator/__init__.py).

Selection: env ``MINDTORCH_NPU=sim`` or ``use_simulator()`` -> simulator; otherwise the CANN
libraries found by ``find_libraries()``; otherwise ``get()`` raises a RuntimeError that says
how to turn on the simulator.
"""
from __future__ import annotations

import ctypes
import json
import os
import platform
import threading

# --------------------------------------------------------------------------- C types -> ctypes

_SCALARS = {
    "void": None, "aclError": ctypes.c_int32, "aclnnStatus": ctypes.c_int32,
    "int": ctypes.c_int32, "int32_t": ctypes.c_int32, "uint32_t": ctypes.c_uint32,
    "int64_t": ctypes.c_int64, "uint64_t": ctypes.c_uint64, "size_t": ctypes.c_size_t,
    "bool": ctypes.c_bool, "float": ctypes.c_float, "double": ctypes.c_double,
    "int8_t": ctypes.c_int8, "uint16_t": ctypes.c_uint16, "aclFloat16": ctypes.c_uint16,
    # typedef void* handles
    "aclrtStream": ctypes.c_void_p, "aclrtEvent": ctypes.c_void_p, "aclrtContext": ctypes.c_void_p,
}
# C enums are 4-byte ints (values can be -1).
_ENUMS = frozenset((
    "aclDataType", "aclFormat", "aclrtMemcpyKind", "aclrtMemMallocPolicy", "aclrtMemAttr",
    "aclrtStreamStatus", "aclrtEventRecordedStatus", "aclrtEventStatus", "aclrtEventWaitStatus",
))


def ctype_of(c_type):
    """The ctypes type for a C type string as written in acl_api.json."""
    t = c_type.strip()
    if t.startswith("const "):          # top-level or pointee const: same ABI
        t = t[6:].strip()
    t = t.replace(" const*", "*")
    if t == "char*":                    # C strings
        return ctypes.c_char_p
    if t.endswith("*"):
        inner = t[:-1].strip()
        if inner.endswith("*") or inner in ("aclrtStream", "aclrtEvent", "aclrtContext"):
            return ctypes.POINTER(ctypes.c_void_p)       # X** / handle* out-params
        if inner in ("void", "char") or inner.startswith("acl") and inner not in _SCALARS \
                and inner not in _ENUMS:
            return ctypes.c_void_p                       # void* and opaque objects
        return ctypes.POINTER(ctype_of(inner))           # int64_t*, size_t*, enum* ...
    if t in _SCALARS:
        return _SCALARS[t]
    if t in _ENUMS:
        return ctypes.c_int
    raise KeyError(f"no ctypes mapping for C type {c_type!r}")


def restype_of(c_type):
    """Return types: as arguments, except pointers come back as c_void_p (never truncated)."""
    t = ctype_of(c_type)
    if t is ctypes.c_char_p:
        return t
    if isinstance(t, type) and issubclass(t, ctypes._Pointer):
        return ctypes.c_void_p
    return t


# --------------------------------------------------------------------------- signature table
# name: (library key, return C type, "param C types" separated by ", ").
# library keys: rt = libascendcl.so, nnopbase = libnnopbase.so, opapi = ACLNN op libraries.

_RT = {
    "aclInit": ("aclError", "const char*"),
    "aclFinalize": ("aclError", ""),
    "aclrtSetDevice": ("aclError", "int32_t"),
    "aclrtResetDevice": ("aclError", "int32_t"),
    "aclrtGetDevice": ("aclError", "int32_t*"),
    "aclrtGetDeviceCount": ("aclError", "uint32_t*"),
    "aclrtCreateContext": ("aclError", "aclrtContext*, int32_t"),
    "aclrtDestroyContext": ("aclError", "aclrtContext"),
    "aclrtSetCurrentContext": ("aclError", "aclrtContext"),
    "aclrtGetCurrentContext": ("aclError", "aclrtContext*"),
    "aclrtCreateStream": ("aclError", "aclrtStream*"),
    "aclrtCreateStreamWithConfig": ("aclError", "aclrtStream*, uint32_t, uint32_t"),
    "aclrtDestroyStream": ("aclError", "aclrtStream"),
    "aclrtSynchronizeStream": ("aclError", "aclrtStream"),
    "aclrtStreamQuery": ("aclError", "aclrtStream, aclrtStreamStatus*"),
    "aclrtStreamWaitEvent": ("aclError", "aclrtStream, aclrtEvent"),
    "aclrtStreamGetPriority": ("aclError", "aclrtStream, uint32_t*"),
    "aclrtDeviceGetStreamPriorityRange": ("aclError", "int32_t*, int32_t*"),
    "aclrtSynchronizeDevice": ("aclError", ""),
    "aclrtCreateEvent": ("aclError", "aclrtEvent*"),
    "aclrtCreateEventWithFlag": ("aclError", "aclrtEvent*, uint32_t"),
    "aclrtCreateEventExWithFlag": ("aclError", "aclrtEvent*, uint32_t"),
    "aclrtDestroyEvent": ("aclError", "aclrtEvent"),
    "aclrtRecordEvent": ("aclError", "aclrtEvent, aclrtStream"),
    "aclrtSynchronizeEvent": ("aclError", "aclrtEvent"),
    "aclrtQueryEventStatus": ("aclError", "aclrtEvent, aclrtEventRecordedStatus*"),
    "aclrtEventElapsedTime": ("aclError", "float*, aclrtEvent, aclrtEvent"),
    "aclrtMalloc": ("aclError", "void**, size_t, aclrtMemMallocPolicy"),
    "aclrtFree": ("aclError", "void*"),
    "aclrtMallocHost": ("aclError", "void**, size_t"),
    "aclrtFreeHost": ("aclError", "void*"),
    "aclrtMemcpy": ("aclError", "void*, size_t, const void*, size_t, aclrtMemcpyKind"),
    "aclrtMemcpyAsync": ("aclError",
                         "void*, size_t, const void*, size_t, aclrtMemcpyKind, aclrtStream"),
    "aclrtMemset": ("aclError", "void*, size_t, int32_t, size_t"),
    "aclrtMemsetAsync": ("aclError", "void*, size_t, int32_t, size_t, aclrtStream"),
    "aclrtGetMemInfo": ("aclError", "aclrtMemAttr, size_t*, size_t*"),
    "aclrtDeviceCanAccessPeer": ("aclError", "int32_t*, int32_t, int32_t"),
    "aclrtDeviceEnablePeerAccess": ("aclError", "int32_t, uint32_t"),
    "aclrtDeviceDisablePeerAccess": ("aclError", "int32_t"),
    "aclrtGetSocName": ("const char*", ""),
    "aclGetRecentErrMsg": ("const char*", ""),
}
_NNOPBASE = {
    "aclCreateTensor": ("aclTensor*", "const int64_t*, uint64_t, aclDataType, const int64_t*, "
                                      "int64_t, aclFormat, const int64_t*, uint64_t, void*"),
    "aclDestroyTensor": ("aclnnStatus", "const aclTensor*"),
    "aclCreateScalar": ("aclScalar*", "void*, aclDataType"),
    "aclDestroyScalar": ("aclnnStatus", "const aclScalar*"),
    "aclCreateIntArray": ("aclIntArray*", "const int64_t*, uint64_t"),
    "aclDestroyIntArray": ("aclnnStatus", "const aclIntArray*"),
    "aclCreateTensorList": ("aclTensorList*", "const aclTensor* const*, uint64_t"),
    "aclDestroyTensorList": ("aclnnStatus", "const aclTensorList*"),
    "aclSetAclOpExecutorRepeatable": ("aclnnStatus", "aclOpExecutor*"),
    "aclDestroyAclOpExecutor": ("aclnnStatus", "aclOpExecutor*"),
    "aclnnInit": ("aclnnStatus", "const char*"),
    "aclnnFinalize": ("aclnnStatus", ""),
}
# ACLNN two-phase kernels: the GetWorkspaceSize parameters before (workspaceSize*, executor**);
# every launch function is (void* workspace, uint64_t workspaceSize, aclOpExecutor*, aclrtStream).
_T, _CT, _S, _A = "aclTensor*", "const aclTensor*", "const aclScalar*", "const aclIntArray*"
_L = "const aclTensorList*"
ACLNN_OPS = {
    "aclnnAdd": f"{_CT}, {_CT}, {_S}, {_T}",
    "aclnnAdds": f"{_CT}, {_S}, {_S}, {_T}",
    "aclnnSub": f"{_CT}, {_CT}, {_S}, {_T}",
    "aclnnSubs": f"{_CT}, {_S}, {_S}, {_T}",
    "aclnnMul": f"{_CT}, {_CT}, {_T}",
    "aclnnMuls": f"{_CT}, {_S}, {_T}",
    "aclnnDiv": f"{_CT}, {_CT}, {_T}",
    "aclnnDivs": f"{_CT}, {_S}, {_T}",
    "aclnnMaximum": f"{_CT}, {_CT}, {_T}",
    "aclnnMinimum": f"{_CT}, {_CT}, {_T}",
    "aclnnMatmul": f"{_CT}, {_CT}, {_T}, int8_t",
    "aclnnMm": f"{_CT}, {_CT}, {_T}, int8_t",
    "aclnnBatchMatMul": f"{_CT}, {_CT}, {_T}, int8_t",
    "aclnnRelu": f"{_CT}, {_CT}",
    "aclnnReduceSum": f"{_CT}, {_A}, bool, aclDataType, {_T}",
    "aclnnInplaceFillScalar": f"{_T}, {_S}",
    "aclnnInplaceZero": f"{_T}",
    "aclnnInplaceCopy": f"{_T}, {_CT}",
    "aclnnCast": f"{_CT}, const aclDataType, {_T}",
    "aclnnStridedSliceAssignV2": f"{_T}, {_CT}, {_A}, {_A}, {_A}, {_A}",
    # unary elementwise: (self, out)
    **{f"aclnn{n}": f"{_CT}, {_T}" for n in (
        "Neg", "Exp", "Abs", "Sqrt", "Rsqrt", "Log", "Sin", "Cos", "Tanh", "Sigmoid",
        "Reciprocal", "Floor", "Ceil", "Sign", "Erf", "Silu")},
    # elementwise, reductions, indexing, nn and random kernels (types as in acl_api.json)
    "aclnnAcos": f"{_CT}, {_T}",
    "aclnnAcosh": f"{_CT}, {_T}",
    "aclnnAddcdiv": f"{_CT}, {_CT}, {_CT}, {_S}, {_CT}",
    "aclnnAddcmul": f"{_CT}, {_CT}, {_CT}, {_S}, {_T}",
    "aclnnAddmm": f"{_CT}, {_CT}, {_CT}, {_S}, {_S}, {_T}, int8_t",
    "aclnnAll": f"{_CT}, {_A}, bool, {_T}",
    "aclnnAmax": f"{_CT}, {_A}, bool, {_T}",
    "aclnnAmin": f"{_CT}, {_A}, bool, {_T}",
    "aclnnAny": f"{_CT}, {_A}, bool, {_T}",
    "aclnnArgMax": f"{_CT}, int64_t, bool, {_T}",
    "aclnnArgMin": f"{_CT}, int64_t, bool, {_T}",
    "aclnnAsin": f"{_CT}, {_T}",
    "aclnnAsinh": f"{_CT}, {_T}",
    "aclnnAtan": f"{_CT}, {_T}",
    "aclnnAtan2": f"{_CT}, {_CT}, {_T}",
    "aclnnAtanh": f"{_CT}, {_T}",
    "aclnnBaddbmm": f"{_CT}, {_CT}, {_CT}, {_S}, {_S}, {_T}, int8_t",
    "aclnnBatchNorm": f"{_CT}, {_CT}, {_CT}, {_T}, {_T}, bool, double, double, {_T}, {_T}, {_T}",
    "aclnnBitwiseAndTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnBitwiseNot": f"{_CT}, {_T}",
    "aclnnBitwiseOrTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnBitwiseXorTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnCat": f"{_L}, int64_t, {_T}",
    "aclnnClamp": f"{_CT}, {_S}, {_S}, {_T}",
    "aclnnClampMax": f"{_CT}, {_S}, {_T}",
    "aclnnClampMin": f"{_CT}, {_S}, {_T}",
    "aclnnClampTensor": f"{_CT}, {_CT}, {_CT}, {_T}",
    "aclnnConvolution": (f"{_CT}, {_CT}, {_CT}, {_A}, {_A}, "
                         f"{_A}, bool, {_A}, const int64_t, {_T}, int8_t"),
    "aclnnCosh": f"{_CT}, {_T}",
    "aclnnCumsum": f"{_CT}, int64_t, aclDataType, {_T}",
    "aclnnEmbedding": f"{_CT}, {_CT}, {_CT}",
    "aclnnEqScalar": f"{_CT}, {_S}, {_T}",
    "aclnnEqTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnErfc": f"{_CT}, {_T}",
    "aclnnErfinv": f"{_CT}, {_T}",
    "aclnnExp2": f"{_CT}, {_T}",
    "aclnnExpm1": f"{_CT}, {_T}",
    "aclnnFlip": f"{_CT}, {_A}, {_T}",
    "aclnnFloorDivide": f"{_CT}, {_CT}, {_T}",
    "aclnnFmodScalar": f"{_CT}, {_S}, {_T}",
    "aclnnFmodTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnFrac": f"{_CT}, {_T}",
    "aclnnGather": f"{_CT}, const int64_t, {_CT}, {_T}",
    "aclnnGeScalar": f"{_CT}, {_S}, {_T}",
    "aclnnGeTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnGelu": f"{_CT}, {_T}",
    "aclnnGeluV2": f"{_CT}, int64_t, {_T}",
    "aclnnGtScalar": f"{_CT}, {_S}, {_T}",
    "aclnnGtTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnIndexPutImpl": f"{_T}, {_L}, {_CT}, const bool, const bool",
    "aclnnIndexSelect": f"{_CT}, int64_t, {_CT}, {_T}",
    "aclnnInplaceBernoulli": f"{_CT}, {_S}, int64_t, int64_t",
    "aclnnInplaceMaskedFillScalar": f"{_T}, {_CT}, {_S}",
    "aclnnInplaceMaskedFillTensor": f"{_T}, {_CT}, {_CT}",
    "aclnnInplaceNormal": f"{_CT}, float, float, int64_t, int64_t",
    "aclnnInplaceRandom": f"{_CT}, int64_t, int64_t, int64_t, int64_t",
    "aclnnInplaceUniform": f"{_CT}, double, double, uint64_t, uint64_t",
    "aclnnIsFinite": f"{_CT}, {_T}",
    "aclnnIsInf": f"{_CT}, {_CT}",
    "aclnnLayerNorm": f"{_CT}, {_A}, {_CT}, {_CT}, double, {_T}, {_T}, {_T}",
    "aclnnLeScalar": f"{_CT}, {_S}, {_T}",
    "aclnnLeTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnLerp": f"{_CT}, {_CT}, {_CT}, {_T}",
    "aclnnLerps": f"{_CT}, {_CT}, {_S}, {_T}",
    "aclnnLog10": f"{_CT}, {_T}",
    "aclnnLog1p": f"{_CT}, {_T}",
    "aclnnLog2": f"{_CT}, {_CT}",
    "aclnnLogSoftmax": f"{_CT}, int64_t, {_T}",
    "aclnnLogSumExp": f"{_CT}, {_A}, bool, {_T}",
    "aclnnLogicalAnd": f"{_CT}, {_CT}, {_T}",
    "aclnnLogicalNot": f"{_CT}, {_T}",
    "aclnnLogicalOr": f"{_CT}, {_CT}, {_T}",
    "aclnnLogicalXor": f"{_CT}, {_CT}, {_T}",
    "aclnnLtScalar": f"{_CT}, {_S}, {_T}",
    "aclnnLtTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnMax": f"{_CT}, {_T}",
    "aclnnMaxDim": f"{_CT}, int64_t, bool, {_T}, {_T}",
    "aclnnMaxPool2dWithIndices": f"{_CT}, {_A}, {_A}, {_A}, {_A}, bool, {_T}, {_T}",
    "aclnnMean": f"{_CT}, {_A}, bool, aclDataType, {_T}",
    "aclnnMin": f"{_CT}, {_T}",
    "aclnnMinDim": f"{_CT}, int64_t, bool, {_T}, {_T}",
    "aclnnNLLLoss": f"{_CT}, {_CT}, {_CT}, int64_t, int64_t, {_T}, {_T}",
    "aclnnNLLLoss2d": f"{_CT}, {_CT}, {_CT}, int64_t, int64_t, {_T}, {_T}",
    "aclnnNeScalar": f"{_CT}, {_S}, {_T}",
    "aclnnNeTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnPowScalarTensor": f"{_S}, {_CT}, {_CT}",
    "aclnnPowTensorScalar": f"{_CT}, {_S}, {_CT}",
    "aclnnPowTensorTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnProd": f"{_CT}, const aclDataType, {_T}",
    "aclnnProdDim": f"{_CT}, int64_t, bool, const aclDataType, {_T}",
    "aclnnRemainderTensorScalar": f"{_CT}, {_S}, {_T}",
    "aclnnRemainderTensorTensor": f"{_CT}, {_CT}, {_T}",
    "aclnnRound": f"{_CT}, {_T}",
    "aclnnSWhere": f"{_CT}, {_CT}, {_CT}, {_T}",
    "aclnnScatter": f"{_CT}, int64_t, {_CT}, {_CT}, int64_t, {_T}",
    "aclnnScatterAdd": f"{_CT}, int64_t, {_CT}, {_CT}, {_T}",
    "aclnnSignbit": f"{_CT}, {_T}",
    "aclnnSinh": f"{_CT}, {_T}",
    "aclnnSoftmax": f"{_CT}, int64_t, {_T}",
    "aclnnSquare": f"{_CT}, {_T}",
    "aclnnStack": f"{_L}, int64_t, {_T}",
    "aclnnStd": f"{_CT}, {_A}, const int64_t, bool, {_T}",
    "aclnnTan": f"{_CT}, {_T}",
    "aclnnTril": f"{_CT}, int64_t, {_T}",
    "aclnnTriu": f"{_CT}, int64_t, {_T}",
    "aclnnTrunc": f"{_CT}, {_T}",
    "aclnnVarCorrection": f"{_CT}, {_A}, int64_t, bool, {_T}",
    # sorting, selection, data-dependent shapes, shape copies, padding (simulator/select_kernels)
    "aclnnSort": f"{_CT}, bool, int64_t, bool, {_T}, {_T}",
    "aclnnTopk": f"{_CT}, int64_t, int64_t, bool, bool, {_T}, {_T}",
    "aclnnCummax": f"{_CT}, int64_t, {_T}, {_T}",
    "aclnnCummin": f"{_CT}, int64_t, {_T}, {_T}",
    "aclnnNonzero": f"{_CT}, {_T}",
    "aclnnMaskedSelect": f"{_CT}, {_CT}, {_T}",
    "aclnnIndex": f"{_CT}, {_L}, {_T}",
    "aclnnVarMean": f"{_CT}, {_A}, int64_t, bool, {_T}, {_T}",
    "aclnnStdMeanCorrection": f"{_CT}, {_A}, int64_t, bool, {_T}, {_T}",
    "aclnnRepeat": f"{_CT}, {_A}, {_T}",
    "aclnnRoll": f"{_CT}, {_A}, {_A}, {_T}",
    "aclnnRepeatInterleaveInt": f"{_CT}, int64_t, int64_t, {_T}",
    "aclnnRepeatInterleaveIntWithDim": f"{_CT}, int64_t, int64_t, int64_t, {_T}",
    "aclnnRepeatInterleave": f"{_CT}, {_CT}, int64_t, {_T}",
    "aclnnRepeatInterleaveWithDim": f"{_CT}, {_CT}, int64_t, int64_t, {_T}",
    "aclnnSearchSorted": f"{_CT}, {_CT}, bool, bool, {_CT}, {_T}",
    "aclnnSearchSorteds": f"{_CT}, {_S}, const bool, const bool, {_CT}, {_T}",
    "aclnnConstantPadNd": f"{_CT}, {_A}, {_S}, {_T}",
    "aclnnKthvalue": f"{_CT}, int64_t, int64_t, bool, {_T}, {_T}",
    "aclnnIndexAdd": f"{_CT}, const int64_t, {_CT}, {_CT}, {_S}, {_T}",
}
_LAUNCH = "void*, uint64_t, aclOpExecutor*, aclrtStream"
_OPAPI = {}
for _name, _params in ACLNN_OPS.items():
    _OPAPI[_name + "GetWorkspaceSize"] = ("aclnnStatus", _params + ", uint64_t*, aclOpExecutor**")
    _OPAPI[_name] = ("aclnnStatus", _LAUNCH)

SIGNATURES = {}
for _lib, _table in (("rt", _RT), ("nnopbase", _NNOPBASE), ("opapi", _OPAPI)):
    for _name, (_ret, _params) in _table.items():
        SIGNATURES[_name] = (_lib, _ret, tuple(p.strip() for p in _params.split(",") if p.strip()))


def prototype(name):
    """(restype, argtypes) of a declared function, from its C signature row."""
    _lib, ret, params = SIGNATURES[name]
    return restype_of(ret), [ctype_of(p) for p in params]


def declare(fn, name):
    """Apply the declared argtypes/restype to a ctypes function (real or simulated)."""
    fn.restype, fn.argtypes = prototype(name)
    return fn


# --------------------------------------------------------------------------- constants
# Values from acl_api.json (constants / enums); a test checks each one.

ACL_SUCCESS = 0
ACL_EVENT_SYNC = 0x1
ACL_EVENT_TIME_LINE = 0x8
ACL_STREAM_FAST_LAUNCH = 0x1
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEM_MALLOC_NORMAL_ONLY = 2
ACL_DDR_MEM = 0
ACL_HBM_MEM = 1
ACL_MEMCPY_HOST_TO_HOST, ACL_MEMCPY_HOST_TO_DEVICE, ACL_MEMCPY_DEVICE_TO_HOST = 0, 1, 2
ACL_MEMCPY_DEVICE_TO_DEVICE, ACL_MEMCPY_DEFAULT = 3, 4
ACL_STREAM_STATUS_COMPLETE, ACL_STREAM_STATUS_NOT_READY = 0, 1
ACL_EVENT_RECORDED_STATUS_NOT_READY, ACL_EVENT_RECORDED_STATUS_COMPLETE = 0, 1
ACL_FORMAT_ND, ACL_FORMAT_NCHW = 2, 0

ACL_DTYPES = {  # aclDataType
    "ACL_FLOAT": 0, "ACL_FLOAT16": 1, "ACL_INT8": 2, "ACL_INT32": 3, "ACL_UINT8": 4,
    "ACL_INT16": 6, "ACL_UINT16": 7, "ACL_UINT32": 8, "ACL_INT64": 9, "ACL_UINT64": 10,
    "ACL_DOUBLE": 11, "ACL_BOOL": 12, "ACL_COMPLEX64": 16, "ACL_COMPLEX128": 17, "ACL_BF16": 27,
    "ACL_FLOAT8_E5M2": 35, "ACL_FLOAT8_E4M3FN": 36,
}
globals().update(ACL_DTYPES)

# Status codes this package returns or commonly meets; others are named from the json if present.
STATUS_NAMES = {
    0: "ACL_SUCCESS",
    100000: "ACL_ERROR_INVALID_PARAM", 100001: "ACL_ERROR_UNINITIALIZE",
    100002: "ACL_ERROR_REPEAT_INITIALIZE", 100037: "ACL_ERROR_REPEAT_FINALIZE",
    200000: "ACL_ERROR_BAD_ALLOC", 200001: "ACL_ERROR_API_NOT_SUPPORT",
    200002: "ACL_ERROR_INVALID_DEVICE", 500000: "ACL_ERROR_INTERNAL_ERROR",
    107000: "ACL_ERROR_RT_PARAM_INVALID", 107001: "ACL_ERROR_RT_INVALID_DEVICEID",
    107002: "ACL_ERROR_RT_CONTEXT_NULL", 107003: "ACL_ERROR_RT_STREAM_CONTEXT",
    107006: "ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID", 107017: "ACL_ERROR_RT_INVALID_HANDLE",
    207000: "ACL_ERROR_RT_FEATURE_NOT_SUPPORT", 207001: "ACL_ERROR_RT_MEMORY_ALLOCATION",
    207002: "ACL_ERROR_RT_MEMORY_FREE", 207004: "ACL_ERROR_RT_NO_DEVICE",
    207018: "ACL_ERROR_RT_DEVICE_OOM", 507000: "ACL_ERROR_RT_INTERNAL_ERROR",
    507006: "ACL_ERROR_RT_EVENT_NOT_COMPLETE", 507015: "ACL_ERROR_RT_AICORE_EXCEPTION",
    161001: "ACLNN_ERR_PARAM_NULLPTR", 161002: "ACLNN_ERR_PARAM_INVALID",
    361001: "ACLNN_ERR_RUNTIME_ERROR", 561000: "ACLNN_ERR_INNER",
    561103: "ACLNN_ERR_INNER_NULLPTR",
}
STATUS = {v: k for k, v in STATUS_NAMES.items()}
globals().update(STATUS)


# --------------------------------------------------------------------------- acl_api.json


def api_json_path():
    """acl_api.json: env MINDTORCH_ACL_API_JSON, else ../shared/cann/ beside the repository."""
    env = os.environ.get("MINDTORCH_ACL_API_JSON")
    if env:
        return env if os.path.isfile(env) else None
    here = os.path.dirname(os.path.abspath(__file__))
    for up in range(3, 8):   # src/mindtorch_v2/_backends/npu -> repo root -> its parent
        root = os.path.normpath(os.path.join(here, *[".."] * up))
        cand = os.path.join(root, "shared", "cann", "acl_api.json")
        if os.path.isfile(cand):
            return cand
    return None


_json_status = None


def status_name(code):
    """The C name of an aclError/aclnnStatus value ("UNKNOWN_STATUS" when not known)."""
    global _json_status
    name = STATUS_NAMES.get(code)
    if name is not None:
        return name
    if _json_status is None:
        _json_status = {}
        path = api_json_path()
        if path:
            try:
                with open(path) as f:
                    consts = json.load(f)["constants"]
                for k, v in consts.items():
                    if k.startswith(("ACL_ERROR", "ACLNN_ERR")) and isinstance(v.get("value"), int):
                        _json_status.setdefault(v["value"], k)
            except (OSError, ValueError, KeyError):
                pass
    return _json_status.get(code, "UNKNOWN_STATUS")


# --------------------------------------------------------------------------- library discovery

RT_LIB, NNOPBASE_LIB, OPAPI_LIB = "libascendcl.so", "libnnopbase.so", "libopapi.so"
# Where newer CANN splits the op API per repository, and CANN's own legacy fallback list.
OPAPI_SPLIT_LIBS = ("libopapi_math.so", "libopapi_nn.so", "libopapi_cv.so",
                    "libopapi_transformer.so")
OPAPI_LEGACY_LIBS = ("libaclnn_ops_infer.so", "libaclnn_ops_train.so", "libaclnn_math.so",
                     "libaclnn_rand.so", "libaclnn_sparse.so", "libaclnn_fft.so")
DEFAULT_ROOTS = ("/usr/local/Ascend/ascend-toolkit/latest", "/usr/local/Ascend/cann")


def search_dirs(env=None, machine=None):
    """Directories to search, in order, for the CANN shared libraries.

    Roots: $ASCEND_HOME_PATH, $ASCEND_TOOLKIT_HOME, then the default install roots (CANN 8.x
    toolkit, CANN 9 open-source layout). Per root: lib64, <arch>-linux/lib64, the op_api
    directories (opp/lib64, opp/built-in/op_impl/ai_core/tbe/op_api/lib/linux/<arch>); then
    $LD_LIBRARY_PATH entries.
    """
    env = os.environ if env is None else env
    arch = machine or platform.machine() or "x86_64"
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(arch.lower(), arch)
    roots = [env.get("ASCEND_HOME_PATH"), env.get("ASCEND_TOOLKIT_HOME"), *DEFAULT_ROOTS]
    dirs = []
    for root in filter(None, roots):
        dirs += [os.path.join(root, "lib64"), os.path.join(root, f"{arch}-linux", "lib64"),
                 os.path.join(root, "opp", "lib64"),
                 os.path.join(root, "opp", "built-in", "op_impl", "ai_core", "tbe", "op_api",
                              "lib", "linux", arch)]
    dirs += [d for d in env.get("LD_LIBRARY_PATH", "").split(os.pathsep) if d]
    seen, out = set(), []
    for d in dirs:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def find_libraries(env=None, machine=None):
    """Paths of the CANN libraries: {"rt": path, "nnopbase": path, "opapi": [paths...]}.

    ``rt`` and ``nnopbase`` are None when missing; ``opapi`` lists the aggregate libopapi.so
    first, then the split and legacy op libraries (the order CANN's op fallback uses).
    """
    dirs = [d for d in search_dirs(env, machine) if os.path.isdir(d)]

    def first(name):
        for d in dirs:
            p = os.path.join(d, name)
            if os.path.exists(p):
                return p
        return None
    ops = [first(n) for n in (OPAPI_LIB, *OPAPI_SPLIT_LIBS, *OPAPI_LEGACY_LIBS)]
    return {"rt": first(RT_LIB), "nnopbase": first(NNOPBASE_LIB), "opapi": [p for p in ops if p]}


# --------------------------------------------------------------------------- loaded libraries


class Library:
    """A library handle whose declared functions are looked up lazily, across several objects.

    ``sources`` are CDLLs (or simulator library objects); the first one exporting a name wins.
    Functions are declared with ``SIGNATURES`` the first time they are used and cached.
    """

    def __init__(self, key, sources):
        self._key = key
        self._sources = list(sources)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        for src in self._sources:
            try:
                fn = getattr(src, name)
            except AttributeError:
                continue
            if name in SIGNATURES:
                declare(fn, name)
            self.__dict__[name] = fn
            return fn
        raise AttributeError(f"{name} not found in the {self._key} libraries")

    def has(self, name):
        try:
            getattr(self, name)
            return True
        except AttributeError:
            return False


class Acl:
    """The three ACL libraries (real or simulated) and a checked ``call``."""

    def __init__(self, rt, nnopbase, opapi, simulator=None):
        self.rt = Library("rt", [rt])
        self.nnopbase = Library("nnopbase", [nnopbase])
        self.opapi = Library("opapi", opapi)
        self.simulator = simulator
        self.simulated = simulator is not None

    def function(self, name):
        return getattr(getattr(self, SIGNATURES[name][0]), name)

    def call(self, name, *args):
        """Call a declared function and check its status (functions returning aclError)."""
        status = self.function(name)(*args)
        check(status, name, self)
        return status

    def recent_error(self):
        try:
            msg = self.rt.aclGetRecentErrMsg()
        except Exception:   # a missing symbol must not hide the original error
            return ""
        return msg.decode("utf-8", "replace") if msg else ""


def check(status, name, lib=None):
    """Raise RuntimeError naming ``name``, the status's name and aclGetRecentErrMsg()."""
    if status == 0:
        return
    lib = lib if lib is not None else (_loaded if _loaded is not None else None)
    msg = lib.recent_error() if lib is not None else ""
    raise RuntimeError(f"{name} failed with status {status} ({status_name(status)})"
                       + (f": {msg}" if msg else ""))


# --------------------------------------------------------------------------- selection / loading

_lock = threading.Lock()
_loaded = None
_sim_config = None     # dict of Simulator kwargs once use_simulator() was called

NOT_AVAILABLE_HELP = (
    "no Ascend NPU runtime found (CANN libraries libascendcl.so / libnnopbase.so / "
    "libopapi.so not found via ASCEND_HOME_PATH, ASCEND_TOOLKIT_HOME, /usr/local/Ascend or "
    "LD_LIBRARY_PATH). To develop without hardware, use the software Ascend device: set "
    "MINDTORCH_NPU=sim in the environment or call torch.npu.use_simulator() first.")


def simulator_requested():
    return _sim_config is not None or os.environ.get("MINDTORCH_NPU", "").lower() in (
        "sim", "simulator")


def use_simulator(**config):
    """Select the simulator (with Simulator keyword arguments) before the first load."""
    global _sim_config
    with _lock:
        if _loaded is not None and not (_loaded.simulated and _sim_config == config):
            raise RuntimeError("use_simulator() must be called before the first NPU use")
        _sim_config = dict(config)


def is_available():
    """True when the simulator is selected or the CANN runtime libraries are found."""
    if _loaded is not None or simulator_requested():
        return True
    libs = find_libraries()
    return bool(libs["rt"] and libs["nnopbase"] and libs["opapi"])


def _load_real():
    libs = find_libraries()
    if not (libs["rt"] and libs["nnopbase"] and libs["opapi"]):
        raise RuntimeError(NOT_AVAILABLE_HELP)
    mode = getattr(os, "RTLD_GLOBAL", 0)
    rt = ctypes.CDLL(libs["rt"], mode=mode)
    nn = ctypes.CDLL(libs["nnopbase"], mode=mode)
    return Acl(rt, nn, [ctypes.CDLL(p, mode=mode) for p in libs["opapi"]])


def _load_sim():
    from .simulator import Simulator
    sim = Simulator(**(_sim_config or {}))
    return Acl(sim.rt, sim.nnopbase, [sim.opapi], simulator=sim)


def get():
    """The loaded ACL libraries (loaded on first use; simulator when requested)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _load_sim() if simulator_requested() else _load_real()
    return _loaded


def _reset_for_tests():
    """Forget the loaded libraries and simulator selection (tests only)."""
    global _loaded, _sim_config
    with _lock:
        if _loaded is not None and _loaded.simulator is not None:
            _loaded.simulator.shutdown()
        _loaded, _sim_config = None, None
