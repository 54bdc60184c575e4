"""From a matched rule to TIMEX3 type, value and mod, relative to the article's date.

Each rule of :mod:`timex_patterns` has a normalizer ``n_<rule>`` in :mod:`timex_dates`,
:mod:`timex_relative` or :mod:`timex_spans`; this module collects them by rule name.
Relative values are computed from the DCT (or, for anaphoric expressions like "a year earlier"
and "the next day", from the last date mentioned before them); unknown parts stay ``X``.
"""

from __future__ import annotations

from storyline.time import timex_dates, timex_relative, timex_spans
from storyline.time.timex_values import Context, Normalizer, Piece

__all__ = ["NORMALIZERS", "Context", "Normalizer", "Piece"]

NORMALIZERS: dict[str, Normalizer] = {
    name.removeprefix("n_"): fn
    for module in (timex_dates, timex_relative, timex_spans)
    for name, fn in vars(module).items()
    if name.startswith("n_") and callable(fn)
}
