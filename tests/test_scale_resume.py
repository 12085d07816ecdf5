"""`annotator run` stopped with kill -9 or Ctrl-C, then run again: whole documents, no duplicates, nothing lost.

The runs are real subprocesses of the command line with worker processes; the parser is the
test-only words parser (ANNOTATOR_TEST_PARSER) so that a run lasts seconds and needs no model.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

DOCS = 40
PAUSE = 0.15  # seconds per document in the test parser: a run lasts about DOCS * PAUSE / workers


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for i in range(DOCS):
        body = "\n".join([
            f"وزير الخارجية رقم {'ا' * (i % 7 + 1)}: الاجتماع كان مثمرا جدا وسنواصل الحوار {i}",
            "وأضاف المتحدث أن المحادثات ستستمر الأسبوع المقبل في العاصمة.",
            f"الناطق باسم الحكومة: لا تغيير في الموقف الرسمي من القضية رقم {i}",
        ])
        (folder / f"doc{i:03}.txt").write_text(body, encoding="utf-8")
    return folder


def _command(db: Path, corpus: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "annotator", "--db", str(db), "run", str(corpus), "--no-progress",
            "--workers", str(workers), "--batch-size", "2"]


def _env(pause: float) -> dict[str, str]:
    return {**os.environ, "ANNOTATOR_TEST_PARSER": f"words:{pause}"}


def _parsed(db: Path) -> int:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM documents WHERE parsed_at IS NOT NULL")).scalar_one())
    except Exception:  # the schema is not there yet
        return 0
    finally:
        engine.dispose()


def _start_and_stop(db: Path, corpus: Path, sig: int, workers: int) -> int:
    """Start a run, wait until some documents are stored, send ``sig``; the exit code."""
    proc = subprocess.Popen(_command(db, corpus, workers), env=_env(PAUSE), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while _parsed(db) < 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be stopped"
        assert 0 < _parsed(db) < DOCS
        proc.send_signal(sig)
        code = proc.wait(timeout=30)
        assert _group_gone(proc.pid, within=10), "worker processes outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
        _kill_group(proc.pid)
    return code


def _group_gone(pgid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _kill_group(pgid: int) -> None:
    """The workers of a run killed with -9 are orphans: the test makes sure none is left behind."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def _state(db: Path) -> dict[str, object]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        q = lambda sql: conn.execute(text(sql)).all()  # noqa: E731
        state = {
            "documents": q("SELECT count(*) FROM documents")[0][0],
            "parsed": q("SELECT count(*) FROM documents WHERE parsed_at IS NOT NULL")[0][0],
            # A document is whole: parsed with sentences, or not parsed with nothing of its parse stored.
            "half_written": q("""SELECT count(*) FROM documents d WHERE
                (d.parsed_at IS NULL AND (EXISTS (SELECT 1 FROM sentences s WHERE s.document_id = d.id)
                                          OR EXISTS (SELECT 1 FROM attributions a WHERE a.document_id = d.id)))
                OR (d.parsed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sentences s WHERE s.document_id = d.id))
                """)[0][0],
            "duplicate_attributions": q("""SELECT count(*) FROM (SELECT document_id, content_start, content_end
                FROM attributions GROUP BY 1, 2, 3 HAVING count(*) > 1) AS dup""")[0][0],
            "attributions": sorted(q("""SELECT d.name, a.content_start, a.content_end, a.rule FROM attributions a
                JOIN documents d ON d.id = a.document_id""")),
        }
    engine.dispose()
    return state


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """A run that was never stopped, for comparison."""
    tmp = tmp_path_factory.mktemp("reference")
    corpus = _corpus(tmp / "corpus")
    db = tmp / "ref.db"
    done = subprocess.run(_command(db, corpus, 0), env=_env(0), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    state = _state(db)
    assert state["parsed"] == DOCS and state["attributions"]
    return corpus, state


@pytest.mark.parametrize(("sig", "workers"), [(signal.SIGKILL, 2), (signal.SIGKILL, 0), (signal.SIGINT, 1)])
def test_stopped_run_continues_where_it_stopped(tmp_path: Path, reference: tuple[Path, dict[str, object]],
                                                 sig: int, workers: int) -> None:
    corpus, expected = reference
    db = tmp_path / "run.db"
    code = _start_and_stop(db, corpus, sig, workers)
    assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 130)
    stopped = _state(db)
    assert stopped["half_written"] == 0
    assert stopped["duplicate_attributions"] == 0
    assert 0 < stopped["parsed"] < DOCS  # type: ignore[operator]

    again = subprocess.run(_command(db, corpus, workers), env=_env(0), capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"0 documents added, {DOCS} already stored" in again.stdout
    final = _state(db)
    assert final["half_written"] == 0 and final["duplicate_attributions"] == 0
    assert final["documents"] == DOCS and final["parsed"] == DOCS
    assert final["attributions"] == expected["attributions"]
