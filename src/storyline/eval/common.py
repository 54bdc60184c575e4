"""Helpers shared by the evaluation modules: dataset lookup, P/R/F1, report printing."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class DatasetNotFoundError(FileNotFoundError):
    """A gold dataset folder is missing."""


def shared_datasets() -> Path | None:
    """The ``shared/datasets`` folder: ``$STORYLINE_SHARED``/datasets, or ``../shared`` beside the repo."""
    env = os.environ.get("STORYLINE_SHARED")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    candidates += [p / "shared" for p in [Path.cwd().parent, *here.parents]]
    for base in candidates:
        if (base / "datasets").is_dir():
            return base / "datasets"
    return None


def dataset_path(name: str, data: str | Path | None = None) -> Path:
    """``data`` if given, else ``shared/datasets/<name>``; raise a clear error when absent."""
    if data is not None:
        path = Path(data)
    else:
        root = shared_datasets()
        if root is None:
            raise DatasetNotFoundError(f"{name}: no shared/datasets folder found; pass --data DIR")
        path = root / name
    if not path.exists():
        raise DatasetNotFoundError(f"{path}: dataset folder does not exist")
    return path


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 from counts."""

    tp_p: float  # matched system items (precision numerator)
    n_sys: float
    tp_r: float  # matched gold items (recall numerator)
    n_gold: float

    @property
    def precision(self) -> float:
        return self.tp_p / self.n_sys if self.n_sys else 0.0

    @property
    def recall(self) -> float:
        return self.tp_r / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)

    def to_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def f1(p: float, r: float) -> float:
    """Harmonic mean; 0 when both are 0."""
    return 2 * p * r / (p + r) if p + r else 0.0


def print_report(result: Mapping[str, Any], as_json: bool, title: str = "") -> None:
    """Print figures as one JSON object or as an indented text block."""
    if as_json:
        print(json.dumps(result, indent=2, sort_keys=True, default=str))
        return
    if title:
        print(title)
    _print_nested(result, 0)


def _print_nested(obj: Mapping[str, Any], depth: int) -> None:
    pad = "  " * depth
    for key, value in obj.items():
        if isinstance(value, Mapping):
            print(f"{pad}{key}:")
            _print_nested(value, depth + 1)
        elif isinstance(value, float):
            print(f"{pad}{key}: {value:.4f}")
        else:
            print(f"{pad}{key}: {value}")
