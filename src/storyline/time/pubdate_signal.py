"""The record every publication-date signal is kept in."""

from __future__ import annotations

from dataclasses import dataclass

from storyline.model import Evidence
from storyline.time.pubdate_calendar import parse_timex


@dataclass(slots=True)
class Signal:
    """One dated signal: a TIMEX3 value, the role that sets its weight, and where it was found."""

    kind: str
    role: str
    value: str
    text: str
    start: int | None = None
    end: int | None = None

    @property
    def parts(self) -> tuple[int | None, int | None, int | None]:
        return parse_timex(self.value)

    def evidence(self, note: str | None = None) -> Evidence:
        text = f"{self.text} ({note})" if note else self.text
        return Evidence(self.kind, text, self.value, self.start, self.end)
