"""What the pre-filter costs: the engine on full parses against the engine on pre-filtered parses.

    .venv/bin/python benchmarks/agreement.py --n 200 [--corpus PATH] [--granularity sentence|line]

Parses N articles twice with the same Stanza pipeline (every sentence; only the selected units),
runs the engine over each set in document order (a registry of its own for each, seeded as a new
database is), and compares per document: a proposal is kept when the other side has one whose
content overlaps at least half of the shorter span and that names the same speaker. Each full-parse
proposal the filtered side lacks is classed: its cue lies outside every selected unit (the filter
dropped it) or inside one (the unit, parsed alone, was segmented or tagged differently).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.engine import SpeakerEntry, SpeakerRegistry, propose  # noqa: E402
from annotator.lang.ar import seed_speakers  # noqa: E402
from annotator.nlp.chunked import ChunkedParser, InProcess  # noqa: E402
from annotator.nlp.models import resolve_models  # noqa: E402
from annotator.nlp.prefilter import select_units  # noqa: E402
from annotator.nlp.stanza_pipeline import FAST_BATCH_SIZES, StanzaParser  # noqa: E402
from annotator.services.bench import _same, count_matches, read_sample  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "news" / "ant_multisource_v2.1.jsonl.gz"


def registry() -> SpeakerRegistry:
    return SpeakerRegistry(SpeakerEntry(s["name"], s.get("kind", "unknown"), s.get("gender"),
                                        set(s.get("aliases") or [])) for s in seed_speakers())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--granularity", default="sentence", choices=("sentence", "line"))
    ap.add_argument("--examples", type=int, default=8)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)  # on a shared machine more threads spin more than they parse
    articles = read_sample(args.corpus, args.n)
    texts = [a.text for a in articles]
    parser = StanzaParser(resolve_models(None), use_gpu=False, batch_sizes=FAST_BATCH_SIZES)
    t0 = time.perf_counter()
    full = parser.parse_many(texts)
    t_full = time.perf_counter() - t0
    chunked = ChunkedParser(InProcess(parser), granularity=args.granularity)
    t0 = time.perf_counter()
    filtered = chunked.parse_many(texts)
    t_filtered = time.perf_counter() - t0
    reg_full, reg_filtered = registry(), registry()
    out = {"full": 0, "filtered": 0, "matched": 0, "matched_content": 0, "missed_dropped_by_filter": 0,
           "missed_inside_selected_units": 0}
    examples: list[dict[str, str]] = []
    for article, a, b in zip(articles, full, filtered, strict=True):
        pa = propose(a, reg_full).proposals
        pb = propose(b, reg_filtered).proposals
        ia = [(p.content.start, p.content.end, p.speaker) for p in pa]
        ib = [(p.content.start, p.content.end, p.speaker) for p in pb]
        out["full"] += len(ia)
        out["filtered"] += len(ib)
        out["matched"] += count_matches(ia, ib)
        out["matched_content"] += count_matches(ia, ib, speaker=False)
        units = select_units(article.text, args.granularity)
        for p, item in zip(pa, ia, strict=True):
            if any(_same(item, other, False) for other in ib):
                continue
            anchor = (p.cue or p.source or p.content).start
            inside = any(s <= anchor < e for s, e in units)
            out["missed_inside_selected_units" if inside else "missed_dropped_by_filter"] += 1
            if len(examples) < args.examples:
                examples.append({"doc": article.name, "rule": p.rule, "inside_unit": str(inside),
                                 "cue": article.text[p.cue.start:p.cue.end] if p.cue else "",
                                 "content": article.text[p.content.start:p.content.end][:100]})
    report = {"corpus": str(args.corpus), "articles": len(articles), "granularity": args.granularity,
              **out, "recall_vs_full": round(out["matched"] / max(1, out["full"]), 4),
              "content_recall_vs_full": round(out["matched_content"] / max(1, out["full"]), 4),
              "precision_vs_full": round(out["matched"] / max(1, out["filtered"]), 4),
              "seconds_full_parse": round(t_full, 1), "seconds_filtered_parse": round(t_filtered, 1),
              "chars_parsed_share": round(chunked.stats.chars_parsed / max(1, chunked.stats.chars_total), 3),
              "load": os.getloadavg(), "examples": examples}
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
