from bot.analysis.summary import MAX_CHARS, summarize
from bot.models import Event, Place

TEXT = """Rebels captured the town of Bardai on Tuesday after two days of fighting, officials said.

Thousands of residents fled south towards the capital, aid groups reported.

"We heard shooting all night," one resident said.

The town lies in a region rich in minerals and has changed hands before.

Reporting by our correspondent in the region. Subscribe for more."""


def test_summary_is_two_or_three_sentences_from_the_article_in_order():
    s = summarize(TEXT, "Rebels capture Bardai")
    assert s.startswith("Rebels captured the town of Bardai")
    assert 2 <= s.count(".") <= 4
    assert "Subscribe" not in s and "We heard shooting" not in s
    assert len(s) <= MAX_CHARS + 120


def test_summary_prefers_event_evidence():
    ev = Event("displacement", [Place("g:1", "Bardai", "city", "TD")],
               "Thousands of residents fled south towards the capital, aid groups reported.")
    s = summarize(TEXT, "", [ev])
    assert "Thousands of residents fled" in s


def test_summary_of_a_single_sentence_text():
    assert summarize("Only one sentence here about floods in the valley.") == (
        "Only one sentence here about floods in the valley.")


def test_a_heading_line_does_not_run_into_the_next_sentence():
    text = ("Floods force hundreds from homes in Fife\n\nHundreds of residents were evacuated "
            "from their homes in Kirkcaldy on Sunday after the river burst its banks.")
    s = summarize(text)
    assert "in Fife. Hundreds of residents" in s
