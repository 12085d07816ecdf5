"""A spaCy ``DocBin`` for ``spacy train``: one Doc per document, tokenized by ``spacy.blank("ar")``.

Span groups ``content``, ``cue`` and ``source``. Labels (what spancat learns): a content span is labelled
with its type (``direct``, ``indirect``, ``mixed``); cue and source spans are labelled ``cue`` and
``source``. Spans are aligned to tokens with ``alignment_mode="expand"``: a span that starts or ends
inside a token (``قال`` in ``وقال``) grows to the whole token. The exact character offsets stay with
each span as extension attributes (``span._.char_start``, ``span._.char_end``), with ``speaker``,
``speaker_id``, ``status`` and ``attribution`` (the record id); call :func:`register_extensions`
before reading them (they are stored in ``doc.user_data``, written with ``store_user_data=True``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

GROUPS = ("content", "cue", "source")
EXTENSIONS = ("speaker", "speaker_id", "status", "attribution", "char_start", "char_end")


def register_extensions() -> None:
    from spacy.tokens import Span

    for name in EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


@dataclass
class Alignment:
    spans: int = 0
    expanded: int = 0  # spans that grew to token boundaries
    dropped: int = 0  # spans with no token inside (empty or only spaces)


def _label(group: str, rec: dict[str, Any]) -> str:
    return str(rec.get("type") or "content") if group == "content" else group


def make_doc(nlp: Any, name: str, sha256: str, text: str, records: Sequence[dict[str, Any]],
             alignment: Alignment) -> Any:
    """One spaCy Doc with the records' spans in the three span groups."""
    doc = nlp.make_doc(text)
    groups: dict[str, list[Any]] = {g: [] for g in GROUPS}
    seen: set[tuple[str, int, int, str]] = set()
    for rec in records:
        for group in GROUPS:
            span = rec.get(group)
            if not span:
                continue
            label = _label(group, rec)
            aligned = doc.char_span(span["start"], span["end"], label=label, alignment_mode="expand")
            if aligned is None:
                alignment.dropped += 1
                continue
            key = (group, aligned.start, aligned.end, label)
            if key in seen:
                continue  # the same source or cue shared by several attributions
            seen.add(key)
            alignment.spans += 1
            if (aligned.start_char, aligned.end_char) != (span["start"], span["end"]):
                alignment.expanded += 1
            values = {"speaker": rec.get("speaker"), "speaker_id": rec.get("speaker_id"),
                      "status": rec.get("status"), "attribution": rec.get("id"),
                      "char_start": span["start"], "char_end": span["end"]}
            for attr, value in values.items():
                setattr(aligned._, attr, value)
            groups[group].append(aligned)
    for group, spans in groups.items():
        doc.spans[group] = spans
    doc.user_data["annotator_doc"] = name
    doc.user_data["annotator_doc_sha256"] = sha256
    return doc


@contextmanager
def encoders_looked_up_once() -> Iterator[None]:
    """srsly (spaCy's serializer) looks up its msgpack encoders in every installed package's entry points
    on each pack call, five times per Doc (about half the export time): the answer cannot change during
    an export, so look it up once and restore the registry afterwards."""
    from srsly.msgpack import msgpack_encoders  # type: ignore[import-untyped]

    found = msgpack_encoders.get_all()
    msgpack_encoders.get_all = lambda: found
    try:
        yield
    finally:
        del msgpack_encoders.get_all


class DocBinWriter:
    """Collects Docs and returns the DocBin's bytes (spaCy is imported only when this format is used)."""

    def __init__(self) -> None:
        import spacy
        from spacy.tokens import DocBin

        register_extensions()
        self.nlp = spacy.blank("ar")
        # A blank pipeline sets no tags, parses or entities: the words and spaces are the whole Doc
        # (storing spaCy's default twelve token attributes makes the file and the memory peak larger).
        self.docbin = DocBin(attrs=["ORTH", "SPACY"], store_user_data=True)
        self.alignment = Alignment()
        self.documents = 0

    def add(self, name: str, sha256: str, text: str, records: Sequence[dict[str, Any]]) -> None:
        self.docbin.add(make_doc(self.nlp, name, sha256, text, records, self.alignment))
        self.documents += 1

    def to_bytes(self) -> bytes:
        return bytes(self.docbin.to_bytes())
