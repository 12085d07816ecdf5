"""Ingest: exact text, names, JSON Lines fields, duplicates, and one clear reason per rejected item."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.db import Database, Document
from annotator.errors import InputError
from annotator.ingest import Article, Rejected, read_inputs
from annotator.services.documents import store_articles

ARABIC = "وقال لافروف: “نحن ممتنون للغاية”.\r\nسطر ثان  بمسافتين.\n"


def _items(*paths: Path) -> list[Article | Rejected]:
    return list(read_inputs(paths))


def test_text_file_is_kept_exactly(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(ARABIC.encode("utf-8"))
    [article] = _items(f)
    assert isinstance(article, Article)
    assert article.text == ARABIC  # CRLF, double spaces and the final newline are all kept
    assert article.name == "a.txt"


def test_byte_order_mark_is_not_text(tmp_path: Path) -> None:
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + ARABIC.encode("utf-8"))
    [article] = _items(f)
    assert isinstance(article, Article) and article.text == ARABIC


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        ("نص".encode("utf-16"), "not UTF-8"),
        (b"\xff\xfe\x00\x00binary", "binary"),
        ("<html><body><p>قال</p></body></html>".encode(), "HTML"),
        (b"English only, no Arabic here.", "no Arabic"),
    ],
)
def test_bad_text_files_are_rejected_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    [item] = _items(f)
    assert isinstance(item, Rejected)
    assert reason in item.reason


def test_too_large_file_is_rejected(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_text("قال " * 1000, encoding="utf-8")
    [item] = list(read_inputs([f], max_bytes=100))
    assert isinstance(item, Rejected) and "too large" in item.reason


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        _items(tmp_path / "nope.txt")


def test_folder_is_read_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("قال ب", encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_text("قال أ", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("قال مخفي", encoding="utf-8")
    (tmp_path / "notes.md").write_text("قال", encoding="utf-8")
    names = [i.name for i in _items(tmp_path) if isinstance(i, Article)]
    assert names == ["b.txt", "a.txt"]


def test_jsonl_fields_ids_and_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "news.jsonl.gz"
    lines = [
        json.dumps({"docno": "AL-1", "src": "alarabia", "title": "عنوان", "time": "2018", "text": "قال الوزير إن"}),
        "{not json",
        json.dumps({"docno": "AL-2", "text": ""}),
        json.dumps({"url": "http://x/1", "content": "أكد المتحدث أن"}),
        json.dumps(["a list"]),
        "",
    ]
    with gzip.open(f, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    items = _items(f)
    good = [i for i in items if isinstance(i, Article)]
    bad = [i for i in items if isinstance(i, Rejected)]
    assert [a.name for a in good] == ["AL-1", "http://x/1"]
    assert good[0].outlet == "alarabia" and good[0].title == "عنوان" and good[0].published == "2018"
    assert [b.where.rsplit(":", 1)[1] for b in bad] == ["2", "3", "5"]
    assert "malformed JSON" in bad[0].reason and "empty" in bad[1].reason and "not a JSON object" in bad[2].reason


def test_store_deduplicates_by_content_hash(db: Database, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "other.txt").write_text("أكد الوزير أن", encoding="utf-8")
    first = store_articles(db, read_inputs([tmp_path]))
    again = store_articles(db, read_inputs([tmp_path]))
    assert (first.added, first.duplicates) == (2, 1)
    assert (again.added, again.duplicates) == (0, 3)
    with db.sessions() as s:
        texts = s.scalars(select(Document.text).order_by(Document.id)).all()
    assert texts == [ARABIC, "أكد الوزير أن"]
