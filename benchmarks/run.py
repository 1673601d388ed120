"""Time the same workloads on mindtorch_v2 and on real PyTorch in one run; print ratios.

    python benchmarks/run.py            # all workloads
    python benchmarks/run.py -k matmul  # those whose name contains "matmul"

Both libraries run single-threaded (OPENBLAS/OMP/MKL threads = 1 before NumPy loads,
torch.set_num_threads(1)), interleaved in one process so machine noise hits both alike.
A ratio is mindtorch time / torch time (lower is better; <= 1 means mindtorch is faster);
for throughput rows (GFLOP/s) it is still time-based.  Import time is measured in fresh
interpreters (median of several).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import timeit

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from workloads import WORKLOADS  # noqa: E402
import workloads as _workloads  # noqa: E402


def best_time(fn, repeat=5, min_time=0.2):
    """Seconds per call: best of ``repeat`` runs of an auto-ranged loop."""
    fn()  # warm up
    timer = timeit.Timer(fn)
    n, _ = timer.autorange()
    n = max(1, int(n * min_time / 0.2))
    return min(timer.repeat(repeat=repeat, number=n)) / n


def import_time(module, runs=7):
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=os.environ, check=True)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="only workloads whose name contains this")
    ap.add_argument("--no-import", action="store_true", help="skip the import-time row")
    args = ap.parse_args(argv)

    import mindtorch_v2 as mt
    libs = [("mindtorch_v2", mt)]
    try:
        import torch
        torch.set_num_threads(1)
        libs.append(("torch", torch))
    except ImportError:
        print("torch not importable: printing mindtorch_v2 times only")

    header = f"{'workload':<34}{'mindtorch_v2':>16}{'torch':>16}{'ratio':>8}  target"
    print(header)
    print("-" * len(header))
    for name, unit, scale, target, make in WORKLOADS:
        if args.k not in name:
            continue
        times = []
        for _, lib in libs:
            fn = make(lib)
            times.append(best_time(fn))
        cells = [f"{scale(t):>12.2f} {unit:<3}" for t in times]
        ratio = f"{times[0] / times[1]:>7.2f}x" if len(times) == 2 else ""
        print(f"{name:<34}{cells[0]:>16}{cells[1] if len(cells) > 1 else '':>16}{ratio:>8}"
              f"  {target}")
    # memory rows: one measurement per library, each in its own interpreter
    for name, unit, measure, target in getattr(_workloads, "MEMORY_WORKLOADS", []):
        if args.k not in name:
            continue
        vals = [measure(n) for n, _ in libs]
        ratio = f"{vals[0] / vals[1]:>7.2f}x" if len(vals) == 2 and vals[1] > 0 else ""
        cells = [f"{v:>12.1f} {unit:<3}" for v in vals]
        print(f"{name:<34}{cells[0]:>16}{cells[1] if len(cells) > 1 else '':>16}{ratio:>8}"
              f"  {target}")
    if not args.no_import and "import" in "import" + args.k:
        ti = [import_time(n) for n, _ in libs]
        ratio = f"{ti[0] / ti[1]:>7.2f}x" if len(ti) == 2 else ""
        cells = [f"{t * 1e3:>12.1f} ms " for t in ti]
        print(f"{'import time':<34}{cells[0]:>16}{cells[1] if len(cells) > 1 else '':>16}"
              f"{ratio:>8}  < 1x")


if __name__ == "__main__":
    main()
