"""Render an NPU memory snapshot as a self-contained HTML page.

    python -m mindtorch_v2.npu.memory_viz snapshot.pickle -o memory.html

The snapshot is what ``torch.npu.memory._dump_snapshot`` pickles (the layout of
``torch.cuda.memory._snapshot()``). The page draws every segment as a bar whose blocks are
coloured by state, and, when a history was recorded, allocated and reserved memory over the
recorded events. Everything is inline (SVG, CSS, a few lines of JS showing a block's stack
trace on click), so the file opens offline.
"""
from __future__ import annotations

import argparse
import html
import json
import pickle
import sys

__all__ = ["render_html", "main"]

STATE_COLORS = {"active_allocated": "#d9534f", "active_pending_free": "#f0ad4e",
                "inactive": "#5cb85c"}
BAR_W, BAR_H, LABEL_W = 900, 18, 260
PLOT_W, PLOT_H = 1000, 260

_CSS = """body{font-family:sans-serif;margin:16px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:24px}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
rect.blk{cursor:pointer;stroke:#fff;stroke-width:.5}rect.blk:hover{stroke:#000;stroke-width:1}
#info{white-space:pre;font-family:monospace;font-size:12px;background:#f6f6f6;padding:8px;
min-height:40px;border:1px solid #ddd}"""

_JS = """var BLOCKS=JSON.parse(document.getElementById('blocks').textContent);
function show(i){var b=BLOCKS[i];var t=b.title+'\\n';
b.frames.forEach(function(f){t+='  '+f.filename+':'+f.line+' '+f.name+'\\n'});
if(!b.frames.length)t+='  (no stack recorded: torch.npu.memory._record_memory_history())';
document.getElementById('info').textContent=t;}"""


def _size(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def _frames(frames):
    return [{"filename": str(f.get("filename", "?")), "line": int(f.get("line", 0)),
             "name": str(f.get("name", "?"))} for f in (frames or [])]


def _segments_svg(segments, blocks_out):
    """One bar per segment, scaled to the largest segment; blocks go to ``blocks_out``."""
    if not segments:
        return "<p>No segments: nothing is reserved.</p>"
    biggest = max(s["total_size"] for s in segments) or 1
    h = len(segments) * (BAR_H + 6) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_W + BAR_W + 10}" '
             f'height="{h}" class="segments">']
    for row, seg in enumerate(segments):
        y = 6 + row * (BAR_H + 6)
        label = (f"{seg.get('segment_type', '?')} {seg['address']:#x} "
                 f"{_size(seg['total_size'])} s{seg.get('stream', 0)}")
        parts.append(f'<text x="0" y="{y + BAR_H - 5}" font-size="12">{html.escape(label)}</text>')
        width = BAR_W * seg["total_size"] / biggest
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{width:.2f}" height="{BAR_H}" '
                     'fill="none" stroke="#999"/>')
        for b in seg.get("blocks", []):
            x = LABEL_W + BAR_W * (b["address"] - seg["address"]) / biggest
            w = max(BAR_W * b["size"] / biggest, 0.5)
            state = b.get("state", "inactive")
            title = (f"{state} {b['address']:#x} size {_size(b['size'])} "
                     f"requested {_size(b.get('requested_size', 0))}")
            idx = len(blocks_out)
            blocks_out.append({"title": title, "frames": _frames(b.get("frames"))})
            parts.append(f'<rect class="blk" x="{x:.2f}" y="{y}" width="{w:.2f}" '
                         f'height="{BAR_H}" fill="{STATE_COLORS.get(state, "#777")}" '
                         f'data-state="{state}" onclick="show({idx})">'
                         f'<title>{html.escape(title)}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def _history_svg(trace):
    """Allocated and reserved bytes after each recorded event, as two polylines."""
    allocated = reserved = 0
    points = [(0, 0)]
    for e in trace:
        act, size = e.get("action"), e.get("size", 0)
        allocated += {"alloc": size, "free_completed": -size}.get(act, 0)
        reserved += {"segment_alloc": size, "segment_free": -size}.get(act, 0)
        points.append((allocated, reserved))
    top = max(max(p) for p in points) or 1
    n = max(len(points) - 1, 1)

    def line(i):
        return " ".join(f"{40 + (PLOT_W - 50) * k / n:.1f},"
                        f"{PLOT_H - 20 - (PLOT_H - 40) * p[i] / top:.1f}"
                        for k, p in enumerate(points))

    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{PLOT_W}" height="{PLOT_H}" '
            'class="history">'
            f'<line x1="40" y1="{PLOT_H - 20}" x2="{PLOT_W - 10}" y2="{PLOT_H - 20}" stroke="#444"/>'
            f'<line x1="40" y1="20" x2="40" y2="{PLOT_H - 20}" stroke="#444"/>'
            f'<text x="44" y="16" font-size="12">peak {html.escape(_size(top))}</text>'
            f'<text x="{PLOT_W - 160}" y="{PLOT_H - 4}" font-size="12">{len(trace)} events</text>'
            f'<polyline class="reserved" fill="none" stroke="#337ab7" points="{line(1)}"/>'
            f'<polyline class="allocated" fill="none" stroke="#d9534f" points="{line(0)}"/>'
            "</svg>"
            '<div class="legend"><span style="background:#d9534f"></span>allocated'
            '<span style="background:#337ab7"></span>reserved</div>')


def render_html(snapshot, title="NPU memory snapshot"):
    """The HTML page (a string) for ``snapshot`` (a dict with ``segments`` and optionally
    ``device_traces``)."""
    segments = sorted(snapshot.get("segments", []), key=lambda s: s["address"])
    blocks = []
    seg_svg = _segments_svg(segments, blocks)
    traces = [e for dev in snapshot.get("device_traces", []) for e in dev]
    reserved = sum(s["total_size"] for s in segments)
    allocated = sum(s.get("allocated_size", 0) for s in segments)
    legend = "".join(f'<span style="background:{c}"></span>{s}' for s, c in STATE_COLORS.items())
    history = (_history_svg(traces) if traces else
               "<p>No history recorded (enable torch.npu.memory._record_memory_history()).</p>")
    data = json.dumps(blocks).replace("</", "<\\/")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p>device {html.escape(str(snapshot.get('device', 0)))}: {len(segments)} segments, "
            f"{html.escape(_size(reserved))} reserved, {html.escape(_size(allocated))} allocated"
            f"</p><h2>Segments</h2><div class='legend'>{legend}</div>{seg_svg}"
            f"<div id='info'>Click a block to see where it was allocated.</div>"
            f"<h2>History</h2>{history}"
            f"<script type='application/json' id='blocks'>{data}</script>"
            f"<script>{_JS}</script></body></html>")


def main(argv=None):
    """CLI: ``python -m mindtorch_v2.npu.memory_viz snapshot.pickle [-o out.html]``."""
    parser = argparse.ArgumentParser(prog="python -m mindtorch_v2.npu.memory_viz",
                                     description="Render an NPU memory snapshot as HTML.")
    parser.add_argument("snapshot", help="pickle written by torch.npu.memory._dump_snapshot")
    parser.add_argument("-o", "--output", help="HTML file to write (default: <snapshot>.html)")
    args = parser.parse_args(argv)
    with open(args.snapshot, "rb") as f:
        snapshot = pickle.load(f)
    out = args.output or args.snapshot.rsplit(".", 1)[0] + ".html"
    with open(out, "w", encoding="utf-8") as f:
        f.write(render_html(snapshot, title=f"NPU memory: {args.snapshot}"))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
