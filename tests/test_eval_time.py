"""TempEval-3 scorer, TimeML and MEANTIME readers, and the ``eval time`` entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.eval.common import shared_datasets
from storyline.eval.meantime import read_meantime_document
from storyline.eval.tempeval import GoldTimex, TimexCounts, align, read_timeml, score_documents
from storyline.eval.time import main, sniff


def _span(text: str, phrase: str, type_: str, value: str) -> GoldTimex:
    start = text.index(phrase)
    return GoldTimex(start, start + len(phrase), phrase, type_, value)


def test_scorer_matches_the_worked_example_of_scorer_md():
    text = "He left last Sunday for two weeks, wrote on March 22, 2013 and returns Monday, not tomorrow."
    gold = [
        _span(text, "last Sunday", "DATE", "2013-03-17"),
        _span(text, "two weeks", "DURATION", "P2W"),
        _span(text, "March 22, 2013", "DATE", "2013-03-22"),
        _span(text, "Monday", "DATE", "2013-03-25"),
    ]
    system = [
        _span(text, "Sunday", "DATE", "2013-03-17"),  # relaxed only
        _span(text, "two weeks", "DURATION", "P14D"),  # strict, wrong value string
        _span(text, "March 22, 2013", "DATE", "2013-03-22"),  # all correct
        _span(text, "tomorrow", "DATE", "2013-03-23"),  # no gold counterpart
    ]
    figures = score_documents([(text, gold, system)])
    assert figures["strict"]["precision"] == pytest.approx(0.50)
    assert figures["strict"]["recall"] == pytest.approx(0.50)
    assert figures["strict"]["f1"] == pytest.approx(0.50)
    assert figures["relaxed"]["f1"] == pytest.approx(0.75)
    assert figures["type"]["accuracy"] == pytest.approx(1.0)
    assert figures["type"]["f1"] == pytest.approx(0.75)
    assert figures["value"]["accuracy"] == pytest.approx(2 / 3)
    assert figures["value"]["f1"] == pytest.approx(0.50)


def test_relaxed_pairing_is_one_to_one():
    text = "from 2009-2010 onwards"
    gold = [_span(text, "2009", "DATE", "2009"), _span(text, "2010", "DATE", "2010")]
    system = [_span(text, "2009-2010", "DATE", "2009")]
    assert align(text, gold, system) == [(0, 0)]
    counts = TimexCounts()
    counts.add(text, gold, system)
    assert (counts.relaxed, counts.n_gold, counts.n_sys) == (1, 2, 1)


def test_whitespace_overlap_is_no_match():
    text = "Monday Tuesday"
    gold = [GoldTimex(0, 7, "Monday ", "DATE", "x")]
    system = [GoldTimex(6, 14, " Tuesday", "DATE", "y")]
    assert align(text, gold, system) == []


def test_empty_run_scores_one():
    assert score_documents([("no dates here", [], [])])["value"]["f1"] == 1.0


TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>invented</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2013-03-22" functionInDocument="CREATION_TIME">March 22, 2013</TIMEX3></DCT>
<TEXT>
Ships &amp; planes <EVENT eid="e1" class="OCCURRENCE">searched</EVENT> the bay <TIMEX3 tid="t1" type="DATE" value="2013-03-21">Thursday</TIMEX3> for <TIMEX3 tid="t2" type="DURATION" value="PT3H">three hours</TIMEX3>.<TIMEX3 tid="t3" type="DATE" value="PRESENT_REF"/>
</TEXT>
</TimeML>
"""


def test_read_timeml(tmp_path: Path):
    path = tmp_path / "invented.tml"
    path.write_text(TIMEML, encoding="utf-8")
    doc = read_timeml(path)
    assert doc.dct == "2013-03-22"
    assert "Ships & planes searched the bay Thursday for three hours." in doc.text
    assert [(t.text, t.value, t.type) for t in doc.timexes] == [
        ("Thursday", "2013-03-21", "DATE"),
        ("three hours", "PT3H", "DURATION"),
    ]
    for timex in doc.timexes:
        assert doc.text[timex.start : timex.end] == timex.text


CAT = """<?xml version="1.0" ?>
<Document doc_id="1" doc_name="invented" url="http://example.org">
<token number="0" sentence="0" t_id="1">Ferry</token>
<token number="1" sentence="0" t_id="2">sinks</token>
<token number="2" sentence="1" t_id="3">March</token>
<token number="3" sentence="1" t_id="4">01</token>
<token number="4" sentence="1" t_id="5">,</token>
<token number="5" sentence="1" t_id="6">2008</token>
<token number="6" sentence="2" t_id="7">A</token>
<token number="7" sentence="2" t_id="8">ferry</token>
<token number="8" sentence="2" t_id="9">sank</token>
<token number="9" sentence="2" t_id="10">on</token>
<token number="10" sentence="2" t_id="11">Friday</token>
<token number="11" sentence="2" t_id="12">.</token>
<Markables>
<TIMEX3 m_id="20" type="DATE" value="2008-03-01" functionInDocument="CREATION_TIME" anchorTimeID="">
<token_anchor t_id="3"/><token_anchor t_id="4"/><token_anchor t_id="5"/><token_anchor t_id="6"/>
</TIMEX3>
<TIMEX3 m_id="21" type="DATE" value="2008-02-29" functionInDocument="NONE"><token_anchor t_id="11"/></TIMEX3>
<TIMEX3 m_id="22" type="DATE" value="2058" functionInDocument="NONE"/>
<ENTITY_MENTION m_id="30" syntactic_type="NOM"><token_anchor t_id="7"/><token_anchor t_id="8"/></ENTITY_MENTION>
<ENTITY m_id="40" ent_type="PRO" instance_id="PRO123" external_ref="http://dbpedia.org/resource/Ferry"/>
</Markables>
<Relations>
<REFERS_TO r_id="50"><source m_id="30"/><target m_id="40"/></REFERS_TO>
</Relations>
</Document>
"""


def test_read_meantime_document(tmp_path: Path):
    path = tmp_path / "invented.xml"
    path.write_text(CAT, encoding="utf-8")
    doc = read_meantime_document(path)
    assert doc.text == "Ferry sinks\nMarch 01, 2008\nA ferry sank on Friday."
    assert doc.dct == "2008-03-01"
    friday = next(t for t in doc.timexes if t.id == "21")
    assert (friday.text, friday.value, friday.is_dct, friday.empty) == ("Friday", "2008-02-29", False, False)
    assert next(t for t in doc.timexes if t.id == "22").empty
    token = doc.tokens[8]
    assert doc.text[token.start : token.end] == "sank"
    mention = doc.mentions[0]
    assert (mention.text, mention.entity_type, mention.instance_id) == ("A ferry", "PRO", "PRO123")
    assert doc.in_annotated_part(friday.start)


def test_main_on_a_timeml_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "invented.tml").write_text(TIMEML, encoding="utf-8")
    assert sniff(tmp_path) == "timeml"
    assert main(["--data", str(tmp_path), "--json", "--no-parse"]) == 0
    result = json.loads(capsys.readouterr().out)
    figures = result[f"timeml:{tmp_path.name}"]
    assert figures["counts"]["gold"] == 2
    assert figures["value"]["f1"] == pytest.approx(1.0)


# --- shared gold data (skipped when ../shared/datasets is absent) ------------------------------

SHARED = shared_datasets()
needs_shared = pytest.mark.skipif(SHARED is None, reason="shared datasets not found")


@pytest.mark.shared
@needs_shared
def test_timeml_reader_counts_match_source_md():
    from storyline.eval.tempeval import iter_timeml

    assert SHARED is not None
    platinum = list(iter_timeml(SHARED / "tempeval3" / "te3-platinum"))
    assert len(platinum) == 20
    assert sum(len(d.timexes) for d in platinum) == 138
    for doc in platinum:
        for timex in doc.timexes:
            assert doc.text[timex.start : timex.end] == timex.text


@pytest.mark.shared
@needs_shared
def test_meantime_reader_counts_match_source_md():
    from storyline.eval.meantime import iter_meantime

    assert SHARED is not None
    docs = list(iter_meantime(SHARED / "meantime-en"))
    assert len(docs) == 120
    timexes = [t for d in docs for t in d.timexes if not t.is_dct]
    assert len(timexes) == 407
    assert sum(t.empty for t in timexes) == 37
    assert all(d.dct for d in docs)
    assert {d.dct_source for d in docs} == {"annotation", "semeval2015"}
    assert all(d.dct is not None and len(d.dct) == 10 and d.dct[4] == "-" for d in docs)


@pytest.mark.shared
@pytest.mark.slow
@needs_shared
def test_platinum_targets():
    from storyline.eval.time import evaluate_timeml

    assert SHARED is not None
    figures = evaluate_timeml(SHARED / "tempeval3" / "te3-platinum")
    assert figures["value"]["f1"] >= 0.80
    assert figures["relaxed"]["f1"] >= 0.90
