"""The word-vector table: written at one byte a number, read back by folded form or stem."""
import numpy as np
import pytest

from streams.entities.wordvectors import WORDVECTORS_FILE, WordVectors, candidate_words, save_wordvectors


def test_saved_vectors_come_back_within_a_quantization_step(tmp_path):
    rng = np.random.default_rng(5)
    words = ["طرابلس", "القاهره", "نوكيا", "قال"] + [f"كلمه{k}" for k in range(196)]
    vectors = rng.normal(size=(200, 6)).astype(np.float32)  # centred, as principal components are
    vectors[:, 5] = 0.0  # a constant column must not divide by zero
    save_wordvectors(str(tmp_path), words, vectors)
    table = WordVectors.load(str(tmp_path))
    assert table.dim == 6 and len(table) == len(words)
    step = 4 * vectors.std(axis=0).max() / 127
    back = np.stack([table.vector(w) for w in words])
    np.testing.assert_allclose(back, vectors, atol=step / 2 + 0.01)
    assert (tmp_path / WORDVECTORS_FILE).stat().st_size < vectors.size * 2  # under float16's size


def test_a_word_is_found_as_folded_or_by_its_stems(tmp_path):
    table = WordVectors(["طرابلس", "القاهره"], np.eye(2, 3))
    tripoli, cairo = table.row("طرابلس", []), table.row("القاهره", [])
    assert table.vectors([tripoli, cairo]).tolist() == [[1, 0, 0], [0, 1, 0]]
    assert table.row("لطرابلس", ["طرابلس"]) == tripoli
    assert table.row("والقاهره", ["القاهره"]) == cairo
    assert table.row("نوكيا", []) is None
    # A batch: each word by its first key the table has, -1 for none.
    found = table.lookup([("لطرابلس", "طرابلس"), ("نوكيا",), ("القاهره", "طرابلس"), ()])
    assert found.tolist() == [tripoli, -1, cairo, -1]
    assert WordVectors.load(str(tmp_path)) is None  # a model without the table


def test_candidates_are_arabic_words_commonest_first():
    pytest.importorskip("wordfreq")  # training time only: in the `ner-train` extra
    words = candidate_words(500)
    assert words[0] == "في" and len(words) == 500
    assert all(w.isalpha() and len(w) > 1 for w in words)


def _table_with_name_types():
    # Probabilities in 255ths over (O, PERS, LOC, ORG, MISC).
    probs = np.array([[5, 10, 230, 5, 5], [240, 5, 5, 3, 2], [40, 20, 10, 160, 25]], dtype=np.uint8)
    return WordVectors(["طرابلس", "قال", "نوكيا"], np.eye(3, 4), name_probs=probs)


def test_name_type_features_bucket_the_probabilities_like_the_letter_classifier():
    table = _table_with_name_types()
    assert table.name_features("لطرابلس", ["طرابلس"]) == ("vn=4", "vl=LOC3")  # by its stem
    assert table.name_features("قال", []) == ("vn=0",)  # likeliest O: no type feature
    assert table.name_features("نوكيا", []) == ("vn=4", "vl=ORG2")
    assert table.name_features("حفتر", []) == ("vn=none",)  # not in the table
    assert WordVectors(["قال"], np.eye(1, 4)).name_features("قال", []) == ()  # a table without them


def test_name_type_probabilities_survive_saving(tmp_path):
    table = _table_with_name_types()
    rows = [table.row(w, []) for w in ("طرابلس", "قال", "نوكيا")]
    save_wordvectors(str(tmp_path), ["طرابلس", "قال", "نوكيا"], np.eye(3, 4), table.name_probs[rows])
    back = WordVectors.load(str(tmp_path))
    assert [back.name_features(w, []) for w in ("طرابلس", "قال", "نوكيا")] == \
        [table.name_features(w, []) for w in ("طرابلس", "قال", "نوكيا")]


def test_the_crf_reads_name_type_features_for_arabic_words_only():
    from streams.entities.features import WordFeatures
    from streams.entities.gazetteer import Gazetteer

    features = WordFeatures(Gazetteer([]), word_vectors=_table_with_name_types())
    own, context, _, _ = features._compute("نوكيا", vectors=False)
    assert "vn=4" in own and "vl=ORG2" in own
    assert any(x.endswith("vl=ORG2") for x in context[1])  # the next word sees it too
    own, _, _, _ = features._compute("2024", vectors=False)
    assert not any(x.startswith(("vn=", "vl=")) for x in own)
    plain = WordFeatures(Gazetteer([]), word_vectors=WordVectors(["نوكيا"], np.eye(1, 4)))
    assert not any(x.startswith("vn=") for x in plain._compute("نوكيا", vectors=False)[0])


def test_a_classifier_of_the_encodings_learns_the_listed_types():
    pytest.importorskip("torch")  # training time only: in the `ner-train` extra
    from streams.entities.wordvectors import NAME_TYPES, name_type_probabilities

    rng = np.random.default_rng(2)
    centres = rng.normal(size=(len(NAME_TYPES), 16)) * 5
    kinds = np.arange(400) % len(NAME_TYPES)
    encodings = (centres[kinds] + rng.normal(size=(400, 16))).astype(np.float32)
    words = [f"كلمه{k}" for k in range(400)]
    named = {w: int(k) for w, k in list(zip(words, kinds))[:300]}  # the last 100 are left to predict
    probs, stats = name_type_probabilities(encodings, words, named, epochs=60)
    assert probs.dtype == np.uint8 and probs.shape == (400, len(NAME_TYPES))
    assert (probs[300:].argmax(axis=1) == kinds[300:]).mean() > 0.9
    assert stats["wordvector_named_words"] == 300
