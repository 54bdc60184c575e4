"""Reader for the NewsReader MEANTIME corpus (CAT XML): text, tokens, DCT, timexes, mentions.

CAT files hold tokens, not the original text. :func:`read_meantime_document` rebuilds a plain
text (one line per sentence; a space between tokens except before closing punctuation and after
opening brackets) and gives every token, timex and entity mention character offsets into it.

Only the title, the date line and the first four body sentences are annotated
(:data:`ANNOTATED_SENTENCES`); ``MeantimeDocument.annotated_end`` marks where that part ends.

Caveats handled (see ``shared/datasets/meantime-en/SOURCE.md``): two documents have no DCT;
it is taken from the SemEval-2015 TimeML copy of the same document when that folder is found,
else from the first full date in the document's first lines. Empty timexes (no tokens) are
kept with ``empty=True`` so that evaluations can leave them out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from storyline.eval.common import shared_datasets

_NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "]", "}", "%", "'s", "'", "n't", "'re", "'ve", "'ll", "'d", "'m",
                    "''", "...", "’s"}  # fmt: skip
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "#"}

#: MEANTIME annotates only the title (sentence 0), the date line (1) and the first four sentences
#: of the body (2-5): no timex, event or entity mention lies beyond sentence 5.
ANNOTATED_SENTENCES = 6


@dataclass(slots=True)
class MeantimeToken:
    id: str
    text: str
    sentence: int
    number: int
    start: int
    end: int


@dataclass(slots=True)
class MeantimeTimex:
    id: str
    type: str
    value: str
    start: int
    end: int
    text: str
    token_ids: list[str] = field(default_factory=list)
    mod: str | None = None
    is_dct: bool = False
    anchor_time_id: str | None = None

    @property
    def empty(self) -> bool:
        return not self.token_ids


@dataclass(slots=True)
class MeantimeMention:
    """An ENTITY_MENTION with the entity instance it refers to (cross-document files only)."""

    id: str
    start: int
    end: int
    text: str
    token_ids: list[str] = field(default_factory=list)
    syntactic_type: str | None = None
    head: str | None = None
    entity: str | None = None  # m_id of the ENTITY it REFERS_TO
    entity_type: str | None = None  # PER | ORG | LOC | PRO | FIN | MIX
    instance_id: str | None = None  # corpus-wide id (cross-document annotation)
    external_ref: str | None = None  # DBpedia URI


@dataclass(slots=True)
class MeantimeDocument:
    name: str
    doc_id: str
    url: str | None
    text: str
    tokens: list[MeantimeToken]
    dct: str | None
    timexes: list[MeantimeTimex] = field(default_factory=list)
    mentions: list[MeantimeMention] = field(default_factory=list)
    dct_source: str = "annotation"  # annotation | semeval2015 | text | none
    annotated_end: int = 0  # end offset of the annotated part: the title and the first sentences

    def in_annotated_part(self, start: int) -> bool:
        """True when offset ``start`` lies in the part of the text the annotators covered."""
        return start < self.annotated_end


def _detokenize(tokens: list[tuple[str, str, int, int]]) -> tuple[str, list[MeantimeToken]]:
    parts: list[str] = []
    out: list[MeantimeToken] = []
    length = 0
    prev_sentence: int | None = None
    prev_text = ""
    for t_id, text, sentence, number in tokens:
        if prev_sentence is not None:
            if sentence != prev_sentence:
                sep = "\n"
            elif text in _NO_SPACE_BEFORE or prev_text in _NO_SPACE_AFTER:
                sep = ""
            else:
                sep = " "
            parts.append(sep)
            length += len(sep)
        out.append(MeantimeToken(t_id, text, sentence, number, length, length + len(text)))
        parts.append(text)
        length += len(text)
        prev_sentence, prev_text = sentence, text
    return "".join(parts), out


def _extent(token_ids: list[str], index: dict[str, MeantimeToken], text: str) -> tuple[int, int, str]:
    toks = [index[t] for t in token_ids if t in index]
    if not toks:
        return 0, 0, ""
    start, end = min(t.start for t in toks), max(t.end for t in toks)
    return start, end, text[start:end]


def read_meantime_document(path: str | Path) -> MeantimeDocument:
    """Parse one MEANTIME CAT XML file."""
    path = Path(path)
    root = ET.parse(path).getroot()
    raw_tokens = [
        (tok.get("t_id", ""), tok.text or "", int(tok.get("sentence", "0")), int(tok.get("number", "0")))
        for tok in root.iter("token")
    ]
    text, tokens = _detokenize(raw_tokens)
    index = {t.id: t for t in tokens}
    markables = root.find("Markables")
    timexes: list[MeantimeTimex] = []
    mentions: list[MeantimeMention] = []
    entities: dict[str, dict[str, str]] = {}
    if markables is not None:
        for el in markables:
            ids = [a.get("t_id", "") for a in el.iter("token_anchor")]
            if el.tag == "TIMEX3":
                start, end, covered = _extent(ids, index, text)
                timexes.append(
                    MeantimeTimex(
                        id=el.get("m_id", ""),
                        type=el.get("type", ""),
                        value=el.get("value", ""),
                        start=start,
                        end=end,
                        text=covered,
                        token_ids=ids,
                        mod=el.get("mod") or None,
                        is_dct=el.get("functionInDocument") == "CREATION_TIME",
                        anchor_time_id=el.get("anchorTimeID") or None,
                    )
                )
            elif el.tag == "ENTITY_MENTION":
                start, end, covered = _extent(ids, index, text)
                mention = MeantimeMention(el.get("m_id", ""), start, end, covered, ids)
                mention.syntactic_type = el.get("syntactic_type") or None
                mention.head = el.get("head") or None
                mentions.append(mention)
            elif el.tag == "ENTITY":
                entities[el.get("m_id", "")] = dict(el.attrib)
    refers = {}
    relations = root.find("Relations")
    if relations is not None:
        for rel in relations.iter("REFERS_TO"):
            target = rel.find("target")
            for origin in rel.findall("source"):
                if target is not None:
                    refers[origin.get("m_id", "")] = target.get("m_id", "")
    for mention in mentions:
        target_id = refers.get(mention.id)
        entity = entities.get(target_id or "")
        if entity is not None:
            mention.entity = target_id
            mention.entity_type = entity.get("ent_type") or None
            mention.instance_id = entity.get("instance_id") or None
            mention.external_ref = entity.get("external_ref") or None
    dct_timex = next((t for t in timexes if t.is_dct), None)
    dct, source = (_iso_dct(dct_timex), "annotation") if dct_timex else _fallback_dct(path.stem, text)
    annotated = [t for t in tokens if t.sentence < ANNOTATED_SENTENCES]
    annotated_end = annotated[-1].end if annotated else 0
    timexes.sort(key=lambda t: (t.start, t.end))
    mentions.sort(key=lambda m: (m.start, m.end))
    return MeantimeDocument(
        name=path.stem,
        doc_id=root.get("doc_id", ""),
        url=root.get("url"),
        text=text,
        tokens=tokens,
        dct=dct,
        timexes=timexes,
        mentions=mentions,
        dct_source=source,
        annotated_end=annotated_end,
    )


@lru_cache(maxsize=1)
def _semeval_dcts() -> dict[str, str]:
    """Document name -> DCT from the SemEval-2015 TimeLine TimeML copies, when present."""
    root = shared_datasets()
    out: dict[str, str] = {}
    if root is None or not (root / "semeval2015-timeline").is_dir():
        return out
    pattern = re.compile(
        r'functionInDocument="CREATION_TIME"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*functionInDocument="CREATION_TIME"'
    )
    for tml in (root / "semeval2015-timeline").rglob("*.tml"):
        m = pattern.search(tml.read_text(encoding="utf-8", errors="replace")[:3000])
        if m:
            out.setdefault(tml.stem, m.group(1) or m.group(2))
    return out


def _iso_dct(timex: MeantimeTimex) -> str:
    """The DCT value in ISO form: one document writes ``03-02-2009`` for 3 February 2009, which
    its date line ("February 03, 2009") settles; without a date line, day-month-year is assumed."""
    value = timex.value
    m = re.fullmatch(r"(\d\d)-(\d\d)-(\d{4})", value)
    if not m:
        return value
    from storyline.time.timex import tag_timexes

    for found in tag_timexes(timex.text, None):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", found.value):
            return found.value
    return f"{m.group(3)}-{m.group(2)}-{m.group(1)}"


def _fallback_dct(name: str, text: str) -> tuple[str | None, str]:
    semeval = _semeval_dcts().get(name)
    if semeval:
        return semeval, "semeval2015"
    from storyline.time.timex import tag_timexes

    head = "\n".join(text.split("\n")[:3])
    for timex in tag_timexes(head, None):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", timex.value):
            return timex.value, "text"
    return None, "none"


def iter_meantime(folder: str | Path, level: str = "intra-doc_annotation") -> Iterator[MeantimeDocument]:
    """Every document of a MEANTIME folder (the ``level`` sub-folder when there is one), in name order."""
    folder = Path(folder)
    if (folder / level).is_dir():
        folder = folder / level
    for path in sorted(folder.rglob("*.xml")):
        yield read_meantime_document(path)
