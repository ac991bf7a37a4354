import pytest

from bot.analysis.triggers import find_triggers, may_hold_event


def types(sentence: str, previous: str = "") -> set[str]:
    return {h.trigger.type for h in find_triggers(sentence, previous)}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Gunmen attacked a police post in the north of the province.", {"attack"}),
        ("An air strike hit a market on Sunday.", {"attack"}),
        ("Rebels captured the town of Bardai after a day of fighting.", {"capture", "attack"}),
        ("The army took control of the airport.", {"capture"}),
        ("The militia massacred dozens of villagers.", {"civilian_harm"}),
        ("Thousands of residents fled the city.", {"displacement"}),
        ("The floods displaced 40,000 people.", {"displacement", "disaster"}),
        ("The government announced it would resettle 5,000 refugees.", {"refugee_policy"}),
        ("The two sides agreed a ceasefire on Friday.", {"ceasefire"}),
        ("Police fired tear gas at protesters in the capital.", {"protest"}),
        ("A magnitude 6.1 earthquake struck the coast.", {"disaster"}),
        ("Sixteen people are killed after a bus is hit by a landslide.", {"disaster"}),
        ("Storm Claudia makes landfall, killing three people.", {"disaster"}),
        # a plural armed subject takes the verb's bare form in the present tense
        ("Government troops shell villages near Kadugli.", {"attack"}),
        ("Army planes bombard a market in Nyala.", {"attack"}),
        ("The army issues an evacuation order for the whole of the city.", {"displacement"}),
    ],
)
def test_trigger_types(sentence, expected):
    assert expected <= types(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The attacking midfielder scored twice.",
        "Iran shell companies were used to evade sanctions.",
        "Officials lift evacuation orders for the valley as the fire is contained.",
        "Evacuation orders were lifted on Sunday.",
        "The army bomb disposal unit made the device safe.",
        "The group launched a hostile takeover of its rival.",
        "The company reported a flood of orders.",
        "She won in a landslide victory.",
        "Riot police storm the building.",
        "The junta installs a government after seizing power.",
        "The navy seizes the Panamanian-flagged oil tanker off the coast.",
        "Police seize two tonnes of cocaine at the port.",
        "Riot police stood by as fans sang.",
        "The Navy showed off its new attack submarine.",
        "He died of a heart attack at home.",
        "The peace prize was awarded on Friday.",
        "A bomb squad defused the device found near the station.",
        "Air raid sirens sound across Kyiv for the third night in a row.",
        "An air-raid alert is declared in Kharkiv and Sumy regions.",
        "Families sleep in an air raid shelter under the school.",
        "The government has delivered 200,000 new homes across the earthquake zone.",
        "Many schools in quake zones are still built without steel frames.",
    ],
)
def test_false_friends_are_not_triggers(sentence):
    assert types(sentence) == set()


def test_an_earthquake_zone_is_a_place_an_earthquake_that_struck_it_is_news():
    assert "disaster" not in types("Aid trucks reach the earthquake zone in Hatay.")
    assert "disaster" in types("An earthquake strikes Hatay, Turkey, killing 14 people.")


def test_an_air_raid_warned_of_is_none_one_carried_out_is():
    assert "attack" in types("Russian air raids on Kharkiv kill three people.")
    assert "attack" not in types("Air raid sirens sound in Kharkiv as residents head to shelters.")


def test_attack_needs_an_armed_context_in_this_or_the_previous_sentence():
    assert types("They were attacked on the road.") == set()
    assert types("They were attacked on the road.", "Militants set up a roadblock.") == {"attack"}


def test_prefilter():
    assert may_hold_event("Rebels captured the town")
    assert not may_hold_event("The committee met on Tuesday to discuss the budget.")


def test_the_longer_cue_names_the_type_where_cues_overlap():
    # "strike" alone can be a labour strike; inside "drone strike" it is not.
    drone = "Two people are injured in a drone strike on a minibus as police look on."
    assert types(drone) == {"attack"}
    # "clash" alone can be armed; inside "clashed with police" it is unrest.
    assert types("Protesters clashed with police outside parliament.") == {"protest"}
    # An assault that takes the place is both: "overran a military base" is an attack and
    # the capture word inside it still names a capture.
    assert types("Insurgents overran a military base near the town, killing 17 soldiers.") == {
        "attack", "capture"}
    # Civilians killed by an armed side are both: the harm word inside "killed by ADF
    # militants" still names the harm to the villagers.
    assert types("Twelve villagers are killed by ADF militants near Beni on Sunday.") == {
        "attack", "civilian_harm"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Two soldiers are killed in a shootout with militants near the border.",
        "Gunmen open fire inside a bar, killing seven people.",
        "Five people are injured in a vehicle-ramming attack on a market.",
        "Four people are killed in a mass shooting at a school.",
        "Three people are injured in a stabbing attack at a station.",
    ],
)
def test_gun_and_knife_attacks_are_cued(sentence):
    assert "attack" in types(sentence)


@pytest.mark.parametrize(
    ("sentence", "attack"),
    [
        # Written for this test; the phrase is in WCEP-2025 items (a hospital "hit by an
        # Iranian ballistic missile", a tanker "struck and set on fire by a projectile").
        ("A cargo ship is struck by a missile off the coast of Hodeidah.", True),
        ("The clinic was hit overnight by two Russian drones.", True),
        ("A tanker is struck and set on fire by a projectile in the Red Sea.", True),
        # a vessel attacked: "a Russian corvette is allegedly attacked", "a tanker is
        # attacked by suspected pirates" (WCEP-2025); the words alone name no armed side
        ("A bulk carrier is attacked by pirates in skiffs off the coast of Eyl.", True),
        ("Two fuel tankers were reportedly targeted near the port of Tuapse.", True),
        ("The minister was attacked over the port deal by the opposition.", False),
        # a vehicle driven into people: "drives a car into a crowd outside a bar", "rammed
        # a stolen car into pedestrians" (WCEP-2025)
        ("A man drove a van into a crowd of shoppers in Leeds on Saturday.", True),
        ("A woman drove her car into a ditch near Leeds on Saturday.", False),
        # "strikes targeting" is WCEP-2025's "strikes on" as often ("missile strikes
        # targeting Udhampur", "a strike targeting an alleged drug smuggling boat")
        ("The navy conducts a strike targeting a smuggling boat off the coast.", True),
        # a deadly security operation (WCEP-2025: "eight people are killed … in a security
        # operation", "guerrillas are killed in a military operation"); without deaths it
        # is policing or deployment
        ("Five gang members are killed during a police operation in Kingston.", True),
        ("Police conduct a security operation at the stadium ahead of the final.", False),
        ("A cyclist is hit by a car in the city centre.", False),
        ("Two hikers are struck by lightning near the summit.", False),
        ("The region was hit by floods and landslides.", False),
        # A shooting with people counted among its victims (WCEP-2025: "three people are
        # killed in a shooting at a hair salon"); a photo shoot or a film is none.
        ("Three people are killed in a shooting at a shopping centre in Malmo.", True),
        ("The shooting of the film in Malmo ends after six weeks.", False),
        # Strikes that kill, hit or target, and armed forces striking or targeting a place
        # (WCEP-2025: "Russian artillery strikes kill two people", "Israeli jets strike
        # 120 missile systems", "Russian artillery targets Pokrovsk").
        ("Missile strikes kill four people in the centre of Odesa.", True),
        ("Warplanes strike a fuel depot outside Benghazi.", True),
        ("Russian artillery targets the town of Kupiansk overnight.", True),
        ("Dock workers strike for a second day in Antwerp.", False),
        ("The government struck a deal with the unions.", False),
        ("The new tax targets foreign investors.", False),
        # Killed by an armed side's fire (WCEP-2025: "killed by Israeli gunfire", "killed
        # by Israeli fire"), not by a house fire.
        ("Twelve people are killed by Israeli fire near an aid site in Rafah.", True),
        ("Five people are killed by soldiers at a checkpoint near Goma.", True),
        ("Three people are killed by a house fire in Leeds.", False),
        # An exchange of fire, fire aimed at someone (WCEP-2025: "exchange fire across
        # their countries' shared border", "fired on by a local militia group").
        ("Thai and Cambodian troops exchange fire along the border.", True),
        ("A patrol is fired on by gunmen near the village.", True),
        ("The coach was fired after a string of defeats.", False),
        # An armed advance on a place (WCEP-2025: "rebels advance on the city of Goma").
        ("Rebels advance on the city of Uvira after taking the airport.", True),
        ("Prices advance on strong demand for copper.", False),
        # Missiles launched or fired, in the present as in the past (WCEP-2025: "launches a
        # major ballistic and cruise missile attack", "launch ballistic missiles at the
        # centre of Odesa"); a space launch is none, nor a payload launched on a rocket.
        ("Iran launches dozens of ballistic missiles at Haifa overnight.", True),
        ("Iran launched dozens of ballistic missiles at Haifa overnight.", True),
        ("Gunmen fire mortars at the airport perimeter in Mogadishu.", True),
        ("A private firm launches its first heavy rocket from a space coast pad.", False),
        ("The crew is launched on a Long March rocket from the Gobi desert.", False),
        # Drones launched like missiles (WCEP-2025: "launches over 100 Shahed drones and
        # ballistic missiles towards Israel", "launches over 450 bomber drones"); a drone
        # programme launched is none, nor a light show.
        ("Russia launches over 450 bomber drones at Kyiv overnight.", True),
        ("The ministry launches a drone delivery programme for rural clinics.", False),
        ("Shanghai launches 10,000 drones in a record light show over the Bund.", False),
        # Missiles or mortars said to be fired, in the passive (WCEP-2025: "several mortars
        # were fired toward Aden Adde International Airport", "rockets from Lebanon being
        # fired into Israel"); a satellite launch is none.
        ("Several mortars were fired toward the airport in Mogadishu.", True),
        ("Two rockets are fired into northern Israel from Lebanon.", True),
        ("The rocket was fired from the pad to put two satellites in orbit.", False),
        # A counter-offensive or counter-attack launched (WCEP-2025: "launches a
        # counterattack against M23 rebels", "have launched counteroffensives against the
        # bandit gangs"); a counter-offensive merely talked of is none.
        ("The Congolese army launches a counterattack against M23 rebels near Sake.", True),
        ("The army has launched counteroffensives against the bandit gangs.", True),
        ("Analysts debate whether a counteroffensive is still possible next year.", False),
        # Killed by an armed group named at length (WCEP-2025: "killed by Coalition of
        # Patriots for Change gunmen", "killed by West Papua National Liberation Army
        # (TPNPB) militants", "killed by armed gangs"); by a named disease, none.
        ("Nine villagers are killed by Cooperative for Development (CODECO) militants in Ituri.",
         True),
        ("Forty people are killed by armed gangs in the capital's northern suburbs.", True),
        ("Nine villagers are killed by an outbreak of cholera near Beni.", False),
        # A stabbing spree, an air force bombing in the present (WCEP-2025: "a stabbing
        # spree in Hollow Water First Nation", "the Israeli Air Force bombs …"), an ambush
        # by whoever (WCEP-2025: "five police officers are killed after an ambush").
        ("Four people are wounded in a stabbing spree at a train station in Hamburg.", True),
        ("The air force bombs a weapons depot outside Sanaa.", True),
        ("The ruling party bombs in the regional elections.", False),
        ("Two officers are killed after an ambush on a highway near Tapachula.", True),
    ],
)
def test_weapons_strikes_shootings_fire_and_advances_cue_an_attack(sentence, attack):
    assert ("attack" in types(sentence)) is attack


@pytest.mark.parametrize(
    ("sentence", "capture"),
    [
        # Retaking a place, in the present as in the past (WCEP-2025: "the Sudanese Armed
        # Forces retakes the presidential palace", "retakes control of Rafah").
        ("The army retakes the town of Sudzha after a week of fighting.", True),
        ("The army retook the town of Sudzha after a week of fighting.", True),
        ("Ukrainian forces liberate the village of Robotyne.", True),
        ("The minister vows to retake the lead in the polls.", False),
    ],
)
def test_retaking_a_place_cues_a_capture(sentence, capture):
    assert ("capture" in types(sentence)) is capture


def test_opening_fire_is_cued_beside_a_protest():
    # Whom the shots were aimed at is the parse's question (bot.analysis.events: fire on
    # protesters is a protest met with force); the lexicon cues both types.
    assert types("Police open fire on protesters outside parliament.") == {"protest", "attack"}


def test_displaced_naming_who_was_hit_is_no_flight():
    # Written for this test: "displaced" describes the victims / says people fled.
    assert "displacement" not in types("A drone hits a displaced persons camp near El Obeid.")
    assert "displacement" not in types("Soldiers fire on a car carrying a displaced family.")
    assert "displacement" not in types("A plane carrying aid for flood-displaced communities "
                                       "crashes.")
    assert "displacement" in types("Thousands of displaced families flee the fighting.")
    assert "displacement" in types("Floods displaced 40,000 people in the delta.")


def test_a_nationality_or_compound_adjective_is_no_captured_place():
    # Written for this test: only a place (or a place noun) makes a seizure a capture.
    assert "capture" not in types("The ministry seizes the Chinese-owned chipmaker.")
    assert "capture" not in types("Officials say troops captured 12 Afghan border posts.")
    assert "capture" in types("Rebels captured Kalehe after a day of fighting.")
    assert "capture" in types("Troops seize the Afghan town of Kalehe.")


def test_an_anchor_group_names_the_event_word_and_the_whole_match_settles_overlaps():
    # The pattern reads the armed subject, but the hit is the verb the parse judges.
    hits = find_triggers("Israeli jets strike a fuel depot outside Benghazi.")
    assert [(h.trigger.type, h.text) for h in hits] == [("attack", "strike")]
    # The whole match ("jets strike …") is longer than the labour "strike" inside it, which
    # therefore names no protest, though an unrest word is in the sentence.
    assert types("Police say warplanes strike a fuel depot outside Benghazi.") == {"attack"}


@pytest.mark.parametrize(
    ("sentence", "disaster"),
    [
        # Hazards the older entries did not name, with harm beside them (WCEP-2025: "a cold
        # wave, killing one person", "a rockslide ... kills at least two people").
        ("A cloudburst in Kishtwar kills at least 40 people and washes away homes.", True),
        ("Two hikers are killed by a rockfall on the pass above Chamonix.", True),
        ("A heat wave kills nine people in Seville as temperatures reach 46 C.", True),
        # a heat wave with no harm reported: schools shut as a precaution
        ("Schools close for two weeks because of a heat wave in Juba.", False),
        # A collapse at a mine, quarry or tunnel (WCEP-2025: "a collapse at the KDC gold
        # mine", "a tunnel collapse ... trapped eight workers").
        ("At least 17 people are killed when a stone quarry collapses in Cirebon.", True),
        ("Eight workers are trapped after the collapse of a tunnel in Telangana.", True),
        ("The mining company's shares collapse after the trapped-workers report.", False),
    ],
)
def test_more_hazards_and_collapses_at_mines_cue_a_disaster(sentence, disaster):
    assert ("disaster" in types(sentence)) is disaster


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # written for this test: an armed group doing the killing, and people killed in
        # an attack or a shooting, name the attack without any other armed word
        ("Gunmen on motorcycles kill 14 villagers in the north of the province.", {"attack"}),
        ("Bandits storm a boarding school and kill a teacher.", {"attack"}),
        ("Nine worshippers are killed in an attack on a mosque on Friday.", {"attack"}),
        ("Three people are killed and five injured in a shooting at a market.", {"attack"}),
        # ... or after, by or from one, and an attack that kills or wounds people
        ("Four people are killed after an attack by the group hits a clinic.", {"attack"}),
        ("Dozens are killed by overnight attacks across the district.", {"attack"}),
        ("The attack on the convoy killed two drivers.", {"attack"}),
        ("Officials say the attacks have wounded at least forty people.", {"attack"}),
        # an animal's or the body's "attack" is none
        ("A swimmer is killed in a shark attack off the coast.", set()),
        ("The singer died in hospital after a heart attack.", set()),
        ("A shark attack off the beach killed a surfer.", set()),
        ("A diver is injured by a shark attack on the reef.", set()),
        ("He died from a heart attack in 2019.", set()),
    ],
)
def test_who_kills_and_what_people_die_in(sentence, expected):
    assert types(sentence) & {"attack"} == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # written for this test: forces killing a counted band of fighters, and two sides
        # exchanging fire, are fighting without any other armed word
        ("Troops kill at least 23 Boko Haram fighters near the lake.", {"attack"}),
        ("The army says it killed dozens of insurgents overnight.", {"attack"}),
        ("Two rival militias exchange heavy fire near the border town.", {"attack"}),
        ("Guards on both sides exchanged gunfire on Tuesday night.", {"attack"}),
        # fighters who kill others, or an exchange of words, prisoners or rings, are not
        # this cue's
        ("The two leaders exchange views on the trade talks.", set()),
        ("The sides exchange prisoners under the deal.", set()),
    ],
)
def test_fighters_killed_and_fire_exchanged(sentence, expected):
    assert types(sentence) & {"attack"} == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # written for this test: a crowd that demonstrates, in the present tense, and a rally
        # held or attended name a protest without any other word of unrest
        ("Tens of thousands of people demonstrate in Lima, demanding new elections.",
         {"protest"}),
        ("Students gather outside parliament to demonstrate and demand the minister resign.",
         {"protest"}),
        ("Relatives of the missing hold a rally in Manila to call for an inquiry.", {"protest"}),
        ("Thousands attend a rally against the new mining law in the capital.", {"protest"}),
        # showing something, a campaign's rally and a market's are none
        ("The test demonstrates that the new engine works at low temperatures.", set()),
        ("The president holds a campaign rally in Ohio on Saturday.", set()),
        ("Shares rally in Tokyo after the central bank's decision.", set()),
    ],
)
def test_crowds_that_demonstrate_and_rallies_held(sentence, expected):
    assert types(sentence) & {"protest"} == expected


def decisive(sentence: str) -> set[str]:
    return {h.trigger.type for h in find_triggers(sentence) if h.trigger.decisive}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Protesters doing violence, or a building stormed by them, name the protest so
        # plainly that the model's doubt does not drop it (WCEP-2025: "protesters set fire
        # to the Regional House of Representatives building", "is stormed by protesters",
        # "protesters clash with police"); deaths beside them had made the model read only
        # an attack.
        ("Two people die after protesters set fire to the council building in Bandung.",
         {"protest"}),
        ("The governor's office is stormed by protesters and set alight.", {"protest"}),
        ("Rioters loot shops in the city centre overnight.", {"protest"}),
        # a protest named alone is still the model's to judge
        ("The minister resigns in protest over the budget.", set()),
        ("Police storm the building and arrest the gunman.", set()),
    ],
)
def test_protesters_doing_violence_are_a_decisive_cue(sentence, expected):
    assert decisive(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # written for this test: a wildfire is named like a place with "Fire" after it
        ("The Park Fire spreads to more than 100,000 acres north of Chico.", {"disaster"}),
        ("Crews gain ground on the Dixie Fire as winds ease.", {"disaster"}),
        # the agencies that fight fires, and fire that is shot, are none
        ("Cal Fire says the blaze at the depot was put out within an hour.", set()),
        ("The New York Fire Department says two firefighters were hurt at a drill.", set()),
        ("Soldiers open fire on a crowd outside the barracks.", set()),
    ],
)
def test_a_named_wildfire(sentence, expected):
    assert types(sentence) & {"disaster"} == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # written for this test: the bare verb in the present tense and the people deported
        # name a deportation as "deports" and "deported" do
        ("Authorities in Bosaso deport around 800 undocumented migrants to Ethiopia.",
         {"refugee_policy"}),
        ("A flight carrying 120 deportees from the United States lands in Guatemala City.",
         {"refugee_policy"}),
        # the words "deport" does not begin are none
        ("The deportment of the new cadets impressed the visiting generals.", set()),
    ],
)
def test_deport_and_deportees(sentence, expected):
    assert types(sentence) & {"refugee_policy"} == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # written for this test: migrants named as without papers, and immigration enforced,
        # beside what a government does
        ("The interior ministry launches a crackdown on undocumented migrants in Athens.",
         {"refugee_policy"}),
        ("The city ends its contract to hold immigration detainees in the county jail.",
         {"refugee_policy"}),
        # … and without a policy word, or migrants named otherwise, no cue
        ("A boat carrying undocumented migrants capsizes off Lampedusa.", set()),
        ("The minister announces a new visa for immigrant investors.", set()),
    ],
)
def test_undocumented_migrants_and_immigration_enforcement(sentence, expected):
    assert types(sentence) & {"refugee_policy"} == expected
