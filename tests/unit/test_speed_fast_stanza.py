"""annotator/nlp/fast_stanza.py: cached character vectors and feature strings give Stanza's own output."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

import pytest

from annotator.nlp import fast_stanza

torch = pytest.importorskip("torch")
char_model = pytest.importorskip("stanza.models.common.char_model")
vocab_module = pytest.importorskip("stanza.models.common.vocab")


def _model(hidden: int = 16, attention: bool = True) -> Any:
    torch.manual_seed(3)
    args = {"char_emb_dim": 8, "char_hidden_dim": hidden, "char_num_layers": 1, "char_rec_dropout": 0,
            "dropout": 0.5}
    model = char_model.CharacterModel(args, {"char": list(range(30))}, pad=True, attention=attention)
    for p in model.parameters():  # Stanza zeroes the attention at init: give it weights to pool with
        torch.nn.init.normal_(p, std=0.5)
    return model.eval()


def _batch(sentences: list[list[tuple[int, ...]]]) -> tuple[Any, ...]:
    """Stanza's inputs to CharacterModel.forward: the words of all sentences sorted longest first."""
    words = [w for s in sentences for w in s]
    order = sorted(range(len(words)), key=lambda i: -len(words[i]))
    width = max(len(w) for w in words)
    chars = torch.zeros(len(words), width, dtype=torch.long)
    for row, i in enumerate(order):
        chars[row, :len(words[i])] = torch.tensor(words[i])
    return chars, chars == 0, order, [len(s) for s in sentences], [len(words[i]) for i in order]


def _sentences(rng: random.Random, forms: list[tuple[int, ...]], n: int) -> list[list[tuple[int, ...]]]:
    # sentences longest first, as Stanza packs them
    lengths = sorted((rng.randint(1, 12) for _ in range(n)), reverse=True)
    return [[rng.choice(forms) for _ in range(k)] for k in lengths]


@pytest.mark.parametrize("attention", [True, False])
def test_same_vectors_as_stanza_and_each_form_computed_once(attention: bool) -> None:
    rng = random.Random(5)
    forms = [tuple(rng.randint(1, 29) for _ in range(rng.randint(1, 9))) for _ in range(25)]
    model = _model(attention=attention)
    cache = fast_stanza.CharVectorCache(model)
    seen: set[tuple[int, ...]] = set()
    with torch.no_grad():
        for _ in range(4):  # later batches reuse the vectors of earlier ones
            sentences = _sentences(rng, forms, 6)
            batch = _batch(sentences)
            expected = model.forward(*batch)
            got = cache.forward(*batch)
            assert got.shape == expected.shape
            torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-6)
            seen |= {w for s in sentences for w in s}
    assert cache.misses == len(seen)  # the LSTM ran once per distinct form
    assert cache.hits > cache.misses


def test_a_full_cache_starts_again_and_stays_right() -> None:
    rng = random.Random(11)
    forms = [tuple(rng.randint(1, 29) for _ in range(rng.randint(1, 7))) for _ in range(40)]
    model = _model()
    cache = fast_stanza.CharVectorCache(model, capacity=10)
    with torch.no_grad():
        for _ in range(5):
            batch = _batch(_sentences(rng, forms, 5))
            torch.testing.assert_close(cache.forward(*batch), model.forward(*batch), rtol=1e-5, atol=1e-6)
            assert len(cache.rows) <= max(10, len({tuple(r) for r in batch[0].tolist()}))
            assert cache.store.size(0) == len(cache.rows)


def test_training_mode_uses_stanzas_forward() -> None:
    model = _model()
    cache = fast_stanza.CharVectorCache(model)
    model.train()
    torch.manual_seed(0)
    batch = _batch([[(1, 2, 3), (4, 5)]])
    cache.forward(*batch)
    assert cache.misses == 0 and cache.hits == 0


def _feats_vocab() -> Any:
    data = [[["w", "Case=Gen|Definite=Def"], ["x", "Case=Nom"], ["y", "_"], ["z", "Definite=Ind|Gender=Fem"]]]
    return vocab_module.CompositeVocab(data, "ar", idx=1, sep="|", keyed=True)


def test_memoized_feature_strings_are_stanzas() -> None:
    plain, memo = _feats_vocab(), _feats_vocab()
    assert fast_stanza.memoize_composite_vocab(memo)
    assert not fast_stanza.memoize_composite_vocab(memo)  # once
    units = ["Case=Gen|Definite=Def", "Case=Nom", "_", "Definite=Ind|Gender=Fem", "Case=Nom|Gender=Fem"]
    ids = [plain.unit2id(u) for u in units] * 3
    assert [memo.id2unit(i) for i in ids] == [plain.id2unit(i) for i in ids]
    calls: list[Any] = []
    original = vocab_module.CompositeVocab.id2unit
    memo2 = _feats_vocab()
    memo2.id2unit = lambda i: (calls.append(i), original(memo2, i))[1]  # count the real conversions
    fast_stanza.memoize_composite_vocab(memo2)
    for i in ids:
        memo2.id2unit(i)
    assert len(calls) == len({tuple(i) for i in ids})


def _pipeline(charmodel: Any, vocab: dict[str, Any]) -> Any:
    trainer = SimpleNamespace(model=SimpleNamespace(charmodel=charmodel), vocab=vocab)
    return SimpleNamespace(processors={"pos": SimpleNamespace(_trainer=trainer)})


def test_install_applies_to_this_pipeline_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fast_stanza.FAST_STANZA_ENV, raising=False)
    model = _model()
    pipeline = _pipeline(model, {"feats": _feats_vocab()})
    assert fast_stanza.install(pipeline) == ["pos chars", "pos feats"]
    assert isinstance(model._annotator_cache, fast_stanza.CharVectorCache)
    assert fast_stanza.install(pipeline) == []  # idempotent
    other = _model()
    assert "forward" not in vars(other)  # Stanza's class is untouched


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")
def test_install_leaves_an_int8_character_model_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # int8 dynamic layers quantize with the range of the whole batch: a cached vector would differ
    monkeypatch.delenv(fast_stanza.FAST_STANZA_ENV, raising=False)
    model = torch.ao.quantization.quantize_dynamic(_model(), {torch.nn.LSTM, torch.nn.Linear}, dtype=torch.qint8)
    assert fast_stanza.install(_pipeline(model, {})) == []
    assert "forward" not in vars(model)


def test_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fast_stanza.FAST_STANZA_ENV, "0")
    model = _model()
    assert fast_stanza.install(_pipeline(model, {"feats": _feats_vocab()})) == []
    assert "forward" not in vars(model)


@pytest.mark.model
def test_real_pipeline_parses_alike_with_the_speedups(stanza_parser) -> None:  # type: ignore[no-untyped-def]
    from annotator.nlp.stanza_pipeline import StanzaParser

    parser = StanzaParser(stanza_parser.spec, use_gpu=False, quantize=("depparse",), speedups=True)
    plain = StanzaParser(stanza_parser.spec, use_gpu=False, quantize=("depparse",))
    assert parser.speedups == ["lemma store", "pos chars", "pos feats", "depparse labels", "depparse feats"]
    assert plain.speedups == []
    texts = ["قال وزير الخارجية إن المفاوضات ستستمر. وأضاف: \"لن نتراجع\".",
             "وأكد الوزير أن الحكومة ستواصل دعم المزارعين في المناطق الريفية.",
             "قال وزير الخارجية إن المفاوضات ستستمر."] * 2
    fields = ("text", "lemma", "upos", "feats", "head", "deprel", "start", "end")

    def words(docs: list[Any]) -> list[tuple[Any, ...]]:
        return [tuple(getattr(w, f) for f in fields) for d in docs for s in d.sentences for w in s.words]

    expected = words(plain.parse_many(texts))
    assert words(parser.parse_many(texts)) == expected
    assert words(parser.parse_many(texts)) == expected  # now from the caches
    cache = parser.pipeline.processors["pos"]._trainer.model.charmodel._annotator_cache
    assert cache.hits > cache.misses > 0


class _Labels:
    """The relation vocabulary as Stanza's decoding uses it (ids after the 4 special entries)."""

    names = ("<PAD>", "<UNK>", "<EMPTY>", "<ROOT>", "nsubj", "obj", "amod", "root", "nmod")

    def unmap(self, ids: list[int]) -> list[str]:
        return [self.names[int(i)] for i in ids]


def _graph_parser(seed: int) -> Any:
    """A Stanza GraphParser with small random layers and a fixed `embed` (its LSTM output)."""
    from stanza.models.common.biaffine import DeepBiaffineScorer
    from stanza.models.depparse.model import GraphParser

    class Small(GraphParser):  # type: ignore[misc]
        def __init__(self) -> None:
            torch.nn.Module.__init__(self)
            torch.manual_seed(seed)
            self.args = {"linearization": True, "distance": True, "use_arc_embedding": False}
            self.vocab = {"deprel": _Labels()}
            self.drop = torch.nn.Dropout(0.5)
            for name, out in (("unlabeled", 1), ("deprel", 5), ("linearization", 1), ("distance", 1)):
                setattr(self, name, DeepBiaffineScorer(12, 12, 7, out, pairwise=True, dropout=0.5))
            for p in self.parameters():
                torch.nn.init.normal_(p, std=0.7)
            self.lstm_out: Any = None

        def embed(self, *args: Any) -> Any:
            return self.lstm_out

    return Small().eval()


@pytest.mark.parametrize("resolve", [True, False])
def test_labels_of_the_chosen_arcs_are_stanzas(resolve: bool) -> None:
    pytest.importorskip("stanza.models.depparse.model")
    repaired = 0
    for seed in range(6):
        model = _graph_parser(seed)
        lengths = sorted((int(x) for x in torch.randint(2, 14, (5,), generator=torch.Generator().manual_seed(seed))),
                         reverse=True)
        width = max(lengths)
        model.lstm_out = torch.randn(len(lengths), width, 12, generator=torch.Generator().manual_seed(seed + 50))
        word = torch.zeros(len(lengths), width, dtype=torch.long)
        head = torch.zeros(len(lengths), width - 1, dtype=torch.long)
        args = (word, None, None, None, None, None, None, None, None, head, None, None, lengths, None, None)
        with torch.no_grad():
            expected = type(model).predict(model, *args, resolve_head_constraints=resolve)
            heads_first = fast_stanza.HeadsFirstParser(model)
            got = heads_first.predict(*args, resolve_head_constraints=resolve)
        assert [[(int(h), r) for h, r in s] for s in got] == [[(int(h), r) for h, r in s] for s in expected]
        repaired += heads_first.repaired
    if resolve:
        assert repaired > 0  # two subjects of one head: Stanza's repair ran on the full label scores
