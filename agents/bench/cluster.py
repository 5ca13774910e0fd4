"""The processes a benchmark phase runs: one embedded broker and real `khabar worker` processes.

Each process gets its own session (process group), so stopping it also stops anything it started.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Self

from agents.broker import free_port, start_broker, wait_port


def _stop_group(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


class WorkerProcess:
    def __init__(self, broker_port: int, workdir: Path, name: str, stages: tuple[str, ...] | None,
                 topology: str | None = None) -> None:
        """`stages`: the enrichment stages to run; None runs the worker with --plumbing-only."""
        self.name = name
        self.metrics_port = free_port()
        self.log = workdir / f"{name}.log"
        env = {**os.environ, "KHABAR_DATA_DIR": str(workdir / f"{name}-data")}
        if topology:
            env["KHABAR_TOPOLOGY"] = topology
        with open(self.log, "wb") as log:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "agents.cli", "worker", "--broker", f"kafka://127.0.0.1:{broker_port}",
                 "--metrics-port", str(self.metrics_port),
                 *(["--plumbing-only"] if stages is None else ["--stages", ",".join(stages)])],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def readyz(self) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/readyz", timeout=3) as r:
                return r.status, r.read().decode().strip()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode().strip()
        except OSError as e:
            return 0, str(e)

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited ({self.proc.returncode}):\n{self.tail_log()}")

    def tail_log(self, chars: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def peak_rss_mb(self) -> float | None:
        """VmHWM: the resident set's high-water mark over the process's life."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def stop(self) -> None:
        _stop_group(self.proc)


class Cluster:
    """A fresh broker and its workers; everything is stopped on exit, even after an error."""

    def __init__(self, workdir: Path, label: str, topology: str | None = None) -> None:
        self.topology = topology  # KHABAR_TOPOLOGY of its workers; None: the environment's
        self.workdir = workdir / label
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.label = label
        self.broker: subprocess.Popen | None = None
        self.port = 0
        self.workers: list[WorkerProcess] = []

    def __enter__(self) -> Self:
        with open(self.workdir / "broker.log", "wb") as log:
            self.broker, self.port = start_broker(log=log)
        return self

    def __exit__(self, *exc) -> None:
        for w in self.workers:
            w.stop()
        if self.broker is not None:
            _stop_group(self.broker, 10)

    def start_workers(self, n: int, stages: tuple[str, ...] | None, timeout: float = 120.0, progress=None) -> None:
        """Start `n` workers together and wait until each is ready and the group has settled."""
        new = [WorkerProcess(self.port, self.workdir, f"worker{len(self.workers) + i + 1}", stages, self.topology)
               for i in range(n)]
        self.workers.extend(new)
        deadline = time.monotonic() + timeout
        for w in new:
            while not wait_port(w.metrics_port, 0.5):
                w.check_alive()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{w.name} opened no metrics port:\n{w.tail_log()}")
        # Ready means partitions assigned; with several workers, wait until the assignment stops moving.
        stable_since, last = None, None
        while True:
            for w in self.workers:
                w.check_alive()
            states = [w.readyz() for w in self.workers]
            if all(code == 200 for code, _ in states):
                if states == last:
                    if time.monotonic() - stable_since >= (3.0 if len(self.workers) > 1 else 0.5):
                        return
                else:
                    stable_since, last = time.monotonic(), states
            else:
                stable_since, last = None, None
            if time.monotonic() > deadline:
                raise TimeoutError("workers not ready: " + "; ".join(t for _, t in states) + "\n"
                                   + self.workers[-1].tail_log())
            if progress:
                progress(f"{self.label}: waiting for {len(self.workers)} worker(s): "
                         + "; ".join(t for _, t in states))
            time.sleep(0.5)

    def wait_idle(self, busy_below: float = 0.1, timeout: float = 120.0) -> float:
        """Seconds until every worker uses less than `busy_below` of a core over a second: after the last
        enriched message, the trending count agent and its timers may still be working."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            before = [w.cpu_seconds() for w in self.workers]
            time.sleep(1.0)
            if all(w.cpu_seconds() - b < busy_below for w, b in zip(self.workers, before)):
                return time.monotonic() - start - 1.0
        return time.monotonic() - start

    def cpu_seconds(self) -> float:
        return sum(w.cpu_seconds() for w in self.workers)

    def peak_rss_mb(self) -> float | None:
        values = [v for v in (w.peak_rss_mb() for w in self.workers) if v is not None]
        return max(values) if values else None
