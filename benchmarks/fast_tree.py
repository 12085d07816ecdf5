"""Compiled Chu-Liu-Edmonds (`ufal.chu_liu_edmonds`, annotator/nlp/fast_tree.py) against Stanza's own.

    .venv/bin/python benchmarks/fast_tree.py --n 30 [--corpus FILE] [--skip 200] [--repeat 3] [--fp32]
    .venv/bin/python benchmarks/fast_tree.py --run-cpu --n 100 [--corpus FILE]   # CPU s of the run's parsing

Loads the pipeline once (one PyTorch thread, the run's batch sizes, the int8 parser unless --fp32),
tokenizes, tags and lemmatizes N articles (every sentence), then runs the depparse processor on the
same input with Stanza's decoder and with the compiled one, alternately, and reports the CPU seconds
of the processor (best of --repeat), the CPU seconds inside the tree decoder, and how many heads and
relations are identical.
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


def words(docs: list[Any]) -> list[Any]:
    return [w for d in docs for s in d.sentences for w in s.words]


def run_cpu(parser: Any, texts: list[str], repeat: int) -> dict[str, Any]:
    """CPU seconds of what a worker of `annotator run` does (pre-filter, parse, tag; batches of 16 articles),
    Stanza's decoder and the compiled one alternately, and whether the stored parses are the same."""
    from annotator.nlp import fast_tree
    from annotator.nlp.chunked import ChunkedParser, InProcess

    out: dict[str, Any] = {"articles": len(texts), "words": sum(len(t.split()) for t in texts)}
    parsed: dict[str, Any] = {}
    for kind in ("stanza", "compiled") * repeat:
        fast_tree.uninstall()
        if kind == "compiled":
            assert fast_tree.install()
        chunked = ChunkedParser(InProcess(parser), mode="filter")  # a fresh unit cache each time
        load0, cpu0 = os.getloadavg()[0], time.process_time()
        docs = []
        for i in range(0, len(texts), 16):
            docs += chunked.parse_many(texts[i:i + 16])
        out.setdefault(kind, []).append({"cpu_s": round(time.process_time() - cpu0, 2),
                                         "load": [round(load0, 2), round(os.getloadavg()[0], 2)]})
        parsed[kind] = [[(w.head, w.deprel) for s in d.sentences for w in s.words] for d in docs]
    fast_tree.uninstall()
    a = [x for d in parsed["stanza"] for x in d]
    b = [x for d in parsed["compiled"] for x in d]
    out["heads_rels_identical"] = f"{sum(x == y for x, y in zip(a, b, strict=True))}/{len(a)}"
    best = {k: min(r["cpu_s"] for r in out[k]) for k in ("stanza", "compiled")}
    out["cpu_speedup"] = round(best["stanza"] / best["compiled"], 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--skip", type=int, default=200)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--fp32", action="store_true", help="the float32 parser (default: the int8 one, as a run)")
    ap.add_argument("--run-cpu", action="store_true", help="CPU time of a run's parsing instead")
    args = ap.parse_args()
    torch.set_num_threads(1)
    import stanza
    import stanza.models.depparse.model as dep_model

    from annotator.nlp import fast_tree
    from annotator.nlp.models import resolve_models
    from annotator.nlp.stanza_pipeline import DEFAULT_QUANTIZE, FAST_BATCH_SIZES, StanzaParser

    load0 = os.getloadavg()[0]
    parser = StanzaParser(resolve_models(None), use_gpu=False, batch_sizes=FAST_BATCH_SIZES,
                          quantize=() if args.fp32 else DEFAULT_QUANTIZE)
    procs = parser.pipeline.processors
    with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in itertools.islice(f, args.skip, args.skip + args.n)]
    if args.run_cpu:
        print(json.dumps({**run_cpu(parser, texts, args.repeat), "corpus": str(args.corpus)}, indent=1))
        return
    docs = procs["tokenize"].bulk_process([stanza.Document([], text=t) for t in texts])
    for name in ("mwt", "pos", "lemma"):
        if name in procs:
            docs = procs[name].bulk_process(docs)
    decoder_s = {"stanza": 0.0, "compiled": 0.0}
    sentences = {"stanza": 0, "compiled": 0}

    def timed_decoder(kind: str, fn: Any) -> Any:
        def run(scores: Any) -> Any:
            t = time.process_time()
            tree = fn(scores)
            decoder_s[kind] += time.process_time() - t
            sentences[kind] += 1
            return tree
        return run


    out: dict[str, Any] = {"articles": len(texts), "words": len(words(docs)),
                           "sentences": sum(len(d.sentences) for d in docs), "parser": parser.quantized or "float32"}
    results: dict[str, Any] = {}
    cpu: dict[str, list[float]] = {"stanza": [], "compiled": []}
    for kind in ("stanza", "compiled") * args.repeat:
        fast_tree.uninstall()
        if kind == "compiled":
            assert fast_tree.install()
        # time the processor, then (separately, same input) the decoder alone
        d = copy.deepcopy(docs)
        t = time.process_time()
        results[kind] = procs["depparse"].bulk_process(d)
        cpu[kind].append(round(time.process_time() - t, 2))
        dep_model.chuliu_edmonds_one_root = timed_decoder(kind, dep_model.chuliu_edmonds_one_root)
        decoder_s[kind] = 0.0 if sentences[kind] == 0 else decoder_s[kind]
        procs["depparse"].bulk_process(copy.deepcopy(docs))
    fast_tree.uninstall()
    wa, wb = words(results["stanza"]), words(results["compiled"])
    same = sum(x.head == y.head and x.deprel == y.deprel for x, y in zip(wa, wb, strict=True))
    out["heads_rels_identical"] = f"{same}/{len(wa)}"
    out["depparse_cpu_s"] = cpu
    out["depparse_best_cpu_s"] = {k: min(v) for k, v in cpu.items()}
    out["speedup"] = round(min(cpu["stanza"]) / min(cpu["compiled"]), 3)
    out["decoder_cpu_s_per_run"] = {k: round(decoder_s[k] / args.repeat, 3) for k in decoder_s}
    out["load_avg_before_after"] = [round(load0, 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
