"""Limits: the size check comes before any decoding, and the metrics server binds where it is told."""
from __future__ import annotations

import socket
import urllib.request

import pytest

from agents.health import Health, serve
from agents.settings import Settings
from streams import errors
from streams.errors import Rejected
from streams.parse import decode, parse


def test_oversized_invalid_utf8_is_oversized_not_undecodable():
    limit = 1000
    with pytest.raises(Rejected) as at_limit:
        decode(b"\xff" * limit, limit)
    assert at_limit.value.reason == errors.UNDECODABLE  # within the limit, decoding happens and fails
    with pytest.raises(Rejected) as over:
        parse(b"\xff" * (limit + 1), limit)
    assert over.value.reason == errors.OVERSIZED  # one byte more: refused before any decoding


def test_the_size_check_never_reads_the_bytes():
    class Untouchable(bytes):
        def decode(self, *args, **kwargs):
            raise AssertionError("decoded an oversized message")

    with pytest.raises(Rejected) as exc:
        decode(Untouchable(b"{" * 2000), 1000)
    assert exc.value.reason == errors.OVERSIZED


def test_metrics_host_defaults_to_loopback_and_comes_from_env():
    assert Settings().metrics_host == "127.0.0.1"
    assert Settings.from_env({"KHABAR_METRICS_HOST": "0.0.0.0"}).metrics_host == "0.0.0.0"


def test_the_server_binds_only_the_configured_address():
    from agents.broker import free_port

    port = free_port()
    server = serve(Health(), "127.0.0.2", port)  # all of 127/8 is loopback on Linux
    try:
        with urllib.request.urlopen(f"http://127.0.0.2:{port}/healthz", timeout=3) as r:
            assert r.status == 200
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), 1).close()
    finally:
        server.shutdown()
        server.server_close()
