"""Read CoNLL-U into parsed sentences with character offsets.

Used by the fast unit tests (small hand-written snippets, no model load) and by the evaluation of
models on UD data. Offsets come from aligning each word form to the sentence's ``# text``.
"""

from __future__ import annotations

from annotator.nlp.types import ParsedDocument, Sentence, Word


class ConlluError(ValueError):
    pass


def _align(text: str, form: str, cursor: int) -> int:
    at = text.find(form, cursor)
    if at < 0:
        raise ConlluError(f"word {form!r} not found in sentence text after offset {cursor}")
    return at


def _parse_block(block: str) -> tuple[str | None, list[list[str]]]:
    text: str | None = None
    rows: list[list[str]] = []
    for line in block.splitlines():
        line = line.rstrip("\n")
        if line.startswith("# text ="):
            text = line.split("=", 1)[1].strip()
        elif line and not line.startswith("#"):
            cols = line.split("\t")
            if len(cols) != 10:
                raise ConlluError(f"expected 10 tab-separated columns, got {len(cols)}: {line!r}")
            if "-" in cols[0] or "." in cols[0]:
                continue  # multi-word token ranges and empty nodes carry no tree of their own
            rows.append(cols)
    return text, rows


def parse_conllu(data: str, separator: str = "\n", text: str | None = None) -> ParsedDocument:
    """Parse CoNLL-U sentences into one document.

    The document text is ``text``, or a ``# doc_text = …`` comment at the top, or else the sentences'
    ``# text`` joined by ``separator``; word offsets are found by aligning forms to it in order.
    """
    if text is None and data.startswith("# doc_text = "):
        text = data.split("\n", 1)[0][len("# doc_text = "):]
    if text is not None:
        return _aligned(data, text)
    sentences: list[Sentence] = []
    doc_text = ""
    for block in (b for b in data.strip().split("\n\n") if b.strip()):
        sent_text, rows = _parse_block(block)
        if sent_text is None:
            sent_text = " ".join(r[1] for r in rows)
        if sentences:
            doc_text += separator
        base = len(doc_text)
        doc_text += sent_text
        words: list[Word] = []
        cursor = 0
        for cols in rows:
            at = _align(sent_text, cols[1], cursor)
            cursor = at + len(cols[1])
            feats = "" if cols[5] == "_" else cols[5]
            words.append(
                Word(int(cols[0]), cols[1], cols[2], cols[3], feats, int(cols[6]), cols[7],
                     base + at, base + cursor)
            )
        sentences.append(Sentence(len(sentences), base, base + len(sent_text), sent_text, tuple(words)))
    return ParsedDocument(doc_text, tuple(sentences))


def _aligned(data: str, text: str) -> ParsedDocument:
    loose = parse_conllu(data.split("\n", 1)[1] if data.startswith("# doc_text") else data)
    sentences: list[Sentence] = []
    cursor = 0
    for s in loose.sentences:
        words: list[Word] = []
        for w in s.words:
            at = _align(text, w.text, cursor)
            cursor = at + len(w.text)
            words.append(Word(w.index, w.text, w.lemma, w.upos, w.feats, w.head, w.deprel, at, cursor))
        if words:
            start, end = words[0].start, words[-1].end
            sentences.append(Sentence(len(sentences), start, end, text[start:end], tuple(words)))
    return ParsedDocument(text, tuple(sentences))


def to_conllu(doc: ParsedDocument) -> str:
    out: list[str] = []
    for s in doc.sentences:
        out.append(f"# sent_id = {s.index + 1}")
        out.append(f"# text = {s.text}")
        for w in s.words:
            misc = f"start_char={w.start}|end_char={w.end}"
            out.append("\t".join([str(w.index), w.text, w.lemma or "_", w.upos or "_", "_",
                                  w.feats or "_", str(w.head), w.deprel or "_", "_", misc]))
        out.append("")
    return "\n".join(out) + "\n"
