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


def test_fetches_wait_longer_only_while_the_last_stage_has_more_work_queued_than_the_long_wait(monkeypatch):
    async def main():
        khabar = Khabar(Settings(broker="kafka://127.0.0.1:1", fetch_max_wait_ms=50, fetch_behind_wait_ms=300))
        app = khabar.app
        enrich = asyncio.Queue()
        backlog = fetch_wait.watch_backlog(app, enrich)
        assert fetch_wait.watch_backlog(app, enrich) is backlog  # an agent restarted on the same channel
        assert len(app.khabar_backlogs) == 1
        fetcher = _stub_fetcher(monkeypatch, khabar_app=app)
        waits = []
        for queued, ms_each in [(100, None), (100, 10.0), (20, 10.0), (31, 10.0), (31, 1.0), (400, 1.0)]:
            while enrich.qsize() > queued:
                enrich.get_nowait()
            while enrich.qsize() < queued:
                enrich.put_nowait(object())
            if ms_each is not None:
                backlog.seconds_each = ms_each / 1000
            waits.append(fetch_wait._wait_by_backlog(fetcher, None))
        return waits

    # cost unknown yet; 1 s queued; 200 ms; 310 ms; the same queue once messages got cheaper; 400 ms again
    assert asyncio.run(main()) == [50, 300, 50, 300, 50, 300]


def test_the_cost_per_message_follows_the_batches_the_agent_reports():
    backlog = fetch_wait.Backlog(asyncio.Queue())
    backlog.took(0.64, 64)  # the first batch sets it
    assert backlog.seconds_each == 0.01
    for _ in range(30):  # the load changed: the average moves to the new cost
        backlog.took(0.064, 64)
    assert abs(backlog.seconds_each - 0.001) < 0.0001


def test_the_wait_while_behind_is_never_the_shorter_one():
    khabar = Khabar(Settings(broker="kafka://127.0.0.1:1", fetch_max_wait_ms=500, fetch_behind_wait_ms=300))
    assert khabar.app.khabar_fetch_waits_ms == (500, 500)


def test_a_fetcher_of_another_app_keeps_its_wait(monkeypatch):
    assert fetch_wait._wait_by_backlog(_stub_fetcher(monkeypatch), None) == 1500
