"""The review queue and the report's counts with 1,000,000 attributions, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_queue.py --rows 1000000 --db sqlite:////tmp/q.db
    .venv/bin/python benchmarks/bench_queue.py --rows 1000000 --db postgresql+psycopg://...  (an empty database)
    .venv/bin/python benchmarks/bench_queue.py --rows 1000000 --postgres   (starts a throwaway server)

Generates documents, speakers and attributions with bulk inserts (random statuses, types, cues,
confidences), runs ANALYZE, then times each query (median of several runs, warm cache): the
review queue through the review service (first page and a deep keyset page of 50), the status
counts of `annotator status`, and the group-by counts a report is made of.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.db import Attribution, Database, Document, Speaker, open_database  # noqa: E402
from annotator.services.review import QueueFilter, ReviewService  # noqa: E402
from annotator.services.stats import counts  # noqa: E402

STATUS_WEIGHTS = {"proposed": 80, "accepted": 12, "rejected": 5, "corrected": 3}
TYPES = ("direct", "indirect", "mixed")
CUES = ("قال", "أكد", "أضاف", "أوضح", "أشار", "أعلن", "بحسب", "كشف", "حذر", "نفى")
OUTLETS = ("skynews", "alarabiya", "bbc", "cnn", "france24", "jawharafm")
CHUNK = 20_000


def fill(db: Database, rows: int, seed: int = 5) -> float:
    rnd = random.Random(seed)
    n_docs, n_speakers = max(1, rows // 50), max(1, rows // 500)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with db.engine.begin() as conn:
        conn.execute(insert(Document.__table__), [
            {"name": f"doc{i}", "sha256": f"{i:064x}", "text": "قال الوزير إن الاجتماع انتهى.", "meta": {},
             "outlet": OUTLETS[i % len(OUTLETS)], "created_at": now} for i in range(1, n_docs + 1)])
        conn.execute(insert(Speaker.__table__), [
            {"name": f"متحدث {i}", "kind": "person", "created_at": now} for i in range(1, n_speakers + 1)])
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    for at in range(0, rows, CHUNK):
        batch = []
        for _ in range(min(CHUNK, rows - at)):
            start = rnd.randrange(0, 5000)
            batch.append({
                "document_id": rnd.randrange(1, n_docs + 1), "sentence_index": rnd.randrange(0, 30),
                "type": rnd.choice(TYPES), "content_start": start, "content_end": start + rnd.randrange(10, 300),
                "speaker_id": rnd.randrange(1, n_speakers + 1) if rnd.random() < 0.9 else None,
                "cue_lemma": rnd.choice(CUES), "confidence": round(rnd.random(), 3), "rule": "verb_comp.indirect",
                "status": rnd.choices(statuses, weights)[0], "origin": "engine", "created_at": now,
                "updated_at": now, "version": 1,
            })
        with db.engine.begin() as conn:
            conn.execute(insert(Attribution.__table__), batch)
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def timed(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm the cache
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs) * 1000


def queries(db: Database) -> dict[str, Callable[[], Any]]:
    review = ReviewService(db, "bench")
    first = review.page(QueueFilter(), limit=50)
    with db.sessions() as s:
        n = s.scalar(select(func.count()).select_from(Attribution).where(Attribution.status == "proposed")) or 0
        middle = s.execute(select(Attribution.confidence, Attribution.id).where(Attribution.status == "proposed")
                           .order_by(Attribution.confidence, Attribution.id).offset(n // 2).limit(1)).one()
    assert first, "the queue is empty"

    def sql(query: str) -> Callable[[], Any]:
        def run() -> Any:
            with db.engine.connect() as conn:
                return conn.execute(text(query)).all()
        return run

    def status_counts() -> Any:
        with db.sessions() as s:
            return counts(s)

    return {
        "queue: first page of 50 (review service)": lambda: review.page(QueueFilter(), limit=50),
        "queue: page of 50 in the middle (keyset)": lambda: review.page(QueueFilter(), after=tuple(middle), limit=50),
        "queue: next 50 proposed by confidence (SQL)": sql(
            "SELECT id FROM attributions WHERE status = 'proposed' ORDER BY confidence DESC, id DESC LIMIT 50"),
        "annotator status counts (services.stats)": status_counts,
        "report: count by status, type": sql("SELECT status, type, count(*) FROM attributions GROUP BY 1, 2"),
        "report: count by cue, status": sql("SELECT cue_lemma, status, count(*) FROM attributions GROUP BY 1, 2"),
        "report: top 20 speakers (accepted+corrected)": sql(
            "SELECT speaker_id, count(*) FROM attributions WHERE status IN ('accepted', 'corrected') "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 20"),
        "report: count by outlet, status": sql(
            "SELECT d.outlet, a.status, count(*) FROM attributions a JOIN documents d ON d.id = a.document_id "
            "GROUP BY 1, 2"),
        "review: one document's attributions": sql(
            "SELECT id FROM attributions WHERE document_id = 777 ORDER BY content_start"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--db", help="an empty database (URL or SQLite path)")
    ap.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL server for the run")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--report", action="store_true", help="also time annotator.report's compute_report once")
    ap.add_argument("--revision", help="measure the schema at this migration (0001: before the covering indexes)")
    args = ap.parse_args()
    if args.postgres:
        sys.path.insert(0, str(ROOT / "tests"))
        import postgres_cluster

        with postgres_cluster.server() as server:
            return measure(postgres_cluster.new_database(server), args)
    return measure(args.db or "sqlite:////tmp/bench_queue.db", args)


def measure(url: str, args: argparse.Namespace) -> int:
    db = open_database(url)
    try:
        if args.revision:
            db.downgrade(args.revision)
        with db.sessions() as s:
            if s.scalar(select(func.count()).select_from(Attribution)):
                print("the database is not empty; give an empty one", file=sys.stderr)
                return 2
        fill_s = fill(db, args.rows)
        out: dict[str, Any] = {"backend": db.engine.dialect.name, "rows": args.rows, "fill_seconds": round(fill_s, 1),
                               "revision": db.current_revision(), "load": os.getloadavg(),
                               "ms": {name: round(timed(fn, args.repeat), 2) for name, fn in queries(db).items()}}
        if args.report:
            from annotator.report.compute import compute_report

            t0 = time.perf_counter()
            with db.sessions() as s:
                compute_report(s)
            out["ms"]["report: compute_report (whole)"] = round((time.perf_counter() - t0) * 1000, 1)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
