"""The numbers of `annotator report`, as plain data (dicts, lists, numbers, strings): coverage, quality
of the engine against reviewers' decisions, and agreement between reviewers.

Definitions (docs/export.md, "Report"):
- *found*: attributions not rejected; *quotes* are the direct ones, *reported statements* the indirect
  and mixed ones; *named*: the speaker's kind is not ``unnamed``/``unknown``; *unresolved*: every other
  found attribution (no speaker included); *reviewed*: status accepted, corrected or rejected.
- quality covers the engine's proposals (origin ``engine``) that a reviewer decided on: precision =
  (accepted + corrected) / reviewed; corrections are split into span, speaker and type errors by
  comparing ``Attribution.proposed`` (what the engine said) with the final values.
- agreement uses the last decision of each reviewer on each attribution (Decision rows).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from itertools import combinations
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.db import Attribution, Decision, Document, Speaker

UNNAMED_KINDS = ("unnamed", "unknown")
REVIEWED = ("accepted", "corrected", "rejected")
SPANS = ("content", "cue", "source")
# Decisions that are no reviewer's judgement on the statement itself.
NOT_JUDGEMENTS = ("import", "merge_speaker")
LABELS = ("accept", "reject")
NO_SPEAKER = "(no speaker)"
NO_CUE = "(no cue)"
NO_OUTLET = "(unknown outlet)"
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


@dataclass(frozen=True)
class Row:
    """One attribution, the columns the report needs (no text)."""

    id: int
    document_id: int
    type: str
    status: str
    origin: str
    rule: str
    cue_lemma: str | None
    speaker_id: int | None
    spans: tuple[tuple[int | None, int | None], ...]  # content, cue, source
    proposed: Mapping[str, Any] | None


@dataclass(frozen=True)
class Doc:
    id: int
    name: str
    outlet: str | None
    period: str
    dated_by: str  # "published" or "ingested"


# ----------------------------------------------------------------------------- dates


def parse_date(value: str | None) -> datetime | None:
    """A publication date as sources give it: ISO 8601, RFC 2822 (RSS), 2018/02/18, 18-02-2018."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    for pattern, order in ((_YMD, (0, 1, 2)), (_DMY, (2, 1, 0))):
        m = pattern.search(text)
        if m:
            parts = m.groups()
            year, month = int(parts[order[0]]), int(parts[order[1]])
            day = int(parts[order[2]] or 1)
            try:
                return datetime(year, month, day, tzinfo=UTC)
            except ValueError:
                continue
    return None


def _period(published: str | None, created: datetime) -> tuple[str, str]:
    date = parse_date(published)
    if date is not None and 1900 <= date.year <= 2100:
        return f"{date.year:04d}-{date.month:02d}", "published"
    return f"{created.year:04d}-{created.month:02d}", "ingested"


# ----------------------------------------------------------------------------- loading


def load_documents(session: Session) -> dict[int, Doc]:
    rows = session.execute(select(Document.id, Document.name, Document.outlet, Document.published,
                                  Document.created_at))
    docs = {}
    for doc_id, name, outlet, published, created in rows:
        period, dated_by = _period(published, created)
        docs[doc_id] = Doc(doc_id, name, outlet, period, dated_by)
    return docs


def load_rows(session: Session) -> list[Row]:
    a = Attribution
    query = select(a.id, a.document_id, a.type, a.status, a.origin, a.rule, a.cue_lemma, a.speaker_id,
                   a.content_start, a.content_end, a.cue_start, a.cue_end, a.source_start, a.source_end,
                   a.proposed).order_by(a.id)
    return [Row(*r[:8], ((r[8], r[9]), (r[10], r[11]), (r[12], r[13])), r[14])
            for r in session.execute(query)]


Speakers = Mapping[int, tuple[str, str]]  # id -> (canonical name, kind)


def load_speakers(session: Session) -> dict[int, tuple[str, str]]:
    rows = session.execute(select(Speaker.id, Speaker.name, Speaker.kind))
    return {i: (name, kind) for i, name, kind in rows}


# ----------------------------------------------------------------------------- coverage


def _is_named(row: Row, speakers: Speakers) -> bool:
    if row.speaker_id is None or row.speaker_id not in speakers:
        return False
    return speakers[row.speaker_id][1] not in UNNAMED_KINDS


def _counts(rows: Iterable[Row], speakers: Speakers) -> dict[str, int]:
    c = Counter[str]()
    for r in rows:
        if r.status != "rejected":
            c["found"] += 1
            c["quotes" if r.type == "direct" else "reported"] += 1
            c["named" if _is_named(r, speakers) else "unresolved"] += 1
        if r.status in REVIEWED:
            c["reviewed"] += 1
        if r.status == "rejected":
            c["rejected"] += 1
    return {k: c[k] for k in ("found", "quotes", "reported", "named", "unresolved", "reviewed", "rejected")}


def _grouped(rows: Iterable[Row], key: Any) -> dict[Any, list[Row]]:
    groups: dict[Any, list[Row]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    return groups


def _table(groups: Mapping[Any, list[Row]], speakers: Speakers, label: str,
           extra: Any = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name, rows in groups.items():
        entry: dict[str, Any] = {label: name, **_counts(rows, speakers)}
        if extra:
            entry.update(extra(name, rows))
        out.append(entry)
    out.sort(key=lambda e: (-e["found"], -e["reviewed"], str(e[label])))
    return out


def coverage(docs: Mapping[int, Doc], rows: list[Row], speakers: Speakers) -> dict[str, Any]:
    by_doc = _grouped(rows, lambda r: r.document_id)
    documents = []
    for d in docs.values():
        documents.append({"id": d.id, "name": d.name, "outlet": d.outlet, "period": d.period,
                          **_counts(by_doc.get(d.id, []), speakers)})
    documents.sort(key=lambda e: (-int(e["found"] or 0), str(e["name"])))

    def speaker_of(r: Row) -> str:
        known = r.speaker_id is not None and r.speaker_id in speakers
        return speakers[r.speaker_id][0] if known else NO_SPEAKER  # type: ignore[index]

    def speaker_kind(name: str, _rows: list[Row]) -> dict[str, Any]:
        kinds = {speakers[i][1] for i in {r.speaker_id for r in _rows} if i is not None and i in speakers}
        return {"kind": kinds.pop() if len(kinds) == 1 else None}

    found = [r for r in rows if r.status != "rejected"]
    doc_counts_by_outlet = Counter(d.outlet or NO_OUTLET for d in docs.values())
    doc_counts_by_period = Counter(d.period for d in docs.values())
    outlets = _grouped(rows, lambda r: docs[r.document_id].outlet or NO_OUTLET)
    periods = _grouped(rows, lambda r: docs[r.document_id].period)
    for name in doc_counts_by_outlet:
        outlets.setdefault(name, [])
    for name in doc_counts_by_period:
        periods.setdefault(name, [])
    over_time = _table(periods, speakers, "period",
                       lambda name, _r: {"documents": doc_counts_by_period[name]})
    over_time.sort(key=lambda e: e["period"])
    return {
        "totals": {"documents": len(docs),
                   "documents_with_attributions": sum(1 for d in documents if d["found"]),
                   **_counts(rows, speakers)},
        "documents": documents,
        "by_speaker": _table(_grouped(found, speaker_of), speakers, "speaker", speaker_kind),
        "by_cue": _table(_grouped(found, lambda r: r.cue_lemma or NO_CUE), speakers, "cue"),
        "by_type": sorted(_table(_grouped(rows, lambda r: r.type), speakers, "type"),
                          key=lambda e: str(e["type"])),
        "by_outlet": _table(outlets, speakers, "outlet",
                            lambda name, _r: {"documents": doc_counts_by_outlet[name]}),
        "over_time": over_time,
        "dated_by": dict(Counter(d.dated_by for d in docs.values())),
    }


# ----------------------------------------------------------------------------- quality


def proposed_value(proposed: Mapping[str, Any], name: str) -> Any:
    """A field of an ``Attribution.proposed`` or Decision snapshot: flat columns (``content_start``) or
    record style (``{"content": {"start": ..}}``)."""
    if name in SPANS:
        if f"{name}_start" in proposed:
            return proposed.get(f"{name}_start"), proposed.get(f"{name}_end")
        span = proposed.get(name)
        return (span.get("start"), span.get("end")) if isinstance(span, Mapping) else (None, None)
    return proposed.get(name)


def correction_kinds(row: Row) -> set[str]:
    """What the reviewers changed from the engine's proposal: span, speaker, type."""
    if not row.proposed:
        return set()
    kinds = set()
    finals = zip(SPANS, row.spans, strict=True)
    if any(proposed_value(row.proposed, name) != tuple(final) for name, final in finals):
        kinds.add("span")
    if "speaker_id" in row.proposed and row.proposed["speaker_id"] != row.speaker_id:
        kinds.add("speaker")
    if row.proposed.get("type") not in (None, row.type):
        kinds.add("type")
    return kinds


def _rates(rows: list[Row]) -> dict[str, Any]:
    c = Counter(r.status for r in rows)
    kinds = Counter(k for r in rows if r.status == "corrected" for k in correction_kinds(r))
    reviewed = c["accepted"] + c["corrected"] + c["rejected"]

    def rate(n: int) -> float | None:
        return round(n / reviewed, 4) if reviewed else None

    return {"reviewed": reviewed, "accepted": c["accepted"], "corrected": c["corrected"],
            "rejected": c["rejected"], "pending": c["proposed"],
            "precision": rate(c["accepted"] + c["corrected"]),
            "acceptance_rate": rate(c["accepted"]), "correction_rate": rate(c["corrected"]),
            "span_errors": kinds["span"], "speaker_errors": kinds["speaker"], "type_errors": kinds["type"]}


def _rate_table(groups: Mapping[str, list[Row]], label: str) -> list[dict[str, Any]]:
    table = [{label: name, **_rates(rows)} for name, rows in groups.items()]
    table.sort(key=lambda e: (-e["reviewed"], -e["pending"], e[label]))
    return table


def quality(rows: list[Row]) -> dict[str, Any]:
    engine = [r for r in rows if r.origin == "engine"]

    def proposed_type(r: Row) -> str:
        return str((r.proposed or {}).get("type") or r.type)

    by_rule: dict[str, list[Row]] = defaultdict(list)
    by_family: dict[str, list[Row]] = defaultdict(list)
    by_type: dict[str, list[Row]] = defaultdict(list)
    for r in engine:
        by_rule[r.rule].append(r)
        by_family[r.rule.split(".", 1)[0]].append(r)
        by_type[proposed_type(r)].append(r)
    added = Counter(r.type for r in rows if r.origin == "human" and r.status != "rejected")
    return {"overall": _rates(engine), "by_rule": _rate_table(by_rule, "rule"),
            "by_rule_family": _rate_table(by_family, "family"), "by_type": _rate_table(by_type, "type"),
            "added_by_reviewers": dict(sorted(added.items()))}


# ----------------------------------------------------------------------------- agreement


@dataclass(frozen=True)
class Judgement:
    attribution_id: int
    document_id: int
    label: str | None  # "accept" | "reject" | None (undone)
    span: tuple[int, int] | None  # the content span the reviewer left


def judgements(session: Session, rows: Mapping[int, Row]) -> dict[str, dict[int, Judgement]]:
    """The last decision of each reviewer on each attribution, as accept/reject and a content span."""
    last: dict[tuple[int, str], Any] = {}
    query = (select(Decision.attribution_id, Decision.annotator, Decision.action, Decision.after)
             .where(Decision.action.not_in(NOT_JUDGEMENTS)).order_by(Decision.id))
    for attribution_id, annotator, action, after in session.execute(query):
        last[(attribution_id, annotator)] = (action, after)
    out: dict[str, dict[int, Judgement]] = defaultdict(dict)
    for (attribution_id, annotator), (_action, after) in last.items():
        row = rows.get(attribution_id)
        if row is None:
            continue
        status = (after or {}).get("status", row.status)
        label = {"accepted": "accept", "corrected": "accept", "rejected": "reject"}.get(status)
        start, end = proposed_value(after, "content") if after else (None, None)
        if not (isinstance(start, int) and isinstance(end, int)):
            start, end = row.spans[0]  # a snapshot without spans: the attribution as it is now
        span = (start, end) if start is not None and end is not None else None
        out[annotator][attribution_id] = Judgement(attribution_id, row.document_id, label, span)
    return dict(out)


def cohen_kappa(pairs: list[tuple[str, str]]) -> tuple[float | None, float | None]:
    """(kappa, observed agreement); kappa is None when chance agreement is 1 (one label only)."""
    n = len(pairs)
    if not n:
        return None, None
    observed = sum(1 for a, b in pairs if a == b) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[label] * right[label] for label in set(left) | set(right)) / (n * n)
    if expected >= 1.0:
        return None, observed
    return (observed - expected) / (1 - expected), observed


def overlap_ok(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """The evaluation's match rule: they overlap by at least half of the shorter span."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return inter > 0 and inter * 2 >= shorter


def matched_spans(left: list[tuple[int, int]], right: list[tuple[int, int]]) -> int:
    """One-to-one matches, largest overlap first."""
    candidates = sorted(((min(a[1], b[1]) - max(a[0], b[0]), i, j) for i, a in enumerate(left)
                         for j, b in enumerate(right) if overlap_ok(a, b)), reverse=True)
    used_l: set[int] = set()
    used_r: set[int] = set()
    for _, i, j in candidates:
        if i not in used_l and j not in used_r:
            used_l.add(i)
            used_r.add(j)
    return len(used_l)


def _kept_spans(js: Iterable[Judgement]) -> dict[int, set[tuple[int, int]]]:
    """Per document, the content spans a reviewer accepted, corrected or added."""
    out: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for j in js:
        if j.label == "accept" and j.span is not None:
            out[j.document_id].add(j.span)
    return out


def _pair(a: str, b: str, ja: dict[int, Judgement], jb: dict[int, Judgement]) -> dict[str, Any]:
    shared = sorted(set(ja) & set(jb))
    labels = [(ja[i].label, jb[i].label) for i in shared]
    decided = [(x, y) for x, y in labels if x and y]
    kappa, observed = cohen_kappa(decided)
    docs = {j.document_id for j in ja.values()} & {j.document_id for j in jb.values()}
    spans_a, spans_b = _kept_spans(ja.values()), _kept_spans(jb.values())
    n_a = n_b = matched = exact = 0
    for d in docs:
        left, right = sorted(spans_a.get(d, ())), sorted(spans_b.get(d, ()))
        n_a, n_b = n_a + len(left), n_b + len(right)
        matched += matched_spans(left, right)
        exact += len(set(left) & set(right))
    f1 = round(2 * matched / (n_a + n_b), 4) if n_a + n_b else None
    exact_f1 = round(2 * exact / (n_a + n_b), 4) if n_a + n_b else None
    table = Counter(f"{x}/{y}" for x, y in decided)
    return {"annotators": [a, b], "shared": len(decided), "documents": len(docs),
            "kappa": None if kappa is None else round(kappa, 4),
            "observed_agreement": None if observed is None else round(observed, 4),
            "table": {f"{x}/{y}": table[f"{x}/{y}"] for x in LABELS for y in LABELS},
            "spans": [n_a, n_b], "span_f1": f1, "span_f1_exact": exact_f1}


def agreement(session: Session, rows: list[Row]) -> dict[str, Any]:
    by_id = {r.id: r for r in rows}
    judged = judgements(session, by_id)
    names = sorted(judged)
    pairs = [_pair(a, b, judged[a], judged[b]) for a, b in combinations(names, 2)]
    pairs = [p for p in pairs if p["shared"] or p["documents"]]
    return {"annotators": [{"annotator": n, "decisions": sum(1 for j in judged[n].values() if j.label)}
                           for n in names],
            "pairs": pairs}


# ----------------------------------------------------------------------------- all of it


def compute_report(session: Session, *, database: str | None = None) -> dict[str, Any]:
    docs = load_documents(session)
    rows = load_rows(session)
    speakers = load_speakers(session)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database,
        "coverage": coverage(docs, rows, speakers),
        "quality": quality(rows),
        "agreement": agreement(session, rows),
    }
