"""The metrics and health HTTP server: `/metrics`, `/healthz` (alive) and `/readyz` (serving).

A small thread of its own, so a scrape or a probe is answered even while the event loop is busy.
"""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest


class Health:
    """What `/readyz` needs to know: partitions assigned, and the broker answered recently."""

    def __init__(self, broker_stale_after_s: float = 20.0) -> None:
        self.assigned_partitions = 0
        self.broker_ok_at = 0.0
        self.broker_stale_after_s = broker_stale_after_s
        self.started_at = time.time()

    def broker_ok(self) -> None:
        self.broker_ok_at = time.time()

    def readiness(self) -> tuple[bool, str]:
        if self.assigned_partitions <= 0:
            return False, "no partitions assigned yet"
        if time.time() - self.broker_ok_at > self.broker_stale_after_s:
            return False, "broker not reachable"
        return True, f"ok: {self.assigned_partitions} partitions assigned"


class _Handler(BaseHTTPRequestHandler):
    health: Health

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._reply(200, generate_latest(REGISTRY), CONTENT_TYPE_LATEST)
        elif path == "/healthz":
            self._reply(200, b"ok\n")
        elif path == "/readyz":
            ready, why = self.health.readiness()
            self._reply(200 if ready else 503, (why + "\n").encode())
        else:
            self._reply(404, b"not found: try /metrics, /healthz or /readyz\n")

    def _reply(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # scrapes every few seconds would drown the worker's log
        pass


def serve(health: Health, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("HealthHandler", (_Handler,), {"health": health})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="khabar-http", daemon=True).start()
    return server
