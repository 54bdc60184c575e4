"""Sentence spans never run from one paragraph into the next."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from storyline.nlp import sentence_spans


def _doc(words: list[str], spaces: list[bool], starts: list[bool]) -> Doc:
    """A Doc with the given tokens and sentence starts (as a parser might have set them)."""
    return Doc(Vocab(), words=words, spaces=spaces, sent_starts=starts)


def test_a_sentence_the_parser_ran_across_a_blank_line_is_cut_there() -> None:
    # "Published: 4 March 2021\nBy Jane Doe\n\nVELL — Ministers met."
    words = [
        "Published",
        ":",
        "4",
        "March",
        "2021",
        "\n",
        "By",
        "Jane",
        "Doe",
        "\n\n",
        "VELL",
        "—",
        "Ministers",
        "met",
        ".",
    ]
    spaces = [False, True, True, True, False, False, True, True, False, False, True, True, True, False, False]
    doc = _doc(words, spaces, [True] + [False] * (len(words) - 1))
    assert len(list(doc.sents)) == 1
    pieces = [doc.text[s:e] for s, e in sentence_spans(doc)]
    assert pieces == ["Published: 4 March 2021\nBy Jane Doe", "VELL — Ministers met."]


@pytest.mark.parametrize("gap", ["\n", " "])
def test_a_single_line_break_or_space_does_not_cut(gap: str) -> None:
    words = ["Ministers", "met", gap, "in", "Vell", "."]
    doc = _doc(words, [True, False, False, True, False, False], [True] + [False] * 5)
    assert [doc.text[s:e] for s, e in sentence_spans(doc)] == [doc.text.strip()]


def test_spans_leave_out_white_space_and_empty_pieces() -> None:
    words = ["Talks", "ended", ".", "\n\n\n", "They", "met", "."]
    spaces = [True, False, False, False, True, False, False]
    doc = _doc(words, spaces, [True, False, False, False, True, False, False])
    assert [doc.text[s:e] for s, e in sentence_spans(doc)] == ["Talks ended.", "They met."]
