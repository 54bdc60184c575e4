"""Named mentions of one article and their clusters (within-article coreference of names).

Pure Python over ``doc.ents`` and the parse already computed: no extra model pass.

* Mentions come from spaCy NER, minus numeric and temporal labels and junk (no letters, one
  character, all lower case). A leading article, a possessive ending and a title inside the
  entity are cut off ("the United Nations" -> "United Nations", "Novak's" -> "Novak").
* A title written before a person's name ("Foreign Minister Anna Novak", "Sen. Kral") or in
  apposition ("Anna Novak, the foreign minister,") is recorded in ``LocalEntity.titles``.
* Mentions merge into the cluster of an earlier one when the names are equal, when a person's
  surname or given name repeats an earlier full name ("Novak" -> "Anna Novak", the most recent
  one when several share it), or when one is the acronym of the other ("UN" <-> "United Nations").
  A later fuller form ("Anna Novak" after a headline's "Novak") joins and renames the cluster.
* Capitalized tokens the NER missed that repeat a person's surname become mentions too.
* A cluster whose mentions disagree on the label takes the majority label (the longest
  mention breaks ties); its mentions are relabelled.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from storyline.extract import names
from storyline.model import LocalEntity, Mention

#: NER labels kept as named mentions.
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
#: Labels whose single-token mentions may be a person the NER mislabelled ("Trump" as ORG).
_PERSON_CONFUSABLE = frozenset({"PERSON", "ORG", "GPE", "NORP", "PRODUCT", "FAC", "LOC", "WORK_OF_ART"})
_NAME_LIKE = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
)
_LEADING_DROPS = frozenset({"the", "a", "an"})
_TRAILING_PUNCT = ".,;:!?)]}\"'“”‘’"
#: Parts of speech that never open a person's name ("Certainly Donald Trump").
_NOT_NAME_POS = frozenset({"ADV", "INTJ", "CCONJ", "SCONJ", "ADP", "VERB", "AUX", "PRON", "DET"})
#: Words that end a person's name run on by the NER in title case ("Obama To Asians Worried").
_NAME_BREAKERS = frozenset(
    {
        "to",
        "for",
        "in",
        "on",
        "at",
        "with",
        "and",
        "says",
        "say",
        "said",
        "tells",
        "told",
        "is",
        "are",
        "was",
        "will",
        "the",
        "after",
        "over",
        "by",
        "from",
        "slams",
        "blasts",
        "calls",
        "wins",
        "vs",
        "vs.",
    }
)


@dataclass(slots=True)
class _Cluster:
    index: int
    label_votes: Counter[str] = field(default_factory=Counter)
    words: list[str] = field(default_factory=list)  # fullest name so far
    mentions: list[int] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    last_start: int = 0
    key: str = ""  # comparison key of the name (names.squash)

    @property
    def name(self) -> str:
        return " ".join(self.words)


def find_entities(doc: Doc) -> tuple[list[Mention], list[LocalEntity]]:
    """Named mentions of ``doc`` and the within-article entities they cluster into."""
    raw = [m for m in (_trim(ent) for ent in doc.ents if ent.label_ in NAME_LABELS) if m is not None]
    mentions: list[Mention] = []
    clusters: list[_Cluster] = []
    for span, label, title in raw:
        mention = Mention(span.start_char, span.end_char, span.text, label, -1)
        cluster = _attach(mention, clusters, names.gender_of([], [title]) if title else None)
        if title:
            cluster.titles.append(title)
        cluster.titles.extend(_appositive_titles(span))
        mention.cluster = cluster.index
        cluster.mentions.append(len(mentions))
        cluster.last_start = mention.start
        mentions.append(mention)
    mentions = _add_missed_surnames(doc, mentions, clusters)
    return mentions, _finish(mentions, clusters)


def _trim(ent: Span) -> tuple[Span, str, str | None] | None:
    """The entity without leading article/title and trailing possessive; None for junk."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in _LEADING_DROPS:
        start += 1
    while end > start and (
        doc[end - 1].text in {"'s", "’s", "'", "’"} or doc[end - 1].text in _TRAILING_PUNCT
    ):
        end -= 1
    title_tokens: list[Token] = []
    if ent.label_ == "PERSON":
        while start < end and doc[start].pos_ in _NOT_NAME_POS:
            start += 1
        for i in range(start + 1, end):
            if doc[i].lower_ in _NAME_BREAKERS:
                end = i
                break
        while end - start > 1 and names.is_title_word(doc[start].text) and doc[start].text[:1].isalpha():
            title_tokens.append(doc[start])
            start += 1
    if start >= end:
        return None
    span = doc[start:end]
    text = names.strip_possessive(span.text)
    if len(text) < 2 or not any(c.isalpha() for c in text) or (text.lower() == text and ent.label_ != "NORP"):
        return None
    if all(names.is_role_word(t.text) or names.is_honorific(t.text) for t in span):
        return None
    if text != span.text:
        char_span = doc.char_span(span.start_char, span.start_char + len(text), alignment_mode="contract")
        if char_span is None or not len(char_span):
            return None
        span = char_span
    title = _title_before(span) if ent.label_ == "PERSON" else None
    if title_tokens:
        inner = doc[title_tokens[0].i : title_tokens[-1].i + 1].text
        title = f"{title} {inner}" if title else inner
    return span, ent.label_, title


def _title_before(span: Span) -> str | None:
    """The title written right before a person's name ("Foreign Minister", "Sen.")."""
    doc = span.doc
    i = span.start - 1
    first = span.start
    while i >= 0 and span.start - i <= 6:
        token = doc[i]
        if token.is_punct and token.text not in {"-"}:
            break
        if names.is_title_word(token.text) or (
            token.text[:1].isupper()
            and token.dep_ == "compound"
            and token.ent_type_ in {"", "ORG", "GPE", "NORP"}
        ):
            first = i
            i -= 1
            continue
        break
    while first < span.start and doc[first].lower_ in {"the", "of", "and", "for"}:
        first += 1
    words = doc[first : span.start]
    if not len(words) or not any(names.is_role_word(t.text) or names.is_honorific(t.text) for t in words):
        return None
    last = words[-1]
    if last.tag_ in {"NNS", "NNPS"} or not (span.start <= last.head.i < span.end or last.dep_ == "compound"):
        return None
    return words.text


def _appositive_titles(span: Span) -> list[str]:
    """Role phrases in apposition: "Novak, the foreign minister," / "the foreign minister, Novak"."""
    found = []
    head = span.root
    for child in head.children:
        if child.dep_ == "appos" and names.is_role_word(child.text) and child.i >= span.end:
            phrase = span.doc[child.left_edge.i : child.right_edge.i + 1]
            found.append(_strip_determiner(phrase))
    if head.dep_ == "appos" and head.head.i < span.start and names.is_role_word(head.head.text):
        governor = head.head
        modifiers = [t for t in governor.lefts if t.dep_ in {"amod", "compound", "nmod"}]
        start = modifiers[0].i if modifiers else governor.i
        found.append(span.doc[start : governor.i + 1].text)
    return [f for f in found if f and len(f) < 120]


def _strip_determiner(phrase: Span) -> str:
    """The phrase without a leading determiner or possessor ("the foreign minister" -> "foreign minister")."""
    start = phrase.start
    first = phrase.doc[start]
    if first.dep_ == "det":
        start += 1
    elif first.dep_ == "poss":
        start = first.right_edge.i + 1
    return phrase.doc[start : phrase.end].text.strip(" ,")


def _attach(mention: Mention, clusters: list[_Cluster], gender: names.Gender | None = None) -> _Cluster:
    """The cluster ``mention`` belongs to, created when no earlier one matches.

    ``gender``: what the mention's title says ("Mrs." -> female); a cluster known to be of the
    other gender is not a match ("Mrs. Clinton" does not join "Bill Clinton").
    """
    words = names.name_words(mention.text)
    key = names.squash(mention.text)
    candidates = [c for c in clusters if not _other_gender(c, gender)]
    match = _find_match(words, key, mention.label, candidates)
    if match is None:
        match = _Cluster(len(clusters), words=words, key=key)
        clusters.append(match)
    elif len(words) > len(match.words) and mention.label in _PERSON_CONFUSABLE:
        match.words = words
        match.key = key
    partial = match.key != key and match.label_votes.get("PERSON", 0) > 0
    match.label_votes["PERSON" if partial else mention.label] += 1
    return match


def _other_gender(cluster: _Cluster, gender: names.Gender | None) -> bool:
    known = names.firm_gender_of(cluster.words, cluster.titles) if gender else None
    return known is not None and known != gender


def _find_match(words: list[str], key: str, label: str, clusters: list[_Cluster]) -> _Cluster | None:
    by_recency = sorted(clusters, key=lambda c: c.last_start, reverse=True)
    for cluster in by_recency:
        if cluster.key == key and label in _NAME_LIKE:
            return cluster
    if names.is_acronym(" ".join(words)):
        bare = "".join(words).replace(".", "")
        for cluster in by_recency:
            if len(cluster.words) > 1 and names.acronym(cluster.name) == bare:
                return cluster
    if len(words) > 1 and label not in {"PERSON"}:
        initials = names.acronym(" ".join(words))
        for cluster in by_recency:
            if (
                len(cluster.words) == 1
                and cluster.name.replace(".", "") == initials
                and names.is_acronym(cluster.name)
            ):
                return cluster
    if label not in _PERSON_CONFUSABLE:
        return None
    lowered = [w.lower() for w in words]
    by_weight = sorted(clusters, key=lambda c: (-len(c.mentions), c.index))
    for cluster in by_weight:
        if cluster.label_votes.get("PERSON", 0) == 0 and label != "PERSON":
            continue
        if cluster.label_votes and "PERSON" not in cluster.label_votes and label == "PERSON":
            continue
        cluster_words = [w.lower() for w in cluster.words]
        if len(lowered) < len(cluster_words) and _is_part(lowered, cluster_words):
            return cluster
        fuller = len(cluster_words) < len(lowered) and label == "PERSON" and _is_part(cluster_words, lowered)
        if fuller and not any(
            _is_part(cluster_words, [w.lower() for w in c.words]) for c in clusters if c is not cluster
        ):
            return cluster
    return None


def _is_part(short: list[str], full: list[str]) -> bool:
    """``short`` is the surname(s) or the given name of ``full``."""
    if not short or len(short) >= len(full):
        return False
    return full[-len(short) :] == short or (len(short) == 1 and full[0] == short[0])


def _add_missed_surnames(doc: Doc, mentions: list[Mention], clusters: list[_Cluster]) -> list[Mention]:
    """Mentions for capitalized repeats of a person's surname that the NER did not tag."""
    surnames: dict[str, _Cluster] = {}
    shared: set[str] = set()  # surnames of two people: left alone
    for cluster in clusters:
        if cluster.label_votes.get("PERSON") and len(cluster.words) > 1:
            surname = names.strip_possessive(cluster.words[-1]).lower()
            if surname in surnames and surnames[surname] is not cluster:
                shared.add(surname)
            surnames[surname] = cluster
    for surname in shared:
        del surnames[surname]
    if not surnames:
        return mentions
    covered = {i for m in mentions for i in range(m.start, m.end)}
    added: list[Mention] = []
    for token in doc:
        match = surnames.get(token.lower_)
        if match is None or not token.text[:1].isupper() or token.idx in covered or token.pos_ != "PROPN":
            continue
        if token.idx < mentions[match.mentions[0]].start:
            continue
        added.append(Mention(token.idx, token.idx + len(token.text), token.text, "PERSON", match.index))
    if not added:
        return mentions
    merged = sorted(mentions + added, key=lambda m: m.start)
    for cluster in clusters:
        cluster.mentions = []
    for i, mention in enumerate(merged):
        clusters[mention.cluster].mentions.append(i)
    for mention in added:
        clusters[mention.cluster].label_votes["PERSON"] += 1
    return merged


def _finish(mentions: list[Mention], clusters: list[_Cluster]) -> list[LocalEntity]:
    """Entities with majority labels; mentions relabelled to their cluster's label."""
    entities = []
    for cluster in clusters:
        longest = max((mentions[i] for i in cluster.mentions), key=lambda m: len(m.text))
        votes = Counter(cluster.label_votes)
        votes[longest.label] += 0.5  # type: ignore[assignment]
        label = votes.most_common(1)[0][0]
        for i in cluster.mentions:
            mentions[i].label = label
        titles = list(dict.fromkeys(t for t in cluster.titles if t))
        entities.append(LocalEntity(cluster.index, cluster.name, label, list(cluster.mentions), titles))
    return entities
