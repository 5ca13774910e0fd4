"""The consumer fetch wait reaches the aiokafka consumer Faust builds (Faust itself hard-codes 1,500 ms)."""
import asyncio

import faust

from agents.app import Khabar
from agents.settings import Settings


def _worker_consumer(app):
    return app.consumer._thread._create_worker_consumer(app.transport)


def _close(consumer) -> None:
    consumer._closed = True  # never started: nothing to stop, and no "unclosed" warning


def test_khabar_sets_its_fetch_wait_and_leaves_other_apps_alone():
    async def main():
        khabar = Khabar(Settings(broker="kafka://127.0.0.1:1", fetch_max_wait_ms=123))
        other = faust.App("other", broker="kafka://127.0.0.1:1", web_enabled=False)
        ours, theirs = _worker_consumer(khabar.app), _worker_consumer(other)
        try:
            return ours._fetch_max_wait_ms, theirs._fetch_max_wait_ms
        finally:
            _close(ours)
            _close(theirs)

    assert asyncio.run(main()) == (123, 1500)


def test_the_fetch_wait_is_configurable_from_the_environment():
    assert Settings.from_env({"KHABAR_FETCH_MAX_WAIT_MS": "250"}).fetch_max_wait_ms == 250
    assert Settings().fetch_max_wait_ms == 50
