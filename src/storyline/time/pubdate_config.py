"""Weights and confidence settings of the publication-date estimator (``data/pubdate_weights.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Config:
    weights: dict[str, float]
    agreement: dict[str, float]
    confidence: dict[str, float]
    neighbours: dict[str, float]


@cache
def config() -> Config:
    """The settings, loaded once."""
    text = resources.files("storyline.data").joinpath("pubdate_weights.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return Config(data["weights"], data["agreement"], data["confidence"], data["neighbours"])
