"""BBC citron's document JSON: ``{"text", "quotes": [{"cue", "sources", "contents"}]}``, spans as
``{"start", "end", "text"}`` (https://github.com/bbc/citron, docs/data_format.md).

Citron groups one cue with its sources and contents; an attribution here has one content, so each
becomes one quote. Extra keys (``id``, ``confidence``, ``type``, ``speaker``, ``status``) ride along;
citron ignores them. An attribution without a cue is written with ``"cue": null``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def quote(rec: dict[str, Any]) -> dict[str, Any]:
    return {
        "cue": rec.get("cue"),
        "sources": [rec["source"]] if rec.get("source") else [],
        "contents": [rec["content"]],
        "id": rec.get("id"),
        "confidence": rec.get("confidence"),
        "type": rec.get("type"),
        "speaker": rec.get("speaker"),
        "status": rec.get("status"),
    }


def document(name: str, sha256: str, text: str, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"doc": name, "doc_sha256": sha256, "text": text, "quotes": [quote(r) for r in records]}
