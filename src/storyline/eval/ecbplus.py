"""Reader of ECB+ (CAT/CROMER XML) entity mentions with their gold cross-document clusters.

The text of a document is rebuilt from its tokens (one line per sentence, a space between
tokens except before closing and after opening punctuation); every mention gets character
offsets into it. Gold cluster of a mention: the ``instance_id`` of its CROSS_DOC_COREF chain
(the relation's ``note``), else its document's INTRA_DOC_COREF chain, else itself alone.

As the corpus README advises, evaluations keep only the sentences listed in
``ECBplus_coreference_sentences.csv`` (:func:`selected_sentences`); six annotated documents
are absent from that list and so contribute nothing.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: Mention tags of participants and places (the entity side of ECB+).
ENTITY_TAG_PREFIXES = ("HUMAN_PART", "NON_HUMAN_PART", "LOC_")

_NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "]", "}", "%", "'s", "'", "n't", "’s", "''"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "#"}
_FILE = re.compile(r"^(\d+)_(\d+)(ecbplus|ecb)\.xml$")


@dataclass(slots=True)
class EcbMention:
    """One entity mention: its span in the rebuilt text and its gold cluster."""

    id: str
    tag: str  # HUMAN_PART_PER, LOC_GEO, NON_HUMAN_PART, ...
    start: int
    end: int
    text: str
    sentence: int
    gold: str  # instance id, or "<doc>:intra:<m_id>", or "<doc>:single:<m_id>"
    token_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class EcbEntityDocument:
    """One ECB+ document: rebuilt text, sentence spans and entity mentions."""

    name: str  # "1_10ecbplus"
    topic: int
    subtopic: str  # "ecb" | "ecbplus"
    text: str
    sentences: dict[int, tuple[int, int]]  # sentence number -> (start, end) in ``text``
    mentions: list[EcbMention]


def selected_sentences(root: Path) -> dict[str, set[int]]:
    """Document name (``1_10ecbplus``) -> sentence numbers validated for coreference."""
    out: dict[str, set[int]] = {}
    with (root / "ECBplus_coreference_sentences.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(f"{row['Topic']}_{row['File']}", set()).add(int(row["Sentence Number"]))
    return out


def read_ecbplus_document(path: str | Path) -> EcbEntityDocument:
    """Parse one ECB+ XML file into text, sentences and entity mentions with gold clusters."""
    path = Path(path)
    match = _FILE.match(path.name)
    if match is None:
        raise ValueError(f"{path}: not an ECB+ document name")
    name = path.stem
    root = ET.parse(path).getroot()
    text, spans, sentence_of = _rebuild_text(root)
    markables = root.find("Markables")
    raw: list[tuple[str, str, list[str]]] = []
    if markables is not None:
        for el in markables:
            ids = [a.get("t_id", "") for a in el.iter("token_anchor")]
            if ids and el.tag.startswith(ENTITY_TAG_PREFIXES):
                raw.append((el.get("m_id", ""), el.tag, ids))
    gold = _gold_clusters(root, name)
    mentions = []
    for m_id, tag, ids in raw:
        toks = [spans[t] for t in ids if t in spans]
        if not toks:
            continue
        start, end = min(s for s, _ in toks), max(e for _, e in toks)
        mentions.append(
            EcbMention(
                id=m_id,
                tag=tag,
                start=start,
                end=end,
                text=text[start:end],
                sentence=sentence_of[ids[0]],
                gold=gold.get(m_id, f"{name}:single:{m_id}"),
                token_ids=ids,
            )
        )
    mentions.sort(key=lambda m: (m.start, m.end))
    sentences: dict[int, tuple[int, int]] = {}
    for t_id, (s, e) in spans.items():
        n = sentence_of[t_id]
        lo, hi = sentences.get(n, (s, e))
        sentences[n] = (min(lo, s), max(hi, e))
    return EcbEntityDocument(
        name=name,
        topic=int(match.group(1)),
        subtopic=match.group(3),
        text=text,
        sentences=sentences,
        mentions=mentions,
    )


def iter_ecbplus(root: str | Path) -> Iterator[EcbEntityDocument]:
    """Every ECB+ document under ``root`` (the dataset folder or its ``ECB+`` folder), by topic and name."""
    root = Path(root)
    folder = root / "ECB+" if (root / "ECB+").is_dir() else root
    paths = [p for p in folder.glob("*/*.xml") if _FILE.match(p.name)]
    paths.sort(key=lambda p: (int(_FILE.match(p.name).group(1)), p.name))  # type: ignore[union-attr]
    for path in paths:
        yield read_ecbplus_document(path)


def _rebuild_text(root: ET.Element) -> tuple[str, dict[str, tuple[int, int]], dict[str, int]]:
    parts: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    sentence_of: dict[str, int] = {}
    length = 0
    prev_sentence: int | None = None
    prev = ""
    for tok in root.iter("token"):
        word = tok.text or ""
        sentence = int(tok.get("sentence", "0"))
        if prev_sentence is not None:
            if sentence != prev_sentence:
                sep = "\n"
            elif word in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER:
                sep = ""
            else:
                sep = " "
            parts.append(sep)
            length += len(sep)
        t_id = tok.get("t_id", "")
        spans[t_id] = (length, length + len(word))
        sentence_of[t_id] = sentence
        parts.append(word)
        length += len(word)
        prev_sentence, prev = sentence, word
    return "".join(parts), spans, sentence_of


def _gold_clusters(root: ET.Element, name: str) -> dict[str, str]:
    gold: dict[str, str] = {}
    relations = root.find("Relations")
    if relations is None:
        return gold
    for rel in relations:
        target = rel.find("target")
        if target is None:
            continue
        if rel.tag == "CROSS_DOC_COREF":
            cluster = rel.get("note") or f"{name}:cross:{target.get('m_id')}"
        elif rel.tag == "INTRA_DOC_COREF":
            cluster = f"{name}:intra:{target.get('m_id')}"
        else:
            continue
        for source in rel.findall("source"):
            gold.setdefault(source.get("m_id", ""), cluster)
    return gold
