import pytest

from bot.analysis.casualties import extract_casualties, extract_people_count, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("40", 40), ("1,500", 1500), ("2,000", 2000), ("1.5 million", 1_500_000), ("eleven", 11),
     ("scores", 40),
     ("2004", None), ("many", None)],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_killed_and_injured_with_qualifier():
    c = extract_casualties("The blast killed at least 40 people and wounded 112 others.")
    assert c is not None
    assert (c.killed, c.injured, c.qualifier) == (40, 112, "at least")


def test_death_toll_phrase():
    c = extract_casualties("The death toll from the floods has risen to more than 150.")
    assert c is not None and c.killed == 150 and c.qualifier == "more than"


def test_a_death_toll_named_far_from_its_figure():
    # Written for this test. WCEP-2025 holds three dozen summaries of the form "the death
    # toll from <the event, its place and its day> rises to N", most of them over 60
    # characters between the two.
    c = extract_casualties("The death toll from Saturday's bombing at a crowded market in "
                           "Maiduguri, Borno State, Nigeria, rises to 32.")
    assert c is not None and c.killed == 32


def test_deaths_counted_as_a_noun():
    # Written for this test, after WCEP-2025's "leading to four deaths" and "ten deaths have
    # occurred due to protests".
    c = extract_casualties("The unrest in Kisumu, Kenya, has led to at least nine deaths.")
    assert c is not None and c.killed == 9 and c.qualifier == "at least"


def test_passive_figures_and_word_numbers():
    c = extract_casualties("Eleven civilians, including ten children, were killed.")
    assert c is not None and c.killed == 11


def test_no_figures_gives_none():
    assert extract_casualties("Talks resumed in Geneva on Monday.") is None
    assert extract_casualties("The 1994 war is remembered.") is None


def test_people_count():
    assert extract_people_count("displacing over 200,000 people in the city") == 200_000
    assert extract_people_count("about 16 families fled") == 16
    assert extract_people_count("nobody was there") is None
    # an order of size in words is a count too, and a floor
    assert extract_people_count("several thousand residents fled across the river") == 3000
    assert extract_people_count("a few hundred families left") == 300
    c = extract_casualties("several dozen people were killed in the raid")
    assert c is not None and (c.killed, c.qualifier) == (36, "at least")


def test_victims_named_as_combatants():
    from bot.analysis.casualties import victims_all_combatants

    assert victims_all_combatants("A car bomb kills at least 12 police officers.") is True
    assert victims_all_combatants("Three soldiers are killed and 13 others injured.") is True
    assert victims_all_combatants("Two people are killed in the strike.") is False
    assert victims_all_combatants("Four soldiers and a farmer were killed.") is False
    assert victims_all_combatants("Fighting went on for hours.") is None


def test_present_tense_counts():
    # news summaries report in the present: "troops kill nine", "gunmen wound four"
    c = extract_casualties("Troops kill nine villagers and wound four others near the border.")
    assert c is not None and (c.killed, c.injured) == (9, 4)


def test_other_verbs_of_killing_take_the_count_as_their_object():
    # Written for this test: beheading, slaughtering, shooting dead and gunning down count
    # the dead as killing does, and name who they were.
    from bot.analysis.casualties import victims_all_combatants

    for text in ("Insurgents behead 15 villagers in the district.",
                 "Gunmen shoot dead 15 worshippers at the mosque.",
                 "Militiamen gunned down 15 farmers in their fields.",
                 "Attackers slaughter 15 herders near the river."):
        c = extract_casualties(text)
        assert c is not None and c.killed == 15, text
        assert victims_all_combatants(text) is False, text
    assert victims_all_combatants("Troops shoot dead 15 militants near the border.") is True


def test_victims_after_an_adverb_or_in_another_sentence():
    from bot.analysis.casualties import victims_all_combatants

    assert victims_all_combatants(
        "Police kill two suspected militants in a raid. One passerby is also killed.") is False
    assert victims_all_combatants(
        "A woman is decapitated and a security guard is critically injured.") is False


def test_members_of_a_civil_body_are_not_fighters():
    from bot.analysis.casualties import victims_all_combatants

    assert victims_all_combatants("Three faculty members are wounded in a stabbing.") is False
    assert victims_all_combatants("Four clan members are killed in the raid.") is False
    assert victims_all_combatants("Four gang members are killed in the raid.") is True
    assert victims_all_combatants("A missile strike on a ship kills four crew members.") is False


def test_who_kills_is_not_a_victim():
    from bot.analysis.casualties import victims_all_combatants

    # a count after the verb is its object: the bomb is the killer, the soldiers the dead
    assert victims_all_combatants("A suicide car bomb killed seven soldiers near the camp.") is True
    assert victims_all_combatants("A suicide car bomb killed seven farmers near the camp.") is False
    # peacekeepers and service members are soldiers; "a third" is one more of them
    assert victims_all_combatants("Four more peacekeepers are killed in a mortar attack.") is True
    assert victims_all_combatants(
        "Two officers were killed in the ambush and a third is wounded.") is True


def test_one_person_killed_named_by_a_civilian_role():
    from bot.analysis.casualties import ROLE_KILLED

    assert ROLE_KILLED.search("A gunman opens fire in a courtroom, killing the presiding judge.")
    assert ROLE_KILLED.search("The former mayor of the town is killed in a drone strike.")
    assert not ROLE_KILLED.search("The mayor condemns the drone strike on the town.")
    assert not ROLE_KILLED.search("A gunman opens fire in a courtroom, killing a guard.")


def test_a_second_group_of_victims_counts():
    # "and a driver", "fifteen civilians and": a civilian beside fighters is civilian harm
    from bot.analysis.casualties import victims_all_combatants

    assert victims_all_combatants(
        "A roadside bomb kills six police officers and a driver on the highway.") is False
    assert victims_all_combatants(
        "Jets strike a convoy, killing three fighters and the headman of a hamlet.") is False
    assert victims_all_combatants(
        "The siege ends with nine hostages and all four gunmen killed.") is False
    assert victims_all_combatants(
        "A raid kills two soldiers and three rebels near the border.") is True
    assert victims_all_combatants("Five rebels and two soldiers are killed.") is True


def test_victims_before_an_including_aside():
    from bot.analysis.casualties import victims_all_combatants

    assert victims_all_combatants(
        "Four people, including the gunman, are killed and a deputy is wounded.") is False
    assert victims_all_combatants("Six troops, including a colonel, are killed.") is True


def test_a_civilian_killed_by_role():
    # "killing the driver and wounding two officers": the driver is no fighter
    from bot.analysis.casualties import victims_all_combatants

    assert victims_all_combatants(
        "Bandits ambush a bus, killing the driver and wounding two police officers.") is False
    assert victims_all_combatants(
        "Ten security officials are killed and four others wounded in an ambush.") is True


def test_a_list_of_victims_before_the_verb_keeps_its_first_count():
    # Written for this test: the count opens a list of who was killed.
    c = extract_casualties("Three students, a teacher and a security guard were killed in the "
                           "attack on the school.")
    assert c is not None and c.killed == 3


def test_few_harmed_counts_the_people_named_one_by_one():
    # Written for this test: "a man", "another" and "one person" are one each; a count of
    # people shot is read too.
    from bot.analysis.casualties import few_harmed

    assert few_harmed("A man is shot dead outside a bar in Leeds.")
    assert few_harmed("One person is killed and another is injured in a shooting.")
    assert few_harmed("Two people are seriously injured in a stabbing at a bakery.")
    assert not few_harmed("A woman is killed and two others are wounded in a shooting.")
    assert not few_harmed("Two boys and a teacher were shot at a school in Tampa.")
    assert not few_harmed("Two people are killed in a stabbing at a bakery.")
    assert not few_harmed("Police arrest a man in Leeds.")


def test_violent_harm_names_who_opened_fire_or_killed():
    # Written for this test: harm done by armed men is no accident's toll, harm by a flood
    # or a crash may be.
    from bot.analysis.casualties import VIOLENT_HARM

    assert VIOLENT_HARM.search("At least 30 people are killed by the Israel Defense Forces.")
    assert VIOLENT_HARM.search("Twelve villagers are killed by suspected jihadist militants.")
    assert VIOLENT_HARM.search("Gunmen open fire on worshippers at a mosque, killing nine.")
    assert not VIOLENT_HARM.search("Twelve villagers are killed by flash floods in Kasese.")
    assert not VIOLENT_HARM.search("Nine people are killed when a bus hits a truck.")
