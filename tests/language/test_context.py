"""The assertion-scope algorithm (NegEx/ConText adapted to Chinese, app/language/context.py)."""
from __future__ import annotations

import pytest

from app.language import read


def assertion(text: str, code: str) -> str | None:
    found = [f.assertion for f in read(text).findings if f.code == code]
    return found[0] if found else None


@pytest.mark.parametrize("text, code", [
    ("没有头疼", "headache"), ("头不疼", "headache"), ("无胸痛", "chest_pain"), ("否认胸痛", "chest_pain"),
    ("不出汗", "sweating"), ("没发烧", "fever"),
])
def test_a_forward_trigger_negates_what_follows(text, code):
    assert assertion(text, code) == "absent"


@pytest.mark.parametrize("text, code", [("头疼倒没有", "headache"), ("发烧没有", "fever"), ("胸闷不明显", "chest_tightness")])
def test_a_backward_trigger_closing_the_clause_negates_what_precedes(text, code):
    assert assertion(text, code) == "absent"


@pytest.mark.parametrize("text", ["喘气正常", "喘气还行", "喘气还好"])
def test_a_normal_state_word_makes_a_function_normal_not_a_symptom(text):
    assert assertion(text, "dyspnoea") == "normal"
    assert "dyspnoea" not in read(text).positive


def test_a_normal_state_word_after_a_pain_rates_it_mild():
    r = read("头疼还好")
    f = next(f for f in r.findings if f.code == "headache")
    assert f.assertion == "present" and f.severity == "mild"


def test_list_scope_each_item_carries_its_own_negator():
    r = read("舌头不肿 不流口水 没有胸痛")
    assert "drooling" in r.negative and "chest_pain" in r.negative
    assert not r.positive.keys() & {"drooling", "chest_pain", "lip_tongue_swelling"}


def test_an_enumeration_keeps_one_negator_over_the_list():
    assert {"chest_pain", "dyspnoea"} <= read("没有胸痛、气短").negative


@pytest.mark.parametrize("text", ["没有发烧，但是咳嗽", "不发烧但咳嗽", "没发烧 就是咳嗽", "不发烧，可是一直咳嗽"])
def test_a_terminator_ends_the_scope(text):
    r = read(text)
    assert "cough" in r.positive and "fever" in r.negative


@pytest.mark.parametrize("text, code", [("喘不上气", "dyspnoea"), ("不吃奶", "poor_feeding"), ("没劲", "fatigue")])
def test_a_negator_inside_a_term_is_part_of_a_positive_finding(text, code):
    assert assertion(text, code) == "present"


@pytest.mark.parametrize("text, code", [("无明显诱因头疼", "headache"), ("咳嗽不止", "cough"), ("不小心摔了", "fall")])
def test_pseudo_triggers_do_not_negate(text, code):
    assert assertion(text, code) == "present"


def test_a_potential_complement_is_not_a_negation():
    assert assertion("说不出话", "speech") == "present"


def test_resolved_by_a_backward_trigger_or_its_own_elliptical_clause():
    assert assertion("流鼻血，已经止住了", "epistaxis") == "resolved"
    r = read("流鼻血，已经止住了")
    assert "epistaxis" in r.resolved_codes


def test_an_unrelated_normal_clause_does_not_reach_back():
    assert assertion("眼睛痒，视力正常", "itchy_eyes") == "present"


@pytest.mark.parametrize("text, code", [("会不会是心梗", "mi_suspected"), ("是不是发烧了", "fever"),
                                        ("怕得中风", "stroke_suspected")])
def test_hypothetical_or_asking_is_neither_present_nor_absent(text, code):
    r = read(text)
    assert code not in r.positive and code not in r.negative


def test_a_past_episode_is_not_current():
    assert assertion("以前胸口疼过", "chest_pain") == "past"


def test_a_past_illness_is_a_present_history():
    assert "cond_stroke_history" in read("我妈以前中风过").positive


def test_other_subject_with_age_and_sex():
    f = read("我妈82岁 今天说话不清楚").findings[0]
    assert f.experiencer == "other" and f.subject.sex == "F" and f.subject.age_years == 82


def test_a_relation_word_inside_a_term_is_no_relation():
    r = read("来大姨妈肚子疼")
    assert not r.subject.other and "menstruation" in r.positive


@pytest.mark.parametrize("text, value", [("血糖低 测了下是2.6", 2.6), ("血糖七点八", 7.8), ("低血糖了，量了一下3.1", 3.1)])
def test_a_glucose_value_is_bound_to_glucose(text, value):
    f = next(f for f in read(text).findings if f.code == "glucose")
    assert f.value.value == pytest.approx(value)


def test_values_bp_temperature_weight_gestation():
    r = read("血压185/115 体温38.5度 体重60公斤 怀孕32周")
    vals = {f.code: f.value for f in r.findings if f.value}
    assert (vals["bp"].value, vals["bp"].second) == (185, 115)
    assert vals["temperature"].value == 38.5 and vals["weight"].value == 60 and vals["gestational_age"].value == 32


def test_laterality_and_site():
    f = next(f for f in read("左边小腿肿").findings if f.code == "leg_swelling")
    assert f.laterality == "left"
    assert next(f for f in read("胸口疼").findings if f.code == "chest_pain").site == "chest"


@pytest.mark.parametrize("text, code", [("脑壳疼", "headache"), ("屙血", "bloody_stool"), ("拉的是柏油样的", "melena")])
def test_dialect_words(text, code):
    assert code in read(text).positive


@pytest.mark.parametrize("text, denied, present", [("胸口不疼，就是有点闷", "chest_pain", "chest_tightness"),
                                                   ("肚子不疼，就是胀", "abdominal_pain", "abdo_distension")])
def test_a_body_site_carries_into_the_next_clause(text, denied, present):
    r = read(text)
    assert denied in r.negative and present in r.positive


@pytest.mark.parametrize("text, code", [("宝宝20天 发烧38度", None), ("我女儿3个月 拉肚子", None)])
def test_an_infant_age_in_days_or_months_is_an_age_not_a_duration(text, code):
    r = read(text)
    assert r.subject.age_years is not None and r.subject.age_years < 0.3
    assert r.max_hours is None or r.max_hours < 24 * 10


def test_in_unpunctuated_text_a_negation_ends_where_a_new_time_frame_starts():
    r = read("头磕在水泥台上起了个包当时说不疼也没当回事今天早上起来吐了两回一直说困")
    assert r.present("vomiting") and r.present("drowsy")


def test_a_negation_reaches_a_few_words_not_a_whole_run_on_message():
    assert read("没有发烧也没有咳嗽吃了饭以后肚子一直胀胀的很难受").present("abdo_distension")


def test_a_question_ending_in_bu_denies_nothing():
    r = read("老伴有房颤一直吃利伐沙班头磕了一下这样要紧不")
    assert r.present("head_injury") and r.present("cond_af")
    assert "headache" in read("头疼倒没有").negative


def test_a_supposed_time_stays_inside_the_hypothesis():
    assert not read("要是半夜胸口痛该怎么办").present("chest_pain")


def test_worse_than_usual_is_worsening_not_severity():
    r = read("喘得比平时厉害一点")
    assert r.present("worsening") and not r.any_severe
    assert read("头疼得厉害").any_severe


def test_a_finding_said_to_be_over_is_resolved():
    assert [m.assertion for m in read("鼻涕好了").mentions if m.code == "coryza"] == ["resolved"]


def test_bu_with_de_modifies_a_noun_and_denies_no_finding():
    assert read("被一条不认识的流浪狗咬了左手").present("animal_bite")
    assert "chest_pain" in read("没有明显的胸痛").negative


def test_the_words_of_a_denying_clause_do_not_describe_the_message():
    r = read("头两边像被箍住一样胀痛，不是突然的剧痛")
    assert not r.any_sudden and not r.any_severe


@pytest.mark.parametrize("text, expected", [("吃这个药会头疼不", "hypothetical"), ("能头疼不", "hypothetical"),
                                            ("头疼不", "absent")])
def test_a_clause_final_bu_after_a_modal_asks_without_one_it_denies(text, expected):
    assert assertion(text, "headache") == expected


# --- a message typed without a pause ---------------------------------------------------------------------------
def test_a_long_run_without_punctuation_is_cut_before_the_words_that_open_a_new_part():
    r = read("冠心病好几年了以前心口疼含一片硝酸甘油几分钟就好今天下午又疼含了两片还是疼")
    texts = [r.text[c.start:c.end] for c in r.clauses]
    assert texts[0] == "冠心病好几年了" and any(t.startswith("今天下午") for t in texts)


def test_a_short_run_is_not_cut():
    assert len(read("今天早上头疼").clauses) == 1


def test_a_question_at_the_end_of_a_long_run_does_not_make_everything_normal():
    assert assertion("我爸高血压晚上刷牙时说左手没劲牙刷都掉了让他吃片硝苯地平压一压可以吗",
                     "unilateral_weakness") == "present"


def test_run_on_phrases_after_a_denial_are_not_all_denied():
    text = "我爸72今天在大棚里摘了一上午黄瓜出来浑身滚烫也不出汗说话颠三倒四"
    assert assertion(text, "sweating") == "absent"
    assert assertion(text, "confusion") == "present"


def test_a_short_list_run_straight_on_is_still_denied():
    assert assertion("没有头疼头晕", "dizziness") == "absent"


def test_mei_with_de_modifies_a_noun_and_denies_nothing():
    assert assertion("被一条没拴的狗咬了小腿", "animal_bite") == "present"
    assert assertion("没有发烧的感觉", "fever") == "absent"


def test_a_past_trigger_reaches_about_a_dozen_characters_in_a_long_run():
    text = "我爸六十五冠心病前年放了两个支架刚打电话说胸口压着疼半个多小时了"
    assert assertion(text, "chest_pain") == "present"
    assert assertion("前年胸口疼过", "chest_pain") == "past"


def test_emoji_after_the_last_word_do_not_hide_a_closing_trigger():
    assert assertion("喘气正常😭😭", "dyspnoea") == "normal"


@pytest.mark.parametrize("text, code, relation", [
    ("我自己怀孕五个月了，我妈摔倒了", "cond_pregnancy", "妈"),          # the writer's pregnancy, the mother's fall
    ("我自己也有高血压，女儿16 今天抽血时晕了", "cond_hypertension", "女儿"),
    ("胸口疼。我妈也有高血压和糖尿病", "cond_diabetes", None),          # listed after the mother's first illness
])
def test_a_condition_told_of_someone_else_is_theirs(text, code, relation):
    r = read(text)
    assert r.subject.relation == relation
    assert not r.present(code) and any(f.code == code and f.assertion == "other" for f in r.findings)


@pytest.mark.parametrize("text, relation, age", [
    ("我今年三十二，孩子烧到第五天了 还是39度多 手脚也有点肿", "孩子", None),   # 也 far from the child compares nothing
    ("我今年三十二，牵着闺女的手上台阶 拽了一下 右胳膊垂着不肯动 两岁半", None, 2.5),  # a child's age on its own
    ("糖尿病十来年，右脚大脚趾穿闺女买的新鞋磨破了", None, None),       # the daughter only bought the shoes
    ("怀孕26周，今天滑了一跤，肚子不疼，宝宝在动", None, None),            # the baby moving is not yet a patient
    ("我怀孕五个月，我妈说我脸肿", None, None),                             # the mother speaks about the writer
])
def test_who_the_message_is_about(text, relation, age):
    sub = read(text).subject
    assert (sub.relation, sub.age_years if age is not None else None) == (relation, age), sub
