"""``python -m mindtorch_v2.npu.selftest``: check the NPU stack on this machine.

Run this first on an Ascend machine (or with ``--sim`` / ``MINDTORCH_NPU=sim`` on the
software device). Each check exercises one layer -- runtime, memory, copies, every kernel of
the NPU table against NumPy, streams and events -- and the result is a pass/fail table.
Exit status: 0 when every check passed.
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback

import numpy as np


def _checks(torch):
    npu = torch.npu
    rng = np.random.default_rng(0)
    a_np = rng.standard_normal((3, 4)).astype(np.float32)
    b_np = rng.standard_normal((3, 4)).astype(np.float32)

    def on(x):
        return torch.tensor(x, device="npu")

    def close(t, ref, tol=1e-5):
        got = t.cpu().numpy()
        if got.shape != np.shape(ref) or not np.allclose(got, ref, rtol=tol, atol=tol):
            raise AssertionError(f"got {got!r}, expected {np.asarray(ref)!r}")

    def runtime():
        assert npu.is_available() and npu.device_count() >= 1
        npu.set_device(0)
        assert npu.current_device() == 0 and npu.get_device_name(0)

    def memory():
        free, total = npu.mem_get_info()
        assert 0 <= free <= total and total > 0
        before = npu.memory_allocated()
        t = torch.empty(1 << 20, device="npu")
        assert npu.memory_allocated() >= before + (4 << 20)
        del t
        assert npu.memory_allocated() == before

    def roundtrip():
        close(on(a_np), a_np)
        close(on(a_np)[:, 1:3], a_np[:, 1:3])
        close(on(a_np).t().contiguous(), a_np.T)

    def casts():
        close(on(a_np).to(torch.int32), a_np.astype(np.int32))
        close(on(a_np).half().float(), a_np.astype(np.float16).astype(np.float32), 1e-3)

    def strided_copy():
        x = torch.zeros(3, 4, device="npu")
        x[:1].copy_(on(b_np[:1]))
        ref = np.zeros((3, 4), np.float32)
        ref[:1] = b_np[:1]
        close(x, ref)

    def elementwise():
        x, y = on(a_np), on(b_np)
        close(x + y, a_np + b_np)
        close(torch.add(x, y, alpha=2), a_np + 2 * b_np)
        close(x - y, a_np - b_np)
        close(x * y, a_np * b_np)
        close(x / y, a_np / b_np)
        close(torch.maximum(x, y), np.maximum(a_np, b_np))
        close(torch.exp(x), np.exp(a_np))
        close(torch.abs(x), np.abs(a_np))
        close(torch.tanh(x), np.tanh(a_np))

    def matmul_sum():
        x = on(a_np)
        close(x @ x.t(), a_np @ a_np.T, 1e-4)
        close(x.sum(), a_np.sum(), 1e-4)
        close(x.sum(1, keepdim=True), a_np.sum(1, keepdims=True), 1e-4)

    def streams_events():
        s = npu.Stream()
        start, end = npu.Event(enable_timing=True), npu.Event(enable_timing=True)
        x = on(a_np)
        s.wait_stream(npu.current_stream())
        with npu.stream(s):
            start.record()
            y = x * 2
            end.record()
        npu.current_stream().wait_stream(s)
        end.synchronize()
        assert end.query() and start.elapsed_time(end) >= 0
        close(y, a_np * 2)

    return [("runtime / devices", runtime), ("memory / allocator", memory),
            ("host <-> device copies", roundtrip), ("dtype casts", casts),
            ("strided copy_", strided_copy), ("elementwise kernels", elementwise),
            ("matmul / sum", matmul_sum), ("streams / events", streams_events)]


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m mindtorch_v2.npu.selftest", description=__doc__)
    p.add_argument("--sim", action="store_true", help="use the software Ascend device")
    p.add_argument("-v", "--verbose", action="store_true", help="print tracebacks")
    args = p.parse_args(argv)
    import mindtorch_v2 as torch
    if args.sim:
        torch.npu.use_simulator()
    if not torch.npu.is_available():
        from .._backends.npu import acl
        print("NPU not available: " + acl.NOT_AVAILABLE_HELP)
        return 1
    backend = "simulator" if torch._backends.npu.acl.get().simulated else "CANN"
    print(f"mindtorch_v2 NPU self-test ({backend}, {torch.npu.device_count()} device(s))")
    rows, failures = [], 0
    for name, fn in _checks(torch):
        t0 = time.perf_counter()
        try:
            fn()
            status, detail = "PASS", ""
        except Exception as e:   # noqa: BLE001 - every failure becomes a table row
            failures += 1
            status = "FAIL"
            detail = f"{type(e).__name__}: {e}".splitlines()[0][:100]
            if args.verbose:
                traceback.print_exc()
        rows.append((name, status, f"{(time.perf_counter() - t0) * 1000:.0f} ms", detail))
    width = max(len(r[0]) for r in rows)
    print(f"{'check':<{width}}  result  time     detail")
    print("-" * (width + 30))
    for name, status, ms, detail in rows:
        print(f"{name:<{width}}  {status:<6}  {ms:<7}  {detail}")
    print(f"{len(rows) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
