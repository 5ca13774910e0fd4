"""The consumer fetch wait reaches the aiokafka consumer Faust builds (Faust itself hard-codes 1,500 ms)."""
import asyncio

import faust

from agents import fetch_wait
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
    assert Settings.from_env({"KHABAR_FETCH_BEHIND_WAIT_MS": "400"}).fetch_behind_wait_ms == 400


def _stub_fetcher(monkeypatch, **attrs):
    """A fetcher with only what `_wait_by_backlog` reads; its request building returns the wait it was given."""
    monkeypatch.setattr(fetch_wait, "_get_actions_per_node", lambda fetcher, assignment: fetcher._fetch_max_wait_ms)
    return type("FetcherStub", (), {"_fetch_max_wait_ms": 1500, **attrs})()


def test_fetches_wait_longer_only_while_an_agent_has_more_than_a_batch_queued(monkeypatch):
    async def main():
        khabar = Khabar(Settings(broker="kafka://127.0.0.1:1", fetch_max_wait_ms=50, fetch_behind_wait_ms=300))
        app = khabar.app
        normalize, enrich = asyncio.Queue(), asyncio.Queue()
        fetch_wait.watch_backlog(app, normalize, 2)
        fetch_wait.watch_backlog(app, enrich, 3)
        fetch_wait.watch_backlog(app, enrich, 3)  # an agent restarted on the same channel counts once
        assert len(app.khabar_backlogs) == 2
        fetcher = _stub_fetcher(monkeypatch, khabar_app=app)
        waits = []
        for normalize_size, enrich_size in [(0, 0), (2, 3), (3, 0), (0, 4), (0, 3)]:
            for queue, size in ((normalize, normalize_size), (enrich, enrich_size)):
                while queue.qsize() > size:
                    queue.get_nowait()
                while queue.qsize() < size:
                    queue.put_nowait(object())
            waits.append(fetch_wait._wait_by_backlog(fetcher, None))
        return waits

    # empty; a full batch each (keeping up); one more than a batch in either; back to a batch
    assert asyncio.run(main()) == [50, 50, 300, 300, 50]


def test_the_wait_while_behind_is_never_the_shorter_one():
    khabar = Khabar(Settings(broker="kafka://127.0.0.1:1", fetch_max_wait_ms=500, fetch_behind_wait_ms=300))
    assert khabar.app.khabar_fetch_waits_ms == (500, 500)


def test_a_fetcher_of_another_app_keeps_its_wait(monkeypatch):
    assert fetch_wait._wait_by_backlog(_stub_fetcher(monkeypatch), None) == 1500
