"""brat standoff: ``NAME.txt`` (the text exactly as ingested) and ``NAME.ann`` per document.

- ``T`` lines for Content, Cue and Source spans (a span that crosses a line break is written as
  fragments ``start end;start end``, as brat requires; the fragments together cover the span);
- ``R`` relations ``Cue-Content``, ``Source-Cue`` (or ``Source-Content`` when there is no cue);
- ``A`` attributes on the Content: ``Type`` (direct/indirect/mixed) and ``Status``;
- ``#`` AnnotatorNotes on the Content: ``speaker: <canonical name>``.

Identical spans within a document are written once and shared by the relations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

ENTITY_TYPES = ("Content", "Cue", "Source")
RELATIONS = {"Cue-Content": ("Cue", "Content"), "Source-Cue": ("Source", "Cue"),
             "Source-Content": ("Source", "Content")}
ATTRIBUTES = {"Type": ("direct", "indirect", "mixed"),
              "Status": ("proposed", "accepted", "rejected", "corrected")}
SUFFIXES = (".txt", ".ann", ".conf")


def annotation_conf() -> str:
    """brat's configuration for the exported collection (entities, relations, attributes)."""
    lines = ["[entities]", *ENTITY_TYPES, "", "[relations]"]
    lines += [f"{name}\tArg1:{a}, Arg2:{b}" for name, (a, b) in RELATIONS.items()]
    lines += ["<OVERLAP>\tArg1:Content|Cue|Source, Arg2:Content|Cue|Source, <OVL-TYPE>:<ANY>",
              "", "[events]", "", "[attributes]"]
    lines += [f"{name}\tArg:Content, Value:{'|'.join(values)}" for name, values in ATTRIBUTES.items()]
    return "\n".join(lines) + "\n"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span cut at line breaks (brat spans cannot hold one), without empty pieces."""
    out: list[tuple[int, int]] = []
    piece = start
    for i in range(start, end):
        if text[i] in "\r\n":
            if i > piece:
                out.append((piece, i))
            piece = i + 1
    if end > piece:
        out.append((piece, end))
    return out


@dataclass
class _Ann:
    text: str
    lines: list[str] = field(default_factory=list)
    spans: dict[tuple[str, int, int], str] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)

    def next_id(self, prefix: str) -> str:
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f"{prefix}{self.counts[prefix]}"

    def entity(self, label: str, span: dict[str, Any] | None) -> str | None:
        if span is None:
            return None
        key = (label, span["start"], span["end"])
        if key not in self.spans:
            frags = fragments(self.text, span["start"], span["end"])
            if not frags:
                return None  # an empty or all-line-break span has nothing brat can show
            tid = self.spans[key] = self.next_id("T")
            offsets = ";".join(f"{s} {e}" for s, e in frags)
            shown = " ".join(self.text[s:e] for s, e in frags)
            self.lines.append(f"{tid}\t{label} {offsets}\t{shown}")
        return self.spans[key]

    def once(self, key: str, prefix: str, body: str) -> None:
        """Add ``<id>\\t<body>`` unless the same statement is already there."""
        if key not in self.seen:
            self.seen.add(key)
            self.lines.append(f"{self.next_id(prefix)}\t{body}")


def _relate(out: _Ann, content: str, cue: str | None, source: str | None) -> None:
    pairs = [("Cue-Content", cue, content), ("Source-Cue", source, cue)] if cue else []
    if source and not cue:
        pairs.append(("Source-Content", source, content))
    for name, arg1, arg2 in pairs:
        if arg1 and arg2:
            out.once(f"R {name} {arg1} {arg2}", "R", f"{name} Arg1:{arg1} Arg2:{arg2}")


def ann(text: str, records: Sequence[dict[str, Any]]) -> str:
    """The .ann file for one document's records."""
    out = _Ann(text)
    for rec in records:
        content = out.entity("Content", rec["content"])
        cue = out.entity("Cue", rec.get("cue"))
        source = out.entity("Source", rec.get("source"))
        if content is None:
            continue
        _relate(out, content, cue, source)
        for attr, key in (("Type", "type"), ("Status", "status")):
            if rec.get(key) in ATTRIBUTES[attr]:
                out.once(f"A {attr} {content}", "A", f"{attr} {content} {rec[key]}")
        if rec.get("speaker"):
            speaker = " ".join(str(rec["speaker"]).split())  # one line, no tabs
            out.once(f"# {content}", "#", f"AnnotatorNotes {content}\tspeaker: {speaker}")
    return "\n".join(out.lines) + ("\n" if out.lines else "")


@dataclass
class Standoff:
    """A parsed .ann file."""

    entities: dict[str, tuple[str, list[tuple[int, int]], str]] = field(default_factory=dict)
    relations: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    attributes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    notes: dict[str, tuple[str, str, str]] = field(default_factory=dict)


def _parse_entity(rest: list[str]) -> tuple[str, list[tuple[int, int]], str]:
    label, _, offsets = rest[0].partition(" ")
    frags = []
    for piece in offsets.split(";"):
        s, e = piece.split()
        frags.append((int(s), int(e)))
    return label, frags, rest[1]


def parse_ann(data: str) -> Standoff:
    """Read brat standoff (T, R, A, #); a malformed line raises ValueError with its number."""
    out = Standoff()
    for n, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        ident, *rest = line.split("\t", 2)
        try:
            if ident.startswith("T"):
                out.entities[ident] = _parse_entity(rest)
            elif ident.startswith("R"):
                name, a1, a2 = rest[0].split()
                out.relations[ident] = (name, a1.removeprefix("Arg1:"), a2.removeprefix("Arg2:"))
            elif ident.startswith("A"):
                attr, target, value = rest[0].split()
                out.attributes[ident] = (attr, target, value)
            elif ident.startswith("#"):
                kind, target = rest[0].split()
                out.notes[ident] = (kind, target, rest[1])
            else:
                raise ValueError(f"unknown annotation id {ident!r}")
        except (ValueError, IndexError) as exc:
            raise ValueError(f"line {n}: {exc}: {line!r}") from exc
    return out
