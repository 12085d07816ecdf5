"""Cheaper work around Stanza's models in a parsing process, with the same output.

Things that cost CPU in Stanza's tagger and parser and need not be computed as often as they are
(docs/scale.md, "Session 5"); each gives the same tags, lemmas, heads and relations as Stanza:

- **Character vectors, once per word form.** The tagger runs a character LSTM (400 hidden units) over
  every character of every word of a batch, then pools it into one vector per word. That vector depends
  on the word's characters only (eval mode: no dropout), and news text repeats its words: in 60
  multisource articles the tagger saw 21,175 words, 8,752 distinct forms per batch.
  :class:`CharVectorCache` runs the LSTM once per form not seen yet and keeps the vectors of the last
  ``capacity`` forms for the next batches. Not for an int8 model (the parser's, by default): its
  activations are quantized with the range of the whole batch, so a word's vector depends on its batch.
- **Relation labels for the chosen arcs only.** The parser scores every relation for every pair of
  words, then keeps the labels of the tree's arcs; :class:`HeadsFirstParser` decodes the trees as Stanza
  does and scores the labels of those arcs only (Stanza's full scores still for a sentence whose labels
  need Stanza's head-constraint repair).
- **Feature strings, once per combination.** :func:`memoize_composite_vocab`.
- **Lemmas of the seq2seq lemmatizer, once per (word, tag)**: Stanza's own ``lemma_store_results``,
  set by :class:`annotator.nlp.stanza_pipeline.StanzaParser` with ``speedups=True``.

:func:`install` applies them to one loaded pipeline (its own model instances, never Stanza's classes:
the plain pipeline of ``annotator bench`` in the same process stays as it comes). Every parsing process
of ``annotator run`` on the CPU uses them; ``ANNOTATOR_FAST_STANZA=0`` turns them off (for measuring).
"""

from __future__ import annotations

import logging
from typing import Any

from annotator.nlp.switches import switched_off

FAST_STANZA_ENV = "ANNOTATOR_FAST_STANZA"
CHAR_CACHE_CAPACITY = 20_000  # word forms per model: 20,000 x 400 floats = 32 MB


def enabled() -> bool:
    return not switched_off(FAST_STANZA_ENV)


class CharVectorCache:
    """Replaces ``forward`` of one Stanza ``CharacterModel``: the LSTM runs on new word forms only.

    Stanza's forward: character LSTM over the words of the batch (sorted by length, longest first),
    attention pooling into one vector per word, then the words put back in order and packed by sentence.
    Here the pooled vector of each distinct form (its character ids) is computed once, by Stanza's own
    layers on a batch of the forms not cached yet, and looked up for every occurrence.
    """

    def __init__(self, model: Any, capacity: int = CHAR_CACHE_CAPACITY) -> None:
        self.model = model
        self.capacity = max(1, capacity)
        self.rows: dict[tuple[int, ...], int] = {}  # character ids -> row of ``store``
        self.store: Any = None
        self.hits = 0
        self.misses = 0
        self._original = model.forward

    def pooled(self, chars: Any, wordlens: list[int]) -> Any:
        """Stanza's pooled character vectors of these words (rows sorted by length, longest first)."""
        import torch
        from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

        m = self.model
        embs = m.dropout(m.char_emb(chars))
        n = embs.size(0)
        layers = m.num_dir * m.args["char_num_layers"]
        hidden = m.args["char_hidden_dim"]
        embs = pack_padded_sequence(embs, wordlens, batch_first=True)
        output = m.charlstm(embs, wordlens, hx=(m.charlstm_h_init.expand(layers, n, hidden).contiguous(),
                                                m.charlstm_c_init.expand(layers, n, hidden).contiguous()))
        if m.attn:
            reps = output[0]
            weights = torch.sigmoid(m.char_attn(m.dropout(reps.data)))
            reps, _ = pad_packed_sequence(PackedSequence(reps.data * weights, reps.batch_sizes), batch_first=True)
            return reps.sum(1)
        h, _c = output[1]
        return h[-2:].transpose(0, 1).contiguous().view(n, -1)

    def forward(self, chars: Any, chars_mask: Any, word_orig_idx: Any, sentlens: Any, wordlens: Any) -> Any:
        import torch
        from stanza.models.common.utils import tensor_unsort
        from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

        if self.model.training:  # never expected in a parsing process; Stanza's own forward
            return self._original(chars, chars_mask, word_orig_idx, sentlens, wordlens)
        lens = [int(x) for x in wordlens]
        keys = [tuple(row[:n]) for row, n in zip(chars.tolist(), lens, strict=True)]
        new: dict[tuple[int, ...], int] = {}
        for i, key in enumerate(keys):
            if key not in self.rows and key not in new:
                new[key] = i  # first occurrence; the words come longest first, so these do too
        if new and len(self.rows) + len(new) > self.capacity:
            self.rows.clear()  # full: start again (bounded memory; the next batches refill it)
            self.store = None
            new = {}
            for i, key in enumerate(keys):
                new.setdefault(key, i)
        if new:
            picked = list(new.values())
            width = max(lens[i] for i in picked)
            vectors = self.pooled(chars[picked, :width], [lens[i] for i in picked])
            base = 0 if self.store is None else self.store.size(0)
            self.store = vectors if self.store is None else torch.cat([self.store, vectors])
            for k, key in enumerate(new):
                self.rows[key] = base + k
        self.misses += len(new)
        self.hits += len(keys) - len(new)
        res = self.store[torch.tensor([self.rows[k] for k in keys], dtype=torch.long)]
        res = tensor_unsort(res, word_orig_idx)
        res = pack_sequence(res.split(sentlens))
        if self.model.pad:
            res = pad_packed_sequence(res, batch_first=True)[0]
        return res


def _quantized(module: Any) -> bool:
    """An int8 dynamic module quantizes its inputs with the range of the whole batch: a word's vector then
    depends on the other words of its batch, and a cached one would differ from Stanza's (measured: 34
    heads of 21,375 words changed with the int8 parser), so such a model keeps Stanza's forward."""
    return any("quantized" in type(m).__module__ for m in module.modules())


def memoize_composite_vocab(vocab: Any) -> bool:
    """Remember the string of each id combination of a Stanza ``CompositeVocab`` (the features)."""
    original = getattr(vocab, "id2unit", None)
    if original is None or getattr(vocab, "_annotator_memo", False):
        return False
    memo: dict[tuple[int, ...], Any] = {}

    def id2unit(ids: Any) -> Any:
        try:
            key = tuple(ids)
        except TypeError:  # a single id: Stanza's own path
            return original(ids)
        found = memo.get(key)
        if found is None:
            found = original(ids)
            if isinstance(found, str):
                memo[key] = found
        return found

    vocab.id2unit = id2unit
    vocab._annotator_memo = True
    return True


class HeadsFirstParser:
    """Replaces ``predict`` of one Stanza ``GraphParser``: relation labels scored for the chosen arcs only.

    Stanza scores every relation for every (dependent, head) pair of a batch, a pairwise biaffine of
    301 x 301 x relations, then keeps the labels of the arcs of the decoded tree. Here the arc scores and
    the trees are computed exactly as Stanza does; then the biaffine is contracted first with each head
    that the trees use (W . b_h), and then with each dependent (a_d . W b_h): the same sum, over a
    fraction of the pairs. A sentence whose labels break a head constraint (two subjects of one head)
    gets Stanza's full label scores and Stanza's repair, as before.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self._original = model.predict
        self.repaired = 0  # sentences that needed the full label scores

    def predict(self, word: Any, word_mask: Any, wordchars: Any, wordchars_mask: Any, upos: Any, xpos: Any,
                ufeats: Any, pretrained: Any, lemma: Any, head: Any, deprel: Any, word_orig_idx: Any,
                sentlens: Any, wordlens: Any, text: Any, resolve_head_constraints: bool = False) -> Any:
        import torch
        import torch.nn.functional as F
        from stanza.models.common.vocab import VOCAB_PREFIX_SIZE
        from stanza.models.depparse import head_constraints
        from stanza.models.depparse import model as depparse_model

        m = self.model
        if m.training or m.args.get("use_arc_embedding") or not hasattr(m, "deprel"):
            return self._original(word, word_mask, wordchars, wordchars_mask, upos, xpos, ufeats, pretrained, lemma,
                                  head, deprel, word_orig_idx, sentlens, wordlens, text,
                                  resolve_head_constraints=resolve_head_constraints)
        # Stanza's GraphParser.forward_scores, the arc part, unchanged
        lstm_outputs = m.embed(word, word_mask, wordchars, wordchars_mask, upos, xpos, ufeats, pretrained, lemma,
                               head, deprel, word_orig_idx, sentlens, wordlens, text)
        x = m.drop(lstm_outputs)
        unlabeled_scores = m.unlabeled(x, x).squeeze(3)
        head_offset: Any = None
        if m.args["linearization"] or m.args["distance"]:
            head_offset = torch.arange(word.size(1), device=head.device).view(1, 1, -1).expand(word.size(0), -1, -1) \
                - torch.arange(word.size(1), device=head.device).view(1, -1, 1).expand(word.size(0), -1, -1)
        if m.args["linearization"]:
            lin_scores = m.linearization(x, x).squeeze(3)
            unlabeled_scores += F.logsigmoid(lin_scores * torch.sign(head_offset).float()).detach()
        if m.args["distance"]:
            dist_scores = m.distance(x, x).squeeze(3)
            dist_pred = 1 + F.softplus(dist_scores)
            dist_target = torch.abs(head_offset)
            dist_kld = -torch.log((dist_target.float() - dist_pred) ** 2 / 2 + 1)
            unlabeled_scores += dist_kld.detach()
        diag = torch.eye(head.size(-1) + 1, dtype=torch.bool, device=head.device).unsqueeze(0)
        unlabeled_scores.masked_fill_(diag, -float("inf"))
        arc_scores = F.log_softmax(unlabeled_scores, 2).detach().cpu().numpy()
        lengths = [int(n) for n in sentlens]
        trees = [depparse_model.chuliu_edmonds_one_root(arc_scores[i][:n, :n]) for i, n in enumerate(lengths)]

        # the relation biaffine (DeepBiaffineScorer -> PairwiseBiaffineScorer -> PairwiseBilinear)
        scorer = m.deprel
        hid1 = scorer.dropout(scorer.hidden_func(scorer.W1(x)))
        hid2 = scorer.dropout(scorer.hidden_func(scorer.W2(x)))
        a = torch.cat([hid1, hid1.new_ones(*hid1.size()[:-1], 1)], -1)
        b = torch.cat([hid2, hid2.new_ones(*hid2.size()[:-1], 1)], -1)
        bilinear = scorer.scorer.W_bilin
        pairs: dict[tuple[int, int], int] = {}
        dep_rows: list[int] = []
        dep_cols: list[int] = []
        dep_pair: list[int] = []
        for i, tree in enumerate(trees):
            for j in range(1, lengths[i]):
                dep_rows.append(i)
                dep_cols.append(j)
                dep_pair.append(pairs.setdefault((i, int(tree[j])), len(pairs)))
        labels: list[int] = []
        if dep_rows:
            heads = torch.tensor(list(pairs), dtype=torch.long, device=b.device)
            by_head = torch.einsum("KJ,IJO->KIO", b[heads[:, 0], heads[:, 1]], bilinear.weight)
            deps = a[torch.tensor(dep_rows, device=a.device), torch.tensor(dep_cols, device=a.device)]
            picked = by_head[torch.tensor(dep_pair, device=a.device)]
            label_scores = torch.bmm(deps.unsqueeze(1), picked).squeeze(1) + bilinear.bias
            labels = (label_scores.max(1)[1] + VOCAB_PREFIX_SIZE).tolist()

        vocab = m.vocab["deprel"]
        out = []
        at = 0
        for i, tree in enumerate(trees):
            n = lengths[i]
            deprels = vocab.unmap(labels[at:at + n - 1])
            at += n - 1
            if resolve_head_constraints and head_constraints.find_head_constraint_violations(tree, deprels):
                self.repaired += 1
                full = torch.einsum("LI,IJO->LJO", a[i, :n], bilinear.weight)
                full = torch.einsum("LJO,MJ->LMO", full, b[i, :n]) + bilinear.bias
                label_log_probs = F.log_softmax(full, 2).detach().cpu().numpy()
                tree, raw = head_constraints.resolve_head_constraint_violations(arc_scores[i][:n, :n],
                                                                               label_log_probs, tree, vocab)
                deprels = vocab.unmap([r + VOCAB_PREFIX_SIZE for r in raw])
            out.append([[tree[1:][j], deprels[j]] for j in range(n - 1)])
        return out


def install(pipeline: Any, capacity: int = CHAR_CACHE_CAPACITY) -> list[str]:
    """Apply the speed-ups to the tagger and the parser of this pipeline; returns what was applied."""
    if not enabled():
        return []
    from stanza.models.common.vocab import CompositeVocab

    done: list[str] = []
    for name in ("pos", "depparse"):
        trainer = getattr(pipeline.processors.get(name), "_trainer", None)
        model = getattr(trainer, "model", None)
        try:
            charmodel = getattr(model, "charmodel", None)
            if charmodel is not None and not getattr(charmodel, "_annotator_cache", None) \
                    and not _quantized(charmodel):
                cache = CharVectorCache(charmodel, capacity)
                charmodel.forward = cache.forward
                charmodel._annotator_cache = cache
                done.append(f"{name} chars")
            if name == "depparse" and model is not None and type(model).__name__ == "GraphParser" \
                    and not getattr(model, "_annotator_heads_first", None):
                heads_first = HeadsFirstParser(model)
                model.predict = heads_first.predict
                model._annotator_heads_first = heads_first
                done.append("depparse labels")
            vocab = getattr(trainer, "vocab", None) or {}
            for key in ("feats", "xpos"):
                v = vocab[key] if key in vocab else None  # noqa: SIM401 (Stanza's MultiVocab has no get)
                if isinstance(v, CompositeVocab) and memoize_composite_vocab(v):
                    done.append(f"{name} {key}")
        except Exception as exc:  # a Stanza that changed: parse as it comes
            logging.getLogger(__name__).warning("Stanza speed-ups not applied to %s: %s", name, exc)
    return done
