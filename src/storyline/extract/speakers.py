"""Resolve the phrase naming a quote's source to the entity it refers to within the article.

* A name in the phrase (its head, or a name in apposition or compound with the head) gives
  that name's cluster: "Foreign Minister Anna Novak", "Novak", "Kral, the spokesman".
* A pronoun ("he", "she") goes to the most recent person of agreeing gender (honorific, role
  word, given name) mentioned before it, preferring the subject of the nearest sentence that
  has one and the speaker of the previous quote; "they"/"it" go to a recent organisation or
  group. "who" goes to the noun its clause describes. "I"/"we" outside a quotation are the
  writer: unresolved.
* A definite role phrase ("the spokeswoman", "the French leader", "the minister's
  spokeswoman" -> the spokeswoman) goes to the most recent entity holding that role in its
  recorded titles; two recent holders make it ambiguous; an indefinite one ("a spokesman") is
  an unnamed person.
* An organisation or group ("the ministry", "officials", "Democrats") is a speaker in its own
  right: its name is the phrase, or the named organisation it repeats.

Whatever cannot be resolved gets ``name=None`` and a ``reason``; nothing is guessed silently.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from storyline.extract import names
from storyline.extract.quote_cues import lexicon
from storyline.extract.quote_index import TextIndex, char_span
from storyline.model import LocalEntity, Mention, Speaker

_PERSON_WINDOW_SENTENCES = 15
_PERSON_WINDOW_CHARS = 2500
_LAST_SPEAKER_BONUS = 0.5
_ROLE_WINDOW = 4000  # characters back where a second role holder makes a role phrase ambiguous
_GROUPISH_LABELS = frozenset({"ORG", "NORP", "GPE", "FAC"})


@dataclass(slots=True)
class SpeakerResolver:
    """Per-article state: mentions by position, entity genders, the last speaker."""

    doc: Doc
    mentions: list[Mention]
    entities: list[LocalEntity]
    starts: list[int] = field(default_factory=list)
    genders: dict[int, str | None] = field(default_factory=dict)
    by_cluster: dict[int, LocalEntity] = field(default_factory=dict)
    last_speaker: Speaker | None = None
    quoted: list[tuple[int, int]] = field(
        default_factory=list
    )  # quotation spans (their words rarely name the speaker)
    index: TextIndex | None = None

    def __post_init__(self) -> None:
        self.mentions = sorted(self.mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.by_cluster = {e.cluster: e for e in self.entities}
        for entity in self.entities:
            words = names.name_words(entity.name)
            self.genders[entity.cluster] = (
                names.gender_of(words, entity.titles) if entity.label == "PERSON" else None
            )

    # -- public ---------------------------------------------------------------------------
    def resolve(self, source: Span | None) -> Speaker:
        """The speaker named by ``source`` (None: no speaker cue)."""
        if source is None:
            return Speaker(None, None, None, None, confidence=0.0, reason="no speaker cue")
        speaker = self._resolve(source)
        if speaker.name is not None and speaker.cluster is not None:
            self.last_speaker = speaker
        return speaker

    def inherit(self, earlier: Speaker) -> Speaker:
        """The speaker of an uncued quote that continues an earlier quote."""
        return Speaker(
            None,
            None,
            None,
            earlier.name,
            earlier.cluster,
            confidence=round(earlier.confidence * 0.5, 2),
            reason="no speaker cue: speaker of the preceding quote" if earlier.name else earlier.reason,
        )

    def from_hint(self, hint: Span | None) -> Speaker:
        """The speaker of an uncued quote, from the subject of the preceding sentence."""
        if hint is None:
            return Speaker(None, None, None, None, confidence=0.0, reason="no speaker cue")
        found = self._resolve(hint)
        if found.name is None:
            return Speaker(None, None, None, None, confidence=0.0, reason="no speaker cue")
        return Speaker(
            None,
            None,
            None,
            found.name,
            found.cluster,
            confidence=round(found.confidence * 0.6, 2),
            reason="no speaker cue: named in the preceding sentence",
        )

    # -- cases ----------------------------------------------------------------------------
    def _resolve(self, source: Span) -> Speaker:
        root = source.root
        surface = source.text
        base: dict[str, Any] = {"surface": surface, "start": source.start_char, "end": source.end_char}
        mention = self._head_mention(source)
        if mention is not None:
            entity = self.by_cluster.get(mention.cluster)
            if (
                entity is not None
                and entity.label in _GROUPISH_LABELS
                and root.lemma_.lower() in lexicon().groups
            ):
                return Speaker(**base, name=_strip_det(source), confidence=0.7, reason="group")
            name = entity.name if entity else mention.text
            return Speaker(**base, name=name, cluster=mention.cluster, confidence=0.9, reason="named")
        lowered = root.lower_
        kind = lexicon().pronoun_kind(lowered) if root.pos_ == "PRON" or len(source) == 1 else None
        if kind == "relative":
            return self._relative(source, base)
        if kind in {"male", "female"}:
            return self._person_pronoun(source, kind, base)
        if kind in {"plural", "neuter"}:
            return self._group_pronoun(source, kind, base)
        if kind in {"first_person", "second_person"}:
            return Speaker(
                **base, name=None, confidence=0.3, reason="first or second person: the writer or reader"
            )
        groups = lexicon().groups
        if root.lower_ in groups or root.lemma_.lower() in groups:
            return Speaker(**base, name=_strip_det(source), confidence=0.6, reason="group")
        if names.is_role_word(root.text) and root.tag_ not in {"NNS", "NNPS"}:
            return self._role(source, base)
        if root.lemma_.lower() in lexicon().organisations:
            return self._organisation(source, base)
        if root.pos_ == "PROPN":
            return Speaker(
                **base, name=_strip_det(source), confidence=0.6, reason="name not recognized as an entity"
            )
        if (
            root.lower_ in lexicon().groups
            or root.lemma_.lower() in lexicon().groups
            or root.tag_ in {"NNS", "NNPS"}
        ):
            return Speaker(**base, name=_strip_det(source), confidence=0.6, reason="group")
        if root.pos_ in {"NOUN", "PROPN"}:
            return Speaker(
                **base, name=_strip_det(source), confidence=0.5, reason="source is not a named person"
            )
        return Speaker(**base, name=None, confidence=0.2, reason="unrecognized source phrase")

    def _head_mention(self, source: Span) -> Mention | None:
        """The named mention that is the head of the phrase or in apposition to it."""
        inside = self._mentions_in(source.start_char, source.end_char)
        if not inside:
            return None
        if source.root.pos_ in {"VERB", "AUX"}:
            return inside[-1]  # a misparsed phrase: an English noun phrase ends with its head
        heads = {t.i for t in head_tokens(source)}
        for mention in inside:
            span = char_span(self.doc, mention.start, mention.end)
            if span is not None and any(t.i in heads for t in span):
                return mention
        return None

    def _labels_at(self, word: Token) -> set[str]:
        """Entity labels of the mentions covering ``word``."""
        found = (
            self.by_cluster.get(m.cluster) for m in self._mentions_in(word.idx, word.idx + len(word.text) + 1)
        )
        return {entity.label for entity in found if entity is not None}

    def _mentions_in(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self.starts, start)
        found = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                found.append(self.mentions[i])
            i += 1
        return found

    def _relative(self, source: Span, base: dict[str, Any]) -> Speaker:
        token = source.root
        clause = token.head
        if clause.dep_ == "relcl" and clause.head.pos_ in {"NOUN", "PROPN", "PRON"}:
            head = clause.head
            phrase = self.doc[head.left_edge.i : head.i + 1]
            found = self._resolve(phrase)
            return Speaker(
                **base,
                name=found.name,
                cluster=found.cluster,
                confidence=round(found.confidence * 0.9, 2),
                reason=f"relative pronoun: {found.reason}",
            )
        return Speaker(**base, name=None, confidence=0.2, reason="relative pronoun with no antecedent")

    def _person_pronoun(self, source: Span, gender: str, base: dict[str, Any]) -> Speaker:
        candidates = self._recent_people(source.start_char, gender)
        if not candidates:
            return Speaker(**base, name=None, confidence=0.1, reason="pronoun with no antecedent")
        score, key = candidates[0]
        if isinstance(key, str):  # a subject the NER did not tag as a person
            return Speaker(
                **base, name=key, confidence=0.5, reason="pronoun: most recent subject (name not recognized)"
            )
        entity = self.by_cluster[key]
        agree = self.genders.get(key) == gender
        confidence = 0.8 if agree else 0.6
        if len(candidates) > 1 and candidates[1][0] == score and not agree:
            return Speaker(**base, name=None, confidence=0.2, reason="ambiguous: two candidates")
        return Speaker(
            **base,
            name=entity.name,
            cluster=entity.cluster,
            confidence=confidence,
            reason="pronoun: " + ("gender agrees" if agree else "most recent person"),
        )

    def _recent_people(self, before: int, gender: str) -> list[tuple[float, int | str]]:
        """Persons compatible with ``gender``, best first, as (score, cluster or bare name).

        Nearer sentences score higher; the subject of a sentence (more so of its main verb),
        a known agreeing gender and the previous quote's speaker get a bonus; a name inside a
        quotation or modifying another noun ("Obama consultant Cornell Belcher") a malus.
        Capitalized subjects the NER missed or mislabelled compete with a lower score, unless
        they stand inside a quotation or the NER took them for a place or a people.
        """
        doc = self.doc
        token = char_span(doc, before, before + 1)
        if token is None:
            return []
        index = self.index or TextIndex.build(doc)
        self.index = index
        sentences = [index.sentence(token[0].i)]
        while len(sentences) < _PERSON_WINDOW_SENTENCES and sentences[-1].start > 0:
            if before - sentences[-1].start_char > _PERSON_WINDOW_CHARS:
                break
            sentences.append(index.sentence(sentences[-1].start - 1))
        scored: dict[int | str, float] = {}
        for distance, sent in enumerate(sentences):
            covered: set[int] = set()
            for mention in self._mentions_in(sent.start_char, min(sent.end_char, before)):
                span = char_span(doc, mention.start, mention.end)
                if span is not None:
                    covered.update(range(span.start, span.end))
                entity = self.by_cluster.get(mention.cluster)
                if entity is None or entity.label != "PERSON" or span is None:
                    continue
                known = self.genders.get(entity.cluster)
                if gender != "any" and known is not None and known != gender:
                    continue
                score = 10.0 - distance + self._position_bonus(span.root, mention.start)
                score += 0.7 if known == gender else 0.0
                score += (mention.start - sent.start_char) / max(1, len(sent.text)) * 0.3
                scored[entity.cluster] = max(scored.get(entity.cluster, -99.0), score)
            for word in sent:
                if (
                    word.idx >= before
                    or word.dep_ != "nsubj"
                    or word.pos_ != "PROPN"
                    or not word.text[:1].isupper()
                ):
                    continue
                labels = self._labels_at(word) if word.i in covered else set()
                # a person the NER found already competes above; a place or a people is no person
                if labels & {"PERSON", "GPE", "LOC", "NORP"}:
                    continue
                if names.is_role_word(word.text) or word.lower_ in lexicon().groups:
                    continue
                if any(s <= word.idx < e for s, e in self.quoted):
                    continue  # a subject inside the quotation is not who speaks it
                name = (
                    doc[word.left_edge.i : word.i + 1].text if word.left_edge.pos_ == "PROPN" else word.text
                )
                score = 9.0 - distance + self._position_bonus(word, word.idx)
                scored[name] = max(scored.get(name, -99.0), score)
        last = self.last_speaker
        if (
            last is not None
            and last.cluster in scored
            and last.start is not None
            and before - last.start < 2000
        ):
            scored[last.cluster] += _LAST_SPEAKER_BONUS
        return sorted(((s, c) for c, s in scored.items()), key=lambda x: -x[0])

    def _position_bonus(self, root: Token, start: int) -> float:
        """Bonus for a subject (of the main verb above all), malus inside quotes or as a modifier."""
        bonus = 0.0
        if root.dep_ in {"nsubj", "nsubjpass"}:
            bonus += 1.5 + (1.0 if root.head.dep_ == "ROOT" else 0.0)
        if root.dep_ in {"compound", "poss", "amod", "nmod"}:
            bonus -= 2.5
        if any(s <= start < e for s, e in self.quoted):
            bonus -= 3.0
        return bonus

    def _group_pronoun(self, source: Span, kind: str, base: dict[str, Any]) -> Speaker:
        mentions = self._mentions_in(max(0, source.start_char - 600), source.start_char)
        allowed = {"ORG", "NORP"} if kind == "plural" else {"ORG"}
        for mention in reversed(mentions):
            entity = self.by_cluster.get(mention.cluster)
            if entity is not None and entity.label in allowed:
                return Speaker(
                    **base,
                    name=entity.name,
                    cluster=entity.cluster,
                    confidence=0.5,
                    reason="pronoun: most recent organisation or group",
                )
        return Speaker(**base, name=None, confidence=0.1, reason="pronoun with no antecedent")

    def _role(self, source: Span, base: dict[str, Any]) -> Speaker:
        root = source.root
        determiners = {c.lower_ for c in root.children if c.dep_ == "det"}
        if determiners & {"a", "an", "another", "one", "some"}:
            return Speaker(**base, name=None, confidence=0.3, reason="unnamed person: " + _strip_det(source))
        wanted = names.role_words(self.doc[root.left_edge.i : root.i + 1].text)
        head_role = names.expand(root.text)
        holders: list[tuple[int, int]] = []  # (last mention start, cluster)
        for entity in self.entities:
            if entity.label != "PERSON" or not entity.titles:
                continue
            roles = set().union(*(names.role_words(t) for t in entity.titles))
            if head_role in roles or (wanted & roles and head_role in {w.split()[-1] for w in roles}):
                last = max(
                    (
                        self.mentions[i].start
                        for i in range(len(self.mentions))
                        if self.mentions[i].cluster == entity.cluster
                        and self.mentions[i].start < source.start_char
                    ),
                    default=None,
                )
                if last is not None:
                    holders.append((last, entity.cluster))
        if not holders:
            return self._salient_for_role(source, head_role, base)
        holders.sort(reverse=True)
        if len(holders) > 1 and holders[0][0] - holders[1][0] < _ROLE_WINDOW:
            return Speaker(**base, name=None, confidence=0.2, reason="ambiguous: two candidates")
        entity = self.by_cluster[holders[0][1]]
        return Speaker(
            **base, name=entity.name, cluster=entity.cluster, confidence=0.7, reason="role matches title"
        )

    def _salient_for_role(self, source: Span, role: str, base: dict[str, Any]) -> Speaker:
        """ "the Democratic nominee" with no title holder: the most salient recent person, if the role is a lead role."""
        if role not in names.titles().salient_roles:
            return Speaker(**base, name=None, confidence=0.2, reason="role phrase with no named holder")
        gender = names.titles().role_gender.get(role)
        candidates = [
            c for c in self._recent_people(source.start_char, gender or "any") if not isinstance(c[1], str)
        ]
        if not candidates:
            return Speaker(**base, name=None, confidence=0.2, reason="role phrase with no named holder")
        entity = self.by_cluster[candidates[0][1]]  # type: ignore[index]
        return Speaker(
            **base,
            name=entity.name,
            cluster=entity.cluster,
            confidence=0.4,
            reason="role phrase: most salient recent person (no title matched)",
        )

    def _organisation(self, source: Span, base: dict[str, Any]) -> Speaker:
        noun = source.root.lemma_.lower()
        for mention in reversed(self._mentions_in(0, source.start_char)):
            entity = self.by_cluster.get(mention.cluster)
            if entity is not None and entity.label == "ORG" and noun in entity.name.lower():
                return Speaker(
                    **base,
                    name=entity.name,
                    cluster=entity.cluster,
                    confidence=0.6,
                    reason="organisation: repeats a named one",
                )
        return Speaker(**base, name=_strip_det(source), confidence=0.6, reason="organisation")


def head_tokens(phrase: Span) -> list[Token]:
    """The words that say who a phrase is: its head, an apposition to it (or the head it is in
    apposition to) and, under a proper-noun head, the other parts of that name ("Senator Marco
    Rubio"). A name that only modifies a common noun ("a senior Cruz adviser") is not among them."""
    root = phrase.root
    joined = {"appos", "compound", "flat"} if root.pos_ == "PROPN" else {"appos"}
    heads = [root] + [c for c in root.children if c.dep_ in joined]
    if root.dep_ == "appos":
        heads.append(root.head)
    return heads


def _strip_det(span: Span) -> str:
    """The phrase without a leading article: "the ministry" -> "ministry"."""
    tokens: list[Token] = list(span)
    while tokens and tokens[0].lower_ in {"the", "a", "an"}:
        tokens = tokens[1:]
    if not tokens:
        return span.text
    return span.doc[tokens[0].i : tokens[-1].i + 1].text
