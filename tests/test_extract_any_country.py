"""Events as an analyst codes them, in any country: killings told alone, who was hit, sides named from the country.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import pytest
from extract_sentences import events, one_event

from geomap.extract import extract_events


@pytest.mark.parametrize("sentence", [
    "Unidentified gunmen shot dead a shopkeeper in Homs on Monday.",
    "A man was found dead with gunshot wounds in Hama on Monday.",
    "Two farmers were stabbed to death in Tartus on Monday.",
])
def test_a_killing_told_alone_is_an_attack_on_civilians(sentence: str) -> None:
    event = one_event(sentence)
    assert (event["event_type"], event["sub_event_type"]) == ("Violence against civilians", "Attack")
    assert event["inter1"] == 3 and event["inter2"] == 7


def test_armed_men_killed_are_a_fight_not_an_attack_on_civilians() -> None:
    event = one_event("Government soldiers killed four rebels near Daraa on Monday.")
    assert (event["event_type"], event["sub_event_type"]) == ("Battles", "Armed clash")
    assert (event["inter1"], event["inter2"]) == (1, 2)


def test_in_a_report_of_a_strike_a_killing_word_tells_its_toll() -> None:
    found = events("Warplanes struck a market in Idlib on Monday, killing seven people. Three more were shot.")
    assert list(found["sub_event_type"]) == ["Air/drone strike"]
    assert found.iloc[0]["fatalities"] == 7


@pytest.mark.parametrize("sentence", [
    "The statement accused the militia of killing civilians.",
    "The court ruled on killing as a war crime.",
])
def test_a_killing_named_as_a_charge_or_a_topic_is_no_event(sentence: str) -> None:
    assert len(events(sentence)) == 0


@pytest.mark.parametrize(("sentence", "actor"), [
    ("Kenyan police arrested two men in Nairobi on Monday.", "Police Forces of Kenya"),
    ("Ukrainian forces shelled positions near Donetsk on Monday.", "Military Forces of Ukraine"),
])
def test_a_nationality_names_the_state_whose_forces_acted(sentence: str, actor: str) -> None:
    event = one_event(sentence)
    assert (event["actor1"], event["inter1"]) == (actor, 1)


@pytest.mark.parametrize(("sentence", "actor"), [
    ("Protesters gathered in Sanaa on Monday to demand salaries.", "Protesters (Yemen)"),
    ("Unidentified gunmen shot dead a trader in Benghazi on Monday.", "Unidentified Armed Group (Libya)"),
    ("Government forces shelled a village near Mosul on Monday.", "Military Forces of Iraq"),
])
def test_sides_named_without_their_country_are_the_country_of_the_report(sentence: str, actor: str) -> None:
    assert one_event(sentence)["actor1"] == actor


@pytest.mark.parametrize("sentence", [
    "Armed men attacked a man in Homs on Monday.",
    "Gunmen attacked two students near Hama on Monday.",
])
def test_an_attack_on_people_who_are_no_side_is_violence_against_civilians(sentence: str) -> None:
    assert one_event(sentence)["sub_event_type"] == "Attack"


def test_an_attack_on_a_place_with_no_armed_side_named_hit_civilians() -> None:
    event = one_event("Government forces attacked the village of Kafr Nabl on Monday, killing two people.")
    assert (event["sub_event_type"], event["inter2"]) == ("Attack", 7)


def test_an_attack_on_armed_positions_or_an_armed_side_is_a_fight() -> None:
    assert one_event("Gunmen attacked an army checkpoint near Hama on Monday.")["sub_event_type"] == "Armed clash"
    assert one_event("Rebels attacked government forces near Hama on Monday.")["sub_event_type"] == "Armed clash"


@pytest.mark.parametrize("sentence", [
    "Police and gang members exchanged fire in Homs on Monday.",
    "Troops fired at rebel positions near Hama on Monday.",
])
def test_an_exchange_of_fire_or_fire_at_positions_is_a_fight(sentence: str) -> None:
    assert one_event(sentence)["sub_event_type"] == "Armed clash"


@pytest.mark.parametrize(("text", "event_type", "sub_event_type"), [
    ("Hundreds of teachers protested in Homs on Monday to demand their salaries.", "Protests", "Peaceful protest"),
    ("Taxi drivers blocked the main road in Hama on Monday to demand cheaper fuel.", "Protests", "Peaceful protest"),
    ("Nurses went on strike in Latakia on Monday.", "Protests", "Peaceful protest"),
    ("Students protested in Homs on Monday. Police dispersed them with tear gas.", "Protests",
     "Protest with intervention"),
    ("Protesters rallied in Hama on Monday. Security forces opened fire on the protesters, killing two.", "Protests",
     "Excessive force against protesters"),
    ("Demonstrators protested in Tartus on Monday and set fire to a police car.", "Riots", "Violent demonstration"),
])
def test_a_protest_is_typed_by_what_happened_around_it(text: str, event_type: str, sub_event_type: str) -> None:
    event = one_event(text)
    assert (event["event_type"], event["sub_event_type"]) == (event_type, sub_event_type)


def test_a_protest_against_an_arrest_is_still_peaceful() -> None:
    text = "Journalists protested in Homs on Monday against the arrest of an editor. He was arrested last week."
    assert events(text).iloc[0]["sub_event_type"] == "Peaceful protest"


@pytest.mark.parametrize("text", [
    "A mob lynched a man accused of theft in Hama on Monday.",
    "Two groups of villagers clashed over farmland near Homs on Monday.",
])
def test_violence_of_crowds_that_are_no_armed_side_is_mob_violence(text: str) -> None:
    event = one_event(text)
    assert (event["event_type"], event["sub_event_type"]) == ("Riots", "Mob violence")


def test_protesters_who_riot_are_rioters() -> None:
    event = one_event("Demonstrators protested in Tartus on Monday and set fire to a police car.")
    assert (event["actor1"], event["inter1"]) == ("Rioters (Syria)", 5)


@pytest.mark.parametrize(("text", "event_type", "sub_event_type"), [
    ("Militants threw a hand grenade at a checkpoint in Homs on Monday.", "Explosions/Remote violence", "Grenade"),
    ("Army engineers defused a roadside bomb near Hama on Monday.", "Strategic developments", "Disrupted weapons use"),
    ("Police seized 300 kg of cannabis in Latakia on Monday.", "Strategic developments",
     "Looting/property destruction"),
    ("Soldiers seized rifles and ammunition in a raid near Hama on Monday.", "Strategic developments",
     "Disrupted weapons use"),
    ("Fighters looted shops in a village near Homs on Monday.", "Strategic developments",
     "Looting/property destruction"),
    ("Militiamen raped two women in a village near Hama on Monday.", "Violence against civilians", "Sexual violence"),
    ("The army set up a military base near Tartus on Monday.", "Strategic developments",
     "Headquarters or base established"),
    ("Government reinforcements arrived in Hama on Monday.", "Strategic developments", "Change to group/activity"),
    ("Troops fired mortars and small arms at rebel positions near Hama on Monday.", "Battles", "Armed clash"),
])
def test_every_kind_of_event_is_coded(text: str, event_type: str, sub_event_type: str) -> None:
    event = one_event(text)
    assert (event["event_type"], event["sub_event_type"]) == (event_type, sub_event_type)


def test_movements_told_beside_fighting_are_its_background() -> None:
    found = events("Rebels clashed with the army in Hama on Monday as reinforcements arrived.")
    assert list(found["sub_event_type"]) == ["Armed clash"]


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Police arrested three men in Homs on Monday.", "Arrests"),
    ("Rebels detained three men in Idlib on Monday.", "Abduction/forced disappearance"),
])
def test_arrests_are_a_states_and_anyone_elses_are_abductions(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


def test_residents_who_protest_are_protesters() -> None:
    event = one_event("Residents of a village near Homs protested on Monday to demand drinking water.")
    assert (event["actor1"], event["inter1"]) == ("Protesters (Syria)", 6)


def test_the_forces_of_a_named_country_are_its_state_forces() -> None:
    event = one_event("Military forces of Nigeria shelled a village near Maiduguri on Monday.")
    assert (event["actor1"], event["inter1"]) == ("Military Forces of Nigeria", 1)


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Residents heard a series of explosions in Kharkiv on Monday.", "Shelling/artillery/missile attack"),
    ("Monitors recorded 40 explosions near Donetsk on Monday.", "Shelling/artillery/missile attack"),
    ("An explosive device exploded and residents heard it in Kharkiv on Monday.", "Remote explosive/landmine/IED"),
    ("Rebels fired grenade launchers at army positions near Luhansk on Monday.", "Shelling/artillery/missile attack"),
    ("Rebels and the army exchanged artillery fire near Luhansk on Monday.", "Armed clash"),
])
def test_blasts_from_afar_are_shelling_and_fire_both_ways_a_clash(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize(("text", "actor2"), [
    ("Students protested in Homs on Monday. Police dispersed them with tear gas.", "Police Forces of Syria"),
    ("Protesters rallied in Hama on Monday. Soldiers opened fire on the protesters, killing two.",
     "Military Forces of Syria"),
    ("Workers protested in Hama on Monday until they were dispersed with water cannon.", "Police Forces of Syria"),
])
def test_a_protest_met_by_force_has_the_protesters_first_and_who_stepped_in_second(text: str, actor2: str) -> None:
    event = one_event(text)
    assert (event["actor1"], event["actor2"]) == ("Protesters (Syria)", actor2)


def test_a_soldier_hit_is_a_state_force_not_a_civilian() -> None:
    event = one_event("Insurgents shot and killed a soldier near Kandahar on Monday.")
    assert (event["actor2"], event["inter2"], event["sub_event_type"]) == ("Military Forces of Afghanistan", 1, "Armed clash")


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Nurses protested in Homs on Monday over not being paid for three months.", "Peaceful protest"),
    ("Taxi drivers marched in Hama on Monday to ask for cheaper fuel.", "Peaceful protest"),
    ("Farmers demonstrated outside the governor's office in Hama on Monday.", "Peaceful protest"),
    ("Teachers protested in Homs on Monday against the arrest of a colleague, who was detained last week.",
     "Peaceful protest"),
    ("Teachers protested in Homs on Monday. Police arrested twelve of them.", "Protest with intervention"),
])
def test_protests_are_found_and_told_from_protests_broken_up(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("The body of a man with gunshot wounds was found near a river in Culiacan on Monday.", "Attack"),
    ("Police beat up a street vendor in Lagos on Monday for not wearing a mask.", "Attack"),
    ("A sniper shot a soldier near Kandahar on Monday.", "Armed clash"),
    ("Two men were shot and injured in a bar in Tijuana on Monday. Police said the attack may be linked to a feud.",
     "Attack"),
])
def test_killings_and_beatings_no_other_word_tells_are_typed_by_who_was_hit(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("A mob clashed with the police and threw stones at them in Meerut on Monday.", "Mob violence"),
    ("Residents demonstrated in Coyah on Monday and clashed with the police.", "Violent demonstration"),
    ("Drivers blocked a highway near Puebla with burning tyres on Monday to demand lower fuel prices.",
     "Violent demonstration"),
])
def test_a_crowd_that_fights_riots(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Soldiers engaged in a fire fight with separatists near Bamenda on Monday.", "Armed clash"),
    ("Monitors heard 30 shots from small arms near Luhansk on Monday.", "Armed clash"),
    ("A security operation by the army killed ten insurgents near Kandahar on Monday.", "Armed clash"),
    ("Rebels established new fortifications east of Hodeidah on Monday.", "Change to group/activity"),
])
def test_fights_and_moves_told_without_the_usual_words(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize("text", [
    "Tribal fighters have been battling the militants in the north for years.",
    "Villages near the border are also being targeted by air strikes.",
    "Tribal fighters have been the main force battling the militants in Hasakah.",
    "Government forces have been pressing an offensive near Qamishli aimed at regaining the area.",
])
def test_what_goes_on_is_no_event(text: str) -> None:
    assert events(text).empty


def test_what_has_happened_is_an_event() -> None:
    assert one_event("Government forces have captured the town of Saraqeb, the army said on Monday.")["event_type"] == "Battles"


def test_people_killed_in_a_campaigns_attacks_are_an_event() -> None:
    assert one_event("Twelve civilians have been killed in shelling on Douma since Monday morning.")["fatalities"] == 12


@pytest.mark.parametrize(("text", "fatalities"), [
    ("A man was shot and killed by gunmen in Culiacan on Monday.", 1),
    ("Gunmen assassinated a trader in Gao on Monday.", 1),
    ("Gunmen opened fire on a peace meeting in Jos on Monday, killing 1 person and injuring 2 others.", 1),
    ("Soldiers ambushed a rebel camp near Beni on Monday. After heavy gunfire, the rebels fled. One rebel was killed.",
     1),
    ("Gunmen shot a shopkeeper in Culiacan on Monday. 1 fatality.", 1),
])
def test_a_toll_of_one_is_read_however_it_is_told(text: str, fatalities: int) -> None:
    assert one_event(text)["fatalities"] == fatalities


def test_a_peaceful_protest_leaves_no_one_dead_whatever_deaths_it_recalls() -> None:
    event = one_event("Relatives protested in Karachi on Monday to demand justice for a youth who was killed last week.")
    assert (event["sub_event_type"], event["fatalities"]) == ("Peaceful protest", 0)


def test_the_agent_of_a_passive_told_after_where_it_happened_is_the_doer() -> None:
    event = one_event("A man was shot to death in a busy market in Manaus on Monday by two armed men.")
    assert (event["actor1"], event["sub_event_type"]) == ("Unidentified Armed Group (Brazil)", "Attack")


def test_a_killing_among_criminals_is_a_fight() -> None:
    event = one_event("An alleged drug dealer was shot and killed by armed men in Culiacan on Monday.")
    assert event["sub_event_type"] == "Armed clash"


def test_the_dateline_dates_the_report_and_the_weekday_the_event() -> None:
    found = extract_events("Published 16 October 2017 Rebel shelling killed four civilians in Damascus on Sunday.")
    assert [str(d)[:10] for d in found["event_date"]] == ["2017-10-15"]


def test_a_participle_that_tells_what_a_side_does_is_no_event() -> None:
    assert events("The statement accused rebels fighting the Islamic State of taking orders from Washington.").empty


def test_a_provinces_summary_of_one_event_is_that_event_at_its_village() -> None:
    found = extract_events("Russian air strikes on Deir ez-Zor province killed 20 civilians on Sunday. The strikes hit "
                           "the village of al-Shafa on Sunday, monitors said.", report_date="2017-11-27")
    assert list(found["location"]) == ["Shafa"] and list(found["fatalities"]) == [20]


def test_events_named_in_a_news_frame_recall_what_was_told() -> None:
    found = events("Government warplanes bombed Saraqeb on Monday, killing six people. The latest strikes come as "
                   "diplomats meet in Astana to revive the talks.")
    strikes = found[found["sub_event_type"] == "Air/drone strike"]
    assert list(strikes["location"]) == ["Saraqab"]


def test_police_units_that_exchanged_gunfire_clashed() -> None:
    assert one_event("Two police units exchanged gunfire in Mogadishu on Monday.")["sub_event_type"] == "Armed clash"


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("An anarchist group carried out an arson attack on a textile factory in Istanbul on Monday.",
     "Looting/property destruction"),
    ("Militants set fire to houses in a village near Mocimboa on Monday, killing three residents.", "Attack"),
    ("Insurgents threw a hand grenade at a police post in Mogadishu on Monday. Police responded with gunfire.",
     "Armed clash"),
])
def test_property_destroyed_and_grenades_answered(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


def test_a_prisoner_release_is_a_strategic_development() -> None:
    event = one_event("The government released 98 Taliban prisoners in Kabul on Monday.")
    assert (event["event_type"], event["sub_event_type"]) == ("Strategic developments", "Other")


def test_a_protest_against_an_abduction_is_a_protest() -> None:
    event = one_event("Relatives gathered outside the town hall in Dahuk on Monday in protest of the abduction of a farmer.")
    assert event["sub_event_type"] == "Peaceful protest"


def test_earlier_rounds_of_talks_are_background() -> None:
    found = events("The envoy held talks in Moscow on Monday. Earlier rounds of negotiations had taken place in Geneva.")
    assert list(found["location"]) == ["Moscow"]


@pytest.mark.parametrize("text", [
    "Villagers clashed with the police in a village near Patna on Monday and pelted them with stones.",
    "Two families clashed over a land dispute in a village near Samastipur on Monday, injuring five.",
    "Locals beat up a suspected thief with sticks in Manaus on Monday.",
])
def test_a_crowds_violence_is_mob_violence(text: str) -> None:
    assert one_event(text)["sub_event_type"] == "Mob violence"


def test_an_armed_groups_clash_stays_a_clash_whatever_it_fought_with() -> None:
    event = one_event("Soldiers clashed with Boko Haram fighters armed with machetes near Maiduguri on Monday.")
    assert event["sub_event_type"] == "Armed clash"


@pytest.mark.parametrize("text", [
    "Insurgents shot and killed a soldier who was off duty near Baidoa on Monday.",
    "Militiamen killed two civilians during an incursion into a village near Beni on Monday.",
])
def test_civilians_and_members_off_duty_were_attacked(text: str) -> None:
    assert one_event(text)["sub_event_type"] == "Attack"


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Nurses staged a demonstration in Lima on Monday claiming that they do not have masks.", "Peaceful protest"),
    ("Union members commemorated Labour Day in Santiago on Friday and demanded job security.", "Peaceful protest"),
    ("Residents barricaded roads with burning tyres in Soweto on Monday to demand food parcels.",
     "Violent demonstration"),
])
def test_protests_and_riots_told_plainly(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize("text", [
    "Rival forces clashed with heavy artillery fire near Tripoli airport on Monday.",
    "Rebels shelled army positions near Taizz on Monday. The army fired back, killing three rebels.",
])
def test_artillery_fired_in_a_fight_is_a_clash(text: str) -> None:
    found = events(text)
    assert list(found["sub_event_type"]) == ["Armed clash"]


def test_a_side_that_admits_anothers_gain_is_a_speaker() -> None:
    event = one_event("The rebel group admitted that the army had captured ground east of Damascus on Tuesday.")
    assert (event["actor1"], event["sub_event_type"]) == ("Military Forces of Syria", "Government regains territory")


def test_a_toll_told_of_another_place_and_day_is_no_toll_of_the_event_before() -> None:
    found = events("Warplanes struck a market in Idlib on Monday, killing 7 people. "
                   "Gunmen killed a shopkeeper in Homs on Tuesday.")
    assert found.loc[found["location"] == "Idlib", "fatalities"].tolist() == [7]


@pytest.mark.parametrize("text", [
    "Five people were killed in a car accident on the highway near Homs on Monday.",
    "An earthquake killed 12 people in Hama on Sunday.",
    "The film was shot in Aleppo last year.",
    "The prime minister fired his finance minister in Damascus on Sunday.",
    "Man United beat Chelsea 2-0 at Old Trafford on Sunday.",
    "A footballer injured his knee during training in Aleppo on Monday.",
])
def test_deaths_no_side_caused_and_other_senses_of_violent_words_are_no_events(text: str) -> None:
    assert events(text).empty


def test_a_sentence_set_apart_is_no_context_of_the_protest_before() -> None:
    found = events("Teachers protested in Homs on Monday to demand higher salaries. "
                   "Separately, gunmen attacked a checkpoint near Hama.")
    assert found.loc[found["location"] == "Homs", "sub_event_type"].tolist() == ["Peaceful protest"]


@pytest.mark.parametrize("text", [
    "A court in Damascus convicted a man of rape on Monday.",
    "The ministry released its annual budget figures in Damascus on Monday.",
])
def test_verdicts_and_releases_of_things_are_no_events(text: str) -> None:
    assert events(text).empty


def test_an_execution_after_a_sentence_is_an_event() -> None:
    event = one_event("Militants sentenced a young man to death and executed him in a square in Jilib on Monday.")
    assert event["sub_event_type"] == "Attack"


@pytest.mark.parametrize(("text", "country"), [
    # names spelled unlike any place, read through the spelling folds: a town of one other country ...
    ("Farmers protested in Tiruchirapalli on Monday demanding higher crop prices.", "India"),
    ("Police detained 20 students in Diyarbekir on Monday.", "Turkey"),
    ("Farmers protested in Sangareddy on Monday demanding water.", "India"),
    # ... or of the country the text's nationality words name, when Syria has a namesake
    ("Israeli soldiers shot and wounded a Palestinian man in Qalqiliyah on Monday.", "Palestinian Territory"),
    # a name that may be Syria's keeps a text with no other clue Syria's
    ("Students protested in Marea on Monday.", "Syria"),
])
def test_a_text_whose_names_match_no_place_exactly_is_placed_by_their_folded_readings(text: str, country: str) -> None:
    assert one_event(text)["country"] == country


@pytest.mark.parametrize("text", [
    "Villagers assaulted two police officers in Motihari on Monday.",
    "Youths attacked a night guard in Kolhapur on Monday.",
    "A suspected thief was beaten to death by residents in Uvira on Monday.",
])
def test_a_crowd_of_people_no_side_attacking_is_mob_violence(text: str) -> None:
    event = one_event(text)
    assert (event["sub_event_type"], event["inter1"]) == ("Mob violence", 5)


@pytest.mark.parametrize("text", [
    "Gunmen attacked villagers in Kolhapur on Monday.",
    "Villagers were attacked by gunmen in Kolhapur on Monday.",
])
def test_villagers_attacked_are_no_mob(text: str) -> None:
    assert one_event(text)["sub_event_type"] == "Attack"


def test_residents_protesting_and_clashing_with_police_are_a_violent_demonstration() -> None:
    event = one_event("Residents demonstrated and clashed with police in Kolhapur on Monday over water cuts.")
    assert event["sub_event_type"] == "Violent demonstration"


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Militiamen destroyed four houses in Kinyovu on Monday.", "Looting/property destruction"),
    ("Two men threw Molotov cocktails at a shop in Coatzacoalcos on Monday.", "Looting/property destruction"),
    ("Rebels burned a farmhouse and two tractors near Concepcion on Monday.", "Looting/property destruction"),
    ("Union members marched in San Salvador on Monday to celebrate Labour Day.", "Peaceful protest"),
    ("Workers demanded the payment of their wages in Monclova on Monday.", "Peaceful protest"),
])
def test_harm_to_things_and_demands_of_working_people_are_events(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize("text", [
    "Reporters walked past the burned-out remains of cars in Qamishli on Monday.",
    "A soldier ran near destroyed houses in Hasakah on Monday.",
    "The rebels demanded a ceasefire in Hama on Monday.",
])
def test_things_described_as_damaged_and_demands_of_armed_sides_are_no_such_events(text: str) -> None:
    found = events(text)
    assert not found["sub_event_type"].isin(["Looting/property destruction", "Peaceful protest"]).any()


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Gunmen kidnapped a shopkeeper in Celaya on Monday and later shot him dead.", "Attack"),
    ("A teacher was kidnapped in Celaya on Monday. Her body was found the next day.", "Attack"),
    ("Gunmen kidnapped three farmers near Celaya on Monday.", "Abduction/forced disappearance"),
])
def test_someone_abducted_and_killed_was_attacked(text: str, sub_event_type: str) -> None:
    assert events(text)["sub_event_type"].tolist()[0] == sub_event_type


def test_heavy_machine_gun_fire_at_an_area_is_shelling() -> None:
    event = one_event("Militia fighters fired 14.5mm machine guns at farms near Hays on Monday.")
    assert event["sub_event_type"] == "Shelling/artillery/missile attack"


@pytest.mark.parametrize(("text", "attacker", "defender"), [
    ("Peshmerga fighters repelled an Islamic State attack on their positions near Makhmour on Monday.",
     "Islamic State", "Peshmerga"),
    ("Government troops repulsed a rebel offensive near Hama on Monday.", "Opposition Rebels", "Military Forces"),
    ("Six Houthi fighters were killed when government troops repelled their assault near Marib on Monday.",
     "Military Forces of Yemen Supreme Political Council", "Military Forces of Yemen"),
])
def test_the_side_whose_attack_was_repelled_is_the_doer(text: str, attacker: str, defender: str) -> None:
    event = one_event(text)
    assert event["actor1"].startswith(attacker) and event["actor2"].startswith(defender)


@pytest.mark.parametrize("text", [
    "Market traders beat up two health inspectors in Puebla on Monday.",
    "Migrant workers clashed with police in Vadodara on Monday.",
])
def test_traders_and_migrant_workers_fighting_are_a_mob(text: str) -> None:
    assert one_event(text)["sub_event_type"] == "Mob violence"


def test_tear_gas_shells_fired_at_stone_throwers_are_no_shelling() -> None:
    found = events("Residents pelted stones at police, who fired tear gas shells, in Godhra on Monday.")
    assert "Shelling/artillery/missile attack" not in set(found["sub_event_type"])


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Opposition supporters protested in Belgrade on Monday, and scuffles broke out with counter-protesters.",
     "Violent demonstration"),
    ("Farmers protested in Ahvaz on Monday demanding aid after heavy rain damaged their crops.", "Peaceful protest"),
    ("Teachers barricaded themselves inside the ministry in Hinche on Monday to protest unpaid salaries.",
     "Peaceful protest"),
])
def test_a_protest_is_violent_only_for_what_its_crowd_did(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


def test_property_destroyed_by_no_one_named_was_destroyed_by_an_unidentified_armed_group() -> None:
    event = one_event("A bank branch was set on fire in Izmir on Monday.")
    assert (event["sub_event_type"], event["inter1"]) == ("Looting/property destruction", 3)


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("A bomb planted on a road near Kolofata was defused on Monday.", "Disrupted weapons use"),
    ("Twelve men were arrested in Kano on Monday.", "Arrests"),
])
def test_weapons_defused_and_arrests_made_by_no_one_named_are_the_states_work(text: str, sub_event_type: str) -> None:
    event = one_event(text)
    assert (event["sub_event_type"], event["inter1"]) == (sub_event_type, 1)



@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("A crowd of residents vandalised the house of a local councillor in Nakuru on Monday.", "Mob violence"),
    ("Villagers ransacked a grocery in Patna on Monday, angry over rising prices.", "Violent demonstration"),
    ("Taxi drivers burned a police car in Douala on Monday, demanding the release of a colleague.",
     "Violent demonstration"),
    ("Youths set up and burned barricades across the streets of Valparaiso on Monday.", "Violent demonstration"),
])
def test_property_a_crowd_destroyed_is_a_riot(text: str, sub_event_type: str) -> None:
    event = one_event(text)
    assert (event["event_type"], event["sub_event_type"], event["inter1"]) == ("Riots", sub_event_type, 5)


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Hundreds of traders threw stones at police officers at a checkpoint in Kano on Monday.", "Mob violence"),
    ("Motorcyclists hurled rocks at a patrol in Bamako on Monday, demanding the reopening of the market.",
     "Violent demonstration"),
    ("Rioters protesting against fuel prices threw stones at the governor's office in Tripoli on Monday.",
     "Violent demonstration"),
])
def test_stones_thrown_by_a_crowd_are_a_riot(text: str, sub_event_type: str) -> None:
    event = one_event(text)
    assert (event["sub_event_type"], event["inter1"]) == (sub_event_type, 5)


@pytest.mark.parametrize("text", [
    "Relatives held a sit-in outside the ministry in Rabat on Monday, demanding the return of fishermen held "
    "abroad since the start of the lockdown.",
    "Traders protested in Bamako on Monday against taxes raised since the beginning of the crisis.",
])
def test_a_tally_in_what_a_protest_is_against_leaves_the_protest(text: str) -> None:
    assert one_event(text)["sub_event_type"] == "Peaceful protest"


def test_a_tally_of_the_war_is_still_no_event() -> None:
    assert len(events("Gunmen have killed 40 people in Gao since the start of the year, residents said.")) == 0


@pytest.mark.parametrize("text", [
    "Nurses protested outside the hospital in Durban on Monday. Police arrested two of their leaders.",
    "Surfers held a demonstration on the beach in Durban on Monday. Several arrests were made.",
    "Teachers staged a protest at the town hall in Durban on Monday. One protester was arrested.",
])
def test_arrests_told_right_after_a_protest_are_its_breaking_up(text: str) -> None:
    assert one_event(text)["sub_event_type"] == "Protest with intervention"


def test_how_a_protest_ended_told_later_in_its_report_types_it() -> None:
    event = one_event("Nurses protested outside the hospital in Durban on Monday. Their union said the ward "
                      "lacked masks. Many of them had worked double shifts for weeks. Police later dispersed "
                      "the crowd with tear gas.")
    assert event["sub_event_type"] == "Protest with intervention"


@pytest.mark.parametrize("text", [
    "The opposition blamed government forces for the shelling of Douma.",
    "Western governments say the army has been responsible for chlorine attacks on rebel towns.",
    "A UN inquiry has previously accused government forces of barrel bomb attacks.",
])
def test_an_accusation_alone_is_no_event(text: str) -> None:
    assert len(events(text)) == 0


def test_an_accusation_over_an_event_told_adds_none() -> None:
    found = events("Government jets bombed Saraqib on Monday, killing seven. "
                   "Britain said the regime was responsible for that attack.")
    assert list(found["sub_event_type"]) == ["Air/drone strike"]


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Police blamed Al Shabaab for a bombing in Mogadishu on Monday that killed five people.", None),
    ("Activists accused the army of killing 200 people with poison gas in Zamalka.", "Chemical weapon"),
    ("On Monday, police in Kisumu were accused of beating a taxi driver.", "Attack"),
])
def test_an_accusation_telling_a_toll_or_a_day_is_the_event(text: str, sub_event_type: str | None) -> None:
    event = one_event(text)
    assert sub_event_type is None or event["sub_event_type"] == sub_event_type


def test_a_lockdown_is_a_change_to_activity_not_a_fight() -> None:
    assert one_event("The governor imposed a lockdown on Kano on Monday to curb the spread of the virus.")[
        "sub_event_type"] == "Change to group/activity"


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Police beat traders in Kano on Monday for breaking the lockdown.", "Attack"),
    ("Residents protested in Kano on Monday against the lockdown.", "Peaceful protest"),
])
def test_what_happened_under_a_lockdown_is_what_happened(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize("text", [
    "Gunmen stole 30 goats from a farm near Jos on Monday.",
    "Settlers uprooted 200 olive trees in a village near Hebron on Monday.",
    "Militants raided houses in a village near Maiduguri on Monday, taking away food and clothes.",
])
def test_livestock_stolen_and_trees_uprooted_are_looting_or_destruction(text: str) -> None:
    assert one_event(text)["sub_event_type"] == "Looting/property destruction"


@pytest.mark.parametrize("text", [
    "A policewoman was attacked by a group of vendors in Puebla on Monday while checking masks.",
    "Clashes erupted between villagers and police in a village near Patna on Monday.",
    "Clashes broke out between youths and soldiers in the market of Bouake on Monday.",
])
def test_a_crowd_attacking_or_clashing_with_forces_is_mob_violence(text: str) -> None:
    event = one_event(text)
    assert (event["sub_event_type"], event["inter1"]) == ("Mob violence", 5)


@pytest.mark.parametrize("text", [
    "Traders protested outside the town hall in Bouake on Monday. The protest turned violent in the afternoon.",
    "Supporters of the party demonstrated in Novi Sad on Monday. There was a physical confrontation with "
    "the mayor's guards.",
])
def test_a_protest_that_turned_violent_is_a_violent_demonstration(text: str) -> None:
    assert one_event(text)["sub_event_type"] == "Violent demonstration"


@pytest.mark.parametrize("text", [
    "Pro-Hadi and allied fighters shelled Houthi positions near Marib on Monday.",
    "Pro-Hadi and tribal forces clashed with the Houthis near Marib on Monday.",
])
def test_pro_hadi_forces_coordinated_with_others_are_the_government_side(text: str) -> None:
    event = one_event(text)
    assert (event["actor1"], event["inter1"]) == ("Military Forces of Yemen", 1)


@pytest.mark.parametrize("text", [
    "Two human heads were found beside a road in Uruapan on Monday.",
    "The decapitated body of a trader was left outside the market of Uruapan on Monday.",
])
def test_remains_found_are_a_killing_no_one_saw(text: str) -> None:
    event = one_event(text)
    assert (event["sub_event_type"], event["inter2"]) == ("Attack", 7)


@pytest.mark.parametrize(("text", "actor"), [
    ("Two rival clans clashed over grazing land near Galkayo on Monday.", "Unidentified Clan Militia (Somalia)"),
    ("Two tribes clashed over a water well near Marib on Monday.", "Unidentified Tribal Militia (Yemen)"),
])
def test_rival_clans_and_tribes_are_identity_militias(text: str, actor: str) -> None:
    event = one_event(text)
    assert (event["actor1"], event["inter1"]) == (actor, 4)


def test_what_a_man_is_suspected_of_is_no_event_but_his_arrest_is() -> None:
    event = one_event("A man suspected of kidnapping a child was arrested in Fortaleza on Monday.")
    assert event["sub_event_type"] == "Arrests"


def test_a_crowd_that_fatally_beat_two_suspects_is_a_mob() -> None:
    event = one_event("Two men suspected of robberies were fatally assaulted by community members in Durban on Monday.")
    assert (event["sub_event_type"], event["inter1"]) == ("Mob violence", 5)


# --- what the rules of this release must leave alone (found in review) ---------------------------

@pytest.mark.parametrize("text", [
    "Suspected members of al-Shabaab attacked a police post in Mandera on Monday.",
    "Islamic State said it was responsible for the bombing of a church in Cairo on Monday.",
    "Gunmen suspected of belonging to ISWAP attacked a military base in Borno state on Monday.",
])
def test_a_suspected_doer_or_a_claim_of_responsibility_is_still_the_event(text: str) -> None:
    assert len(events(text)) == 1


@pytest.mark.parametrize("text", [
    "The remains of the old citadel in Aleppo are a popular sight.",
    "The storm uprooted trees in Harare on Monday.",
    "Locusts destroyed fields near Kano on Monday.",
    "Shoppers in Nairobi wore face masks on Monday as cases rose.",
])
def test_ruins_storms_and_masks_are_no_event(text: str) -> None:
    assert len(events(text)) == 0


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Clashes between youths and al-Shabaab militants in Baidoa left three dead on Monday.", "Armed clash"),
    ("Striking workers rallied in Nairobi on Monday and hurled rocks at police.", "Violent demonstration"),
])
def test_a_crowd_beside_an_armed_group_or_in_a_rally_is_what_it_was(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


def test_terrorist_names_the_rebels_only_in_reports_on_syria() -> None:
    event = one_event("A terrorist attack on a hotel in Bamako killed 20 people on Monday.")
    assert event["actor1"] == "Unidentified Armed Group (Mali)"


def test_a_speaker_is_not_the_side_whose_attack_was_repelled() -> None:
    event = one_event("Afghan police said soldiers repulsed their attack in Kunduz on Monday.")
    assert "Police Forces of Afghanistan" not in (event["actor1"], event["actor2"])  # the speaker is no side


def test_how_another_protest_ended_does_not_type_the_first() -> None:
    found = events("Teachers protested in Homs on Monday over unpaid salaries. In Hama, students rallied "
                   "against rising fees. Police later dispersed the students with tear gas.")
    assert found.iloc[0]["sub_event_type"] == "Peaceful protest"


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("The air force targeted a fuel truck near Mizdah on Monday.", "Air/drone strike"),
    ("Gunmen used explosives to blow open a bank in Natal on Monday.", "Remote explosive/landmine/IED"),
    ("Residents closed a road in Ain Oussara on Monday by burning rubber tyres over water cuts.", "Violent demonstration"),
    ("Several locals turned violent in Bucharest on Monday and were dispersed with tear gas.", "Mob violence"),
])
def test_acts_told_in_other_words_are_coded(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize("text", [
    "Residents of Caracas protested since they had not received drinking water for a week.",
    "Nurses in Kisumu protested because they were not paid in March.",
])
def test_a_negation_in_a_clause_of_its_own_leaves_the_event(text: str) -> None:
    assert len(events(text)) == 1


def test_a_gathering_whose_demand_is_told_after_a_long_place_is_a_protest() -> None:
    event = one_event("Villagers gathered at the health checkpoint in Choeng Thale, Thalang district of Phuket, "
                      "Thailand, on Monday, chanting slogans.")
    assert event["sub_event_type"] == "Peaceful protest"


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Militia fighters carried out an operation against Islamic State near Tikrit on Monday, leaving two "
     "militants dead.", "Armed clash"),
    ("A prisoner died in a jail in Taizz on Monday after he was subjected to torture.", "Attack"),
])
def test_an_operation_with_its_dead_and_torture_are_coded(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("A smuggler was killed after exchanging fire with police near Kano during an operation to arrest him.",
     "Armed clash"),
    ("Two thieves were beaten up by villagers in Kano on Monday before being arrested.", "Mob violence"),
    ("Soldiers beat three farmers and then detained them in a village near Kano on Monday.", "Attack"),
])
def test_violence_outranks_the_arrest_told_in_its_clause(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Soldiers shot and wounded two farmers in a village near Kano on Monday.", "Attack"),
    ("Gunmen shot and wounded two soldiers in a village near Kano on Monday.", "Armed clash"),
    ("Two policemen were wounded by a militant attack on a check post near Kano on Monday.", "Armed clash"),
])
def test_the_doer_is_not_what_its_act_hit(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Rebels fired mortars and sniper rifles at residential neighbourhoods of Taiz on Monday.",
     "Shelling/artillery/missile attack"),
    ("Militiamen fired heavy machine guns and rifles at farms and villages near Hodeidah on Monday.",
     "Shelling/artillery/missile attack"),
    ("Rebels fired mortars and rifles at army positions near Taiz on Monday.", "Armed clash"),
])
def test_heavy_weapons_fired_at_where_people_live_are_a_bombardment(text: str, sub_event_type: str) -> None:
    assert one_event(text)["sub_event_type"] == sub_event_type


@pytest.mark.parametrize("text", [
    "Mothers who say their sons were abducted by gunmen held a sit-in outside the court in Kano on Monday.",
    "Widows whose husbands were killed by militants protested outside the governor's office in Kano on Monday.",
    "Students held a protest outside the university gate in Kano on Monday over the kidnapping of a classmate.",
])
def test_what_protesters_suffered_or_protest_is_their_grievance_not_the_event(text: str) -> None:
    assert events(text)["event_type"].tolist() == ["Protests"]


@pytest.mark.parametrize("text", [
    "Farmers held a sit-in outside the town hall in Cusco on Monday. They accused the mayor of neglect. "
    "Police detained two of them.",
    "Students marched through Cusco on Monday against higher fees. Eleven were arrested.",
    "Miners rallied in Cusco on Monday. One woman was detained.",
])
def test_arrests_told_soon_after_a_protest_are_its_breaking_up(text: str) -> None:
    found = events(text)
    assert found["sub_event_type"].tolist() == ["Protest with intervention"]


@pytest.mark.parametrize("text", [
    "Police fired tear gas at rioting inmates in the central prison of Kano on Monday.",
    "Riot police clashed with stone-throwing youths in Kano on Monday.",
])
def test_a_riot_has_its_rioters_first_and_the_forces_that_met_them_second(text: str) -> None:
    event = one_event(text)
    assert (event["event_type"], event["actor1"], event["actor2"]) == ("Riots", "Rioters (Nigeria)",
                                                                       "Police Forces of Nigeria")


@pytest.mark.parametrize(("text", "actor1"), [
    ("Two soldiers were killed by a Taliban-planted landmine in Kandahar on Monday.", "Taliban"),
    ("A roadside explosive planted by Taliban fighters detonated beside a police car in Kandahar on Monday.",
     "Taliban"),
])
def test_who_planted_a_bomb_set_it_off(text: str, actor1: str) -> None:
    event = one_event(text)
    assert (event["sub_event_type"], event["actor1"]) == ("Remote explosive/landmine/IED", actor1)


@pytest.mark.parametrize(("text", "actor1"), [
    ("Clashes erupted between Hawiye and Darod tribesmen near Galkayo on Monday.",
     "Unidentified Tribal Militia (Somalia)"),
    ("Inter-clan violence left four people dead near Galkayo on Monday.", "Unidentified Clan Militia (Somalia)"),
    ("Clan militiamen exchanged gun shots near Galkayo on Monday.", "Unidentified Clan Militia (Somalia)"),
])
def test_fights_between_clans_and_tribes_are_theirs(text: str, actor1: str) -> None:
    event = one_event(text)
    assert (event["sub_event_type"], event["actor1"], event["inter1"]) == ("Armed clash", actor1, 4)


@pytest.mark.parametrize(("text", "actor1", "sub_event_type"), [
    ("Israeli helicopters fired missiles at an army post near Quneitra on Monday.", "Military Forces of Israel",
     "Air/drone strike"),
    ("Clashes erupted between NLF fighters and government forces near Kafr Nabl in Idlib on Monday.",
     "National Front for Liberation", "Armed clash"),
    ("Pro-government militias reinforced their positions near Al Mayadin in Deir ez-Zor on Monday.",
     "Militia (Pro-Government)", "Change to group/activity"),
    ("Turkish forces established a new military point near Saraqib in Idlib on Monday.", "Military Forces of Turkey",
     "Headquarters or base established"),
])
def test_syrian_sides_and_moves_are_coded(text: str, actor1: str, sub_event_type: str) -> None:
    event = one_event(text)
    assert (event["actor1"], event["sub_event_type"]) == (actor1, sub_event_type)


def test_a_soldier_found_dead_was_hit_not_the_killer() -> None:
    event = one_event("A soldier was found dead near Nawa in Daraa on Monday.")
    assert (event["inter1"], event["actor2"]) == (3, "Military Forces of Syria")


def test_a_country_named_before_a_comma_owns_no_aircraft() -> None:
    event = one_event("In northern Syria, warplanes struck a market in Raqqa on Monday.")
    assert event["actor1"] == "Unidentified Military Forces"


@pytest.mark.parametrize(("text", "actor1", "sub_event_type"), [
    ("Israeli missiles struck a depot near Al Bukamal in Deir ez-Zor on Monday.", "Military Forces of Israel",
     "Shelling/artillery/missile attack"),
    ("Syrian air defences confronted hostile missiles over Masyaf in Hama on Monday.", "Military Forces of Syria",
     "Disrupted weapons use"),
    ("Russian military police conducted a patrol in Tal Tamer in Hasakah on Monday.", "Military Forces of Russia",
     "Change to group/activity"),
    ("Government forces launched a sweep in Inkhil in Daraa on Monday, arresting 12 young men.",
     "Military Forces of Syria", "Arrests"),
    ("A farmer was wounded by gunfire from Turkish border guards near Darkush in Idlib on Monday.",
     "Military Forces of Turkey", "Attack"),
])
def test_syrian_weapons_patrols_and_sweeps_are_coded(text: str, actor1: str, sub_event_type: str) -> None:
    event = one_event(text)
    assert (event["actor1"], event["sub_event_type"]) == (actor1, sub_event_type)


def test_an_arrest_that_came_of_an_attack_is_the_attack() -> None:
    event = one_event("Police attacked a hideout near Kandahar on Monday, killing five militants and arresting eight.")
    assert event["sub_event_type"] == "Armed clash"


@pytest.mark.parametrize("text", [
    "Tenants staged a protest in Ward No. 4 of Siliguri on Monday against rising rents.",
    "Forty nurses marched through the streets of Temuco on Monday.",
    "Students blocked the main road into Morelia on Monday.",
])
def test_protests_told_plainly_are_coded(text: str) -> None:
    assert one_event(text)["event_type"] == "Protests"


@pytest.mark.parametrize("text", [
    "No protest took place in Siliguri on Monday.",
    "Troops marched three kilometres from Tabqa on Monday.",
    "Soldiers blocked the road to Beita on Monday, stopping farmers from reaching their fields.",
    "Displaced families gathered at a food distribution point in Kassala on Monday.",
])
def test_a_negated_protest_and_troops_marching_are_no_protest(text: str) -> None:
    assert "Protests" not in events(text)["event_type"].tolist()


@pytest.mark.parametrize("text", [
    "An operation by army commandos, backed by airstrikes, killed 18 militants near Kandahar on Monday.",
    "The army denied carrying out air strikes, but residents said soldiers killed 12 herders near Aweil on Monday.",
])
def test_a_killing_is_an_event_when_the_other_words_of_violence_are_none(text: str) -> None:
    event = one_event(text)
    assert event["event_type"] in ("Battles", "Violence against civilians") and event["fatalities"] >= 12


@pytest.mark.parametrize(("text", "sub_event_type", "actor1"), [
    ("Police raided a house in Niteroi on Monday. A shoot-out broke out and a suspect was killed. "
     "Officers seized a rifle and two kilos of cocaine.", "Armed clash", "Unidentified Armed Group (Brazil)"),
    # the police who arrested the killer afterwards did not kill
    ("A trader was stabbed to death in Kano on Monday. Police arrested the attacker.", "Attack",
     "Unidentified Armed Group (Nigeria)"),
])
def test_arrests_and_seizures_told_after_violence_are_part_of_it(text: str, sub_event_type: str, actor1: str) -> None:
    found = events(text)
    assert found["sub_event_type"].tolist() == [sub_event_type]
    assert found["actor1"].tolist() == [actor1]


def test_a_victim_charged_with_crimes_was_killed_in_gang_fighting() -> None:
    event = one_event("A man was killed by two gunmen in Recife on Monday. "
                      "The victim had charges against him for robbery.")
    assert event["sub_event_type"] == "Armed clash"


def test_an_event_at_places_listed_together_is_one_event_each_with_the_toll_shared() -> None:
    found = events("Air strikes hit Douma and Harasta on Monday, killing six people.")
    assert sorted(found["location"]) == ["Douma", "Harasta"]
    assert found["fatalities"].tolist() == [3, 3]


@pytest.mark.parametrize("text", [
    "Shelling hit Kafr Nabl, Idlib on Monday.",
    "Fighting raged on the road between Aleppo and Azaz on Monday.",
    "Shells hit the Midan neighbourhood of Aleppo on Monday.",
])
def test_a_place_and_its_province_a_route_or_a_quarter_of_a_city_are_one_event(text: str) -> None:
    assert len(events(text)) == 1


@pytest.mark.parametrize(("text", "sub_event_types"), [
    # arrests or seizures told as another act stay events of their own
    ("A bomb exploded in a market in Kassala on Monday, killing three people. Police later seized a car loaded "
     "with explosives.", ["Remote explosive/landmine/IED", "Disrupted weapons use"]),
    # what people were arrested for is no event of its own
    ("Police arrested 20 people suspected of looting shops in Kassala on Monday.", ["Arrests"]),
    ("Police arrested two men who had beaten a traffic officer in Kassala on Monday.", ["Arrests"]),
    # nor is a killing told of what someone is suspected of
    ("Police arrested three men suspected of the bombing that killed 12 people in Kassala last month.", ["Arrests"]),
    # soldiers who shot marchers did it; they are no protest's grievance
    ("Soldiers who shot dead two men at a march against fuel prices in Kassala on Monday were arrested.",
     ["Attack"]),
])
def test_what_a_report_tells_beside_an_event_is_kept_apart(text: str, sub_event_types: list[str]) -> None:
    assert events(text)["sub_event_type"].tolist() == sub_event_types


@pytest.mark.parametrize(("text", "actor1"), [
    ("Russia launched a wave of Iranian drones at Kyiv on Monday.", "Military Forces of Russia"),
    ("Houthi forces fired Iranian missiles at Jizan on Monday.", "Military Forces of Yemen Supreme Political Council"),
])
def test_where_a_weapon_was_made_is_not_who_fired_it(text: str, actor1: str) -> None:
    assert one_event(text)["actor1"] == actor1


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Rebels fired mortars and rifles at army positions in the villages of Kabani and Tel Wasit on Monday.",
     "Armed clash"),
    ("Rebels and the army exchanged mortar fire and gunfire in the farms east of Hays on Monday.", "Armed clash"),
    ("Soldiers surrounded and beat farmers in a village near Kassala on Monday.", "Attack"),
])
def test_fights_and_beatings_told_with_places_or_joined_verbs(text: str, sub_event_type: str) -> None:
    assert set(events(text)["sub_event_type"]) == {sub_event_type}


@pytest.mark.parametrize(("text", "fatalities"), [
    ("Gunmen killed a teacher in Kassala on Monday and his 17 students were abducted.", 1),
    ("Gunmen killed two soldiers and a policeman was wounded in Kassala on Monday.", 2),
])
def test_a_toll_does_not_run_into_the_next_clause(text: str, fatalities: int) -> None:
    assert events(text)["fatalities"].max() == fatalities


def test_militiamen_who_attacked_protesters_stay_the_doers() -> None:
    event = one_event("Militiamen attacked protesters with sticks in Khartoum on Monday.")
    assert (event["actor1"], event["actor2"]) == ("Unidentified Communal Militia (Sudan)", "Protesters (Sudan)")


def test_communal_violence_summed_over_a_year_is_no_event_of_its_own() -> None:
    found = events("Communal violence has left more than 300 people dead in Plateau state this year. "
                   "On Monday, two farmers were killed in Bokkos.")
    assert found["sub_event_type"].tolist() == ["Attack"] and found["fatalities"].tolist() == [2]


@pytest.mark.parametrize(("text", "location"), [
    ("Rebels positioned in Kafr Zita fired rockets on Suqaylabiyah on Monday.", "As-Suqaylabiyah"),
    ("Three mortar shells fired by rebels positioned in Jobar fell on Bab Touma in Damascus on Monday.", "Bab Touma"),
    ("Gunmen stationed in Tafas opened fire on a checkpoint in Daraa on Monday.", "Daraa"),
])
def test_where_the_doers_stood_is_not_where_they_struck(text: str, location: str) -> None:
    assert one_event(text)["location"] == location


def test_a_report_of_attacks_in_general_names_the_doer_of_the_shelling_told_next() -> None:
    found = events("Terrorist attacks on Aleppo killed 18 civilians on Monday. "
                   "Nine of them were killed by shells that hit the Midan neighbourhood.")
    assert found["actor1"].tolist() == ["Opposition Rebels (Syria)", "Opposition Rebels (Syria)"]


def test_a_killing_told_with_its_doer_elsewhere_is_an_event_of_its_own() -> None:
    found = events("Air strikes hit Raqqa on Monday. The army killed 30 militants in Maarat al-Numan on Monday.")
    assert found["sub_event_type"].tolist() == ["Air/drone strike", "Armed clash"]
    assert found["fatalities"].tolist() == [0, 30]


@pytest.mark.parametrize("text", [
    "Air strikes hit Raqqa on Monday. The warplanes killed 12 civilians in Raqqa.",
    "Air strikes hit Raqqa on Monday. Twelve civilians were killed in Tabqa.",
])
def test_a_killing_told_at_the_same_place_or_without_its_doer_is_a_toll(text: str) -> None:
    assert len(events(text)) == 1


@pytest.mark.parametrize("text", [
    "Air strikes killed 12 people in Aleppo on Monday. The UN Security Council met to address the fighting.",
    "Air strikes killed 12 people in Aleppo on Monday. Doctors said most victims had fled the clashes.",
    "Air strikes killed 12 people in Aleppo on Monday. The protests had turned into an uprising years ago.",
])
def test_the_fighting_named_in_passing_is_no_event_of_its_own(text: str) -> None:
    assert events(text)["sub_event_type"].tolist() == ["Air/drone strike"]


@pytest.mark.parametrize(("text", "count"), [
    # a tally over a year is no event of its own
    ("Russian jets struck Ariha on Tuesday, killing six people. Russia killed 1,200 civilians in Syria last year, "
     "according to a rights group.", 1),
    # the same killing told at the town around the first place is its toll
    ("Syrian troops bombarded Daraa al-Balad on Thursday. Government forces killed 3 rebels and a child in Daraa, "
     "activists said.", 1),
    # the protests that resumed the next day are an event of their own
    ("Soldiers shot dead two protesters in Mandalay on Saturday. The next day the protests resumed, with thousands "
     "marching.", 2),
])
def test_second_reports_of_killings_and_protests_are_counted_as_analysts_do(text: str, count: int) -> None:
    assert len(events(text)) == count


def test_where_those_hit_stood_is_where_the_attack_struck() -> None:
    event = one_event("HTS fighters attacked regime soldiers positioned in Kafr Nabl in Idlib on Monday, "
                      "killing three soldiers.")
    assert event["location"] == "Kafr Nobol"


def test_a_general_word_for_ground_attacks_names_no_air_strikes_doer() -> None:
    found = events("Islamic State attacks on army posts near Deir ez-Zor killed nine soldiers on Monday. "
                   "An air strike on Mayadin killed twelve civilians.")
    assert found["actor1"].tolist()[1] == "Unidentified Military Forces"


def test_a_country_named_for_its_border_is_the_place_when_none_other_is() -> None:
    assert one_event("Gunmen killed two soldiers near the Iraq border on Monday.")["country"] == "Iraq"
