"""Comments analysed and summarised: split, trend, themes, theme sentiment and quotes."""

from __future__ import annotations

import datetime as dt

from app.feedback.analysis import CommentRecord, FeedbackFilters, analyse, analyse_all, summarise


def comment(index: int, text: str, *, month: int = 1, quotable: bool = True, **kwargs) -> CommentRecord:
    return CommentRecord(index, text, dt.date(2026, month, 1 + index % 28), quotable=quotable, **kwargs)


def test_each_theme_gets_the_sentiment_of_its_own_clause():
    result = analyse(comment(1, "Staff were lovely but the wait was awful"))
    assert result.sentiment.label == "negative"
    assert result.theme_label("staff_attitude") == "positive"
    assert result.theme_label("timeliness") == "negative"


def test_content_answers_have_no_theme():
    result = analyse(comment(1, "Nothing, all good", question="What could we do better?"))
    assert result.sentiment.label == "positive"
    assert result.themes == ()


def test_summary_split_trend_and_suppression():
    texts = ["The caseworker was really helpful"] * 6 + ["We had to chase for weeks"] * 3
    analysed = analyse_all([comment(i, t, month=1 + i % 2) for i, t in enumerate(texts)])
    summary = summarise(analysed)
    assert summary.comments.text == "9"
    # 3 negative comments are hidden; 6 positive would give them away (9 - 6), so they hide too.
    assert summary.split.counts["negative"].text == "not shown"
    assert summary.split.counts["positive"].text == "not shown"
    assert summary.split.shares["positive"].text == "not shown"
    assert summary.split.shares["negative"].text == "not shown"
    assert summary.split.hidden_share == 100.0
    assert [period.key for period, _ in summary.trend] == ["2026-01", "2026-02"]
    assert summary.trend[1][1].total.text == "not shown"  # 4 comments
    assert summary.trend[0][1].total.text == "not shown"  # else 9 - 5 gives February away


def test_themes_counted_and_quotes_redacted_from_approved_comments_only():
    texts = [
        "Our caseworker Sarah kept us informed about every step",
        "The caseworker never replied to my emails for weeks",
        "Emails from the SEN team were answered quickly and kindly",
        "Communication with the council was poor, ring me on 07700 900123",
        "We had no reply to our letter about the draft plan",
    ]
    analysed = analyse_all([comment(i, t, quotable=i != 1) for i, t in enumerate(texts)])
    summary = summarise(analysed)
    row = next(r for r in summary.themes if r.key == "communication")
    assert row.comments.text == "5"
    quotes = [q.text for q in row.quotes]
    assert quotes, "expected quotes for a theme with 5 comments"
    assert not any("never replied" in q for q in quotes)  # not approved
    assert all("Sarah" not in q and "07700" not in q for q in quotes)
    assert not any("[" in q for q in quotes), "a quote never shows a redaction marker"
    assert {q.label for q in row.quotes} == {"positive", "negative"}


def test_no_quotes_for_a_theme_under_5_comments():
    analysed = analyse_all([comment(i, "The taxi to school was late again today") for i in range(4)])
    row = next(r for r in summarise(analysed).themes if r.key == "transport")
    assert row.comments.text == "not shown"
    assert row.quotes == ()
    assert row.mean_polarity is None


def test_themes_sorted_by_count():
    texts = ["The taxi was late"] * 5 + ["The school was great and the taxi was late"] * 6
    rows = summarise(analyse_all([comment(i, t) for i, t in enumerate(texts)])).themes
    assert rows[0].key == "transport" or rows[0].comments.base >= rows[1].comments.base
    assert [r.comments.base for r in rows] == sorted((r.comments.base for r in rows), reverse=True)


def test_filters():
    records = [
        comment(1, "a", survey_id="ehcp-finalisation", locale="en"),
        comment(2, "b", survey_id="young-person", locale="pl", month=3),
    ]
    assert [c.id for c in FeedbackFilters(survey_id="young-person").comments(records)] == [2]
    assert [c.id for c in FeedbackFilters(locale="en").comments(records)] == [1]
    assert [c.id for c in FeedbackFilters(start=dt.date(2026, 2, 1)).comments(records)] == [2]


def test_an_officer_s_correction_wins_over_the_machine():
    import datetime as dt

    from app.feedback.analysis import CommentRecord, analyse, summarise

    text = "The caseworker never replied to my emails."
    machine = analyse(CommentRecord(1, text, dt.date(2026, 1, 5)))
    assert machine.sentiment.label == "negative" and "communication" in machine.themes
    corrected = analyse(
        CommentRecord(2, text, dt.date(2026, 1, 5), corrected_sentiment="neutral", corrected_themes=("staff_attitude",))
    )
    assert corrected.sentiment.label == "neutral"
    assert corrected.themes == ("staff_attitude",)
    assert corrected.theme_label("staff_attitude") == "neutral"
    only_themes = analyse(CommentRecord(3, text, dt.date(2026, 1, 5), corrected_themes=()))
    assert only_themes.themes == () and only_themes.sentiment.label == "negative"
    summary = summarise([machine, corrected, only_themes])
    assert summary.corrected == 2
    assert summary.corrected_labels == {"neutral": 1, "negative": 1}
