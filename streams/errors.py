"""Why a message cannot become an article. The `reason` codes are stable: dashboards and alerts key on them."""


class Rejected(Exception):
    """Input that no stage can make an article of; it belongs on the dead-letter topic."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# The stable reason codes, in the order a message meets them.
OVERSIZED = "oversized"
UNDECODABLE = "undecodable"
NOT_TEXT = "not_text"
MALFORMED_JSON = "malformed_json"
INVALID_ENVELOPE = "invalid_envelope"
EMPTY = "empty"
STAGE_ERROR = "stage_error"
REASONS = (OVERSIZED, UNDECODABLE, NOT_TEXT, MALFORMED_JSON, INVALID_ENVELOPE, EMPTY, STAGE_ERROR)
