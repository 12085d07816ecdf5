"""The migrations build exactly the schema of db/models.py (indexes included), and the report's counts
read covering indexes (checked with SQLite's query plans on a small table: the plan, not the clock)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, text

from annotator.db import Attribution, Database, Document, Speaker, open_database
from annotator.db.models import ATTRIBUTION_TYPES, STATUSES, Base


def schema_differences(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def test_migrations_match_the_models(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        assert schema_differences(db) == []
        db.downgrade("0001")
        db.upgrade()
        assert schema_differences(db) == []
    finally:
        db.dispose()


REPORT_COUNTS = [
    "SELECT status, type, count(*) FROM attributions GROUP BY 1, 2",
    "SELECT cue_lemma, status, count(*) FROM attributions GROUP BY 1, 2",
    "SELECT speaker_id, count(*) FROM attributions WHERE status IN ('accepted', 'corrected') GROUP BY 1",
    "SELECT d.outlet, a.status, count(*) FROM attributions a JOIN documents d ON d.id = a.document_id GROUP BY 1, 2",
]


def _fill(db: Database, rows: int = 5000) -> None:
    """A few thousand attributions with a realistic spread, and ANALYZE: plans depend on statistics."""
    rnd = random.Random(1)
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        conn.execute(insert(Document.__table__), [{"name": f"d{i}", "sha256": f"{i:064x}", "text": "نص", "meta": {},
                                                   "outlet": f"o{i % 4}", "created_at": now} for i in range(1, 101)])
        conn.execute(insert(Speaker.__table__), [{"name": f"s{i}", "kind": "person", "created_at": now}
                                                  for i in range(1, 51)])
        conn.execute(insert(Attribution.__table__), [{
            "document_id": rnd.randrange(1, 101), "type": rnd.choice(ATTRIBUTION_TYPES), "content_start": 0,
            "content_end": 5, "speaker_id": rnd.randrange(1, 51), "cue_lemma": rnd.choice("abcdefgh"),
            "confidence": rnd.random(), "rule": "r", "origin": "engine", "version": 1, "created_at": now,
            "updated_at": now, "status": rnd.choices(STATUSES, [80, 12, 5, 3])[0]} for _ in range(rows)])
        conn.execute(text("ANALYZE"))


def test_report_counts_read_indexes_only(db: Database) -> None:
    _fill(db)
    with db.engine.connect() as conn:
        for query in REPORT_COUNTS:
            plan = " | ".join(str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + query)))
            steps = [s for s in plan.split(" | ") if " attributions" in s or s.startswith(("SCAN a", "SEARCH a"))]
            assert steps and all("COVERING INDEX" in s for s in steps), f"{query}: {plan}"
