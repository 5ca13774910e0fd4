"""Training the neural tagger: needs PyTorch (the `ner-train` extra), so it runs where that is installed."""
import numpy as np
import pytest

from streams.entities.corpus import with_spans
from streams.entities.gazetteer import Gazetteer
from streams.entities.neural import NeuralScorer

torch = pytest.importorskip("torch")

LABELS = ["B-LOC", "B-MISC", "B-ORG", "B-PERS", "I-LOC", "I-MISC", "I-ORG", "I-PERS", "O"]


def _sentences():
    people = ["كوفي أنان", "عمرو موسى", "خالد مشعل", "بان كي مون"]
    places = ["القاهرة", "طرابلس", "جنيف", "بغداد"]
    out = []
    for k in range(24):
        person, place = people[k % 4].split(), places[k % 4]
        words = [("قال", "O")] + [(w, ("B-" if i == 0 else "I-") + "PERS") for i, w in enumerate(person)]
        words += [("في", "O"), (place, "B-LOC"), ("أمس", "O")]
        out.append(with_spans(words))
    return out


@pytest.mark.parametrize("context,rnn", [(0, 0), (1, 0), (0, 4), (1, 4)],
                         ids=["position-wise", "context-convolution", "bidirectional-gru", "gru-and-convolution"])
def test_trained_network_saves_arrays_that_tag_as_it_does(tmp_path, context, rnn):
    from streams.entities.train_neural import train_neural

    gazetteer_file = tmp_path / "gazetteer.tsv.gz"
    import gzip

    with gzip.open(gazetteer_file, "wt", encoding="utf-8") as f:
        f.write("CITY\tالقاهره\nCITY\tطرابلس\nPGIVEN\tكوفي\n")
    stats = train_neural(str(tmp_path), _sentences(), _sentences()[:6], LABELS, None, epochs=60 if rnn else 30,
                         pretrain_epochs=1, hidden=16, hidden2=8, embedding=8, ngram_dim=8, buckets=512,
                         batch=8, context=context, rnn=rnn)  # raises if numpy tagging differs from the network
    assert stats["neural_tokens"] > 100
    scorer = NeuralScorer.load(str(tmp_path), Gazetteer.load(str(tmp_path)))
    assert scorer.context == context
    assert (scorer.gru is not None) == bool(rnn)
    sentence = ["قال", "عمرو", "موسى", "في", "جنيف", "أمس"]
    scores = scorer.log_probabilities([sentence])[0]
    labels = [LABELS[k] for k in np.argmax(scores, axis=1)]
    assert labels == ["O", "B-PERS", "I-PERS", "O", "B-LOC", "O"]  # learnt from the examples
    # Batched with other sentences, a sentence scores as alone: no layer reads across a sentence's edge.
    together = scorer.log_probabilities([["في", "بغداد"], sentence, ["خالد", "مشعل"]])
    np.testing.assert_allclose(together[1], scores, atol=1e-5)


def test_a_network_trained_with_word_vectors_reads_them_at_tagging(tmp_path):
    import gzip

    from streams.entities.train_neural import train_neural
    from streams.entities.wordvectors import WordVectors, save_wordvectors

    with gzip.open(tmp_path / "gazetteer.tsv.gz", "wt", encoding="utf-8") as f:
        f.write("CITY\tالقاهره\n")
    words = ["قال", "في", "امس", "القاهره", "طرابلس", "جنيف", "بغداد", "كوفي", "عمرو", "خالد", "بان"]
    rng = np.random.default_rng(2)
    save_wordvectors(str(tmp_path), words, rng.normal(size=(len(words), 6)))
    stats = train_neural(str(tmp_path), _sentences(), [], LABELS, None, epochs=20, hidden=16, hidden2=8,
                         embedding=8, ngram_dim=8, buckets=512, batch=8)  # raises if numpy tagging differs
    assert stats["neural_wordvectors"] == 6
    with pytest.raises(ValueError):
        NeuralScorer.load(str(tmp_path), Gazetteer.load(str(tmp_path)))  # the table is needed
    scorer = NeuralScorer.load(str(tmp_path), Gazetteer.load(str(tmp_path)), vectors=WordVectors.load(str(tmp_path)))
    scores = scorer.log_probabilities([["قال", "عمرو", "موسى", "في", "جنيف", "أمس"]])[0]
    assert [LABELS[k] for k in np.argmax(scores, axis=1)][4] == "B-LOC"


def test_the_optional_name_types_and_pretraining_head_train_and_tag_alike(tmp_path):
    import gzip

    from streams.entities.train_neural import train_neural
    from streams.entities.wordvectors import WordVectors, save_wordvectors

    with gzip.open(tmp_path / "gazetteer.tsv.gz", "wt", encoding="utf-8") as f:
        f.write("CITY\tالقاهره\n")
    words = ["قال", "في", "امس", "القاهره", "طرابلس", "جنيف", "بغداد", "كوفي", "عمرو", "خالد", "بان"]
    rng = np.random.default_rng(3)
    probs = rng.integers(0, 256, size=(len(words), 5), dtype=np.uint8)
    save_wordvectors(str(tmp_path), words, rng.normal(size=(len(words), 6)), probs)
    # Raises if numpy tagging differs from the network just trained (the pretraining head is not saved).
    train_neural(str(tmp_path), _sentences(), _sentences()[:6], LABELS, None, epochs=20, pretrain_epochs=2,
                 hidden=16, hidden2=8, embedding=8, ngram_dim=8, buckets=512, batch=8, vector_names=True,
                 pretrain_head="own")
    vectors = WordVectors.load(str(tmp_path))
    scorer = NeuralScorer.load(str(tmp_path), Gazetteer.load(str(tmp_path)), vectors=vectors)
    inputs = scorer.inputs
    assert inputs.vector_names
    dense = inputs.batch(["جنيف"])[2][0]
    row = vectors.lookup([("جنيف",)])[0]
    np.testing.assert_allclose(dense[inputs._vnames_at:inputs._vnames_at + 5], probs[words.index("جنيف")] / 255,
                               rtol=1e-6)
    assert row >= 0
    with np.load(tmp_path / "neural.npz") as arrays:
        assert int(arrays["vector_names"]) == 1 and not any("wiki" in k for k in arrays.files)
