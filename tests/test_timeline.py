"""The timeline builder on invented articles: dating, merging across outlets, background, ids."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from storyline.corpus.changes import DatedQuote, EntitySighting, changes_since, is_after
from storyline.corpus.timeline import (
    TimelineArticle,
    TimelineSettings,
    build_timeline,
    entry_date,
    entry_id,
    greedy_dates,
    period,
)
from storyline.corpus.timeline_dates import COUNTS, FEATURES, DateModel, date_features, fit_date_model
from storyline.model import Event, Quote, SourceSpan, Timex

_DATES = {
    "March 3, 2021": "2021-03-03",
    "March 4, 2021": "2021-03-04",
    "1956": "1956",
    "March 2021": "2021-03",
    "the 31st of February": "2021-02-31",
}


def _article(aid: str, published: str, sentences: list[str], outlet: str = "x") -> TimelineArticle:
    """An article whose timexes are the known date phrases of ``_DATES`` found in it."""
    text = " ".join(sentences)
    spans, pos = [], 0
    for s in sentences:
        spans.append((pos, pos + len(s)))
        pos += len(s) + 1
    timexes = [
        Timex(m.start(), m.end(), phrase, "DATE", value)
        for phrase, value in _DATES.items()
        for m in re.finditer(re.escape(phrase), text)
    ]
    return TimelineArticle(aid, published, text, spans, outlet=outlet, timexes=timexes)


TALKS = [
    "Ministers from Norland and Sudria met in Vell on March 3, 2021 for talks about the disputed river dam.",
    "The talks about the river dam ended without an agreement on water quotas for the farmers downstream.",
]


def _story() -> list[TimelineArticle]:
    return [
        _article(
            "a1",
            "2021-03-04",
            [
                TALKS[0],
                TALKS[1],
                "In 1956 the two countries signed a treaty that shared the river dam water.",
            ],
            "Daily Norland",
        ),
        _article(
            "a2",
            "2021-03-04",
            [
                "Norland and Sudria ministers met in Vell on March 3, 2021 for talks about the river dam.",
                "Farmers protested outside the talks about the dam in Vell.",
            ],
            "Sudria Times",
        ),
        _article(
            "a3",
            "2021-03-05",
            [
                "The ministers of Norland and Sudria held talks in Vell on March 3, 2021 about the river dam.",
                "A new round of talks about the dam is planned for next month in Vell.",
            ],
            "Wire",
        ),
        _article(
            "a4",
            "2021-03-05",
            [
                "On March 4, 2021 Sudria closed the dam gates and the river level fell sharply near Vell.",
                "Norland called the closing of the dam gates a hostile act against its farmers.",
            ],
            "Wire",
        ),
    ]


def test_same_event_from_three_outlets_is_one_entry_with_three_sources() -> None:
    entries = build_timeline(_story(), per_date=1)
    talks = [e for e in entries if e.date == "2021-03-03"]
    assert len(talks) == 1
    assert set(talks[0].article_ids) == {"a1", "a2", "a3"}
    assert len(talks[0].spans) >= 3
    assert "March 3, 2021" in talks[0].text


def test_entries_are_dated_at_their_precision_and_in_date_order() -> None:
    entries = build_timeline(_story(), per_date=1)
    dates = [e.date for e in entries]
    assert dates == sorted(dates, key=lambda d: period(d)[0])
    assert {e.date: e.precision for e in entries}["2021-03-04"] == "day"
    background = [e for e in entries if e.date == "1956"]
    assert background and background[0].precision == "year" and background[0].kind == "background"
    assert all(e.kind == "news" for e in entries if e.date.startswith("2021"))


def test_every_entry_has_a_span_inside_its_article_text() -> None:
    articles = {a.id: a for a in _story()}
    for entry in build_timeline(list(articles.values())):
        assert entry.spans
        for span in entry.spans:
            text = articles[span.article_id].text[span.start : span.end]
            assert text.strip()
        head = entry.spans[0]
        assert articles[head.article_id].text[head.start : head.end].strip() == entry.text


def test_summary_starts_after_a_page_stamp_and_dateline_and_its_span_follows() -> None:
    furniture = "VELL | Wed Mar 4, 2021 9:03 pm CET VELL (Reuters) - "
    lead = "Ministers from Norland and Sudria met in Vell on March 3, 2021 for talks about the dam."
    article = _article("w1", "2021-03-04", [furniture + lead, TALKS[1]], "Wire")
    entries = build_timeline([article], per_date=1)
    talks = [e for e in entries if e.date == "2021-03-03"]
    assert talks and talks[0].text == lead
    head = talks[0].spans[0]
    assert (head.start, head.end) == (len(furniture), len(furniture) + len(lead))


def test_a_date_in_a_page_stamp_glued_to_a_sentence_dates_nothing() -> None:
    furniture = "VELL | Thu March 4, 2021 9:03 pm CET VELL (Reuters) - "
    lead = "Ministers of Norland and Sudria met in Vell for talks about the river dam."
    article = _article("s1", "2021-03-10", [furniture + lead, TALKS[1]], "Wire")
    assert article.timexes and article.timexes[0].value == "2021-03-04"  # the stamp is tagged
    entries = build_timeline([article])
    assert entries
    assert "2021-03-04" not in {e.date for e in entries}
    assert {e.date for e in entries} <= {"2021-03-10", "2021-03-09", "2021-03-08"}


def test_a_chosen_date_keeps_an_entry_when_its_closest_sentences_are_no_summary_material(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import storyline.corpus.timeline as builder

    too_long = "On March 3, 2021 " + " ".join(["the ministers of Norland and Sudria talked"] * 12) + "."
    article = _article("f1", "2021-03-04", [too_long, TALKS[0], TALKS[1]], "Wire")
    # The vocabulary filter keeps only a date's first mention: here the over-long sentence.
    monkeypatch.setattr(
        builder,
        "date_candidates",
        lambda mention, published: ([0], []) if mention.shape[0] else ([], list(range(published.shape[0]))),
    )
    talks = [e for e in build_timeline([article], per_date=1) if e.date == "2021-03-03"]
    assert [e.text for e in talks] == [TALKS[0]]


def test_reader_comments_are_no_summary_material() -> None:
    comment = "March 3, 2021 at 6:17 pm | Reply the talks about the river dam on March 3, 2021 were a farce."
    article = _article("c1", "2021-03-04", [comment, TALKS[0]], "Forum")
    texts = [e.text for e in build_timeline([article], per_date=2)]
    assert TALKS[0] in texts
    assert comment not in texts


def test_entry_ids_are_stable_and_follow_date_and_first_span() -> None:
    first = build_timeline(_story())
    second = build_timeline(_story())
    assert [e.id for e in first] == [e.id for e in second]
    assert len({e.id for e in first}) == len(first)
    e = first[0]
    assert e.id == entry_id(e.date, e.spans[0])
    assert entry_id(e.date, SourceSpan("other", 0, 1)) != e.id


def test_max_dates_and_window_limit_the_timeline() -> None:
    assert len({e.date for e in build_timeline(_story(), max_dates=1)}) == 1
    window = (dt.date(2021, 3, 4), dt.date(2021, 3, 31))
    assert {e.date for e in build_timeline(_story(), window=window)} <= {"2021-03-04", "2021-03-05"}


def test_lead_sentences_stand_for_the_publication_date_only() -> None:
    plain = [
        _article("p1", "2021-05-10", ["Workers at the Vell dam repaired the broken gates of the river dam."])
    ]
    entries = build_timeline(plain)
    assert [e.date for e in entries] == ["2021-05-10"]
    three = [
        "Workers at the Vell dam repaired the broken gates of the river dam.",
        "Farmers near Vell welcomed the repaired dam gates and the steady river level.",
        "The dam authority in Vell said the river gates would be inspected every month.",
    ]
    whole = build_timeline([_article("p3", "2021-05-10", three)], per_date=1)
    assert {e.date for e in whole} == {"2021-05-10"}  # the whole timeline guesses no day before
    ranked = build_timeline(plain, max_dates=1)  # a fixed number of dates: the days before compete
    assert len(ranked) == 1 and ranked[0].date in {"2021-05-10", "2021-05-09", "2021-05-08"}
    undated = [_article("p2", None, ["Workers at the Vell dam repaired the broken gates of the river dam."])]  # type: ignore[arg-type]
    assert build_timeline(undated) == []


def test_event_dated_from_a_timex_dates_its_sentence_and_can_be_background() -> None:
    text = "Long ago the dam builders of Vell finished the first river dam after ten years of work."
    event = Event(10, 40, "the dam builders finished", "1931", "year", kind="background", timex=0)
    art = TimelineArticle("e1", "2021-03-04", text, [(0, len(text))], events=[event])
    entries = build_timeline([art])
    assert [(e.date, e.kind) for e in entries] == [("1931", "background")]


def test_entry_date_drops_unknown_years_weeks_and_impossible_days() -> None:
    assert entry_date("2021-03-03T10:00") == "2021-03-03"
    assert entry_date("XXXX-03-03") is None
    assert entry_date("2021-W10") is None
    assert entry_date("2021-02-31") is None
    assert entry_date("PRESENT_REF") is None
    assert entry_date("2021-03", ("day",)) is None


def test_settings_come_from_the_data_file_and_can_be_replaced() -> None:
    settings = TimelineSettings.load()
    assert settings.per_date >= 1 and 0 < settings.merge_similarity < 1
    changed = settings.replace(per_date=settings.per_date + 3)
    assert changed.per_date == settings.per_date + 3
    assert TimelineSettings.load().per_date == settings.per_date  # the loaded defaults are untouched


def test_changes_since_reports_only_what_is_wholly_after_the_date() -> None:
    entries = build_timeline(_story(), per_date=1)
    changes = changes_since("2021-03-03", entries)
    new_dates = [e.date for e in changes.entries]
    assert "2021-03-04" in new_dates
    assert all(d > "2021-03-03" and len(d) == 10 for d in new_dates)
    assert len(new_dates) < len(entries)
    assert not is_after("2021-03", "2021-03-03")
    assert is_after("2021-04", "2021-03-03")
    with pytest.raises(ValueError):
        changes_since("XXXX-03", entries)


def test_changes_since_finds_new_quotes_and_newly_named_entities() -> None:
    quotes = [
        DatedQuote("a1", "2021-03-04", Quote(0, 10, "We will not give up the river", "direct")),
        DatedQuote("a2", "2021-03-04", Quote(0, 10, "Old words", "direct", date="2021-02-01")),
        DatedQuote("a3", None, Quote(0, 10, "Undated words", "direct")),
    ]
    sightings = [
        EntitySighting("Norland", "GPE", "a0", "2021-03-01"),
        EntitySighting("Norland", "GPE", "a1", "2021-03-04"),
        EntitySighting("Vell Farmers Union", "ORG", "a2", "2021-03-04"),
        EntitySighting("Vell Farmers Union", "ORG", "a4", "2021-03-05"),
    ]
    changes = changes_since("2021-03-03", [], quotes, sightings)
    assert [q.quote.text for q in changes.quotes] == ["We will not give up the river"]
    assert [(n.name, n.first_seen, n.article_ids) for n in changes.entities] == [
        ("Vell Farmers Union", "2021-03-04", ["a2", "a4"])
    ]
    assert not changes.empty
    assert changes_since("2021-03-06", [], quotes, sightings).empty


def test_large_stories_keep_off_topic_sentences_out_of_summaries() -> None:
    dam = "Norland and Sudria ministers held talks about the river dam in Vell on March 3, 2021."
    football = "A football team from Kesh won the regional cup final on March 3, 2021 after extra time."
    articles = [_article(f"d{i}", "2021-03-04", [dam]) for i in range(24)]
    articles.append(_article("f", "2021-03-04", [football]))
    on_topic = build_timeline(articles, per_date=3)
    assert on_topic and all("football" not in e.text for e in on_topic)
    unfiltered = TimelineSettings.load().replace(relevance_quantile=0.0, topic_terms=0)
    assert any("football" in e.text for e in build_timeline(articles, per_date=3, settings=unfiltered))


# --- the date ranker --------------------------------------------------------------------------


def test_date_features_count_mentions_by_kind_and_normalise_each_column() -> None:
    d = dt.date
    # sentences: 0, 1 in article 0 (published on the 3rd); 2 in article 1 (the 4th); 3 in article 2 (the 20th)
    mentions = {"2021-03-03": [0, 2, 3], "2021-03-04": [1]}
    features = date_features(
        ["2021-03-03", "2021-03-04"],
        mentions,
        sentence_article=[0, 0, 1, 2],
        sentence_index=[0, 7, 1, 9],
        published=[d(2021, 3, 3), d(2021, 3, 4), d(2021, 3, 20)],
        lead={"2021-03-03": 2},
        lead_size=5,
    )
    column = {name: features[:, i] for i, name in enumerate(COUNTS)}
    # raw counts of 2021-03-03: 3 sentences, 3 articles, 2 later, 1 more than a week later, 0 earlier,
    # 2 with it in their lead, 1 published on it, 1 the day after, 2 lead sentences
    raw_first = {"mention_sentences": 3, "mention_articles": 3, "later_articles": 2, "published": 1}
    raw_second = {"mention_sentences": 1, "mention_articles": 1, "later_articles": 0, "published": 1}
    for name in raw_first:
        norm = np.hypot(raw_first[name], raw_second[name])
        assert column[name] == pytest.approx([raw_first[name] / norm, raw_second[name] / norm])
    assert column["retro_articles"].tolist() == [1.0, 0.0]
    assert column["earlier_articles"].tolist() == [0.0, 1.0]  # the 4th, named by the article of the 3rd
    assert column["lead_articles"].tolist() == [1.0, 0.0]  # only sentences 0 and 2 are leads
    assert column["lead_sentences"].tolist() == [1.0, 0.0]
    assert column["neighbour_articles"] == pytest.approx([1 / np.hypot(1, 3), 3 / np.hypot(1, 3)])
    assert np.linalg.norm(features, axis=0) == pytest.approx(np.ones(len(FEATURES)))


def test_date_model_round_trips_through_toml_and_rejects_other_features() -> None:
    n = len(FEATURES)
    model = DateModel(FEATURES, (0.5,) * n, (2.0,) * n, tuple(float(i) for i in range(n)), -1.25)
    again = DateModel.from_toml(model.to_toml("a comment\nanother"))
    assert again == model
    rows = np.arange(2 * n, dtype=float).reshape(2, n) / 10
    assert again.score(rows) == pytest.approx(model.score(rows))
    with pytest.raises(ValueError):
        DateModel.from_toml(model.to_toml().replace('"mention_sentences"', '"something_else"'))


def test_fitted_model_scores_dates_like_its_labels() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.random((200, len(FEATURES)))
    labels = (matrix[:, 2] > 0.6).astype(int)  # later_articles decides
    model = fit_date_model(matrix, labels)
    assert int(np.argmax(np.abs(model.coef))) == 2 and model.coef[2] > 0
    scores = model.score(matrix)
    assert scores[labels == 1].min() > scores[labels == 0].mean()


def test_the_shipped_model_ranks_a_date_the_story_keeps_recalling_first() -> None:
    assert DateModel.load().features == FEATURES
    recalled = "Ministers of Norland and Sudria met in Vell on March 3, 2021 for talks about the dam."
    once = "On March 4, 2021 a small boat of farmers crossed the river dam lake near Vell at dawn."
    articles = [
        _article("r1", "2021-03-04", [recalled, once]),
        _article("r2", "2021-03-09", [recalled]),
        _article("r3", "2021-03-20", [recalled]),
    ]
    entries = build_timeline(articles, max_dates=1, per_date=1)
    assert [e.date for e in entries] == ["2021-03-03"]


def test_greedy_dates_spread_over_the_story_with_the_neighbour_penalty() -> None:
    ranked = [("2021-03-03", 1.0), ("2021-03-04", 0.9), ("2021-03-10", 0.8)]
    assert greedy_dates(ranked, 2, 0.3) == ["2021-03-03", "2021-03-10"]
    assert greedy_dates(ranked, 2, 0.0) == ["2021-03-03", "2021-03-04"]
    assert greedy_dates(ranked, 5, 0.3) == ["2021-03-03", "2021-03-10", "2021-03-04"]
