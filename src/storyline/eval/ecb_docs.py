"""Reader of ECB+ documents as plain text, with their gold story (topic, ecb | ecbplus).

The document text is the tokens of each sentence joined by spaces, one sentence a line. ECB+
documents carry no publication date.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from storyline.eval.common import dataset_path

DATASET = "ecbplus"

_NAME = re.compile(r"^(\d+)_(\d+)(ecbplus|ecb)\.xml$")


@dataclass(frozen=True, slots=True)
class EcbDocument:
    """One ECB+ document; ``gold`` is ``"<topic>_<ecb|ecbplus>"``."""

    id: str
    topic: int
    text: str
    gold: str
    title: str | None = None
    published: str | None = None


def document_text(path: Path) -> str:
    """The tokens of an ECB+ XML file joined by spaces, one sentence per line."""
    sentences: dict[int, list[str]] = {}
    for token in ET.parse(path).getroot().iter("token"):
        sentences.setdefault(int(token.get("sentence", "0")), []).append(token.text or "")
    return "\n".join(" ".join(words) for _, words in sorted(sentences.items()))


def read_ecb_documents(data: str | Path | None = None, topics: set[int] | None = None) -> list[EcbDocument]:
    """ECB+ documents (all, or of ``topics``) sorted by topic and file name."""
    root = dataset_path(DATASET, data)
    folder = root / "ECB+" if (root / "ECB+").is_dir() else root
    docs = []
    for path in folder.glob("*/*.xml"):
        m = _NAME.match(path.name)
        if not m:
            continue
        topic = int(m.group(1))
        if topics is not None and topic not in topics:
            continue
        docs.append(
            EcbDocument(id=path.stem, topic=topic, text=document_text(path), gold=f"{topic}_{m.group(3)}")
        )
    docs.sort(key=lambda d: (d.topic, d.gold, d.id))
    return docs
