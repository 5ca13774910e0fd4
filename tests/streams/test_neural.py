"""The neural tagger's numpy inference against a plain per-token reading of the same network."""
import numpy as np
import pytest

from streams.entities.gazetteer import Gazetteer
from streams.entities.neural import CLASSES, WINDOW, NeuralScorer, dense_size, match_size, ngram_buckets

LABELS = ["B-LOC", "B-MISC", "B-ORG", "B-PERS", "I-LOC", "I-MISC", "I-ORG", "I-PERS", "O"]


def _namelike(rng):
    from streams.entities.namelike import CLASSES as NAME_CLASSES
    from streams.entities.namelike import NameLikeness, ngrams

    grams = sorted({g for w in ("كوفي", "طرابلس", "أنان", "القاهرة") for g in ngrams(w)})
    return NameLikeness(grams, rng.normal(size=(len(grams), len(NAME_CLASSES))), rng.normal(size=len(NAME_CLASSES)))


VECTOR_DIM = 4


def _vectors(rng):
    from streams.entities.wordvectors import WordVectors

    return WordVectors(["قال", "طرابلس", "انان", "مجلس"], rng.normal(size=(4, VECTOR_DIM)))


GRU_UNITS = 3


@pytest.fixture(scope="module", params=["plain", "namelike", "vectors", "gru"])
def network(request):
    rng = np.random.default_rng(3)
    vocabulary = ["قال", "كوفي", "طرابلس"]
    reads_namelike = request.param != "plain"
    namelike = _namelike(rng) if reads_namelike else None
    vectors = _vectors(rng) if request.param == "vectors" else None
    vector_dim = VECTOR_DIM if vectors is not None else 0
    din = 5 + 3 + dense_size(CLASSES, reads_namelike, vector_dim) + match_size(CLASSES)
    hidden, hidden2 = 6, 4
    arrays = {
        "vocabulary": np.array(vocabulary), "labels": np.array(LABELS), "classes": np.array(CLASSES),
        "buckets": np.array(97), "embedding": rng.normal(size=(len(vocabulary) + 2, 5)),
        "ngrams": rng.normal(size=(97, 3)), "pad": rng.normal(size=din),
        "conv_weight": rng.normal(size=(hidden, din, 2 * WINDOW + 1)), "conv_bias": rng.normal(size=hidden),
        "hidden_weight": rng.normal(size=(hidden2, hidden)), "hidden_bias": rng.normal(size=hidden2),
        "out_weight": rng.normal(size=(len(LABELS), hidden2)), "out_bias": rng.normal(size=len(LABELS)),
        "namelike": np.array(int(reads_namelike)), "wordvectors": np.array(vector_dim),
    }
    if request.param == "gru":  # a bidirectional GRU over the first layer; the second reads both
        for d in ("", "_reverse"):
            # Small, as trained ones are: the word table's float16 rounding stays within the tolerance.
            arrays[f"gru_weight_ih_l0{d}"] = 0.3 * rng.normal(size=(3 * GRU_UNITS, hidden))
            arrays[f"gru_weight_hh_l0{d}"] = rng.normal(size=(3 * GRU_UNITS, GRU_UNITS))
            arrays[f"gru_bias_ih_l0{d}"] = rng.normal(size=3 * GRU_UNITS)
            arrays[f"gru_bias_hh_l0{d}"] = rng.normal(size=3 * GRU_UNITS)
        arrays["hidden_weight"] = 0.5 * rng.normal(size=(hidden2, hidden + 2 * GRU_UNITS))
    gazetteer = Gazetteer([("CITY", "طرابلس"), ("PGIVEN", "كوفي"), ("TORG", "مجلس الامن")])
    return arrays, NeuralScorer(arrays, gazetteer, namelike=namelike, vectors=vectors)


def _reference(arrays, scorer, words):
    """Each token's window, one at a time, as the network is written down."""
    def x(word):
        index, buckets, dense, _, _ = scorer.inputs(word)
        return np.concatenate([arrays["embedding"][index], arrays["ngrams"][buckets].mean(axis=0), dense])

    inputs = [scorer.inputs(w) for w in words]
    match = scorer.inputs.matches([r[3] for r in inputs], [r[4] for r in inputs])
    if match is None:
        match = np.zeros((len(words), match_size(CLASSES)))
    first = []
    for i in range(len(words)):
        h = arrays["conv_bias"].copy()
        for k in range(2 * WINDOW + 1):
            j = i + k - WINDOW
            token = np.concatenate([x(words[j]), match[j]]) if 0 <= j < len(words) else arrays["pad"]
            h += arrays["conv_weight"][:, :, k] @ token
        first.append(np.maximum(h, 0))
    if "gru_weight_ih_l0" in arrays:
        forwards = _gru_reference(arrays, "", first)
        backwards = _gru_reference(arrays, "_reverse", first[::-1])[::-1]
        first = [np.concatenate([h, f, b]) for h, f, b in zip(first, forwards, backwards)]
    rows = []
    for h in first:
        h2 = np.maximum(arrays["hidden_weight"] @ h + arrays["hidden_bias"], 0)
        logits = arrays["out_weight"] @ h2 + arrays["out_bias"]
        rows.append(logits - np.log(np.exp(logits - logits.max()).sum()) - logits.max())
    return np.array(rows).reshape(len(words), len(LABELS))


def _gru_reference(arrays, direction, inputs):
    """torch.nn.GRU's equations, token by token."""
    def sigmoid(v):
        return 1 / (1 + np.exp(-v))

    w_ih, w_hh = arrays[f"gru_weight_ih_l0{direction}"], arrays[f"gru_weight_hh_l0{direction}"]
    b_ih, b_hh = arrays[f"gru_bias_ih_l0{direction}"], arrays[f"gru_bias_hh_l0{direction}"]
    u = GRU_UNITS
    state, out = np.zeros(u), []
    for x in inputs:
        gi, gh = w_ih @ x + b_ih, w_hh @ state + b_hh
        r, z = sigmoid(gi[:u] + gh[:u]), sigmoid(gi[u:2 * u] + gh[u:2 * u])
        n = np.tanh(gi[2 * u:] + r * gh[2 * u:])
        state = (1 - z) * n + z * state
        out.append(state)
    return out


@pytest.fixture(params=["compiled", "python"])
def build(request, monkeypatch):
    """Run a test with the compiled loops (`_neural.c`) and again with the numpy/Python fallback."""
    from streams.entities import neural

    if request.param == "python":
        monkeypatch.setattr(neural, "_compiled_window", None)
        monkeypatch.setattr(neural, "_compiled_buckets", None)
        monkeypatch.setattr(neural, "_compiled_to_half", None)
    return request.param


def test_batched_scores_match_the_network_token_by_token(network, build):
    arrays, full = network
    # A fresh scorer, so that the words' table rows are worked out by the build under test.
    scorer = NeuralScorer(arrays, full.inputs.gazetteer, namelike=full.inputs.namelike, vectors=full.inputs.vectors)
    sentences = [["قال", "كوفي", "أنان", "في", "طرابلس"], ["لطرابلس"], [], ["كوفي", "قال"],
                 ["قرار", "مجلس", "الأمن", "اليوم"]]
    got = scorer.log_probabilities(sentences)
    assert [g.shape for g in got] == [(5, 9), (1, 9), (0, 9), (2, 9), (4, 9)]
    for words, scores in zip(sentences, got):
        # Word inputs are kept in float16 (half the memory): scores agree to about 1e-3 of their size.
        np.testing.assert_allclose(scores, _reference(arrays, scorer, words), rtol=1e-2, atol=1e-2)
        np.testing.assert_allclose(np.exp(scores).sum(axis=1), 1.0, rtol=1e-5)


def test_name_likeness_is_read_when_the_model_was_trained_with_it(network):
    arrays, scorer = network
    dense = scorer.inputs("أنان")[2]
    at = dense_size(CLASSES)  # the name-likeness block follows the plain features
    if int(arrays["namelike"]):
        p = scorer.inputs.namelike.probabilities("انان")  # the folded word
        np.testing.assert_allclose(dense[at:at + 5], p, rtol=1e-5)
        assert scorer.inputs("في")[2][at:at + 5].tolist() == [0.0] * 5  # too short to read
        with pytest.raises(ValueError):
            NeuralScorer(arrays, Gazetteer([]))  # the classifier is needed
    else:
        assert len(dense) == dense_size(CLASSES)


def test_word_vectors_are_read_by_folded_form_or_stem_and_missing_ones_are_flagged(network):
    arrays, scorer = network
    if not int(arrays["wordvectors"]):
        assert len(scorer.inputs("أنان")[2]) == dense_size(CLASSES, bool(int(arrays["namelike"])))
        return
    table = scorer.inputs.vectors
    for word, key in (("أنان", "انان"), ("لطرابلس", "طرابلس"), ("قال", "قال")):
        dense = scorer.inputs(word)[2]
        np.testing.assert_allclose(dense[-VECTOR_DIM - 1:-1], table.vector(key), rtol=1e-6)
        assert dense[-1] == 0.0
    missing = scorer.inputs("كوفي")[2]  # in the network's vocabulary, not in the vector table
    assert missing[-VECTOR_DIM - 1:].tolist() == [0.0] * VECTOR_DIM + [1.0]
    with pytest.raises(ValueError):
        NeuralScorer(arrays, Gazetteer([]), namelike=scorer.inputs.namelike)  # the table is needed


def test_a_word_vector_moves_the_scores(network):
    from streams.entities.wordvectors import WordVectors

    arrays, scorer = network
    if not int(arrays["wordvectors"]):
        return
    table = scorer.inputs.vectors
    moved = WordVectors(["قال", "انان"], np.stack([table.vector("قال"), table.vector("انان")]) + 3.0)
    other = NeuralScorer(arrays, Gazetteer([]), namelike=scorer.inputs.namelike, vectors=moved)
    words = [["قال", "أنان", "كوفي"]]
    before = NeuralScorer(arrays, Gazetteer([]), namelike=scorer.inputs.namelike, vectors=table)
    a, b = before.log_probabilities(words)[0], other.log_probabilities(words)[0]
    assert np.abs(a - b).max() > 0.01


def test_a_word_reads_its_list_classes_and_its_stem(network):
    _, scorer = network
    index, _, dense, _, _ = scorer.inputs("لطرابلس")  # not in the vocabulary as written: its stem is
    assert index == 2 + ["قال", "كوفي", "طرابلس"].index("طرابلس")
    assert dense[len(CLASSES) + CLASSES.index("CITY")] == 1.0  # the stem is a listed city
    assert dense[CLASSES.index("CITY")] == 0.0  # the word as written is not


def test_a_multi_word_list_name_marks_its_first_and_later_words(network):
    _, scorer = network
    rows = [scorer.inputs(w) for w in ["قرار", "مجلس", "الأمن", "اليوم"]]
    match = scorer.inputs.matches([r[3] for r in rows], [r[4] for r in rows])
    k = CLASSES.index("TORG")
    assert match[:, k].tolist() == [0, 1, 0, 0]  # begins the name
    assert match[:, len(CLASSES) + k].tolist() == [0, 0, 1, 0]  # continues it
    assert scorer.inputs.matches(["قال", "كوفي"], [(), ()]) is None


def test_letter_ngrams_hash_the_same_in_every_process():
    assert ngram_buckets("كوفي", 1 << 15) == ngram_buckets("كوفي", 1 << 15)
    assert len(ngram_buckets("ab", 97)) == 3 + 2 + 1  # <a ab b> | <ab ab> | <ab>


def test_a_full_cache_keeps_the_words_read_most_recently(network, monkeypatch):
    import streams.entities.neural as neural

    arrays, full = network
    monkeypatch.setattr(neural, "_CACHE_LIMIT", 8)
    scorer = NeuralScorer(arrays, Gazetteer([]), namelike=full.inputs.namelike, vectors=full.inputs.vectors)
    common, rare, late = ([f"{stem}{k}" for k in range(3)] for stem in ("كلمة", "نادرة", "اخرى"))
    first = scorer.log_probabilities([common])[0]
    scorer.log_probabilities([rare])
    scorer.log_probabilities([common])  # read again: now the most recent
    computed = []
    original = scorer.inputs.batch_cores
    monkeypatch.setattr(scorer.inputs, "batch_cores",
                        lambda words, *a: computed.extend(words) or original(words, *a))
    scorer.log_probabilities([late])  # 9 words > 8: half the table (4 rows) is kept
    assert computed == late
    assert set(common) <= set(scorer.ids) and len(scorer.ids) == 4 + 3
    np.testing.assert_allclose(scorer.log_probabilities([common])[0], first, rtol=1e-6)
    assert computed == late  # still kept, not worked out again
    scorer.log_probabilities([rare + late])  # kept rows may also have to go to fit a batch
    assert len(scorer.ids) <= 8
    np.testing.assert_allclose(scorer.log_probabilities([common])[0], first, rtol=1e-6)


def test_invalid_text_still_scores(network):
    _, scorer = network
    scores = scorer.log_probabilities([["\ud800", "كوفي\udfff", "\x00"]])[0]  # lone surrogates, a NUL
    assert scores.shape == (3, 9) and np.isfinite(scores).all()


def test_compiled_ngram_hashes_are_built_and_match_python():
    """The compiled letter n-gram hashes (`_neural.c`) must be `ngram_buckets`' exactly: the network was
    trained on those buckets. Invalid text (lone surrogates, NUL) and characters beyond the BMP included."""
    from streams.entities import neural

    assert neural._compiled_buckets is not None, "streams/entities/_neural.c was not built: `pip install -e .`"
    words = ["كوفي", "لطرابلس", "", "a", "ab", "Geneva", "\ud800x", "كوفي\udfff", "\x00", "😀ب", "\U0010ffff"]
    for buckets in (1 << 15, 97, 1, 1 << 40):
        flat, sizes = neural.bucket_arrays(words, buckets)
        assert sizes.tolist() == [len(ngram_buckets(w, buckets)) for w in words]
        assert flat.tolist() == [b for w in words for b in ngram_buckets(w, buckets)]
    with pytest.raises(ValueError):
        neural._compiled_buckets(words, 0)
    with pytest.raises(TypeError):
        neural._compiled_buckets([b"bytes"], 97)


def test_compiled_window_sums_are_built_and_match_numpy():
    """Each token's sum of its window's float16 table rows, as numpy computes it; rows or windows outside
    the table or the layout are refused, not read."""
    from streams.entities import neural

    assert neural._compiled_window is not None, "streams/entities/_neural.c was not built: `pip install -e .`"
    rng = np.random.default_rng(11)
    positions, hidden = 5, 13  # not a multiple of 8: the vector loop's tail too
    table = rng.normal(size=(7, positions * hidden)).astype(np.float16)
    table[6] = 0  # padding's row
    padded = np.array([6, 6, 0, 3, 5, 6, 6, 1, 6, 6], dtype=np.int64)  # two sentences: 3 tokens, 1 token
    at = np.array([2, 3, 4, 7], dtype=np.int64)
    bias = rng.normal(size=hidden).astype(np.float32)
    got = np.full((len(at), hidden), np.nan, dtype=np.float32)
    neural._compiled_window(table, padded, at, positions, bias, got)
    planes = table[padded].astype(np.float32).reshape(len(padded), positions, hidden)
    expected = bias + sum(planes[at + k - 2, k] for k in range(positions))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    for bad_rows, bad_at in ((np.where(padded == 1, 7, padded), at), (padded, np.array([1], dtype=np.int64))):
        with pytest.raises(ValueError):
            neural._compiled_window(table, bad_rows, bad_at, positions, bias, np.empty((len(bad_at), hidden), np.float32))
    with pytest.raises(ValueError):
        neural._compiled_window(table, padded, at, 4, bias, got)  # an even window


def test_compiled_float16_conversion_rounds_as_numpy():
    """New table rows are written to float16 by F16C where the CPU has it: bit for bit numpy's rounding
    (nearest, ties to even), subnormals, overflow to infinity and a tail shorter than eight included."""
    from streams.entities import neural

    assert neural._compiled_to_half is not None, "streams/entities/_neural.c was not built: `pip install -e .`"
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(size=1000).astype(np.float32) * s for s in (1e-8, 1e-5, 1e-3, 1, 1e2, 7e4)]
                       + [np.array([0.0, -0.0, 65504, 65520, -7e4, 6.1e-5, 5.96e-8, 2.98e-8, 2.99e-8], np.float32)])
    for n in (len(x), len(x) - 3, 7, 0):
        out = np.full(n, 1.0, dtype=np.float16)
        if not neural._compiled_to_half(x[:n], out):
            pytest.skip("this CPU has no F16C: numpy converts")
        with np.errstate(over="ignore"):
            assert out.view(np.uint16).tolist() == x[:n].astype(np.float16).view(np.uint16).tolist()
    with pytest.raises(ValueError):
        neural._compiled_to_half(x[:8], np.empty(9, dtype=np.float16))


def test_compiled_gru_is_built_and_matches_numpy():
    """The compiled recurrence (setup.py) must give the numpy fallback's states, both ways, one-token and
    empty sentences included."""
    from streams.entities import neural

    assert neural._compiled_gru is not None, "streams/entities/_gru.c was not built: `pip install -e .` compiles it"
    rng = np.random.default_rng(5)
    units = 4
    lengths = np.array([5, 1, 0, 12, 3], dtype=np.int64)
    x = rng.normal(size=(int(lengths.sum()), 3 * units)).astype(np.float32)
    w_hh = rng.normal(size=(units, 3 * units)).astype(np.float32)
    b_hh = rng.normal(size=3 * units).astype(np.float32)
    for backwards in (False, True):
        compiled = np.full((len(x), units), np.nan, dtype=np.float32)
        fallback = np.full((len(x), units), np.nan, dtype=np.float32)
        neural._compiled_gru(x, lengths, w_hh, b_hh, backwards, compiled)
        neural._gru_numpy(x, lengths, w_hh, b_hh, backwards, fallback)
        np.testing.assert_allclose(compiled, fallback, rtol=1e-5, atol=1e-6)
    # The last token of the second sentence (one token) read no state: its own input alone.
    assert not np.allclose(compiled[5], compiled[4])
    with pytest.raises(ValueError):
        neural._compiled_gru(x, lengths, w_hh, b_hh, False, np.empty((3, units), dtype=np.float32))
