"""memory_viz: a self-contained HTML page from a snapshot, and its command line."""
import os
import pickle
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from mindtorch_v2._backends.npu.allocator import NpuAllocator
from mindtorch_v2.npu import memory_viz

MiB = 1 << 20


def _snapshot(record=True):
    live = {}
    nxt = [1 << 40]

    def malloc(n):
        nxt[0] += n
        live[nxt[0] - n] = n
        return nxt[0] - n

    class S:
        stream_id, queued, done = 5, 1, 0

    a = NpuAllocator(0, raw_malloc=malloc, raw_free=live.pop, mem_get_info=lambda: (0, 1 << 30),
                     record_event=lambda s: s, query_event=lambda s: s.done >= s.queued)
    if record:
        a.record_memory_history("all")
    ptrs = [a.malloc(n) for n in (1000, 2000, 5 * MiB, 12 * MiB)]
    a.free(ptrs[1])
    a.record_stream(ptrs[2], S())
    a.free(ptrs[2])                       # pending: stream 5 has unfinished work
    return a.snapshot()


def _svgs(page):
    return re.findall(r"<svg.*?</svg>", page, flags=re.S)


def test_render_segments_blocks_and_history():
    snap = _snapshot()
    page = memory_viz.render_html(snap)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>")
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")   # no network
    assert "https://" not in page
    seg_svg, hist_svg = _svgs(page)
    root = ET.fromstring(seg_svg)                 # well-formed SVG
    rects = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "blk"]
    states = [r.get("data-state") for r in rects]
    expected = [b["state"] for s in sorted(snap["segments"], key=lambda s: s["address"])
                for b in s["blocks"]]
    assert states == expected
    assert {"active_allocated", "active_pending_free", "inactive"} <= set(states)
    for r in rects:
        assert r.get("fill") == memory_viz.STATE_COLORS[r.get("data-state")]
    hist = ET.fromstring(hist_svg)
    lines = {p.get("class"): p.get("points") for p in hist.iter("{http://www.w3.org/2000/svg}polyline")}
    events = sum(len(t) for t in snap["device_traces"])
    assert set(lines) == {"allocated", "reserved"}
    assert len(lines["allocated"].split()) == events + 1
    assert "_snapshot" in page                    # recorded stack frames are embedded


def test_render_without_history_or_segments():
    page = memory_viz.render_html(_snapshot(record=False))
    assert len(_svgs(page)) == 1 and "No history recorded" in page
    empty = memory_viz.render_html({"segments": []})
    assert "nothing is reserved" in empty and not _svgs(empty)


def test_script_data_cannot_close_the_tag():
    snap = _snapshot()
    snap["segments"][0]["blocks"][0]["frames"] = [
        {"filename": "</script><b>x", "line": 1, "name": "f"}]
    page = memory_viz.render_html(snap)
    assert "</script><b>" not in page


def test_cli_writes_html(tmp_path):
    path = tmp_path / "snapshot.pickle"
    with open(path, "wb") as f:
        pickle.dump(_snapshot(), f)
    out = tmp_path / "memory.html"
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-m", "mindtorch_v2.npu.memory_viz", str(path),
                           "-o", str(out)], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    page = out.read_text()
    assert "<svg" in page and "active_allocated" in page
    assert memory_viz.main([str(path)]) == 0      # default output name next to the pickle
    assert (tmp_path / "snapshot.html").exists()
