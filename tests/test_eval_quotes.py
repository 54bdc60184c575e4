"""PolNeAR reader and the attribution scorer (storyline.eval.polnear, storyline.eval.quotes)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from storyline.eval import citron_metrics
from storyline.eval import quotes as ev
from storyline.eval.common import shared_datasets
from storyline.eval.polnear import parse_ann, read_split

# An invented article and a brat file in PolNeAR's format (tabs between fields).
TEXT = 'Kral wins.\n\n"We won," Kral said. "Again."\n\nLind said the vote was fair.\n'
ANN = (
    'T1\tContent 12 21\t"We won,"\n'
    "T2\tSource 22 26\tKral\n"
    "T3\tCue 27 31\tsaid\n"
    "T4\tAttribution 27 31\tsaid\n"
    'T5\tContent 33 41\t"Again."\n'
    "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2 Content2:T5\n"
    "T6\tSource 43 47\tLind\n"
    "T7\tCue 48 52\tsaid\n"
    "T8\tContent 53 61;62 70\tthe vote was\n"
    "fair\n"
    "T9\tAttribution 48 52\tsaid\n"
    "E2\tAttribution:T9 Content:T8 Cue:T7 Source:T6\n"
    "#1\tAnnotatorNotes T8\tA note that must be ignored\n"
)


def test_parse_ann_reads_roles_fragments_content2_and_multiline_records():
    first, second = parse_ann(ANN)
    assert first.content == ((12, 21), (33, 41))
    assert first.cue == ((27, 31),)
    assert first.source == ((22, 26),)
    assert second.content == ((53, 61), (62, 70))
    assert [TEXT[s:e] for s, e in second.content] == ["the vote", "was fair"]


def _two_versions(root: Path, split: str, whole: str, first_only: str) -> Path:
    """A split folder with doc_a annotated twice: ANN by ``whole``, its first attribution by ``first_only``."""
    folder = root / split
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    (folder / "text" / "doc_a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "attributions" / f"doc_a_{whole}.ann").write_text(ANN, encoding="utf-8")
    (folder / "attributions" / f"doc_a_{first_only}.ann").write_text(ANN.split("T6")[0], encoding="utf-8")
    return folder


def test_read_split_keeps_one_annotator_version(tmp_path: Path):
    _two_versions(tmp_path, "dev", "ff01", "0a02")
    (document,) = read_split(tmp_path, "dev")
    assert document.annotator == "0a02"  # the lexicographically first version
    assert len(document.attributions) == 1


def test_normalize_joins_fragments_split_by_white_space_only():
    text = "ab cd, ef"
    assert ev.normalize([(3, 5), (0, 2)], text) == ((0, 5),)
    assert ev.normalize([(0, 2), (7, 9)], text) == ((0, 2), (7, 9))
    assert ev.normalize([(2, 4)], text) == ((3, 4),)  # outer white space trimmed


def _toy(system_source_2: tuple = ((28, 34),)):
    gold = [
        ev.Attribution(content=((10, 30),), cue=((5, 9),), source=((0, 4),)),
        ev.Attribution(content=((40, 50),), cue=((35, 39),), source=((31, 34),)),
        ev.Attribution(content=((60, 70),), cue=((55, 59),), source=()),
    ]
    system = [
        ev.Attribution(content=((10, 30),), cue=((5, 9),), source=((0, 4),), kind="direct"),
        ev.Attribution(content=((42, 55),), cue=((35, 39),), source=system_source_2, kind="indirect"),
        ev.Attribution(content=((80, 90),), cue=((75, 79),), source=((70, 74),), kind="indirect"),
    ]
    return system, gold


def test_scorer_on_a_hand_computed_case():
    system, gold = _toy()
    result = ev.summarize(ev.score_document(system, gold))
    # content: S1 = G1 exactly; S2 overlaps G2; S3 matches nothing.
    assert result["content_exact"] == pytest.approx({"precision": 1 / 3, "recall": 1 / 3, "f1": 1 / 3})
    assert result["content_overlap"] == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3})
    # source, on the two content-matched pairs: S1 exact, S2 overlapping only.
    assert result["source_exact"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5})
    assert result["source_overlap"] == pytest.approx({"precision": 1.0, "recall": 1.0, "f1": 1.0})
    # cues: two of three on each side are equal.
    assert result["cue_exact"]["f1"] == pytest.approx(2 / 3)
    # whole attributions: S1-G1 and S2-G2 match on content, cue and source.
    assert result["attribution"] == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3})
    assert result["system_kinds"] == {"direct": 1, "indirect": 2, "mixed": 0}


# citron's measures on tokens: Kral(0) said(1) the(2) vote(3) was(4) fair(5) .(6) Lind(7) told(8)
# us(9) it(10) ended(11) .(12)
CITRON_TEXT = "Kral said the vote was fair. Lind told us it ended."


def test_citron_measures_on_a_hand_computed_case():
    spacy = pytest.importorskip("spacy")
    doc = spacy.blank("en")(CITRON_TEXT)
    gold = [
        ev.Attribution(content=((10, 27),), cue=((5, 9),), source=((0, 4),)),  # the vote was fair
        ev.Attribution(content=((42, 50),), cue=((34, 38),), source=((29, 33),)),  # it ended
    ]
    system = [
        ev.Attribution(content=((10, 28),), cue=((5, 9),), source=((0, 4),)),  # ... fair. (one token more)
        ev.Attribution(content=((42, 50),), cue=((34, 41),), source=((29, 33),)),  # cue "told us"
        ev.Attribution(content=((50, 51),)),  # no cue, no source
    ]
    citron = ev.summarize(ev.score_document(system, gold, doc))["citron"]
    # cue exact: S1 = G1 (tp); S2 "told us" and S3 (no cue) are false positives; G2 is missed.
    assert citron["cue"]["exact"] == pytest.approx({"precision": 1 / 3, "recall": 1 / 2, "f1": 0.4})
    # content exact: S2's cue overlaps G2's and the contents are equal; S1's content is one token
    # longer; S3 has no cue to overlap.
    assert citron["content"]["exact"] == pytest.approx({"precision": 1 / 3, "recall": 1 / 2, "f1": 0.4})
    # source exact: S1 and S2 (cues overlap, sources equal); S3 matches nothing; no gold missed.
    assert citron["source"]["exact"] == pytest.approx({"precision": 2 / 3, "recall": 1.0, "f1": 0.8})
    # whole quotes: S1 differs in content, S2 in cue.
    assert citron["all"]["exact"]["f1"] == 0.0
    # content overlap in tokens: 4 (S1-G1) + 2 (S2-G2) shared, 5 + 2 + 1 predicted, 4 + 2 gold.
    assert citron["content"]["overlap"] == pytest.approx({"precision": 6 / 8, "recall": 1.0, "f1": 6 / 7})
    # all spans: content 6 + cue 1 + 1 + source 1 + 1 shared; 8 + 3 + 2 predicted; 6 + 2 + 2 gold.
    assert citron["all"]["overlap"]["precision"] == pytest.approx(10 / 13)
    assert citron["all"]["overlap"]["recall"] == pytest.approx(10 / 10)


def test_citron_cue_overlap_keeps_citrons_asymmetric_test():
    # citron: predicted.start <= gold.end and predicted.end > gold.start, token spans end-exclusive,
    # so a predicted cue starting where the gold cue ends overlaps it, and one ending where it
    # starts does not.
    gold = citron_metrics.TokenQuote(cue=(1, 2), sources=(), contents=((3, 5),))
    after = citron_metrics.TokenQuote(cue=(2, 3), sources=(), contents=((3, 5),))
    before = citron_metrics.TokenQuote(cue=(0, 1), sources=(), contents=((3, 5),))
    assert citron_metrics.score_quotes([after], [gold])["content_tp"] == 1
    assert citron_metrics.score_quotes([before], [gold])["content_tp"] == 0


def test_scorer_counts_a_missing_system_source_against_recall_only():
    system, gold = _toy(system_source_2=())
    result = ev.summarize(ev.score_document(system, gold))
    # S2 has no source: 1 system source among the matched pairs, 2 gold ones.
    assert result["source_exact"] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3})
    assert result["attribution"]["f1"] == pytest.approx(1 / 3)


def test_greedy_matching_is_one_to_one():
    pairs = ev.greedy_match([((0, 10),), ((5, 12),)], [((0, 10),)], lambda s, g: ev.overlap(s, g))
    assert pairs == [(0, 0)]


def test_speaker_judgement_uses_the_previous_gold_source_for_pronouns():
    text = "Anna Novak spoke. Kral left. She said it."
    mentions = [
        SimpleNamespace(start=0, end=10, text="Anna Novak", cluster=0),
        SimpleNamespace(start=18, end=22, text="Kral", cluster=1),
    ]
    entities = [
        SimpleNamespace(cluster=0, name="Anna Novak", label="PERSON", titles=[]),
        SimpleNamespace(cluster=1, name="Kral", label="PERSON", titles=["Mr."]),
    ]
    by_cluster = {e.cluster: e for e in entities}
    she = ((29, 32),)
    # The previous gold source names Anna Novak; the nearest person mention agreeing in gender is her too
    # (Kral is "Mr." and cannot be "she").
    assert set(ev.gold_referents(she, text, mentions, by_cluster, [((0, 10),), she])) == {(0, "Anna Novak")}
    # Without gold sources, only the nearest agreeing person mention counts.
    assert ev.gold_referents(she, text, mentions, by_cluster, []) == [(0, "Anna Novak")]
    assert ev.gold_referents(((18, 22),), text, mentions, by_cluster) == [(1, "Kral")]
    assert ev.gold_referents(((11, 16),), text, mentions, by_cluster) is None  # names nobody
    right = ev.Attribution(content=((33, 40),), speaker_name="Anna Novak", speaker_cluster=0)
    wrong = ev.Attribution(content=((33, 40),), speaker_name="Kral", speaker_cluster=1)
    assert ev.speaker_matches(right, [(0, "Anna Novak")])
    assert not ev.speaker_matches(wrong, [(0, "Anna Novak")])


def test_main_prints_json_for_a_small_dataset(tmp_path: Path, capsys):
    folder = tmp_path / "dev"
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    (folder / "text" / "doc_a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "attributions" / "doc_a_ff01.ann").write_text(ANN, encoding="utf-8")
    assert ev.main(["--data", str(tmp_path), "--split", "dev", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["documents"] == 1
    assert result["gold_attributions"] == 2
    assert result["crashes"] == 0
    assert result["content_overlap"]["recall"] == pytest.approx(1.0)


def test_main_reports_a_missing_dataset(tmp_path: Path, capsys):
    assert ev.main(["--data", str(tmp_path / "absent")]) == 2


@pytest.mark.shared
def test_polnear_dev_reads_cleanly():
    root = shared_datasets()
    if root is None or not (root / "polnear").is_dir():
        pytest.skip("shared/datasets/polnear is absent")
    documents = list(read_split(root / "polnear", "dev"))
    assert len(documents) == 84
    assert sum(len(d.attributions) for d in documents) > 2000
    for document in documents:
        for attribution in document.attributions:
            for start, end in attribution.content + attribution.cue + attribution.source:
                assert 0 <= start < end <= len(document.text)


def test_parse_cache_is_written_once_and_read_back(tmp_path: Path):
    documents = [ev.GoldDocument("a", TEXT), ev.GoldDocument("b", "Lind said the vote was fair.")]
    first = [doc.text for doc in ev.parsed_documents(documents, tmp_path, "demo")]
    files = list(tmp_path.glob("demo-*.spacy"))
    assert len(files) == 1
    again = list(ev.parsed_documents(documents, tmp_path, "demo"))
    assert [doc.text for doc in again] == first == [TEXT, "Lind said the vote was fair."]
    assert [t.dep_ for t in again[1]] == [t.dep_ for t in next(ev.parsed_documents(documents[1:], None))]


def test_speaker_judge_counts_only_the_named_head_of_a_gold_source():
    from storyline.nlp import load_nlp

    text = "Ted Cruz spoke. A senior Cruz adviser said it. Sen. Ted Cruz said that."
    doc = load_nlp()(text)
    mentions = [
        SimpleNamespace(start=0, end=8, cluster=0),  # Ted Cruz
        SimpleNamespace(start=25, end=29, cluster=0),  # (a senior) Cruz (adviser)
        SimpleNamespace(start=text.index("Ted Cruz said"), end=text.index(" said that"), cluster=0),
    ]
    by_cluster = {0: SimpleNamespace(cluster=0, name="Ted Cruz", label="PERSON", titles=[])}
    adviser = ((text.index("A senior"), text.index(" said it")),)
    senator = ((text.index("Sen."), text.index(" said that")),)
    # Without the parse every named mention inside a source counts; with it only the head.
    assert ev.gold_referents(adviser, text, mentions, by_cluster) == [(0, "Ted Cruz")]
    assert ev.gold_referents(adviser, text, mentions, by_cluster, None, doc) is None
    assert ev.gold_referents(senator, text, mentions, by_cluster, None, doc) == [(0, "Ted Cruz")]
    gold = [
        ev.Attribution(content=((text.index("it"), text.index("it") + 2),), source=adviser),
        ev.Attribution(content=((text.index("that"), text.index("that") + 4),), source=senator),
    ]
    # Our speakers: Cruz for the adviser's words (wrong, but not judgeable as a person), Cruz for his own.
    system = [ev.Attribution(g.content, (), (), "direct", "Ted Cruz", 0) for g in gold]
    counts = ev.speaker_judgements(system, gold, text, mentions, list(by_cluster.values()), doc)
    assert counts["speaker_judged"] == 1 and counts["speaker_right"] == 1
    assert counts["speaker_modifier_judged"] == 1 and counts["speaker_modifier_avoided"] == 0
    system[0] = ev.Attribution(gold[0].content, (), (), "direct", None, None)
    counts = ev.speaker_judgements(system, gold, text, mentions, list(by_cluster.values()), doc)
    assert counts["speaker_modifier_avoided"] == 1


def test_annotator_agreement_scores_every_ordered_pair_of_versions(tmp_path: Path):
    folder = _two_versions(tmp_path, "train", "aa01", "bb02")
    (folder / "text" / "doc_b.txt").write_text(TEXT, encoding="utf-8")  # one version: not compared
    (folder / "attributions" / "doc_b_aa01.ann").write_text(ANN, encoding="utf-8")
    result = ev.annotator_agreement(tmp_path, ["train"])
    assert (result["documents"], result["annotator_pairs"]) == (1, 2)
    # bb02 against aa01: its one attribution is aa01's first (1 of 1 found, 1 of 2 gold);
    # aa01 against bb02: 1 of 2 found, 1 of 1 gold. Summed: 2 of 3 each way.
    assert result["content_exact"] == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3})
    assert result["citron"]["content"]["exact"]["f1"] == pytest.approx(2 / 3)
    assert "speaker" not in result
