"""detect_anomaly / set_detect_anomaly compared with torch."""
from __future__ import annotations

import warnings

import pytest
import torch as T

import mindtorch_v2 as M


def _nan_backward(lib):
    x = lib.zeros(2, requires_grad=True)
    y = x.sqrt()  # FORWARD-MARKER: its backward gives 0 / 0 = nan
    (y * 0).sum().backward()


@pytest.mark.parametrize("lib", [M, T], ids=["mindtorch", "torch"])
def test_detect_anomaly_names_node_and_forward_trace(lib):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError) as e:
            with lib.autograd.detect_anomaly():
                _nan_backward(lib)
    assert "Function 'SqrtBackward0' returned nan values in its 0th output." in str(e.value)
    msgs = [str(x.message) for x in w]
    assert any("Anomaly Detection has been enabled" in m for m in msgs)
    trace = [m for m in msgs if "Error detected in SqrtBackward0" in m]
    assert trace and "FORWARD-MARKER" in trace[0]
    assert not lib.is_anomaly_enabled()


def test_no_error_without_anomaly_mode():
    for lib in (M, T):
        _nan_backward(lib)  # nan gradients pass silently


def test_set_detect_anomaly_and_check_nan_flag():
    for lib in (M, T):
        with lib.autograd.set_detect_anomaly(True, check_nan=False):
            assert lib.is_anomaly_enabled()
            assert not lib.is_anomaly_check_nan_enabled()
            _nan_backward(lib)  # check_nan=False: no error
        assert not lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(True)
        try:
            assert lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        finally:
            lib.autograd.set_detect_anomaly(False)
        assert not lib.is_anomaly_enabled()


def test_anomaly_mode_gradients_unchanged():
    for lib in (M, T):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly():
                x = lib.tensor([1., 2.], requires_grad=True)
                (x * x).sum().backward()
        assert x.grad.tolist() == [2., 4.]
