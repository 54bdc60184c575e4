"""The error every reader raises for an input it cannot use."""

from __future__ import annotations


class IngestError(Exception):
    """An input (or one record of it) that cannot be ingested: names the input and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
