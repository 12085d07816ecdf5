"""The HTML report rendered by real headless Chromium (Debian's package): the DOM and the pixels."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from annotator.db import Database
from annotator.report import html
from annotator.report.compute import compute_report
from tests.export.builders import build

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")


def chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
           "--window-size=1280,2000", *args, page.as_uri()]
    return subprocess.run(cmd, capture_output=True, timeout=120, check=True)


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and interlace == 0 and colour in (2, 6)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line) if bpp == 3 else bytes(v for j, v in enumerate(line) if j % 4 != 3))
        prev = line
    return width, height, rows


def pixels_near(rows: list[bytes], colour: str, tolerance: int = 12) -> int:
    want = bytes.fromhex(colour.lstrip("#"))
    n = 0
    for row in rows:
        for x in range(0, len(row), 3):
            if all(abs(row[x + k] - want[k]) <= tolerance for k in range(3)):
                n += 1
    return n


@pytest.fixture
def page(db: Database, tmp_path: Path) -> Path:
    build(db)
    with db.sessions() as session:
        report = compute_report(session, database="test.db")
    out = tmp_path / "report.html"
    out.write_text(html.render(report), encoding="utf-8")
    return out


def test_rendered_dom_has_tables_and_charts(page: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, page, "--dump-dom").stdout.decode("utf-8")
    assert "<h1>annotator report</h1>" in dom
    for table in ("by-type", "by-outlet", "by-speaker", "by-cue", "over-time", "documents", "quality-rule",
                  "agreement"):
        assert f'id="{table}"' in dom
    assert dom.count('data-chart="speakers"') == 1
    # four speakers with found attributions, one bar per non-zero series
    speakers_svg = dom.split('data-chart="speakers"')[1].split("</svg>")[0]
    assert speakers_svg.count('class="bar"') == 4
    assert "كيم جونغ أون" in speakers_svg
    assert "0.400" in dom.split('id="agreement"')[1]  # kappa


def test_screenshot_shows_the_charts(page: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    chromium(tmp_path, page, f"--screenshot={png}")
    width, height, rows = read_png(png)
    assert (width, height) == (1280, 2000)
    assert pixels_near(rows, html.QUOTES_COLOR) > 500  # blue bars drawn
    assert pixels_near(rows, html.REPORTED_COLOR) > 500  # orange bars drawn
    assert pixels_near(rows, html.PRECISION_COLOR) > 200  # green precision bars
