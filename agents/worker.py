"""Run one Khabar worker: the Faust app with every agent, plus the metrics/health server and lag monitor."""
from __future__ import annotations

import asyncio
import logging

import faust

from agents import metrics
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
    asyncio.run(ensure_topics(settings, client_options=client_options))
    khabar = Khabar(settings)
    app = khabar.app
    health = Health(broker_stale_after_s=max(15.0, 3 * settings.lag_interval_s))
    serve(health, settings.metrics_host, settings.metrics_port)

    @app.on_partitions_assigned.connect
    async def track_assignment(app, assigned, **kwargs) -> None:
        health.assigned_partitions = len(app.consumer.assignment())
        health.broker_ok()

    @app.on_partitions_revoked.connect
    async def track_revocation(app, revoked, **kwargs) -> None:
        health.assigned_partitions = 0  # until the next assignment arrives

    t = settings.topics
    monitor = LagMonitor(settings.broker, settings.app_id, [t.raw, t.normalized], settings.lag_interval_s,
                         on_ok=health.broker_ok, client_options=client_options)
    app.task(monitor.run)

    log.info("khabar worker: broker %s, metrics on http://%s:%d/metrics, data dir %s", settings.broker,
             settings.metrics_host, settings.metrics_port, settings.data_path)
    worker = faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True)
    worker.execute_from_commandline()
    return 0
