"""Near-duplicates and reused passages (invented articles)."""

from __future__ import annotations

import json

from storyline.corpus.reuse import ReuseConfig, ReuseIndex, align, published_first
from storyline.corpus.shingles import windows, words_of
from storyline.corpus.state import dump_state, load_state

BACKGROUND = (
    "The harbour bridge in Marlow was built in 1891 by the engineer Edith Pell, who also designed the "
    "town's first water tower and a long stone pier that still stands at the mouth of the river. "
)
COUNCIL = (
    "Marlow council voted on Tuesday to close the harbour bridge for repairs. Engineers found cracks in two "
    "of the supports during a routine check last month. " + BACKGROUND + "The closure will last six weeks, "
    "the council said, and ferries will run every half hour until the bridge reopens in the spring."
)
STORM = (
    "A storm flooded the lower streets of Marlow overnight, and shops along the quay stayed shut on Friday. "
    "Residents spent the morning pumping water out of their cellars. " + BACKGROUND + "Forecasters expect "
    "more rain this weekend."
)
UNRELATED = (
    "The Harwick chess club won the regional league on Sunday after a tense final round against the "
    "defending champions from Oldbury, whose captain resigned a level endgame with seconds on the clock."
)


def test_republished_article_is_a_duplicate_and_first_is_the_earlier_date() -> None:
    index = ReuseIndex()
    assert index.add("council", COUNCIL, "2021-03-02", 1) == []
    copy = "Updated headline\n" + COUNCIL.replace("six weeks", "seven weeks")
    found = index.add("copy", copy, "2021-03-01", 2)
    assert [(r.kind, r.a, r.b) for r in found] == [("duplicate", "copy", "council")]
    assert found[0].similarity >= 0.8
    assert found[0].first == "copy"  # published a day earlier, although it arrived later
    span = found[0].spans[0]
    assert copy[span.a_start : span.a_end].startswith("Marlow council voted")
    assert COUNCIL[span.b_start : span.b_end].endswith("in the spring")


def test_reused_background_paragraph_has_exact_spans_on_both_sides() -> None:
    index = ReuseIndex()
    index.add("council", COUNCIL, "2021-03-02", 1)
    found = index.add("storm", STORM, "2021-04-10", 2)
    assert [(r.kind, r.b, r.first) for r in found] == [("passage", "council", "council")]
    (span,) = found[0].spans
    expected = BACKGROUND.strip().rstrip(".")
    assert STORM[span.a_start : span.a_end] == expected
    assert COUNCIL[span.b_start : span.b_end] == expected
    assert 0.0 < found[0].similarity < 1.0


def test_short_shared_sentences_are_not_reuse() -> None:
    shared = "The mayor thanked the volunteers who filled sandbags through the night. "
    index = ReuseIndex()
    index.add("one", shared + UNRELATED, "2021-01-01", 1)
    found = index.add("two", shared + STORM.replace(BACKGROUND, ""), "2021-01-02", 2)
    assert found == []


def test_unrelated_articles_find_nothing() -> None:
    index = ReuseIndex()
    index.add("council", COUNCIL, None, 1)
    assert index.add("chess", UNRELATED, None, 2) == []


def test_a_passage_seen_in_many_articles_is_boilerplate() -> None:
    index = ReuseIndex(ReuseConfig.from_settings(boilerplate_articles=2))
    fillers = [
        "Shops on the high street reopened after the long weekend.",
        "The school choir sang at the opening of the new library.",
        "A new bus route links the station with the hospital.",
        "The museum lent three paintings to a gallery abroad.",
    ]
    for i, filler in enumerate(fillers[:3]):
        index.add(f"a{i}", filler + " " + BACKGROUND + UNRELATED.replace("Sunday", f"day {i}"), None, i)
    found = index.add(
        "late", fillers[3] + " " + BACKGROUND + "Nothing else happened in the town today.", None, 9
    )
    assert all(r.kind != "passage" for r in found)


def test_published_first_compares_at_the_shared_precision_then_arrival() -> None:
    assert published_first("a", "2020-05", 2, "b", "2020-06-01", 1) == "a"
    assert published_first("a", "2020-05", 2, "b", "2020-05-20", 1) == "b"  # same month: arrival decides
    assert published_first("a", None, 1, "b", "1999", 2) == "a"
    assert published_first("a", "XXXX-05-01", 3, "b", "2020-05-01", 2) == "b"


def test_align_joins_runs_across_a_changed_word() -> None:
    a = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    b = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "SEVEN",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "end",
    ]
    assert align(a, b, seed=3, gap=2, min_words=10) == [(0, 12, 1, 13)]
    assert align(a, b, seed=3, gap=0, min_words=10) == []


def test_windows_are_whole_sentences_of_at_least_the_minimum() -> None:
    text = "Short one here. " + BACKGROUND + "Another short one."
    words = words_of(text)
    found = windows(text, words, 25, 80)
    assert found
    for start, end in found:
        assert end - start >= 25
    assert text[words.starts[found[0][0]] :].startswith("Short one here.")


def test_state_round_trip_keeps_finding_reuse() -> None:
    index = ReuseIndex()
    index.add("council", COUNCIL, "2021-03-02", 1)
    state = load_state(dump_state(index.to_state()))
    assert isinstance(index.to_state()["articles"][0]["signature"], bytes)
    restored = ReuseIndex.from_state(state)
    assert "council" in restored and len(restored) == 1
    coarse = restored.add("storm", STORM, "2021-04-10", 2)
    assert [r.kind for r in coarse] == ["passage"]
    span = coarse[0].spans[0]
    assert "Edith Pell" in STORM[span.a_start : span.a_end]
    assert "Edith Pell" in COUNCIL[span.b_start : span.b_end]
    exact = ReuseIndex.from_state(state, text_lookup={"council": COUNCIL}.get).add(
        "storm", STORM, "2021-04-10", 2
    )
    span = exact[0].spans[0]
    assert STORM[span.a_start : span.a_end] == COUNCIL[span.b_start : span.b_end]


def test_adding_an_article_twice_reports_nothing_new() -> None:
    index = ReuseIndex()
    index.add("council", COUNCIL, None, 1)
    assert index.add("council", COUNCIL, None, 1) == []
    assert len(index) == 1


def test_reuse_records_serialize() -> None:
    index = ReuseIndex()
    index.add("council", COUNCIL, None, 1)
    (found,) = index.add("storm", STORM, None, 2)
    assert json.loads(json.dumps(found.to_dict()))["spans"][0]["a_start"] == found.spans[0].a_start


def test_index_kept_in_the_store_finds_what_the_memory_index_finds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from storyline.store import Store
    from storyline.store import schema as t

    articles = [
        ("council", COUNCIL, "2021-03-02"),
        ("storm", STORM, "2021-04-10"),
        ("chess", UNRELATED, None),
        ("copy", "Updated headline\n" + COUNCIL.replace("six weeks", "seven weeks"), "2021-03-01"),
    ]
    memory = ReuseIndex()
    expected = [memory.add(aid, text, date, seq) for seq, (aid, text, date) in enumerate(articles)]
    store = Store(str(tmp_path / "reuse.db"))
    with store.engine.begin() as conn:
        index = ReuseIndex.in_store(text_lookup=dict((a, x) for a, x, _ in articles).get)
        index.sketches.conn = conn  # type: ignore[attr-defined]
        got = [index.add(aid, text, date, seq) for seq, (aid, text, date) in enumerate(articles)]
        assert got == expected and any(got)
        assert len(index) == 4 and "storm" in index
        assert index.to_state()["articles"] == []  # the sketches are rows, not state
        bands = conn.execute(t.reuse_bands.select()).all()
    assert {row.seq for row in bands} == {0, 1, 2, 3}
    store.close()
