"""The report as Rich tables (`annotator report --format text`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
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


# Short headers: the tables must stay readable in an 80-column terminal.
HEADERS = {"documents_with_attributions": "with attributions", "reviewed": "rev", "pending": "pend",
           "precision": "prec", "acceptance_rate": "acc", "correction_rate": "corr", "span_errors": "span",
           "speaker_errors": "spkr", "type_errors": "type", "observed_agreement": "obs",
           "accept/accept": "a/a", "accept/reject": "a/r", "reject/accept": "r/a", "reject/reject": "r/r",
           "span_f1_exact": "exact", "span_f1": "F1", "unresolved": "unnamed", "documents": "docs"}
AGREEMENT_CAPTION = ("kappa: Cohen's kappa on accept/reject, obs: observed agreement, a/r: the first "
                     "reviewer accepted, the second rejected; F1: span F1 on the content spans both kept (overlap >= "
                     "half the shorter)")
RATE_CAPTION = ("rev reviewed, pend not reviewed yet, prec precision, acc/corr acceptance and correction "
                "rates; span/spkr/type: corrections of that kind")


def _numeric(rows: Sequence[dict[str, Any]], col: str) -> bool:
    return all(isinstance(r.get(col), int | float) or r.get(col) is None for r in rows)


def table(title: str, rows: Sequence[dict[str, Any]], columns: Sequence[str],
          limit: int | None = None, note: str | None = None) -> Table:
    shown = rows if limit is None else rows[:limit]
    notes = [f"{len(rows) - len(shown):,} more rows in --format json"] if len(shown) < len(rows) else []
    if note:
        notes.append(note)
    caption = "\n".join(notes) or None
    t = Table(title=title, caption=caption, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0),
              show_edge=False)
    for i, col in enumerate(columns):
        numeric = bool(shown) and _numeric(shown, col)
        header = col.replace("_", " ") if i == 0 else HEADERS.get(col, col.replace("_", " "))
        t.add_column(header, justify="right" if numeric else "left", overflow="fold", no_wrap=i == 0)
    for row in shown:
        t.add_row(*(fmt(row.get(col)) for col in columns))
    return t


def key_values(title: str, data: dict[str, Any], keys: Sequence[str]) -> Table:
    t = Table(title=title, title_justify="left", show_header=False, box=box.SIMPLE, padding=(0, 1))
    t.add_column(style="bold")
    t.add_column(justify="right")
    for key in keys:
        t.add_row(key.replace("_", " "), fmt(data.get(key)))
    return t


def agreement_rows(agreement: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"reviewers": " / ".join(p["annotators"]), **p, **p["table"]} for p in agreement["pairs"]]


def tables(report: dict[str, Any], limit: int = 20) -> list[Table]:
    cov, qual, agr = report["coverage"], report["quality"], report["agreement"]
    totals = cov["totals"]
    out = [key_values("Coverage", totals, ("documents", "documents_with_attributions", *COUNT_COLUMNS,
                                           "rejected")),
           table("By type", cov["by_type"], ("type", *COUNT_COLUMNS, "rejected")),
           table("By outlet", cov["by_outlet"], ("outlet", "documents", *COUNT_COLUMNS), limit),
           table("Speakers", cov["by_speaker"], SPEAKER_COLUMNS, limit),
           table("Cues", cov["by_cue"], CUE_COLUMNS, limit),
           table("Over time (by month of publication, else of ingestion)", cov["over_time"],
                 ("period", "documents", *COUNT_COLUMNS)),
           table("Documents", cov["documents"], ("name", "outlet", *COUNT_COLUMNS), limit),
           key_values("Quality of the engine (its proposals that reviewers decided on)", qual["overall"],
                      (*RATE_COLUMNS[:2], "accepted", "corrected", "rejected", *RATE_COLUMNS[2:])),
           table("Quality by rule family", qual["by_rule_family"], ("family", *RATE_COLUMNS)),
           table("Quality by rule", qual["by_rule"], ("rule", *RATE_COLUMNS), limit),
           table("Quality by proposed type", qual["by_type"], ("type", *RATE_COLUMNS), note=RATE_CAPTION)]
    if qual["added_by_reviewers"]:
        added = [{"type": t, "added": n} for t, n in qual["added_by_reviewers"].items()]
        out.append(table("Missed by the engine (added by reviewers)", added, ("type", "added")))
    out.append(table("Agreement between reviewers", agreement_rows(agr), AGREEMENT_COLUMNS,
                     note=AGREEMENT_CAPTION))
    return out


def render(report: dict[str, Any], console: Console, limit: int = 20) -> None:
    console.print(f"[bold]annotator report[/bold]  {report.get('database') or ''}  {report['generated_at']}")
    for t in tables(report, limit):
        console.print()
        console.print(t)
    if len(report["agreement"]["annotators"]) < 2:
        console.print("Agreement needs decisions by two or more reviewers on the same attributions.")
