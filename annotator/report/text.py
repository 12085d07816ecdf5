"""The report as Rich tables (`annotator report --format text`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

COUNT_COLUMNS = ("found", "quotes", "reported", "named", "unresolved", "reviewed")
SPEAKER_COLUMNS = ("speaker", "kind", "found", "quotes", "reported", "reviewed")
CUE_COLUMNS = ("cue", "found", "quotes", "reported", "named", "reviewed")
AGREEMENT_COLUMNS = ("reviewers", "shared", "kappa", "observed_agreement", "accept/accept", "accept/reject",
                     "reject/accept", "reject/reject", "documents", "span_f1", "span_f1_exact")
RATE_COLUMNS = ("reviewed", "pending", "precision", "acceptance_rate", "correction_rate", "span_errors",
                "speaker_errors", "type_errors")


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(title: str, rows: Sequence[dict[str, Any]], columns: Sequence[str],
          limit: int | None = None) -> Table:
    shown = rows if limit is None else rows[:limit]
    caption = f"{len(rows) - len(shown):,} more rows in --format json" if len(shown) < len(rows) else None
    t = Table(title=title, caption=caption, title_justify="left")
    for i, col in enumerate(columns):
        t.add_column(col.replace("_", " "), justify="left" if i == 0 else "right", overflow="fold")
    for row in shown:
        t.add_row(*(fmt(row.get(col)) for col in columns))
    return t


def agreement_rows(agreement: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"reviewers": " / ".join(p["annotators"]), **p, **p["table"]} for p in agreement["pairs"]]


def tables(report: dict[str, Any], limit: int = 20) -> list[Table]:
    cov, qual, agr = report["coverage"], report["quality"], report["agreement"]
    totals = cov["totals"]
    overall = [{"scope": "all rules", **qual["overall"]}]
    out = [table("Coverage", [totals], ("documents", "documents_with_attributions", *COUNT_COLUMNS,
                                        "rejected")),
           table("By type", cov["by_type"], ("type", *COUNT_COLUMNS, "rejected")),
           table("By outlet", cov["by_outlet"], ("outlet", "documents", *COUNT_COLUMNS), limit),
           table("Speakers", cov["by_speaker"], SPEAKER_COLUMNS, limit),
           table("Cues", cov["by_cue"], CUE_COLUMNS, limit),
           table("Over time (by month of publication, else of ingestion)", cov["over_time"],
                 ("period", "documents", *COUNT_COLUMNS)),
           table("Documents", cov["documents"], ("name", "outlet", *COUNT_COLUMNS), limit),
           table("Quality of the engine: overall", overall, ("scope", *RATE_COLUMNS)),
           table("Quality by rule family", qual["by_rule_family"], ("family", *RATE_COLUMNS)),
           table("Quality by rule", qual["by_rule"], ("rule", *RATE_COLUMNS), limit),
           table("Quality by proposed type", qual["by_type"], ("type", *RATE_COLUMNS))]
    if qual["added_by_reviewers"]:
        added = [{"type": t, "added": n} for t, n in qual["added_by_reviewers"].items()]
        out.append(table("Missed by the engine (added by reviewers)", added, ("type", "added")))
    out.append(table("Agreement between reviewers", agreement_rows(agr), AGREEMENT_COLUMNS))
    return out


def render(report: dict[str, Any], console: Console, limit: int = 20) -> None:
    console.print(f"[bold]annotator report[/bold]  {report.get('database') or ''}  {report['generated_at']}")
    for t in tables(report, limit):
        console.print(t)
    if len(report["agreement"]["annotators"]) < 2:
        console.print("Agreement needs decisions by two or more reviewers on the same attributions.")
