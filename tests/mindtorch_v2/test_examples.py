"""The scripts in examples/ run: each in quick mode (MINDTORCH_EXAMPLE_QUICK=1), and the MLP
in full to its accuracy threshold.  Each runs in a fresh interpreter, as a user runs it."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

pytest.importorskip("sklearn")

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def _run(name, quick=True, *args):
    env = dict(os.environ, MINDTORCH_EXAMPLE_QUICK="1" if quick else "0")
    out = subprocess.run([sys.executable, str(EXAMPLES / name), *args], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def _accuracy(stdout):
    m = re.search(r"test accuracy: ([\d.]+)%", stdout)
    assert m, stdout
    return float(m.group(1))


def _losses(stdout):
    return [float(v) for v in re.findall(r"train loss ([\d.]+)", stdout)]


@pytest.mark.parametrize("name,min_acc", [("mlp_digits.py", 40.0), ("cnn_digits.py", 40.0)])
def test_digits_quick(name, min_acc):
    out = _run(name)
    losses = _losses(out)
    assert losses and all(v == v for v in losses)  # at least one epoch, no NaN
    assert _accuracy(out) > min_acc  # well above chance (10%) already


def test_mlp_digits_full_reaches_95_percent():
    out = _run("mlp_digits.py", quick=False)
    assert len(_losses(out)) == 30
    assert _losses(out)[-1] < _losses(out)[0]
    assert _accuracy(out) >= 95.0


def test_char_transformer_quick():
    out = _run("char_transformer.py", True, "--steps", "4")
    losses = _losses(out)
    assert len(losses) == 1 and losses[0] < 4.5  # about log(vocab) or lower after 4 steps
    sample = out.split("sample:\n", 1)[1]
    assert sample.startswith("THE ") and len(sample.rstrip("\n")) >= 20
