"""The entity stage alone (`khabar bench --entities`): the shipped tagger against the CRF alone, one core.

The issue's budget is articles/s of the entity stage on one core. Absolute rates are the machine's (these
VMs differ by 2x between sessions and drift within minutes), so each round runs both taggers back to back,
in alternating order, and the ratio of a round is the figure to compare across machines.
"""
from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from agents.bench.messages import envelope
from streams.article import Article
from streams.pipeline import ENTITY_TAGGERS, PipelineConfig, build_enricher, build_normalizer, parse_message

TARGET_PER_S = 150.0  # issue #3: the entity stage on one core over the 3,000 shared articles


@dataclass
class EntityRun:
    tagger: str
    per_s: float  # articles per second of this process's CPU time
    mentions: int
    prewarm_s: float = 0.0  # CPU seconds the stage took to work out its common words at start (untimed)


@dataclass
class EntityBench:
    articles: int  # timed articles
    rounds: list[dict[str, EntityRun]] = field(default_factory=list)
    warm_articles: int = 0  # tagged untimed before them, by the same stage (0: cold caches)
    prewarm_words: int = 0  # common words each fresh stage worked out at start, as a worker does (warmup.py)

    def per_s(self, tagger: str) -> list[float]:
        return [r[tagger].per_s for r in self.rounds]

    def ratios(self) -> list[float]:
        return [r["ensemble"].per_s / r["crf"].per_s for r in self.rounds]

    def as_json(self) -> dict:
        ensemble, crf = self.per_s("ensemble"), self.per_s("crf")
        return {
            "articles": self.articles, "warm_articles": self.warm_articles, "prewarm_words": self.prewarm_words,
            "prewarm_s": [round(r["ensemble"].prewarm_s, 2) for r in self.rounds], "rounds": len(self.rounds),
            "ensemble_per_s": [round(x, 1) for x in ensemble], "crf_per_s": [round(x, 1) for x in crf],
            "ratio": [round(x, 3) for x in self.ratios()],
            "ensemble_median_per_s": round(statistics.median(ensemble), 1),
            "crf_median_per_s": round(statistics.median(crf), 1),
            "ratio_median": round(statistics.median(self.ratios()), 3),
            "target_per_s": TARGET_PER_S,
        }


def normalized_articles(raw_articles: list[dict]) -> list[Article]:
    """The articles as the enrich agent receives them: rendered as scraped, parsed and normalized."""
    normalize = build_normalizer(PipelineConfig())
    return [normalize(parse_message(envelope(a, f"bench-{i}"))) for i, a in enumerate(raw_articles)]


def time_tagger(tagger: str, articles: list[Article], warm: list[Article] = (), prewarm_words: int = 0) -> EntityRun:
    """One pass of a fresh stage over `articles`: cold word caches, as a new worker starts, unless `warm`
    articles are tagged first, untimed, as a worker that has been running has seen news before. A new worker
    works out `prewarm_words` common words when it builds the stage: that is timed apart."""
    stage = build_enricher(PipelineConfig(enrich_stages=("entities",), entity_tagger=tagger))
    (_, recognizer), = stage.stages
    t0 = time.process_time()
    recognizer.prewarm(limit=prewarm_words)
    prewarm_s = time.process_time() - t0
    for article in warm:
        stage(article)
    gc.collect()
    gc.freeze()  # as the worker does once its models are loaded
    mentions = 0
    t0 = time.process_time()  # the whole process: a BLAS helper thread would count (agents pins BLAS to one)
    for article in articles:
        mentions += len(stage(article).entities)
    seconds = time.process_time() - t0
    gc.unfreeze()
    return EntityRun(tagger, len(articles) / seconds if seconds > 0 else 0.0, mentions, prewarm_s)


def run_entity_bench(raw_articles: list[dict], rounds: int, progress: Callable[[str], None] = lambda _: None,
                     warm_articles: int = 0, prewarm_words: int = 0) -> EntityBench:
    """`warm_articles`: the first so many articles are tagged untimed by each fresh stage before the rest
    are timed: the word caches of a running worker (the issue's figure is cold, all of them timed).
    `prewarm_words`: each fresh stage first works out so many common words, as a new worker does."""
    progress(f"normalizing {len(raw_articles)} articles (not timed)")
    articles = normalized_articles(raw_articles)
    warm, articles = articles[:warm_articles], articles[warm_articles:]
    result = EntityBench(len(articles), warm_articles=len(warm), prewarm_words=prewarm_words)
    for k in range(rounds):
        order = ENTITY_TAGGERS if k % 2 == 0 else ENTITY_TAGGERS[::-1]
        runs = {}
        for tagger in order:
            progress(f"round {k + 1}/{rounds}: {tagger} over {len(articles)} articles")
            runs[tagger] = time_tagger(tagger, articles, warm, prewarm_words)
            progress(f"round {k + 1}/{rounds}: {tagger} {runs[tagger].per_s:.1f} articles/s, "
                     f"{runs[tagger].mentions} mentions")
        result.rounds.append(runs)
    return result


def report(result: EntityBench) -> str:
    data = result.as_json()
    after = (f" after {data['warm_articles']} untimed ones (a running worker's caches)" if data["warm_articles"]
             else " (a new worker's caches)")
    if data["prewarm_words"]:
        after += (f", each stage first working out {data['prewarm_words']} common words as a worker does at start"
                  f" (untimed; ensemble {', '.join(f'{s:.1f}' for s in data['prewarm_s'])} s of CPU)")
    else:
        after += ", no common words worked out at start (--prewarm-words 0)"
    lines = [f"entity stage alone, {data['articles']} articles{after}, one core (process CPU time), "
             f"{data['rounds']} round(s), the two taggers alternating:",
             f"  {'round':<6} {'ensemble/s':>11} {'crf/s':>8} {'ratio':>6}"]
    for k, (e, c, r) in enumerate(zip(data["ensemble_per_s"], data["crf_per_s"], data["ratio"]), 1):
        lines.append(f"  {k:<6} {e:>11.1f} {c:>8.1f} {r:>6.2f}")
    verdict = "meets" if data["ensemble_median_per_s"] >= TARGET_PER_S else "is under"
    lines.append(f"median: ensemble {data['ensemble_median_per_s']} articles/s ({verdict} the "
                 f"{TARGET_PER_S:.0f}/s target on this machine), {data['ratio_median']} of the CRF alone's rate")
    return "\n".join(lines)
