"""Reader for PolNeAR (brat standoff attribution relations over US political news).

One gold attribution per ``E`` event: its content fragments (``Content`` and ``Content2``
roles), cue fragments and source fragments, each a tuple of ``(start, end)`` character
offsets into the article text. Discontinuous spans (``s e;s e``) become several fragments.
Documents annotated by several annotators are read once, from the lexicographically first
``.ann`` file, so that no attribution is counted twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

Fragments = tuple[tuple[int, int], ...]

SPLITS = ("train", "dev", "test", "annotator-training")

_RECORD_START = re.compile(r"^(?:[TERAMN]\d+|#\d+|\*)\t")
_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t", re.DOTALL)
_ROLE = re.compile(r"^([A-Za-z-]+?)\d*:([TE]\d+)$")
#: Event roles read; ``Content2`` (a second content span) folds into ``Content`` via the regex.
_ROLE_KEYS = {"Content": "content", "Cue": "cue", "Source": "source"}


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One annotated attribution: who (source) says (cue) what (content)."""

    id: str
    content: Fragments
    cue: Fragments = ()
    source: Fragments = ()


@dataclass(slots=True)
class GoldDocument:
    """One article with its text and gold attributions."""

    name: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)
    annotator: str | None = None


def parse_offsets(field_text: str) -> Fragments:
    """``"10 20;25 30"`` -> ``((10, 20), (25, 30))``."""
    fragments = []
    for piece in field_text.split(";"):
        start, end = piece.split()
        fragments.append((int(start), int(end)))
    return tuple(fragments)


def split_records(ann_text: str) -> list[str]:
    """The ``.ann`` records; a line that starts no record continues the previous one."""
    records: list[str] = []
    for line in ann_text.split("\n"):
        if _RECORD_START.match(line) or not records:
            records.append(line)
        else:
            records[-1] += "\n" + line
    return [r for r in records if r.strip()]


def parse_ann(ann_text: str) -> list[GoldAttribution]:
    """Gold attributions from the text of one brat ``.ann`` file."""
    spans: dict[str, tuple[str, Fragments]] = {}
    events: list[tuple[str, list[tuple[str, str]]]] = []
    for record in split_records(ann_text):
        bound = _TEXT_BOUND.match(record)
        if bound:
            spans[bound.group(1)] = (bound.group(2), parse_offsets(bound.group(3)))
        elif record.startswith("E"):
            event_id, _, args = record.partition("\t")
            roles = []
            for arg in args.split():
                matched = _ROLE.match(arg)
                if matched:
                    roles.append((matched.group(1), matched.group(2)))
            events.append((event_id, roles))
    attributions = []
    for event_id, roles in events:
        parts: dict[str, list[tuple[int, int]]] = {"content": [], "cue": [], "source": []}
        for role_name, ref in roles:
            key = _ROLE_KEYS.get(role_name)
            if key and ref in spans:
                parts[key].extend(spans[ref][1])
        if not parts["content"]:
            continue
        attributions.append(
            GoldAttribution(
                id=event_id,
                content=tuple(sorted(parts["content"])),
                cue=tuple(sorted(parts["cue"])),
                source=tuple(sorted(parts["source"])),
            )
        )
    return attributions


def pick_annotation(ann_files: list[Path]) -> Path:
    """The version read when several annotators annotated one document: the first by name."""
    return sorted(ann_files, key=lambda p: p.name)[0]


def document_names(root: Path, split: str) -> list[str]:
    """Names (file stems) of the documents of one split, sorted."""
    return sorted(p.stem for p in (root / split / "text").glob("*.txt"))


def _versions(folder: Path, name: str) -> list[Path]:
    """The annotation files of document ``name``, one per annotator."""
    return [
        p
        for p in (folder / "attributions").glob(f"{name}_*.ann")
        if re.fullmatch(re.escape(name) + r"_[0-9a-f]+", p.stem)
    ]


def _split_folder(root: Path, split: str) -> Path:
    if split not in SPLITS:
        raise ValueError(f"unknown PolNeAR split {split!r}; expected one of {SPLITS}")
    return root / split


def read_split(root: Path, split: str) -> Iterator[GoldDocument]:
    """The documents of one split (``train``, ``dev``, ``test`` or ``annotator-training``)."""
    folder = _split_folder(root, split)
    for name in document_names(root, split):
        text = (folder / "text" / f"{name}.txt").read_text(encoding="utf-8")
        candidates = _versions(folder, name)
        if not candidates:
            yield GoldDocument(name, text)
            continue
        chosen = pick_annotation(candidates)
        annotator = chosen.stem.rsplit("_", 1)[1]
        attributions = parse_ann(chosen.read_text(encoding="utf-8"))
        yield GoldDocument(name, text, attributions, annotator)


def read_versions(root: Path, split: str) -> Iterator[list[GoldDocument]]:
    """Every annotator's version of each document of ``split`` that several annotators annotated."""
    folder = _split_folder(root, split)
    for name in document_names(root, split):
        files = sorted(_versions(folder, name), key=lambda p: p.name)
        if len(files) < 2:
            continue
        text = (folder / "text" / f"{name}.txt").read_text(encoding="utf-8")
        yield [
            GoldDocument(name, text, parse_ann(f.read_text(encoding="utf-8")), f.stem.rsplit("_", 1)[1])
            for f in files
        ]
