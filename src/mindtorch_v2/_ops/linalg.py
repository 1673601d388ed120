"""The linalg op family: products (matmul, mm, bmm, einsum, ...) and decompositions.

Meta functions here give torch's output shapes, dtypes and strides (decompositions return
"batched column-major" matrices like LAPACK-backed torch: Note [linalg strides]); the CPU
NumPy/SciPy kernels are in ``_backends/cpu/linalg.py``.  The torch.linalg namespace is the
module ``mindtorch_v2.linalg``.

Note [linalg strides]
  torch's LAPACK results (inv, solve, cholesky, qr, svd's U/Vh, eig/eigh vectors, lstsq)
  are column-major in the last two dims, batches contiguous; ``fm_strides`` gives these.
"""
from __future__ import annotations

import math
from collections import namedtuple

from .. import _dtype as D
from .._dispatch.dispatcher import dispatch, dispatch_inplace, dispatch_out
from .._tensor import Tensor
from ._common import broadcast_shapes, contiguous_strides, wrap_dim
from .registry import Spec, register
from .tensor_methods import method

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm",
           "addbmm", "baddbmm", "addmv", "addr", "einsum", "tensordot", "kron", "cross",
           "trace", "chain_matmul", "inverse", "det", "logdet", "slogdet", "cholesky",
           "pinverse", "matrix_power", "matrix_exp", "cholesky_inverse", "cholesky_solve"]


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a linear algebra error (singular matrix, not PD...)."""


def _op(name, meta, **tags):
    return register(name, meta, family="linalg", **tags)


def np_layout(shape, strides):
    """The strides a CPU tensor over such a NumPy array reports (C-contiguous -> canonical)."""
    if 0 in shape:
        return contiguous_strides(shape)
    exp = 1
    for s, st in zip(reversed(shape), reversed(strides)):
        if s == 1:
            continue
        if st != exp:
            return tuple(strides)
        exp *= s
    return contiguous_strides(shape)


def fm_strides(shape):
    """Batched column-major strides (Note [linalg strides])."""
    n = len(shape)
    if n < 2 or 0 in shape or shape[-1] <= 1 or shape[-2] <= 1:
        return contiguous_strides(shape)
    m, k = shape[-2], shape[-1]
    st = [0] * n
    st[-2] = 1
    st[-1] = max(m, 1)
    acc = max(m * k, 1)
    for i in range(n - 3, -1, -1):
        st[i] = acc
        acc *= max(shape[i], 1)
    return tuple(st)


def _fm(shape, dtype):
    return Spec(shape, dtype, fm_strides(shape))


def _c(shape, dtype):
    return Spec(shape, dtype)


# ---------------------------------------------------------------------------------------
# products: checks and meta functions
# ---------------------------------------------------------------------------------------

def _prod(s):
    p = 1
    for v in s:
        p *= v
    return p


def _same_dtype_mm(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                           f"{_short(a.dtype)} != {_short(b.dtype)}")
    _check_mm_dtype(a.dtype)


_SHORT = {"Float": "float", "Double": "double", "Half": "c10::Half", "BFloat16": "c10::BFloat16",
          "Long": "long int", "Int": "int", "Short": "short int", "Char": "signed char",
          "Byte": "unsigned char", "Bool": "bool", "ComplexFloat": "c10::complex<float>",
          "ComplexDouble": "c10::complex<double>"}


def _short(dt):
    return _SHORT.get(dt.c10_name, dt.c10_name)


def _check_mm_dtype(dt, name="addmm_impl_cpu_"):
    if dt is D.bool:
        raise NotImplementedError(f'"{name}" not implemented for \'Bool\'')


def _mm_err(sa, sb):
    raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and "
                       f"{sb[0]}x{sb[1]})")


def _dot_err(n1, n2):
    raise RuntimeError(f"inconsistent tensor size, expected tensor [{n1}] and src [{n2}] to have "
                       f"the same number of elements, but got {n1} and {n2} elements "
                       "respectively")


def matmul_shape(sa, sb):
    """Output shape of matmul(a, b) with torch's errors."""
    na, nb = len(sa), len(sb)
    if na == 0 or nb == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{na}D and {nb}D")
    if nb == 1:
        k = sa[-1]
        if k != sb[0]:
            if na == 1:
                _dot_err(sa[0], sb[0])
            rows = _prod(sa[:-1])
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec "
                               f"({sb[0]})")
        return tuple(sa[:-1])
    if na == 1:
        if nb == 2:
            if sa[0] != sb[0]:
                _mm_err((1, sa[0]), sb)
            return (sb[1],)
        if sa[0] != sb[-2]:
            b = _prod(sb[:-2])
            raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{b}, {sa[0]}] but got: [{b}, {sb[-2]}].")
        return tuple(sb[:-2]) + (sb[-1],)
    if nb == 2:
        if sa[-1] != sb[0]:
            _mm_err((_prod(sa[:-1]), sa[-1]), sb)
        return tuple(sa[:-1]) + (sb[1],)
    batch = broadcast_shapes(sa[:-2], sb[:-2])
    if sa[-1] != sb[-2]:
        b = _prod(batch)
        raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b}, {sa[-1]}] but got: [{b}, {sb[-2]}].")
    return batch + (sa[-2], sb[-1])


def _matmul_meta(a, b):
    shape = matmul_shape(a._shape, b._shape)
    _same_dtype_mm(a, b)
    return Spec(shape, a.dtype)


def _mm_meta(a, b):
    if a.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if b.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a._shape[1] != b._shape[0]:
        _mm_err(a._shape, b._shape)
    _same_dtype_mm(a, b)
    return Spec((a._shape[0], b._shape[1]), a.dtype)


def _bmm_shape(a, b):
    if a.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    B, n, k = a._shape
    if b._shape[0] != B or b._shape[1] != k:
        raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{B}, {k}] but got: [{b._shape[0]}, {b._shape[1]}].")
    return (B, n, b._shape[2])


def _bmm_meta(a, b):
    shape = _bmm_shape(a, b)
    _same_dtype_mm(a, b)
    return Spec(shape, a.dtype)


def _mv_meta(a, v):
    if a.dim() != 2 or v.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.dim()}, {v.dim()}")
    if a._shape[1] != v._shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a._shape[0]}), mat "
                           f"({a._shape[0]}x{a._shape[1]}), vec ({v._shape[0]})")
    if a.dtype is not v.dtype:
        raise RuntimeError(f"expected scalar type {a.dtype.c10_name} but found "
                           f"{v.dtype.c10_name}")
    _check_mm_dtype(a.dtype)
    return Spec((a._shape[0],), a.dtype)


def _dot_meta(a, b, name="dot"):
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"{name} : expected both vectors to have same dtype, but found "
                           f"{a.dtype.c10_name} and {b.dtype.c10_name}")
    if a._shape[0] != b._shape[0]:
        _dot_err(a._shape[0], b._shape[0])
    if a.dtype is D.bool:
        raise NotImplementedError(f'"{name}" not implemented for \'Bool\'')
    return Spec((), a.dtype)


def _vdot_meta(a, b):
    return _dot_meta(a, b, "vdot")


def _same_dtype(a, b, msg="both inputs should have same dtype"):
    if a.dtype is not b.dtype:
        raise RuntimeError(msg)


def _inner_meta(a, b):
    _same_dtype(a, b, f"expected scalar type {a.dtype.c10_name} but found {b.dtype.c10_name}")
    if not a._shape or not b._shape:
        shape = a._shape or b._shape
        return Spec(shape, a.dtype)
    if a._shape[-1] != b._shape[-1]:
        raise RuntimeError("inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(a._shape)} and {list(b._shape)}")
    _check_mm_dtype(a.dtype)
    return Spec(a._shape[:-1] + b._shape[:-1], a.dtype)


def _outer_meta(a, b):
    if a.dim() != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {a.dim()}-D")
    if b.dim() != 1:
        raise RuntimeError(f"outer: Expected 1-D argument vec2, but got {b.dim()}-D")
    dt = D.promote_types(a.dtype, b.dtype)
    return Spec((a._shape[0], b._shape[0]), dt)


def _check_beta_alpha(dt, beta, alpha):
    if dt.category <= D.INT:
        if isinstance(beta, float) or isinstance(alpha, float):
            raise RuntimeError("For integral input tensors, argument beta must not be a floating "
                               "point number." if isinstance(beta, float) else
                               "For integral input tensors, argument alpha must not be a "
                               "floating point number.")


def _expand_check(sin, target):
    """torch's expand error when ``sin`` does not broadcast to ``target``."""
    n = len(target)
    if len(sin) > n:
        raise RuntimeError(f"The expanded size of the tensor ({target[0] if target else 0}) must "
                           "match the existing size")
    off = n - len(sin)
    for i, d in enumerate(sin):
        if d != 1 and d != target[off + i]:
            raise RuntimeError(f"The expanded size of the tensor ({target[off + i]}) must match "
                               f"the existing size ({d}) at non-singleton dimension {off + i}.  "
                               f"Target sizes: {list(target)}.  Tensor sizes: {list(sin)}")


def _addmm_meta(inp, m1, m2, beta=1, alpha=1):
    spec = _mm_meta(m1, m2)
    if inp.dtype is not m1.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{inp.dtype.c10_name} and {m2.dtype.c10_name}")
    _expand_check(inp._shape, spec.shape)
    return spec


def _addmv_meta(inp, mat, vec, beta=1, alpha=1):
    if mat.dim() != 2 or vec.dim() != 1 or inp.dim() > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {inp.dim()}, {mat.dim()}, "
                           f"{vec.dim()}")
    if mat._shape[1] != vec._shape[0] or (inp.dim() == 1 and inp._shape[0] not in
                                          (1, mat._shape[0])):
        raise RuntimeError(f"size mismatch, got input ({inp._shape[0] if inp._shape else 1}), mat "
                           f"({mat._shape[0]}x{mat._shape[1]}), vec ({vec._shape[0]})")
    if not (inp.dtype is mat.dtype is vec.dtype):
        raise RuntimeError("addmv input tensors must have the same dtype, but got "
                           f"{inp.dtype.c10_name}, {mat.dtype.c10_name}, and {vec.dtype.c10_name}")
    _check_mm_dtype(mat.dtype)
    return Spec((mat._shape[0],), mat.dtype)


def _addbmm_meta(inp, b1, b2, beta=1, alpha=1):
    _, n, p = _bmm_shape(b1, b2)
    _same_dtype_mm(b1, b2)
    if inp.dtype is not b1.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{inp.dtype.c10_name} and {b2.dtype.c10_name}")
    _expand_check(inp._shape, (n, p))
    return Spec((n, p), b1.dtype)


def _baddbmm_meta(inp, b1, b2, beta=1, alpha=1):
    shape = _bmm_shape(b1, b2)
    _same_dtype_mm(b1, b2)
    if inp.dtype is not b1.dtype:
        raise RuntimeError(f"Expected self and batch1 to have the same dtype, but got "
                           f"{inp.dtype.c10_name} and {b1.dtype.c10_name}")
    _expand_check(inp._shape, shape)
    return Spec(shape, b1.dtype)


def _addr_meta(inp, v1, v2, beta=1, alpha=1):
    if v1.dim() != 1 or v2.dim() != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {v1.dim()}-D"
                           if v1.dim() != 1 else
                           f"addr: Expected 1-D argument vec2, but got {v2.dim()}-D")
    dt = D.promote_types(D.promote_types(inp.dtype, v1.dtype), v2.dtype)
    if dt is D.bool:
        if isinstance(beta, float) or isinstance(alpha, float) or \
                not isinstance(beta, (bool, int)) or not isinstance(alpha, (bool, int)):
            raise RuntimeError("Boolean beta only supported for Boolean results.")
    else:
        _check_beta_alpha(dt, beta, alpha)
    shape = (v1._shape[0], v2._shape[0])
    _expand_check(inp._shape, shape)
    return Spec(shape, dt)


def _kron_meta(a, b):
    dt = D.promote_types(a.dtype, b.dtype)
    n = max(a.dim(), b.dim())
    sa = (1,) * (n - a.dim()) + a._shape
    sb = (1,) * (n - b.dim()) + b._shape
    return Spec(tuple(x * y for x, y in zip(sa, sb)), dt)


def _cross_meta(a, b, dim=None, name="linalg.cross"):
    if a.dim() != b.dim():
        raise RuntimeError(f"{name}: inputs must have the same number of dimensions.")
    shape = broadcast_shapes(a._shape, b._shape)
    if dim is None:
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    d = wrap_dim(dim, len(shape))
    if a._shape[d] != 3 or b._shape[d] != 3:
        raise RuntimeError(f"{name}: inputs dimension {dim} must have length 3. Got "
                           f"{a._shape[d]} and {b._shape[d]}")
    return Spec(shape, D.promote_types(a.dtype, b.dtype))


def _cross_meta_t(a, b, dim=None):
    return _cross_meta(a, b, dim)


def _trace_meta(a):
    if a.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a.dim()}")
    if a.dtype is D.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    dt = D.int64 if a.dtype.category <= D.INT else a.dtype
    return Spec((), dt)


def _tensordot_dims(a, b, dims):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.dim() or dims > b.dim():
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da = list(range(a.dim() - dims, a.dim()))
        db = list(range(dims))
    else:
        da, db = dims
        if isinstance(da, int):
            da = [da]
        if isinstance(db, int):
            db = [db]
        da = [wrap_dim(d, a.dim()) for d in da]
        db = [wrap_dim(d, b.dim()) for d in db]
        if len(da) != len(db):
            raise RuntimeError("both dimension lists should have same length")
    for x, y in zip(da, db):
        if a._shape[x] != b._shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a._shape[x]} in dim {x} and second has size {b._shape[y]} in "
                               f"dim {y}")
    return da, db


def _tensordot_meta(a, b, dims=2):
    _same_dtype(a, b)
    da, db = _tensordot_dims(a, b, dims)
    shape = tuple(s for i, s in enumerate(a._shape) if i not in da) + \
        tuple(s for i, s in enumerate(b._shape) if i not in db)
    return Spec(shape, a.dtype)


# einsum ---------------------------------------------------------------------------------

def parse_einsum(eq, shapes):
    """(numpy-ready equation, output shape) with torch's checks; ``shapes`` per operand."""
    eq = eq.replace(" ", "")
    if "->" in eq:
        lhs, rhs = eq.split("->")
    else:
        lhs, rhs = eq, None
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise RuntimeError(f"einsum(): more operands were provided than specified in the equation"
                           if len(shapes) > len(terms) else
                           "einsum(): fewer operands were provided than specified in the "
                           "equation")
    sizes = {}
    ell_shape = ()
    counts = {}
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        n_ell = 0
        if "..." in term:
            pre, post = term.split("...")
            n_ell = len(shape) - len(pre) - len(post)
            if n_ell < 0:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                                   f"({len(pre) + len(post)}) is more than the number of "
                                   f"dimensions ({len(shape)}) for operand {i}")
            labels = list(pre) + [None] * n_ell + list(post)
            ell_shape = broadcast_shapes(ell_shape, shape[len(pre):len(pre) + n_ell])
        else:
            labels = list(term)
            if len(labels) != len(shape):
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({len(labels)}) does "
                    f"not match the number of dimensions ({len(shape)}) for operand {i} and no "
                    "ellipsis was given")
        seen = {}
        for lab, s in zip(labels, shape):
            if lab is None:
                continue
            if not lab.isalpha():
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the "
                                   "equation string, subscripts must be in [a-zA-Z]")
            if lab in seen and seen[lab] != s:
                raise RuntimeError(f"einsum(): subscript {lab} is repeated for operand {i} but "
                                   f"the sizes don't match, {s} != {seen[lab]}")
            seen[lab] = s
        for lab in labels:
            if lab is not None:
                counts[lab] = counts.get(lab, 0) + 1
        for lab, s in seen.items():
            old = sizes.get(lab)
            if old is None or old == 1:
                sizes[lab] = s
            elif s != 1 and s != old:
                raise RuntimeError(f"einsum(): subscript {lab} has size {s} for operand {i} "
                                   f"which does not broadcast with previously seen size {old}")
    if rhs is None:
        out_labels = sorted(k for k, c in counts.items() if c == 1)
        rhs = ("..." if "..." in lhs else "") + "".join(out_labels)
    shape = []
    if "..." in rhs:
        pre, post = rhs.split("...")
        body = pre + post
    else:
        pre, post, body = rhs, "", rhs
    for lab in body:
        if lab not in sizes:
            raise RuntimeError(f"einsum(): output subscript {lab} does not appear in the "
                               "equation for any input operand")
    if len(set(body)) != len(body):
        raise RuntimeError("einsum(): output subscript appears more than once in the output")
    shape = [sizes[c] for c in pre]
    if "..." in rhs:
        shape += list(ell_shape)
    shape += [sizes[c] for c in post]
    if "..." in lhs:  # spell the ellipsis dims out (NumPy needs them in the output)
        free = [c for c in _LETTERS if c not in sizes]
        ne = len(ell_shape)
        new_terms = []
        for term, shp in zip(terms, shapes):
            if "..." in term:
                k = len(shp) - len(term) + 3
                term = term.replace("...", "".join(free[ne - k:ne]))
            new_terms.append(term)
        lhs = ",".join(new_terms)
        rhs = rhs.replace("...", "".join(free[:ne]))
    return lhs + "->" + rhs, tuple(shape)


def _einsum_meta(eq, *operands):
    dt = operands[0].dtype
    for o in operands[1:]:
        if o.dtype is not dt:
            raise RuntimeError(f"expected scalar type {dt.c10_name} but found {o.dtype.c10_name}")
    _, shape = parse_einsum(eq, [o._shape for o in operands])
    return Spec(shape, dt)


# ---------------------------------------------------------------------------------------
# decompositions: checks and meta functions
# ---------------------------------------------------------------------------------------

def check_la(a, name, square=True, allow_int=False, arg="A"):
    if a.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")
    if not allow_int:
        dt = a.dtype
        if dt.category < D.FLOAT:
            raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                               f"Got {dt.c10_name}")
        if dt is D.float16 or dt is D.bfloat16:
            raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {dt.c10_name}")
    if square and a._shape[-1] != a._shape[-2]:
        raise RuntimeError(f"{name}: {arg} must be batches of square matrices, but they are "
                           f"{a._shape[-2]} by {a._shape[-1]} matrices")


def _inv_meta(a):
    check_la(a, "linalg.inv")
    return _fm(a._shape, a.dtype)


def _inv_ex_meta(a, check_errors=False):
    check_la(a, "linalg.inv_ex")
    return _fm(a._shape, a.dtype), _c(a._shape[:-2], D.int32)


def _det_meta(a):
    check_la(a, "linalg.det")
    return _c(a._shape[:-2], a.dtype)


def _logdet_meta(a):
    check_la(a, "linalg.slogdet")
    return _c(a._shape[:-2], a.dtype)


def _slogdet_meta(a):
    check_la(a, "linalg.slogdet")
    b = a._shape[:-2]
    return _c(b, a.dtype), _c(b, a.dtype.to_real())


def _cholesky_meta(a, upper=False):
    check_la(a, "linalg.cholesky")
    return _fm(a._shape, a.dtype)


def _cholesky_ex_meta(a, upper=False, check_errors=False):
    check_la(a, "linalg.cholesky_ex")
    return _fm(a._shape, a.dtype), _c(a._shape[:-2], D.int32)


def _pinv_meta(a, rtol=None, atol=None, hermitian=False):
    check_la(a, "linalg.pinv", square=False)
    return _c(a._shape[:-2] + (a._shape[-1], a._shape[-2]), a.dtype)


def solve_shapes(A, B, name="linalg.solve", left=True):
    check_la(A, name)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of type "
                           f"{A.dtype.c10_name} and B of type {B.dtype.c10_name} instead")
    n = A._shape[-1]
    if not left:
        if B.dim() < 2 or B._shape[-1] != n:
            raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation XA = B "
                               f"({B._shape[-2] if B.dim() >= 2 else 1}x{B._shape[-1]} and "
                               f"{n}x{n})")
        return broadcast_shapes(A._shape[:-2], B._shape[:-2]) + (B._shape[-2], n), False
    vector = B.dim() == 1 or (B.dim() == A.dim() - 1 and B._shape == A._shape[:-1])
    if vector:
        if B._shape[-1] != n:
            raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation AX = B "
                               f"({n}x{n} and {B._shape[-1]}x1)")
        batch = broadcast_shapes(A._shape[:-2], B._shape[:-1])
        return batch + (n,), True
    if B.dim() < 2 or B._shape[-2] != n:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation AX = B "
                           f"({n}x{n} and {B._shape[-2] if B.dim() >= 2 else B._shape[-1]}x"
                           f"{B._shape[-1] if B.dim() >= 2 else 1})")
    batch = broadcast_shapes(A._shape[:-2], B._shape[:-2])
    return batch + (n, B._shape[-1]), False


def _solve_meta(A, B, left=True):
    shape, _ = solve_shapes(A, B, "linalg.solve", left)
    return _fm(shape, A.dtype) if left else _c(shape, A.dtype)


def _solve_ex_meta(A, B, left=True, check_errors=False):
    shape, _ = solve_shapes(A, B, "linalg.solve_ex", left)
    return (_fm(shape, A.dtype) if left else _c(shape, A.dtype)), _c(A._shape[:-2], D.int32)


def _qr_meta(a, mode="reduced"):
    check_la(a, "linalg.qr", square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    m, n = a._shape[-2:]
    b = a._shape[:-2]
    k = min(m, n)
    if mode == "r":
        return _c((0,), a.dtype), _fm(b + (k, n), a.dtype)
    if mode == "complete":
        return _fm(b + (m, m), a.dtype), _fm(b + (m, n), a.dtype)
    return _fm(b + (m, k), a.dtype), _fm(b + (k, n), a.dtype)


def _svd_meta(a, full_matrices=True):
    check_la(a, "linalg.svd", square=False)
    m, n = a._shape[-2:]
    b = a._shape[:-2]
    k = min(m, n)
    r = a.dtype.to_real()
    if full_matrices:
        return _fm(b + (m, m), a.dtype), _c(b + (k,), r), _fm(b + (n, n), a.dtype)
    return _fm(b + (m, k), a.dtype), _c(b + (k,), r), _fm(b + (k, n), a.dtype)


def _svdvals_meta(a):
    check_la(a, "linalg.svdvals", square=False)
    return _c(a._shape[:-2] + (min(a._shape[-2:]),), a.dtype.to_real())


def _eig_meta(a):
    check_la(a, "linalg.eig")
    c = a.dtype.to_complex() if not a.dtype.is_complex else a.dtype
    return _c(a._shape[:-1], c), _fm(a._shape, c)


def _eigvals_meta(a):
    check_la(a, "linalg.eigvals")
    c = a.dtype.to_complex() if not a.dtype.is_complex else a.dtype
    return _c(a._shape[:-1], c)


def _check_uplo(UPLO):
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def _eigh_dtype(a, name):
    if a.dtype.category < D.FLOAT:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{a.dtype.c10_name}\'')


def _eigh_meta(a, UPLO="L"):
    _eigh_dtype(a, "linalg_eigh")
    check_la(a, "linalg.eigh")
    _check_uplo(UPLO)
    return _c(a._shape[:-1], a.dtype.to_real()), _fm(a._shape, a.dtype)


def _eigvalsh_meta(a, UPLO="L"):
    _eigh_dtype(a, "linalg_eigh")
    check_la(a, "linalg.eigvalsh")
    _check_uplo(UPLO)
    return _c(a._shape[:-1], a.dtype.to_real())


def lstsq_shapes(A, B, driver):
    check_la(A, "torch.linalg.lstsq", square=False)
    if not (A.dim() >= B.dim() and A.dim() - B.dim() <= 1):
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to "
                           "other.dim() and (input.dim() - other.dim()) <= 1")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, "
                           f"but got input's dtype {A.dtype.c10_name} and other's dtype "
                           f"{B.dtype.c10_name}")
    if driver is None:
        driver = "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of "
                           f"(gels, gelsy, gelsd, gelss)")
    vector = A.dim() == B.dim() + 1
    m, n = A._shape[-2:]
    bm = B._shape[-1] if vector else B._shape[-2]
    if bm != m:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-"
                           f"{1 if vector else 2})")
    bb = B._shape[:-1] if vector else B._shape[:-2]
    batch = broadcast_shapes(A._shape[:-2], bb)
    k = 1 if vector else B._shape[-1]
    return driver, vector, batch, m, n, k


def _lstsq_meta(A, B, rcond=None, driver=None):
    driver, vector, batch, m, n, k = lstsq_shapes(A, B, driver)
    r = A.dtype.to_real()
    # the solution is a narrow of a column-major (max(m, n), k) buffer per batch
    mx = max(m, n)
    nb = len(batch)
    if vector:
        st = [0] * (nb + 1)
        st[-1] = 1
        acc = max(mx, 1)
    else:
        st = [0] * (nb + 2)
        st[-2] = 1
        st[-1] = max(mx, 1)
        acc = max(mx * k, 1)
    for i in range(nb - 1, -1, -1):
        st[i] = acc
        acc *= max(batch[i], 1)
    sshape = batch + ((n,) if vector else (n, k))
    sol = Spec(sshape, A.dtype, np_layout(sshape, st))
    res_shape = batch + (k,) if driver != "gelsy" and m > n else (0,)
    sv = batch + (min(m, n),) if driver in ("gelsd", "gelss") else (0,)
    rank = (0,) if driver == "gels" else batch
    return sol, _c(res_shape, r), _c(rank, D.int64), _c(sv, r)


def _matrix_rank_meta(A, atol=None, rtol=None, hermitian=False):
    check_la(A, "torch.linalg.matrix_rank", square=hermitian)
    return _c(A._shape[:-2], D.int64)


def _matrix_power_meta(a, n):
    check_la(a, "linalg.matrix_power", allow_int=n >= 0)
    if n < 0:
        check_la(a, "linalg.inv")
    return _c(a._shape, a.dtype)


def _matrix_exp_meta(a):
    check_la(a, "linalg.matrix_exp")
    return _c(a._shape, a.dtype)


_COND_NORMS = (None, "fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2)


def _cond_meta(a, p=None):
    if p not in _COND_NORMS:
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    name = "linalg.cond"
    if p not in (None, 2, -2):
        name = f"linalg.cond(ord={p})"
    check_la(a, name, square=p not in (None, 2, -2))
    return _c(a._shape[:-2], a.dtype.to_real())


def _multi_dot_meta(tensors):
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    dt = tensors[0].dtype
    for i, t in enumerate(tensors):
        if t.dtype is not dt:
            raise RuntimeError("multi_dot(): all tensors must have be the same dtype but tensor "
                               f"0 is {dt.c10_name} and tensor {i} {t.dtype.c10_name}")
        if 0 < i < n - 1 and t.dim() != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    if tensors[0].dim() not in (1, 2):
        raise RuntimeError("multi_dot(): the first tensor must be 1D or 2D but got "
                           f"{tensors[0].dim()}D")
    if tensors[-1].dim() not in (1, 2):
        raise RuntimeError("multi_dot(): the last tensor must be 1D or 2D but got "
                           f"{tensors[-1].dim()}D")
    shapes = [t._shape if t.dim() == 2 else None for t in tensors]
    shapes[0] = tensors[0]._shape if tensors[0].dim() == 2 else (1,) + tensors[0]._shape
    shapes[-1] = tensors[-1]._shape if tensors[-1].dim() == 2 else tensors[-1]._shape + (1,)
    for i in range(n - 1):
        if shapes[i][1] != shapes[i + 1][0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(tensors[i]._shape)} and {list(tensors[i + 1]._shape)} "
                               "cannot be multiplied")
    out = []
    if tensors[0].dim() == 2:
        out.append(shapes[0][0])
    if tensors[-1].dim() == 2:
        out.append(shapes[-1][1])
    _check_mm_dtype(dt)
    return Spec(tuple(out), dt)


def _vecdot_meta(x, y, dim=-1):
    if x.dtype is not y.dtype:
        raise RuntimeError("linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {x.dtype.c10_name} and y of type {y.dtype.c10_name} instead")
    shape = broadcast_shapes(x._shape, y._shape)
    d = wrap_dim(dim, len(shape))
    if x._shape[wrap_dim(dim, x.dim())] != y._shape[wrap_dim(dim, y.dim())]:
        broadcast_shapes(x._shape, y._shape)
    return _c(shape[:d] + shape[d + 1:], x.dtype)


def _cholesky_inverse_meta(a, upper=False):
    check_la(a, "cholesky_inverse")
    return _fm(a._shape, a.dtype)


def _cholesky_solve_meta(b, u, upper=False):
    if b.dtype is not u.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{b.dtype.c10_name} and A of type {u.dtype.c10_name} instead.")
    check_la(u, "cholesky_solve")
    if b.dim() < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {b.dim()} dimensions "
                           "instead")
    if b._shape[-2] != u._shape[-1]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is "
                           f"{u._shape[-1]} by {u._shape[-1]} but each b matrix is "
                           f"{b._shape[-2]} by {b._shape[-1]}")
    batch = broadcast_shapes(b._shape[:-2], u._shape[:-2])
    return _fm(batch + b._shape[-2:], b.dtype)


# ---------------------------------------------------------------------------------------
# op declarations
# ---------------------------------------------------------------------------------------

MATMUL = _op("matmul", _matmul_meta)
MM = _op("mm", _mm_meta)
BMM = _op("bmm", _bmm_meta)
MV = _op("mv", _mv_meta)
DOT = _op("dot", _dot_meta)
VDOT = _op("vdot", _vdot_meta)
INNER = _op("inner", _inner_meta)
OUTER = _op("outer", _outer_meta)
ADDMM = _op("addmm", _addmm_meta)
ADDMV = _op("addmv", _addmv_meta)
ADDBMM = _op("addbmm", _addbmm_meta)
BADDBMM = _op("baddbmm", _baddbmm_meta)
ADDR = _op("addr", _addr_meta)
KRON = _op("kron", _kron_meta)
CROSS = _op("linalg_cross", _cross_meta_t)
TRACE = _op("trace", _trace_meta)
TENSORDOT = _op("tensordot", _tensordot_meta)
EINSUM = _op("einsum", _einsum_meta)
INV = _op("linalg_inv", _inv_meta)
INV_EX = _op("linalg_inv_ex", _inv_ex_meta)
DET = _op("linalg_det", _det_meta)
LOGDET = _op("logdet", _logdet_meta)
SLOGDET = _op("linalg_slogdet", _slogdet_meta)
CHOLESKY = _op("linalg_cholesky", _cholesky_meta)
CHOLESKY_EX = _op("linalg_cholesky_ex", _cholesky_ex_meta)
PINV = _op("linalg_pinv", _pinv_meta)
SOLVE = _op("linalg_solve", _solve_meta)
SOLVE_EX = _op("linalg_solve_ex", _solve_ex_meta)
QR = _op("linalg_qr", _qr_meta)
SVD = _op("linalg_svd", _svd_meta)
SVDVALS = _op("linalg_svdvals", _svdvals_meta)
EIG = _op("linalg_eig", _eig_meta)
EIGVALS = _op("linalg_eigvals", _eigvals_meta)
EIGH = _op("linalg_eigh", _eigh_meta)
EIGVALSH = _op("linalg_eigvalsh", _eigvalsh_meta)
LSTSQ = _op("linalg_lstsq", _lstsq_meta)
MATRIX_RANK = _op("linalg_matrix_rank", _matrix_rank_meta, nondiff=True)
MATRIX_POWER = _op("linalg_matrix_power", _matrix_power_meta)
MATRIX_EXP = _op("linalg_matrix_exp", _matrix_exp_meta)
COND = _op("linalg_cond", _cond_meta)
MULTI_DOT = _op("linalg_multi_dot", _multi_dot_meta)
VECDOT = _op("linalg_vecdot", _vecdot_meta)
CHOLESKY_INVERSE = _op("cholesky_inverse", _cholesky_inverse_meta)
CHOLESKY_SOLVE = _op("cholesky_solve", _cholesky_solve_meta)


# ---------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------

def _call(op, out, *args):
    if out is not None:
        return dispatch_out(op, out, *args)
    return dispatch(op, *args)


def matmul(input, other, *, out=None):
    if out is not None:
        return dispatch_out(MATMUL, out, input, other)
    return dispatch(MATMUL, input, other)


def mm(input, mat2, *, out=None):
    return _call(MM, out, input, mat2)


def bmm(input, mat2, *, out=None):
    return _call(BMM, out, input, mat2)


def mv(input, vec, *, out=None):
    return _call(MV, out, input, vec)


def dot(input, tensor, *, out=None):
    return _call(DOT, out, input, tensor)


def vdot(input, other, *, out=None):
    return _call(VDOT, out, input, other)


def inner(input, other, *, out=None):
    return _call(INNER, out, input, other)


def outer(input, vec2, *, out=None):
    return _call(OUTER, out, input, vec2)


ger = outer


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    return _call(ADDMM, out, input, mat1, mat2, beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    return _call(ADDMV, out, input, mat, vec, beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    return _call(ADDBMM, out, input, batch1, batch2, beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    return _call(BADDBMM, out, input, batch1, batch2, beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    return _call(ADDR, out, input, vec1, vec2, beta, alpha)


def _inplace(op, name):
    def fn(self, a, b, *, beta=1, alpha=1):
        spec = op.meta(self, a, b, beta, alpha)
        if spec.shape != self._shape:
            raise RuntimeError(f"Bad in-place call: input tensor size {list(self._shape)} and "
                               f"output tensor size {list(spec.shape)} should match")
        return dispatch_inplace(op, self, a, b, beta, alpha)
    fn.__name__ = name
    return fn


def kron(input, other, *, out=None):
    return _call(KRON, out, input, other)


def cross(input, other, dim=None, *, out=None):
    if dim is None:
        # deprecated default: the first dimension of size 3
        shape = broadcast_shapes(input._shape, other._shape) if input.dim() == other.dim() \
            else input._shape
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    return _call(CROSS, out, input, other, dim)


def trace(input):
    return dispatch(TRACE, input)


def tensordot(a, b, dims=2, out=None):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (list, tuple)):
        dims = (list(dims[0]) if isinstance(dims[0], (list, tuple)) else dims[0],
                list(dims[1]) if isinstance(dims[1], (list, tuple)) else dims[1])
    return _call(TENSORDOT, out, a, b, dims)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _sublist_eq(args):
    ops, terms = [], []

    def lab(sub):
        s = ""
        for v in sub:
            if v is Ellipsis:
                s += "..."
            else:
                if not 0 <= v < 52:
                    raise RuntimeError("einsum(): subscript in subscript list is not within the "
                                       "valid range [0, 52)")
                s += _LETTERS[v]
        return s
    i = 0
    while i + 1 < len(args):
        ops.append(args[i])
        terms.append(lab(args[i + 1]))
        i += 2
    eq = ",".join(terms)
    if i < len(args):
        eq += "->" + lab(args[i])
    return eq, ops


def einsum(*args):
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, "
                        "or at least one operand and its subscripts list")
    if isinstance(args[0], str):
        eq = args[0]
        ops = args[1:]
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = tuple(ops[0])
    else:
        eq, ops = _sublist_eq(args)
    return dispatch(EINSUM, eq, *ops)


def chain_matmul(*matrices, out=None):
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if len(matrices) == 0:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {m.dim()}, expected 2 instead.")
    if len(matrices) == 1:
        from .copy_ops import clone
        r = clone(matrices[0])
        if out is not None:
            from .copy_ops import copy_
            return copy_(out, r)
        return r
    return _call(MULTI_DOT, out, list(matrices))


def inverse(input, *, out=None):
    return _call(INV, out, input)


def det(input):
    return dispatch(DET, input)


def logdet(input):
    return dispatch(LOGDET, input)


SlogdetResult = namedtuple("slogdet", ["sign", "logabsdet"])


def slogdet(input):
    return SlogdetResult(*dispatch(SLOGDET, input))


def cholesky(input, upper=False, *, out=None):
    return _call(CHOLESKY, out, input, upper)


def pinverse(input, rcond=1e-15):
    return dispatch(PINV, input, rcond)


def matrix_power(input, n):
    return dispatch(MATRIX_POWER, input, n)


def matrix_exp(input):
    return dispatch(MATRIX_EXP, input)


def cholesky_inverse(input, upper=False, *, out=None):
    return _call(CHOLESKY_INVERSE, out, input, upper)


def cholesky_solve(input, input2, upper=False, *, out=None):
    return _call(CHOLESKY_SOLVE, out, input, input2, upper)


# ---------------------------------------------------------------------------------------
# Tensor methods
# ---------------------------------------------------------------------------------------

def _rmatmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return dispatch(MATMUL, other, self)


def _matmul_m(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return dispatch(MATMUL, self, other)


def _imatmul(self, other):
    r = dispatch(MATMUL, self, other)
    if r._shape != self._shape:
        raise RuntimeError(f"output with shape {list(self._shape)} doesn't match the broadcast "
                           f"shape {list(r._shape)}")
    from .copy_ops import copy_
    copy_(self, r)
    return self


for _f in (matmul, mm, bmm, mv, dot, vdot, inner, outer, ger, addmm, addmv, addbmm, baddbmm,
           addr, kron, cross, trace, inverse, det, logdet, slogdet, cholesky, pinverse,
           matrix_power, matrix_exp, cholesky_inverse, cholesky_solve):
    method(_f, name=_f.__name__)
method(outer, name="ger")
method(_matmul_m, name="__matmul__")
method(_rmatmul, name="__rmatmul__")
method(_imatmul, name="__imatmul__")
for _op_, _n in ((ADDMM, "addmm_"), (ADDMV, "addmv_"), (ADDBMM, "addbmm_"),
                 (BADDBMM, "baddbmm_"), (ADDR, "addr_")):
    method(_inplace(_op_, _n), name=_n)
