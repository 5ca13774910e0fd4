"""Broker security from `Settings`: TLS and SASL options for Faust and for our own aiokafka clients.

Faust takes one credentials object (`broker_credentials=`); aiokafka takes `security_protocol`, `sasl_*`
and an `ssl_context`. Both come from here, so the worker, the lag monitor, topic creation and the CLI
tools all connect the same way.
"""
from __future__ import annotations

import ssl
from pathlib import Path

import faust

from agents.settings import SASL_MECHANISMS, SECURITY_PROTOCOLS, Settings


class SecurityConfigError(ValueError):
    """The security settings cannot work together (said in one line, without secrets)."""


def sasl_password(settings: Settings) -> str:
    if settings.sasl_password:
        return settings.sasl_password
    if settings.sasl_password_file:
        try:
            # One trailing newline is how editors and `echo` leave a file; it is not part of the password.
            return Path(settings.sasl_password_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise SecurityConfigError(f"cannot read sasl_password_file: {exc.strerror}") from None
    return ""


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """A verifying client context for SSL and SASL_SSL (system CAs unless `ssl_cafile`), else None."""
    if settings.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    try:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=settings.ssl_cafile or None)
        if settings.ssl_certfile:
            context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile or None)
    except (OSError, ssl.SSLError) as exc:
        raise SecurityConfigError(f"TLS files: {exc}") from None
    return context


def _check(settings: Settings) -> None:
    if settings.security_protocol not in SECURITY_PROTOCOLS:
        raise SecurityConfigError(f"security_protocol {settings.security_protocol!r}: "
                                  f"expected one of {', '.join(SECURITY_PROTOCOLS)}")
    if settings.security_protocol.startswith("SASL_"):
        if settings.sasl_mechanism not in SASL_MECHANISMS:
            raise SecurityConfigError(f"sasl_mechanism {settings.sasl_mechanism!r}: "
                                      f"expected one of {', '.join(SASL_MECHANISMS)}")
        if not settings.sasl_username:
            raise SecurityConfigError(f"{settings.security_protocol} needs sasl_username")
    if settings.ssl_keyfile and not settings.ssl_certfile:
        raise SecurityConfigError("ssl_keyfile without ssl_certfile")


def aiokafka_options(settings: Settings) -> dict:
    """Keyword arguments for AIOKafkaProducer / AIOKafkaConsumer / AIOKafkaAdminClient."""
    _check(settings)
    protocol = settings.security_protocol
    options: dict = {"security_protocol": protocol}
    context = ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if protocol.startswith("SASL_"):
        options.update(sasl_mechanism=settings.sasl_mechanism, sasl_plain_username=settings.sasl_username,
                       sasl_plain_password=sasl_password(settings))
    return options


def faust_credentials(settings: Settings) -> faust.types.auth.CredentialsT | None:
    """What `faust.App(broker_credentials=...)` takes; None for PLAINTEXT."""
    _check(settings)
    protocol = settings.security_protocol
    if protocol == "PLAINTEXT":
        return None
    context = ssl_context(settings)
    if protocol == "SSL":
        return faust.SSLCredentials(context)
    # SASLCredentials picks SASL_SSL itself when it is given a context.
    return faust.SASLCredentials(username=settings.sasl_username, password=sasl_password(settings),
                                 mechanism=settings.sasl_mechanism, ssl_context=context)


def client_security(settings: Settings) -> tuple[faust.types.auth.CredentialsT | None, dict]:
    """(Faust credentials, aiokafka kwargs) for one `Settings`."""
    return faust_credentials(settings), aiokafka_options(settings)
