"""The message timestamps every article and dead letter carry: ISO 8601 UTC to the millisecond."""
from datetime import UTC, datetime

from agents import deadletter


def test_timestamps_match_isoformat_across_second_boundaries(monkeypatch):
    # The date and time are formatted once a second and cached: a new second must never reuse the old text.
    instants_ms = [1594546205123, 1594546205999, 1594546206000, 1594546206001, 1594546205500, 1609459199999,
                   1609459200000]
    for ms in instants_ms:
        monkeypatch.setattr(deadletter.time, "time_ns", lambda ms=ms: ms * 1_000_000 + 999_999)
        expected = datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        assert deadletter.utc_now_iso() == expected
