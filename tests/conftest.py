"""Shared fixtures: a temporary store, the sample corpus, and the gold-data skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.eval.common import shared_datasets

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``shared`` skip cleanly when ../shared/datasets is absent."""
    if shared_datasets() is not None:
        return
    skip = pytest.mark.skip(reason="../shared/datasets is absent (gold data for evaluation)")
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES
