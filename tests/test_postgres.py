"""The same code on a real PostgreSQL server: schema, run, and several processes writing at once.

The server is a throwaway cluster started here (tests/postgres_cluster.py), or ANNOTATOR_TEST_PG_URL.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, select, text

from annotator.db import Attribution, Database, Document, Speaker, open_database
from annotator.engine import propose
from annotator.engine.speakers import generic_name
from annotator.ingest import Article
from annotator.lang.ar import lexicon
from annotator.nlp.testing import WordsParser
from annotator.services.documents import store_articles
from annotator.services.propose import propose_documents, seed_registry
from annotator.services.speakers import load_registry
from tests import postgres_cluster

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    if not os.environ.get(postgres_cluster.ENV_URL) and postgres_cluster.find_bindir() is None:
        pytest.skip("no PostgreSQL binaries (initdb/pg_ctl) and no ANNOTATOR_TEST_PG_URL: apt-get install postgresql")
    with postgres_cluster.server() as url:
        yield url


@pytest.fixture
def pg_url(pg_server: str) -> str:
    return postgres_cluster.new_database(pg_server)


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    db = open_database(pg_url)
    yield db
    db.dispose()


def _cli(url: str, *args: str, pause: float = 0.0) -> subprocess.Popen[str]:
    env = {**os.environ, "ANNOTATOR_TEST_PARSER": f"words:{pause}"}
    return subprocess.Popen([sys.executable, "-m", "annotator", "--db", url, *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


ORDINALS = ("الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة")


def _articles(n: int, offset: int = 0) -> list[dict[str, str]]:
    """Articles whose first line is `speaker: statement`, five speakers in turn (the test parser's rule)."""
    return [{"id": f"a{i}", "text": f"المتحدث باسم الوزارة {ORDINALS[i % 5]}: الاجتماع سيعقد غدا في العاصمة {i}\n"
                                    f"وأضاف أن المحادثات مستمرة منذ أسبوع {i}."} for i in range(offset, offset + n)]


def _jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def test_schema_ingest_and_propose(pg_db: Database) -> None:
    assert pg_db.engine.dialect.name == "postgresql"
    articles = [Article(name=r["id"], text=r["text"], source_path="x") for r in _articles(6)]
    ingested = store_articles(pg_db, articles + articles[:2])
    assert ingested.added == 6 and ingested.duplicates == 2
    stats = propose_documents(pg_db, WordsParser())
    assert stats.documents == 6 and stats.proposals > 0 and not stats.failed
    again = propose_documents(pg_db, WordsParser())
    assert again.documents == 0  # nothing left to parse
    with pg_db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Document).where(Document.parsed_at.is_(None))) == 0


def test_concurrent_ingest_of_overlapping_inputs(tmp_path: Path, pg_url: str) -> None:
    open_database(pg_url).dispose()  # the schema first: three processes creating it at once is not the test
    # Three inputs that share two thirds of their articles, in different orders.
    a = _jsonl(tmp_path / "a.jsonl.gz", _articles(300))
    b = _jsonl(tmp_path / "b.jsonl.gz", list(reversed(_articles(300, 100))))
    c = _jsonl(tmp_path / "c.jsonl.gz", _articles(300, 50))
    procs = [_cli(pg_url, "ingest", str(p), "--json") for p in (a, b, c, b)]
    outputs = [p.communicate(timeout=180) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    results = [json.loads(out) for out, _ in outputs]
    assert sum(r["added"] for r in results) == 400
    assert sum(r["added"] + r["duplicates"] for r in results) == 1200
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*), count(DISTINCT sha256) FROM documents")).one() == (400, 400)
    engine.dispose()


def _stored(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("""SELECT d.name, a.content_start, a.content_end, s.name FROM attributions a
            JOIN documents d ON d.id = a.document_id LEFT JOIN speakers s ON s.id = a.speaker_id""")).all()
    engine.dispose()
    return sorted(tuple(r) for r in rows)


def test_concurrent_runs_share_speakers_and_write_each_document_once(tmp_path: Path, pg_server: str) -> None:
    corpus = _jsonl(tmp_path / "c.jsonl.gz", _articles(60))
    args = ("run", str(corpus), "--workers", "0", "--batch-size", "4", "--no-progress")
    alone = postgres_cluster.new_database(pg_server)
    reference = _cli(alone, *args)
    assert reference.wait(timeout=180) == 0, reference.communicate()[1]
    expected = _stored(alone)
    assert expected and all(speaker for *_, speaker in expected)

    url = postgres_cluster.new_database(pg_server)
    open_database(url).dispose()
    procs = [_cli(url, *args, pause=0.01) for _ in range(3)]  # the same documents, the same new speakers
    for p in procs:
        _out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    stored = _stored(url)
    # Each document written once, with the same attributions (spans exactly) as one run alone.
    assert [row[:-1] for row in stored] == [row[:-1] for row in expected]
    # Speakers: named ones are shared exactly. A generic mention (المتحدث باسم الوزارة …) names nobody
    # outside its article, and its wording can depend on what the growing registry held when each of the
    # three processes started; only such speakers may differ.
    lex = lexicon()
    differing = [(a[-1], b[-1]) for a, b in zip(stored, expected, strict=True) if a[-1] != b[-1]]
    assert all(x and y and generic_name(x, lex) and generic_name(y, lex) for x, y in differing), differing
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents WHERE parsed_at IS NULL")).scalar_one() == 0
        sentences_dup = conn.execute(text("""SELECT count(*) FROM (SELECT document_id, index FROM sentences
            GROUP BY 1, 2 HAVING count(*) > 1) d""")).scalar_one()
        assert sentences_dup == 0
    engine.dispose()


def test_speaker_created_by_another_process_meanwhile_is_reread(pg_db: Database, pg_url: str) -> None:
    """The unique speaker name: a concurrent insert makes our flush fail; the document is stored again."""
    store_articles(pg_db, [Article(name="a", text=_articles(1)[0]["text"], source_path="x")])
    other = create_engine(pg_url)
    seed_registry(pg_db)
    with pg_db.sessions() as s:
        registry = load_registry(s)
    [entry] = [p.speaker for p in propose(WordsParser().parse_one(_articles(1)[0]["text"]), registry).proposals
               if p.rule.startswith("headline")]
    name = str(entry)  # the speaker the engine will create for this document
    fired: list[bool] = []

    def insert_first(session, _ctx, _instances):  # type: ignore[no-untyped-def]
        if not fired and any(isinstance(o, Speaker) and o.name == name for o in session.new):
            fired.append(True)
            with other.begin() as conn:
                conn.execute(text("INSERT INTO speakers (name, kind, created_at) VALUES (:n, 'unknown', now())"),
                             {"n": name})

    from sqlalchemy.orm import Session

    event.listen(Session, "before_flush", insert_first)
    try:
        stats = propose_documents(pg_db, WordsParser())
    finally:
        event.remove(Session, "before_flush", insert_first)
        other.dispose()
    assert fired and stats.documents == 1 and not stats.failed
    with pg_db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Speaker).where(Speaker.name == name)) == 1
        speaker_id = s.scalar(select(Speaker.id).where(Speaker.name == name))
        linked = s.scalars(select(Attribution.speaker_id).where(Attribution.speaker_id == speaker_id)).all()
        assert linked  # the proposal points at the row the other process made


def test_migrations_match_the_models_on_postgres(pg_db: Database) -> None:
    from tests.test_scale_indexes import schema_differences

    assert schema_differences(pg_db) == []
    pg_db.downgrade("0001")
    pg_db.upgrade()
    assert schema_differences(pg_db) == []
