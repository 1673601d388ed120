"""Anomaly detection: remember where each node was created; report NaN gradients."""
from __future__ import annotations

import traceback
import warnings

ENABLED = [False]
CHECK_NAN = [True]


def record(node):
    node._anomaly = "".join(traceback.format_stack()[:-3])


def check(node, outs):
    if not CHECK_NAN[0]:
        return
    for i, g in enumerate(outs):
        if g is not None and (g.dtype.is_floating_point or g.dtype.is_complex) and \
                bool(g.isnan().any()):
            if node._anomaly:
                warnings.warn("Error detected in " + node.name() + ". Traceback of forward call "
                              "that caused the error:\n" + node._anomaly, RuntimeWarning,
                              stacklevel=2)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                               "output.")


class detect_anomaly:
    """Context manager enabling anomaly detection (forward traces + NaN checks)."""

    def __init__(self, check_nan=True):
        self.prev = ENABLED[0]
        self.prev_check = CHECK_NAN[0]
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        ENABLED[0] = True
        CHECK_NAN[0] = self.check_nan

    def __exit__(self, *exc):
        ENABLED[0] = self.prev
        CHECK_NAN[0] = self.prev_check
        return False


class set_detect_anomaly:
    """Set anomaly detection on or off (function form, or as a context manager)."""

    def __init__(self, mode, check_nan=True):
        self.prev = ENABLED[0]
        self.prev_check = CHECK_NAN[0]
        ENABLED[0] = bool(mode)
        CHECK_NAN[0] = check_nan

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        ENABLED[0] = self.prev
        CHECK_NAN[0] = self.prev_check
        return False


def is_anomaly_enabled():
    return ENABLED[0]


def is_anomaly_check_nan_enabled():
    return CHECK_NAN[0]
