"""Reading messages from files for `khabar publish` and `khabar enrich`.

A `.txt` file is one message; `.jsonl` and `.jsonl.gz` hold one message per line; a directory means every
such file in it, in name order; `-` is standard input (JSON lines if every line is a JSON object, else
one text message).
"""
from __future__ import annotations

import gzip
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".json")


@dataclass(slots=True)
class Message:
    origin: str  # file[:line], for error reports
    value: bytes


def _is_jsonl(path: Path) -> bool:
    return path.name.endswith((".jsonl", ".jsonl.gz"))


def expand(paths: list[str]) -> list[Path]:
    """Files to read, with directories expanded; unknown or missing paths are a clear error."""
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(f for f in path.rglob("*") if f.is_file() and f.name.endswith(SUFFIXES))
            if not found:
                raise FileNotFoundError(f"{p}: no {', '.join(SUFFIXES)} files in this directory")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{p}: no such file or directory")
    return files


def read_file(path: Path) -> Iterator[Message]:
    if _is_jsonl(path):
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip(b"\r\n")
                if line.strip():
                    yield Message(f"{path}:{n}", line)
    else:
        yield Message(str(path), path.read_bytes())


def read_stdin() -> Iterator[Message]:
    data = sys.stdin.buffer.read()
    lines = [x for x in data.split(b"\n") if x.strip()]
    if lines and all(x.lstrip().startswith(b"{") for x in lines) and len(lines) > 1:
        for n, line in enumerate(lines, 1):
            yield Message(f"-:{n}", line.rstrip(b"\r"))
    else:
        yield Message("-", data)


def messages(paths: list[str]) -> Iterator[Message]:
    if paths == ["-"]:
        yield from read_stdin()
        return
    for path in expand(paths):
        yield from read_file(path)


def count_messages(paths: list[str]) -> int | None:
    """How many messages `messages(paths)` will yield (for a progress bar); None for stdin."""
    if paths == ["-"]:
        return None
    total = 0
    for path in expand(paths):
        if _is_jsonl(path):
            opener = gzip.open if path.name.endswith(".gz") else open
            with opener(path, "rb") as f:
                total += sum(1 for line in f if line.strip())
        else:
            total += 1
    return total
