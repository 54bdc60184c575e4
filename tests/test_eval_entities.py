"""The entity evaluation: ECB+ reader, gold clusters, span alignment, and runs on the gold corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.eval import entities
from storyline.eval.common import shared_datasets
from storyline.eval.ecbplus import read_ecbplus_document, selected_sentences

# An invented ECB+-style document: one cross-document chain, one within-document chain, one singleton.
ECB_DOC = """<Document doc_name="1_1ecb.xml" doc_id="DOC1">
<token t_id="1" sentence="0" number="0">Anna</token>
<token t_id="2" sentence="0" number="1">Novak</token>
<token t_id="3" sentence="0" number="2">visited</token>
<token t_id="4" sentence="0" number="3">Dunmere</token>
<token t_id="5" sentence="0" number="4">.</token>
<token t_id="6" sentence="1" number="0">Novak</token>
<token t_id="7" sentence="1" number="1">met</token>
<token t_id="8" sentence="1" number="2">the</token>
<token t_id="9" sentence="1" number="3">Harbour</token>
<token t_id="10" sentence="1" number="4">Board</token>
<token t_id="11" sentence="1" number="5">'s</token>
<token t_id="12" sentence="1" number="6">chair</token>
<token t_id="13" sentence="1" number="7">.</token>
<Markables>
<HUMAN_PART_PER m_id="1"><token_anchor t_id="1"/><token_anchor t_id="2"/></HUMAN_PART_PER>
<LOC_GEO m_id="2"><token_anchor t_id="4"/></LOC_GEO>
<HUMAN_PART_PER m_id="3"><token_anchor t_id="6"/></HUMAN_PART_PER>
<HUMAN_PART_ORG m_id="4"><token_anchor t_id="9"/><token_anchor t_id="10"/></HUMAN_PART_ORG>
<HUMAN_PART_PER m_id="5"><token_anchor t_id="12"/></HUMAN_PART_PER>
<ACTION_OCCURRENCE m_id="6"><token_anchor t_id="3"/></ACTION_OCCURRENCE>
<HUMAN_PART_PER m_id="20" RELATED_TO="" TAG_DESCRIPTOR="t1_anna_novak" instance_id="HUM1"/>
<UNKNOWN_INSTANCE_TAG m_id="21" RELATED_TO="" TAG_DESCRIPTOR=""/>
</Markables>
<Relations>
<CROSS_DOC_COREF r_id="1" note="HUM1"><source m_id="1"/><source m_id="3"/><target m_id="20"/></CROSS_DOC_COREF>
<INTRA_DOC_COREF r_id="2"><source m_id="4"/><target m_id="21"/></INTRA_DOC_COREF>
</Relations>
</Document>
"""


@pytest.fixture
def ecb_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "ecbplus"
    (folder / "ECB+" / "1").mkdir(parents=True)
    (folder / "ECB+" / "1" / "1_1ecb.xml").write_text(ECB_DOC, encoding="utf-8")
    (folder / "ECBplus_coreference_sentences.csv").write_text(
        "Topic,File,Sentence Number\n1,1ecb,0\n1,1ecb,1\n", encoding="utf-8"
    )
    return folder


def test_ecbplus_reader_offsets_and_gold(ecb_folder: Path) -> None:
    doc = read_ecbplus_document(ecb_folder / "ECB+" / "1" / "1_1ecb.xml")
    assert doc.text == "Anna Novak visited Dunmere.\nNovak met the Harbour Board's chair."
    assert (doc.topic, doc.subtopic) == (1, "ecb")
    got = [(m.text, m.tag, m.gold) for m in doc.mentions]
    assert got == [
        ("Anna Novak", "HUMAN_PART_PER", "HUM1"),
        ("Dunmere", "LOC_GEO", "1_1ecb:single:2"),
        ("Novak", "HUMAN_PART_PER", "HUM1"),
        ("Harbour Board", "HUMAN_PART_ORG", "1_1ecb:intra:21"),
        ("chair", "HUMAN_PART_PER", "1_1ecb:single:5"),
    ]
    assert all(doc.text[m.start : m.end] == m.text for m in doc.mentions)
    assert selected_sentences(ecb_folder) == {"1_1ecb": {0, 1}}


def test_span_alignment_trims_article_and_possessive() -> None:
    text = "the Harbour Board's chair"
    assert entities._trim(text, 0, 19) == (4, 17)
    assert entities._trim(text, 4, 17) == (4, 17)


def test_only_proper_nouns_count_as_named(ecb_folder: Path) -> None:
    from storyline.nlp import load_nlp

    doc = read_ecbplus_document(ecb_folder / "ECB+" / "1" / "1_1ecb.xml")
    sdoc = load_nlp()(doc.text)
    named = [m.text for m in doc.mentions if entities.is_named(sdoc, m.start, m.end)]
    assert "Anna Novak" in named and "chair" not in named


def test_main_prints_figures_for_a_tiny_corpus(ecb_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        entities.main(["--dataset", "ecbplus", "--data", str(ecb_folder), "--json", "--mentions", "both"])
        == 0
    )
    result = json.loads(capsys.readouterr().out)["ecbplus"]
    assert result["documents"] == 1 and result["scope"] == "topic"
    for mode in ("gold", "predicted"):
        scores = result[mode]
        assert {"muc", "b_cubed", "ceaf_e", "conll"} <= set(scores)
        assert 0.0 <= scores["conll"]["f1"] <= 1.0


def test_missing_dataset_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert entities.main(["--dataset", "meantime", "--data", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().out


SHARED = shared_datasets()


@pytest.mark.shared
@pytest.mark.slow
def test_meantime_gold_mentions_reach_the_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert entities.main(["--dataset", "meantime", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["meantime"]
    assert result["gold_mentions"] == 753 and result["gold_clusters"] == 189
    assert result["gold"]["conll"]["f1"] >= 0.90
    assert result["gold"]["conll"]["f1"] > result["gold"]["baseline_same_name"]["f1"]


@pytest.mark.shared
def test_ecbplus_runs_on_the_first_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert entities.main(["--dataset", "ecbplus", "--limit", "12", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["ecbplus"]
    assert result["documents"] == 12 and result["gold_mentions"] > 0
    assert 0.0 < result["gold"]["conll"]["f1"] <= 1.0
