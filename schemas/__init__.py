"""Wire contracts: what is on each Khabar topic, versioned.

`records.py` holds the Faust records, the single source of truth; `schemas/json/*.json` are generated from
them by `python -m schemas.generate` (a test fails if they drift). `wire.py` turns an `Article` into the
plain dicts that are serialized with orjson on the hot path; tests validate those against the schemas.
"""

SCHEMA_VERSION = 1
NORMALIZED_SCHEMA = f"khabar.normalized/v{SCHEMA_VERSION}"
ENRICHED_SCHEMA = f"khabar.enriched/v{SCHEMA_VERSION}"
DEADLETTER_SCHEMA = f"khabar.deadletter/v{SCHEMA_VERSION}"
