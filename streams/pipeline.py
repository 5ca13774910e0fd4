"""Stages assembled into the two halves the agents run: normalize (raw → normalized) and enrich.

Like a spaCy pipeline: a named list of callables over one `Article`, built once from a config, each timed
into `article.stages_ms`. `khabar enrich` and the Faust agents run the very same objects.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from streams.article import Article
from streams.identity import assign_id
from streams.language import mark_language
from streams.normalize import normalize
from streams.parse import DEFAULT_MAX_MESSAGE_BYTES, parse
from streams.redactions import mark_redactions

Stage = Callable[[Article], Article]

TEXT_STAGES = ("normalize", "redactions", "language")  # then `identity`, which always runs: keys need the id
ENRICH_STAGES = ("entities", "temporal")
ENTITY_TAGGERS = ("ensemble", "crf")  # the CRF with the neural tagger, or the CRF alone


@dataclass(slots=True)
class PipelineConfig:
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    # Which text and enrichment stages run; `plumbing_only()` switches them all off, leaving parse and the
    # id, which is what the benchmark measures as the streaming machinery's own cost.
    text_stages: tuple[str, ...] = TEXT_STAGES
    enrich_stages: tuple[str, ...] = ENRICH_STAGES
    entities_model_dir: str | None = None  # None: the model shipped in the package
    # "ensemble": the CRF plus the neural tagger (the model's default); "crf": the CRF alone, about two thirds of the
    # entity stage's CPU for about a point of F1 less (README: Configuration).
    entity_tagger: str = ENTITY_TAGGERS[0]
    # Common words the entity stage works out when it is built (streams/entities/warmup.py): a few seconds at
    # start instead of a slower first few thousand articles. 0 here (a library user or a test builds stages
    # often); the worker's default is in agents/settings.py.
    entity_prewarm_words: int = 0
    options: dict = field(default_factory=dict)

    @property
    def folds(self) -> bool:
        """Whether articles carry folded text: dedup fingerprints and the entity stage read it."""
        return "normalize" in self.text_stages

    @classmethod
    def plumbing_only(cls, **kwargs) -> PipelineConfig:
        return cls(text_stages=(), enrich_stages=(), **kwargs)


class Pipeline:
    """Named stages run in order, each timed in milliseconds into `article.stages_ms`."""

    def __init__(self, stages: Iterable[tuple[str, Stage]]) -> None:
        self.stages = list(stages)
        self.names = tuple(name for name, _ in self.stages)

    def __call__(self, article: Article, timings: Callable[[str, float], None] | None = None) -> Article:
        clock = time.perf_counter
        for name, stage in self.stages:
            t0 = clock()
            article = stage(article)
            seconds = clock() - t0
            article.stages_ms[name] = round(seconds * 1000, 3)
            if timings is not None:
                timings(name, seconds)
        return article


def build_normalizer(config: PipelineConfig | None = None) -> Pipeline:
    config = config or PipelineConfig()
    factories: dict[str, Stage] = {"normalize": normalize, "redactions": mark_redactions, "language": mark_language}
    _check_known(config.text_stages, factories, "text")
    return Pipeline([(name, factories[name]) for name in config.text_stages] + [("identity", assign_id)])


def build_enricher(config: PipelineConfig | None = None) -> Pipeline:
    config = config or PipelineConfig()
    factories: dict[str, Callable[[], Stage]] = {
        "entities": lambda: _entities(config),
        "temporal": lambda: _temporal(config),
    }
    _check_known(config.enrich_stages, factories, "enrich")
    return Pipeline([(name, factories[name]()) for name in config.enrich_stages])


def _check_known(names: tuple[str, ...], factories: dict, kind: str) -> None:
    unknown = set(names) - set(factories)
    if unknown:
        raise ValueError(f"unknown {kind} stage(s): {', '.join(sorted(unknown))}; known: {', '.join(factories)}")


def _entities(config: PipelineConfig) -> Stage:
    from streams.entities import EntityRecognizer  # loads a model: only when the stage is wanted

    if config.entity_tagger not in ENTITY_TAGGERS:
        raise ValueError(f"unknown entity tagger {config.entity_tagger!r}; known: {', '.join(ENTITY_TAGGERS)}")
    recognizer = EntityRecognizer(config.entities_model_dir, neural=config.entity_tagger == "ensemble")
    if config.entity_prewarm_words > 0:
        recognizer.prewarm(limit=config.entity_prewarm_words)
    return recognizer


def _temporal(config: PipelineConfig) -> Stage:
    from streams.temporal import TemporalTagger

    return TemporalTagger()


def parse_message(raw: bytes, config: PipelineConfig | None = None) -> Article:
    """Parse step shared by the normalize agent and `khabar enrich` (raises `Rejected`)."""
    return parse(raw, (config or PipelineConfig()).max_message_bytes)
