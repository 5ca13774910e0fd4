"""Run one Khabar worker: the Faust app with every agent, plus the metrics/health server and lag monitor."""
from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import time

import faust

from agents import metrics, no_auto_create
from agents.app import Khabar
from agents.health import Health, serve
from agents.kafka_security import aiokafka_options
from agents.lag import LagMonitor
from agents.settings import Settings
from agents.topics import ensure_topics

log = logging.getLogger("khabar.worker")


def run_worker(settings: Settings) -> int:
    from importlib.metadata import version

    metrics.BUILD.info({"version": version("khabar"), "faust": version("faust-streaming"),
                        "schema": "v1"})
    settings.data_path.mkdir(parents=True, exist_ok=True)
    client_options = aiokafka_options(settings)
    health = Health(broker_stale_after_s=max(15.0, 3 * settings.lag_interval_s))
    # Up before the broker is: probes get /healthz 200 and /readyz 503 while we wait for it.
    serve(health, settings.metrics_host, settings.metrics_port)
    no_auto_create.apply()
    asyncio.run(ensure_topics(settings, wait_s=None, client_options=client_options))
    khabar = Khabar(settings)
    # Models, gazetteers and Faust's own objects live as long as the process: keep them out of the cyclic
    # collector's scans (a full collection walked all of them, about a tenth of the enrichment's CPU).
    gc.freeze()
    app = khabar.app

    @app.on_partitions_assigned.connect
    async def track_assignment(app, assigned, **kwargs) -> None:
        health.assigned_partitions = len(app.consumer.assignment())
        health.broker_ok()

    @app.on_partitions_revoked.connect
    async def track_revocation(app, revoked, **kwargs) -> None:
        health.assigned_partitions = 0  # until the next assignment arrives

    t = settings.topics
    monitor = LagMonitor(settings.broker, settings.app_id, [t.raw, t.normalized], settings.lag_interval_s,
                         on_ok=health.broker_ok, client_options=client_options,
                         on_broker_reset=lambda why: restart_in_place(f"the broker lost its data ({why})"))
    app.task(monitor.run)

    @app.task
    async def watch_broker() -> None:
        while True:
            await asyncio.sleep(1.0)
            away_s = time.time() - health.broker_ok_at
            # Not-ready first (after broker_stale_after_s), a restart only after twice that: a
            # broker that blips comes back to a worker that merely paused.
            if health.broker_ok_at and away_s > 2 * health.broker_stale_after_s:
                restart_in_place(f"broker {settings.broker} unreachable for {away_s:.0f}s")

    log.info("khabar worker: broker %s, metrics on http://%s:%d/metrics, data dir %s", settings.broker,
             settings.metrics_host, settings.metrics_port, settings.data_path)
    worker = faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True)
    worker.execute_from_commandline()
    return 0


def restart_in_place(reason: str) -> None:
    """Replace this process with a fresh worker (same pid, same command line), which waits for the broker.

    Faust cannot be reset in place: after an outage its consumer keeps the old positions, group generation
    and commits, so a broker that comes back empty (Tansu is memory only) gets nothing consumed (and
    `no_auto_create` keeps its clients from recreating our topics with the broker's defaults). A fresh
    process holds no Kafka client until `ensure_topics` has recreated the topics, then resumes from the
    committed offsets (at-least-once, as after any crash).
    """
    log.warning("%s: restarting this worker in place; it will wait for the broker and recreate missing topics",
                reason)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
