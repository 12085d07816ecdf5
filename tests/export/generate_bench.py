"""Generate a database with many attributions for timing export, import and report.

    .venv/bin/python -m tests.export.generate_bench /tmp/bench.db 100000

Documents are built from short Arabic sentences, each holding one attribution (cue, source, content);
about a fifth are reviewed by one reviewer and a tenth by two, with Decision rows as the review
service writes them. Inserts go through SQLAlchemy Core in bulk.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from annotator.db import Attribution, Decision, Document, Speaker, open_database
from annotator.ingest import text_hash

SENTENCES = [  # (cue, source, content) inside one sentence, in this order
    ("قال", "المتحدث باسم الوزارة", "إن المحادثات ستستمر الأسبوع المقبل"),
    ("وأكد", "الرئيس", "أن البلاد لن تتخلى عن برنامجها"),
    ("وأضافت", "الوكالة", "أن الاجتماع تأجل إلى موعد لاحق"),
    ("وصرح", "مسؤول", "بأن الوضع مستقر تماما في العاصمة"),
    ("ونفى", "الوزير", "وجود أي خلاف داخل الحكومة"),
]
LEMMAS = {"قال": "قال", "وأكد": "أكد", "وأضافت": "أضاف", "وصرح": "صرح", "ونفى": "نفى"}
RULES = ["verb_comp.indirect", "verb_comp.direct", "colon_quote.direct", "nominal.indirect", "according.indirect",
         "participle.indirect", "verb_comp.mixed", "headline.direct"]
OUTLETS = ["BBC Arabic", "Sky News Arabia", "France24", "CNN Arabic", "Al Arabiya"]
KINDS = ["person", "person", "person", "organization", "state", "unnamed", "unknown"]


def document(rng: random.Random, n: int) -> tuple[str, list[dict[str, Any]]]:
    parts: list[str] = []
    spans = []
    pos = 0
    for _ in range(n):
        cue, source, content = rng.choice(SENTENCES)
        sentence = f"{cue} {source} {content}. "
        spans.append({"cue_start": pos, "cue_end": pos + len(cue), "source_start": pos + len(cue) + 1,
                      "source_end": pos + len(cue) + 1 + len(source),
                      "content_start": pos + len(cue) + len(source) + 2,
                      "content_end": pos + len(cue) + len(source) + 2 + len(content), "cue_lemma": LEMMAS[cue]})
        parts.append(sentence)
        pos += len(sentence)
    return "".join(parts), spans


def generate(url: str, attributions: int, per_doc: int = 10, seed: int = 7) -> None:
    rng = random.Random(seed)
    db = open_database(url)
    now = datetime.now(UTC)
    with db.session() as s:
        s.execute(insert(Speaker), [{"name": f"متحدث {i}", "kind": KINDS[i % len(KINDS)]} for i in range(1, 501)])
    n_docs = attributions // per_doc
    attribution_id = 0
    for first in range(0, n_docs, 1000):
        docs, rows, decisions = [], [], []
        for d in range(first, min(n_docs, first + 1000)):
            text, spans = document(rng, per_doc)
            text = f"خبر رقم {d}: {text}"  # distinct texts
            shift = len(f"خبر رقم {d}: ")
            month = 1 + d % 24
            docs.append({"id": d + 1, "name": f"doc{d:06d}.txt", "sha256": text_hash(text), "text": text,
                         "outlet": OUTLETS[d % len(OUTLETS)], "meta": {},
                         "published": f"{2017 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}-15T10:00:00"})
            for sp in spans:
                attribution_id += 1
                shifted = {k: (v + shift if k != "cue_lemma" else v) for k, v in sp.items()}
                rule = rng.choice(RULES)
                status = rng.choices(["proposed", "accepted", "corrected", "rejected"], [70, 18, 5, 7])[0]
                row = {"id": attribution_id, "document_id": d + 1, "sentence_index": 0, "type": rule.split(".")[1],
                       "speaker_id": rng.randint(1, 500) if rng.random() < 0.9 else None, "confidence": rng.random(),
                       "rule": rule, "status": status, "origin": "engine", "version": 1, **shifted,
                       "proposed": None, "reviewed_by": None if status == "proposed" else "alice"}
                if status == "corrected":
                    row["proposed"] = {**{k: v for k, v in shifted.items() if k != "cue_lemma"},
                                       "content_start": shifted["content_start"] - 1, "type": row["type"],
                                       "speaker_id": row["speaker_id"]}
                rows.append(row)
                if status != "proposed":
                    after = {k: row[k] for k in ("type", "status", "content_start", "content_end", "speaker_id")}
                    decisions.append({"attribution_id": attribution_id, "annotator": "alice", "action": "accept",
                                      "after": after, "created_at": now})
                    if rng.random() < 0.5:
                        other = dict(after, status=rng.choice(["accepted", status]))
                        decisions.append({"attribution_id": attribution_id, "annotator": "bob", "action": "accept",
                                          "after": other, "created_at": now})
        with db.session() as s:
            s.execute(insert(Document), docs)
            s.execute(insert(Attribution), rows)
            s.execute(insert(Decision), decisions)
    db.dispose()


def main() -> None:
    url = sys.argv[1] if "://" in sys.argv[1] else f"sqlite:///{sys.argv[1]}"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    started = time.perf_counter()
    generate(url, n)
    print(f"{n} attributions generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
