"""The worker's Kafka clients must not make the broker auto-create topics (a real Tansu, real aiokafka)."""
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

_SEND = """
import asyncio, sys
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
if sys.argv[2] == "patched":
    from agents import no_auto_create
    no_auto_create.apply()
async def main(port, topic):
    p = AIOKafkaProducer(bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=3000)
    await p.start()
    try:
        await asyncio.wait_for(p.send_and_wait(topic, b"x"), 6)
        print("sent")
    except Exception:  # UnknownTopicOrPartitionError, or the wait timing out
        print("refused")
    finally:
        await p.stop()
    admin = AIOKafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}")
    await admin.start()
    print("exists" if topic in await admin.list_topics() else "absent")
    await admin.close()
asyncio.run(main(int(sys.argv[1]), sys.argv[3]))
"""


def _send(port: int, mode: str, topic: str) -> list[str]:
    """[sent | refused, exists | absent] for one message to `topic`, from a fresh process."""
    run = subprocess.run([sys.executable, "-c", _SEND, str(port), mode, topic], capture_output=True, text=True,
                         timeout=60, check=True)
    return run.stdout.split()[-2:]


def test_a_patched_client_cannot_create_a_topic_by_naming_it(broker_port):
    # Unpatched, naming a missing topic creates it (with the broker's partition count): the hazard.
    assert _send(broker_port, "plain", "noauto.plain") == ["sent", "exists"]
    # Patched, as in every worker: the send fails and the broker still has no such topic.
    assert _send(broker_port, "patched", "noauto.patched") == ["refused", "absent"]
