"""The CLI as a user meets it: help that teaches, clear errors, the offline path."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from agents.cli import main

COMMANDS = [["broker"], ["worker"], ["publish"], ["tail"], ["enrich"], ["demo"], ["eval", "ner"],
            ["eval", "temporal"], ["train"]]


@pytest.mark.parametrize("cmd", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_substance(cmd):
    result = CliRunner().invoke(main, [*cmd, "--help"])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) > 5


def test_enrich_offline_on_the_sample(sample_bytes, tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(sample_bytes)
    r = subprocess.run([sys.executable, "-m", "agents.cli", "enrich", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    event = json.loads(r.stdout)
    assert event["title"].startswith("وفد مصري") and event["timing"]["source_total_time_s"] == 0.0587
    assert "enriched 1, dead-lettered 0" in r.stderr


def test_enrich_with_the_crf_alone_still_finds_the_sample_places(sample_bytes, tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(sample_bytes)
    r = subprocess.run([sys.executable, "-m", "agents.cli", "enrich", str(path), "--entity-tagger", "crf"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    places = {e["canonical"] for e in json.loads(r.stdout)["entity_groups"] if e["type"] == "LOC"}
    assert {"طرابلس", "ليبيا", "القاهره"} <= places or {"طرابلس", "ليبيا", "القاهرة"} <= places
    bad = subprocess.run([sys.executable, "-m", "agents.cli", "enrich", str(path), "--entity-tagger", "bert"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "bert" in bad.stderr


def test_enrich_reports_bad_input_on_stderr_and_keeps_order(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "1", "title": "أ", "content": "نص أول"}\n{"text": \n'
                    '{"id": "3", "title": "ب", "content": "نص ثالث"}\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "agents.cli", "enrich", str(path), "--stages", ""],
                       capture_output=True, text=True)
    assert r.returncode == 0
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == ["1", "3"]
    assert f"{path}:2: dead letter (malformed_json)" in r.stderr
    assert "dead-lettered 1 (malformed_json 1)" in r.stderr


def test_missing_file_is_a_usage_error():
    result = CliRunner().invoke(main, ["enrich", "/nonexistent/file.txt"])
    assert result.exit_code == 2 and "no such file" in result.output


@pytest.mark.integration
def test_publish_then_tail_through_a_real_worker(broker_port, start_worker, tmp_path, sample_bytes):
    start_worker(broker_port)
    broker = f"kafka://127.0.0.1:{broker_port}"
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(sample_bytes)
    (src / "b.jsonl").write_text('{"id": "cli-1", "title": "عنوان", "content": "نص الخبر في الرياض"}\n',
                                 encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "agents.cli", "publish", "--broker", broker, str(src)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "published 2 messages to news.raw" in r.stderr
    r = subprocess.run([sys.executable, "-m", "agents.cli", "tail", "--broker", broker, "news.enriched",
                        "--from-beginning", "-n", "2"], capture_output=True, text=True, timeout=90)
    ids = {json.loads(x)["id"] for x in r.stdout.splitlines()}
    assert "cli-1" in ids and len(ids) == 2
    assert "الرياض" in r.stdout  # readable Arabic, not \u escapes


def test_publish_to_an_absent_broker_fails_with_one_clear_line(tmp_path, sample_bytes):
    from agents.broker import free_port

    (tmp_path / "a.txt").write_bytes(sample_bytes)
    r = subprocess.run([sys.executable, "-m", "agents.cli", "publish", "--broker",
                        f"kafka://127.0.0.1:{free_port()}", str(tmp_path / "a.txt")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "khabar publish:" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.integration
def test_demo_runs_end_to_end_and_leaves_nothing_behind():
    import re
    import socket

    r = subprocess.run([sys.executable, "-m", "agents.cli", "demo"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "4/4 messages enriched" in r.stdout
    assert "وفد مصري يزور طرابلس" in r.stdout and "LOC" in r.stdout
    port = int(re.search(r"broker 127\.0\.0\.1:(\d+)", r.stdout).group(1))
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), 1)
