"""Theme tagging from the SEND theme lexicon."""

from __future__ import annotations

import pytest

from app.feedback.themes import FEEDBACK_THEMES, ThemeLexiconError, ThemeTagger, tag, theme_name


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        ("The caseworker never replied to my emails", {"communication"}),
        ("We waited 30 weeks for the plan", {"timeliness"}),
        ("Nobody listened to our views", {"listening_involvement"}),
        ("The SENCO at his nursery was great", {"school_setting"}),
        ("The paediatrician and speech and language therapy advice", {"health_input"}),
        ("Our social worker arranged short breaks", {"social_care"}),
        ("SENDIASS came to the meeting with me", {"sendiass"}),
        ("The taxi to school is always late", {"transport", "school_setting", "timeliness"}),
        ("The EHC plan was vague and copied and pasted", {"plan_quality"}),
        ("He needs a place at a special school", {"specialist_provision", "school_setting"}),
        ("Planning for college and a supported internship", {"preparing_for_adulthood", "school_setting"}),
        ("We had to go to tribunal", {"disagreement_resolution"}),
        ("The Local Offer website is hard to find information on", {"information_local_offer"}),
    ],
)
def test_tags_each_theme(text, themes):
    assert themes <= set(tag(text)), tag(text)


def test_stems_match_other_forms_of_a_word():
    assert "communication" in tag("They are not communicating with us")
    assert "timeliness" in tag("Everything was delayed")
    assert "listening_involvement" in tag("I was listening, they were not")


def test_matches_whole_words_only():
    assert "transport" not in tag("The business of the day")  # "bus" inside "business"
    assert "school_setting" not in tag("We set up a meeting")  # "setting" is matched exactly


def test_short_acronyms_match_only_in_capitals():
    assert "school_setting" in tag("The TA is wonderful")
    assert "school_setting" not in tag("ta very much")


def test_phrases_match_word_by_word():
    assert "social_care" in tag("We finally got a direct payment")
    assert "social_care" not in tag("The payment was direct")


def test_a_comment_can_have_no_theme():
    assert tag("Thank you") == []


def test_themes_come_in_display_order():
    themes = tag("The transport was late and communication was poor")
    assert themes == [key for key in FEEDBACK_THEMES if key in themes]


def test_every_theme_has_a_name():
    assert theme_name("sendiass").startswith("SENDIASS")


def test_lexicon_and_names_must_match(tmp_path):
    lexicon = tmp_path / "themes.yaml"
    lexicon.write_text("communication: [email]\nunknown_theme: [thing]\n", encoding="utf-8")
    with pytest.raises(ThemeLexiconError, match="unknown_theme"):
        ThemeTagger(lexicon)


def test_a_clear_helpful_page_is_not_staff_attitude():
    themes = tag("The preparing for adulthood section is really clear and helpful")
    assert "staff_attitude" not in themes
    assert themes == ["preparing_for_adulthood", "information_local_offer"]


def test_helpful_staff_are_staff_attitude():
    assert "staff_attitude" in tag("The officer was really helpful and kind.")
    assert "staff_attitude" not in tag("The website was really helpful.")


def test_themes_agree_with_hand_labelled_comments():
    # bench/themes_bench.py prints the per-theme figures; this floor catches regressions.
    import csv
    from pathlib import Path

    path = Path(__file__).parent / "data" / "themes_gold.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(r["text"], {t for t in r["themes"].split(";") if t}) for r in csv.DictReader(handle)]
    assert len(rows) >= 200
    hit = extra = missed = 0
    staff_found = staff_right = 0
    for text, truth in rows:
        found = set(tag(text))
        hit += len(found & truth)
        extra += len(found - truth)
        missed += len(truth - found)
        staff_found += "staff_attitude" in found
        staff_right += "staff_attitude" in found & truth
    assert hit / (hit + extra) >= 0.75
    assert hit / (hit + missed) >= 0.85
    assert staff_right / staff_found >= 0.6
