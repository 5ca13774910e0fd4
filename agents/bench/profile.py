"""Sampling a running worker with py-spy (if installed): a speedscope file and the top functions by own time."""
from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2]) + "/"

# Where a function lives, coarsely: answers "NLP or plumbing?" at a glance.
_BUCKETS = (("stages (streams/)", "/streams/"), ("agents/", "/agents/"), ("faust", "/faust/"),
            ("mode", "/mode/"), ("aiokafka", "/aiokafka/"), ("prometheus_client", "/prometheus_client/"),
            ("asyncio", "/asyncio/"))


def py_spy() -> str | None:
    return shutil.which("py-spy")


class Recording:
    """`py-spy record` attached to a pid until `stop()`; non-blocking so the worker is not paused per sample."""

    def __init__(self, pid: int, out: Path, rate: int = 100) -> None:
        self.out = out
        self.log = out.with_suffix(".log")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [py_spy(), "record", "--pid", str(pid), "--format", "speedscope", "--output", str(out),
                 "--rate", str(rate), "--nonblocking"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> bool:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.out.exists()


def summarize(path: Path, top: int = 15) -> dict:
    """Own-time top functions and coarse inclusive shares from a py-spy speedscope file (all threads)."""
    doc = json.loads(path.read_text())
    frames = doc["shared"]["frames"]
    own: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for profile in doc["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"]):
            if not stack:
                continue
            total += weight
            leaf = frames[stack[-1]]
            own[(leaf["name"], _short(leaf.get("file", "")))] += weight
            files = [frames[i].get("file", "") for i in stack]
            for bucket, needle in _BUCKETS:
                if any(needle in f for f in files):
                    inclusive[bucket] += weight
    return {
        "sampled_s": round(total, 2),
        "top_own": [{"function": name, "file": file, "share": round(w / total, 4)}
                    for (name, file), w in own.most_common(top)] if total else [],
        "inclusive": {b: round(inclusive[b] / total, 4) for b, _ in _BUCKETS} if total else {},
    }


def _short(file: str) -> str:
    short = re.sub(r"^.*/(site-packages|lib/python3\.\d+)/", "", file)
    return short.replace(_ROOT, "") if short == file else short
