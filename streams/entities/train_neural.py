"""Train the neural half of the tagger (`neural.py`) with PyTorch: pretrain on WikiFANE, then on ANERcorp.

Training only: tagging reads the saved arrays in numpy. PyTorch is in the `ner-train` extra.
"""
from __future__ import annotations

import os
import random
import sys
import time
from collections import Counter

import numpy as np

from streams.entities.corpus import GoldSentence, tokenized
from streams.entities.features import _analyse
from streams.entities.gazetteer import Gazetteer
from streams.entities.namelike import NameLikeness
from streams.entities.neural import (
    CLASSES,
    NEURAL_FILE,
    PAD,
    UNK,
    WINDOW,
    NeuralScorer,
    WordInputs,
    match_size,
)
from streams.entities.wordvectors import WordVectors

# 10 pretraining epochs, not 3: the network was undertrained on WikiFANE (model README, twelfth round). Seed 7:
# with the word vectors its holdout mean (0.7825) and full model's dev (0.764) are the best of seeds 3, 7
# and 11, and none of the three finds the sample's `حفتر` (sixteenth round). `context` 1 (the second layer reads
# the neighbours' first-layer outputs too, seven words in all) gained two tenths of a point on average over
# three seeds, a tenth of the seeds' spread, and is off (nineteenth round). `rnn` 32 (a bidirectional GRU over
# the first layer's outputs) gained a quarter of a point on the holdouts and a third on dev over three seeds,
# for four times the training and 15% more tagging, and none of its full models passed the shipped one: off
# (twenty-fourth round).
DEFAULTS = {"embedding": 48, "ngram_dim": 32, "buckets": 1 << 15, "hidden": 96, "hidden2": 48,
            "vocabulary": 30_000, "window": WINDOW, "min_count": 2, "pretrain_epochs": 10, "epochs": 10, "lr": 2e-3,
            "dropout": 0.3, "word_dropout": 0.15, "batch": 32, "seed": 7, "classes": CLASSES,
            "namelike": True, "wordvectors": True, "context": 0, "vector_names": False,
            "pretrain_head": "shared", "rnn": 0}


def _encode(sentences: list[GoldSentence], labels: list[str]) -> list[tuple[list[str], list[int]]]:
    index = {label: k for k, label in enumerate(labels)}
    out = []
    for gold in sentences:
        spans, bio = tokenized(gold)
        if spans:
            out.append(([gold.text[s:e] for s, e in spans], [index.get(b, index["O"]) for b in bio]))
    return out


def train_neural(model_dir: str, sentences: list[GoldSentence], pretrain: list[GoldSentence], labels: list[str],
                 outside_words=None, verbose: bool = False, **options) -> dict:
    try:
        import torch
        from torch import nn
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise SystemExit("the neural tagger needs PyTorch at training time (pip install -e '.[ner-train]')"
                         " or --no-neural") from e
    cfg = {**DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    # One thread and deterministic kernels: with two, gradient sums ran in varying order and two trainings
    # gave different weights (dev ±0.3 points); this way a retrain gives the same file.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        return _train(torch, nn, cfg, model_dir, sentences, pretrain, labels, outside_words, verbose)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(False)


def _train(torch, nn, cfg: dict, model_dir: str, sentences: list[GoldSentence], pretrain: list[GoldSentence],
           labels: list[str], outside_words, verbose: bool) -> dict:
    t0 = time.time()
    main_data = _encode(sentences, labels)
    pre_data = _encode(pretrain, labels)
    counts = Counter(_analyse(w)[1] for words, _ in main_data + pre_data for w in words)
    vocabulary = [w for w, c in counts.most_common(cfg["vocabulary"]) if c >= cfg["min_count"]]
    classes = tuple(cfg["classes"])
    namelike = NameLikeness.load(model_dir) if cfg["namelike"] else None
    vectors = WordVectors.load(model_dir) if cfg["wordvectors"] else None
    inputs = WordInputs(Gazetteer.load(model_dir), vocabulary, cfg["buckets"], outside_words, classes, namelike,
                        vectors, cfg["vector_names"])

    # Every distinct word's inputs, once.
    distinct = list(dict.fromkeys(w for words, _ in main_data + pre_data for w in words))
    word_id = {w: k for k, w in enumerate(distinct)}
    indexes, buckets, dense_rows, folded, starts = inputs.batch(distinct)

    def encoded(data: list) -> list[tuple[list[int], list[int], np.ndarray | None]]:
        out = []
        for words, y in data:
            k = [word_id[w] for w in words]
            out.append((k, y, inputs.matches([folded[i] for i in k], [starts[i] for i in k])))
        return out

    main_ids = encoded(main_data)
    pre_ids = encoded(pre_data)
    vocab_index = torch.tensor(indexes)
    dense = torch.from_numpy(dense_rows)
    flat_ngrams = [b for row in buckets for b in row]
    ngram_offsets = np.cumsum([0] + [len(row) for row in buckets])
    ngram_values = torch.tensor(flat_ngrams)

    vector_dim = vectors.dim if vectors is not None else 0
    din = cfg["embedding"] + cfg["ngram_dim"] + inputs.dense_width + match_size(classes)
    window = cfg["window"]
    span = 2 * window + 1

    class WindowTagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(len(vocabulary) + 2, cfg["embedding"], padding_idx=PAD)
            self.ngrams = nn.EmbeddingBag(cfg["buckets"], cfg["ngram_dim"], mode="mean")
            self.pad = nn.Parameter(torch.zeros(din))
            self.conv = nn.Conv1d(din, cfg["hidden"], span)
            # `context` > 0: the second layer is a convolution too, over that many words each side of the
            # first one's outputs, so a word's score reads a wider window (2 * (window + context) + 1 words).
            # `rnn` > 0: a bidirectional GRU of that many units each way runs over each sentence's
            # first-layer outputs, and the second layer reads them beside its own: the whole sentence.
            self.gru = (nn.GRU(cfg["hidden"], cfg["rnn"], batch_first=True, bidirectional=True)
                        if cfg["rnn"] else None)
            width = cfg["hidden"] + 2 * cfg["rnn"]  # what the second layer reads, either kind
            self.hidden = (nn.Conv1d(width, cfg["hidden2"], 2 * cfg["context"] + 1) if cfg["context"]
                           else nn.Linear(width, cfg["hidden2"]))
            self.out = nn.Linear(cfg["hidden2"], len(labels))
            # "own": WikiFANE's sentences are scored by an output layer of their own in pretraining (dropped
            # after it), so its conventions (a title inside a name) train the shared layers, not `out`.
            self.out_wiki = nn.Linear(cfg["hidden2"], len(labels)) if cfg["pretrain_head"] == "own" else None
            self.drop = nn.Dropout(cfg["dropout"])

        def forward(self, batch: list[tuple[list[int], list[int], np.ndarray | None]],
                    wiki: list[bool] | None = None) -> torch.Tensor:
            h = self.features(batch)
            if self.out_wiki is None or not wiki or not any(wiki):
                return self.out(h)
            mask = torch.tensor([w for (k, _, _), w in zip(batch, wiki) for _ in k]).unsqueeze(1)  # per token
            return torch.where(mask, self.out_wiki(h), self.out(h))

        def features(self, batch: list[tuple[list[int], list[int], np.ndarray | None]]) -> torch.Tensor:
            matches = np.concatenate([m if m is not None else np.zeros((len(k), match_size(classes)), np.float32)
                                      for k, _, m in batch])
            batch = [k for k, _, _ in batch]
            words = sorted({k for sent in batch for k in sent})
            local = {k: i for i, k in enumerate(words)}
            w = torch.tensor(words)
            bag_input = torch.cat([ngram_values[ngram_offsets[k]:ngram_offsets[k + 1]] for k in words])
            per_word = torch.cat([self.ngrams(bag_input, _offsets(words)), dense[w]], dim=1)
            tokens = torch.tensor([local[k] for sent in batch for k in sent])
            vocab = vocab_index[torch.tensor([k for sent in batch for k in sent])]
            if self.training and cfg["word_dropout"]:
                vocab = torch.where(torch.rand(len(vocab)) < cfg["word_dropout"], torch.full_like(vocab, UNK), vocab)
            x_tokens = torch.cat([self.embedding(vocab), per_word[tokens], torch.from_numpy(matches)], dim=1)
            # Lay the sentences out one after another with window padding rows around each, so that one
            # convolution over the whole batch never lets a window reach into the next sentence.
            lengths = [len(s) for s in batch]
            at_t, total = _layout(lengths, window)
            x = self.pad.expand(total, din).clone()
            x[at_t] = x_tokens
            x = self.drop(x)
            h = self.conv(x.t().unsqueeze(0))[0].t()  # (total - 2 * window, hidden); row r is centred at r + window
            h = torch.relu(h[at_t - window])
            h = self.drop(h)
            if self.gru is not None:
                padded = nn.utils.rnn.pad_sequence(torch.split(h, lengths), batch_first=True)
                packed = nn.utils.rnn.pack_padded_sequence(padded, torch.tensor(lengths), batch_first=True,
                                                           enforce_sorted=False)
                out, _ = self.gru(packed)
                out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
                g = torch.cat([out[i, :n] for i, n in enumerate(lengths)])
                h = torch.cat([h, self.drop(g)], dim=1)
            if cfg["context"]:
                # Zero rows around each sentence, as tagging lays them out (neural.py).
                at2, total2 = _layout(lengths, cfg["context"])
                laid = h.new_zeros((total2, h.shape[1]))
                laid[at2] = h
                h = self.hidden(laid.t().unsqueeze(0))[0].t()[at2 - cfg["context"]]
            else:
                h = self.hidden(h)
            return torch.relu(h)

    def _layout(lengths: list[int], pad: int) -> tuple[torch.Tensor, int]:
        """Sentences laid out one after another with `pad` rows around each: each token's row, and the length."""
        at = []
        pos = pad
        for n in lengths:
            at.extend(range(pos, pos + n))
            pos += n + pad
        return torch.tensor(at), pos

    def _offsets(words: list[int]) -> torch.Tensor:
        sizes = [ngram_offsets[k + 1] - ngram_offsets[k] for k in words]
        return torch.tensor(np.concatenate([[0], np.cumsum(sizes)[:-1]]), dtype=torch.long)

    model = WindowTagger()
    loss_fn = nn.CrossEntropyLoss()

    def run(data: list, epochs: int, lr: float, phase: str) -> None:
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        for epoch in range(epochs):
            model.train()
            order = list(range(len(data)))
            random.shuffle(order)
            total, seen = 0.0, 0
            for b in range(0, len(order), cfg["batch"]):
                batch = [data[k] for k in order[b:b + cfg["batch"]]]
                gold = torch.tensor([y for _, ys, _ in batch for y in ys])
                opt.zero_grad()
                wiki = [id(x) in wiki_ids for x in batch] if model.out_wiki is not None else None
                loss = loss_fn(model(batch, wiki), gold)
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(gold)
                seen += len(gold)
            if verbose:
                print(f"neural {phase} epoch {epoch + 1}/{epochs}: loss {total / max(seen, 1):.4f}"
                      f" ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)

    wiki_ids = {id(x) for x in pre_ids}  # which examples are WikiFANE's (for its own head)
    if pre_data and cfg["pretrain_epochs"]:
        run(pre_ids + main_ids, cfg["pretrain_epochs"], cfg["lr"], "pretrain")
    run(main_ids, cfg["epochs"], cfg["lr"] / 2 if pre_data else cfg["lr"], "train")
    model.eval()
    with torch.no_grad():
        for table in (model.embedding.weight, model.ngrams.weight):  # saved as float16: check what is saved
            table.copy_(table.half().float())
        state = {k: v.numpy() for k, v in model.state_dict().items()}
        np.savez_compressed(
            os.path.join(model_dir, NEURAL_FILE),
            vocabulary=np.array(vocabulary), labels=np.array(labels), classes=np.array(classes),
            namelike=np.array(int(namelike is not None)), wordvectors=np.array(vector_dim),
            vector_names=np.array(int(inputs.vector_names)),
            buckets=np.array(cfg["buckets"]), embedding=state["embedding.weight"].astype(np.float16),
            ngrams=state["ngrams.weight"].astype(np.float16), pad=state["pad"], conv_weight=state["conv.weight"],
            conv_bias=state["conv.bias"], hidden_weight=state["hidden.weight"], hidden_bias=state["hidden.bias"],
            out_weight=state["out.weight"], out_bias=state["out.bias"],
            **({f"gru_{k.split('.', 1)[1]}": v for k, v in state.items() if k.startswith("gru.")}))
        sample = main_ids[:64]
        want = torch.log_softmax(model(sample), dim=1).numpy()
    # Tagging reads the saved arrays in numpy: it must score exactly as the network just trained.
    scorer = NeuralScorer.load(model_dir, inputs.gazetteer, outside_words, namelike, vectors)
    got = np.concatenate(scorer.log_probabilities([words for words, _ in main_data[:64]]))
    gap = float(np.abs(got - want).max()) if len(want) else 0.0
    if gap > 0.02:  # tagging keeps words' window contributions in float16: a few thousandths off float32
        raise RuntimeError(f"numpy tagging differs from the trained network by {gap:.2g} (log-probability)")
    return {"neural_seconds": round(time.time() - t0, 1), "neural_vocabulary": len(vocabulary),
            "neural_wordvectors": vector_dim,
            "neural_tokens": sum(len(y) for _, y, _ in main_ids),
            "neural_pretrain_tokens": sum(len(y) for _, y, _ in pre_ids),
            "neural_params": {k: cfg[k] for k in sorted(cfg)}}
