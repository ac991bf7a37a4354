from datetime import date

from bot.analysis.alerts import alert_line, build_alert, place_phrase, source_name
from bot.models import Casualties, Event, Place

NAMES = {"AF": "Afghanistan", "US": "United States", "PS": "Palestine"}.__getitem__
LASHKAR = Place("g:1", "Lashkar Gah", "city", "AF", "Helmand")
KANDAHAR = Place("g:2", "Kandahar", "city", "AF", "Kandahar")
HERAT = Place("g:3", "Herat", "city", "AF", "Herat")
US = Place("country:US", "United States", "country", "US")


def test_alert_line_lists_places_then_country():
    e = Event("attack", [LASHKAR, KANDAHAR, HERAT], "ev", severity="high")
    assert alert_line(e, NAMES) == "🟠 ATTACK · Lashkar Gah, Kandahar, Herat — Afghanistan"


def test_alert_line_with_country_only_and_figures():
    e = Event("refugee_policy", [US], "ev", severity="medium")
    assert alert_line(e, NAMES) == "🟡 REFUGEE POLICY · United States"
    e = Event("civilian_harm", [LASHKAR], "ev", severity="critical",
              casualties=Casualties(killed=40, qualifier="at least"))
    assert alert_line(e, NAMES).endswith("· at least 40 killed")


def test_place_phrase_caps_long_lists():
    places = [Place(f"g:{i}", f"Town{i}", "city", "AF") for i in range(7)]
    assert place_phrase(places, NAMES) == "Town0, Town1, Town2, Town3, +3 more — Afghanistan"
    assert place_phrase([], NAMES) == "location unknown"


def test_source_name_and_alert_text():
    assert source_name("https://www.example.org/a/b") == "example.org"
    assert source_name(None, "Daily Planet") == "Daily Planet"
    events = [Event("attack", [KANDAHAR], "ev", severity="critical"),
              Event("displacement", [HERAT], "ev", severity="medium")]
    alert = build_alert(events, "Two sentences. Here.", url="https://example.org/x",
                        published=date(2024, 5, 1), site_name=None, country_name=NAMES)
    text = alert.to_text()
    assert text.splitlines()[0].startswith("🔴 ATTACK · Kandahar")
    assert "Two sentences. Here." in text
    assert text.splitlines()[-1] == "example.org · 2024-05-01 — https://example.org/x"
    assert alert.colour == 0xD0021B and events[1].alert.startswith("🟡 DISPLACEMENT")


def test_alert_payload_round_trips():
    events = [Event("attack", [KANDAHAR, LASHKAR], "ev", headline=True, severity="high",
                    confidence=0.91, actors=["Taliban"],
                    casualties=Casualties(killed=3, injured=None, qualifier=None, text="3"))]
    alert = build_alert(events, "S.", url="https://example.org/x", published=date(2024, 5, 1),
                        site_name="Example", country_name=NAMES)
    import json

    from bot.analysis.alerts import Alert

    again = Alert.from_payload(json.loads(json.dumps(alert.to_payload())))
    assert again == alert
    assert again.events[0].places[0].key == "g:2"
