"""Registry-driven gradient harness: every op with a backward formula and a sample in
tests/mindtorch_v2/samples/<family>.py is gradchecked (float64 / complex128) against
central differences; a coverage test lists ops with neither a formula nor NONDIFF."""
from __future__ import annotations

import importlib

import pytest

import mindtorch_v2 as M
from mindtorch_v2._dispatch.dispatcher import dispatch
from mindtorch_v2._ops.registry import OPS
from mindtorch_v2.autograd.gradcheck import gradcheck

FAMILIES = ["elementwise", "reduction", "views", "indexing", "shape", "linalg", "fft",
            "nn_ops", "copy", "creation", "random"]
MAX_COORDS = 48  # real coordinates per sample: keeps the finite differences cheap


def _samples():
    out = {}
    for fam in FAMILIES:
        try:
            mod = importlib.import_module(f"samples.{fam}")
        except ImportError:
            continue
        for name, fns in getattr(mod, "SAMPLES", {}).items():
            out.setdefault(name, []).extend(fns)
    return out


SAMPLES = _samples()


def _formula_of(op):
    if op.backward is not None or op.nondiff:
        return op.backward
    out = op.extra.get("outplace") if op.inplace else None
    return out.backward if out is not None else None


# random ops: torch's gradient is not the derivative of the sampled value (normal's mean
# gets zeros), so central differences do not apply
GRAD_OPS = sorted(n for n in SAMPLES if n in OPS and _formula_of(OPS[n]) is not None
                  and OPS[n].family != "random")


def _hermitian(a):
    return a + a.transpose(-2, -1).conj()


# Like torch's OpInfo wrappers: ops reading one triangle get a Hermitian input (otherwise
# a perturbation of the other triangle is invisible to the forward but not to the formula);
# eigen/singular vectors are defined up to a sign/phase, so only their moduli are compared.
INPUT_WRAP = {n: _hermitian for n in ("linalg_cholesky", "linalg_cholesky_ex", "linalg_eigh",
                                      "linalg_eigvalsh")}
OUTPUT_WRAP = {
    "linalg_eigh": lambda out: (out[0], out[1].abs()),
    "linalg_eig": lambda out: (out[0], out[1].abs()),
    # with full_matrices the extra columns of U / rows of Vh are not unique (torch's own
    # gradcheck fails there): compare the columns paired with singular values only
    "linalg_svd": lambda out: (out[0][..., :out[1].shape[-1]].abs(), out[1],
                               out[2][..., :out[1].shape[-1], :].abs()),
    "linalg_lstsq": lambda out: out[0],  # torch differentiates the solution only
}


def _is_float(t):
    return isinstance(t, M.Tensor) and (t.dtype.is_floating_point or t.dtype.is_complex)


def _promote(t, k):
    """A float64 leaf moved off the samples' integer grid by a small per-element offset:
    kinks (floor, clamp bounds, ties of max/fmax, fmod jumps) sit on integers, and finite
    differences across a kink are meaningless."""
    with M.no_grad():
        t = t.detach().to(M.complex128 if t.dtype.is_complex else M.float64)
        off = (M.arange(t.numel(), dtype=M.float64) % 7) * 0.0031 + 0.0173 * (k + 1)
        off = off.reshape(t.shape)
        # complex: off the real axis too (branch cuts of acos, log, sqrt lie on it)
        t = t + (off * (1 + 0.5j) if t.dtype.is_complex else off)
    return t.requires_grad_()


def _prepare(args):
    """float64 leaves for the floating tensor args (a list argument gives several) and a
    function rebuilding the argument tuple from them."""
    leaves = []
    layout = []
    for a in args:
        if _is_float(a):
            leaves.append(_promote(a, len(leaves)))
            layout.append(1)
        elif type(a) in (list, tuple) and a and all(isinstance(t, M.Tensor) for t in a) \
                and any(_is_float(t) for t in a):
            for t in a:
                leaves.append(_promote(t, len(leaves)) if _is_float(t) else t)
            layout.append(len(a))
        else:
            layout.append(0)

    def rebuild(xs):
        res, k = [], 0
        for a, n in zip(args, layout):
            if n == 0:
                res.append(a)
            elif n == 1 and not isinstance(a, (list, tuple)):
                res.append(xs[k])
                k += 1
            else:
                res.append(type(a)(xs[k:k + n]))
                k += n
        return res
    return [x for x in leaves], rebuild


def _coords(xs):
    return sum(x.numel() * (2 if x.dtype.is_complex else 1) for x in xs if _is_float(x))


@pytest.mark.parametrize("name", GRAD_OPS)
def test_gradcheck_registry_op(name):
    op = OPS[name]
    checked = 0
    for sample in SAMPLES[name]:
        try:
            args, kwargs = sample(M)
        except Exception:  # noqa: BLE001 -- a sample this library cannot build
            continue
        leaves, rebuild = _prepare(args)
        diff = [x for x in leaves if _is_float(x)]
        if not diff or _coords(diff) > MAX_COORDS or any(x.numel() == 0 for x in diff):
            continue

        def fn(*xs):
            it = iter(xs)
            full = [next(it) if _is_float(x) else x for x in leaves]
            call = rebuild(full)
            if op.inplace:  # in-place ops need a non-leaf destination
                call[0] = call[0] * 1
            if name in INPUT_WRAP:
                call[0] = INPUT_WRAP[name](call[0])
            out = dispatch(op, *call, **kwargs)
            return OUTPUT_WRAP[name](out) if name in OUTPUT_WRAP else out
        try:
            with M.no_grad():
                out = fn(*diff)
        except Exception:  # noqa: BLE001 -- the forward rejects this sample
            continue
        outs = out if isinstance(out, (tuple, list)) else (out,)
        if not all(bool(o.isfinite().all()) for o in outs if _is_float(o)):
            continue  # outside the op's domain (acos(2), log(-1), ...)
        try:
            assert gradcheck(fn, tuple(diff), eps=1e-6, atol=1e-5, rtol=1e-3), name
        except (NotImplementedError, RuntimeError) as e:
            if not any(p in str(e) for p in ("not implemented", "not differentiable",
                                             "derivative of")):
                raise  # (otherwise torch has no derivative there either)
            continue
        checked += 1
    if not checked:
        pytest.skip(f"no differentiable sample for {name}")


def test_every_op_has_a_formula_or_is_nondiff():
    missing = sorted(n for n, op in OPS.items() if _formula_of(op) is None and not op.nondiff
                     and not (op.inplace and op.extra.get("outplace") is not None
                              and op.extra["outplace"].nondiff))
    assert not missing, f"{len(missing)} ops without a backward formula: {missing}"
