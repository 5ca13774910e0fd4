"""The `khabar` command line. Every command's `--help` says what it does and shows an example."""
from __future__ import annotations

import functools
import json
import logging
import sys

import click

from agents.settings import DEFAULT_BROKER, SASL_MECHANISMS, SECURITY_PROTOCOLS, Settings
from streams.pipeline import ENTITY_TAGGERS

BROKER_HELP = f"Kafka broker URL, kafka://HOST:PORT (env KHABAR_BROKER, default {DEFAULT_BROKER})."


_entity_tagger_option = click.option(
    "--entity-tagger", type=click.Choice(ENTITY_TAGGERS), envvar="KHABAR_ENTITY_TAGGER", default=ENTITY_TAGGERS[0],
    show_default=True,
    help="ensemble: the CRF and the neural tagger; crf: the CRF alone, about two thirds of the entity stage's "
         "CPU for about a point of F1 less, for a host that cannot keep up (env KHABAR_ENTITY_TAGGER).")


def _prewarm_option(default, when: str):
    return click.option(
        "--entity-prewarm-words", type=click.IntRange(min=0), default=default, show_default=True, metavar="N",
        help="Work out the N commonest Arabic words' entity features once at start (2-4 s of CPU for 40000), "
             "so the first articles are tagged as fast as later ones; 0 to start at once. Same names either way "
             f"({when}).")


def _broker_option(f):
    return click.option("--broker", envvar="KHABAR_BROKER", default=DEFAULT_BROKER, show_default=False,
                        metavar="URL", help=BROKER_HELP)(f)


_SECURITY_OPTIONS = [
    click.option("--security-protocol", type=click.Choice(SECURITY_PROTOCOLS, case_sensitive=False), default=None,
                 help="How to reach the broker (env KHABAR_SECURITY_PROTOCOL, default PLAINTEXT)."),
    click.option("--sasl-mechanism", type=click.Choice(SASL_MECHANISMS, case_sensitive=False), default=None,
                 help="SASL mechanism for SASL_* protocols (env KHABAR_SASL_MECHANISM, default PLAIN)."),
    click.option("--sasl-username", default=None, metavar="NAME", help="SASL user (env KHABAR_SASL_USERNAME)."),
    # No --sasl-password flag: a password on the command line shows in `ps` and shell history.
    click.option("--sasl-password-file", default=None, metavar="PATH", type=click.Path(dir_okay=False),
                 help="File holding the SASL password (env KHABAR_SASL_PASSWORD_FILE; or set KHABAR_SASL_PASSWORD)."),
    click.option("--ssl-cafile", default=None, metavar="PATH", type=click.Path(dir_okay=False),
                 help="CA bundle for the broker's certificate (env KHABAR_SSL_CAFILE; default: system CAs)."),
    click.option("--ssl-certfile", default=None, metavar="PATH", type=click.Path(dir_okay=False),
                 help="Client certificate for mutual TLS (env KHABAR_SSL_CERTFILE)."),
    click.option("--ssl-keyfile", default=None, metavar="PATH", type=click.Path(dir_okay=False),
                 help="Client certificate's private key (env KHABAR_SSL_KEYFILE)."),
]
_SECURITY_NAMES = ("security_protocol", "sasl_mechanism", "sasl_username", "sasl_password_file", "ssl_cafile",
                   "ssl_certfile", "ssl_keyfile")


def _security_options(f):
    """TLS/SASL flags; the command gets them as one `security` dict of overrides for `Settings.from_env`."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        security = {name: kwargs.pop(name) for name in _SECURITY_NAMES}
        for name in ("security_protocol", "sasl_mechanism"):
            if security[name]:
                security[name] = security[name].upper()
        return f(*args, security=security, **kwargs)

    for option in reversed(_SECURITY_OPTIONS):
        wrapper = option(wrapper)
    return wrapper


def _secured_settings(security: dict, **overrides) -> tuple[Settings, dict]:
    """Settings with the security flags applied, and the aiokafka options; a bad combination is a usage error."""
    from agents.kafka_security import SecurityConfigError, aiokafka_options

    settings = Settings.from_env(**overrides, **security)
    try:
        return settings, aiokafka_options(settings)
    except SecurityConfigError as exc:
        raise click.UsageError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="khabar")
def main() -> None:
    """Khabar (خبر): real-time Arabic news enrichment on Kafka.

    Raw scraped news on `news.raw` is parsed, normalized, tagged with entities (people, places,
    organizations) and temporal expressions, and republished on `news.enriched`. Bad input goes to
    `news.deadletter` with its original bytes and a reason.

    \b
    Try it on your machine, with no Kafka installed:
      khabar demo                       # broker + worker + sample news, then a summary
    Run it for real:
      khabar broker --port 9092         # an embedded dev broker (or use Apache Kafka)
      khabar worker --broker kafka://127.0.0.1:9092
      khabar publish news/*.txt         # feed it
      khabar tail news.enriched         # watch the result
    Without Kafka:
      khabar enrich article.txt         # the same stages, offline, JSON lines on stdout
    """


@main.command()
@click.option("--port", type=int, default=9092, show_default=True, help="Port to listen on (127.0.0.1).")
def broker(port: int) -> None:
    """Run the embedded Tansu broker (Kafka-compatible, memory only) in the foreground.

    For development, tests and demos: it keeps nothing on disk and stops with Ctrl-C. Production uses
    Apache Kafka (see docker-compose.yml).

    \b
    Example:
      khabar broker --port 19092 &
      khabar worker --broker kafka://127.0.0.1:19092
    """
    from agents.broker import exec_broker

    exec_broker(port)


@main.command()
@_broker_option
@click.option("--metrics-port", type=int, envvar="KHABAR_METRICS_PORT", default=9108, show_default=True,
              help="Port for /metrics, /healthz and /readyz (env KHABAR_METRICS_PORT).")
@click.option("--metrics-host", envvar="KHABAR_METRICS_HOST", default="127.0.0.1", show_default=True,
              help="Address the metrics/health server binds to; 0.0.0.0 in a container (env KHABAR_METRICS_HOST).")
@click.option("--data-dir", envvar="KHABAR_DATA_DIR", default="khabar-data", show_default=True,
              help="Faust state directory; each worker on a host needs its own (env KHABAR_DATA_DIR).")
@click.option("--partitions", type=int, envvar="KHABAR_PARTITIONS", default=8, show_default=True,
              help="Partitions for the topics the worker creates (env KHABAR_PARTITIONS).")
@click.option("--stages", envvar="KHABAR_ENRICH_STAGES", default="entities,temporal", show_default=True,
              help="Enrichment stages to run, comma-separated; empty for none (env KHABAR_ENRICH_STAGES).")
@_entity_tagger_option
@_prewarm_option(None, "env KHABAR_ENTITY_PREWARM_WORDS, default 40000")
@click.option("--plumbing-only", is_flag=True, envvar="KHABAR_PLUMBING_ONLY",
              help="Parse and route only: no normalizing, dedup, entities or temporal. What `khabar bench` "
                   "measures as the streaming machinery's own cost; not for production (env KHABAR_PLUMBING_ONLY).")
@click.option("--topology", type=click.Choice(["staged", "fused"]), envvar="KHABAR_TOPOLOGY", default="staged",
              show_default=True,
              help="staged: normalize and enrich agents joined by news.normalized; fused: one agent from news.raw "
                   "to news.enriched, fewer Kafka hops, dedup only across this worker's partitions "
                   "(env KHABAR_TOPOLOGY).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]), help="Log verbosity.")
@_security_options
def worker(broker, metrics_port, metrics_host, data_dir, partitions, stages, entity_tagger, entity_prewarm_words,
           plumbing_only, topology, log_level, security) -> None:
    """Run a worker with every agent: news.raw → normalize → news.normalized → enrich → news.enriched.

    More workers with the same app id share the partitions (give each its own --data-dir). The worker
    creates its topics at start. Stop it with Ctrl-C or SIGTERM; it commits what it finished.
    With --topology fused one agent runs news.raw → news.enriched (README: Configuration).

    \b
    Example:
      khabar worker --broker kafka://127.0.0.1:9092 --metrics-port 9108
      curl -s 127.0.0.1:9108/metrics | grep khabar_messages_total
    """
    from agents.worker import run_worker

    settings, _ = _secured_settings(
        security, broker=broker, metrics_port=metrics_port, metrics_host=metrics_host, data_dir=data_dir,
        partitions=partitions, log_level=log_level, topology=topology, plumbing_only=plumbing_only,
        enrich_stages=tuple(s.strip() for s in stages.split(",") if s.strip()), entity_tagger=entity_tagger,
        entity_prewarm_words=entity_prewarm_words)
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.exit(run_worker(settings))


@main.command()
@_broker_option
@click.option("--topic", default="news.raw", show_default=True, help="Topic to publish to.")
@click.option("--key-from-id/--no-key", default=True, show_default=True,
              help="Use a JSON envelope's `id` as the message key.")
@click.argument("paths", nargs=-1, required=True)
@_security_options
def publish(broker, topic, key_from_id, paths, security) -> None:
    """Publish news files to a topic, with a progress bar.

    A `.txt` file is one message; `.jsonl` / `.jsonl.gz` hold one message per line; a directory means
    every such file in it; `-` reads standard input.

    \b
    Examples:
      khabar publish article.txt
      khabar publish archive/ --topic news.raw
      zcat news.jsonl.gz | khabar publish -
    """
    from agents.publish import publish_paths

    _, options = _secured_settings(security, broker=broker)
    sys.exit(publish_paths(broker, topic, list(paths), key_from_id, options))


@main.command()
@_broker_option
@click.argument("topic", default="news.enriched")
@click.option("--from-beginning", is_flag=True, help="Start at the oldest message instead of new ones.")
@click.option("-n", "limit", type=int, default=None, help="Stop after N messages.")
@click.option("--raw", is_flag=True, help="Print values exactly as stored, one per line.")
@_security_options
def tail(broker, topic, from_beginning, limit, raw, security) -> None:
    """Print a topic's messages as JSON lines (readable Arabic, not \\u escapes).

    \b
    Examples:
      khabar tail news.enriched --from-beginning -n 5
      khabar tail news.deadletter
    """
    from agents.tail import tail_topic

    _, options = _secured_settings(security, broker=broker)
    sys.exit(tail_topic(broker, topic, from_beginning, limit, raw, options))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--stages", default="entities,temporal", show_default=True,
              help="Enrichment stages to run, comma-separated.")
@click.option("--max-message-bytes", type=int, default=None, help="Reject messages larger than this.")
@_entity_tagger_option
@_prewarm_option(0, "worth it from a few thousand articles")
def enrich(paths, stages, max_message_bytes, entity_tagger, entity_prewarm_words) -> None:
    """Run every stage offline (no Kafka) and print one enriched JSON object per message, in order.

    Inputs are read as by `khabar publish`. Bad input is reported on stderr with its dead-letter reason,
    and counted in the summary line.

    \b
    Examples:
      khabar enrich article.txt | jq '.entities'
      khabar enrich sentences.jsonl > enriched.jsonl
    """
    from agents.inputs import expand, messages
    from agents.offline import enrich_messages
    from streams.pipeline import PipelineConfig

    config = PipelineConfig(enrich_stages=tuple(s for s in stages.split(",") if s), entity_tagger=entity_tagger,
                            entity_prewarm_words=entity_prewarm_words)
    if max_message_bytes:
        config.max_message_bytes = max_message_bytes
    try:
        if list(paths) != ["-"]:
            expand(list(paths))  # a missing file is a usage error before any output
        counts = enrich_messages(messages(list(paths)), config)
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from None
    bad = sum(v for k, v in counts.items() if k != "ok")
    detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "ok")
    click.echo(f"enriched {counts['ok']}, dead-lettered {bad}" + (f" ({detail})" if detail else ""), err=True)


@main.command()
@click.option("--keep", is_flag=True, help="Leave the broker and worker running afterwards (prints how to stop).")
def demo(keep) -> None:
    """The whole pipeline on this machine: embedded broker, a worker, sample news, a readable summary.

    Starts a broker and a worker on free ports, publishes the bundled sample messages, prints each
    enriched article (title, section, entities by type, temporal expressions, timing), then stops
    everything it started.
    """
    from agents.demo import run_demo

    sys.exit(run_demo(keep=keep))


@main.command()
@_broker_option
@click.option("--once", is_flag=True, help="Print the view once and exit (for scripts).")
@click.option("--interval", type=float, default=2.0, show_default=True, help="Seconds between refreshes.")
@click.option("--serve-metrics", "serve_port", type=int, default=None, metavar="PORT",
              help="Run headless as a lag exporter: serve khabar_consumer_lag_messages on PORT/metrics.")
@_security_options
def status(broker, once, interval, serve_port, security) -> None:
    """A live view of topics, end offsets, the group's lag per partition and the rate per stage.

    Needs only the broker, so it works while no worker runs. Refreshes in place; Ctrl-C to leave.

    \b
    Examples:
      khabar status --broker kafka://127.0.0.1:9092
      khabar status --once
      khabar status --serve-metrics 9109   # lag for Prometheus even while no worker runs
    """
    from agents.status import serve_lag_metrics, show_status

    settings, _ = _secured_settings(security, broker=broker)
    if serve_port:
        sys.exit(serve_lag_metrics(settings, serve_port, interval))
    sys.exit(show_status(settings, once, interval))


@main.group(name="eval")
def eval_group() -> None:
    """Score the production stages on gold data."""


@eval_group.command(name="ner")
@click.argument("conll", type=click.Path(exists=True, dir_okay=False))
@click.option("--window", type=click.IntRange(min=1), default=1, show_default=True,
              help="Tag this many consecutive sentences as one article (a line each), so what the stage does "
                   "across an article counts; each sentence is still scored on its own.")
@click.option("--errors", "top_errors", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also list the N commonest missed and spurious names of each type (exact spans), and count "
                   "each type's errors by kind (nothing there, wrong type, wrong span), before the JSON line: "
                   "where the tagger goes wrong.")
def eval_ner(conll, window, top_errors) -> None:
    """Entity precision/recall/F1 on a CoNLL file (`word TAG` lines, IOB PERS/LOC/ORG/MISC).

    Each sentence's tokens are joined by single spaces and run through the production entity stage;
    spans must match gold exactly. The last line printed is JSON.

    With --window N, N consecutive sentences go through the stage together, as the lines of one article:
    a name found in one of them is then also tagged where it recurs, as in real articles. The contract
    score is the default, one sentence at a time.

    \b
    Examples:
      khabar eval ner ../shared/data/anercorp/dev.conll
      khabar eval ner --window 15 ../shared/data/anercorp/dev.conll
      khabar eval ner --errors 10 ../shared/data/anercorp/dev.conll
    """
    import json

    from streams.entities.evaluate import evaluate_conll, format_errors, format_report

    errors: dict = {}
    result = evaluate_conll(conll, window=window, errors=errors if top_errors else None)
    click.echo(format_report(result))
    if top_errors:
        click.echo(format_errors(errors, top_errors))
    click.echo(json.dumps(result, ensure_ascii=False))


@eval_group.command(name="temporal")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
def eval_temporal(gold) -> None:
    """Temporal detection P/R/F1 and exact-value accuracy on a gold JSON-lines file.

    Gold lines: {"id", "reference": "YYYY-MM-DD", "text", "expressions": [{"text", "kind", "value"}]}.
    The last line printed is JSON.

    \b
    Example:
      khabar eval temporal tests/data/temporal_gold.jsonl
    """
    import json

    from streams.temporal.evaluate import evaluate_gold, format_report

    result = evaluate_gold(gold)
    click.echo(format_report(result))
    click.echo(json.dumps(result, ensure_ascii=False))


@main.group()
def train() -> None:
    """Build the models the stages ship with, from public data."""


@train.command(name="ner", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def train_ner(args) -> None:
    """Train the entity tagger from ANERcorp train (+ WikiFANE) into streams/entities/model/.

    Options are passed to the trainer: `khabar train ner --help-trainer` lists them.
    """
    from streams.entities.train import main as train_main

    args = ["--help"] if list(args) == ["--help-trainer"] else list(args)
    sys.exit(train_main(args))


@main.group()
def rules() -> None:
    """Alert rules: data on the compacted news.alert-rules topic, read live by every worker.

    \b
    A rule file (YAML); groups that are given must all match, any item of a list may match:
      name: libya-desk
      match:
        entities: [{canonical: "طرابلس", type: LOC}]
        keywords: ["وقف إطلاق النار"]
        sections: ["عربية ودولية"]
        min_mentions: 1
    """


@rules.command(name="add")
@_broker_option
@click.argument("path", type=click.Path(dir_okay=False))
def rules_add(broker, path) -> None:
    """Validate a rule file and publish it (replacing a rule of the same name).

    A malformed file is reported in one line and never reaches the topic. Running workers use the rule
    from the next article on.

    \b
    Example:
      khabar rules add libya-desk.yaml --broker kafka://127.0.0.1:9092
    """
    from agents.rules_admin import add_rule

    sys.exit(add_rule(broker, path))


@rules.command(name="list")
@_broker_option
@click.option("--json", "as_json", is_flag=True, help="One rule document per line instead of a table.")
def rules_list(broker, as_json) -> None:
    """Show the current alert rules.

    \b
    Example:
      khabar rules list --json | jq .name
    """
    from agents.rules_admin import list_rules

    sys.exit(list_rules(broker, as_json))


@rules.command(name="rm")
@_broker_option
@click.argument("name")
def rules_rm(broker, name) -> None:
    """Delete a rule (a tombstone on the compacted topic).

    \b
    Example:
      khabar rules rm libya-desk
    """
    from agents.rules_admin import remove_rule

    sys.exit(remove_rule(broker, name))


@main.command()
@_broker_option
@click.option("--once", is_flag=True, help="Print the current rankings once and exit.")
@click.option("--top", type=int, default=10, show_default=True, help="Rows per table.")
@click.option("--topic", default="news.trending", show_default=True, help="Topic with the rankings.")
def trending(broker, once, top, topic) -> None:
    """The most mentioned entities per type in the latest closed windows, refreshed in place.

    Workers rank each tumbling window (default 5 min) and hopping window (1 h, every 5 min) on
    news.trending; this shows the newest ranking of each kind and type.

    \b
    Examples:
      khabar trending
      khabar trending --once --top 5
    """
    from agents.trending_view import show_trending

    sys.exit(show_trending(broker, topic, once, top))


@main.command()
@_broker_option
@click.option("--webhook", required=True, metavar="URL", help="HTTP endpoint that receives each alert (POST JSON).")
@click.option("--group", default="khabar-alerts-webhook", show_default=True,
              help="Consumer group; its committed offset is where a restart resumes.")
@click.option("--topic", default="news.alerts", show_default=True, help="Topic with the alerts.")
@click.option("--max-attempts", type=int, default=0, show_default=True,
              help="Give up (exit 1, alert not committed) after N failed attempts; 0 retries forever.")
def alerts(broker, webhook, group, topic, max_attempts) -> None:
    """Forward alerts to a webhook: one POST per alert, retried with backoff, committed after delivery.

    \b
    Example:
      khabar alerts --webhook https://chat.example.org/hooks/news-desk
    """
    from agents.webhook import run_forwarder

    sys.exit(run_forwarder(broker, topic, webhook, group, max_attempts))


@main.command()
@click.option("--articles", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Articles (.jsonl[.gz] with title/content) to render as raw messages; default the shared "
                   "SaudiNewsNet 3,000.")
@click.option("--seconds", type=float, default=20.0, show_default=True,
              help="Target length of each throughput phase (message count estimated from in-process speed).")
@click.option("--workers-max", type=int, default=2, show_default=True,
              help="Scale-out up to this many workers in one group (each on a fresh broker, after one worker alone).")
@click.option("--scale-rounds", type=int, default=None,
              help="Measure one worker and the group this many times (every other round the group first); "
                   "scaleout is the ratio of the mean rates (a machine's speed drifts over minutes).  "
                   "[default: 2; 1 with --quick]")
@click.option("--latency-seconds", type=float, default=10.0, show_default=True,
              help="How long the paced producer runs for the latency phase.")
@click.option("--inprocess-articles", type=int, default=None, help="Limit the in-process phase to N articles.")
@click.option("--quick", is_flag=True, help="A ~1-minute smoke run: short phases, 200 in-process articles.")
@click.option("--profile", "profile_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Sample the e2e and plumbing workers with py-spy into DIR (speedscope files, top functions).")
@click.option("--topology", type=click.Choice(["staged", "fused"]), envvar="KHABAR_TOPOLOGY", default="staged",
              show_default=True, help="The workers' topology for the main phases (env KHABAR_TOPOLOGY).")
@click.option("--no-fused", is_flag=True, help="Skip the fused-topology comparison phases (staged runs only).")
@click.option("--json-only", is_flag=True, help="Print only the JSON result line.")
@click.option("--entities", "entities_only", is_flag=True,
              help="Only the entity stage, in-process, no broker: the shipped tagger and the CRF alone in "
                   "alternating runs (--scale-rounds of them) over the articles, articles/s of one core each and "
                   "their ratio (about 2 minutes; --quick: 300 articles, one round).")
@click.option("--warm-articles", type=click.IntRange(min=0), default=0, show_default=True,
              help="With --entities: each fresh stage tags this many of the articles first, untimed, and the "
                   "rest are timed: the word caches of a worker that has been running (0: cold, every article "
                   "timed, as a new worker starts).")
@click.option("--prewarm-words", type=click.IntRange(min=0), default=None, metavar="N",
              help="With --entities: each fresh stage first works out the N commonest Arabic words, untimed, as a "
                   "worker does at start (default: the worker's, KHABAR_ENTITY_PREWARM_WORDS or 40000; 0: none).")
def bench(articles, seconds, workers_max, scale_rounds, latency_seconds, inprocess_articles, quick, profile_dir, topology, no_fused,
          json_only, entities_only, warm_articles, prewarm_words) -> None:
    """Measure where the time goes: stage cost in-process, then real workers on an embedded broker.

    Starts its own brokers and workers on free ports (and stops them): stage cost per article, in-process
    rate, one worker end to end (efficiency = e2e / in-process), the plumbing with no NLP stages against a
    bare aiokafka pass-through, scale-out to --workers-max workers, latency at half the e2e rate and the
    workers' peak RSS. With the staged topology (the default), e2e and plumbing are measured once more
    with the fused one, under "fused" in the JSON. Progress goes to stderr; the last line on stdout is JSON. Ratios are measured in
    one run, so they hold up on a busy machine better than the absolute rates do.

    \b
    Examples:
      khabar bench                      # 2-5 minutes
      khabar bench --quick --json-only | tail -1 | jq .efficiency
      khabar bench --profile /tmp/prof  # needs `pip install py-spy`
      khabar bench --entities           # the entity stage alone against the CRF alone
      khabar bench --entities --warm-articles 1500   # ... on the last 1,500 after the first 1,500
      khabar bench --entities --prewarm-words 0      # ... a new stage that worked out no common words
    """
    from pathlib import Path

    from agents.bench import BenchOptions, run_bench
    from agents.bench.messages import DEFAULT_ARTICLES

    if workers_max < 1:
        raise click.BadParameter("must be at least 1", param_hint="--workers-max")
    if scale_rounds is not None and scale_rounds < 1:
        raise click.BadParameter("must be at least 1", param_hint="--scale-rounds")
    path = Path(articles) if articles else DEFAULT_ARTICLES
    if not path.exists():
        raise click.UsageError(f"articles not found at {path}; give --articles PATH")
    if warm_articles and not entities_only:
        raise click.UsageError("--warm-articles goes with --entities")
    if prewarm_words is not None and not entities_only:
        raise click.UsageError("--prewarm-words goes with --entities (the workers take KHABAR_ENTITY_PREWARM_WORDS)")
    if entities_only:
        if prewarm_words is None:
            from agents.settings import Settings

            prewarm_words = Settings.from_env().entity_prewarm_words
        _bench_entities(path, scale_rounds or (1 if quick else 2), inprocess_articles or (300 if quick else None),
                        json_only, warm_articles, prewarm_words)
        return
    opts = BenchOptions(articles=path, seconds=seconds, workers_max=workers_max, scale_rounds=scale_rounds, quick=quick,
                        profile_dir=Path(profile_dir) if profile_dir else None, json_only=json_only,
                        inprocess_articles=inprocess_articles, latency_seconds=latency_seconds,
                        topology=topology, compare_fused=not no_fused)
    sys.exit(run_bench(opts))


def _bench_entities(path, rounds: int, limit: int | None, json_only: bool, warm_articles: int = 0,
                    prewarm_words: int = 0) -> None:
    from agents.bench.entities import report, run_entity_bench
    from agents.bench.messages import load_articles

    raw = load_articles(path)[:limit]
    if warm_articles >= len(raw):
        raise click.BadParameter(f"must leave articles to time (there are {len(raw)})", param_hint="--warm-articles")
    result = run_entity_bench(raw, rounds, progress=lambda text: click.echo(f"[bench] {text}", err=True),
                              warm_articles=warm_articles, prewarm_words=prewarm_words)
    if not json_only:
        click.echo(report(result))
    click.echo(json.dumps(result.as_json()))


if __name__ == "__main__":
    main()
