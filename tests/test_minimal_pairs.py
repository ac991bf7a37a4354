"""Minimal pairs: two texts that differ in one thing, and the one thing decides the event.

Each pair is written for these tests. They pin what the trained classifier and the
parse-based checks must tell apart: tense, the sense of "strike", metaphors, and vetoes
that must stay inside the trigger's own clause.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.models import Article

PUBLISHED = date(2025, 3, 10)


def types(analyzer, text: str, title: str = "") -> set[str]:
    events = analyzer.extractor.extract(Article(text=text, title=title, published=PUBLISHED))
    return {e.type for e in events}


@pytest.mark.parametrize(
    ("present", "past", "etype"),
    [
        ("Russian forces launch missiles at the centre of Odesa, killing four people.",
         "Russian forces launched missiles at the centre of Odesa, killing four people.",
         "attack"),
        ("Rebels seize the town of Kalehe in South Kivu province.",
         "Rebels seized the town of Kalehe in South Kivu province.",
         "capture"),
        ("Thousands of residents flee Goma as fighting approaches the city.",
         "Thousands of residents fled Goma as fighting approached the city.",
         "displacement"),
        ("Rebels shell the town of Uvira, wounding dozens of residents.",
         "Rebels shelled the town of Uvira, wounding dozens of residents.",
         "attack"),
        ("Sudanese army planes bombard a market in Nyala, Darfur.",
         "Sudanese army planes bombarded a market in Nyala, Darfur.",
         "attack"),
    ],
)
def test_present_tense_reports_like_the_past(analyzer, present, past, etype):
    assert etype in types(analyzer, present)
    assert etype in types(analyzer, past)


def test_air_strike_is_an_attack_labour_strike_is_not(analyzer):
    air = types(analyzer, "Three people are killed in Russian strikes on Kharkiv overnight.")
    labour = types(analyzer, "Teachers in Lyon go on strike over pay for the third week.")
    assert "attack" in air and "protest" not in air
    assert not labour & {"attack", "civilian_harm", "protest"}


@pytest.mark.parametrize(
    ("attack", "look_alike"),
    [
        # a shooting with victims, not a film's
        ("Three people are killed in a shooting at a shopping centre in Malmo, Sweden.",
         "The shooting of the film in Malmo ends after six weeks."),
        # troops exchanging fire, not ministers exchanging letters
        ("Thai and Cambodian troops exchange fire along the border near Preah Vihear.",
         "Thai and Cambodian ministers exchange letters on the border near Preah Vihear."),
    ],
)
def test_an_attack_and_the_same_words_that_are_none(analyzer, attack, look_alike):
    assert "attack" in types(analyzer, attack)
    assert not types(analyzer, look_alike)


def test_a_strike_by_one_country_on_another_lies_where_it_landed(analyzer):
    text = "Israeli drones strike two fighter jets at an airport in Tehran."
    events = analyzer.extractor.extract(Article(text=text, title="", published=PUBLISHED))
    attack = next(e for e in events if e.type == "attack")
    assert {p.country for p in attack.places} == {"IR"}


def test_the_nationality_of_an_armed_side_does_not_choose_a_namesake(analyzer):
    # Written for this test: Pokrovsk is a town of Donetsk oblast and of Yakutia; the
    # Russian forces that take it say who fights, not which Pokrovsk. A nationality that
    # names no armed side still counts.
    def countries(text: str) -> set[str | None]:
        events = analyzer.extractor.extract(Article(text=text, title="", published=PUBLISHED))
        return {p.country for e in events for p in e.places}

    assert countries("Russian forces capture Pokrovsk.") == {"UA"}
    assert countries("Russian rescuers say a flood in Pokrovsk kills four people.") == {"RU"}


@pytest.mark.parametrize(
    "text",
    [
        "The Carolina Hurricanes beat the Boston Bruins 4-2 in Raleigh on Saturday night.",
        "The tariff announcement was a disaster for investors in London on Monday.",
        "The new phone can capture 4K video at 120 frames per second, Apple said in Cupertino.",
        "The prime minister came under fire from critics in Ottawa over the housing plan.",
    ],
)
def test_metaphors_raise_no_event(analyzer, text):
    assert types(analyzer, text) == set()


def test_a_trade_truce_is_no_ceasefire_a_truce_in_a_war_is(analyzer):
    # Written for this test: a truce between trading partners pauses tariffs, not fighting.
    for trade in ("China and the United States extend their trade truce by another 90 days, "
                  "hours before higher tariffs would have taken effect.",
                  "Trump signs an order extending the China tariff truce by 90 days."):
        assert "ceasefire" not in types(analyzer, trade), trade
    assert "ceasefire" in types(
        analyzer, "Israel and Hamas extend their truce by another 90 days, hours before "
        "fighting would have resumed in Gaza.")


def test_a_team_named_after_storms_is_no_disaster_named_storms_are(analyzer):
    # Written for this test: a plural storm word closing a name of several words is a
    # team's, and so is a singular one beside a score; first in the name ("Hurricane
    # Melissa"), followed by the storms' names, or a plain noun it is news.
    for team in ("The Miami Hurricanes football team lost at home on Saturday.",
                 "Fans of the Carolina Hurricanes flooded the streets of Raleigh after the win.",
                 "The Iowa State Cyclones destroyed Kansas 42-7 on Saturday.",
                 # singular, beside a score: a team's too
                 "The Colorado Avalanche buried the Dallas Stars 6-1 in Denver on Tuesday."):
        assert "disaster" not in types(analyzer, team), team
    for storm in ("Cyclones Idai and Kenneth killed more than 1,000 people in Mozambique "
                  "last month.",
                  "Hurricane Melissa struck Jamaica on Tuesday, killing 19 people.",
                  "An avalanche buried six skiers near Zermatt on Tuesday, killing four."):
        assert "disaster" in types(analyzer, storm), storm


@pytest.mark.parametrize(
    ("inside", "outside", "etype"),
    [
        # history: the anniversary is the event's own frame / only an aside on the date
        ("Veterans commemorate the bombing of Dresden on its anniversary in Germany.",
         "Protesters march through Yangon on Monday, the anniversary of the coup, "
         "and police fire tear gas.",
         None),
        # court: a trial about the killings / a court official only reports them
        ("A court in The Hague convicts a militia leader over the massacre of villagers.",
         "Rebels seize the town of Rutshuru after heavy fighting, a court official says.",
         "capture"),
        # denial: the seizure denied / a denial about something else
        ("The army denies reports that rebels have seized the town of Bunagana in Congo.",
         "Rebels seize the town of Bunagana in Congo, while the army denies reports of looting.",
         "capture"),
        # habitual: what usually happens / today's report beside a habit
        ("Gunmen often attack villages in Zamfara State during the rainy season.",
         "Gunmen attack a village in Zamfara State, where farmers often plant maize.",
         "attack"),
    ],
)
def test_a_veto_counts_only_in_the_triggers_clause(analyzer, inside, outside, etype):
    found_inside = types(analyzer, inside)
    assert found_inside & {"attack", "capture", "civilian_harm"} == set()
    if etype is None:
        assert "protest" in types(analyzer, outside)
    else:
        assert etype in types(analyzer, outside)


def test_what_a_year_or_season_brings_on_average_is_no_event(analyzer):
    # Written for this test: an average season's storms, a toll every year, a monthly average
    # against the news; the habit in another clause of the sentence leaves the news standing.
    assert "disaster" not in types(analyzer, "An average Atlantic season produces 14 named "
                                             "storms, seven hurricanes and three major ones.")
    assert "disaster" in types(analyzer, "Hurricane Milton made landfall near Sarasota on "
                                         "Wednesday, forcing thousands to flee their homes.")
    assert "displacement" not in types(analyzer, "On average, fighting displaces 2,000 people "
                                                 "a month in North Kivu.")
    # measured against the habit, the news stands
    assert "disaster" in types(analyzer, "Wildfires in Portugal have burned more land this week "
                                         "than in an average year, forcing 2,000 people to "
                                         "flee.")
    assert "displacement" in types(analyzer, "The river floods its banks every year, but on "
                                             "Monday the floods forced 20,000 people from "
                                             "their homes in Beira.")


def test_a_veto_word_that_only_says_where_does_not_veto(analyzer):
    outside = ("Twelve people are killed and 27 injured in a suicide bombing outside a court "
               "in Islamabad, Pakistan, on Tuesday.")
    trial = ("A court in Islamabad, Pakistan, convicts three men over a suicide bombing that "
             "killed twelve people in 2019.")
    assert "attack" in types(analyzer, outside)
    assert types(analyzer, trial) == set()


def test_a_veto_word_naming_the_target_does_not_veto(analyzer):
    target = ("More than 40 people are killed and 80 injured in an air strike on a festival in "
              "Chaung-U, Myanmar, residents said on Tuesday.")
    film = ("A documentary about the air strike was shown at a film festival in Cannes on "
            "Tuesday, its director said.")
    assert "attack" in types(analyzer, target)
    assert "attack" not in types(analyzer, film)


def test_a_truce_named_in_passing_is_no_ceasefire_event(analyzer):
    # Written for this test: what a truce does (comes into effect) against a truce that
    # only frames another story ("under the ceasefire agreement") or is strained.
    starts = ("The ceasefire agreement between the army and the rebels comes into effect in "
              "Juba, South Sudan, at midnight.")
    framed = ("Under the terms of the ceasefire agreement, officials in Juba, South Sudan, "
              "reopen two markets.")
    strained = ("Each side accuses the other of violating the ceasefire near Juba, South Sudan, "
                "on Sunday.")
    assert "ceasefire" in types(analyzer, starts)
    assert "ceasefire" not in types(analyzer, framed)
    assert "ceasefire" not in types(analyzer, strained)


def test_a_toll_without_violence_is_no_civilian_harm(analyzer):
    # Written for this test: the same toll after a storm and after a shooting.
    storm = ("Typhoon Ketsana makes landfall near Da Nang, Vietnam. At least four people are "
             "killed and 78 injured.")
    shooting = ("Gunmen open fire on a crowded market in Da Nang, Vietnam. At least four people "
                "are killed and 78 injured.")
    assert "disaster" in types(analyzer, storm)
    assert "civilian_harm" not in types(analyzer, storm)
    assert {"attack", "civilian_harm"} <= types(analyzer, shooting)


def test_a_stabbing_is_violence_enough_for_civilian_harm(analyzer):
    # Written for this test: the same toll after a fire and after a stabbing that the model
    # does not read as an armed attack; the stabbing is violence in the sentence itself.
    fire = ("Four people are killed in a fire at a market in Agra, India. Police are searching "
            "for the cause, a local official says.")
    stabbing = ("Four people are killed in a stabbing at a market in Agra, India. Police are "
                "searching for the suspect, a local official says.")
    assert "civilian_harm" not in types(analyzer, fire)
    assert "civilian_harm" in types(analyzer, stabbing)


def test_an_old_attack_in_an_aside_leaves_the_main_clause_to_the_model(analyzer):
    # Written for this test: the lexicon's only word for an attack dates from 2023, in a
    # relative clause; the main clause is today's raid (kill) or an arrest (no attack).
    raid = ("Israeli forces kill a Palestinian gunman who carried out a ramming attack in "
            "March 2023 and arrest two others in Jenin, West Bank.")
    arrest = ("Israeli forces arrest a Palestinian gunman who carried out a ramming attack in "
              "March 2023 in Jenin, West Bank.")
    assert "attack" in types(analyzer, raid)
    assert "attack" not in types(analyzer, arrest)


def test_a_vetoed_word_in_an_aside_leaves_the_main_clause_to_the_model(analyzer):
    # Written for this test: "since the invasion began" is history and vetoes its own word;
    # the main clause is an advance (an attack) or an aid handout (none).
    advance = ("Russian forces advance into the city of Kostiantynivka for the first time "
               "since the invasion began.")
    aid = ("Russian forces hand out food in the city of Kostiantynivka for the first time "
           "since the invasion began.")
    assert "attack" in types(analyzer, advance)
    assert "attack" not in types(analyzer, aid)


def test_an_attempt_in_an_aside_leaves_the_main_clause_to_the_model(analyzer):
    # Written for this test: the lexicon's word is an attempted attack (no attack), in a
    # relative clause; the main clause is a deadly raid (an attack) or questioning (none).
    raid = ("In Bannu, Pakistan, security forces kill 20 militants who were trying to attack "
            "a police checkpoint.")
    questioning = ("In Bannu, Pakistan, police question 20 men who were trying to attack a "
                   "police checkpoint.")
    assert "attack" in types(analyzer, raid)
    assert "attack" not in types(analyzer, questioning)


def test_an_attack_fought_off_was_made_but_a_capture_fought_off_was_not(analyzer):
    # Written for this test: "repel" prevents what the attackers aimed at, not the attack.
    attack = ("Soldiers repel an attack on an army base near Damasak, Borno State, Nigeria, "
              "killing 13 militants.")
    capture = ("Soldiers repel a rebel attempt to capture the town of Damasak in Borno State, "
               "Nigeria.")
    assert "attack" in types(analyzer, attack)
    assert "capture" not in types(analyzer, capture)


def test_the_year_of_a_law_dates_nothing(analyzer):
    # Written for this test: a year in a law's name ("the Public Order Act 1986") neither
    # names an old event nor dates the arrests made under it; a year of its own does. (People
    # detained "for attending a protest" are now read as detained for an earlier protest:
    # see test_a_protest_people_are_charged_or_released_for_is_no_protest_event.)
    law = ("More than 500 people are detained by police in London under the Public Order Act "
           "1986 at a protest in support of a banned group.")
    dated = ("More than 500 people are detained by police in London in 2019 at a protest in "
             "support of a banned group.")
    assert "protest" in types(analyzer, law)
    assert "protest" not in types(analyzer, dated)


def test_a_finding_according_to_a_study_is_no_event(analyzer):
    # Written for this test: a study's finding about floods in general / officials' toll of
    # this week's floods; "according to" names the source as "a study says" would.
    study = ("Floods that hit Kerala, India, are killing more people than they did two decades "
             "ago, according to a study published on Tuesday.")
    toll = ("Floods that hit Kerala, India, this week have killed at least 40 people, "
            "according to officials.")
    assert "disaster" not in types(analyzer, study)
    assert "disaster" in types(analyzer, toll)


def test_deadly_heavy_rains_are_a_disaster_and_a_forecast_of_them_is_not(analyzer):
    # Written for this test: no flood, storm or landslide is named, only the rains.
    deadly = ("Six people die and some 3,000 homes are damaged after torrential rains lash the "
              "hill district of Kandy, Sri Lanka.")
    forecast = ("Forecasters say torrential rains are expected in the hill district of Kandy, "
                "Sri Lanka, over the coming week.")
    assert "disaster" in types(analyzer, deadly)
    assert "disaster" not in types(analyzer, forecast)


def test_a_charge_over_an_old_shooting_is_no_new_attack(analyzer):
    # Written for this test: the shooting is what a man is charged over / the shooting is
    # today's news and the charge comes after, in a clause of its own.
    charged = ("A man is arrested and charged with five counts of murder for a mass shooting "
               "that killed five people at a bar in Dayton, Ohio, in August.")
    news = ("A gunman kills five people in a mass shooting at a bar in Dayton, Ohio, on "
            "Saturday. Police later charge a suspect with murder.")
    assert types(analyzer, charged) & {"attack", "civilian_harm"} == set()
    assert "attack" in types(analyzer, news)


def test_an_inquiry_vetoes_only_what_it_investigates(analyzer):
    # Written for this test: the killings are what a commission investigates / the
    # killings are news and an inquiry follows in a clause of its own.
    inquiry = ("Police open an investigation into the massacre of 20 villagers by gunmen in "
               "Kafanchan, Nigeria.")
    news = ("Gunmen massacre 20 villagers in Kafanchan, Nigeria, on Sunday, and the police "
            "open an investigation.")
    assert "civilian_harm" not in types(analyzer, inquiry)
    assert "civilian_harm" in types(analyzer, news)


def test_harm_to_combatants_only_is_no_civilian_harm(analyzer):
    # Written for this test: the same raid, on a police compound and on a market.
    post = types(analyzer, "Gunmen attack a police compound in Bannu, Pakistan, killing 12 "
                           "officers, officials say.",
                 title="Deadly raid on police compound in Pakistani city")
    market = types(analyzer, "Gunmen attack a crowded market in Bannu, Pakistan, killing 12 "
                             "people, officials say.",
                   title="Deadly raid on market in Pakistani city")
    assert "attack" in post and "civilian_harm" not in post
    assert {"attack", "civilian_harm"} <= market


def test_people_an_attack_kills_come_to_harm_unless_they_are_fighters(analyzer):
    # Written for this test. The dead are not called civilians, but nor are they called
    # fighters: labelling rule 4 of training/LABELLING.md makes that civilian harm.
    bombing = ("are killed in a roadside bombing on a police vehicle in a former Taliban "
               "stronghold in Hangu District, Pakistan.")
    people = types(analyzer, f"Three people {bombing}")
    officers = types(analyzer, f"Three officers {bombing}")
    workers = types(analyzer, "Two Chinese engineers are killed in a drone attack on a gold "
                              "mine near the Afghan border in Tajikistan.")
    assert {"attack", "civilian_harm"} <= people
    assert "attack" in officers and "civilian_harm" not in officers
    assert {"attack", "civilian_harm"} <= workers


def test_the_dead_of_fighting_between_armed_sides_are_not_counted_as_civilians(analyzer):
    # Written for this test: whose dead they are, the text does not say.
    fighting = types(analyzer, "At least 27 people are killed in fighting between rival armed "
                               "groups in the Ain Zara district of Tripoli, Libya.")
    gunmen = types(analyzer, "A US helicopter fires missiles at a group of gunmen in Sadr City, "
                             "killing six, the military says.")
    assert "attack" in fighting and "civilian_harm" not in fighting
    assert "attack" in gunmen and "civilian_harm" not in gunmen


def test_people_displaced_by_a_fresh_cause_are_news_a_standing_figure_is_not(analyzer):
    # Written for this test: present tense with what just drove people out / a standing count.
    fresh = ("Tens of thousands of people are displaced as Typhoon Mawar makes landfall in "
             "Samar, Philippines.")
    standing = "More than two million people are displaced in Sudan, the United Nations says."
    assert "displacement" in types(analyzer, fresh)
    assert "displacement" not in types(analyzer, standing)
    # being evacuated is something done to people today, not a state they are in
    assert "displacement" in types(analyzer, "Thousands of residents are evacuated from "
                                             "Valencia.")
    # nor is being driven or forced from one's home: only "displaced" names a state
    for act in ("driven", "forced"):
        assert "displacement" in types(analyzer, f"Hundreds of families are {act} from their "
                                                 "homes in Cabo Delgado, Mozambique.")
    assert "displacement" not in types(analyzer, "Hundreds of families are displaced in Cabo "
                                                 "Delgado, Mozambique.")


def test_a_ban_vetoes_what_it_bans_not_what_came_before(analyzer):
    # Written for this test: the protests are what a law forbids / the reason for a ban.
    banned = "Parliament passes a law prohibiting demonstrations in central Lahore, Pakistan."
    after = ("The government bans the Awami Tahreek party after deadly clashes between its "
             "members and police during a protest march in Lahore, Pakistan.")
    assert "protest" not in types(analyzer, banned)
    assert "protest" in types(analyzer, after)


def test_what_a_verb_of_stopping_stops_is_its_object_not_its_adjunct(analyzer):
    # Written for this test: police blocking a march stop it; farmers blocking roads "in
    # protest" protest, the protest being no object of the blocking.
    assert "protest" not in types(analyzer, "Police block a protest march in Paris.")
    assert "protest" not in types(analyzer, "Police stop a protest in Paris.")
    assert "protest" in types(
        analyzer, "Farmers block roads across France in protest against the trade deal.")
    assert "protest" in types(analyzer, "Hundreds of people block the main highway in "
                                        "Nairobi in protest over rising fuel prices.")


def test_set_foresees_only_with_an_infinitive(analyzer):
    # Written for this test: "set to" foresees; "set fire to" is done.
    assert "displacement" in types(analyzer, "Gang members set fire to homes in "
                                             "Port-au-Prince, forcing thousands to flee.")
    assert "attack" not in types(analyzer, "The army is set to launch an offensive on Goma.")


def test_attackers_fleeing_are_no_one_displaced(analyzer):
    # Written for this test: who flees decides, read through "before fleeing" to the
    # subject of the attack, but not through "force villagers to flee".
    assert "displacement" not in types(
        analyzer, "Dozens of gunmen attack a village in Zamfara before fleeing into the forest.")
    assert "displacement" not in types(
        analyzer, "The gunmen fled into the forest after the attack on the village in Zamfara.")
    assert "displacement" in types(
        analyzer, "Gunmen force villagers in Zamfara to flee their homes.")


def test_a_bomb_found_and_defused_is_no_attack(analyzer):
    # SPEC labelling rule 3: "Not: … a bomb found and defused." The word governs the device;
    # a blast beside a defusal in another clause is still an attack.
    defused = ("Police defuse a bomb planted near a crowded market in Peshawar, Pakistan, on "
               "Monday, officials said.")
    controlled = ("Soldiers destroy an explosive device in a controlled explosion near a school "
                  "in Jolo on Saturday.")
    blast = ("A bomb explodes near a crowded market in Peshawar, Pakistan, on Monday, killing "
             "four people, after police defused a second device nearby.")
    assert "attack" not in types(analyzer, defused)
    assert "attack" not in types(analyzer, controlled)
    assert "attack" in types(analyzer, blast)


def test_an_attack_plotted_is_no_attack_one_carried_out_is(analyzer):
    # Labelling rule 1: "Not: … hypotheticals, … events prevented or foiled." A plot, like a
    # plan, is what someone meant to do; written for this test.
    plotted = ("Police in Berlin arrest three men suspected of plotting a bomb attack on a "
               "synagogue, prosecutors said on Monday.")
    done = ("Three men carry out a bomb attack on a synagogue in Berlin, prosecutors said on "
            "Monday.")
    assert "attack" not in types(analyzer, plotted)
    assert "attack" in types(analyzer, done)


def test_a_drill_is_no_disaster_and_no_flight(analyzer):
    # SPEC labelling rule 1: "Not: … drills." A drill's scenario and its evacuation are not
    # news; a real quake in a story that mentions drills is.
    drill = ("About 3,000 pupils are evacuated from schools in Chisinau, Moldova, as part of "
             "an earthquake drill on Tuesday.")
    scenario = ("Under the scenario, a tsunami wave reaches the harbour of Heraklion in Crete "
                "within 20 minutes.")
    simulated = ("Sirens sound across Iquique, Chile, to simulate a warning after a magnitude "
                 "8.5 earthquake off the coast.")
    real = ("A magnitude 6.1 earthquake struck near Heraklion in Crete on Tuesday, damaging "
            "homes in a town where schools held a drill last month.")
    assert not types(analyzer, drill) & {"disaster", "displacement"}
    assert "disaster" not in types(analyzer, scenario)
    assert "disaster" not in types(analyzer, simulated)
    assert "disaster" in types(analyzer, real)


def test_a_capture_needs_something_captured(analyzer):
    person = ("The fugitive evaded capture for weeks in the hills near Kandahar, police said "
              "on Monday.")
    town = "Rebels announced the capture of Goma, the capital of North Kivu province, on Sunday."
    assert "capture" not in types(analyzer, person)
    assert "capture" in types(analyzer, town)


@pytest.mark.parametrize(
    ("news", "passing"),
    [
        ("The army and the rebels sign a ceasefire deal in Juba, South Sudan, on Monday.",
         "Foreign troops arrive in Juba, South Sudan, on Monday to monitor the ceasefire deal."),
        ("The army and the rebels agree to a ceasefire in Juba, South Sudan, on Monday.",
         "Four people are killed in shelling near Juba, South Sudan, on Monday despite the "
         "agreed ceasefire."),
        # a truce negotiated is made; agreeing to negotiate one is agreeing to talks
        ("Russian mediators negotiated a ceasefire between Armenia and Azerbaijan after "
         "border clashes near Jermuk.",
         "Armenia and Azerbaijan agree to negotiate a ceasefire after border clashes near "
         "Jermuk."),
        # a truce announced is news, in a noun as in a verb; calls for one are not
        ("Shelling kills four people in Khartoum, Sudan, hours after the announcement of a "
         "ceasefire agreement between the army and the RSF.",
         "Shelling kills four people in Khartoum, Sudan, hours after calls for a ceasefire "
         "agreement between the army and the RSF."),
        # talks on a truce are talks (labelling rule 8), under a dateline as without one
        ("CAIRO - Israel and Hamas agree to a new ceasefire in Gaza on Monday, Egyptian "
         "officials said.",
         "CAIRO - Talks on a new ceasefire in Gaza stalled on Monday as negotiators failed "
         "to agree on the release of hostages, Egyptian officials said."),
    ],
)
def test_a_truce_is_news_only_where_the_clause_reports_on_it(analyzer, news, passing):
    assert "ceasefire" in types(analyzer, news)
    assert "ceasefire" not in types(analyzer, passing)


@pytest.mark.parametrize(
    ("goods", "place"),
    [
        ("Iran's navy seizes two foreign oil tankers in the Strait of Hormuz on Friday.",
         "Rebels seize the town of Bunagana near the Ugandan border on Friday."),
        ("Customs officers seize 400 kg of cocaine at the port of Hamburg on Monday.",
         "Rebels seize control of the town of Bunagana near the Ugandan border on Monday."),
        ("The navy seizes the Marinette, the last vessel of the flotilla, off Gaza on Monday.",
         "The army seizes Bunagana, the last town held by the rebels, on Monday."),
    ],
)
def test_seizing_a_vessel_or_goods_is_no_capture(analyzer, goods, place):
    assert "capture" not in types(analyzer, goods)
    assert "capture" in types(analyzer, place)


@pytest.mark.parametrize(
    ("presupposed", "not_news", "etype"),
    [
        # a circumstance: "amid", "during", "following", "despite"
        ("The army deploys 5,000 soldiers to Quito, Ecuador, to prevent vandalism amid "
         "ongoing protests against fuel prices.",
         "The army deploys 5,000 soldiers to Quito, Ecuador, to prevent protests against fuel "
         "prices.",
         "protest"),
        # a cause: "due to", "because of", "owing to"
        ("The governor of Cebu suspends classes across the province on Wednesday due to the "
         "magnitude 6.9 earthquake that damaged homes in Bogo.",
         "The governor of Cebu suspends classes across the province on Wednesday to prepare "
         "for a possible earthquake.",
         "disaster"),
        # an earlier act: "after", "following", "since" + a gerund
        ("The rebels say they accept a truce proposed by mediators after capturing the town "
         "of Bunagana near the Ugandan border.",
         "The rebels say they may try capturing the town of Bunagana near the Ugandan border.",
         "capture"),
    ],
)
def test_what_the_clause_presupposes_exists_whatever_it_says(
    analyzer, presupposed, not_news, etype
):
    assert etype in types(analyzer, presupposed)
    assert etype not in types(analyzer, not_news)


def test_an_event_long_before_the_news_is_background_the_dated_event_is_not(analyzer):
    # Written for this test: "N years since/after X" dates X well before today's news.
    assert "disaster" not in types(analyzer, "Tacloban marks one year since Typhoon Haiyan")
    assert "disaster" in types(analyzer, "An earthquake destroyed hundreds of buildings in "
                                         "Antakya on Monday, a month after a smaller quake "
                                         "hit the region.")


@pytest.mark.parametrize(
    ("motive", "gathering"),
    [
        ("Three ministers resign in protest over the government's decision to approve the "
         "budget in Rome.",
         "Thousands of people march in Rome in protest over the government's budget."),
        ("Hungary lodges a protest with Ukraine over the treatment of its minority in "
         "Zakarpattia.",
         "Thousands of people gather in Uzhhorod, Zakarpattia, to protest against the "
         "treatment of the Hungarian minority."),
        # the act is no gathering verb, so who does it decides: a crowd, or two ministers
        ("Two ministers leave the cabinet in Belgrade in protest against the government.",
         "Thousands of people take to the streets of Belgrade in protest against the "
         "government."),
    ],
)
def test_protest_as_the_motive_of_an_act_is_no_protest(analyzer, motive, gathering):
    # Written for this test: resigning or a diplomatic note "in protest" is the motive of
    # an act, not a demonstration (train items: ministries summoning ambassadors "in
    # protest", ministers resigning "in protest", a boycott "in protest of" prices).
    assert "protest" not in types(analyzer, motive)
    assert "protest" in types(analyzer, gathering)
    assert "protest" in types(analyzer, "At least eight people are killed in violent "
                                        "protests in Muzaffarabad against the government.")


@pytest.mark.parametrize(
    ("outlook", "struck"),
    [
        ("Hurricane warnings are issued in Jamaica, as forecasts indicate Hurricane Melissa "
         "will reach Category 4.",
         "Flooding kills twelve people in Kentucky as warnings are issued downstream."),
        # a storm expected to strengthen has done nothing yet; one that has killed on its
        # way is a disaster wherever it goes next
        ("Tropical Storm Erin is expected to strengthen into a hurricane by Friday.",
         "Hurricane Erin is expected to bring floods, after it killed three people in Puerto "
         "Rico."),
    ],
)
def test_a_hazard_warned_of_or_forecast_is_an_outlook_one_that_struck_a_disaster(
        analyzer, outlook, struck):
    # Written for this test (labelling rule 10: "Not: outlooks").
    assert "disaster" not in types(analyzer, outlook)
    assert "disaster" in types(analyzer, struck)


def test_what_is_done_ahead_of_a_hazard_is_no_disaster_yet(analyzer):
    # Written for this test (labelling rule 10): evacuating ahead of a typhoon is a flight,
    # and the typhoon has not struck; once it kills, it is a disaster.
    ahead = types(analyzer, "The Philippines evacuates 500,000 people ahead of Typhoon "
                            "Fung-wong.")
    assert "disaster" not in ahead and "displacement" in ahead
    assert "disaster" in types(analyzer, "Typhoon Fung-wong kills 18 people in the "
                                         "Philippines.")


def test_a_day_named_weeks_before_the_news_dates_an_old_event(analyzer):
    # Written for this test (published 10 March). A day two months back dates the attack
    # as background ("abducted during the October 7 attacks" in a story on hostages'
    # bodies); two days back it is the news. A day that names a unit is no date.
    old = "Gunmen killed twelve villagers in an attack on Kwall, Plateau State, on January 12."
    new = "Gunmen killed twelve villagers in an attack on Kwall, Plateau State, on March 8."
    assert "attack" not in types(analyzer, old)
    assert "attack" in types(analyzer, new)
    assert "attack" in types(analyzer, "The 14th October Brigade is hit by a suicide bombing "
                                       "in Mogadishu, killing six soldiers.")


@pytest.mark.parametrize(
    ("text", "published", "days"),
    [
        ("on December 28", date(2026, 1, 5), 8),  # last year's December
        ("the 7 October attacks", date(2025, 6, 5), 241),
        ("on March 5", date(2025, 2, 20), None),  # still to come
        ("on February 30", date(2025, 3, 10), None),  # no such day
    ],
)
def test_how_many_days_back_a_day_without_a_year_lies(text, published, days):
    from bot.analysis.factuality import MONTH_DAY, _days_back

    assert _days_back(MONTH_DAY.search(text), published) == days


def test_a_clause_on_the_event_itself_can_date_it_long_before_the_news(analyzer):
    # Written for this test. The parse reads "an earthquake hit Hatay in …" after "after"
    # as a clause on "earthquake": its date is the earthquake's. Two years back that is
    # background; this month it is news.
    old = "Rescuers searched the rubble after an earthquake hit Hatay in February 2023."
    new = "Rescuers searched the rubble after an earthquake hit Hatay in March 2025."
    assert "disaster" not in types(analyzer, old)
    assert "disaster" in types(analyzer, new)


def test_a_date_on_a_later_verb_of_a_clause_on_the_event_dates_it(analyzer):
    # Written for this test (published 10 March). The date hangs on the relative clause's
    # second verb ("… and destroyed 600 homes in 2023"); it dates the fire all the same.
    # "Earlier this year", two months into the year, is no news of the day either.
    arrest = "A man is arrested for allegedly starting a wildfire that killed 12 people"
    assert "disaster" not in types(
        analyzer, f"{arrest} and destroyed 600 homes in Chile's Valparaiso region in 2023.")
    assert "disaster" not in types(
        analyzer, f"{arrest} in Chile's Valparaiso region earlier this year.")
    assert "disaster" in types(
        analyzer, f"{arrest} and destroyed 600 homes in Chile's Valparaiso region on Sunday.")


def test_an_old_year_in_a_clause_on_who_was_hit_dates_nothing(analyzer):
    # Written for this test. "soldiers who served in the 2020 war" says who they are; the
    # strike that kills them is today's. An old year in a clause on the strike is the
    # strike's.
    assert "attack" in types(analyzer, "Two soldiers who served in the 2020 war are killed in "
                                       "a drone strike on a checkpoint in Tavush, Armenia.")
    assert "attack" not in types(analyzer, "The drone strike that hit a checkpoint in Tavush, "
                                           "Armenia, in 2020 killed two soldiers.")


def test_a_since_clause_with_an_old_year_names_an_old_event(analyzer):
    # Written for this test. "the worst since <year>" compares and dates nothing; but an
    # event told inside the "since" clause with its own old year is that old event.
    assert "capture" not in types(analyzer, "The fighting near Goma is the worst since M23 "
                                            "rebels captured the city in 2012, aid groups "
                                            "said on Monday.")
    assert "ceasefire" not in types(analyzer, "The clashes near Bhamo are the most serious "
                                              "in Kachin state since the truce was signed in "
                                              "1994, officials said.")
    assert "protest" in types(analyzer, "Tens of thousands of people held the largest "
                                        "protest since the start of the war in 2022 in "
                                        "Tbilisi on Sunday.")
    assert "ceasefire" in types(analyzer, "The clashes are the worst since the ceasefire took "
                                          "effect in Kachin state on Sunday, officials said.")


def test_a_march_with_a_grievance_is_a_protest_a_parade_is_not(analyzer):
    # Written for this test: a protest march need not say "protest"; a march that demands
    # nothing is a parade, a race or a ceremony.
    assert "protest" in types(analyzer, "Hundreds of students marched through Dhaka on "
                                        "Sunday demanding justice for a classmate.")
    for parade in ("Thousands of people marched in the St Patrick's Day parade in Dublin on "
                   "Sunday, waving flags and singing.",
                   "Crowds marched through Rio de Janeiro during the carnival celebrations "
                   "on Monday night."):
        assert "protest" not in types(analyzer, parade), parade


def test_the_time_a_comparison_reaches_back_to_dates_nothing(analyzer):
    # Written for this test. "For the first time since <month year>" or "since the 15th
    # century" measures how long it has been; the event itself is today's news
    # (wcep-2025-03-28-01340 and wcep-2025-08-03-02895 report such events).
    assert "attack" in types(analyzer, "Israeli jets struck the port of Tyre, Lebanon, on "
                                       "Sunday for the first time since November 2023.")
    assert "disaster" in types(analyzer, "The Ubinas volcano erupts in southern Peru for the "
                                         "first time since the 16th century, officials said.")
    # … and so does the old event it is measured against (wcep-2025-07-22-02752)
    assert "disaster" in types(analyzer, "Floods kill 40 people in Valencia, Spain, the "
                                         "deadliest since the 1957 flood.")
    assert "protest" in types(analyzer, "Thousands of people protest in Kyiv against the law, "
                                        "the largest protests since the 2022 Russian invasion.")
    # A month or a century outside a comparison still dates the event
    assert "attack" not in types(analyzer, "Israeli jets struck the port of Tyre, Lebanon, "
                                           "in November 2023, the report said.")
    assert "disaster" not in types(analyzer, "The Ubinas volcano erupted in southern Peru in "
                                             "the 16th century, the study said.")
    # "the largest city in eastern Congo, in January" is a date, not a comparison
    assert "capture" not in types(analyzer, "Talks resumed in Doha on Monday. M23 seized "
                                            "Goma, the largest city in eastern Congo, in "
                                            "January 2024.")


def test_history_that_ranks_the_event_is_no_story_of_the_past(analyzer):
    # Written for this test. "The worst … in the nation's history" ranks today's event
    # (wcep-2025-03-27-01331, -01-12-00214, -04-27-01719 say so of real fires and attacks);
    # a history told by a museum or a book still frames the past.
    assert "disaster" in types(analyzer, "Wildfires in Gangwon province became the worst fire "
                                         "disaster in the nation's history on Tuesday, "
                                         "officials said.")
    assert "disaster" not in types(analyzer, "The museum tells the history of the wildfires "
                                             "in Gangwon province, officials said.")


def test_the_place_an_attack_happened_at_is_not_what_it_is(analyzer):
    # Written for this test. "At a street festival" says where the ramming attack was; a
    # festival that shows a film about an attack is still no news of one.
    assert "attack" in types(analyzer, "Nine people were killed in a vehicle-ramming attack "
                                       "at a street festival in Lyon on Saturday.")
    assert "attack" not in types(analyzer, "A film festival in Lyon screened a documentary "
                                           "about the vehicle-ramming attack on Saturday.")
    # What a car was driven into or through, and where that crowd stood, is the target too.
    assert "attack" in types(analyzer, "Nine people are killed after a man drives his car "
                                       "into a crowd at a street festival in Lyon.")
    assert "attack" not in types(analyzer, "A film festival in Lyon screens a documentary on "
                                           "the day a man drove his car into a crowd.")


def test_a_court_that_halts_deportations_makes_refugee_policy(analyzer):
    # Written for this test. A court blocking or halting deportations decides policy
    # (wcep-2025-08-31-03228, -09-16-03535, -08-08-02958); a court that sentences an
    # asylum seeker for a crime does not.
    assert "refugee_policy" in types(analyzer, "A federal judge in Boston issued an "
                                               "injunction halting the deportation of "
                                               "Honduran asylum seekers on Monday.")
    assert "refugee_policy" not in types(analyzer, "A court in Leeds sentenced an asylum "
                                                   "seeker to two years in prison for theft "
                                                   "on Monday.")


def test_a_ruling_decides_refugee_policy_whichever_way_it_goes(analyzer):
    # Labelling rule 6: "a court ruling that blocks or allows such a policy counts as the
    # policy being decided" (wcep-2025-05-01-01782, -05-30-02159, -08-29-03197 say "cannot",
    # "can", "may" under "rules that"). Written for this test: the same words said by the
    # opposition, or a government ruling deportations out, decide nothing.
    for ruling in ("A federal judge rules that the government cannot deport Venezuelan "
                   "migrants under the Alien Enemies Act.",
                   "The Court of Appeal rules that the government may continue housing asylum "
                   "seekers in a hotel in Epping, Essex."):
        assert "refugee_policy" in types(analyzer, ruling), ruling
    for other in ("The opposition says the government cannot deport Venezuelan migrants "
                  "under the Alien Enemies Act.",
                  # a ruling yet to come: "whether" under it still makes the question open
                  "The Supreme Court will rule on whether the government can deport "
                  "Venezuelan migrants under the Alien Enemies Act.",
                  "The government rules out deporting Venezuelan migrants under the Alien "
                  "Enemies Act, a court heard on Monday."):
        assert "refugee_policy" not in types(analyzer, other), other


def test_a_policy_protested_against_is_a_grievance_not_policy_news(analyzer):
    # Labelling rule 6: "Not: … criticism"; a protest against a policy is news of the
    # protest (wcep-2025-02-02-00564 is labelled so). Written for this test.
    protested = types(analyzer, "Thousands of demonstrators protest against the deportation "
                                "policies of the government in downtown Berlin on Sunday.")
    assert protested == {"protest"}
    assert "refugee_policy" in types(analyzer, "The German government decides to deport 500 "
                                               "asylum seekers to Afghanistan, officials said "
                                               "in Berlin on Sunday.")


def test_who_protests_and_against_what_is_no_trial_or_study(analyzer):
    # Written for this test. Protesters at a court, against a court's ruling, or scientists
    # walking out are a protest (wcep-2025-01-19-00323, -08-12-02996, -03-07-01064); a
    # protest a film is about is not news of one.
    assert "protest" in types(analyzer, "Hundreds of protesters stormed the district court "
                                        "in Seoul on Sunday, injuring 40 police officers.")
    assert "protest" in types(analyzer, "Thousands of scientists held protests in Paris and "
                                        "Lyon on Friday against budget cuts.")
    assert "protest" not in types(analyzer, "The film about the 1989 protests in Beijing won "
                                            "the main prize at the festival on Sunday.")


def test_an_event_on_an_anniversary_is_news_but_the_old_event_is_not(analyzer):
    # Written for this test. A strike or an arrest of protesters on an anniversary is news
    # (wcep-2025-02-28-00956, -05-05-01837); the old event the anniversary is of is not.
    assert "protest" in types(analyzer, "Workers held a nationwide general strike on the "
                                        "second anniversary of the Tempi train crash, "
                                        "clashing with riot police in Athens.")
    assert "attack" in types(analyzer, "On the anniversary of the coup, soldiers shelled the "
                                       "village of Tar Taing in Sagaing region.")
    assert "attack" not in types(analyzer, "Survivors gathered in Tar Taing on the "
                                           "anniversary of the shelling of the village by "
                                           "soldiers in Sagaing region.")


def test_a_toll_since_the_start_of_the_year_is_recent_news(analyzer):
    # Written for this test. "Since the start of the year" counts this year's dead
    # (wcep-2025-02-03-00565); "since the start of the war" tells a long story.
    assert "attack" in types(analyzer, "At least 40 villagers have been killed by soldiers in "
                                       "Sagaing region since the start of the year, "
                                       "including 12 killed in Tar Taing on Monday.")
    assert "attack" not in types(analyzer, "At least 40,000 villagers have been killed by "
                                           "soldiers in Sagaing region since the start of the "
                                           "war, the report said.")


def test_people_displaced_beside_a_fresh_toll_are_news(analyzer):
    # Written for this test. "N are displaced" alone is a standing figure; counted beside
    # the dead and injured of the same report it is that event's toll
    # (wcep-2025-08-21-03097, -05-22-02049).
    assert "displacement" in types(analyzer, "At least 30 people are killed, 50 are injured "
                                             "and over 40,000 are displaced during flooding "
                                             "in Maradi region.")
    assert "displacement" not in types(analyzer, "Over 40,000 people are displaced in Maradi "
                                                 "region, where the war has killed 3,000.")


def test_an_acronym_of_the_event_word_is_no_name(analyzer):
    # Written for this test. "IED" is tagged a proper noun, but an acronym of the event word
    # is the event (wcep-2025-01-06-00096), not an organisation's name.
    assert "attack" in types(analyzer, "Two people were killed and two others injured in an "
                                       "IED attack at a school near Abuja, Nigeria.")


def test_a_sentence_the_parse_roots_on_a_name_still_reports(analyzer):
    # Written for this test. With no lexicon word in it, the model's attack is read at the
    # sentence's root, which the parse puts on the ship's name here; the name check is for
    # a lexicon word inside a name ("the Democratic Forces for the Liberation of Rwanda"),
    # not for where the parse hangs a sentence.
    assert "attack" in types(analyzer, "The Rubymar, a Belize-flagged cargo ship, sinks in the "
                                       "Red Sea after being attacked by the Houthis on Sunday.")
    assert "capture" not in types(analyzer, "The Democratic Forces for the Liberation of "
                                            "Rwanda held a rally in Goma on Sunday.")


def test_what_came_after_an_attack_does_not_undo_it(analyzer):
    # Written for this test. "Suspended after a drone attack": the attack came first and
    # stands whatever was suspended (wcep-2025-08-18-03051); suspending an offensive is no
    # attack.
    assert "attack" in types(analyzer, "Oil deliveries to Hungary are suspended after a "
                                       "Ukrainian drone attack on the Druzhba pipeline in "
                                       "Bryansk Oblast.")
    assert "attack" not in types(analyzer, "The army suspends its offensive on the town of "
                                           "Kupiansk in Kharkiv Oblast.")


def test_suspending_a_refugee_programme_is_refugee_policy(analyzer):
    # Written for this test. Stopping a refugee programme or halting deportations is itself
    # the policy decided (wcep-2025-08-01-02875; courts halting deportations in
    # wcep-2025-08-31-03228, -09-16-03535); a suspension only considered is not.
    assert "refugee_policy" in types(analyzer, "Germany temporarily suspends its programme "
                                               "for receiving Syrian refugees on Monday.")
    assert "refugee_policy" not in types(analyzer, "Germany could suspend its programme for "
                                                   "receiving Syrian refugees, a minister "
                                                   "said on Monday.")


def test_petrol_bombs_thrown_at_an_embassy_are_an_attack_those_of_1973_are_not(analyzer):
    # Written for this test, after wcep-2025-01-11-00205 and -02-24-00883 (Molotov cocktails
    # thrown at consulates, both labelled attack).
    assert "attack" in types(analyzer, "Two men throw petrol bombs at the Turkish embassy in "
                                       "Athens overnight.")
    assert "attack" not in types(analyzer, "A museum in Athens shows petrol bombs thrown in "
                                           "the 1973 uprising.")


def test_granting_or_ending_a_status_is_refugee_policy_holding_one_is_not(analyzer):
    # Written for this test, after wcep-2025-05-12-01916 ("grants refugee status to the
    # white minority group") and -08-20-03078 ("grants temporary humanitarian status"), both
    # labelled refugee policy: a status decided is the policy; a status held only names who
    # someone is.
    assert "refugee_policy" in types(analyzer, "Canada grants refugee status to 800 Sudanese "
                                               "families on Tuesday.")
    assert "refugee_policy" in types(analyzer, "The United States ends temporary protected "
                                               "status for 4,000 Haitians.")
    assert "refugee_policy" not in types(analyzer, "Holders of refugee status queue for food "
                                                   "rations in Kampala.")


def test_a_year_after_a_superlative_still_dates_the_event(analyzer):
    # Written for this test. Only "since" makes a year the point a comparison reaches back
    # to; "the worst flood in decades struck … in 1953" is a flood of 1953.
    assert "disaster" not in types(analyzer, "The worst flood in decades struck the "
                                             "Netherlands in 1953, the museum says.")
    assert "disaster" not in types(analyzer, "The worst flood in the nation's history struck "
                                             "the Netherlands in 1953.")
    assert "disaster" in types(analyzer, "The worst flood in decades struck the Netherlands "
                                         "on Monday, officials said.")


def test_an_event_word_inside_a_name_is_no_event(analyzer):
    # Written for this test: "Liberation" of an armed group's name is no capture.
    named = ("Talks in Doha covered operations against the Democratic Forces for the "
             "Liberation of Rwanda in North Kivu.")
    assert "capture" not in types(analyzer, named)
    assert "capture" in types(analyzer, "Rebels announce the liberation of Kalehe in South "
                                        "Kivu province.")


def test_seizing_a_ship_named_by_a_pronoun_is_no_capture(analyzer):
    # Written for this test.
    ship = ("Iran releases a Marshall Islands-flagged tanker and its crew after seizing it "
            "last Friday in the Strait of Hormuz.")
    port = "Iran releases the tanker after its forces seized the port of Bandar Abbas on Friday."
    assert "capture" not in types(analyzer, ship)
    assert "capture" in types(analyzer, port)


def test_a_headline_label_frames_the_headline(analyzer):
    # Written for this test: "Study:" makes the headline a finding, a country does not.
    body = "Researchers at the university said the storms now carry more rain."
    assert "disaster" not in types(
        analyzer, body, title="Study: cyclones hitting Madagascar are getting wetter")
    assert "disaster" in types(
        analyzer, body, title="Madagascar: cyclone kills 12 in Toamasina")


def test_a_refugee_camp_as_the_place_of_a_raid_is_no_refugee_policy(analyzer):
    # Written for this test.
    raid = ("A ceasefire between Israel and Hamas took effect in the Gaza Strip on Sunday, "
            "opening the way for the release of hostages and prisoners. In the occupied West "
            "Bank, Israeli forces launched a large military operation in the city of Jenin on "
            "Tuesday, with drone strikes and armoured vehicles entering the refugee camp.")
    found = types(analyzer, raid)
    assert "attack" in found and "refugee_policy" not in found
    closure = "Kenya closes the Dadaab refugee camp and orders its residents to return to Somalia."
    assert "refugee_policy" in types(analyzer, closure)


def test_what_a_judge_finds_is_a_verdict_what_a_governor_reports_is_news(analyzer):
    # Written for this test: the speaker's title decides the frame.
    judge = ("Judge Maria Lopez said the army had burned villages in Quiche, forcing tens of "
             "thousands of people to flee into the mountains.")
    governor = ("Governor Maria Lopez said floods had forced tens of thousands of people to "
                "flee their homes in Quiche on Monday.")
    assert "displacement" not in types(analyzer, judge)
    assert "displacement" in types(analyzer, governor)


def test_a_return_home_and_a_standing_count_are_no_displacement(analyzer):
    # Written for this test.
    returned = ("About 4.5 million people have returned to their home areas after being "
                "displaced, while about 3.7 million remain internally displaced.")
    assert "displacement" not in types(analyzer, returned)
    fresh = ("Thousands of families were displaced from their homes in Goma on Monday, weeks "
             "after they had returned.")
    assert "displacement" in types(analyzer, fresh)


def test_an_attempt_to_storm_is_a_protest_a_plan_to_march_is_not(analyzer):
    # Written for this test.
    assert "protest" in types(
        analyzer, "Protesters attempt to storm the parliament in Tbilisi and clash with police.")
    assert "protest" not in types(
        analyzer, "Opposition parties plan to hold a march to the parliament in Tbilisi next week.")
    assert "protest" not in types(
        analyzer, "Protesters plan to march on the parliament in Tbilisi next week.")
    assert "protest" in types(analyzer, "Protesters in Lima demand the resignation of the "
                                        "president.")


def test_a_protest_foreseen_as_its_clause_subject_is_no_event(analyzer):
    # Written for this test: the event noun is the subject of its own coming about, and
    # the clause only foresees it; protests already under way stay news whatever is said of
    # them next.
    held = types(analyzer, "Mass protests are held across Serbia against the government.")
    planned = types(analyzer, "Mass protests are planned for Saturday in Belgrade, Serbia, "
                              "against the government.")
    erupt = types(analyzer, "Violent protests could erupt in Nairobi, Kenya, if the finance "
                            "bill passes, police warn.")
    will = types(analyzer, "Organisers say mass protests will be held in Belgrade, Serbia, "
                           "next week.")
    assert "protest" in held
    assert "protest" not in planned | erupt | will


def test_violent_protests_stand_against_the_models_doubt(analyzer):
    # Written for this test, after WCEP-2025 items of people killed in violent or deadly
    # protests (labelled protest and civilian harm) that the classifier, which saw death
    # tolls mostly in attacks, gave no protest. A decisive lexicon entry keeps the sentence;
    # the parse-based checks still judge it (a trial over old protests is no event).
    deadly = types(analyzer, "Deadly protests sweep Lagos, Nigeria, after the disputed vote, "
                             "with at least six people killed.")
    trial = types(analyzer, "Prosecutors in Lagos, Nigeria, charge 40 people over the deadly "
                            "protests that swept the city in 2023.")
    assert {"protest", "civilian_harm"} <= deadly
    assert trial == set()


@pytest.mark.parametrize(
    "text",
    [
        "Hundreds of people attend a protest outside the parliament in Skopje against the "
        "new mining law.",
        "About 3,000 people gather in Tartu, Estonia, to protest the closure of the city's "
        "hospital.",
        "Protests over the price of bread erupt in Omdurman, Sudan.",
        "Over 5,000 protesters march in Tbilisi, Georgia, demanding new elections.",
    ],
)
def test_a_crowd_protesting_is_a_protest_whatever_the_model_doubts(analyzer, text):
    # Written for this test. Cross-validated over the train split's quarters, the
    # classifier gave plain reports of a gathering protest ("12,000 people gather in Riesa
    # to protest") a probability of 0.01-0.02; a decisive lexicon entry keeps the sentence,
    # and the parse-based checks still judge it.
    from bot.analysis.triggers import find_triggers

    assert any(h.trigger.type == "protest" and h.trigger.decisive for h in find_triggers(text))
    assert "protest" in types(analyzer, text)
    assert "protest" not in types(analyzer, "Prosecutors in Tartu, Estonia, charge 40 people "
                                            "who attended a protest against the closure of "
                                            "the hospital in 2023.")


def test_a_protest_in_who_someone_is_is_their_past_not_the_news(analyzer):
    # Written for this test: "who led the protests" tells who the students are; police
    # "who responded with tear gas" tells what they did at today's protest.
    assert "protest" not in types(analyzer, "Students who led the protests in Dhaka announce "
                                            "the formation of a new political party.")
    assert "protest" in types(analyzer, "Thousands of students protest in Dhaka against the "
                                        "new quota law.")
    assert "protest" in types(analyzer, "In Mombasa, hundreds of opposition supporters "
                                        "blocked roads and threw stones at police, who "
                                        "responded with tear gas.")
    # "whose" on the clause's subject tells who someone is as well; the same news told as
    # the sentence's own is the protest
    assert "protest" not in types(analyzer, "A manhunt is launched for an Ethiopian man whose "
                                            "assault of a girl sparked protests in Epping, "
                                            "England, after he was released by mistake.")
    assert "protest" in types(analyzer, "An assault on a girl sparks protests in Epping, "
                                        "England.")


def test_a_verdict_that_sets_off_riots_is_no_trial_of_them(analyzer):
    # Written for this test: a court word in what set the event off ("after the verdict")
    # does not make the event a trial's background; a trial of the event still does.
    riots = types(analyzer, "Riots break out in Lahore, Pakistan, after the verdict against "
                            "the former prime minister, leaving two people dead.")
    trial = types(analyzer, "A court in Lahore, Pakistan, sentences two men to prison after "
                            "a trial over the riots that left two people dead.")
    sentenced = types(analyzer, "Two men are sentenced in Lahore, Pakistan, after the riots "
                                "that left two people dead.")
    assert "protest" in riots
    assert trial == set() and sentenced == set()


def test_years_after_an_event_is_history_of_it_not_of_what_comes_after(analyzer):
    # Written for this test: the event a span of years is measured from is history; an
    # event the span leads up to is news, whatever dates the one before it.
    old = types(analyzer, "A decade after an earthquake killed nearly 9,000 people in Nepal, "
                          "thousands of families in Gorkha still live in tents.")
    new = types(analyzer, "A decade after the 2015 earthquake, a new quake of magnitude 6.2 "
                          "struck western Nepal on Tuesday, killing 12 people.")
    assert old == set()
    assert "disaster" in new


def test_a_review_title_frames_the_whole_article_a_live_title_does_not(analyzer):
    # Written for this test: "Review:" before the title makes every sentence a film's or
    # book's story; a label that is no retrospective word ("Live:") frames nothing.
    text = ("Alex Garland imagines a United States torn apart by a second civil war, with "
            "militias storming Washington and refugees fleeing the capital.")
    assert types(analyzer, text, title="Review: 'Civil War' imagines America under siege") \
        == set()
    live = types(analyzer, "Russian missiles struck Kyiv overnight, killing four people, the "
                           "mayor said.", title="Live: Russian missiles strike Kyiv")
    assert "attack" in live


def test_a_drill_title_frames_the_whole_article_a_drill_beside_news_does_not(analyzer):
    # Written for this test (labelling rule 1: "Not: drills"). Under a title that reports a
    # drill and nothing else, the evacuated pupils are part of the scenario; when the title
    # also reports an earthquake, or there is no title, they are news.
    text = ("Sirens sounded along the coast of Chile on Thursday as authorities staged the "
            "largest tsunami exercise in the country's history.\n\nMore than 20,000 pupils "
            "were evacuated from schools in Valparaiso to higher ground, the interior ministry "
            "said.")
    assert types(analyzer, text, title="Chile stages nationwide earthquake and tsunami "
                                       "drill") == set()
    # "earthquake drill" is a false friend of the lexicon; the title still frames
    assert types(analyzer, text, title="Chile holds nationwide earthquake drill") == set()
    assert "displacement" in types(analyzer, text, title="Chile holds tsunami drill as "
                                                         "earthquake strikes the north")
    assert "displacement" in types(analyzer, text)


@pytest.mark.parametrize(
    ("title", "word"),
    [
        ("Crete stages island-wide earthquake and tsunami drill", "drill"),
        ("Japan holds nationwide earthquake drill", "drill"),  # a false friend unmasked
        ("Tokyo drill simulates a magnitude 7 earthquake striking the capital", "simulation"),
        ("Russia holds nuclear drills as drones hit Kyiv", ""),  # news beside the drill
        ("Japan holds nationwide drill", ""),  # no event word: nothing to frame
        ("Flood kills 12 in Valencia", ""),
    ],
)
def test_which_titles_report_a_drill_and_nothing_else(title, word):
    from bot.analysis.factuality import drill_title

    assert drill_title(title) == word


def test_in_the_past_is_history_in_the_past_week_is_news(analyzer):
    # Written for this test.
    week = ("Thousands of families fled east toward Mullaitivu in the past week as the "
            "fighting drew closer, the Red Cross said.")
    past = ("Separatist groups have carried out small bombings in Sindh in the past, mostly "
            "targeting railway lines.")
    assert "displacement" in types(analyzer, week)
    assert "attack" not in types(analyzer, past)


def test_last_summer_is_history_in_its_own_clause_only(analyzer):
    # Written for this test. "Last year" needs no publication date to be the past.
    summer = types(analyzer, "An Israeli airstrike last summer killed a senior Hamas "
                             "commander in Khan Younis, the group confirms in a statement.")
    sunday = types(analyzer, "An Israeli airstrike on Sunday killed a senior Hamas "
                             "commander in Khan Younis, the group confirms in a statement.")
    undated = analyzer.extractor.extract(Article(
        text="Thousands of townspeople protested against the gold mine in Cajamarca last "
             "year, demanding protection for the water supply.", title=""))
    aside = types(analyzer, "Thousands of people protest in Belgrade against the demolition "
                            "of an army building that was delisted as a monument last year.")
    assert "attack" not in summer and "attack" in sunday
    assert undated == []
    assert "protest" in aside


def test_a_purpose_is_done_what_is_blocked_is_not(analyzer):
    # Written for this test: "blocked roads to protest" protests; "blocked … to stop" stops.
    assert "protest" in types(
        analyzer, "On Saturday, hundreds of young people blocked roads in Makurdi to protest "
                  "the killings.")
    assert "protest" not in types(
        analyzer, "Police blocked roads in Makurdi to stop protesters from marching.")


def test_the_largest_attack_since_the_war_began_is_news_a_running_toll_is_not(analyzer):
    # Written for this test: a superlative compares with the past; "since" alone dates.
    largest = ("The Russian army launched the largest drone attack since the start of the war "
               "on Kyiv overnight, killing three people.")
    # (a toll "since the start of the year" counts recent dead: see
    # test_a_toll_since_the_start_of_the_year_is_recent_news)
    toll = ("At least 40,000 Palestinians have been killed by Israeli troops in Gaza since the "
            "start of the war.")
    assert "attack" in types(analyzer, largest)
    assert types(analyzer, toll) == set()


def test_fire_on_protesters_is_a_protest_fire_on_a_market_an_attack(analyzer):
    # Written for this test (labelling rule 5: protesters shot dead are protest and harm).
    marchers = types(analyzer, "Guards open fire on marchers in Antananarivo, killing at "
                               "least 25 people.")
    market = types(analyzer, "Gunmen opened fire on a market in Maiduguri, killing 12 people.")
    assert "protest" in marchers and "attack" not in marchers
    assert "attack" in market and "protest" not in market


def test_who_marches_or_riots_protests_who_walks_does_not(analyzer):
    # Written for this test: "marchers" and "rioters" are named by the protest they take
    # part in (no word list holds them: the shared news has no example of either).
    rioters = types(analyzer, "Police open fire on rioters in Dhaka, killing three people.")
    walkers = types(analyzer, "Gunmen open fire on walkers in Dhaka, killing three people.")
    assert "protest" in rioters and "attack" not in rioters
    assert "attack" in walkers and "protest" not in walkers


def test_fire_during_protests_is_an_attack_fire_aimed_at_protesters_a_protest(analyzer):
    # Written for this test, after WCEP-2025 items of security forces opening fire during
    # nationwide protests (labelled an attack) and on protesters (a protest met with force).
    # A protest in the sentence no longer cancels the shooting's own cue: whom the shots
    # were aimed at decides, through the parse.
    during = types(analyzer, "Security forces open fire in Kano, Nigeria, during nationwide "
                             "protests over the disputed election, killing three people.")
    aimed = types(analyzer, "Security forces open fire on protesters in Kano, Nigeria, "
                            "killing three people.")
    assert {"attack", "protest"} <= during
    assert "protest" in aimed and "attack" not in aimed


def test_what_a_protest_is_over_is_no_market_story(analyzer):
    # Written for this test (noticed in the previous session): "prices" in what the
    # protests are over does not make the shooting a market story.
    grievance = types(analyzer, "Security forces open fire in Abuja during protests over fuel "
                                "prices, killing three people.")
    assert "attack" in grievance


def test_clashes_with_protesters_are_a_protest_clashes_with_rebels_an_attack(analyzer):
    # Written for this test: the side that clashes with the security forces decides.
    text = ("A civilian is killed and twelve soldiers are injured during clashes between "
            "security forces and {} in Cayambe, Ecuador.")
    protesters = types(analyzer, text.format("Indigenous protesters"))
    assert "protest" in protesters and "attack" not in protesters
    assert "attack" in types(analyzer, text.format("rebels"))


def test_a_stabbing_at_a_demonstration_is_an_attack_not_force_used_on_protesters(analyzer):
    # Written for this test, after a WCEP-2025 item of a stabbing attack at a pro-Palestinian
    # demonstration (labelled an attack, as are a grenade attack and a bombing at rallies).
    stabbing = types(analyzer, "One person is critically injured in a stabbing attack at a "
                               "demonstration in Brussels, Belgium, on Sunday.")
    shots = types(analyzer, "Police open fire at a demonstration in Brussels, Belgium, on "
                            "Sunday, killing two people.")
    assert "attack" in stabbing
    assert "protest" in shots and "attack" not in shots


def test_deaths_in_protests_are_civilian_harm_however_they_are_counted(analyzer):
    # Written for this test (WCEP-2025 counts protesters' deaths as "N deaths" too).
    noun = types(analyzer, "Protests against the election result in Mwanza, Tanzania, lead "
                           "to ten deaths on Thursday.")
    verb = types(analyzer, "Ten people are killed in protests against the election result "
                           "in Mwanza, Tanzania, on Thursday.")
    assert {"protest", "civilian_harm"} <= noun
    assert {"protest", "civilian_harm"} <= verb


def test_a_truce_that_only_dates_a_span_is_no_truce_news(analyzer):
    # Written for this test, after a WCEP-2025 item counting aid trucks "since the ceasefire
    # took effect on January 19" (labelled no event). A truce that took effect this week is
    # still news (test_a_since_clause_with_an_old_year_names_an_old_event).
    since = types(analyzer, "More than 6,000 aid trucks have entered Gaza since the ceasefire "
                            "between Israel and Hamas took effect on February 24, the UN said.")
    news = types(analyzer, "A ceasefire between Israel and Hamas took effect in Gaza on "
                           "Friday, the UN said.")
    assert "ceasefire" not in since
    assert "ceasefire" in news


def test_asylum_for_one_named_person_is_no_refugee_policy(analyzer):
    # Written for this test, after WCEP's labels of asylum granted to a former premier.
    person = ("Peru cut diplomatic ties with Mexico on Monday over its decision to grant "
              "asylum to former prime minister Ana Torres, who faces charges at home.")
    group = ("Germany decided on Monday to grant asylum to 300 Afghan interpreters who "
             "worked for its army, the interior ministry said.")
    assert "refugee_policy" not in types(analyzer, person)
    assert "refugee_policy" in types(analyzer, group)


def test_a_prison_riot_is_no_street_protest(analyzer):
    # Written for this test.
    prison = ("Six inmates were killed and 20 others injured during a prison riot in the "
              "city of Guayaquil on Sunday, officials said.")
    street = ("Thousands of people rioted in the city of Guayaquil on Sunday over fuel "
              "prices, officials said.")
    assert "protest" not in types(analyzer, prison)
    assert "protest" in types(analyzer, street)


def test_people_forced_from_their_homes_are_displaced_a_warning_is_not(analyzer):
    # Written for this test.
    done = ("Floods forced more than 20,000 people from their homes in Beira on Sunday, "
            "officials said.")
    feared = ("Aid agencies warned that up to 20,000 people could be forced from their "
              "homes in Beira if the rains continue.")
    assert "displacement" in types(analyzer, done)
    assert "displacement" not in types(analyzer, feared)


def test_an_undated_sentence_goes_on_with_the_old_story_before_it(analyzer):
    # Written for this test: the sentence before dates the story years back, or today.
    old = ("Cyclone Idai struck the port of Beira in March 2019. About 400,000 people fled "
           "their homes in Sofala province.")
    new = ("Cyclone Freddy struck the port of Quelimane on Saturday. About 40,000 people fled "
           "their homes in Zambezia province.")
    assert "displacement" not in types(analyzer, old)
    assert "displacement" in types(analyzer, new)
    # the past progressive goes on with the story too
    then = ("Maria left Maracay in 2018 with her two sons. At the time, more than 5,000 people "
            "a day were crossing into Colombia.")
    now = ("Maria left Maracay on Monday with her two sons. More than 5,000 people a day were "
           "crossing into Colombia.")
    assert "displacement" not in types(analyzer, then)
    assert "displacement" in types(analyzer, now)
    # the old story may end one paragraph and be taken up in the next
    assert "displacement" not in types(analyzer, old.replace(". About", ".\n\nAbout"))
    assert "displacement" in types(analyzer, new.replace(". About", ".\n\nAbout"))
    # nor is the old story's paragraph when the next opens a roundup's story of its own
    roundup = ("Floods forced 20,000 people from their homes in Beira, Mozambique, on Monday, "
               "officials said.\n\nCyclone Idai struck Beira in March 2019, killing more than "
               "600 people in Mozambique.\n\nIn Kenya, about 5,000 people fled their homes in "
               "Garissa after the Tana River burst its banks.")
    events = analyzer.extractor.extract(Article(text=roundup, title="", published=PUBLISHED))
    assert {p.name for e in events if e.type == "displacement" for p in e.places} >= {
        "Beira", "Garissa"}
    # a title is no paragraph the text goes on with
    assert "displacement" in types(
        analyzer, "About 40,000 people fled their homes in Sofala province.",
        title="Cyclone hits Beira six years after Idai struck in 2019")


def test_the_past_perfect_of_reported_speech_is_no_old_story(analyzer):
    # Written for this test: "had fled" after "officials said" is the tense of reported
    # speech; said by nobody, after a sentence dated years back, it goes on with that story.
    reported = ("Paramilitaries killed dozens of people in La Gabarra in 1999. Venezuela's "
                "government said it had received hundreds of families who had fled across "
                "the border into Zulia state.")
    story = ("Paramilitaries killed dozens of people in La Gabarra in 1999. Hundreds of "
             "families had fled across the border into Zulia state.")
    assert "displacement" in types(analyzer, reported)
    assert "displacement" not in types(analyzer, story)


def test_a_record_in_a_relative_clause_needs_its_own_date(analyzer):
    # Written for this test: the date of the signing does not date the displacement.
    record = ("The government and the rebels signed a ceasefire on Friday in Bossangoa, "
              "where fighting has displaced thousands of families in recent years.")
    news = ("The government and the rebels signed a ceasefire on Friday in Bossangoa, "
            "where fighting has displaced thousands of families since Wednesday.")
    assert "ceasefire" in types(analyzer, record)
    assert "displacement" not in types(analyzer, record)
    assert "displacement" in types(analyzer, news)


def test_people_crossing_a_border_are_displaced_fighters_or_returnees_are_not(analyzer):
    # Written for this test.
    fled = "Thousands of civilians crossed into Chad from Darfur on Tuesday, the UN said."
    fighters = "Rebel fighters crossed into Chad from Darfur on Tuesday, the army said."
    back = "About 500 refugees crossed back into Burundi from Rwanda on Thursday, the UN said."
    assert "displacement" in types(analyzer, fled)
    assert "displacement" not in types(analyzer, fighters)
    assert "displacement" not in types(analyzer, back)


def test_grenades_thrown_are_an_attack_that_harms_no_one_unless_said(analyzer):
    # Written for this test: deep in an article only a lexicon word lets the model's
    # reading through; damage to a building is no harm to people.
    deep = ("Sweden's government announced new powers for police on Monday to fight gang "
            "crime.\n\nThe justice minister said the measures would take effect in the "
            "spring.\n\nOn Friday night, hand grenades were thrown into a restaurant in "
            "Uppsala, injuring two people, police said.")
    damage = ("Hand grenades were thrown into a restaurant in Uppsala, Sweden, on Friday "
              "night, damaging the building.")
    assert "attack" in types(analyzer, deep)
    assert types(analyzer, damage) == {"attack"}


def test_a_thing_that_strikes_something_is_no_labour_strike(analyzer):
    # Written for this test: the verb "strike" with an object hits it; workers who strike
    # amid tear gas protest.
    assert "protest" not in types(analyzer, "A train strikes a minibus at a level crossing "
                                            "near Bydgoszcz, Poland, injuring twelve.")
    assert "protest" in types(analyzer, "Dock workers strike in Genoa and Livorno as police "
                                        "fire tear gas at protesters blocking the port.")


def test_ordnance_that_explodes_while_handled_is_no_attack(analyzer):
    # Written for this test (train items: "killed in an explosion while removing
    # munitions", "a drone crashed and exploded … while they were inspecting it"): an
    # accident with ordnance people handle is no attack; a bomb set off while soldiers
    # clear a road is one.
    assert types(analyzer, "Two soldiers are killed and three injured in a blast while "
                           "handling a drone that crashed near their post in Kidal, Mali.") == set()
    assert "attack" in types(analyzer, "Militants detonate a bomb while soldiers were "
                                       "clearing a road in Kidal, killing three.")


def test_a_lightning_strike_is_neither_an_air_strike_nor_a_labour_strike(analyzer):
    # Written for this test: the same sentence with a drone's strike is an attack.
    lightning = types(analyzer, "Two farmers are killed by a lightning strike on a rice "
                                "field in Pabna, Bangladesh.")
    drone = types(analyzer, "Two farmers are killed by a drone strike on a rice field in "
                            "Pabna, Bangladesh.")
    assert lightning == set()
    assert "attack" in drone
    assert "protest" not in types(analyzer, "Four people are injured in a lightning strike at "
                                            "a beach in Sopot, Poland.")


def test_a_threatened_strike_is_no_attack_a_strike_carried_out_is(analyzer):
    # Written for this test: only the model reads these (no lexicon word for the strikes).
    threat = ("The United States threatens to carry out military strikes in Nigeria over "
              "continuing violence against Christians by Boko Haram.")
    done = "The United States carries out military strikes in Nigeria against Boko Haram camps."
    assert "attack" not in types(analyzer, threat)
    assert "attack" in types(analyzer, done)


def test_a_clause_of_cause_or_circumstance_stands_under_a_modal_main_clause(analyzer):
    # Written for this test: "will", "is attempting to" bind their own clause, not the
    # "after …" or "as …" clause that gives the circumstance.
    after = ("Ukraine's president says Russia is attempting to discredit the peace "
             "negotiations after Russian forces launched drone attacks on Kyiv overnight.")
    meant = ("Ukraine's president says Russia is attempting to launch drone attacks on Kyiv "
             "to discredit the peace negotiations.")
    as_ = ("Tanzania says it will grant refugee status to all Burundians, as tens of thousands "
           "of people cross Lake Tanganyika into the Kigoma region.")
    assert "attack" in types(analyzer, after)
    assert "attack" not in types(analyzer, meant)
    assert "displacement" in types(analyzer, as_)


def test_a_second_lexicon_word_is_read_when_the_first_one_s_clause_fails(analyzer):
    # Written for this test: "fleeing" says who will get the status (a plan), "cross … into"
    # says what is happening; the checks read each word's clause in turn.
    both = ("Tanzania says it will grant refugee status to all Burundians fleeing unrest at "
            "home, as tens of thousands of people cross Lake Tanganyika into the Kigoma region.")
    plan = "Tanzania says it will grant refugee status to all Burundians fleeing unrest at home."
    assert "displacement" in types(analyzer, both)
    assert "displacement" not in types(analyzer, plan)


def test_since_then_counts_from_the_old_date_before_it(analyzer):
    # Written for this test: a toll "since then" after a story dated years back is a
    # standing figure; the same toll after a date of this week is news.
    old = ("The conflict in the Northwest region began in 2017, when separatists declared a "
           "state. More than 6,000 people have been killed since then, and hundreds of "
           "thousands have fled their homes.")
    new = ("Fighting in the Northwest region began on Monday, when separatists attacked an army "
           "post. Hundreds of thousands have fled their homes since then.")
    assert "displacement" not in types(analyzer, old)
    assert "displacement" in types(analyzer, new)


def test_a_share_a_sum_or_a_span_of_time_is_no_head_count_of_people(analyzer):
    # Written for this test: "fled" needs people, and "18%" or "15 years" are none.
    market = ("Coffee prices fell almost 18% in São Paulo on Monday as speculators fled long "
              "positions.")
    exile = ("Sentenced to 15 years in prison, the former minister and his son flee to Brasília "
             "after Brazil grants them asylum.")
    town = "About 1,800 residents fled Minas Novas in Minas Gerais on Monday as floods rose."
    assert "displacement" not in types(analyzer, market)
    assert "displacement" not in types(analyzer, exile)
    assert "displacement" in types(analyzer, town)


@pytest.mark.parametrize(
    ("people", "place"),
    [
        ("Police capture several militants in a raid in Bosaso, Puntland, on Tuesday.",
         "Militants capture the town of Qandala in Bari, Puntland, on Tuesday."),
        ("A fifth escapee is captured in Baton Rouge, Louisiana, after the jailbreak.",
         "The town of Rutshuru is captured by M23 rebels in North Kivu after the fighting."),
        # "who" stands for the name the clause hangs on, "which" for the town.
        ("The army recovered the body of a soldier, Daniel Reyes, who was captured by ADF "
         "rebels near Beni in North Kivu.",
         "Aid workers reached Kamango, which was captured by ADF rebels on Sunday, in North "
         "Kivu province."),
        # A participle qualifies the noun right before it, whatever the parse hangs it on.
        ("Negotiators in Doha agreed an exchange of prisoners captured during the fighting "
         "near Bakhmut, Donetsk Oblast.",
         "Negotiators in Doha discussed the return of villages captured during the fighting "
         "near Bakhmut, Donetsk Oblast."),
        ("Officials say his capture in Mombasa on Monday ends a manhunt that lasted a year.",
         "Rebels say their capture of Garissa on Monday ends a siege that lasted a year."),
    ],
)
def test_capturing_people_is_no_capture_of_a_place(analyzer, people, place):
    # Written for this test.
    assert "capture" not in types(analyzer, people)
    assert "capture" in types(analyzer, place)


@pytest.mark.parametrize(
    "place",
    [
        "The town of Bunagana is recaptured by M23 rebels in North Kivu on Sunday after heavy "
        "fighting.",
        # A name the model may take for a person's stays a place with a place around it.
        "Army troops recapture Beled Hawo, a town in Gedo, Somalia, on Monday.",
        "Vietnamese forces seize the disputed Pearl Cay Reef in the Spratly Islands on Tuesday.",
    ],
)
def test_capturing_a_named_person_is_no_capture_of_a_place(analyzer, place):
    # Written for this test (real cases: "Mohamed Amra … is recaptured in Romania", "the
    # recapture of José Adolfo Macías Villamar").
    person = ("Fugitive gang leader Carlos Mendoza Ruiz is recaptured in Cartagena, Colombia, "
              "on Sunday, a month after escaping from prison.")
    assert "capture" not in types(analyzer, person)
    assert "capture" in types(analyzer, place)


@pytest.mark.parametrize(
    "money",
    [
        "Police seize more than US$40 million in cash from a cartel safe house in Culiacán, "
        "Sinaloa, on Friday.",
        "Customs officers in Rotterdam, Netherlands, seize €12 million in counterfeit "
        "banknotes on Monday.",
    ],
)
def test_seizing_money_is_no_capture(analyzer, money):
    # Written for this test (real cases: "seizes €17 million", "seize more than US$313
    # million in real estate assets").
    assert "capture" not in types(analyzer, money)
    assert "capture" in types(
        analyzer, "Cartel gunmen seize the town of Tepalcatepec in Michoacán, Mexico, on Friday.")


def test_a_place_taken_with_people_is_a_capture(analyzer):
    # Written for this test.
    both = "Troops capture the town of Kalehe and 40 fighters in South Kivu on Monday."
    assert "capture" in types(analyzer, both)


@pytest.mark.parametrize(
    ("aim", "done"),
    [
        ("The cabinet approves the army's plan to capture the city of Kherson on Monday.",
         "The army captures the city of Kherson on Monday, the cabinet says."),
        ("Government troops launch an operation in Kalehe, South Kivu, to retake the town.",
         "Government troops managed to retake the town of Kalehe in South Kivu on Monday."),
        ("The rebels' main goal is to capture Goma, the capital of North Kivu province.",
         "The rebels claim to have captured Goma, the capital of North Kivu province."),
    ],
)
def test_a_capture_in_the_infinitive_is_an_aim_unless_told_as_done(analyzer, aim, done):
    # Written for this test.
    assert "capture" not in types(analyzer, aim)
    assert "capture" in types(analyzer, done)


def test_a_displacement_camp_is_where_it_happened_not_people_fleeing(analyzer):
    # Written for this test.
    camp = ("Five civilians are killed in the shelling of a displacement camp near El Fasher, "
            "North Darfur, on Sunday.")
    fled = ("Five civilians are killed in shelling near El Fasher, North Darfur, and "
            "thousands are displaced to camps on Sunday.")
    assert "displacement" not in types(analyzer, camp)
    assert "displacement" in types(analyzer, fled)


def test_passengers_evacuated_from_a_vehicle_are_not_displaced(analyzer):
    # Written for this test.
    vehicle = ("A plane catches fire on the runway at Entebbe airport, Uganda, on Friday. All "
               "150 people on board are evacuated from the aircraft.")
    town = ("A wildfire spreads near Entebbe, Uganda, on Friday. All 1,500 residents of the "
            "town are evacuated from their homes.")
    assert "displacement" not in types(analyzer, vehicle)
    assert "displacement" in types(analyzer, town)


@pytest.mark.parametrize(
    "precaution",
    [
        "Police in Brno, Czech Republic, evacuate several downtown blocks and suspend traffic "
        "and public transport after the discovery of a 250-kilogram World War II unexploded "
        "bomb at a construction site.",
        "Around 20,000 people in Dresden, Germany, are ordered to evacuate after workers "
        "discover unexploded ordnance near the Carola bridge.",
    ],
)
def test_an_evacuation_for_found_ordnance_is_no_displacement(analyzer, precaution):
    # Written for this test (real cases: Bratislava and Berlin, 2025, both for World War II
    # bombs).
    fled = ("Around 20,000 people in Dresden, Germany, are ordered to evacuate after the Elbe "
            "bursts its banks near the Carola bridge.")
    assert "displacement" not in types(analyzer, precaution)
    assert "displacement" in types(analyzer, fled)


def test_ordnance_outside_the_cause_of_an_evacuation_leaves_it_standing(analyzer):
    # Written for this test: the ordnance is what sappers clear, not why people left.
    text = ("Thousands of residents are evacuated from Kharkiv, Ukraine, after Russian "
            "strikes, while sappers clear unexploded ordnance in the city.")
    assert "displacement" in types(analyzer, text)


@pytest.mark.parametrize(
    ("plan", "done"),
    [
        ("The prime minister presents a plan to evacuate 20,000 residents of Gaza City to "
         "camps in the south of the Strip.",
         "Residents of Gaza City are ordered to evacuate to camps in the south of the Strip "
         "on Monday."),
        ("The Israeli defence minister backs a proposal to forcibly displace Palestinians "
         "from the northern Gaza Strip.",
         "Israeli forces forcibly displace Palestinians from the northern Gaza Strip on "
         "Monday."),
    ],
)
def test_a_plan_to_displace_people_is_no_displacement(analyzer, plan, done):
    # Written for this test (real cases: "his proposed plan to temporarily evacuate 1,000
    # Palestinians", "Trump's plan to forcibly displace Gazan civilians").
    assert "displacement" not in types(analyzer, plan)
    assert "displacement" in types(analyzer, done)


@pytest.mark.parametrize(
    "talks",
    [
        "The cabinet approves a delegation to Doha, Qatar, for ceasefire talks on Monday.",
        "The United States releases a 20-point ceasefire proposal for Gaza on Monday.",
    ],
)
def test_ceasefire_talks_or_a_proposal_are_no_truce(analyzer, talks):
    # Written for this test.
    agreed = "Israel and Hamas agree to a ceasefire in Gaza on Monday, mediators in Doha say."
    assert "ceasefire" not in types(analyzer, talks)
    assert "ceasefire" in types(analyzer, agreed)


def test_an_attack_killing_one_named_civilian_is_civilian_harm(analyzer):
    # Written for this test: no count, but the dead is named by a civilian role; a fighter
    # named so is not.
    judge = ("A man opens fire inside a courthouse in Durres, Albania, on Monday, killing the "
             "presiding judge.")
    soldier = ("A man opens fire at a checkpoint in Durres, Albania, on Monday, killing the "
               "commanding officer.")
    assert {"attack", "civilian_harm"} <= types(analyzer, judge)
    assert "civilian_harm" not in types(analyzer, soldier)


def test_a_bombing_at_a_rally_is_an_attack_not_a_protest_met_with_force(analyzer):
    # Written for this test.
    bombing = ("Nine people are killed in a suicide bombing at a political rally in Quetta, "
               "Pakistan, on Sunday.")
    shooting = ("Police open fire on a rally of protesters in Quetta, Pakistan, on Sunday, "
                "killing nine people.")
    assert "attack" in types(analyzer, bombing)
    assert "protest" not in types(analyzer, bombing)
    assert "protest" in types(analyzer, shooting)


def test_tremors_among_symptoms_are_no_earthquake(analyzer):
    # Written for this test. "Tremors" names no earthquake in any labelled text; a list of
    # symptoms uses it for shaking hands. The earthquake itself still reads as one.
    symptoms = ("Patients in Lagos, Nigeria, with the disease suffer from fever, muscle weakness "
                "and tremors, doctors said on Monday.")
    quake = ("A magnitude 6.1 earthquake shook Lagos, Nigeria, on Monday, damaging hundreds of "
             "homes and killing four people.")
    assert "disaster" not in types(analyzer, symptoms)
    assert "disaster" in types(analyzer, quake)


def test_a_proposal_or_threat_to_act_is_not_the_act_a_decision_is(analyzer):
    # Written for this test: the noun an infinitive hangs on says whether it is done.
    threat = "Kenya hosts talks on Friday to discuss the government's threat to close the " \
             "Dadaab refugee camp."
    order = "Kenya hosts talks on Friday to discuss the government's order to close the " \
            "Dadaab refugee camp."
    proposal = "Arab leaders meet in Cairo to answer the American proposal to resettle " \
               "Gazans in Egypt and Jordan."
    decision = "Arab leaders meet in Cairo to answer the American decision to resettle " \
               "Gazans in Egypt and Jordan."
    assert "refugee_policy" not in types(analyzer, threat)
    assert "refugee_policy" not in types(analyzer, proposal)
    assert "refugee_policy" in types(analyzer, order)
    assert "refugee_policy" in types(analyzer, decision)


def test_fans_hurt_are_no_sense_of_sport_a_match_is(analyzer):
    # Written for this test: the crowd a van ploughs into is who was hurt; a sports word
    # outside the crowd still reads the story as sport.
    rammed = ("A van ploughs into crowds of Arsenal fans celebrating their Premier League "
              "title win in the city centre of London, England.")
    match = ("Crowds of fans watch Arsenal attack the Chelsea goal in a Premier League match "
             "in London, England.")
    assert "attack" in types(analyzer, rammed)
    assert "attack" not in types(analyzer, match)


@pytest.mark.parametrize(
    ("victims", "veto"),
    [
        ("Two judges are killed and a third judge and a guard are injured in a mass shooting "
         "at the Supreme Court in Kabul, Afghanistan.",
         "Two judges are appointed and a third judge and a guard are questioned over a mass "
         "shooting at the Supreme Court in Kabul, Afghanistan."),
        ("Two scientists are killed and three others are injured in a bomb attack on a bus in "
         "Kabul, Afghanistan.",
         "Two scientists are hired to study a bomb attack on a bus in Kabul, Afghanistan."),
    ],
)
def test_who_was_hurt_is_no_veto_word(analyzer, victims, veto):
    # Written for this test: judges or scientists killed are victims, not a trial or a study.
    assert "attack" in types(analyzer, victims)
    assert "attack" not in types(analyzer, veto)


@pytest.mark.parametrize(
    ("text", "protest"),
    [
        # labelling rule 8: a peaceful labour strike alone is no protest, whatever it is for
        ("Air traffic controllers in France go on strike to protest understaffing and "
         "outdated equipment.", False),
        ("A jailed former rebel leader starts a hunger strike to protest his trial in Paris.",
         False),
        # a crowd, unrest beside it, or a general strike make it one
        ("Thousands of air traffic controllers march in Paris and go on strike to protest "
         "understaffing.", True),
        ("Teachers in Lyon go on strike to protest pay cuts, and police use tear gas on a "
         "picket line.", True),
        ("Unions in Belgium begin a three-day general strike across the country to protest "
         "budget cuts.", True),
    ],
)
def test_a_strike_alone_is_no_protest(analyzer, text, protest):
    assert ("protest" in types(analyzer, text)) is protest


@pytest.mark.parametrize(
    ("foretold", "happened", "etype"),
    [
        ("Police close roads in Nairobi ahead of a planned protest on Saturday.",
         "A planned protest in Nairobi turned violent when police fired tear gas at the crowd.",
         "protest"),
        ("The governor declares a state of emergency in Kentucky amid the upcoming winter "
         "storm.",
         "The governor declares a state of emergency in Kentucky after a winter storm "
         "killed four people.",
         "disaster"),
    ],
)
def test_an_event_called_upcoming_or_planned_has_not_happened(analyzer, foretold, happened,
                                                               etype):
    # as the subject of its own clause the event's verb says what became of it
    assert etype not in types(analyzer, foretold)
    assert etype in types(analyzer, happened)


@pytest.mark.parametrize(
    ("who", "fled"),
    [
        ("The ombudsman in Bogota warns that 40,000 children in Catatumbo cannot attend "
         "school due to the ongoing conflict, and that a third of the affected displaced "
         "population are minors.",
         "Fighting between armed groups in Catatumbo displaces 40,000 people, a third of "
         "them minors, the ombudsman in Bogota says."),
        ("The ombudsman warns that 40,000 children cannot attend school because of the "
         "fighting in Catatumbo, and that a third of the affected displaced population are "
         "minors.",
         "More than 40,000 people flee the fighting in Catatumbo, a third of them minors, "
         "the ombudsman says."),
        ("Aid groups welcomed the new quota but said far more help was needed for the "
         "millions displaced inside Sudan.",
         "Fighting around El Fasher leaves 200,000 people displaced inside Sudan this week."),
    ],
)
def test_displaced_before_a_noun_says_who_people_are(analyzer, who, fled):
    # "the displaced population", "the millions displaced" name people by what befell them
    # before; the verb, or the participle after a number without "the", reports it
    assert "displacement" not in types(analyzer, who)
    assert "displacement" in types(analyzer, fled)


def test_a_building_collapse_is_an_accident_a_mine_or_dam_collapse_a_disaster(analyzer):
    # Written for this test. The labels call a collapsed building or bridge an accident
    # (six train items, none labelled a disaster; houses, towers and other structures
    # likewise) and a collapsed mine or burst dam an industrial disaster, as LABELLING.md.
    building = types(analyzer, "Nine people are killed when a five-story apartment building "
                               "collapses in Kisumu, Kenya.")
    mine = types(analyzer, "Nine miners are killed when a gold mine collapses in Kisumu, Kenya.")
    dam = types(analyzer, "Four workers are killed when a dam collapses near Ghent, Belgium.")
    assert "disaster" not in building
    assert "disaster" in mine and "disaster" in dam


def test_a_refugee_policy_is_placed_in_its_country_not_the_capital_it_was_announced_in(
    analyzer,
):
    # Written for this test: the article's main town is the capital the policy was
    # announced in, which is not where it happens; a camp it is about stays its place.
    def where(title: str, text: str) -> list[str]:
        events = analyzer.extractor.extract(Article(text=text, title=title, published=PUBLISHED))
        return [p.name for e in events if e.type == "refugee_policy" for p in e.places]

    assert where("Ghana to resettle 5,000 more refugees from Burkina Faso",
                 "Ghana will resettle 5,000 more refugees from Burkina Faso over two years, "
                 "the interior minister announced in Accra on Thursday.") == ["Ghana"]
    assert where("Kenya orders the closure of Kakuma camp",
                 "Kenya orders the closure of the Kakuma refugee camp within 30 days, "
                 "officials in Kakuma said on Thursday.") == ["Kakuma"]


def test_harm_from_an_accident_is_no_attack_and_no_civilian_harm(analyzer):
    # Written for this test: a grenade set off by mistake, bombs dropped in error and a gas
    # explosion kill without an attack (the labels call all such items neither); the same
    # harm from militants' grenade or a drone strike is both.
    accident = types(analyzer, "Five villagers are killed in Kunduz, Afghanistan, after a boy "
                               "accidentally detonates an old grenade he found in a field.")
    attack = types(analyzer, "Five villagers are killed in Kunduz, Afghanistan, after militants "
                             "detonate a grenade in a crowded market.")
    error = types(analyzer, "Two air force jets erroneously release eight bombs over a village "
                            "near Kunduz, Afghanistan, injuring 15 residents.")
    gas = types(analyzer, "A gas explosion at an apartment block in Kazan, Russia, kills six "
                          "residents, including two children.")
    drone = types(analyzer, "A drone strike on an apartment block in Kazan, Russia, kills six "
                            "residents, including two children.")
    for harmless in (accident, error, gas):
        assert not harmless & {"attack", "civilian_harm"}
    assert "civilian_harm" in attack
    assert {"attack", "civilian_harm"} <= drone


def test_an_accident_told_in_a_misparsed_after_clause_is_still_read(analyzer):
    # Written for this test: the small parser joins "after a boy accidentally detonates …"
    # to "killed" as a conjunct, or hangs it on "injured", instead of an adverbial clause;
    # the accident must be read all the same (both raised civilian harm before).
    joined = types(analyzer, "Three people are killed and four more injured in Kunduz, "
                             "Afghanistan, after a boy accidentally detonates an old grenade "
                             "in their yard.")
    hung = types(analyzer, "Two people are killed and six injured in Herat, Afghanistan, after "
                           "a child accidentally sets off an old mortar shell.")
    assert not joined & {"attack", "civilian_harm"}
    assert not hung & {"attack", "civilian_harm"}


def test_a_bomb_that_goes_off_on_its_bearer_is_no_attack(analyzer):
    # Written for this test: a bomb that explodes on the one carrying or planting it is
    # labelled neither attack nor harm in WCEP-2025 (the parser reads "after" as a
    # preposition here, the carrying as a relative clause); a bomb that explodes near a
    # passer-by stays an attack with harm.
    carried = types(analyzer, "A man is killed in Larissa, Greece, after a bomb he was carrying "
                              "explodes, damaging several parked cars.")
    planted = types(analyzer, "A suspected militant is killed in Bannu, Pakistan, after a bomb "
                              "he was planting outside a shop explodes prematurely, damaging "
                              "ten shops.")
    passer_by = types(analyzer, "A woman is killed in Larissa, Greece, after a bomb explodes "
                                "near her, also damaging several parked cars.")
    # a bomber who sets off what he carries is an attacker: no accident in the carrying
    bomber = types(analyzer, "Twenty people are killed in Peshawar, Pakistan, after a suicide "
                             "bomber blows up the explosives he was carrying at a crowded market.")
    assert not carried & {"attack", "civilian_harm"}
    assert not planted & {"attack", "civilian_harm"}
    assert {"attack", "civilian_harm"} <= passer_by
    assert {"attack", "civilian_harm"} <= bomber


def test_a_bracketed_conversion_does_not_hide_the_ordnance_an_evacuation_is_for(analyzer):
    # Written for this test: the small parser split the sentence at "(225-kilogram)" and
    # lost the unexploded bomb the evacuation was for; an evacuation from fighting stands.
    bomb = types(analyzer, "Police in Brno, Czech Republic, evacuate several downtown blocks "
                           "after the discovery of a 500-pound (225-kilogram) World War II "
                           "unexploded bomb in a construction site.")
    fighting = types(analyzer, "Police in Brno, Czech Republic, evacuate several villages "
                               "after heavy shelling by 155-millimetre (6-inch) guns.")
    assert "displacement" not in bomb
    assert "displacement" in fighting


def test_bodies_or_graves_found_are_no_report_of_harm_unless_dated_or_amid_fighting(analyzer):
    # Written for this test: a grave or bodies found tell of killings of no known date; the
    # same find dated, or amid fighting, and a killing told with its toll, are civilian harm.
    grave = types(analyzer, "Soldiers find a mass grave with the bodies of 40 civilians near "
                            "Beni, Democratic Republic of the Congo.")
    found = types(analyzer, "Investigators discover the bodies of 12 villagers who were shot "
                            "dead in a forest near Beni, Democratic Republic of the Congo.")
    dated = types(analyzer, "The bodies of 12 villagers killed by ADF militants on Sunday are "
                            "recovered near Beni, Democratic Republic of the Congo.")
    killed = types(analyzer, "ADF militants kill 12 villagers near Beni, Democratic Republic "
                             "of the Congo, and their bodies are recovered the next day.")
    assert "civilian_harm" not in grave and "civilian_harm" not in found
    assert "civilian_harm" in dated and "civilian_harm" in killed


def test_bodies_found_of_people_killed_by_militants_are_no_report_of_an_attack(analyzer):
    # Written for this test: remains found of people killed by an armed group are a
    # discovery (WCEP-2025 labels 27 of 28 train and tune items telling of bodies or graves
    # found with no attack); the killing told as news is one.
    found = types(analyzer, "Soldiers find the bodies of 30 villagers killed by Islamic State "
                            "militants in a desert near Sirte, Libya.")
    killed = types(analyzer, "Islamic State militants kill 30 people in a desert near Sirte, "
                             "Libya, and their remains are found the next day.")
    assert "attack" not in found and "civilian_harm" not in found
    assert "attack" in killed


def test_a_disease_outbreak_set_off_by_a_disaster_is_no_disaster_a_tornado_outbreak_is(
    analyzer,
):
    # Written for this test: the outbreak is the news and LABELLING.md counts epidemics as
    # no disaster; the floods themselves, or an outbreak of tornadoes, are one.
    outbreak = types(analyzer, "At least 15 people are killed by a cholera outbreak caused by "
                               "standing water from persistent flooding in Beira, Mozambique.")
    floods = types(analyzer, "Persistent flooding kills at least 15 people in Beira, "
                             "Mozambique, and health officials fear a cholera outbreak.")
    tornadoes = types(analyzer, "A tornado outbreak kills 12 people across Mississippi and "
                                "Alabama, United States.")
    assert "disaster" not in outbreak
    assert "disaster" in floods and "disaster" in tornadoes


def test_a_protest_people_are_charged_or_released_for_is_no_protest_event(analyzer):
    # Written for this test: the legal action is the news and the protest an earlier event;
    # protesters arrested while they march are the protest's own news.
    charged = types(analyzer, "Prosecutors in Tbilisi, Georgia, charge 40 people over their "
                              "participation in violent protests against the government.")
    released = types(analyzer, "A court in Tbilisi, Georgia, releases 30 students on bail after "
                               "they were arrested for taking part in protests against the "
                               "government.")
    marching = types(analyzer, "Police in Tbilisi, Georgia, arrest 50 protesters as thousands "
                               "march against the government.")
    assert "protest" not in charged and "protest" not in released
    assert "protest" in marching


def test_a_shooting_or_stabbing_of_one_or_two_people_is_a_crime_not_an_attack(analyzer):
    # Written for this test. The labels call a shooting or stabbing that hurt one or two
    # people and killed one at most neither an attack nor civilian harm (five train items:
    # an ordinary crime, LABELLING.md rule 2), while a mass stabbing, a third person hurt,
    # a ramming or an armed group makes it both.
    two_hurt = types(analyzer, "Two shoppers are seriously injured in a stabbing attack at a "
                               "bakery in Gera, Thuringia, Germany. A 24-year-old man is "
                               "arrested.")
    one_dead = types(analyzer, "A man is shot dead outside a cafe in Malmo, Sweden. The "
                               "suspect fled on a scooter.")
    mass = types(analyzer, "Two shoppers are seriously injured in a mass stabbing at a bakery "
                           "in Gera, Thuringia, Germany. A 24-year-old man is arrested.")
    three = types(analyzer, "One man is killed and two others are injured in a shooting "
                            "outside a cafe in Malmo, Sweden.")
    gang = types(analyzer, "A man is shot dead by gang members outside a cafe in Malmo, "
                           "Sweden.")
    assert not two_hurt & {"attack", "civilian_harm"}
    assert not one_dead & {"attack", "civilian_harm"}
    assert "attack" in mass
    assert "attack" in three
    assert gang & {"attack", "civilian_harm"}


def test_an_attack_that_kills_or_people_killed_after_one_need_no_armed_word(analyzer):
    # Written for this test. "attack" beside no armed word (troops, gunmen, a bomb) is no cue
    # alone, but an attack that killed or hurt people, or people killed after, by or from
    # one, is; a stabbing attack that hurt two stays an ordinary crime, and an attack of
    # years ago stays history.
    after = types(analyzer, "Six people are killed and 38 others are injured after an attack "
                            "by the group hits a hospital in Khartoum, Sudan.")
    kills = types(analyzer, "A faction claims responsibility for an attack on a convoy in "
                            "Takhar province, Afghanistan, killing three people.")
    crime = types(analyzer, "A stabbing attack at a bakery in Gera, Thuringia, Germany, "
                            "injures two shoppers. A 24-year-old man is arrested.")
    history = types(analyzer, "Iran hangs nine men for a 2018 attack which killed three "
                              "Revolutionary Guard personnel in Ahvaz.")
    assert "attack" in after and "attack" in kills
    assert not crime & {"attack", "civilian_harm"}
    assert "attack" not in history


@pytest.mark.parametrize(
    ("civilians", "fighters"),
    [
        # Written for this test: the same attack hurting people named as civilians, and
        # hurting soldiers or police; nobody is killed in either.
        ("A gunman opens fire on a school bus in Ohio, injuring four students.",
         "A gunman opens fire on a police patrol in Ohio, injuring four officers."),
        ("A hand grenade thrown into a market in Bangui injures 12 women and children.",
         "A hand grenade thrown at an army post in Bangui injures 12 soldiers."),
        ("An explosive device planted on a bus in Quetta, Pakistan, wounds nine passengers.",
         "An explosive device planted on a bus in Quetta, Pakistan, wounds nine soldiers."),
    ],
)
def test_an_attack_that_only_hurt_people_named_as_civilians_is_civilian_harm(
    analyzer, civilians, fighters
):
    assert {"attack", "civilian_harm"} <= types(analyzer, civilians)
    assert types(analyzer, fighters) & {"attack", "civilian_harm"} == {"attack"}


def test_a_month_a_measure_lasts_until_is_no_date_of_the_past(analyzer):
    # Written for this test (published in March): "in June" dates the act to last June,
    # while "until June" says how long a measure taken now will last.
    until = types(analyzer, "Pakistan suspends the deportation of Afghan refugees until June.")
    last_june = types(analyzer, "Pakistan suspended the deportation of Afghan refugees in June.")
    assert "refugee_policy" in until
    assert "refugee_policy" not in last_june
