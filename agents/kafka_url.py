"""Broker URLs as Faust writes them (`kafka://host:port;host2:port`) → bootstrap servers for aiokafka."""
from __future__ import annotations


def bootstrap_servers(url: str) -> list[str]:
    servers = []
    for part in url.replace(",", ";").split(";"):
        part = part.strip()
        if "://" in part:
            part = part.split("://", 1)[1]
        if part:
            servers.append(part if ":" in part else f"{part}:9092")
    if not servers:
        raise ValueError(f"no broker address in {url!r} (expected kafka://HOST:PORT)")
    return servers
