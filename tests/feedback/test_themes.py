"""Themes by rule: keys and names, whole words, case and punctuation ignored; the lexicon; the words shown."""

from __future__ import annotations

from services.feedback.themes import count, index_for


def _index():
    return index_for({"persona": [("anxious_planner", "Jennifer Martinez")],
                      "arc": [("shame_to_acceptance", "Shame → Acceptance")],
                      "topic": [("roth_ira_conversion", "Roth IRA Conversion")]},
                     {"persona": [("anxious_planner", ["Jennifer Martinez", "The Anxious Planner"])]})


def test_a_key_or_a_name_raises_its_theme_with_the_words_that_matched():
    matches = {m.theme: m for m in _index().match("More ROTH-IRA conversion talks, and shame_to_acceptance!")}
    assert matches["roth_ira_conversion"].kind == "topic"
    assert matches["roth_ira_conversion"].words == ["roth ira conversion"]
    assert matches["shame_to_acceptance"].words == ["shame to acceptance"]
    assert "more data" not in matches  # 'more roth' is not 'more data'


def test_a_persona_by_archetype_without_the_article():
    (match,) = [m for m in _index().match("an anxious planner feels real") if m.kind == "persona"]
    assert match.theme == "anxious_planner" and match.words == ["anxious planner"]


def test_whole_words_only():
    assert _index().match("Shamefully, I trained nothing") == [
        m for m in _index().match("Shamefully, I trained nothing") if m.theme == "format/training"]
    assert [m.theme for m in _index().match("licensed")] == []


def test_the_lexicon():
    themes = {m.theme: m.words for m in _index().match(
        "Is commercial use allowed under the license? Also a Spanish version and more examples please; "
        "the access form is broken and there are typos. Does it work with TRL?")}
    assert themes == {"access": ["access", "form"], "format/training": ["trl"], "language": ["spanish"],
                      "license": ["commercial use", "license"], "more data": ["more examples"],
                      "quality": ["typos"]}


def test_count_counts_a_text_once_per_theme():
    index = _index()
    counted = count([index.match("roth ira conversion, Roth IRA Conversion"), index.match("roth_ira_conversion")])
    assert [(t.theme, t.count) for t in counted] == [("roth_ira_conversion", 2)]


def test_the_names_themes_look_for_are_said_one_way_on_the_page_and_in_the_terminal(demo_dataset):
    from services.batch.scaffolding_source import FROM_DEMO, counted, demo_scaffolding
    from services.feedback.themes import index_of, named_index

    scaffolding = demo_scaffolding()
    said = counted(scaffolding, FROM_DEMO, demo_dataset)
    index, words = named_index(demo_dataset, scaffolding, said)
    assert index == index_of(demo_dataset, scaffolding)
    assert words == f"the data's names and {said}" and "10 arcs, 7 with conversations" in words
    assert named_index(None, scaffolding, FROM_DEMO)[1] == "the names in the demo scaffolding"  # no data: no claim
