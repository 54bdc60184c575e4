"""Event dating on invented sentences."""

from __future__ import annotations

import pytest

from storyline.model import precision_of
from storyline.time.events import date_events, is_event_head
from storyline.time.timex import tag_timexes

DCT = "2018-09-14"  # a Friday


@pytest.fixture(scope="module")
def nlp():
    from storyline.nlp import load_nlp

    return load_nlp()


def events_of(nlp, text: str, dct: str | None = DCT):
    doc = nlp(text)
    timexes = tag_timexes(text, dct, doc)
    return {e.trigger: e for e in date_events(doc, timexes, dct)}, timexes


def test_clause_is_dated_by_its_own_timex_not_by_the_reporting_verb(nlp):
    events, timexes = events_of(nlp, "The talks were held on Monday, the ministry said on Wednesday.")
    assert "said" not in events
    held = events["held"]
    assert held.date == "2018-09-10"
    assert held.precision == "day"
    assert held.timex is not None and timexes[held.timex].text == "Monday"
    assert held.kind == "news"


def test_reporting_verb_date_does_not_leak_into_the_quote(nlp):
    events, _ = events_of(nlp, "The ministry said on Wednesday that prices rose.")
    assert "said" not in events
    assert events["rose"].timex is None
    assert events["rose"].date == DCT  # past tense, no date of its own: the DCT, with low confidence
    assert events["rose"].confidence < 0.5


def test_past_perfect_recall_is_background(nlp):
    events, _ = events_of(nlp, "The two countries had signed a treaty in 1956.")
    assert events["signed"].date == "1956"
    assert events["signed"].precision == "year"
    assert events["signed"].kind == "background"


def test_years_before_the_news_window_are_background(nlp):
    old, _ = events_of(nlp, "The factory opened in 2009.")
    recent, _ = events_of(nlp, "The factory opened in 2018.")
    assert old["opened"].kind == "background"
    assert recent["opened"].kind == "news"


def test_coordinated_clause_shares_the_date(nlp):
    events, _ = events_of(nlp, "Rebels seized the town on Monday and burned the market.")
    assert events["seized"].date == "2018-09-10"
    assert events["burned"].date == "2018-09-10"
    assert events["burned"].confidence < events["seized"].confidence


def test_future_clause_without_a_date_is_undated(nlp):
    events, _ = events_of(nlp, "The government will raise taxes.")
    assert events["raise"].date is None
    assert events["raise"].precision == "unknown"


def test_future_clause_with_a_date(nlp):
    events, _ = events_of(nlp, "The ministers will meet again on Wednesday.")
    assert events["meet"].date == "2018-09-19"


def test_no_dct_leaves_undated_past_events_undated(nlp):
    events, _ = events_of(nlp, "Prices rose sharply.", dct=None)
    assert events["rose"].date is None


def test_offsets_precision_and_indices_are_consistent(nlp):
    text = "Parliament approved the budget on Sept. 3, 2018. The vote followed weeks of protests."
    doc = nlp(text)
    timexes = tag_timexes(text, DCT, doc)
    events = date_events(doc, timexes, DCT)
    assert events
    for event in events:
        assert text[event.start : event.end] == event.text
        assert event.precision == precision_of(event.date)
        assert event.timex is None or 0 <= event.timex < len(timexes)
        assert event.trigger is not None and event.trigger in event.text


def test_event_heads(nlp):
    doc = nlp("He said the bridge collapsed.")
    heads = [t.text for t in doc if is_event_head(t)]
    assert heads == ["collapsed"]


def test_event_dates_are_days_even_with_a_clock_time_dct(nlp):
    events, _ = events_of(nlp, "Prices rose sharply.", dct="2018-09-14T10:00")
    assert events["rose"].date == "2018-09-14"
    assert events["rose"].precision == "day"
