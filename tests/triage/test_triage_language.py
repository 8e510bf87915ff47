"""Reading Chinese text: negation scope, numbers, duration, severity, who is affected."""
from __future__ import annotations

import pytest

from app.services.triage.language import parse, parse_bp_number, to_number


def pos(text: str) -> set[str]:
    return set(parse(text).positive)


def neg(text: str) -> set[str]:
    return parse(text).negative


# --- negation and its scope --------------------------------------------------------------------

def test_negated_vomiting_after_a_comma_leaves_the_headache():
    p = parse("头疼，没有吐")
    assert "headache" in p.positive
    assert "vomiting" in p.negative and "vomiting" not in p.positive


@pytest.mark.parametrize("text", ["没有发烧，但是咳嗽", "不发烧但咳嗽", "没发烧，就是咳嗽", "不发烧，可是一直咳嗽"])
def test_a_contrast_word_ends_the_negation_scope(text):
    assert "cough" in pos(text)
    assert "fever" in neg(text)


def test_negation_covers_a_coordinated_list_in_its_clause():
    p = parse("没有胸痛和气短")
    assert {"chest_pain", "dyspnoea"} <= p.negative
    assert not {"chest_pain", "dyspnoea"} & set(p.positive)


def test_an_enumeration_comma_keeps_the_scope():
    assert {"haemoptysis", "chest_pain"} <= neg("咳嗽，否认咳血、胸痛")


def test_a_negation_at_the_end_of_a_clause_negates_backwards():
    assert "fever" in neg("发烧倒没有，咳嗽三天了")


def test_negation_before_an_unrelated_verb_does_not_negate_the_symptom_before_it():
    assert "headache" in pos("头疼没有吃药")


def test_a_negation_inside_a_gap_negates_that_mention():
    assert "chest_pain" in neg("胸口不疼了")
    assert "abdominal_pain" in neg("肚子也不疼")


def test_an_attenuator_is_not_a_negation():
    p = parse("肚子不怎么疼")
    assert "abdominal_pain" in p.positive and p.any_mild


@pytest.mark.parametrize("text,code", [("喘不上气", "dyspnoea"), ("浑身没劲", "fatigue"), ("孩子不吃奶", "poor_feeding"),
                                       ("说不出话", "speech"), ("叫不醒", "unresponsive"), ("不能平躺", "orthopnoea"),
                                       ("一直不排气", "no_flatus"), ("感觉不到胎动了", "reduced_fetal_movement")])
def test_terms_that_carry_their_own_negation_are_positive_findings(text, code):
    assert code in pos(text)


def test_no_obvious_cause_is_not_a_negation():
    assert "chest_pain" in pos("无明显诱因出现胸痛")


def test_not_careful_is_not_a_negation():
    assert "double_dose" in pos("不小心多吃了一片降压药")


def test_a_question_form_makes_the_mention_uncertain():
    p = parse("不知道有没有发烧")
    assert "fever" not in p.positive and "fever" not in p.negative


@pytest.mark.parametrize("text,code", [("心口疼", "chest_pain"), ("胸口闷", "chest_tightness"), ("头晕眼花", "dizziness"),
                                       ("拉肚子", "diarrhoea"), ("没劲", "fatigue"), ("嗓子眼疼", "sore_throat"),
                                       ("脑瓜子疼", "headache"), ("上气不接下气", "dyspnoea"), ("屙血", "bloody_stool"),
                                       ("胸口那块骨头就疼", "chest_pain")])
def test_colloquial_terms(text, code):
    assert code in pos(text)


def test_a_word_containing_a_site_character_is_not_that_site():
    assert "headache" not in pos("按着胸口那块骨头就疼")


# --- numbers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [("体温39度", 39.0), ("发烧三十九度五", 39.5), ("烧到39度5", 39.5),
                                        ("体温38.5℃", 38.5), ("三十八度多", 38.3)])
def test_temperature(text, value):
    assert parse(text).numbers.temperature == pytest.approx(value)


@pytest.mark.parametrize("text,sbp,dbp", [("血压190/120", 190, 120), ("血压一百九", 190, None),
                                          ("高压一百八低压一百一", 180, 110), ("血压一百五十九十五", 150, 95),
                                          ("血压 185 105", 185, 105), ("量了血压170/100mmHg", 170, 100)])
def test_blood_pressure(text, sbp, dbp):
    n = parse(text).numbers
    assert n.systolic == sbp and n.diastolic == dbp


@pytest.mark.parametrize("text,value", [("血糖2.8", 2.8), ("血糖二点五", 2.5), ("血糖三十五", 35.0), ("血糖300", 16.7),
                                        ("空腹血糖老是9点多", 9.5), ("血糖显示HI", 33.4)])
def test_glucose_in_mmol(text, value):
    assert parse(text).numbers.glucose == pytest.approx(value)


def test_pulse_oxygen_and_breathing_rate():
    assert parse("心跳一分钟160下").numbers.pulse == 160
    assert parse("心率120次").numbers.pulse == 120
    assert parse("血氧88").numbers.spo2 == 88
    assert parse("宝宝呼吸每分钟60次").numbers.resp_rate == 60


def test_chinese_numerals_and_bp_answers():
    assert to_number("一百九") == 190 and to_number("三十九点五") == 39.5
    assert parse_bp_number("190/120") == (190, 120)
    assert parse_bp_number("一百五十九十五") == (150, 95)


# --- duration, onset, severity -------------------------------------------------------------------

@pytest.mark.parametrize("text,hours", [("咳嗽三天了", 72), ("拉肚子半个月", 360), ("刚才胸口疼", 0.3),
                                        ("头疼两个星期", 336), ("咳嗽一个多月", 936)])
def test_duration(text, hours):
    assert parse(text).max_hours == pytest.approx(hours)


def test_a_child_age_in_months_is_not_a_duration():
    p = parse("孩子8个月，发烧")
    assert p.max_hours is None and p.subject.age_years == pytest.approx(8 / 12)


def test_onset_and_course():
    assert parse("突然头疼").any_sudden
    assert parse("胃疼老毛病了").any_chronic
    assert parse("心慌时不时犯").any_recurrent
    # Colicky pain comes in waves within one episode: a quality of the pain, not a recurrence over days
    # (an old woman's colic since last night is an acute abdomen, not a long-standing complaint).
    assert not parse("肚子一阵一阵地疼").any_recurrent


@pytest.mark.parametrize("text", ["头疼得厉害", "肚子疼得受不了", "疼痛评分8分"])
def test_severe(text):
    assert parse(text).any_severe


@pytest.mark.parametrize("text", ["有一点点疼", "腰有点酸", "疼得不厉害", "不太疼"])
def test_mild_is_not_severe(text):
    p = parse(text)
    assert p.any_mild and not p.any_severe


# --- who is affected -----------------------------------------------------------------------------

def test_mother_is_an_elderly_woman():
    s = parse("我妈头晕").subject
    assert s.other and s.sex == "F" and s.age_years >= 65


def test_father_with_an_age():
    s = parse("我爸70岁，胸口疼").subject
    assert s.other and s.sex == "M" and s.age_years == 70


@pytest.mark.parametrize("text,age", [("孩子8个月，发烧", 8 / 12), ("宝宝3个月大，发烧", 0.25), ("孩子6周大，身上烫", 6 / 52),
                                      ("我儿子两岁半，咳嗽", 2.5), ("新生儿，皮肤发黄", 0.05)])
def test_child_ages(text, age):
    s = parse(text).subject
    assert s.child and s.age_years == pytest.approx(age, abs=0.01)


def test_the_resident_can_state_their_own_age_and_sex():
    s = parse("女，26岁，流鼻涕").subject
    assert not s.other and s.sex == "F" and s.age_years == 26


def test_history_of_stroke_is_not_an_acute_stroke():
    p = parse("我妈有脑梗，最近膝盖疼")
    assert "cond_stroke_history" in p.positive and "stroke_suspected" not in p.positive
    assert "stroke_suspected" in parse("我爸好像中风了").positive


def test_the_medical_dictionary_does_not_leak_into_jiebas_global_tokenizer():
    import jieba

    parse("喘不上气")
    assert jieba.lcut("喘不上气", HMM=False) != ["喘不上气"]
