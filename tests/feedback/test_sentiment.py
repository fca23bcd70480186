"""Sentiment: TextBlob polarity with the SEND lexicon, clause weighting and question awareness."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textblob import TextBlob

from app.feedback.sentiment import analyser, label_for, question_kind, score

IMPROVEMENT = "What could we do better?"
WENT_WELL = "What went well?"
DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "answer",
    [
        "nothing",
        "No",
        "n/a",
        "N/A",
        "All good",
        "Nothing really, it was fine",
        "none",
        "Nope",
        "No complaints",
        "Can't think of anything",
        "Nothing, keep up the good work",
        "nothing at all, thank you",
        "-",
    ],
)
def test_nothing_to_improve_means_content(answer):
    result = score(answer, question=IMPROVEMENT)
    assert result.label == "positive"
    assert result.content


@pytest.mark.parametrize(
    "answer",
    ["Nothing, but the wait for CAMHS was far too long", "No one listened to us", "No, we had to fight for everything"],
)
def test_a_complaint_after_nothing_is_still_negative(answer):
    result = score(answer, question=IMPROVEMENT)
    assert result.label == "negative"
    assert not result.content


@pytest.mark.parametrize(
    "answer", ["nothing", "Not much", "Not much to be honest, it was a battle.", "Honestly? Nothing went well."]
)
def test_nothing_went_well_is_negative(answer):
    assert score(answer, question=WENT_WELL).label == "negative"


def test_the_same_word_reads_differently_by_question():
    assert score("Nothing", question=IMPROVEMENT).label == "positive"
    assert score("Nothing", question=WENT_WELL).label == "negative"
    assert score("Nothing").label == "neutral"


def test_a_wish_for_better_is_not_praise():
    # "better" is praise in a comment but only names a wish when asked what to improve.
    assert score("Better communication", question=IMPROVEMENT).label == "neutral"
    assert score("It is better now").label == "positive"
    assert score("Communication could have been better.").label == "negative"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I had to keep chasing the SEN team for updates.", "negative"),
        ("We fought for two years to get this plan.", "negative"),
        ("It has been a battle from start to finish.", "negative"),
        ("I felt ignored at every meeting.", "negative"),
        ("We have been waiting months for a reply.", "negative"),
        ("There was a delay with the health advice.", "negative"),
        ("The caseworker listened to us.", "positive"),
        ("The school has been really supportive.", "positive"),
        ("I didn't have to chase anyone.", "positive"),
        ("The plan arrived without delay.", "positive"),
    ],
)
def test_send_words_carry_their_weight(text, label):
    assert score(text).label == label


def test_special_educational_needs_is_not_praise():
    assert score("My son has special educational needs and complex needs.").label == "neutral"


def test_mixed_comment_leans_on_the_clause_after_but():
    first = score("Staff were lovely but the wait was awful.")
    second = score("The wait was awful but the staff were lovely.")
    assert first.mixed and second.mixed
    assert first.label == "negative"
    assert second.label == "positive"


def test_concession_weighs_less_than_the_main_clause():
    assert score("Although it took a while, they really listened to what we wanted.").label == "positive"


def test_polarity_matches_textblob_where_no_send_words_are_used():
    text = "The meeting was great and the room was nice"
    ours = score(text)
    assert ours.polarity == pytest.approx(TextBlob(text).sentiment.polarity)
    assert ours.subjectivity == pytest.approx(TextBlob(text).sentiment.subjectivity)


def test_textblob_shared_lexicon_is_left_untouched():
    analyser()
    assert TextBlob("chasing").sentiment.polarity == 0.0


@pytest.mark.parametrize(
    ("wording", "kind", "expected"),
    [
        ("What could we do better?", None, "improvement"),
        ("Is there anything we should change?", None, "improvement"),
        ("How could we improve the Local Offer?", None, "improvement"),
        ("What went well?", None, "praise"),
        ("Anything else you want to tell us?", None, "general"),
        ("Tell us more", "improvement", "improvement"),
        ("Tell us more", "went_well", "praise"),
        ("What were you looking for that you could not find?", "gaps", "improvement"),
        (None, None, "general"),
    ],
)
def test_question_kind(wording, kind, expected):
    assert question_kind(wording, kind) == expected


def test_labels_follow_thresholds():
    assert label_for(0.1) == "positive"
    assert label_for(0.05) == "neutral"
    assert label_for(-0.1) == "negative"


def test_empty_text_is_neutral():
    assert score("   ").label == "neutral"


def _accuracy(name: str) -> float:
    with (DATA / name).open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    right = sum(score(row["text"], question=row["question"] or None).label == row["label"] for row in rows)
    return right / len(rows)


def test_labels_agree_with_hand_labelled_comments():
    # The figures are reported by bench/feedback_bench.py; these floors catch regressions.
    assert _accuracy("sentiment_gold.csv") >= 0.85
    assert _accuracy("sentiment_holdout.csv") >= 0.65


def test_a_missed_deadline_is_negative():
    assert score("Stick to the 20 week deadline. Ours took 31 weeks.").label == "negative"
    assert score("Stick to the 20 week deadline. Ours took 31 weeks.", question=IMPROVEMENT).label == "negative"


def test_the_model_explains_its_label():
    from app.feedback.sentiment import SentimentAnalyser
    from app.feedback.sentiment_model import features, model

    text = "Ours took 31 weeks."
    reading, _ = SentimentAnalyser(trained=False).lexicon_clauses(text)
    found = features(
        text,
        polarity=reading.polarity,
        subjectivity=reading.subjectivity,
        label=reading.label,
        mixed=False,
        kind="general",
    )
    prediction = model().predict(found)
    assert prediction.label == "negative"
    assert abs(sum(prediction.probabilities.values()) - 1) < 1e-9
    reasons = [name for name, _ in model().explain(found, "negative")]
    assert "w:took" in reasons or "w:weeks" in reasons


def test_without_the_model_the_lexicon_decides(tmp_path, monkeypatch):
    from app.feedback import sentiment_model
    from app.feedback.sentiment import SentimentAnalyser

    monkeypatch.setattr(sentiment_model, "MODEL_FILE", tmp_path / "absent.json")
    sentiment_model.model.cache_clear()
    try:
        analyser = SentimentAnalyser()
        assert analyser.model is None
        assert analyser.score("The short breaks team were brilliant.").label == "positive"
    finally:
        sentiment_model.model.cache_clear()


def test_trained_labels_beat_the_lexicon_on_unseen_send_comments():
    from app.feedback.sentiment import SentimentAnalyser, question_kind

    with (DATA / "sentiment_holdout.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    def right(analyser):
        return sum(
            analyser.score(r["text"], kind=question_kind(r["question"] or None)).label == r["label"] for r in rows
        )

    assert right(SentimentAnalyser()) > right(SentimentAnalyser(trained=False))
