"""Who said what (storyline.extract.quotes) on short invented sentences."""

from __future__ import annotations

import pytest

from storyline.extract.entities import find_entities
from storyline.extract.quote_marks import find_quoted_spans
from storyline.extract.quotes import extract_quotes
from storyline.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def quotes_of(nlp):
    def run(text: str):
        doc = nlp(text)
        mentions, entities = find_entities(doc)
        quotes = extract_quotes(doc, mentions, entities)
        for quote in quotes:
            assert doc.text[quote.start : quote.end] == quote.text
            assert all(quote.start <= s < e <= quote.end for s, e in quote.parts)
            if quote.cue is not None:
                assert doc.text[quote.cue_start : quote.cue_end] == quote.cue
            if quote.speaker is not None and quote.speaker.start is not None:
                assert doc.text[quote.speaker.start : quote.speaker.end] == quote.speaker.surface
            assert quote.date is None
        return quotes

    return run


def _only(quotes):
    assert len(quotes) == 1, [q.text for q in quotes]
    return quotes[0]


def test_direct_quote_with_cue_after(quotes_of):
    quote = _only(
        quotes_of('Foreign Minister Anna Novak arrived in Brno. "We will not sign this deal," Novak said.')
    )
    assert quote.kind == "direct"
    assert quote.text == '"We will not sign this deal,"'  # the content keeps its marks, as PolNeAR does
    assert quote.cue == "said"
    assert quote.speaker.surface == "Novak"
    assert quote.speaker.name == "Anna Novak"


def test_cue_inside_the_quote_gives_two_fragments_and_a_pronoun_speaker(quotes_of):
    text = 'Foreign Minister Anna Novak arrived on Monday.\n\n"It is," she said, "a first step."'
    quote = _only(quotes_of(text))
    assert [text[s:e] for s, e in quote.parts] == ['"It is,"', '"a first step."']
    assert quote.speaker.surface == "she"
    assert quote.speaker.name == "Anna Novak"
    assert quote.speaker.reason.startswith("pronoun")


def test_cue_before_with_colon_across_a_paragraph(quotes_of):
    text = 'Foreign Minister Anna Novak spoke on Monday. Novak told the assembly:\n\n"We will stay. Never."'
    quote = _only(quotes_of(text))
    assert quote.kind == "direct"
    assert quote.text == '"We will stay. Never."'
    assert quote.cue == "told"
    assert quote.speaker.name == "Anna Novak"


def test_quote_over_two_paragraphs_by_the_journalistic_convention(quotes_of):
    text = (
        'Anna Novak spoke on Monday.\n\nNovak said: "The first part goes on.\n\n"And the second part ends."'
    )
    quote = _only(quotes_of(text))
    assert quote.text == '"The first part goes on.\n\n"And the second part ends."'
    assert quote.note is None
    assert quote.speaker.name == "Anna Novak"


def test_uncued_paragraph_continues_the_previous_speaker(quotes_of):
    text = 'Anna Novak spoke on Monday.\n\n"We will stay," Novak said.\n\n"Nobody will move us from these islands."'
    quote = _only(quotes_of(text))
    assert len(quote.parts) == 2
    assert quote.speaker.name == "Anna Novak"


def test_indirect_speech_with_that(quotes_of):
    quote = _only(quotes_of("Peter Kral said that the talks had failed."))
    assert quote.kind == "indirect"
    assert quote.text == "that the talks had failed"
    assert quote.cue == "said"
    assert quote.speaker.name == "Peter Kral"


def test_indirect_speech_without_that_and_verbs_other_than_say(quotes_of):
    quote = _only(quotes_of("Peter Kral warned the islands would stay closed."))
    assert quote.text == "the islands would stay closed"
    assert quote.cue == "warned"


def test_according_to(quotes_of):
    quote = _only(quotes_of("According to the ministry, the talks failed."))
    assert quote.text == "the talks failed"
    assert quote.cue == "According to"
    assert quote.speaker.surface == "the ministry"
    assert quote.speaker.name == "ministry"


def test_mixed_quote(quotes_of):
    quote = _only(quotes_of('Peter Kral said the deal was "not normal".'))
    assert quote.kind == "mixed"
    assert quote.text == 'the deal was "not normal"'


def test_role_phrase_resolves_to_the_title_holder(quotes_of):
    text = (
        "Government spokeswoman Eva Lind met reporters on Monday. Peter Kral left early. "
        "The spokeswoman said the talks would continue."
    )
    quote = _only(quotes_of(text))
    assert quote.speaker.surface == "The spokeswoman"
    assert quote.speaker.name == "Eva Lind"


def test_the_ministers_spokeswoman_is_not_the_minister(quotes_of):
    text = (
        "Foreign Minister Anna Novak met reporters. The minister's spokeswoman said the talks would continue."
    )
    quote = _only(quotes_of(text))
    assert quote.speaker.name != "Anna Novak"
    assert quote.speaker.name is None
    assert quote.speaker.reason


def test_pronoun_without_antecedent_is_unresolved_with_a_reason(quotes_of):
    quote = _only(quotes_of("He said the talks would continue."))
    assert quote.speaker.surface == "He"
    assert quote.speaker.name is None
    assert quote.speaker.cluster is None
    assert quote.speaker.reason == "pronoun with no antecedent"
    assert quote.confidence <= 0.5


def test_group_and_organisation_are_speakers(quotes_of):
    group = _only(quotes_of("Officials warned that prices would rise."))
    assert group.speaker.name == "Officials"
    organisation = _only(quotes_of("The ministry said the border would stay closed."))
    assert organisation.speaker.name == "ministry"


def test_inverted_cue_with_appositive_speaker(quotes_of):
    quote = _only(quotes_of('"This is nonsense," said Peter Kral, the government spokesman.'))
    assert quote.cue == "said"
    assert quote.speaker.name == "Peter Kral"


def test_unbalanced_mark_is_noted_and_less_confident(quotes_of):
    quote = _only(quotes_of('Peter Kral said "we will win and left.\n\nNothing else happened.'))
    assert quote.note == "unbalanced quotation marks"
    assert quote.confidence < 0.9
    assert quote.text == '"we will win and left.'


def test_headline_colon(quotes_of):
    quote = _only(quotes_of('Novak: "We will win the vote."'))
    assert quote.cue == ":"
    assert quote.speaker.surface == "Novak"


@pytest.mark.parametrize(
    "text",
    [
        "",
        '"',
        "“",
        "”",
        '""',
        "''",
        '" " "',
        "“a” ” “ «b» ‘c’ '",
        "He said: ",
        "According to",
        '"Unclosed at the very end',
        "Closed only” here, then “open again\n\n“and again",
        "\n\n\n",
        "‘’‘’‘’",
        "“" * 50,
    ],
)
def test_odd_marks_never_crash(quotes_of, text):
    quotes_of(text)


def test_marks_are_paired_with_curly_straight_and_guillemets():
    text = '«Un» and “two” and "three" and ‘four words in here’.'
    spans = find_quoted_spans(text)
    assert [text[q.start : q.end] for q in spans] == ["«Un»", "“two”", '"three"', "‘four words in here’"]
    assert all(q.balanced for q in spans)


def test_apostrophes_are_not_quotation_marks():
    text = "Voters' views don't matter, the party's chief said in the '90s."
    assert find_quoted_spans(text) == []


def test_orphan_closing_mark_is_recovered_from_the_paragraph_start():
    text = "First words here” and more."
    (quote,) = find_quoted_spans(text)
    assert (quote.start, quote.end) == (0, 17)
    assert not quote.balanced


def test_reported_clause_with_a_cue_verb_is_not_taken_for_a_parenthetical(quotes_of):
    # "welcome" is a cue verb too, but here it opens what the officials said
    text = "Despite the negative coverage, local officials said they welcome the national attention."
    quote = _only(quotes_of(text))
    assert quote.cue == "said"
    assert quote.text == "they welcome the national attention"
    assert quote.speaker.surface == "local officials"


def test_attribution_inside_the_speakers_relative_clause_is_kept(quotes_of):
    text = "Barkley, who said he usually votes for Democrats, said the best candidate is John Kasich."
    quotes = quotes_of(text)
    contents = sorted(q.text for q in quotes)
    assert contents == ["he usually votes for Democrats", "the best candidate is John Kasich"], contents


def test_quotation_in_a_clause_after_the_cue_is_its_own_mixed_quote(quotes_of):
    text = (
        "“He stands for the middle class,” Anderson said, adding that Sanders is "
        "“the most trustworthy of the candidates.”"
    )
    quotes = quotes_of(text)
    assert [q.kind for q in quotes] == ["direct", "mixed"], [(q.kind, q.text) for q in quotes]
    assert quotes[0].text == "“He stands for the middle class,”"
    assert quotes[1].cue == "adding"
    assert quotes[1].text.startswith("that Sanders is “the most trustworthy")
    assert quotes[1].speaker.name == quotes[0].speaker.name == "Anderson"


@pytest.mark.parametrize(
    "text",
    [
        # a subject inside the quotation is not its speaker
        "Footage of the preacher appears again. “The West will eventually turn against its Muslim "
        "citizens,” he says.",
        # a place the NER recognised is not a person
        "The trade talks were short. Britain will not get a quick deal. “It is not going to happen "
        "any time soon,” he warned.",
    ],
)
def test_pronoun_is_not_resolved_to_a_place_or_a_subject_inside_the_quote(quotes_of, text):
    quote = next(q for q in quotes_of(text) if q.kind == "direct")
    assert quote.speaker.name is None
    assert quote.speaker.reason == "pronoun with no antecedent"


def test_a_name_that_modifies_the_source_noun_is_not_the_speaker(quotes_of):
    text = "Ted Cruz spoke in Iowa on Monday. “We will win this state,” a senior Cruz adviser said."
    quote = next(q for q in quotes_of(text) if q.kind == "direct")
    assert quote.speaker.surface == "a senior Cruz adviser"
    assert quote.speaker.name != "Ted Cruz"
    assert quote.speaker.cluster is None


def test_a_closing_relative_clause_with_its_own_cue_is_a_second_attribution(quotes_of):
    text = "Peter Kral urged the judge to give him a fair sentence, which he said was not a prison term."
    quotes = quotes_of(text)
    assert [(q.cue, q.text) for q in quotes] == [
        ("urged", "the judge to give him a fair sentence"),
        ("said", "which he said was not a prison term"),
    ]
    relative = quotes[1]
    assert [text[s:e] for s, e in relative.parts] == ["which", "was not a prison term"]
    assert relative.speaker.name == "Peter Kral"


def test_reader_quotes_signed_with_a_dash_one_a_line_glued_or_spaced(quotes_of):
    text = (
        "Readers sent us their views.\n\n"
        "“The harbour talks went well. We expect more.” ― Sonya Herrera\n"
        "“The ferry must run again before winter.”― Pamela Ruiz\n"
        "“Fishing rights matter more than flags.” ― Jacklyn Ash\n"
    )
    quotes = quotes_of(text)
    assert [(q.text[:12], q.cue, q.speaker.name) for q in quotes] == [
        ("“The harbour", "―", "Sonya Herrera"),
        ("“The ferry m", "―", "Pamela Ruiz"),  # the tokenizer keeps '”―' as one token
        ("“Fishing rig", "―", "Jacklyn Ash"),
    ]
    assert all(q.kind == "direct" and len(q.parts) == 1 for q in quotes)


def test_a_poll_opening_the_clause_is_its_source(quotes_of):
    text = "In a CNN poll released Monday, Clinton led Trump by five points among likely voters."
    quote = _only(quotes_of(text))
    assert (quote.kind, quote.cue) == ("indirect", "In")
    assert quote.speaker.surface == "a CNN poll released Monday"
    assert quote.text == "Clinton led Trump by five points among likely voters"
    # a poll after the verb is a circumstance of the clause, not its source
    assert not [
        q for q in quotes_of("Clinton leads Trump in national polls by three points.") if q.cue == "in"
    ]


@pytest.mark.parametrize(
    ("headline", "source"),
    [("Poll: Clinton Leads Trump in Florida", "Poll"), ("The Latest: Clinton Leads Trump in Florida", None)],
)
def test_a_poll_before_a_headline_colon_speaks_and_the_latest_does_not(quotes_of, headline, source):
    text = headline + "\n\nThe race in Florida has tightened over the summer months."
    found = [q for q in quotes_of(text) if q.cue == ":"]
    assert [q.speaker.surface for q in found] == ([source] if source else [])
    if source:
        assert found[0].text == "Clinton Leads Trump in Florida"


def test_a_gerund_after_a_verb_of_saying_is_its_content(quotes_of):
    quote = _only(quotes_of("Senator Kral denied having any contact with the Russian embassy."))
    assert (quote.kind, quote.cue, quote.text) == (
        "indirect",
        "denied",
        "having any contact with the Russian embassy",
    )
    assert quote.speaker.name == "Kral"


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Senator Kral said so on Monday.", "so"),
        ("Senator Kral said as much in an interview.", "as much"),
        ("Senator Kral did not say when.", "when"),
    ],
)
def test_a_word_standing_for_what_was_said_is_the_content(quotes_of, text, content):
    quote = _only(quotes_of(text))
    assert (quote.kind, quote.text, quote.speaker.name) == ("indirect", content, "Kral")


def test_a_passive_verb_of_stance_makes_its_subject_the_content_and_its_agent_the_source(quotes_of):
    quote = _only(quotes_of("The fisheries plan was endorsed by Senator Kral on Monday."))
    assert (quote.kind, quote.text, quote.cue) == ("indirect", "The fisheries plan", "was endorsed by")
    assert quote.speaker.name == "Kral"


def test_an_owners_content_noun_with_its_clause_is_an_attribution(quotes_of):
    found = quotes_of("Senator Kral met voters. Kral's proposal to close the border drew criticism.")
    quote = next(q for q in found if q.cue == "proposal")
    assert (quote.kind, quote.text, quote.speaker.name) == ("indirect", "to close the border", "Kral")
    # without an owner, a content noun is left to the other rules
    assert not [
        q for q in quotes_of("The proposal to close the border drew criticism.") if q.cue == "proposal"
    ]


def test_an_uncued_title_case_quotation_names_a_work_not_a_quote(quotes_of):
    text = "The network's new show, “Mornings with Karl Brenner,” starts in May."
    assert not [q for q in quotes_of(text) if q.kind == "direct"]
    # a sentence in quotation marks is still an uncued quote
    text = "Senator Kral watched the show.\n\n“We will not give up on this treaty.”"
    assert [q.text for q in quotes_of(text) if q.kind == "direct"] == [
        "“We will not give up on this treaty.”"
    ]


def test_a_content_that_closes_a_quotation_takes_its_opening_mark(nlp):
    from storyline.extract.quote_spans import span_chars

    doc = nlp("Netflix renewed “Orange Is the New Black” for three more seasons.")
    first = next(t.i for t in doc if t.text == "Orange")
    start, end = span_chars(doc, first, len(doc))
    assert doc.text[start:end] == "“Orange Is the New Black” for three more seasons"


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        (
            "The fishing quota, Minister Lena Kral said, “is a matter for the courts, not the press.”",
            "The fishing quota",
        ),
        (
            "It is time for the harbour to reopen, Kral said, “and for the boats to go back out.”",
            "It is time for the harbour to reopen",
        ),
        ("But, said Minister Lena Kral, “the harbour will not reopen this winter.”", "But"),
    ],
)
def test_words_before_a_parenthetical_cue_are_said_too(quotes_of, text, lead):
    quote = _only(quotes_of(text))
    assert quote.kind == "mixed"
    assert quote.parts[0] == (0, len(lead))
    assert text[quote.parts[1][0]] == "“"
    assert quote.speaker.name in {"Lena Kral", "Kral"}


def test_a_setting_before_a_parenthetical_cue_is_not_said(quotes_of):
    quote = _only(quotes_of("On Tuesday, Minister Lena Kral said, “The harbour will reopen.”"))
    assert (quote.kind, quote.text) == ("direct", "“The harbour will reopen.”")


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Minister Lena Kral described the treaty as a betrayal of the fishermen.",
            "the treaty as a betrayal of the fishermen",
        ),
        ("Minister Lena Kral sees the islands as part of the nation.", "the islands as part of the nation"),
        (
            "Minister Lena Kral compared the new quota to a slow strangling of the coast.",
            "the new quota to a slow strangling of the coast",
        ),
    ],
)
def test_what_the_cue_says_of_its_object_belongs_to_the_content(quotes_of, text, content):
    quote = _only(quotes_of(text))
    assert (quote.kind, quote.text, quote.speaker.name) == ("indirect", content, "Lena Kral")


def test_she_after_mrs_surname_is_not_the_husband(quotes_of):
    praised, stay = quotes_of(
        "Former President Pavel Kral spoke at the harbour on Monday. Mr. Kral praised the fishermen. "
        'Mrs. Kral arrived later. "We will stay," she said.'
    )
    assert praised.speaker.name == "Pavel Kral"
    assert stay.speaker.name == "Kral"
    assert stay.speaker.cluster not in {None, praised.speaker.cluster}


def test_a_title_inside_the_cue_sentence_is_not_a_fragment_and_the_next_sentence_continues(quotes_of):
    text = "“We will win the vote,” Minister Lena Kral said on “Morning Brief” on Sunday. “The harbour stays open.”"
    quote = _only(quotes_of(text))
    assert [text[s:e] for s, e in quote.parts] == ["“We will win the vote,”", "“The harbour stays open.”"]
    assert quote.speaker.name == "Lena Kral"


def test_a_dash_signature_after_a_no_break_space(quotes_of):
    text = "Readers sent us their views.\n\n“The harbour talks went well.” ―\u00a0Sonya Herrera.\n"
    quote = _only(quotes_of(text))
    assert (quote.cue, quote.speaker.surface, quote.speaker.name) == ("―", "Sonya Herrera", "Sonya Herrera")


def test_a_cue_after_a_name_the_parser_took_for_a_verb(nlp):
    # the small English model parses some real datelines this way: the place opening the
    # speaker's title tagged as a verb, and the cue verb attached as its conjunct
    text = "The council met on Monday.\n\n“We will reopen the harbour before winter,” Tulsa police Chief Anna Novak said Monday."
    doc = nlp(text)
    words = {t.text: t for t in doc}
    opening, place, said, name = words["reopen"], words["Tulsa"], words["said"], words["Novak"]
    opening.dep_, opening.head = "ROOT", opening
    place.pos_, place.tag_, place.dep_, place.head = "VERB", "VB", "dep", opening
    said.dep_, said.head = "conj", opening
    name.dep_, name.head = "appos", words["police"]
    mentions, entities = find_entities(doc)
    quote = _only(extract_quotes(doc, mentions, entities))
    assert quote.text == "“We will reopen the harbour before winter,”"
    assert quote.cue == "said"
    assert quote.speaker.surface == "Tulsa police Chief Anna Novak"
    assert quote.speaker.name == "Anna Novak"  # the head of the phrase is its last name, not the place


def test_the_subject_of_a_passive_or_raising_cue_is_content_not_speaker(quotes_of):
    text = "Anna Novak has been criticized for delaying the harbour talks."
    quote = _only(quotes_of(text))
    assert [text[s:e] for s, e in quote.parts] == ["Anna Novak", "delaying the harbour talks"]
    assert quote.speaker.name is None  # she is what the critics speak of, not who speaks
    raising = "Peter Kral seemed unhappy with the harbour deal."
    quote = _only(quotes_of(raising))
    assert [raising[s:e] for s, e in quote.parts] == ["Peter Kral", "unhappy with the harbour deal"]
    asked = "Anna Novak was asked about the harbour deal."  # the one spoken to stays the source
    quote = _only(quotes_of(asked))
    assert [asked[s:e] for s, e in quote.parts] == ["the harbour deal"]
    assert quote.speaker.name == "Anna Novak"


def test_a_quotation_after_the_cue_sentence_and_a_no_break_space_continues_the_quote(quotes_of):
    text = "The council met on Monday.\n\n“The harbour will reopen in May,” Anna Novak said in a statement.\u00a0“The ferries will follow.”"
    quote = _only(quotes_of(text))
    assert [text[s:e] for s, e in quote.parts] == [
        "“The harbour will reopen in May,”",
        "“The ferries will follow.”",
    ]
    assert quote.speaker.name == "Anna Novak"


def test_a_clause_before_a_colon_cues_the_quotation_the_parser_hung_it_on(quotes_of):
    # the parser makes "shot" a complement of the quotation's verb; the clause still cues it
    text = "Asked about the harbour, Mr. Kral shot back: “That would be a first step.”"
    quote = next(q for q in quotes_of(text) if q.kind == "direct")
    assert quote.text == "“That would be a first step.”"
    assert (quote.cue, quote.speaker.surface, quote.speaker.name) == ("shot", "Mr. Kral", "Kral")


def test_according_to_before_a_quotation_cues_it(quotes_of):
    text = (
        "The council met on Monday.\n\nAccording to the harbour office, “the ferries will run again in May.”"
    )
    quote = next(q for q in quotes_of(text) if q.kind == "direct")
    assert quote.text == "“the ferries will run again in May.”"
    assert (quote.cue, quote.speaker.surface) == ("According to", "the harbour office")


def test_a_participle_of_saying_before_a_colon_cues_the_quotation(quotes_of):
    text = "Peter Kral criticised the harbour plan, telling reporters after the long meeting: “We cannot afford it.”"
    quote = next(q for q in quotes_of(text) if q.kind == "direct")
    assert (quote.cue, quote.speaker.name) == ("telling", "Peter Kral")  # not "criticised", the clause before


def test_a_partitive_source_is_not_the_person_it_names(quotes_of):
    text = "Peter Kral spoke on Monday. “We will not sign this deal,” several of Peter Kral’s aides said."
    quote = _only(quotes_of(text))
    assert quote.speaker.surface == "several of Peter Kral’s aides"
    assert quote.speaker.name is None  # his aides, not Kral himself
