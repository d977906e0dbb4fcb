#!/usr/bin/env python3
"""Renders the committed HTML reports in headless Chromium and checks what a reader would see.

For each page given: Chromium loads it from a file URL with every host name unresolvable (a page
that fetched anything would log a failed load), prints its DOM and takes a screenshot. The check
fails when Chromium logs any console message (the page has no script, so any is an error: a
failed load, a bad style, a parse error), when the DOM lacks one of the charts (by id), or when the
screenshot is blank or lacks the colours the charts are drawn in.

Standard library only: the PNG is decoded with zlib. Usage: check.py CHROMIUM PAGE.html...
"""

import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

CHART_IDS = ["chart-phases", "chart-gate", "chart-score", "chart-trends", "chart-gantt", "chart-waves"]
SECTION_IDS = ["phases", "barrier", "score", "trends", "rollout", "actions", "kpis"]
# Colours only the charts (and the barrier point's box) are painted in (docs/report.md, "The browser
# check"): each must cover at least MIN_PIXELS pixels of the screenshot.
COLOURS = {
    "gantt: done": (0x66, 0xBB, 0x6A),
    "gantt: ready": (0xFF, 0xCA, 0x28),
    "gantt: blocked": (0xBD, 0xBD, 0xBD),
    "trend: weekly-active line": (0x15, 0x65, 0xC0),
    "trend: habit line": (0xEF, 0x6C, 0x00),
    "gate: the barrier criterion's bar": (0xD8, 0x43, 0x15),
    "the barrier point's box": (0xFD, 0xEC, 0xEA),
    "gantt legend: overdue": (0xE5, 0x39, 0x35),
    "wave map: pilot unit": (0xC8, 0xE6, 0xC9),
    "wave map: unit of a later wave": (0xE3, 0xF2, 0xFD),
}
MIN_PIXELS = 40
WIDTH, HEIGHT = 1240, 7000


def chromium(binary, args, timeout=120):
    base = [
        binary,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--window-size={WIDTH},{HEIGHT}",
    ]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=timeout)


def decode_png(data):
    """Width, height and rows of RGB tuples of an 8-bit, non-interlaced RGB or RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def check(binary, page):
    problems = []
    url = "file://" + os.path.abspath(page)
    dom = chromium(binary, ["--dump-dom", url])
    for line in dom.stderr.splitlines():
        if "CONSOLE" in line:
            problems.append(f"console: {line.strip()}")
    if dom.returncode != 0:
        problems.append(f"chromium --dump-dom exited with {dom.returncode}: {dom.stderr[-500:]}")
    for id_ in CHART_IDS + SECTION_IDS:
        if f'id="{id_}"' not in dom.stdout:
            problems.append(f"the rendered page has no element with id {id_}")
    for id_ in CHART_IDS:
        if id_ != "chart-trends" and not re.search(rf'<svg id="{id_}"[^>]*role="img"', dom.stdout):
            problems.append(f"chart {id_} is not an <svg> in the rendered page")
    trends = dom.stdout.split('id="chart-trends"', 1)[-1].split("</div>", 1)[0]
    if trends.count("<svg") < 2:
        problems.append("the trends hold fewer than two charts")

    with tempfile.TemporaryDirectory() as tmp:
        shot = os.path.join(tmp, "page.png")
        run = chromium(binary, [f"--screenshot={shot}", url])
        for line in run.stderr.splitlines():
            if "CONSOLE" in line:
                problems.append(f"console: {line.strip()}")
        if not os.path.exists(shot):
            return problems + [f"no screenshot (exit {run.returncode}): {run.stderr[-500:]}"]
        with open(shot, "rb") as f:
            width, height, bpp, rows = decode_png(f.read())
    counts = {name: 0 for name in COLOURS}
    ink = 0
    for row in rows:
        for x in range(0, width * bpp, bpp):
            r, g, b = row[x], row[x + 1], row[x + 2]
            if r < 245 or g < 245 or b < 245:
                ink += 1
                for name, (cr, cg, cb) in COLOURS.items():
                    if abs(r - cr) <= 6 and abs(g - cg) <= 6 and abs(b - cb) <= 6:
                        counts[name] += 1
    share = ink / (width * height)
    if share < 0.02:
        problems.append(f"the screenshot is blank: {share:.2%} of its pixels are not white")
    for name, n in counts.items():
        if n < MIN_PIXELS:
            problems.append(f"the screenshot shows no {name} ({n} pixels of its colour)")
    print(f"{page}: {width}×{height} screenshot, {share:.1%} ink; " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return problems


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, pages = sys.argv[1], sys.argv[2:]
    failed = False
    for page in pages:
        for problem in check(binary, page):
            print(f"{page}: {problem}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
