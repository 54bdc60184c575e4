"""Where a sentence's own words begin: page stamps, update notes and datelines are skipped."""

from __future__ import annotations

import pytest

from storyline.corpus.sentence_lead import (
    MIN_REST,
    content_start,
    is_furniture,
    is_reader_comment,
    own_words_start,
)


@pytest.mark.parametrize(
    ("sentence", "own_words"),
    [
        (
            "VELL | Tue Mar 3, 2021 9:03 pm CET VELL (Reuters) - Ministers of Norland met on Tuesday.",
            "Ministers of Norland met on Tuesday.",
        ),
        (
            "Dam talks fail Farmers angry Wednesday 4 March 2021 18.39 GMT The talks about the dam ended.",
            "The talks about the dam ended.",
        ),
        (
            "(Update 2:17 p.m. in Vell, 8:17 a.m. ET) Farmers formed a new group on Saturday.",
            "Farmers formed a new group on Saturday.",
        ),
        (
            "(Updated 7:40 p.m. (0140 in Vell)) A senior official of Sudria spoke to reporters.",
            "A senior official of Sudria spoke to reporters.",
        ),
        (
            "Page last updated at 08:03 GMT, Tuesday, 3 March 2021 09:03 UK Sudria closed the gates.",
            "Sudria closed the gates.",
        ),
        (
            "By the Wire Staff Dam talks fail Vell, Norland (CNN) -- Ministers left without a deal.",
            "Ministers left without a deal.",
        ),
        (
            "VELL, March 3 (Reuters) - The ministers of Norland and Sudria met.",
            "The ministers of Norland and Sudria met.",
        ),
        (
            "VELL -- The ministers of Norland and Sudria met again.",
            "The ministers of Norland and Sudria met again.",
        ),
        (
            "Wednesday, March 4, 2021; 4:49 PM The river level fell sharply near Vell.",
            "The river level fell sharply near Vell.",
        ),
        (
            "Photograph: Jane Doe/AFP/Getty Images The death toll in Vell rose to 80.",
            "The death toll in Vell rose to 80.",
        ),
        (
            "VELL, 5:29 p.m. ET, 11:29 p.m. local: The minister told the state news agency.",
            "The minister told the state news agency.",
        ),
        (
            "(7:38 p.m. Monday ET, 1:38 a.m. Tuesday in Vell) - The minister spoke on television.",
            "The minister spoke on television.",
        ),
        (
            "4 March 2021 Last updated at 14:59 GMT Help A year on, the dam is still closed.",
            "A year on, the dam is still closed.",
        ),
        (
            "(AP Photo/Jane Doe) NO SALES VELL -- Engineers closed the dam gates on Monday.",
            "Engineers closed the dam gates on Monday.",
        ),
        (
            "9:51 pm ET Ministers of Norland left the talks in Vell.",
            "Ministers of Norland left the talks in Vell.",
        ),
        (
            "Published: 4 March 2021 By Jane Doe VELL — Ministers of Norland left the talks in Vell.",
            "Ministers of Norland left the talks in Vell.",
        ),
        (
            "Updated: March 4, 2021, 10:15 a.m. EST The river level fell sharply near Vell.",
            "The river level fell sharply near Vell.",
        ),
        (
            "Posted on 2021-03-04 The ministers of Norland and Sudria met again.",
            "The ministers of Norland and Sudria met again.",
        ),
    ],
)
def test_furniture_before_the_sentence_is_skipped(sentence: str, own_words: str) -> None:
    assert sentence[own_words_start(sentence) :] == own_words


@pytest.mark.parametrize(
    "sentence",
    [
        "The quake struck at 16:53 GMT, killing thousands of people near the capital.",
        "In March, the minister said the talks about the dam had failed.",
        "NATO said on Tuesday that its planes had struck the port of Vell.",
        "The agency (AFP) reported that the talks went on all night long.",
        "The page was last updated in 2011 and nobody has touched it since then.",
        "On March 3, 2021 at 14:26 CET the gates of the dam were closed.",
        "The photo: AP shows the minister at the talks in Vell.",
        "(In 2010, the dam was closed) The minister spoke about the river.",
        "The report was published on 4 March 2021 by the ministry in Vell.",
        "Updated figures from March 2021 show the river level fell sharply.",
    ],
)
def test_ordinary_sentences_are_left_whole(sentence: str) -> None:
    assert own_words_start(sentence) == 0


def test_a_sentence_that_is_all_furniture_is_left_whole() -> None:
    sentence = "VELL (Reuters) - Dam shut."
    assert len(sentence) - len("VELL (Reuters) - ") < MIN_REST
    assert own_words_start(sentence) == 0


def test_reader_comments_are_told_from_sentences_with_a_date_and_time() -> None:
    assert is_reader_comment("March 4, 2021 at 12:17 pm | Reply the dam should stay open")
    assert is_reader_comment("Too bad !! March 4, 2021 at 1:39 pm | The dam should stay open")
    assert not is_reader_comment("On March 4, 2021 at 12:17 pm the gates of the dam were closed.")


@pytest.mark.parametrize(
    ("sentence", "furniture"),
    [
        ("Published: 4 March 2021\nBy Jane Doe", True),
        ("Updated: March 4, 2021, 10:15 a.m. EST", True),
        ("VELL | Tue Mar 3, 2021 9:03 pm CET", True),
        ("Published: 4 March 2021 By Jane Doe VELL — Ministers left the talks in Vell.", False),
        ("The report was published on 4 March 2021.", False),
        ("Ministers met.", False),
    ],
)
def test_a_sentence_of_furniture_alone_is_told(sentence: str, furniture: bool) -> None:
    assert is_furniture(sentence) is furniture
    expected = len(sentence) if furniture else own_words_start(sentence)
    assert content_start(sentence) == expected
