"""Cue lexicon (``data/quote_cues.toml``) and the parse helpers that cut cue and source spans."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.tokens import Span, Token

#: Dependency labels of a verb's subject.
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
#: Adverbs that stay inside a cue span when they touch the verb ("also said", "later told").
CUE_ADVERBS = frozenset(
    {
        "also",
        "later",
        "earlier",
        "recently",
        "previously",
        "repeatedly",
        "publicly",
        "privately",
        "again",
        "once",
        "now",
        "then",
        "still",
        "already",
        "often",
        "frequently",
        "first",
        "initially",
        "long",
        "never",
        "even",
        "just",
        "further",
        "openly",
        "explicitly",
        "directly",
        "flatly",
        "firmly",
        "strongly",
        "quickly",
        "immediately",
        "reportedly",
        "allegedly",
        "subsequently",
        "ultimately",
        "finally",
        "separately",
        "similarly",
        "likewise",
        "simply",
        "only",
        "always",
        "frankly",
        "bluntly",
    }
)


@dataclass(frozen=True, slots=True)
class CueLexicon:
    """Cue words by the kind of content they take."""

    speech: frozenset[str]
    cognition: frozenset[str]
    evidence: frozenset[str]
    object: frozenset[str]
    infinitive: frozenset[str]
    predicative: frozenset[str]
    light: frozenset[str]
    raising: frozenset[str]
    manner: frozenset[str]
    medium_nouns: frozenset[str]
    content_nouns: frozenset[str]
    adjectives: frozenset[str]
    according: tuple[str, ...]
    groups: frozenset[str]
    organisations: frozenset[str]
    pronouns: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def clause_verbs(self) -> frozenset[str]:
        """Verbs whose clause complement is content."""
        return self.speech | self.cognition | self.evidence

    def pronoun_kind(self, word: str) -> str | None:
        """``male``, ``female``, ``plural``, ``neuter``, ``first_person``, ... for a pronoun."""
        lowered = word.lower()
        for kind, words in self.pronouns.items():
            if lowered in words:
                return kind
        return None


@lru_cache(maxsize=1)
def lexicon() -> CueLexicon:
    """Load ``quote_cues.toml`` (once)."""
    raw = tomllib.loads(resources.files("storyline.data").joinpath("quote_cues.toml").read_text("utf-8"))
    verbs = raw["verbs"]
    return CueLexicon(
        speech=frozenset(verbs["speech"]),
        cognition=frozenset(verbs["cognition"]),
        evidence=frozenset(verbs["evidence"]),
        object=frozenset(verbs["object"]),
        infinitive=frozenset(verbs["infinitive"]),
        predicative=frozenset(verbs["predicative"]),
        light=frozenset(verbs["light"]),
        raising=frozenset(verbs["raising"]),
        manner=frozenset(verbs["manner_of_speech"]),
        medium_nouns=frozenset(raw["nouns"]["medium"]),
        content_nouns=frozenset(raw["nouns"]["content"]),
        adjectives=frozenset(raw["adjectives"]["attitude"]),
        according=tuple(raw["phrases"]["according"]),
        groups=frozenset(raw["speakers"]["groups"]),
        organisations=frozenset(raw["speakers"]["organisations"]),
        pronouns={kind: frozenset(words) for kind, words in raw["pronouns"].items()},
    )


_LEMMA_FIXES = {"hoping": "hope", "hoped": "hope", "hopes": "hope", "endorses": "endorse", "tweets": "tweet"}


def cue_lemma(token: Token) -> str:
    """The token's lemma, with the tagger's known slips on cue words mended ("hoping" -> "hope")."""
    return _LEMMA_FIXES.get(token.lower_, token.lemma_.lower())


def subject_of(verb: Token) -> Span | None:
    """The subject phrase of ``verb``, inherited through conjunctions and participles.

    "Novak arrived and said ..." and "Novak left, saying ..." both give "Novak"; a passive verb
    gives its ``by`` agent ("was praised by the minister" -> "the minister").
    """
    if verb.tag_ == "VBG" and verb.dep_ in {"advcl", "xcomp", "conj"} and cue_lemma(verb) in lexicon().speech:
        # "..., adding ...": the participle goes with the sentence's verb of saying, wherever
        # the parser hung it (often inside the reported clause).
        root = verb.head
        while root.i != root.head.i and not (
            root.pos_ == "VERB" and cue_lemma(root) in lexicon().speech and root.i < verb.i
        ):
            root = root.head
        if root.i != verb.i and cue_lemma(root) in lexicon().speech and root.i < verb.i:
            verb = root
    seen = 0
    current = verb
    while seen < 4:
        for child in current.children:
            if child.dep_ in {"nsubj", "csubj"}:
                return phrase_of(child)
        for child in current.children:
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return phrase_of(objects[0])
        if current.dep_ == "pcomp" and current.head.dep_ == "prep":  # "began by saying"
            current = current.head.head
            seen += 1
            continue
        if current.dep_ in {"conj", "advcl", "xcomp", "acl", "relcl"} and current.i != current.head.i:
            if current.dep_ in {"relcl", "acl"}:
                head = current.head
                if head.pos_ not in {"NOUN", "PROPN", "PRON"}:
                    return None
                return head.doc[head.left_edge.i : head.i + 1]
            current = current.head
            seen += 1
            continue
        break
    return _left_neighbour_phrase(verb) or _first_name_before(verb)


def _first_name_before(verb: Token) -> Span | None:
    """The first proper name of the verb's clause before it ("But Sen. Durbin, noting ..., said")."""
    doc = verb.doc
    root = verb
    while root.head.i != root.i and root.dep_ in {"conj", "ccomp", "advcl", "parataxis", "xcomp"}:
        root = root.head
    for token in doc[root.left_edge.i : verb.i]:
        if token.pos_ != "PROPN" or token.dep_ in {"pobj", "poss", "npadvmod"} or token.is_punct:
            continue
        if token.ent_type_ in {"DATE", "TIME", "GPE", "LOC", "NORP"}:
            continue
        head = token
        while head.dep_ in {"compound", "flat"} and head.head.pos_ == "PROPN" and head.head.i < verb.i:
            head = head.head
        if head.dep_ in {"pobj", "poss", "dobj"}:
            return None
        return (
            doc[head.left_edge.i : head.i + 1]
            if head.left_edge.i >= verb.left_edge.i
            else doc[token.i : head.i + 1]
        )
    return None


def _left_neighbour_phrase(verb: Token) -> Span | None:
    """The noun phrase right before a verb the parser left without a subject.

    "..., her adviser, Jake Sullivan, said:" (parsed as an apposition of an earlier object)
    gives "her adviser, Jake Sullivan".
    """
    doc = verb.doc
    i = verb.i - 1
    while i >= 0 and doc[i].dep_ in {"aux", "auxpass", "neg", "advmod"} and doc[i].head.i == verb.i:
        i -= 1
    if i >= 1 and doc[i].text == ",":
        i -= 1
    if i < 0 or doc[i].pos_ not in {"NOUN", "PROPN", "PRON"} or doc[i].dep_ in {"pobj", "dobj"}:
        return None
    node = doc[i]
    while node.dep_ in {"appos", "compound", "conj"} and node.head.i < node.i:
        if node.head.dep_ in {"pobj", "dobj"} or node.head.pos_ not in {"NOUN", "PROPN", "PRON"}:
            break
        node = node.head
    return doc[node.left_edge.i : i + 1]


def phrase_of(token: Token) -> Span:
    """The noun phrase of ``token``: its subtree, without outer punctuation."""
    doc = token.doc
    start, end = token.left_edge.i, token.right_edge.i + 1
    while start < end - 1 and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end]


def cue_extent(verb: Token, extra: list[Token] | None = None) -> tuple[int, int]:
    """Token range of the cue: the verb with touching auxiliaries, negation, adverbs, particle."""
    doc = verb.doc
    start = verb.i
    left_ok = {c.i for c in verb.children if c.dep_ in {"aux", "auxpass", "neg"}}
    left_ok |= {
        c.i for c in verb.children if c.dep_ == "advmod" and (c.lower_ in CUE_ADVERBS or c.pos_ == "ADV")
    }
    while start - 1 >= 0 and (start - 1) in left_ok:
        start -= 1
    end = verb.i + 1
    for child in verb.rights:
        if child.dep_ == "prt" and child.i == end:
            end += 1
    for token in extra or []:
        start = min(start, token.i)
        end = max(end, token.i + 1)
    while start < end - 1 and doc[start].is_punct:
        start += 1
    return start, end


def medium_phrase(verb: Token) -> list[Token]:
    """A "in a statement" / "in an interview" phrase right after the verb, to add to the cue."""
    lex = lexicon()
    for child in verb.rights:
        if child.dep_ == "prep" and child.lower_ in {"in", "on", "during", "via", "through"}:
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects and objects[0].lemma_.lower() in lex.medium_nouns and child.i <= verb.i + 2:
                return list(verb.doc[child.i : objects[0].i + 1])
        if child.i > verb.i + 2:
            break
    return []
