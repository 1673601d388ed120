"""Benchmark workloads: each builds, for a library module (mindtorch_v2 or torch), a
zero-argument callable doing the work once.  The same code runs on both libraries.

Row: (name, unit, scale(seconds_per_call) -> shown number, target, make(lib) -> fn)
"""
from __future__ import annotations

import numpy as np


def _us(t):
    return t * 1e6


def _ms(t):
    return t * 1e3


def _gflops(flops):
    return lambda t: flops / t / 1e9


def _data(lib, shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return lib.from_numpy(a)


def add_1elem(lib):
    a, b = lib.tensor([1.0]), lib.tensor([2.0])
    add = lib.add
    return lambda: add(a, b)


def chain_10(lib):
    x = lib.tensor([0.5, 1.5, 2.5, 3.5])

    def f():
        y = x + 1
        y = y * 2
        y = y - 0.5
        y = y / 3
        y = lib.exp(y)
        y = lib.log(y)
        y = lib.sin(y)
        y = y.abs()
        y = y.sqrt()
        return y.neg()
    return f


def fma_1m(lib):
    a, b, c = (_data(lib, (1 << 20,), s) for s in range(3))
    return lambda: a * b + c


def matmul(n):
    def make(lib):
        a, b = _data(lib, (n, n), 1), _data(lib, (n, n), 2)
        mm = lib.matmul
        return lambda: mm(a, b)
    return make


def sum_dim(lib):
    x = _data(lib, (4096, 4096))
    return lambda: x.sum(dim=1)


def adv_index(lib):
    x = _data(lib, (100000, 16))
    idx = lib.from_numpy(np.random.default_rng(3).integers(0, 100000, 50000))
    return lambda: x[idx]


def mul_1elem_grad(lib):
    """A small op whose inputs require grad: kernel + autograd node creation."""
    a = lib.tensor([1.0], requires_grad=True)
    b = lib.tensor([2.0], requires_grad=True)
    return lambda: a * b


def backward_chain_1000(lib):
    """Forward and backward through a chain of 1000 small ops."""
    x = lib.tensor([0.5, 1.5], requires_grad=True)

    def f():
        y = x
        for _ in range(500):
            y = y * 1.0001
            y = y + 0.001
        y.sum().backward()
        x.grad = None
    return f


def _train_step(lib, model, opt, x, loss_of):
    """One optimizer step: zero_grad, forward, loss, backward, step."""
    def f():
        opt.zero_grad()
        loss_of(model(x)).backward()
        opt.step()
    return f


def _mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                         nn.Linear(512, 10))


def train_mlp(lib):
    """MLP 784-512-512-10, batch 128, cross-entropy, SGD with momentum."""
    lib.manual_seed(0)
    model = _mlp(lib)
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    y = lib.from_numpy(np.random.default_rng(1).integers(0, 10, 128))
    ce = lib.nn.CrossEntropyLoss()
    return _train_step(lib, model, opt, _data(lib, (128, 784)), lambda out: ce(out, y))


def train_lenet(lib):
    """LeNet-5 style CNN on 1x28x28, batch 64, cross-entropy, SGD with momentum."""
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    y = lib.from_numpy(np.random.default_rng(1).integers(0, 10, 64))
    ce = nn.CrossEntropyLoss()
    return _train_step(lib, model, opt, _data(lib, (64, 1, 28, 28)), lambda out: ce(out, y))


def train_transformer_block(lib):
    """Pre-LN transformer encoder block, d=256, 4 heads, seq 128, batch 8, Adam."""
    lib.manual_seed(0)
    model = lib.nn.TransformerEncoderLayer(256, 4, 1024, dropout=0.0, batch_first=True,
                                           norm_first=True)
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    return _train_step(lib, model, opt, _data(lib, (8, 128, 256)),
                       lambda out: out.pow(2).mean())


# Peak memory is measured in a fresh interpreter per library: tracemalloc cannot see
# torch's C++ allocations, so both are compared by the growth of peak RSS over the RSS once
# the model, optimizer and data exist.  The peak (VmHWM) is reset after setup through
# /proc/self/clear_refs, otherwise an import-time peak would hide the training loop's.
_MEMORY_SCRIPT = """
import os, sys
for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
sys.path.insert(0, {here!r})
import importlib, workloads
lib = importlib.import_module({lib!r})
if {lib!r} == "torch":
    lib.set_num_threads(1)
step = workloads.{make}(lib)
def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) * 1024
base = status("VmRSS:")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak RSS to the current RSS
for _ in range({steps}):
    step()
print(status("VmHWM:") - base)
"""


def peak_rss_growth(lib_name, make="train_mlp", steps=200):
    """Bytes by which peak RSS grows above the post-setup RSS while running ``steps`` steps
    of workload ``make`` on ``lib_name`` ("mindtorch_v2" or "torch"), in a subprocess."""
    import os
    import subprocess
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    code = _MEMORY_SCRIPT.format(here=here, lib=lib_name, make=make, steps=steps)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip().splitlines()[-1])


# (name, unit, lib_name -> value, target): values measured once per library, not timed
MEMORY_WORKLOADS = [
    ("memory: MLP train 200 steps (RSS)", "MB",
     lambda lib: peak_rss_growth(lib) / 2 ** 20, "<= 1.5x"),
]


WORKLOADS = [
    ("per-op: add 1-element", "us", _us, "<= 3x", add_1elem),
    ("per-op: chain of 10 small ops", "us", _us, "<= 3x", chain_10),
    ("autograd: a*b 1-element, requires_grad", "us", _us, "<= 3x", mul_1elem_grad),
    ("autograd: fwd+backward, chain of 1000 ops", "ms", _ms, "<= 3x", backward_chain_1000),
    ("elementwise: a*b+c, 1M float32", "ms", _ms, "<= 1.5x", fma_1m),
    ("matmul 1024 float32 (GFLOP/s)", "GF", _gflops(2 * 1024 ** 3), "<= 1.1x", matmul(1024)),
    ("matmul 2048 float32 (GFLOP/s)", "GF", _gflops(2 * 2048 ** 3), "<= 1.1x", matmul(2048)),
    ("reduction: sum(dim=1) 4096x4096", "ms", _ms, "", sum_dim),
    ("advanced indexing: x[idx] 50k rows", "ms", _ms, "", adv_index),
    ("train: MLP 784-512x2-10 b128 SGD", "ms", _ms, "<= 1.5x", train_mlp),
    ("train: LeNet b64 1x28x28 SGD", "ms", _ms, "<= 2x", train_lenet),
    ("train: preLN block d256 b8 Adam", "ms", _ms, "<= 1.5x",
     train_transformer_block),
]
