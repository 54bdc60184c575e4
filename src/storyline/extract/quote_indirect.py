"""Indirect (reported) speech and attributed thoughts, read off the dependency parse.

For each cue word of the lexicon, the content is the part of the parse the cue governs:

* a clause complement of a verb of saying, thinking or showing ("said (that) the islands ...",
  "The deal is dead, Novak said", "polls show Trump leading");
* a to-infinitive of a verb of intention ("vowed to fight", "urged the judge to act");
  with "seem"/"appear" or a passive "is expected to", the subject joins the content;
* the object of a stance verb ("endorsed Cruz", "criticized the deal", "called for a recount");
* the gerund after a verb of saying ("denied having ..."), a word standing for what was said
  ("said so"), the subject of a passive with a "by" agent ("was first reported by the Times"),
  the clause of an owner's content noun ("Kral's proposal to close the border").

The source is the cue verb's subject (inherited through "and"/participles, or a passive's
"by" agent); the cue span is the verb with its touching auxiliaries, negation and adverbs, a
phrasal particle or preposition, and a following "in a statement"-style phrase. Attributions
framed by a phrase ("according to X", "In a CNN poll,") come from :mod:`quote_framed`.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from storyline.extract.quote_cues import cue_extent, cue_lemma, lexicon, medium_phrase, phrase_of, subject_of
from storyline.extract.quote_framed import according_candidate, survey_candidate
from storyline.extract.quote_index import TextIndex, char_span
from storyline.extract.quote_spans import (
    has_that,
    has_to,
    is_question_clause,
    span_chars,
    subtree_chars,
    subtree_range,
)
from storyline.extract.quote_types import Candidate

#: Verbs whose object is the person spoken to ("told him the deal ...").
_ADDRESSEE_VERBS = frozenset(
    {"tell", "ask", "urge", "warn", "inform", "remind", "assure", "promise", "advise"}
)
_PHRASAL_PREPS = frozenset({"for", "on", "about", "against", "to", "at", "with", "over", "of", "in", "into"})
_PHRASAL_VERBS = {
    "call": {"for", "on"},
    "vote": {"for", "against"},
    "push": {"for"},
    "argue": {"for", "against"},
    "campaign": {"for", "against"},
    "talk": {"about"},
    "speak": {"about", "of", "against", "out"},
    "comment": {"on"},
    "rail": {"against"},
    "lash": {"out", "at"},
    "point": {"to"},
    "refer": {"to"},
    "weigh": {"in", "on"},
    "complain": {"about", "of"},
    "warn": {"of", "about", "against"},
    "worry": {"about"},
    "care": {"about"},
    "think": {"about", "of"},
    "focus": {"on"},
    "insist": {"on"},
    "testify": {"about", "on"},
    "write": {"about", "of"},
    "tweet": {"about", "at"},
    "boast": {"about", "of"},
    "brag": {"about"},
    "joke": {"about"},
    "hint": {"at"},
    "object": {"to"},
    "respond": {"to"},
    "react": {"to"},
    "reply": {"to"},
    "agree": {"with", "on", "to"},
    "disagree": {"with", "on"},
    "side": {"with", "against"},
    "believe": {"in"},
    "hope": {"for"},
    "ask": {"for", "about"},
    "apologize": {"for"},
    "blame": {"for", "on"},
    "criticize": {"for"},
    "praise": {"for"},
    "thank": {"for"},
    "accuse": {"of"},
    "emphasize": {"on"},
    "fret": {"about", "over"},
    "express": {"about"},
    "raise": {"about"},
    "endorse": {"for"},
}


_RELATIVE_WORDS = frozenset({"which", "that", "who", "whom", "what"})


def _clause_parts(verb: Token, clause: Token) -> list[tuple[int, int]] | None:
    """Character fragments of a clause complement, without a trailing participle of saying.

    "said he saw no need, telling reporters ..." stops at "need": the participle is a second
    attribution of the same speaker.
    """
    doc = verb.doc
    start, end = clause.left_edge.i, clause.right_edge.i + 1
    if start <= verb.i < end:
        return _relative_parts(verb, clause)
    if clause.i > verb.i and not any(
        c.dep_ in {"nsubj", "nsubjpass", "expl", "csubj"} for c in clause.children
    ):
        # "warned the islands would stay": the parser took the clause's subject for an object
        obj = next((c for c in verb.children if c.dep_ == "dobj" and c.right_edge.i + 1 == start), None)
        addressee = obj is not None and (obj.pos_ == "PRON" or obj.ent_type_ == "PERSON")
        if obj is not None and not (addressee and cue_lemma(verb) in _ADDRESSEE_VERBS):
            start = obj.left_edge.i
    for token in doc[clause.i + 1 : end]:
        if (
            token.tag_ == "VBG"
            and token.dep_ in {"advcl", "xcomp", "conj", "dep"}
            and cue_lemma(token) in lexicon().speech
            and doc[token.left_edge.i - 1].text == ","
        ):
            end = min(end, token.left_edge.i)
            break
    parts = span_chars(doc, start, end)
    return [parts] if parts else None


def _relative_parts(verb: Token, clause: Token) -> list[tuple[int, int]] | None:
    """ "a wall, which he said Mexico should pay for": the relative word and the clause after the
    cue, as two fragments (the cue sits inside the clause it reports)."""
    doc = verb.doc
    first = doc[clause.left_edge.i]
    if verb.dep_ != "relcl" or first.lower_ not in _RELATIVE_WORDS or first.i >= verb.i:
        return None
    after = next((t.i for t in doc[verb.i + 1 : clause.right_edge.i + 1] if not t.is_punct), None)
    parts = [span_chars(doc, first.i, first.i + 1)]
    if after is not None:
        parts.append(span_chars(doc, after, clause.right_edge.i + 1))
    found = [p for p in parts if p]
    return found if len(found) == 2 else None


def _parenthetical_parts(verb: Token) -> list[tuple[int, int]] | None:
    """ "The deal, Novak said, is dead": the head clause minus the cue clause, as fragments."""
    head = verb.head
    doc = verb.doc
    start, end = head.left_edge.i, head.right_edge.i + 1
    cut_start, cut_end = verb.left_edge.i, verb.right_edge.i + 1
    if not (start <= cut_start and cut_end <= end) or (head.i > verb.i and head.dep_ != "ROOT"):
        return None
    parts = [p for p in (span_chars(doc, start, cut_start), span_chars(doc, cut_end, end)) if p]
    return parts or None


def _takes_that_clause(verb: Token) -> bool:
    """Any verb with an explicit "that" clause after it and a subject ("he stressed that ...")."""
    if cue_lemma(verb) in {"be", "have", "do", "make", "get", "seem", "appear", "mean", "ensure", "require"}:
        return False
    has_subject = any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children)
    return has_subject and any(c.dep_ == "ccomp" and c.i > verb.i and has_that(c) for c in verb.children)


def _infinitive(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in {"xcomp", "ccomp"} and child.i > verb.i and has_to(child):
            return child
    return None


def _object(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "dobj" and child.i > verb.i and child.lower_ not in {"it", "this", "that", "so"}:
            return child
    return None


def _phrasal(verb: Token) -> tuple[Token, Token] | None:
    """The preposition and its object of a phrasal cue ("called for a recount")."""
    preps = _PHRASAL_VERBS.get(cue_lemma(verb))
    if not preps:
        return None
    for child in verb.rights:
        if child.dep_ in {"prep", "prt"} and child.lower_ in preps and child.i <= verb.i + 3:
            target = child if child.dep_ == "prep" else None
            if target is None:
                target = next(
                    (c for c in verb.rights if c.dep_ == "prep" and c.lower_ in _PHRASAL_PREPS), None
                )
            if target is not None:
                objects = [c for c in target.children if c.dep_ in {"pobj", "pcomp"}]
                if objects:
                    return target, objects[0]
    return None


def indirect_candidates(doc: Doc, index: TextIndex) -> list[Candidate]:
    """Candidates for reported speech, thoughts and stances in ``doc``."""
    lex = lexicon()
    found: list[Candidate] = []
    for token in doc:
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            candidate = according_candidate(token, index)
            if candidate:
                found.append(candidate)
            continue
        if token.lower_ == "in" and token.dep_ == "prep":
            candidate = survey_candidate(token, index)
            if candidate:
                found.append(candidate)
            continue
        if token.pos_ == "ADJ" and token.dep_ == "acomp" and token.lower_ in lex.adjectives:
            candidate = _adjective_candidate(token)
            if candidate:
                found.append(candidate)
            continue
        if token.pos_ == "NOUN" and token.lemma_.lower() in lex.content_nouns:
            candidate = _content_noun_candidate(token)
            if candidate:
                found.append(candidate)
            continue
        if token.pos_ not in {"VERB", "AUX"} or token.dep_ in {"aux", "auxpass", "amod"}:
            continue
        lemma = cue_lemma(token)
        candidate = None
        if lemma == "be":
            candidate = _copula_candidate(token)
            if candidate:
                found.append(candidate)
            continue
        if lemma in lex.clause_verbs:
            candidate = _proform_candidate(token)
        if candidate is None and (lemma in lex.clause_verbs or _takes_that_clause(token)):
            candidate = _clause_candidate(token)
        if candidate is None and lemma in lex.clause_verbs:
            candidate = _gerund_candidate(token)
        if candidate is None and lemma in lex.clause_verbs | lex.object:
            candidate = _passive_candidate(token)
        if candidate is None and lemma in lex.infinitive:
            candidate = _infinitive_candidate(token)
        if candidate is None and lemma in _PHRASAL_VERBS:
            candidate = _phrasal_candidate(token)
        if candidate is None:
            candidate = _noun_cue_candidate(token)
        if candidate is None and lemma in lex.object:
            candidate = _object_candidate(token)
        if candidate is not None:
            found.append(candidate)
    return [c for c in (_within_paragraph(cut_reported_relative(c), index) for c in found) if c is not None]


def cut_reported_relative(candidate: Candidate) -> Candidate:
    """The content stops before a closing relative clause that reports an attribution of its
    own ("urged the judge to be fair, which I said was ..."): that is another attribution."""
    verb = candidate.verb
    if verb is None or candidate.kind == "direct":
        return candidate
    doc = verb.doc
    span = char_span(doc, candidate.start, candidate.end)
    if span is None:
        return candidate
    for token in span:
        if token.dep_ != "relcl" or not candidate.start <= token.head.idx < candidate.end:
            continue
        left, right = token.left_edge.i, token.right_edge.i
        if left == 0 or doc[left - 1].text != "," or doc[right].idx + len(doc[right]) < candidate.end - 2:
            continue
        if not any(t.pos_ == "VERB" and cue_lemma(t) in lexicon().clause_verbs for t in token.subtree):
            continue
        cut = doc[left - 1].idx
        parts = [(s, min(e, cut)) for s, e in candidate.parts if s < cut]
        if parts:
            candidate.parts = parts
        break
    return candidate


def _within_paragraph(candidate: Candidate, index: TextIndex) -> Candidate | None:
    """The candidate with its content clipped to the cue's paragraph (parses run across them)."""
    if candidate.verb is None:
        return candidate
    para_start, para_end = (
        index.paras[index.paragraph_of(candidate.verb.idx)] if index.paras else (0, len(index.text))
    )
    parts = []
    for start, end in candidate.parts:
        start, end = max(start, para_start), min(end, para_end)
        while start < end and (index.text[start].isspace() or index.text[start] in ",;:—"):
            start += 1
        while end > start and (index.text[end - 1].isspace() or index.text[end - 1] in ",;:—"):
            end -= 1
        if end > start:
            parts.append((start, end))
    if not parts:
        return None
    candidate.parts = parts
    if candidate.source is not None and not para_start <= candidate.source.start_char < para_end:
        candidate.source = None
    return candidate


def _make(
    verb: Token, parts: list[tuple[int, int]], extra: list[Token], source: Span | None, confidence: float
) -> Candidate:
    return Candidate(parts, "indirect", cue_extent(verb, extra), verb, source, confidence)


def _clause_candidate(verb: Token) -> Candidate | None:
    medium = medium_phrase(verb)
    clauses = [c for c in verb.rights if c.dep_ == "ccomp" or (c.dep_ == "advcl" and is_question_clause(c))]
    if not clauses and cue_lemma(verb) in lexicon().speech | lexicon().evidence:
        clauses = [c for c in verb.lefts if c.dep_ == "ccomp"]  # "The deal is dead, Novak said"
    if medium:  # "said in a statement that ...": the parser hangs the clause on "statement"
        clauses += [c for c in medium[-1].children if c.dep_ in {"acl", "relcl", "ccomp"} and has_that(c)]
    for child in clauses:
        parts = _clause_parts(verb, child)
        if parts:
            return _make(verb, parts, medium, subject_of(verb), 0.7)
    if (
        verb.dep_ in {"parataxis", "ccomp"}
        and cue_lemma(verb) in lexicon().clause_verbs
        and not _reported_by_head(verb)
    ):
        words = [t for t in verb.subtree if not t.is_punct]
        if any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children) and len(words) <= 8:
            parts = _parenthetical_parts(verb)
            if parts:
                return _make(verb, parts, medium_phrase(verb), subject_of(verb), 0.6)
    return None


def _content_noun_candidate(noun: Token) -> Candidate | None:
    """ "Trump's proposal to ban Muslims", "her claim that the vote was rigged": the clause or
    to-infinitive of a content noun with an owner is content, the owner its source (without an
    owner, "the claim that ...", the noun is left to the other rules)."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None:
        return None
    clause = next(
        (
            c
            for c in noun.rights
            if (c.dep_ in {"acl", "ccomp"} and (has_that(c) or has_to(c))) and c.left_edge.i == noun.i + 1
        ),
        None,
    )
    parts = subtree_chars(clause) if clause is not None else None
    return Candidate([parts], "indirect", cue_extent(noun), noun, phrase_of(owner), 0.5) if parts else None


def _passive_candidate(verb: Token) -> Candidate | None:
    """ "The move was first reported by the Times": with a passive verb of saying or stance and
    its ``by`` agent, the subject is the content and the agent the source."""
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    objects = [c for c in agent.children if c.dep_ == "pobj"] if agent is not None else []
    if subject is None or not objects or subject.i > verb.i or subject.pos_ == "PRON":
        return None
    parts = subtree_chars(subject)
    return _make(verb, [parts], [agent], phrase_of(objects[0]), 0.6) if parts else None


_PROFORMS = frozenset({"so", "otherwise", "when", "why", "how", "where"})


def _proform_candidate(verb: Token) -> Candidate | None:
    """ "said so", "said as much", "would not say when": a word standing for what was said is the
    content (PolNeAR annotates it so)."""
    doc = verb.doc
    for child in verb.rights:
        between = doc[verb.i + 1 : child.left_edge.i]
        if child.dep_ != "advmod" or any(
            t.pos_ not in {"PART", "ADV"} or t.lower_ in _PROFORMS for t in between
        ):
            continue
        if child.lower_ in _PROFORMS and not list(child.children):
            word = (child.i, child.i + 1)
        elif child.lower_ == "much" and [c.lower_ for c in child.lefts] == ["as"]:
            word = (child.left_edge.i, child.i + 1)
        else:
            continue
        parts = span_chars(doc, *word)
        return _make(verb, [parts], [], subject_of(verb), 0.6) if parts else None
    return None


def _gerund_candidate(verb: Token) -> Candidate | None:
    """ "denied having any contact with the Russians", "reported holding investments": the
    gerund phrase right after a verb of saying or thinking is its content."""
    gerund = next(
        (
            c
            for c in verb.rights
            if c.dep_ in {"xcomp", "ccomp"} and c.tag_ == "VBG" and c.left_edge.i == verb.i + 1
        ),
        None,
    )
    parts = subtree_chars(gerund) if gerund is not None else None
    return _make(verb, [parts], [], subject_of(verb), 0.6) if parts else None


def _reported_by_head(verb: Token) -> bool:
    """The verb opens the clause its head reports ("officials said they welcome ..."), so it is
    not a parenthetical cue around the head clause."""
    head = verb.head
    return verb.dep_ == "ccomp" and head.i < verb.i and cue_lemma(head) in lexicon().clause_verbs


def _infinitive_candidate(verb: Token) -> Candidate | None:
    lex = lexicon()
    complement = _infinitive(verb)
    if complement is None:
        return None
    doc = verb.doc
    start, end = subtree_range(complement)
    to = next((c for c in complement.children if c.dep_ == "aux" and c.lower_ == "to"), None)
    if to is not None:
        start = min(start, to.i)
    addressee = next((c for c in verb.children if c.dep_ == "dobj" and verb.i < c.i < complement.i), None)
    if addressee is not None:  # "urged the judge to act": PolNeAR's content starts at the object
        start = min(start, addressee.left_edge.i)
    content = span_chars(doc, start, end)
    if content is None:
        return None
    lemma = cue_lemma(verb)
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    if lemma in lex.raising or (
        passive and lemma in {"expect", "believe", "think", "say", "report", "rumor"}
    ):
        subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        parts = [content]
        if subject is not None:
            subject_chars = subtree_chars(subject)
            if subject_chars:
                parts = [subject_chars, content]
        return _make(verb, parts, [], None, 0.5)
    return _make(verb, [content], [], subject_of(verb), 0.6)


def _phrasal_candidate(verb: Token) -> Candidate | None:
    found = _phrasal(verb)
    if found is None:
        return None
    prep, obj = found
    content = subtree_chars(obj)
    if content is None:
        return None
    extra = [t for t in verb.doc[verb.i + 1 : prep.i + 1]]
    return _make(verb, [content], extra, subject_of(verb), 0.5)


_OBJECT_FOLLOWERS = frozenset({"prep", "npadvmod", "oprd", "xcomp", "dative", "acomp", "advmod", "ccomp"})


def _object_candidate(verb: Token) -> Candidate | None:
    """The object of a stance verb with what follows it in the verb phrase ("him as a liar")."""
    obj = _object(verb)
    if obj is None:
        return None
    doc = verb.doc
    start, end = subtree_range(obj)
    for child in verb.rights:
        if child.i <= obj.i:
            continue
        if child.dep_ not in _OBJECT_FOLLOWERS or doc[child.left_edge.i - 1].text in {",", ";", "—", "("}:
            break
        end = max(end, child.right_edge.i + 1)
    if cue_lemma(verb) in lexicon().predicative:
        for child in verb.rights:
            if child.dep_ in {"oprd", "xcomp", "ccomp", "acomp"} and child.i > obj.i:
                end = max(end, child.right_edge.i + 1)
            if child.dep_ == "prep" and child.lower_ == "as" and child.i > obj.i:
                end = max(end, child.right_edge.i + 1)
    content = span_chars(doc, start, end)
    if content is None:
        return None
    return _make(verb, [content], [], subject_of(verb), 0.45)


def _clause_or_object(head: Token, preps: frozenset[str]) -> tuple[Token, Token | None] | None:
    """A that-clause (or question clause) of ``head``, else the object of one of ``preps``.

    Returns (content head, preposition or None).
    """
    for child in head.rights:
        if child.dep_ in {"ccomp", "acl", "advcl"} and (
            has_that(child) or is_question_clause(child) or child.dep_ == "ccomp"
        ):
            return child, None
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in preps:
            objects = [c for c in child.children if c.dep_ in {"pobj", "pcomp"}]
            if objects:
                return objects[0], child
    for child in head.rights:
        if child.dep_ == "xcomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            return child, None
    return None


_ATTITUDE_PREPS = frozenset(
    {"of", "about", "on", "with", "over", "that", "toward", "towards", "to", "for", "in"}
)
_NOUN_PREPS = frozenset({"of", "about", "on", "for", "against", "over", "to", "with", "toward", "towards"})


def _adjective_candidate(adjective: Token) -> Candidate | None:
    """ "is confident that ...", "were critical of the deal": the copula's subject is the source."""
    verb = adjective.head
    found = _clause_or_object(adjective, _ATTITUDE_PREPS)
    if found is None:
        return None
    content_head, prep = found
    doc = adjective.doc
    start, end = subtree_range(content_head)
    if content_head.dep_ == "xcomp":
        start = min([start] + [c.i for c in content_head.children if c.dep_ == "aux" and c.lower_ == "to"])
    content = span_chars(doc, start, end)
    if content is None:
        return None
    extra = [adjective] + ([prep] if prep is not None else [])
    return Candidate([content], "indirect", cue_extent(verb, extra), verb, subject_of(verb), 0.5)


def _copula_candidate(verb: Token) -> Candidate | None:
    """ "The message was: ...", "One view is that ...": a content noun as subject of "be"."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lemma_.lower() not in lexicon().content_nouns or subject.i > verb.i:
        return None
    complement = next((c for c in verb.rights if c.dep_ in {"ccomp", "attr", "acomp"}), None)
    if complement is None:
        return None
    content = subtree_chars(complement)
    if content is None:
        return None
    owner = next((c for c in subject.children if c.dep_ == "poss"), None)
    modifiers = [c for c in subject.lefts if c.dep_ in {"amod", "compound", "det", "nummod"}]
    first = min([subject.i] + [m.i for m in modifiers])
    cue = (first, verb.i + 1)
    source = phrase_of(owner) if owner is not None else None
    return Candidate([content], "indirect", cue, verb, source, 0.45)


def _noun_cue_candidate(verb: Token) -> Candidate | None:
    """ "made the case that ...", "expressed support for X": a content noun as the verb's object."""
    if cue_lemma(verb) not in lexicon().light:
        return None
    noun = next(
        (c for c in verb.rights if c.dep_ == "dobj" and c.lemma_.lower() in lexicon().content_nouns), None
    )
    if noun is None:
        return None
    found = _clause_or_object(noun, _NOUN_PREPS)
    if found is None:
        return None
    content_head, prep = found
    content = subtree_chars(content_head)
    if content is None:
        return None
    extra = [noun] + ([prep] if prep is not None else [])
    return Candidate([content], "indirect", cue_extent(verb, extra), verb, subject_of(verb), 0.5)
