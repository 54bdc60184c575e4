"""Direct quotations: pair each quoted span with its cue, its source and its continuations.

A quotation finds its cue, in this order:

1. after it, in the attribution slot of the same sentence ("...," Novak said / said Novak /
   she added, "..." / according to X);
2. before it, when the words before end with ``:`` or ``,`` or touch a cue verb
   (Novak said: "..." / Novak told the assembly:¶"..." / she said "..."); a ``that`` between the
   cue and the quotation makes it a mixed quote whose content starts at ``that``;
3. through the parse: a cue verb outside the quotation governs a word inside it, or the reverse.

A quotation without a cue continues the previous one when it follows that one's cue clause in
the same paragraph ("It is," he said, "a first step."): it becomes a further fragment. Other
quotations of at least four words without a cue are kept as uncued quotes: the speaker of the
previous quote (when it opens the next paragraph) or the person named as subject of the
preceding sentence becomes a hint for speaker resolution. Shorter ones (titles, scare quotes)
are left to the indirect pass, where they make mixed quotes.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from storyline.extract.quote_cues import cue_extent, cue_lemma, lexicon, medium_phrase, phrase_of, subject_of
from storyline.extract.quote_index import TextIndex, char_span
from storyline.extract.quote_marks import QuotedSpan
from storyline.extract.quote_types import Candidate

_SLOT_WINDOW = 30
#: Dependencies of verbs that describe a noun rather than head the clause.
_MODIFIER_DEPS = frozenset({"relcl", "acl", "amod", "advcl", "pcomp", "compound", "appos"})
_BEFORE_WINDOW = 30
_MIN_UNCUED_WORDS = 4
_CONTENT_DEPS = frozenset({"ccomp", "dobj", "xcomp", "parataxis"})


def word_count(doc: Doc, start: int, end: int) -> int:
    span = char_span(doc, start, end)
    return sum(1 for t in span if t.is_alpha) if span is not None else 0


def _is_cue_verb(token: Token, loose: bool) -> bool:
    lex = lexicon()
    lemma = cue_lemma(token)
    if lemma == "put" and any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children):
        return True  # "as Ridge put it: ..."
    return lemma in lex.speech or lemma in lex.manner or (loose and lemma in lex.cognition)


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children) or verb.dep_ in {"conj", "advcl"}


def cue_after(index: TextIndex, quote: QuotedSpan, next_start: int) -> tuple[Token, list[Token]] | None:
    """A cue in the attribution slot after the quotation: ``"...," Novak said`` / ``said Novak``."""
    doc = index.doc
    i = index.token_at_or_after(quote.end)
    limit = min(next_start, index.paragraph_end(quote.start))
    inner_end = index.text[quote.start : quote.end].rstrip("\"”’' ")
    slot = inner_end[-1:] in {",", "?", "!", "—", "-", "…"}
    window: list[Token] = []
    while i < len(doc) and len(window) < _SLOT_WINDOW and doc[i].idx < limit:
        window.append(doc[i])
        if doc[i].text in {".", "!", "?", ";"}:
            break
        i += 1
    if not window:
        return None
    if window[0].text in {",", "—", "–", "-"}:
        slot = True
        window = window[1:]
    if not slot:
        return _closing_cue(window)
    if len(window) >= 2 and window[0].lower_ == "according" and window[1].lower_ == "to":
        return window[0], [window[1]]
    for position, token in enumerate(window):
        if token.pos_ not in {"VERB", "AUX"} or token.dep_ in {"aux", "auxpass"} or _in_name(token):
            continue
        if _is_cue_verb(token, loose=False) and _only_name_before(window[:position]):
            return token, medium_phrase(token)  # '"...," Tulsa police Chief Anna Novak said': any parse
        subject = _subject_after(token, quote.end)
        if subject and (_is_cue_verb(token, loose=slot) or position <= 3):
            return token, medium_phrase(token)
        if position == 0 and token.tag_ in {"VBD", "VBZ", "VBP"} and _noun_after(token) is not None:
            return token, medium_phrase(
                token
            )  # '"...," exhorted the actress': inverted, subject parsed as object
        if token.dep_ in _MODIFIER_DEPS:
            continue  # a verb inside the speaker's description ("a Democrat who flew to Germany")
        return None
    return None


def _subject_after(verb: Token, start: int) -> bool:
    """The verb has a noun or pronoun subject of its own, written after ``start``."""
    if verb.dep_ in {"conj", "xcomp", "advcl", "pcomp"} or any(
        c.dep_ == "aux" and c.lower_ == "to" for c in verb.children
    ):
        return False
    return any(c.dep_ in {"nsubj", "nsubjpass"} and c.idx >= start for c in verb.children)


_DASHES = frozenset({"―", "—", "–", "-", "--"})


def _glued_dash(token: Token, quote_end: int) -> bool:
    """The tokenizer keeps '”―' as one token: the closing mark of the quotation and a dash."""
    return token.idx == quote_end - 1 and token.text[1:] in _DASHES


def dash_source(index: TextIndex, quote: QuotedSpan, next_start: int) -> tuple[Token, Span] | None:
    """'"..." ― Karen Lind' (same line, or a line of its own): the dash cues the name after it."""
    doc = index.doc
    i = index.token_at_or_after(quote.end)
    if i and _glued_dash(doc[i - 1], quote.end):
        i -= 1
    else:
        while i < len(doc) and doc[i].is_space:
            i += 1
        if i >= len(doc) or doc[i].text not in _DASHES or doc[i].idx >= next_start:
            return None
    line_end = index.paragraph_end(doc[i].idx)
    j = i + 1
    tokens: list[Token] = []
    while j < len(doc) and doc[j].idx < line_end and len(tokens) <= 10:
        if not doc[j].is_space:  # a no-break space after the dash is a token of its own
            tokens.append(doc[j])
        j += 1
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    if not tokens or len(tokens) > 10 or any(t.pos_ == "VERB" for t in tokens):
        return None
    if not (tokens[0].pos_ == "PROPN" or tokens[0].ent_type_ in {"PERSON", "ORG"}):
        return None
    name_end = next((k for k, t in enumerate(tokens) if t.text == ","), len(tokens))
    return doc[i], doc[tokens[0].i : tokens[max(0, name_end - 1)].i + 1] if name_end else doc[
        tokens[0].i : tokens[-1].i + 1
    ]


def _closing_cue(window: list[Token]) -> tuple[Token, list[Token]] | None:
    """``"..." Novak said.``: a short subject and a speech verb that end the sentence."""
    for position, token in enumerate(window[:4]):
        if token.pos_ == "VERB" and _is_cue_verb(token, loose=False) and _has_subject(token):
            rest = [t for t in window[position + 1 :] if not t.is_punct]
            if len(rest) <= 3 and window[-1].text in {".", "!", "?"}:
                return token, medium_phrase(token)
            return None
    return None


def cue_before(index: TextIndex, quote: QuotedSpan, prev_end: int) -> tuple[Token, list[Token], bool] | None:
    """A cue in the words before the quotation; the flag tells a ``that`` stands between them."""
    doc = index.doc
    end = index.token_before(quote.start)
    if end < 0:
        return None
    para_start = index.paragraph_start(quote.start)
    if doc[end].idx < para_start:
        # The quotation opens its paragraph: the previous paragraph may end with "Novak said:"
        # or with a sentence whose speech verb has no content of its own ("Howard continued.").
        if doc[end].idx < prev_end:
            return None
        if doc[end].text != ":":
            return _bare_speech_sentence(index, end)
        floor = max(prev_end, index.paragraph_start(doc[end].idx))
    else:
        floor = max(prev_end, para_start)
    last = doc[end]
    that = last.lower_ == "that"
    if not (last.text in {":", ",", "—"} or that or _is_cue_verb(last, loose=True)):
        return None
    tokens: list[Token] = []
    i = end
    while i >= 0 and doc[i].idx >= floor and len(tokens) < _BEFORE_WINDOW:
        if doc[i].text in {".", "!", "?"} and i != end:
            break
        tokens.append(doc[i])
        i -= 1
    for position, token in enumerate(tokens):
        if token.pos_ in {"VERB", "AUX"} and token.dep_ not in {"aux", "auxpass"}:
            if token.lower_ == "according" and token is tokens[-1]:
                break  # "According to the newspaper, “...”": the phrase is the cue (below)
            if token.dep_ in {"amod", "acl", "relcl", "compound"}:
                continue  # "in a written statement", "the man who spoke"
            if (
                last.text == ":"
                and position > 2
                and token.dep_ in {"advcl", "xcomp", "pcomp", "ccomp"}
                and not _is_cue_verb(token, loose=False)  # "..., telling the paper:" cues
            ):
                continue  # "Amar said that if viewed ..., a bargain might be possible:" -> said
            # the clause's own verb, or one the parser hung on the quotation after the colon
            main = token.dep_ in {"ROOT", "conj"} or token.head.i == token.i or token.head.i > end
            if _is_cue_verb(token, loose=True) or (last.text == ":" and main and _has_subject(token)):
                return token, medium_phrase(token), that
            if last.text == "," and position <= 3 and _has_subject(token) and token.dep_ == "ROOT":
                return token, medium_phrase(token), that  # "Clinton shot back, “...”"
            if token.dep_ in _MODIFIER_DEPS:
                continue
            if last.text != ":":
                return None
    if tokens and tokens[-1].lower_ == "according" and len(tokens) >= 2:
        return tokens[-1], [tokens[-2]], False
    return None


def _bare_speech_sentence(index: TextIndex, last: int) -> tuple[Token, list[Token], bool] | None:
    """A paragraph-final sentence "Novak continued her remarks." whose verb of saying has no content."""
    doc = index.doc
    if doc[last].text not in {".", "!"}:
        return None
    sentence = index.sentence(last)
    root = sentence.root
    if root.pos_ != "VERB" or not _is_cue_verb(root, loose=False) or not _has_subject(root):
        return None
    if any(c.dep_ in {"ccomp", "xcomp", "advcl"} for c in root.children) or "\n" in sentence.text.strip():
        return None
    if sentence.start_char < index.paragraph_start(doc[last].idx):
        return None
    return root, medium_phrase(root), False


def cue_by_parse(index: TextIndex, quote: QuotedSpan) -> Token | None:
    """A cue verb outside the quotation linked by the parse to a word inside it."""
    doc = index.doc
    span = char_span(doc, quote.start, quote.end)
    if span is None:
        return None
    inside = set(range(span.start, span.end))
    lex = lexicon()
    first_para, last_para = (
        index.paragraph_of(quote.start),
        index.paragraph_of(max(quote.start, quote.end - 1)),
    )
    for token in span:
        head = token.head
        if not first_para <= index.paragraph_of(head.idx) <= last_para:
            continue  # the parse ran across a paragraph break
        if head.i not in inside and token.dep_ in _CONTENT_DEPS and cue_lemma(head) in lex.clause_verbs:
            if any(t.i not in inside and not t.is_punct for t in token.subtree):
                return None  # the quotation is part of a larger content: a mixed quote (indirect pass)
            return head
        for child in token.children:
            if not first_para <= index.paragraph_of(child.idx) <= last_para:
                continue
            if (
                child.i not in inside
                and child.dep_ in {"parataxis", "ccomp"}
                and _is_cue_verb(child, loose=False)
                and _has_subject(child)
            ):
                return child
    return None


def direct_candidates(doc: Doc, quotes: list[QuotedSpan], index: TextIndex) -> list[Candidate]:
    """Candidates for the direct quotations of ``doc`` (see the module docstring)."""
    found: list[Candidate] = []
    last: Candidate | None = None
    last_slot_end = -1  # end of the cue clause after the last cued quotation
    prev_end = 0
    for n, quote in enumerate(quotes):
        next_start = quotes[n + 1].start if n + 1 < len(quotes) else len(index.text)
        words = word_count(doc, quote.start, quote.end)
        note = None if quote.balanced else "unbalanced quotation marks"
        confidence = 0.9 if quote.balanced else 0.6
        candidate: Candidate | None = None
        slot_end = -1
        dash = dash_source(index, quote, next_start)
        if dash is not None:
            mark, name = dash
            candidate = Candidate(
                [(quote.start, quote.end)], "direct", (mark.i, mark.i + 1), mark, name, confidence, note
            )
        governed = _governed_before(index, quote)
        after = None if candidate is not None or governed else cue_after(index, quote, next_start)
        if after is not None and not _in_slot(index.text, quote, after[0]):
            before = _cue_before_candidate(index, quote, prev_end, confidence, note)
            if before is not None:
                after = None
                candidate = before
        if after is not None:
            verb, extra = after
            candidate = _cued(doc, quote, verb, extra, confidence, note)
            slot_end = _slot_end(index, verb, next_start)
        elif candidate is None:
            candidate = _cue_before_candidate(index, quote, prev_end, confidence, note)
            if candidate is None and words >= _MIN_UNCUED_WORDS:
                parse_verb = cue_by_parse(index, quote)
                if parse_verb is not None:
                    candidate = _cued(
                        doc, quote, parse_verb, medium_phrase(parse_verb), confidence - 0.1, note
                    )
        same_cue = candidate is not None and last is not None and _same_verb(candidate, last)
        if (same_cue or candidate is None) and last is not None and _in_later_clause(index, quote, last):
            # '"...," she said, adding that he is "the best."': the second quotation belongs to a
            # clause after the cue; the indirect pass makes it a mixed quote of its own
            same_cue, candidate = False, None
            last = None
        joins = candidate is None and last is not None and words >= 1
        if last is not None and (
            same_cue
            or (
                joins
                and (_continues(index, last, quote, last_slot_end) or _next_paragraph(index, last, quote))
            )
        ):
            linked = last.cue is not None and _short_link(index, last.end, quote.start)
            last.parts.append((last.parts.pop()[0], quote.end) if linked else (quote.start, quote.end))
            if note and not last.note:
                last.note = note
            prev_end = quote.end
            continue
        if candidate is None and words >= _MIN_UNCUED_WORDS and not _is_title(index.text, quote):
            candidate = Candidate(
                [(quote.start, quote.end)], "direct", confidence=confidence - 0.3, note=note
            )
            candidate.hint = _previous_subject(index, quote)
        if candidate is not None:
            found.append(candidate)
            last = candidate
            last_slot_end = slot_end
            prev_end = quote.end
    return found


_TITLE_SMALL_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "is",
        "as",
    }
)


def _is_title(text: str, quote: QuotedSpan) -> bool:
    """An uncued quotation in title case ("Orange Is the New Black", "Mornings with Karl Brenner")
    names a work, a show or a slogan; nobody is quoted."""
    inner = text[quote.inner[0] : quote.inner[1]].strip(" ,.;:")
    words = [w for w in inner.split() if any(c.isalpha() for c in w)]
    if not words or len(words) > 8 or any(c in inner for c in ".!?"):
        return False
    return all(w[0].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words if w[0].isalpha())


def _in_later_clause(index: TextIndex, quote: QuotedSpan, last: Candidate) -> bool:
    """The quotation hangs from a verb that stands between ``last``'s cue and the quotation
    (``adding that he is "..."``): it is not a continuation of ``last``."""
    if last.verb is None or last.cue_chars(index.doc)[0] < last.end:  # type: ignore[index]
        return False
    doc = index.doc
    first = index.token_at_or_after(quote.start)
    inside = index.token_at_or_after(quote.inner[0])
    if inside >= len(doc) or index.paragraph_of(quote.start) != index.paragraph_of(last.end - 1):
        return False
    token = doc[inside]
    for _ in range(12):
        if token.i == last.verb.i or token.i == token.head.i:
            return False
        if last.verb.i < token.i < first and token.pos_ in {"VERB", "AUX"}:
            return True
        token = token.head
    return False


def _cue_before_candidate(
    index: TextIndex, quote: QuotedSpan, prev_end: int, confidence: float, note: str | None
) -> Candidate | None:
    doc = index.doc
    before = cue_before(index, quote, prev_end)
    if before is None:
        colon = colon_source(index, quote.start)
        if colon is None:
            return None
        mark, source = colon
        return Candidate(
            [(quote.start, quote.end)], "direct", (mark.i, mark.i + 1), mark, source, confidence, note
        )
    verb, extra, that = before
    candidate = _cued(doc, quote, verb, extra, confidence, note)
    if that:
        that_token = doc[index.token_before(quote.start)]
        candidate.parts[0] = (that_token.idx, candidate.parts[0][1])
        candidate.kind = "mixed"
    return candidate


def colon_source(index: TextIndex, content_start: int) -> tuple[Token, Span] | None:
    """``Novak: "..."`` (headline style): a short name before a colon that opens the line."""
    doc = index.doc
    colon = index.token_before(content_start)
    if colon < 1 or doc[colon].text != ":":
        return None
    line_start = index.paragraph_start(doc[colon].idx)
    first = index.token_at_or_after(line_start)
    tokens = doc[first:colon]
    if not 1 <= len(tokens) <= 10 or any(t.pos_ in {"VERB", "AUX"} and t.tag_ != "VBZ" for t in tokens):
        return None
    if len(tokens) > 6 and tokens[-1].ent_type_ != "PERSON":
        return None
    named = any(t.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"} or t.pos_ == "PROPN" for t in tokens)
    if not named and not (len(tokens) <= 3 and all(t.text[:1].isupper() for t in tokens if t.is_alpha)):
        return None
    if any(t.text in {".", "!", "?", '"', "“", "”"} for t in tokens):
        return None
    return doc[colon], tokens


def _in_slot(text: str, quote: QuotedSpan, verb: Token) -> bool:
    """The quotation ends with a comma, question or exclamation mark: the cue after it is sure."""
    inner_end = text[quote.start : quote.end].rstrip("\"”’' ")
    between = text[quote.end : verb.idx]
    return inner_end[-1:] in {",", "?", "!", "—", "-", "…"} or between.lstrip()[:1] in {",", "—", "–", "-"}


def _governed_before(index: TextIndex, quote: QuotedSpan) -> bool:
    """The quotation is a phrase of the words before it ("proclaims the article a “terrific piece,”").

    Then a verb after it is not its cue, whatever the comma says.
    """
    doc = index.doc
    span = char_span(doc, quote.start, quote.end)
    if span is None or len(span) > 12:
        return False
    para_start = index.paragraph_start(quote.start)
    for token in span:
        head = token.head
        if (
            head.i < span.start
            and head.idx >= para_start
            and not head.is_punct
            and token.dep_ not in {"punct", "parataxis"}
        ):
            between = doc[head.i + 1 : span.start]
            return not any(t.text in {".", "!", "?", ":", ";"} for t in between)
    return False


def _same_verb(a: Candidate, b: Candidate) -> bool:
    return a.verb is not None and b.verb is not None and a.verb.i == b.verb.i


def _cued(
    doc: Doc, quote: QuotedSpan, verb: Token, extra: list[Token], confidence: float, note: str | None
) -> Candidate:
    if verb.lower_ == "according":
        objects = [c for t in extra for c in t.children if c.dep_ == "pobj"]
        source = phrase_of(objects[0]) if objects else None
        cue = (verb.i, max([verb.i, *[t.i for t in extra]]) + 1)
    else:
        source = subject_of(verb)
        cue = cue_extent(verb, extra)
    if (
        source is not None
        and "\n" in doc.text[min(source.start_char, verb.idx) : max(source.end_char, verb.idx)]
    ):
        source = None  # the parse ran across a paragraph break
    if source is not None and source.start_char < quote.end and quote.start < source.end_char:
        source = None  # a subject inside the quotation itself
    if source is None and verb.idx >= quote.end:
        # '"...," added another Democrat' / '"...," Mr. Regalado, the mayor, said': the parser missed it
        source = _between_phrase(doc, quote.end, verb) or _noun_after(verb)
    return Candidate([(quote.start, quote.end)], "direct", cue, verb, source, confidence, note)


def _between_phrase(doc: Doc, start: int, verb: Token) -> Span | None:
    """The words between a quotation and its cue verb, when they form a short noun phrase."""
    span = char_span(doc, start, verb.idx)
    if span is None:
        return None
    tokens = [t for t in span if t.i < verb.i]
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (
        tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].dep_ in {"aux", "neg", "advmod"}
    ):
        tokens = tokens[:-1]
    if not tokens or len(tokens) > 20 or not any(t.pos_ in {"PROPN", "NOUN", "PRON"} for t in tokens):
        return None
    if any(t.pos_ == "VERB" and t.dep_ not in {"relcl", "acl", "amod"} and not _in_name(t) for t in tokens):
        return None
    return doc[tokens[0].i : tokens[-1].i + 1]


_NAME_POS = frozenset({"PROPN", "NOUN", "PRON", "DET", "ADJ", "NUM", "PART", "PUNCT", "SPACE"})


def _only_name_before(tokens: list[Token]) -> bool:
    """Words between a quotation and its cue verb that can only be the speaker's name and title."""
    return (
        any(t.pos_ in {"PROPN", "PRON"} or _in_name(t) for t in tokens)
        and all(t.pos_ in _NAME_POS or _in_name(t) for t in tokens)
        and not any(t.text in {".", "!", "?", ";", "(", ")"} for t in tokens)
    )


def _in_name(token: Token) -> bool:
    """A word of a name that the tagger took for a verb ("Tulsa police Chief ...")."""
    return token.ent_type_ in {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"} and token.is_title


_NOUN_AFTER_DEPS = frozenset({"nsubj", "dobj", "attr", "npadvmod", "appos", "dep", "oprd"})


def _noun_after(verb: Token) -> Span | None:
    """The noun phrase right after an inverted cue verb ("said Richard Trumka, president of ...")."""
    for child in verb.rights:
        nominal = child.pos_ in {"PROPN", "NOUN"} and child.dep_ in _NOUN_AFTER_DEPS
        if nominal and child.left_edge.i <= verb.i + 3:
            return phrase_of(child)
        break
    return None


def _slot_end(index: TextIndex, verb: Token, limit: int) -> int:
    """End of the cue clause after a quotation: the verb's phrase, its subject and punctuation."""
    right = max(verb.i, verb.right_edge.i)
    doc = index.doc
    end = doc[right].idx + len(doc[right].text)
    return min(end, limit)


def _cue_sentence_end(index: TextIndex, last: Candidate) -> int:
    """End of the sentence that holds ``last``'s cue, when the cue follows the quotation."""
    if last.verb is None:
        return last.end
    doc = index.doc
    i = max(last.verb.i, last.source.end - 1 if last.source is not None else 0)
    para_end = index.paragraph_end(doc[i].idx)
    while i < len(doc) and doc[i].idx < para_end:
        if _is_opening_mark(doc[i]):
            inner_end = _inner_quotation_end(doc, i, para_end)
            if inner_end is None:
                return max(last.end, doc[i].idx)
            i = inner_end
            continue
        if doc[i].text in {".", "!", "?"}:
            return max(last.end, doc[i].idx + 1)
        i += 1
    return max(last.end, para_end)


def _inner_quotation_end(doc: Doc, opening: int, para_end: int) -> int | None:
    """The token after a quotation that sits inside the cue's sentence (``said on “State of the
    Union” Sunday.``): it closes within a few words, holds no sentence end, and words follow it."""
    for j in range(opening + 1, min(len(doc), opening + 12)):
        token = doc[j]
        if token.idx >= para_end or token.text in {".", "!", "?"} or _is_opening_mark(token):
            return None
        if token.text in {"”", "''"} or token.tag_ == "''":
            following = doc[j + 1] if j + 1 < len(doc) else None
            if following is None or following.idx >= para_end or not following.is_alpha:
                return None
            return j + 1
    return None


def _is_opening_mark(token: Token) -> bool:
    return token.text in {"“", "«", "``"} or token.tag_ == "``"


_LINKING = str.maketrans({c: " " for c in ",.;:—–-"})


def _only_punctuation(text: str) -> bool:
    """Nothing but white space (no-break spaces too) and the punctuation that links two quotations."""
    return not text.translate(_LINKING).strip()


def _continues(index: TextIndex, last: Candidate, quote: QuotedSpan, slot_end: int) -> bool:
    """An uncued quotation right after the previous one (or its cue sentence), same paragraph."""
    if last.kind != "direct" or index.paragraph_of(quote.start) != index.paragraph_of(last.end - 1):
        return False
    gap = index.text[last.end : quote.start]
    if _only_punctuation(gap):
        return True
    if last.cue is None:
        return False
    if last.cue_chars(index.doc)[0] < last.start and _short_link(index, last.end, quote.start):  # type: ignore[index]
        return True
    cue_start, cue_end = last.cue_chars(index.doc) or (0, 0)
    if not (last.end <= cue_start < quote.start):
        return False
    named_end = max(cue_end, last.source.end_char if last.source is not None else 0)
    if quote.start < _cue_sentence_end(index, last):
        # inside the cue's sentence: only right after the cue clause ('"It is," she said, "a step."')
        return _only_punctuation(index.text[named_end : quote.start])
    tail = index.text[max(cue_end, _cue_sentence_end(index, last)) : quote.start]
    if _only_punctuation(tail):
        return True
    return _short_link(index, last.end, quote.start)


def _short_link(index: TextIndex, start: int, end: int) -> bool:
    """A few words without a verb join two quotations of one sentence ("...” because “...")."""
    span = char_span(index.doc, start, end)
    if (
        span is None
        or not len(span)
        or len(span) > 5
        or any(t.pos_ in {"VERB", "AUX"} or t.text in {".", "!", "?"} for t in span)
    ):
        return False
    return index.sentence(span.start).start == index.sentence(span.end - 1).start


def _next_paragraph(index: TextIndex, last: Candidate, quote: QuotedSpan) -> bool:
    """A quotation that opens the paragraph right after a cued quotation that ended its own."""
    if last.kind != "direct" or last.cue is None:
        return False
    para = index.paragraph_of(quote.start)
    if index.paras[para][0] != quote.start or index.paragraph_of(last.end - 1) != para - 1:
        return False
    para_end = index.paras[para - 1][1]
    cue_start, cue_end = last.cue_chars(index.doc) or (0, 0)
    rest_from = max(last.end, cue_end, _cue_sentence_end(index, last)) if cue_start >= last.end else last.end
    return _only_punctuation(index.text[rest_from:para_end])


def _previous_subject(index: TextIndex, quote: QuotedSpan) -> Span | None:
    """The subject of the sentence before the quotation, when it names a person."""
    doc = index.doc
    i = index.token_before(quote.start)
    if i < 0:
        return None
    sentence = index.sentence(i)
    if sentence.start_char >= quote.start or doc[i].text not in {".", ":"}:
        return None
    root = sentence.root
    subject = next((c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None:
        return None
    if (
        subject.ent_type_ == "PERSON"
        or subject.pos_ in {"PRON", "PROPN"}
        or subject.lower_ in lexicon().groups
    ):
        return phrase_of(subject)
    return None
