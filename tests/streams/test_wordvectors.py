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
