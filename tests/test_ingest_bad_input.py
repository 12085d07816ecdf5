"""Bad input at scale: a corpus with empty, binary, huge, non-UTF-8 and malformed items is processed to the end.

Each bad item is reported with its reason (stderr and --json), every good article is stored and
parsed, and the exit code is 3. The run is the real command line with the test-only words parser.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from annotator.ingest import Article, Rejected, read_jsonl

GOOD = "قال المتحدث باسم الوزارة إن الاجتماع سيعقد غدا {}."
HUGE = 50 * 1024 * 1024


def _good(i: int) -> str:
    return GOOD.format(i)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], int]:
    """(folder, {where suffix: expected reason}, number of good articles)."""
    folder = tmp_path_factory.mktemp("bad") / "corpus"
    folder.mkdir()
    bad: dict[str, str] = {}
    good = 0
    (folder / "a_empty.txt").write_bytes(b"")
    bad["a_empty.txt"] = "empty"
    (folder / "b_binary.txt").write_bytes(bytes(range(256)) * 64)
    bad["b_binary.txt"] = "binary"
    (folder / "c_latin1.txt").write_bytes("قال".encode() + "café".encode("latin-1"))
    bad["c_latin1.txt"] = "not UTF-8"
    with (folder / "d_huge.txt").open("wb") as fh:  # 50 MB of Arabic text: one file, not an article
        block = (_good(0) + "\n").encode() * 1024
        for _ in range(HUGE // len(block) + 1):
            fh.write(block)
    bad["d_huge.txt"] = "too large"
    for i in range(5):
        (folder / f"e_good{i}.txt").write_text(_good(i), encoding="utf-8")
        good += 1

    lines: list[bytes] = []
    for i in range(5, 10):
        lines.append(json.dumps({"id": f"j{i}", "text": _good(i)}, ensure_ascii=False).encode())
    lines.insert(1, b"{not json")
    lines.insert(3, json.dumps({"id": "x", "text": "نص"}).encode()[:-3] + b"\xff\xfe\"}")  # a bad byte
    lines.insert(5, b"\x00\x01\x02 binary garbage \x00")
    lines.insert(6, json.dumps({"id": "huge", "text": "ق" * (HUGE // 2)}).encode())  # a 50 MB line
    lines.insert(7, json.dumps({"id": "nothing"}).encode())
    lines.insert(8, json.dumps({"id": "empty", "text": "   "}).encode())
    good += 5
    (folder / "f_news.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    bad.update({"f_news.jsonl:2": "malformed JSON", "f_news.jsonl:4": "not UTF-8", "f_news.jsonl:6": "",
                "f_news.jsonl:7": "too large", "f_news.jsonl:8": "no text field", "f_news.jsonl:9": "empty"})

    data = gzip.compress("\n".join(json.dumps({"id": f"g{i}", "text": _good(i)}, ensure_ascii=False)
                                   for i in range(10, 14)).encode())
    (folder / "g_truncated.jsonl.gz").write_bytes(data[: len(data) - 12])  # the archive's end is missing
    bad["g_truncated.jsonl.gz:"] = "cannot read further"
    return folder, bad, good


def _run(db: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANNOTATOR_TEST_PARSER": "words"}
    return subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), "run", str(folder), "--json",
                           "--no-progress", "--workers", "1"], env=env, capture_output=True, text=True, timeout=300)


def test_bad_items_are_reported_and_the_rest_is_processed(tmp_path: Path,
                                                         corpus: tuple[Path, dict[str, str], int]) -> None:
    folder, bad, _good_count = corpus
    done = _run(tmp_path / "x.db", folder)
    assert done.returncode == 3, done.stderr
    report = json.loads(done.stdout)
    rejected = {r["where"].removeprefix(str(folder) + "/"): r["reason"] for r in report["ingest"]["rejected"]}
    for where, reason in bad.items():
        found = [r for w, r in rejected.items() if w == where or (where.endswith(":") and w.startswith(where))]
        assert found, f"{where} not reported: {rejected}"
        assert reason in found[0]
        assert found[0] in done.stderr  # and on stderr, one line each
    # The truncated archive may yield its first lines before the break; everything else is exact.
    assert len(rejected) == len(bad)
    assert report["propose"]["failed"] == []
    assert report["propose"]["documents"] == report["ingest"]["added"]
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM documents WHERE parsed_at IS NOT NULL")).scalars())
    engine.dispose()
    assert {f"e_good{i}.txt" for i in range(5)} | {f"j{i}" for i in range(5, 10)} <= names


def test_a_line_that_is_not_utf8_costs_that_line_only(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    f.write_bytes(b'{"id": "a", "text": "\xd9\x82\xd8\xa7\xd9\x84 \xff"}\n'
                  + json.dumps({"id": "b", "text": _good(1)}).encode() + b"\n")
    items = list(read_jsonl(f))
    assert isinstance(items[0], Rejected) and "not UTF-8" in items[0].reason
    assert isinstance(items[1], Article) and items[1].name == "b"


def test_a_huge_line_is_skipped_without_reading_it_whole(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    with f.open("wb") as fh:
        fh.write(b'{"id": "big", "text": "' + b"a" * 3_000_000 + b'"}\n')
        fh.write(json.dumps({"id": "b", "text": _good(1)}).encode() + b"\n")
    items = list(read_jsonl(f, max_bytes=1_000_000))
    assert isinstance(items[0], Rejected) and "too large" in items[0].reason and items[0].where.endswith(":1")
    assert isinstance(items[1], Article) and items[1].source_path.endswith(":2")
