"""Generate `schemas/json/<topic>.v<N>.json` from the Faust records: `python -m schemas.generate`."""
from __future__ import annotations

import json
import sys
import types
import typing
from pathlib import Path

import faust

from schemas import SCHEMA_VERSION
from schemas.records import TOPIC_RECORDS

JSON_DIR = Path(__file__).parent / "json"
_PRIMITIVES = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"},
               bool: {"type": "boolean"}}


def type_schema(tp: object) -> dict:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in _PRIMITIVES:
        return dict(_PRIMITIVES[tp])
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return {"anyOf": [type_schema(inner[0]), {"type": "null"}]}
    if origin in (list, list):
        return {"type": "array", "items": type_schema(args[0])}
    if origin in (dict, dict):
        return {"type": "object", "additionalProperties": type_schema(args[1])}
    if isinstance(tp, type) and issubclass(tp, faust.Record):
        return record_schema(tp)
    raise TypeError(f"no JSON Schema mapping for {tp!r}")


def record_schema(record: type[faust.Record]) -> dict:
    hints = typing.get_type_hints(record)
    fields = list(record._options.fields)
    return {
        "type": "object",
        "title": record.__name__,
        "properties": {name: type_schema(hints[name]) for name in fields},
        "required": fields,
        # New fields may be added without a version bump, so consumers must tolerate unknown keys.
        "additionalProperties": True,
    }


def topic_schema(topic: str) -> dict:
    schema = record_schema(TOPIC_RECORDS[topic])
    doc = (TOPIC_RECORDS[topic].__doc__ or "").strip()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"khabar.{topic}/v{SCHEMA_VERSION}", "description": doc, **schema}


def schema_path(topic: str) -> Path:
    return JSON_DIR / f"{topic}.v{SCHEMA_VERSION}.json"


def render(topic: str) -> str:
    return json.dumps(topic_schema(topic), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    JSON_DIR.mkdir(exist_ok=True)
    for topic in TOPIC_RECORDS:
        schema_path(topic).write_text(render(topic), encoding="utf-8")
        print(f"wrote {schema_path(topic)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
