"""CPU/meta agreement: every registered op, run on CPU and on meta, gives the same metadata.

Samples come from ``tests/mindtorch_v2/samples/<family>.py``: ``SAMPLES = {op_name:
[fn(lib) -> (args, kwargs)]}`` building CPU tensors; an optional ``DATA_DEPENDENT`` set names
ops whose meta kernel may raise NotImplementedError (output shape depends on the data).
"""
from __future__ import annotations

import importlib.util
import pathlib

import pytest

import mindtorch_v2 as M
from mindtorch_v2._dispatch.dispatcher import dispatch
from mindtorch_v2._ops.registry import OPS

SAMPLE_DIR = pathlib.Path(__file__).resolve().parent.parent / "samples"


def _load_samples():
    samples, data_dependent, errors = {}, set(), {}
    for path in sorted(SAMPLE_DIR.glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"_mt_samples_{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except Exception as e:  # noqa: BLE001 -- reported by test_sample_modules_import
            errors[path.name] = repr(e)
            continue
        for name, fns in getattr(mod, "SAMPLES", {}).items():
            samples.setdefault(name, []).extend(fns)
        data_dependent |= set(getattr(mod, "DATA_DEPENDENT", ()))
    return samples, data_dependent, errors


SAMPLES, DATA_DEPENDENT, LOAD_ERRORS = _load_samples()


def _to_meta(x):
    if isinstance(x, M.Tensor):
        return x.to("meta")
    if type(x) in (list, tuple):
        return type(x)(_to_meta(v) for v in x)
    if isinstance(x, dict):
        return {k: _to_meta(v) for k, v in x.items()}
    return x


def _outputs(op, args, result):
    if op.inplace:
        return [args[0]]
    if isinstance(result, M.Tensor):
        return [result]
    if isinstance(result, (tuple, list)):
        return [r for r in result if isinstance(r, M.Tensor)] or [result]
    return [result]


def _run(op, args, kwargs):
    try:
        return dispatch(op, *args, **kwargs), None
    except Exception as e:  # noqa: BLE001
        return None, e


def test_sample_modules_import():
    assert not LOAD_ERRORS, f"sample modules failed to import: {LOAD_ERRORS}"


def test_every_registered_op_has_a_sample():
    missing = sorted(n for n in OPS if not SAMPLES.get(n))
    assert not missing, f"{len(missing)} registered ops have no sample: {missing}"


def test_samples_name_registered_ops():
    unknown = sorted(n for n in SAMPLES if n not in OPS)
    assert not unknown, f"samples for ops that are not registered: {unknown}"


@pytest.mark.parametrize("name", sorted(n for n in SAMPLES if n in OPS))
def test_cpu_meta_agree(name):
    op = OPS[name]
    for i, fn in enumerate(SAMPLES[name]):
        args, kwargs = fn(M)
        margs, mkwargs = _to_meta(args), _to_meta(kwargs)
        cpu, cerr = _run(op, list(args), kwargs)
        meta, merr = _run(op, list(margs), mkwargs)
        where = f"{name} sample {i}"
        if cerr is not None:
            assert merr is not None, f"{where}: CPU raised {cerr!r} but meta did not"
            assert type(merr) is type(cerr), f"{where}: CPU raised {cerr!r}, meta {merr!r}"
            continue
        if merr is not None:
            if isinstance(merr, NotImplementedError) and name in DATA_DEPENDENT:
                continue
            raise AssertionError(f"{where}: meta raised {merr!r}, CPU did not") from merr
        couts = _outputs(op, list(args), cpu)
        mouts = _outputs(op, list(margs), meta)
        assert len(couts) == len(mouts), f"{where}: {len(couts)} vs {len(mouts)} outputs"
        for j, (c, m) in enumerate(zip(couts, mouts)):
            w = f"{where} output {j}"
            if not isinstance(c, M.Tensor):
                assert not isinstance(m, M.Tensor), f"{w}: CPU gave {c!r}, meta a tensor"
                continue
            assert isinstance(m, M.Tensor), f"{w}: meta gave {m!r}"
            assert m.device.type == "meta", f"{w}: meta result on {m.device}"
            assert tuple(c.shape) == tuple(m.shape), f"{w}: shape {c.shape} vs {m.shape}"
            assert c.dtype is m.dtype, f"{w}: dtype {c.dtype} vs {m.dtype}"
            assert c.stride() == m.stride(), f"{w}: stride {c.stride()} vs {m.stride()}"
            if op.view:
                assert c.storage_offset() == m.storage_offset(), \
                    f"{w}: offset {c.storage_offset()} vs {m.storage_offset()}"
