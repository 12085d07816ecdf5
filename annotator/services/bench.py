"""`annotator bench`: the plain Stanza pipeline and `annotator run` on the same articles, side by side.

Also measures what the pre-filter costs: the engine runs on the plain pipeline's full parses and its
proposals are compared with the ones `annotator run` stored (same content: overlap of at least half
the shorter span; and the same speaker).
"""

from __future__ import annotations

import gc
import os
import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from annotator.db import Attribution, Database, Document, Speaker
from annotator.engine import SpeakerRegistry, propose
from annotator.ingest import Article, read_inputs
from annotator.nlp.types import ParsedDocument
from annotator.services.documents import store_articles
from annotator.services.parsing import ParsingSetup
from annotator.services.propose import ProposeStats, propose_documents
from annotator.services.speakers import ensure_seeded, load_registry

MIN_OVERLAP = 0.5


def read_sample(corpus: Path, n: int) -> list[Article]:
    """The first ``n`` good articles of a corpus file or folder."""
    out: list[Article] = []
    for item in read_inputs([corpus]):
        if isinstance(item, Article):
            out.append(item)
            if len(out) >= n:
                break
    return out


def _cpu_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _own_cpu_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def process_cpu_seconds(pids: Iterable[int]) -> float | None:
    """CPU seconds (user + system) used so far by these live processes, from /proc; None where unreadable."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of stat)
    return total


def _worker_pids(parser: Any) -> list[int]:
    processes = getattr(getattr(parser.base, "executor", None), "_processes", None) or {}
    return [int(pid) for pid in processes]


@dataclass
class Timing:
    seconds: float
    cpu_seconds: float
    articles: int
    words: int
    startup_seconds: float = 0.0  # model loading, not counted in ``seconds``
    main_cpu_seconds: float | None = None  # of ``cpu_seconds``: this process (None: not measured apart)
    worker_cpu_seconds: float | None = None  # of ``cpu_seconds``: the parsing processes, after their start

    def as_dict(self) -> dict[str, float]:
        split = {} if self.main_cpu_seconds is None or self.worker_cpu_seconds is None else {
            "main_cpu_seconds": round(self.main_cpu_seconds, 2),
            "worker_cpu_seconds": round(self.worker_cpu_seconds, 2)}
        return {"seconds": round(self.seconds, 2), "cpu_seconds": round(self.cpu_seconds, 2), **split,
                "articles": self.articles, "words": self.words, "startup_seconds": round(self.startup_seconds, 2),
                "words_per_s": round(self.words / self.seconds, 1) if self.seconds else 0.0,
                "articles_per_s": round(self.articles / self.seconds, 3) if self.seconds else 0.0}


def plain_pipeline(articles: list[Article], models: Path | None,
                   use_gpu: bool = False) -> tuple[Timing, list[ParsedDocument]]:
    """Stanza as it comes: default settings, one ``pipeline(text)`` call per article, in this process."""
    from annotator.nlp.models import resolve_models
    from annotator.nlp.stanza_pipeline import StanzaParser

    t0 = time.perf_counter()
    parser = StanzaParser(resolve_models(models), use_gpu=use_gpu)  # the same device as the run beside it
    startup = time.perf_counter() - t0
    cpu0, t0 = _cpu_seconds(), time.perf_counter()
    parses = [parser.parse(a.text) for a in articles]
    timing = Timing(time.perf_counter() - t0, _cpu_seconds() - cpu0, len(articles),
                    sum(len(a.text.split()) for a in articles), startup)
    del parser
    gc.collect()
    return timing, parses


def _warm_up(parser: Any, workers: int) -> None:
    """Start every worker (each loads its model) before the clock starts, as the plain pipeline is loaded."""
    base = parser.base
    futures = [base.submit(["قال الوزير إن الاجتماع انتهى."]) for _ in range(max(1, workers))]
    for f in futures:
        f.result()


def annotator_run(articles: list[Article], db: Database, setup: ParsingSetup,
                  batch_size: int) -> tuple[Timing, ProposeStats, dict[str, int]]:
    """Ingest and propose, as `annotator run` does, with the parsing processes started beforehand.

    CPU time: this process's plus the parsing processes' from the moment the clock starts (read from
    /proc while they live, so their model loading is not counted); where /proc cannot be read, the
    children's whole CPU time once they are gone (model loading included).
    """
    with setup.open() as parser:
        t0 = time.perf_counter()
        _warm_up(parser, setup.workers)
        startup = time.perf_counter() - t0
        pids = _worker_pids(parser)
        kids0 = process_cpu_seconds(pids)
        cpu0, own0, t0 = _cpu_seconds(), _own_cpu_seconds(), time.perf_counter()
        ingested = store_articles(db, articles)
        stats = propose_documents(db, parser, ids=ingested.document_ids, batch_size=batch_size,
                                  in_flight=setup.in_flight)
        seconds = time.perf_counter() - t0
        own = _own_cpu_seconds() - own0
        kids1 = process_cpu_seconds(pids)
        chunks = parser.stats.as_dict()
    timing = Timing(seconds, _cpu_seconds() - cpu0, stats.documents, stats.input_words, startup)
    if kids0 is not None and kids1 is not None:
        timing.cpu_seconds, timing.main_cpu_seconds, timing.worker_cpu_seconds = own + kids1 - kids0, own, kids1 - kids0
    return timing, stats, chunks


@dataclass
class Agreement:
    full: int = 0  # proposals on the full parse
    filtered: int = 0  # proposals stored by the run
    matched: int = 0  # same content (overlap >= half the shorter span) and same speaker
    matched_span: int = 0  # same content, any speaker
    missed: list[dict[str, Any]] = field(default_factory=list)  # full-parse proposals the run lacks (a few)

    def as_dict(self) -> dict[str, Any]:
        return {"full": self.full, "filtered": self.filtered, "matched": self.matched,
                "matched_content_only": self.matched_span,
                "recall_vs_full": round(self.matched / self.full, 4) if self.full else None,
                "precision_vs_full": round(self.matched / self.filtered, 4) if self.filtered else None,
                "missed_examples": self.missed[:10]}


Item = tuple[int, int, str | None]  # content start, end, speaker


def _same(a: Item, b: Item, speaker: bool) -> bool:
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return overlap > 0 and overlap >= MIN_OVERLAP * shorter and (not speaker or a[2] == b[2])


def count_matches(full: list[Item], other: list[Item], *, speaker: bool = True) -> int:
    """One-to-one matches between two lists of proposals of one document."""
    free = list(other)
    matched = 0
    for a in full:
        hit = next((b for b in free if _same(a, b, speaker)), None)
        if hit is not None:
            free.remove(hit)
            matched += 1
    return matched


def agreement(db: Database, parses: dict[str, ParsedDocument], registry: SpeakerRegistry) -> Agreement:
    """Engine proposals on full parses (by document sha256) against what the database holds."""
    out = Agreement()
    with db.sessions() as session:
        docs = session.execute(select(Document.id, Document.sha256, Document.name).order_by(Document.id)).all()
        for doc_id, sha, name in docs:
            parsed = parses.get(sha)
            if parsed is None:
                continue
            result = propose(parsed, registry)
            full = [(p.content.start, p.content.end, p.speaker) for p in result.proposals]
            rows = session.execute(
                select(Attribution.content_start, Attribution.content_end, Speaker.name)
                .outerjoin(Speaker, Speaker.id == Attribution.speaker_id)
                .where(Attribution.document_id == doc_id, Attribution.origin == "engine")).all()
            stored: list[Item] = [(a, b, s) for a, b, s in rows]
            out.full += len(full)
            out.filtered += len(stored)
            out.matched += count_matches(full, stored)
            out.matched_span += count_matches(full, stored, speaker=False)
            for a in full:
                if not any(_same(a, b, False) for b in stored):
                    out.missed.append({"document": name, "content": parsed.text[a[0]:a[1]][:120], "speaker": a[2]})
    return out


def seeded_registry(db: Database) -> SpeakerRegistry:
    with db.session() as session:
        ensure_seeded(session)
    with db.sessions() as session:
        return load_registry(session)


def database_bytes(db: Database) -> int:
    url = make_url(db.url)
    if url.get_backend_name() == "sqlite":
        path = url.database or ""
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if p and os.path.exists(p))
    with db.engine.connect() as conn:
        if url.get_backend_name() == "postgresql":
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    return 0


def peak_memory_mb() -> dict[str, float]:
    """Peak resident memory of this process and of the largest finished child (a parsing worker)."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"this_process_mb": round(me, 1), "largest_worker_mb": round(kids, 1)}


def run_bench(articles: list[Article], db: Database, setup: ParsingSetup, *, batch_size: int, plain: bool,
              on_step: Callable[[str], None] | None = None) -> dict[str, Any]:
    say = on_step or (lambda _s: None)
    report: dict[str, Any] = {"articles": len(articles), "words": sum(len(a.text.split()) for a in articles),
                              "setup": setup.describe(), "mode": setup.mode, "load_before": os.getloadavg()}
    parses: dict[str, ParsedDocument] = {}
    if plain:
        say(f"plain Stanza pipeline on {len(articles)} articles ...")
        timing, full = plain_pipeline(articles, setup.models, setup.use_gpu)
        report["plain"] = timing.as_dict()
        parses = {a.sha256: p for a, p in zip(articles, full, strict=True)}
    registry = seeded_registry(db)
    say(f"annotator run ({setup.describe()}, parse {setup.mode}) ...")
    timing, stats, chunks = annotator_run(articles, db, setup, batch_size)
    report["run"] = {**timing.as_dict(), "proposals": stats.proposals, "failed": len(stats.failed),
                     "words_parsed": stats.words, "units": chunks}
    if plain and report["plain"]["words_per_s"]:
        report["speedup"] = round(report["run"]["words_per_s"] / report["plain"]["words_per_s"], 2)
        if report["run"]["cpu_seconds"]:
            report["cpu_speedup"] = round(report["plain"]["cpu_seconds"] / report["run"]["cpu_seconds"], 2)
        say("engine on the full parses, for the agreement ...")
        report["agreement"] = agreement(db, parses, registry).as_dict()
    report["memory"] = peak_memory_mb()
    report["database_bytes"] = database_bytes(db)
    report["load_after"] = os.getloadavg()
    return report


def iter_lines(report: dict[str, Any]) -> Iterable[str]:
    """The report as a small table for people."""
    yield f"{report['articles']} articles, {report['words']:,} words; {report['setup']}, parse {report['mode']}"
    yield f"load average before {fmt_load(report['load_before'])}, after {fmt_load(report['load_after'])}"
    yield f"{'':24}{'words/s':>10}{'articles/s':>12}{'seconds':>10}{'cpu s':>10}{'start s':>10}"
    for key, label in (("plain", "plain Stanza pipeline"), ("run", "annotator run")):
        if key in report:
            r = report[key]
            yield (f"{label:24}{r['words_per_s']:>10,.0f}{r['articles_per_s']:>12.2f}{r['seconds']:>10.1f}"
                   f"{r['cpu_seconds']:>10.1f}{r['startup_seconds']:>10.1f}")
    if report["run"].get("worker_cpu_seconds") is not None:
        r = report["run"]
        yield (f"annotator run cpu s: main process {r['main_cpu_seconds']:.1f}, parsing processes "
               f"{r['worker_cpu_seconds']:.1f} (from the start of the clock, model loading not counted)")
    if "speedup" in report:
        yield f"speed-up: {report['speedup']}x words/s"
        if report.get("cpu_speedup"):
            yield f"CPU seconds, plain / run: {report['cpu_speedup']}x"
    if "agreement" in report:
        a = report["agreement"]
        yield (f"agreement with the full parse: {a['matched']}/{a['full']} proposals kept "
               f"(recall {a['recall_vs_full']}), {a['filtered']} stored; same content any speaker: "
               f"{a['matched_content_only']}")
    run = report["run"]
    units = run["units"]
    if units.get("chars_total"):
        yield (f"parsed {units['chars_parsed'] / units['chars_total']:.0%} of the text; units: {units['units']} "
               f"selected, {units['cached']} served from the cache")
    mem = report["memory"]
    yield (f"peak memory: this process {mem['this_process_mb']:,.0f} MB, largest worker "
           f"{mem['largest_worker_mb']:,.0f} MB; database {report['database_bytes'] / 1e6:,.1f} MB")


def fmt_load(load: Iterable[float]) -> str:
    return " ".join(f"{x:.2f}" for x in load)
