"""Extractive summaries: knee point, centroid selection, the story paragraph."""

from __future__ import annotations

from storyline.corpus.summarize import (
    SentenceSpace,
    centroid_select,
    date_candidates,
    knee_point,
    summarize_story,
)
from storyline.model import SourceSpan, TimelineEntry

SENTENCES = [
    "The river dam talks between Norland and Sudria ended without a deal.",
    "Norland and Sudria ended their river dam talks without any deal.",
    "The dam talks ended with no deal for Norland and Sudria farmers.",
    "A football team from Vell won the regional cup on Sunday.",
]


def test_knee_point_finds_the_bend_of_a_sorted_curve() -> None:
    assert knee_point([1.0, 0.95, 0.9, 0.2, 0.15, 0.1]) == 2
    assert knee_point([0.5]) == 0
    assert knee_point([0.3, 0.3, 0.3]) == 0


def test_centroid_select_prefers_the_central_sentence_and_skips_near_duplicates() -> None:
    space = SentenceSpace(SENTENCES)
    picked = centroid_select(space.matrix, 1)
    assert picked and picked[0] != 3
    two = centroid_select(space.matrix, 2, max_similarity=0.5)
    assert len(two) == 2
    sims = (space.rows([two[0]]) @ space.rows([two[1]]).T).toarray()[0, 0]
    assert sims <= 0.5


def test_centroid_select_respects_the_allowed_mask_and_avoid_rows() -> None:
    space = SentenceSpace(SENTENCES)
    picked = centroid_select(space.matrix, 4, allowed=[False, False, False, True])
    assert picked == [3]
    avoided = centroid_select(space.matrix, 4, max_similarity=0.3, avoid=space.rows([0]))
    assert 0 not in avoided and 3 in avoided
    assert centroid_select(space.matrix, 0) == []


def test_date_candidates_keep_sentences_sharing_the_date_vocabulary() -> None:
    space = SentenceSpace([*SENTENCES, "Dam talks in Vell: Norland and Sudria fail to agree on the river."])
    mention = space.rows([0, 1, 3])
    published = space.rows([4])
    keep_m, keep_p = date_candidates(mention, published)
    assert 2 not in keep_m  # the football sentence (row 3 of the space, index 2 here)
    assert keep_m or keep_p


def test_empty_space_does_not_fail() -> None:
    space = SentenceSpace(["the of and", "a the"])
    assert centroid_select(space.matrix, 2) == []


def _entry(date: str, text: str, n: int, kind: str = "news") -> TimelineEntry:
    ids = [f"a{i}" for i in range(n)]
    return TimelineEntry(date, "day", text, kind, ids, [SourceSpan(i, 0, 1) for i in ids])


def test_story_paragraph_uses_the_best_supported_entries_in_date_order() -> None:
    entries = [
        _entry("2021-03-05", "Sudria closed the dam gates", 4),
        _entry("2021-03-03", "Norland and Sudria held dam talks in Vell.", 5),
        _entry("2021-03-04", "A minor official visited a school.", 1),
        _entry("1956", "The countries signed a river treaty.", 6, kind="background"),
    ]
    paragraph = summarize_story(entries, [], max_sentences=2)
    assert paragraph == "Norland and Sudria held dam talks in Vell. Sudria closed the dam gates."
    assert summarize_story([], []) == ""
    only_background = summarize_story(entries[3:], [])
    assert only_background == "The countries signed a river treaty."
