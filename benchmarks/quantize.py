"""int8 dynamic quantization of Stanza's pos tagger and dependency parser: time and identical output.

    .venv/bin/python benchmarks/quantize.py --n 50 [--corpus FILE] [--skip 200] [--repeat 2]
    .venv/bin/python benchmarks/quantize.py --compare off.db on.db   # stored parses of two runs
    .venv/bin/python benchmarks/quantize.py --run-cpu --n 150 [--corpus FILE]   # CPU s of the run's parsing

Loads the pipeline once (one PyTorch thread, the batch sizes `annotator run` uses), tokenizes N
articles, then times each processor on the same input in float32 and in int8, and compares:
- pos: UPOS and features identical (int8 tagger on the same tokens);
- depparse: heads and relations identical (int8 parser on the float32 tagger's output: the parser alone);
- both: int8 tagger then int8 parser against all float32 (what `ANNOTATOR_QUANTIZE=depparse,pos` gives).
Timings are the best of --repeat runs. Prints the load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import copy
import gzip
import itertools
import json
import os
import time
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news" / "ant_multisource_v2.1.jsonl.gz"


def timed(proc: Any, docs: list[Any], repeat: int) -> tuple[list[Any], float]:
    best, out = float("inf"), docs
    for _ in range(repeat):
        d = copy.deepcopy(docs)
        t = time.perf_counter()
        out = proc.bulk_process(d)
        best = min(best, time.perf_counter() - t)
    return out, best


def words(docs: list[Any]) -> list[Any]:
    return [w for d in docs for s in d.sentences for w in s.words]


def same(a: list[Any], b: list[Any], fields: tuple[str, ...]) -> float:
    wa, wb = words(a), words(b)
    assert len(wa) == len(wb)
    return sum(all(getattr(x, f) == getattr(y, f) for f in fields) for x, y in zip(wa, wb, strict=True)) / len(wa)


def compare_databases(a: Path, b: Path) -> dict[str, Any]:
    """Words of two SQLite databases of the same documents: identical tags, heads and relations."""
    import sqlite3

    def load(path: Path) -> dict[tuple[str, int, int], list[Any]]:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows = con.execute("SELECT d.name, s.start, s.end, s.words FROM sentences s "
                           "JOIN documents d ON d.id = s.document_id").fetchall()
        con.close()
        return {(name, start, end): json.loads(w) for name, start, end, w in rows}

    sa, sb = load(a), load(b)
    common = sa.keys() & sb.keys()
    n = parsed = same_tag = same_arc = same_arc_parsed = 0
    docs_changed: set[str] = set()
    for key in common:
        wa, wb = sa[key], sb[key]
        if [w[6:8] for w in wa] != [w[6:8] for w in wb]:
            docs_changed.add(key[0])
            continue
        for x, y in zip(wa, wb, strict=True):  # text, lemma, upos, feats, head, deprel, start, end
            n += 1
            same_tag += x[2:4] == y[2:4]
            arc = x[4:6] == y[4:6]
            same_arc += arc
            if x[5] != "dep":  # fully parsed (tag-only units hang every word from the root with "dep")
                parsed += 1
                same_arc_parsed += arc
            if not arc or x[2:4] != y[2:4]:
                docs_changed.add(key[0])
    return {"documents": len({k[0] for k in common}), "sentences_a_b_common": [len(sa), len(sb), len(common)],
            "words": n, "parsed_words": parsed, "upos_feats_identical": round(same_tag / max(n, 1), 4),
            "heads_rels_identical": round(same_arc / max(n, 1), 4),
            "heads_rels_identical_parsed": round(same_arc_parsed / max(parsed, 1), 4),
            "documents_with_any_change": len(docs_changed)}


def run_cpu(texts: list[str], repeat: int) -> dict[str, Any]:
    """CPU seconds of what a worker of `annotator run` does (pre-filter, parse, tag; batches of 16 articles),
    float32 and int8 parser alternately, one thread: CPU time moves less than wall time on a shared machine."""
    from annotator.nlp.chunked import ChunkedParser, InProcess
    from annotator.nlp.models import resolve_models
    from annotator.nlp.stanza_pipeline import DEFAULT_QUANTIZE, FAST_BATCH_SIZES, StanzaParser

    parsers = {"fp32": StanzaParser(resolve_models(None), use_gpu=False, batch_sizes=FAST_BATCH_SIZES),
               "int8": StanzaParser(resolve_models(None), use_gpu=False, batch_sizes=FAST_BATCH_SIZES,
                                    quantize=DEFAULT_QUANTIZE)}
    n_words = sum(len(t.split()) for t in texts)
    out: dict[str, Any] = {"articles": len(texts), "words": n_words}
    for name in ("fp32", "int8") * repeat:
        chunked = ChunkedParser(InProcess(parsers[name]), mode="filter")  # a fresh unit cache each time
        load0, cpu0, t0 = os.getloadavg()[0], time.process_time(), time.perf_counter()
        for i in range(0, len(texts), 16):
            chunked.parse_many(texts[i:i + 16])
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
        out.setdefault(name, []).append({"cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
                                         "words_per_cpu_s": round(n_words / cpu, 1),
                                         "load": [round(load0, 2), round(os.getloadavg()[0], 2)]})
    best = {k: min(r["cpu_s"] for r in out[k]) for k in ("fp32", "int8")}
    out["cpu_speedup"] = round(best["fp32"] / best["int8"], 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("A.db", "B.db"),
                    help="compare the stored parses of two runs instead")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--skip", type=int, default=200, help="articles skipped at the start of the corpus")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--run-cpu", action="store_true", help="CPU time of a run's parsing, float32 against int8")
    args = ap.parse_args()
    if args.compare:
        print(json.dumps(compare_databases(*args.compare), indent=1))
        return
    torch.set_num_threads(1)
    import stanza

    from annotator.nlp.models import resolve_models
    from annotator.nlp.stanza_pipeline import FAST_BATCH_SIZES, StanzaParser, quantize_pipeline

    if args.run_cpu:
        with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
            texts = [json.loads(line)["text"] for line in itertools.islice(f, args.skip, args.skip + args.n)]
        print(json.dumps(run_cpu(texts, args.repeat), indent=1))
        return
    load0 = os.getloadavg()[0]
    fp = StanzaParser(resolve_models(None), use_gpu=False, batch_sizes=FAST_BATCH_SIZES)
    q8 = StanzaParser(resolve_models(None), use_gpu=False, batch_sizes=FAST_BATCH_SIZES)
    quantize_pipeline(q8.pipeline, ("pos", "depparse"))
    with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in itertools.islice(f, args.skip, args.skip + args.n)]
    docs = fp.pipeline.processors["tokenize"].bulk_process([stanza.Document([], text=t) for t in texts])
    docs = fp.pipeline.processors["mwt"].bulk_process(docs) if "mwt" in fp.pipeline.processors else docs
    n_words = len(words(docs))
    rows: dict[str, Any] = {"articles": len(texts), "words": n_words}
    pos_fp, rows["pos_fp32_s"] = timed(fp.pipeline.processors["pos"], docs, args.repeat)
    pos_q, rows["pos_int8_s"] = timed(q8.pipeline.processors["pos"], docs, args.repeat)
    rows["pos_upos_identical"] = same(pos_fp, pos_q, ("upos",))
    rows["pos_upos_feats_identical"] = same(pos_fp, pos_q, ("upos", "xpos", "feats"))
    lem_fp = fp.pipeline.processors["lemma"].bulk_process(copy.deepcopy(pos_fp))
    lem_q = fp.pipeline.processors["lemma"].bulk_process(copy.deepcopy(pos_q))
    dep_fp, rows["depparse_fp32_s"] = timed(fp.pipeline.processors["depparse"], lem_fp, args.repeat)
    dep_q, rows["depparse_int8_s"] = timed(q8.pipeline.processors["depparse"], lem_fp, args.repeat)
    rows["depparse_heads_rels_identical"] = same(dep_fp, dep_q, ("head", "deprel"))
    rows["depparse_heads_identical"] = same(dep_fp, dep_q, ("head",))
    both = q8.pipeline.processors["depparse"].bulk_process(copy.deepcopy(lem_q))
    rows["both_heads_rels_identical"] = same(dep_fp, both, ("head", "deprel"))
    rows["both_upos_heads_rels_identical"] = same(dep_fp, both, ("upos", "head", "deprel"))
    rows["both_lemma_identical"] = same(dep_fp, both, ("lemma",))
    docs_changed = sum(same([a], [b], ("head", "deprel")) < 1 for a, b in zip(dep_fp, dep_q, strict=True))
    rows["depparse_articles_with_any_change"] = docs_changed
    rows["pos_speedup"] = rows["pos_fp32_s"] / rows["pos_int8_s"]
    rows["depparse_speedup"] = rows["depparse_fp32_s"] / rows["depparse_int8_s"]
    rows["load_avg_before_after"] = [round(load0, 2), round(os.getloadavg()[0], 2)]
    rows["corpus"] = str(args.corpus)
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in rows.items()}, indent=1))


if __name__ == "__main__":
    main()
