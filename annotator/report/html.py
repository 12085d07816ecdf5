"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no script, nothing fetched."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from annotator.report.text import (
    AGREEMENT_COLUMNS,
    COUNT_COLUMNS,
    CUE_COLUMNS,
    RATE_COLUMNS,
    SPEAKER_COLUMNS,
    agreement_rows,
    fmt,
)

QUOTES_COLOR = "#1f77b4"
REPORTED_COLOR = "#ff7f0e"
PRECISION_COLOR = "#2ca02c"
SERIES = (("quotes", "quotes (direct)", QUOTES_COLOR),
          ("reported", "reported (indirect, mixed)", REPORTED_COLOR))
MAX_PERIODS = 48  # more months than this are shown by year

CSS = """
body { font-family: "DejaVu Sans", "Noto Sans", "Segoe UI", Arial, sans-serif; margin: 24px; color: #222;
       background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
.meta { color: #666; font-size: 13px; margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 120px; }
.card .value { font-size: 22px; font-weight: bold; } .card .label { font-size: 12px; color: #666; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
figure { margin: 0; } figcaption { font-weight: bold; margin-bottom: 6px; font-size: 14px; }
.legend { font-size: 12px; color: #444; margin: 4px 0; }
.swatch { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; }
table { border-collapse: collapse; margin: 8px 0 4px; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; } th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { caption-side: bottom; text-align: left; color: #666; font-size: 12px; padding-top: 4px; }
.note { color: #666; font-size: 13px; }
svg text { font-size: 12px; fill: #333; }
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


# ----------------------------------------------------------------------------- charts


def hbar_chart(chart: str, title: str, items: Sequence[tuple[str, Sequence[tuple[str, float, str]]]],
               *, width: int = 560, label_width: int = 190, number: str = "{:,.0f}") -> str:
    """Horizontal bars, one row per item, stacked series ``(name, value, colour)``."""
    row_h, pad = 22, 4
    height = max(1, len(items)) * row_h + 2 * pad
    bar_area = width - label_width - 60
    top = max((sum(v for _, v, _ in series) for _, series in items), default=0) or 1
    parts = [f'<svg class="chart" data-chart="{_e(chart)}" role="img" aria-label="{_e(title)}" '
             f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">']
    for i, (label, series) in enumerate(items):
        y = pad + i * row_h
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{_e(label[:40])}</text>')
        x = float(label_width)
        for name, value, colour in series:
            w = bar_area * value / top
            if w > 0:
                parts.append(f'<rect class="bar" data-series="{_e(name)}" data-value="{value}" x="{x:.1f}" '
                             f'y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 6}" fill="{colour}">'
                             f'<title>{_e(label)}: {_e(name)} {number.format(value)}</title></rect>')
            x += w
        total = sum(v for _, v, _ in series)
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{number.format(total)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def vbar_chart(chart: str, title: str, items: Sequence[tuple[str, Sequence[tuple[str, float, str]]]],
               *, height: int = 260) -> str:
    """Vertical stacked bars over time, labels under the axis (every few bars when there are many)."""
    left, bottom, top_pad = 64, 56, 10
    bar_w = max(8, min(40, 640 // max(1, len(items))))
    width = left + len(items) * bar_w + 20
    plot_h = height - bottom - top_pad
    top = max((sum(v for _, v, _ in series) for _, series in items), default=0) or 1
    every = max(1, len(items) // 16)
    base = top_pad + plot_h
    parts = [f'<svg class="chart" data-chart="{_e(chart)}" role="img" aria-label="{_e(title)}" '
             f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">',
             f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#999"/>',
             f'<text x="{left - 6}" y="{top_pad + 10}" text-anchor="end">{top:,.0f}</text>',
             f'<text x="{left - 6}" y="{base}" text-anchor="end">0</text>']
    for i, (label, series) in enumerate(items):
        x = left + i * bar_w + 2
        y = float(base)
        for name, value, colour in series:
            h = plot_h * value / top
            if h > 0:
                y -= h
                parts.append(f'<rect class="bar" data-series="{_e(name)}" data-value="{value}" x="{x}" '
                             f'y="{y:.1f}" width="{bar_w - 4}" height="{max(h, 1):.1f}" fill="{colour}">'
                             f'<title>{_e(label)}: {_e(name)} {value:,.0f}</title></rect>')
        if i % every == 0:
            cx = x + (bar_w - 4) / 2
            parts.append(f'<text x="{cx:.1f}" y="{base + 14}" text-anchor="end" '
                         f'transform="rotate(-45 {cx:.1f} {base + 14})">{_e(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(series: Sequence[tuple[str, str, str]]) -> str:
    swatches = (f'<span class="swatch" style="background:{colour}"></span>{_e(label)}'
                for _, label, colour in series)
    return '<div class="legend">' + "".join(swatches) + "</div>"


Bars = list[tuple[str, list[tuple[str, float, str]]]]


def _stacked(rows: Sequence[dict[str, Any]], key: str, limit: int) -> Bars:
    return [(str(r[key]), [(name, float(r[name]), colour) for name, _, colour in SERIES])
            for r in rows[:limit]]


def _by_year(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    years: dict[str, dict[str, Any]] = {}
    for r in rows:
        y = years.setdefault(r["period"][:4], {"period": r["period"][:4], "quotes": 0, "reported": 0})
        y["quotes"] += r["quotes"]
        y["reported"] += r["reported"]
    return list(years.values())


def figure(caption: str, svg: str, legend: str = "") -> str:
    return f"<figure><figcaption>{_e(caption)}</figcaption>{legend}{svg}</figure>"


def charts(report: dict[str, Any], limit: int = 15) -> str:
    cov, qual = report["coverage"], report["quality"]
    legend = _legend(SERIES)
    periods = cov["over_time"] if len(cov["over_time"]) <= MAX_PERIODS else _by_year(cov["over_time"])
    speakers = hbar_chart("speakers", "speakers", _stacked(cov["by_speaker"], "speaker", limit))
    cues = hbar_chart("cues", "cue verbs", _stacked(cov["by_cue"], "cue", limit))
    time = vbar_chart("time", "attributions over time", _stacked(periods, "period", len(periods)))
    out = [figure("Speakers (most attributions)", speakers, legend), figure("Cue verbs", cues, legend),
           figure("Coverage over time", time, legend)]
    families: Bars = [(r["family"], [("precision", float(r["precision"]), PRECISION_COLOR)])
                      for r in qual["by_rule_family"] if r["precision"] is not None]
    if families:
        out.append(figure("Engine precision by rule family (reviewed proposals)",
                          hbar_chart("precision", "precision by rule family", families, number="{:.2f}")))
    return '<div class="charts">' + "".join(out) + "</div>"


# ----------------------------------------------------------------------------- tables


def html_table(table_id: str, rows: Sequence[dict[str, Any]], columns: Sequence[str],
               limit: int | None = None) -> str:
    shown = rows if limit is None else rows[:limit]
    parts = [f'<table id="{_e(table_id)}"><thead><tr>']
    parts += [f"<th>{_e(c.replace('_', ' '))}</th>" for c in columns]
    parts.append("</tr></thead><tbody>")
    for row in shown:
        cells = []
        for col in columns:
            value = row.get(col)
            if isinstance(value, int | float) or value is None:
                cells.append(f'<td class="num">{_e(fmt(value))}</td>')
            else:
                cells.append(f'<td dir="auto">{_e(value)}</td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody>")
    if len(shown) < len(rows):
        parts.append(f"<caption>{len(rows) - len(shown):,} more rows in the JSON report</caption>")
    parts.append("</table>")
    return "".join(parts)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def cards(report: dict[str, Any]) -> str:
    t = report["coverage"]["totals"]
    precision = report["quality"]["overall"]["precision"]
    items = [("documents", f"{t['documents']:,}"), ("attributions found", f"{t['found']:,}"),
             ("quotes (direct)", f"{t['quotes']:,}"), ("reported statements", f"{t['reported']:,}"),
             ("named speaker", _percent(t["named"], t["found"])),
             ("reviewed", _percent(t["reviewed"], t["found"] + t["rejected"])),
             ("engine precision", "–" if precision is None else f"{precision:.2f}")]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="value">{_e(v)}</div><div class="label">{_e(k)}</div></div>'
        for k, v in items) + "</div>"


def agreement_section(report: dict[str, Any]) -> str:
    agr = report["agreement"]
    if not agr["pairs"]:
        return ('<p class="note" id="agreement-note">Agreement needs decisions by two or more reviewers on '
                f'the same attributions ({len(agr["annotators"])} reviewer(s) so far).</p>')
    return html_table("agreement", agreement_rows(agr), AGREEMENT_COLUMNS)


def render(report: dict[str, Any], limit: int = 50) -> str:
    cov, qual = report["coverage"], report["quality"]
    dated = ", ".join(f"{k} {v:,}" for k, v in sorted(cov["dated_by"].items()))
    overall = [{"scope": "all rules", **qual["overall"]}]
    body = [
        "<header><h1>annotator report</h1>",
        f'<p class="meta">{_e(report.get("database") or "")} · generated {_e(report["generated_at"])}</p>',
        "</header>", cards(report), "<h2>Charts</h2>", charts(report), "<h2>Coverage</h2>",
        html_table("by-type", cov["by_type"], ("type", *COUNT_COLUMNS, "rejected")),
        "<h3>By outlet</h3>",
        html_table("by-outlet", cov["by_outlet"], ("outlet", "documents", *COUNT_COLUMNS), limit),
        "<h3>Speakers</h3>", html_table("by-speaker", cov["by_speaker"], SPEAKER_COLUMNS, limit),
        "<h3>Cue verbs</h3>", html_table("by-cue", cov["by_cue"], CUE_COLUMNS, limit),
        "<h3>Over time</h3>",
        html_table("over-time", cov["over_time"], ("period", "documents", *COUNT_COLUMNS)),
        '<p class="note">Dated by publication date where the source gives one, else by ingestion: '
        f"{_e(dated)}.</p>",
        "<h3>Documents</h3>",
        html_table("documents", cov["documents"], ("name", "outlet", *COUNT_COLUMNS), limit),
        "<h2>Quality of the engine</h2>",
        '<p class="note">Proposals reviewers decided on: precision = (accepted + corrected) / reviewed.</p>',
        html_table("quality-overall", overall, ("scope", *RATE_COLUMNS)),
        "<h3>By rule family</h3>",
        html_table("quality-family", qual["by_rule_family"], ("family", *RATE_COLUMNS)),
        "<h3>By rule</h3>", html_table("quality-rule", qual["by_rule"], ("rule", *RATE_COLUMNS), limit),
        "<h3>By proposed type</h3>", html_table("quality-type", qual["by_type"], ("type", *RATE_COLUMNS)),
        "<h2>Agreement between reviewers</h2>", agreement_section(report),
    ]
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>annotator report</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")
