"""assess(): dispositions, safety rules, the question flow, profile/readings handling, output shape."""
from __future__ import annotations

import json
import statistics
import time

import pytest

from app.services.triage import Assessment, Profile, Question, Readings, assess
from app.services.triage import texts as tx
from app.services.triage.engine import MAX_QUESTIONS

ELDERLY = Profile(age=70, sex="M", conditions=frozenset({"hypertension"}))


# --- advice ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["胸口疼，出冷汗", "嘴歪了", "喝了农药", "孩子抽风了", "血糖2.5"])
def test_emergency_advice_always_says_to_call_120(text):
    a = assess(text, interactive=False)
    assert a.level == "emergency" and a.department == tx.ED
    assert "120" in a.advice.splitlines()[0]


def test_ten_tablets_in_one_go_are_an_overdose_but_a_months_supply_is_not():
    assert assess("刚才一下吃了15片安眠药", interactive=False).level == "emergency"
    assert assess("这个月吃了三十片降压药 还剩一盒", interactive=False).level != "emergency"


@pytest.mark.parametrize("text", ["把一瓶安眠药全吃了 现在还能说话", "一整盒降压药 他一口气全吞下去了",
                                  "吵完架 药 一大把都吃了"])
def test_a_whole_pack_swallowed_is_an_overdose_however_the_sentence_runs(text):
    assert assess(text, interactive=False).level == "emergency"


def test_a_pack_taken_over_a_course_is_not_an_overdose():
    assert assess("一瓶降压药吃了一个月 还剩一点", interactive=False).level != "emergency"


@pytest.mark.parametrize("text, level", [
    ("怀孕32周 下面哗一下出了好多鲜红的血", "emergency"),    # unnamed site, pregnant: vaginal
    ("生完孩子第五天 下头出血交关多 心慌头晕", "emergency"),
    ("孕8周 有点出血 肚子有点坠痛", "emergency"),             # early pregnancy, not yet seen in the womb: ectopic first
    ("孕8周 有点出血 肚子有点坠痛 之前B超说是宫内的", "urgent"),  # NICE NG126: threatened miscarriage
])
def test_bleeding_with_no_site_named_is_vaginal_in_pregnancy_and_after_birth(text, level):
    assert assess(text, interactive=False).level == level


def test_bleeding_with_no_site_named_is_not_given_one_outside_pregnancy():
    a = assess("手上划了个口子 流了点血 已经止住了", interactive=False)
    assert "gynae" not in a.complaints and "pregnancy" not in a.complaints


def test_a_conditions_history_does_not_date_todays_complaint():
    # "糖尿病好几年了" is the diabetes' course, not the itch's: a few days' itch stays self-care.
    assert assess("脚丫子缝痒 脱皮", interactive=False).level == "self_care"
    assert assess("脚丫子缝痒 脱皮。有糖尿病好几年了，吃二甲双胍，血糖还算平稳。", interactive=False).level == "self_care"
    assert assess("脚丫子缝痒 脱皮 好几年了", interactive=False).level == "routine"


@pytest.mark.parametrize("text", ["说活着没意思 药都买好了 让我照顾好自己", "心里苦 活够了 遗书都写好了"])
def test_a_death_wish_with_preparation_is_an_emergency(text):
    assert assess(text, interactive=False).level == "emergency"


def test_a_death_wish_alone_is_urgent():
    assert assess("最近老觉得活着没意思", interactive=False).level == "urgent"


@pytest.mark.parametrize("text", ["从房顶上摔下来了 背先着地", "摔下来了 得有三米多高 现在腰疼",
                                  "搬东西摔了一跤 两条腿没知觉了"])
def test_a_fall_from_height_or_with_legs_gone_numb_is_an_emergency(text):
    assert assess(text, interactive=False).level == "emergency"


def test_a_small_childs_fall_from_a_sofa_is_not_a_fall_from_height():
    assert assess("孩子从沙发上摔下来了 哭了一会就好了 照样玩", interactive=False).level == "self_care"


def test_epigastric_oppression_with_a_cold_sweat_in_a_diabetic_is_an_emergency():
    assert assess("68岁 糖尿病 胃口那块发闷 出了一身冷汗 四十分钟了", interactive=False).level == "emergency"


def test_three_tablets_of_a_sulfonylurea_at_once_or_missing_from_the_pack_is_an_overdose():
    assert assess("格列齐德吃了三片 平时一次一片", interactive=False).level == "emergency"
    assert assess("外婆怕漏了又吃了一遍 格列美脲一上午少了五片", interactive=False).level == "emergency"
    assert assess("吃格列美脲 今天早上不小心多吃了一片", interactive=False).level == "urgent"


def test_double_vision_with_an_unsteady_gait_is_a_stroke_sign_unless_long_standing():
    assert assess("婆婆说看东西是两个 走路打晃", interactive=False).level == "emergency"
    assert assess("看东西重影好几年了 走路也不稳", interactive=False).level == "routine"


def test_muddled_after_a_missed_meal_on_diabetes_medicine_is_an_emergency():
    assert assess("老头子吃了降糖药 中午没吃饭 下午浑身冒冷汗 人有点迷糊", interactive=False).level == "emergency"


@pytest.mark.parametrize("text, level", [
    ("我妈打了胰岛素没吃饭 现在满头大汗 问她话答非所问", "emergency"), ("吃格列美脲 下午出了一身汗 手抖", "urgent"),
])
def test_a_low_is_suspected_on_insulin_or_a_sulfonylurea_from_its_signs_without_a_value(text, level):
    a = assess(text, interactive=False)
    assert (a.level, "glucose" in a.complaints) == (level, True)


@pytest.mark.parametrize("text", ["胸口疼，出冷汗", "被狗咬了", "尿频尿痛", "流鼻涕", "我想问问降压药什么时候吃", ""])
def test_every_answer_ends_by_saying_it_is_not_a_diagnosis(text):
    a = assess(text, interactive=False)
    assert a.advice.splitlines()[-1] == tx.DISCLAIMER and "不是诊断" in tx.DISCLAIMER


def test_unrecognised_text_is_routine_with_the_family_doctor():
    a = assess("我想问问降压药什么时候吃", interactive=False)
    assert (a.level, a.department, a.complaints) == ("routine", tx.GP, ())


# --- never downgrade a red flag ----------------------------------------------------------------------

def test_answers_cannot_downgrade_a_red_flag_found_in_the_text():
    a = assess("胸口疼，出冷汗", answers={"chest_assoc": "没有", "chest_ongoing": "没有", "chest_benign": "是"}, asked=3)
    assert a.level == "emergency" and a.final
    assert "chest.acs_features" in [f.code for f in a.red_flags]


def test_a_confirmed_emergency_is_answered_at_once_without_questions():
    a = assess("突然说话不清，嘴歪")
    assert a.final and a.questions == () and a.level == "emergency"


def test_missing_information_keeps_the_safer_level():
    # A 60-year-old with chest pain and nothing else known: emergency, not "probably fine".
    assert assess("胸口疼", profile=Profile(age=60), interactive=False).level == "emergency"


# --- the question flow -------------------------------------------------------------------------------

def test_one_decisive_question_at_a_time():
    a = assess("胸口疼")
    assert not a.final and len(a.questions) == 1
    q = a.questions[0]
    assert isinstance(q, Question) and q.id == "chest_assoc" and q.kind == "yes_no" and q.text.endswith("？")


def test_a_yes_answer_escalates_and_ends_the_flow():
    a = assess("胸口疼", answers={"chest_assoc": "有"}, asked=1)
    assert a.final and a.level == "emergency"


def _converse(text: str, reply: str, profile: Profile | None = None) -> tuple[Assessment, dict[str, object]]:
    answers: dict[str, object] = {}
    a = assess(text, profile=profile)
    while not a.final:
        answers[a.questions[0].id] = reply
        a = assess(text, profile=profile, answers=answers, asked=len(answers))
    return a, answers


def test_the_flow_stops_after_three_questions_with_the_safer_level():
    a, answers = _converse("胸口疼", "不知道")
    assert list(answers) == ["chest_assoc", "chest_ongoing", "chest_benign"]
    assert len(answers) == MAX_QUESTIONS and a.level == "urgent" and a.questions == ()
    older, answers = _converse("胸口疼", "不知道", Profile(age=60))
    assert len(answers) <= MAX_QUESTIONS and older.level == "emergency"


def test_asked_alone_also_caps_the_questions():
    a = assess("胸口疼", profile=Profile(age=60), asked=MAX_QUESTIONS)
    assert a.final and a.level == "emergency"


def test_no_answers_to_every_question_settle_on_the_evidence():
    answers = {"chest_assoc": False, "chest_ongoing": False, "chest_benign": False}
    a = assess("胸口疼", profile=Profile(age=60), answers=answers, asked=3)
    assert a.final and a.level == "urgent" and a.department == tx.CARDIO


def test_number_questions_accept_chinese_numerals():
    first = assess("孩子发烧", answers={"child_danger": "没有"}, asked=1)
    assert first.questions[0].id == "temp" and first.questions[0].kind == "number"
    low = assess("孩子发烧", answers={"child_danger": "没有", "temp": "三十八度"}, asked=2)
    high = assess("孩子发烧", answers={"child_danger": "没有", "temp": "三十九度五"}, asked=2)
    assert (low.level, high.level) == ("self_care", "routine")


def test_a_bp_answer_can_turn_dizziness_urgent():
    a = assess("头晕", profile=ELDERLY, answers={"stroke_signs": "没有", "bp": "190/115"}, asked=2)
    assert a.level == "urgent" and "bp.severe" in [f.code for f in a.red_flags]


def test_batch_mode_never_asks_but_lists_what_is_still_worth_asking():
    a = assess("胸口疼", interactive=False)
    assert a.final and a.level == "urgent"
    assert 1 <= len(a.questions) <= 3 and a.questions[0].id == "chest_assoc"


def test_a_benign_self_care_complaint_is_not_over_triaged_in_batch():
    for text in ("流鼻涕，打喷嚏，嗓子有点疼", "搬东西把腰扭了，有点疼", "身上起了些红疹子，有点痒，不发烧", "拉了一次肚子"):
        assert assess(text, profile=Profile(age=35), interactive=False).level == "self_care", text


# --- profile, readings, subject ----------------------------------------------------------------------

def test_readings_are_used_when_the_text_has_no_numbers():
    a = assess("头疼得厉害", readings=Readings(systolic=192, diastolic=118), interactive=False)
    assert a.level == "emergency" and "bp.emergency" in [f.code for f in a.red_flags]


def test_numbers_in_the_text_override_the_readings():
    a = assess("血压130/80，今天还好", readings=Readings(systolic=200, diastolic=120), interactive=False)
    assert a.level == "self_care"


def test_a_stored_reading_that_is_not_acute_does_not_over_triage_a_minor_complaint():
    for readings in (Readings(systolic=152, diastolic=94), Readings(glucose_mmol=9.1), Readings(pulse=104)):
        assert assess("流鼻涕，打喷嚏", readings=readings, interactive=False).level == "self_care"
    assert assess("流鼻涕，打喷嚏", readings=Readings(systolic=186, diastolic=112), interactive=False).level == "urgent"


def test_glucose_reading_in_mmol():
    a = assess("心慌出汗", profile=Profile(conditions=frozenset({"diabetes"})), readings=Readings(glucose_mmol=2.7),
               interactive=False)
    assert a.level == "emergency" and a.department == tx.ED


def test_someone_else_in_the_text_does_not_inherit_the_residents_profile_or_readings():
    resident = Profile(age=30, sex="F", conditions=frozenset({"pregnancy", "diabetes"}))
    own = assess("肚子疼", profile=resident, interactive=False)
    mother = assess("我妈肚子疼", profile=resident, readings=Readings(glucose_mmol=2.0), interactive=False)
    assert own.department == tx.OBGYN and own.level == "urgent"
    assert mother.level == "urgent" and "abdo.elderly" in [t.rule for t in mother.trace]
    assert "glucose" not in mother.complaints


def test_a_stated_age_overrides_the_profile():
    assert assess("我今年72岁，心慌", profile=Profile(age=30), interactive=False).level == "urgent"
    assert assess("心慌", profile=Profile(age=30), interactive=False).level == "routine"


def test_a_child_goes_to_paediatrics():
    a = assess("孩子发烧39度，咳嗽", interactive=False)
    assert a.department == tx.PAED and a.level == "routine"


def test_infants_under_three_months_with_fever_are_an_emergency():
    assert assess("宝宝两个月，发烧38度", interactive=False).level == "emergency"
    assert assess("宝宝五个月大，发烧38度，吃奶正常", interactive=False).level != "emergency"


def test_anticoagulants_change_a_head_bump():
    plain = assess("摔了一跤，磕到头了，现在没事", profile=Profile(age=40), interactive=False)
    on_warfarin = assess("摔了一跤，磕到头了，现在没事",
                         profile=Profile(age=40, conditions=frozenset({"anticoagulants"})), interactive=False)
    assert plain.level == "self_care" and on_warfarin.level == "urgent"


# --- output shape and speed -------------------------------------------------------------------------

def test_assessment_is_frozen_and_serialisable():
    a = assess("胸口疼，出冷汗", interactive=False)
    assert isinstance(a, Assessment)
    with pytest.raises(Exception):
        a.level = "routine"  # type: ignore[misc]
    d = json.loads(json.dumps(a.to_dict(), ensure_ascii=False))
    assert set(d) == {"level", "department", "complaints", "red_flags", "questions", "advice", "trace", "final"}
    assert d["red_flags"][0]["label"] and d["trace"][0]["source"] and d["trace"][0]["rule"]
    assert d["complaints"] == ["chest_pain"]


def test_every_rule_in_the_trace_cites_a_source():
    for text in ("胸口疼，出冷汗", "孩子8个月，发烧39度5，不吃奶", "血压190/120", "尿频尿急尿痛", "崴脚了"):
        for entry in assess(text, interactive=False).trace:
            assert entry.source and entry.rule and entry.level in ("emergency", "urgent", "routine", "self_care")


def test_one_assessment_takes_well_under_20_ms():
    texts = ["我爸70岁，今天早上突然左边胳膊没劲，说话不清楚", "孩子8个月，发烧39度5，不吃奶", "胸口疼",
             "我今年58岁，男，今天上午搬东西的时候突然觉得胸口像被什么压着，喘不过气来，出了一身冷汗"] * 10
    assess("热身")
    timings = []
    for text in texts:
        start = time.perf_counter()
        assess(text)
        timings.append((time.perf_counter() - start) * 1000)
    assert statistics.median(timings) < 20


def test_every_red_flag_a_protocol_can_raise_has_words_for_the_doctor():
    """A flag without a text would reach the doctor's alert as its code (「child.newborn」)."""
    import re
    from pathlib import Path
    root = Path(tx.__file__).parent
    used = set()
    for name in ("protocols.py", "coverage.py"):
        used |= set(re.findall(r'flag="([\w.]+)"', (root / name).read_text(encoding="utf-8")))
    assert used and used - set(tx.RED_FLAGS) == set()


@pytest.mark.parametrize("text, level", [
    ("糖尿病 刚测血糖7.6 没啥不舒服", "self_care"),              # one value at a time not said: within <10
    ("糖尿病 早上空腹血糖7.6", "routine"),                        # fasting target 4.4-7.0
    ("降糖药吃着 血糖还是八点多", "routine"),                      # said to stay there
    ("这礼拜测了三回 7.8 8.1 7.6", "routine"),                     # a run of readings
    ("糖尿病 随便测了一下 血糖10.5", "routine"),                   # above the after-meal target
])
def test_one_glucose_reading_is_judged_against_the_target_of_its_time(text, level):
    assert assess(text, interactive=False).level == level


@pytest.mark.parametrize("text, level", [
    ("大便红红的 昨天吃了红心火龙果 人没事", "self_care"),
    ("大便红红的 昨天吃了红心火龙果 头晕", "emergency"),           # faintness: a bleed until shown otherwise
    ("吃利福平以后尿是橘红色的 没别的不舒服", "self_care"),
    ("大便带血 鲜红的", "routine"),
])
def test_a_red_food_or_rifampicin_explains_red_excreta_only_without_alarm(text, level):
    assert assess(text, interactive=False).level == level


@pytest.mark.parametrize("text, level", [
    ("孕34周 肚子偶尔发硬 不疼 没见红 胎动正常", "self_care"),     # Braxton Hicks
    ("孕34周 肚子偶尔发硬 有点疼 见红了", "emergency"),
    ("怀孕七个月 晚上小腿老抽筋", "self_care"),                   # leg cramps, not a joint pain
    ("吃氢氯噻嗪 腿老抽筋", "routine"),                            # on a diuretic: the salts to check
    ("宝宝4个月 吃完奶嘴角溢出一点奶 体重长得好", "self_care"),     # possetting
])
def test_expected_changes_of_pregnancy_and_infancy_are_self_care(text, level):
    assert assess(text, interactive=False).level == level


@pytest.mark.parametrize("text, level", [
    ("地里干活晒得头有点晕 口渴 喝了水歇会好多了", "self_care"),     # thirst in the heat is no glucose sign
    ("最近老口渴 喝水多", "routine"),
    ("打药的时候溅到手上几滴 马上用肥皂水冲了 现在没啥不舒服", "self_care"),
    ("打药的时候溅到手上几滴 现在有点恶心头晕", "urgent"),
    ("打药的时候溅到手上 现在出汗流口水 恶心", "emergency"),
])
def test_heat_and_pesticide_on_the_skin(text, level):
    assert assess(text, interactive=False).level == level


@pytest.mark.parametrize("text, level", [
    ("最近老想着死了算了 但还没想好怎么做", "urgent"),          # ideation without a plan: same-day assessment
    ("最近老想着死了算了 药都攒够了", "emergency"),
    ("不想活了", "emergency"),
])
def test_suicidal_thoughts_without_a_plan_are_same_day_with_a_plan_an_emergency(text, level):
    assert assess(text, interactive=False).level == level


@pytest.mark.parametrize("text, level", [
    ("全身起红点 喉咙好紧", "emergency"),                    # skin and airway together, no trigger named (WAO 2020)
    ("食完虾之后成身起晒啲红点喉咙好紧透唔到气", "emergency"),  # Cantonese, typed without a pause
    ("身上起了几个红点 有点痒", "self_care"),
    ("耳朵里痒 听声音有点闷", "routine"),                     # muffled hearing is no changed voice
])
def test_anaphylaxis_by_its_features_whatever_the_trigger(text, level):
    assert assess(text, interactive=False).level == level


@pytest.mark.parametrize("text, level", [
    ("15岁 多饮多尿变瘦 这两天呕吐肚子痛 呼吸深快", "emergency"),   # new-onset DKA (ISPAD 2022): no diabetes known yet
    ("口渴 喝水多 吐了一次 肚子有点痛", "routine"),
])
def test_ketoacidosis_before_diabetes_is_known(text, level):
    assert assess(text, interactive=False).level == level


def test_redness_round_a_diabetic_foot_wound_with_warmth_is_an_infection():
    flags = {f.code for f in assess("糖尿病 脚趾磨破个口子 周围红了一圈 摸着有点热", interactive=False).red_flags}
    assert "foot.infected" in flags
    flags = {f.code for f in assess("糖尿病 脚趾磨破个口子 不红不肿", interactive=False).red_flags}
    assert "foot.infected" not in flags


@pytest.mark.parametrize("text, level", [
    ("喉咙痛了一天 连口水都咽不下去 一直往外淌 说话嗡嗡的像捂着嘴", "emergency"),   # adult epiglottitis, no fever
    ("喉咙右边越来越疼 嘴巴张不太开 说话像含着个东西", "urgent"),                # quinsy
    ("后尾枕好似俾人打咗一棍咁痛 佢话系人生最痛 条颈硬硬哋", "emergency"),       # thunderclap, Cantonese
    ("早上起来左耳朵突然啥也听不着了", "urgent"),                              # sudden hearing loss
    ("80岁 有房颤 俩钟头前开始肚子疼 疼得直哼哼 肚子软乎乎的", "emergency"),     # mesenteric ischaemia
    ("哎呀我糊涂了 氨氯地平吃了两回 现在人没啥不舒服", "self_care"),             # self-reproach, not confusion
    ("没糖尿病 测着玩 血糖3.8 没啥不舒服", "self_care"),                        # no Whipple's triad
    ("没糖尿病 血糖3.6 出汗手抖", "urgent"),
])
def test_round_10_concepts(text, level):
    assert assess(text, interactive=False).level == level


# --- an older person's new confusion: delirium (same day) or emergency ------------------------------
_DELIRIUM = "我奶奶84 这两天有点糊涂 把我认成我妈 晚上闹 尿骚味大 尿得勤 体温37.8 能吃能走"


def test_an_older_persons_confusion_of_days_with_a_urine_infection_is_seen_the_same_day():
    # NICE CG103 delirium; consensus Ⅲ acute confusion; NICE NG253 NEWS2 (new confusion 3 + temperature 1 < 5)
    assert assess(_DELIRIUM, interactive=False).level == "urgent"


@pytest.mark.parametrize("danger", ["烧到39度6", "手脚冰凉 腿上发花", "喘得厉害", "右手拿不住筷子", "前天摔了一跤",
                                    "屋里烧着煤炉子", "心率120"])
def test_delirium_with_a_danger_sign_stays_an_emergency(danger):
    assert assess(_DELIRIUM + " " + danger, interactive=False).level == "emergency"


def test_confusion_begun_today_with_nothing_else_said_is_an_emergency():
    # a stroke is not excluded: "昨天还好好的" dates the onset to today, it is not a day of confusion
    assert assess("我奶奶84 今天突然不认人了 昨天还好好的", interactive=False).level == "emergency"
    assert assess("我奶奶84 糖尿病 这两天有点糊涂 尿骚味大", interactive=False).level == "emergency"


# --- a pause in breathing: a snorer's apnoea, or a baby's ---------------------------------------------
def test_a_pause_in_breathing_at_night_in_a_snorer_is_sleep_apnoea_but_in_a_baby_is_seen_at_once():
    assert assess("6岁 打鼾响 睡眠中呼吸暂停 白天嗜睡", interactive=False).level == "routine"
    assert assess("宝宝两个月 睡觉时呼吸暂停了一下", interactive=False).level == "emergency"   # AAP BRUE high risk
    assert assess("宝宝5个月 睡觉时呼吸暂停了几秒 自己缓过来了", interactive=False).level == "urgent"


# --- questions about a normal value, and minor illnesses at home ---------------------------------------
@pytest.mark.parametrize("text", ["快走了半小时回来脉搏88 正常不", "饭前测4.2 是不是低血糖了 我好怕"])
def test_a_normal_value_asked_about_alone_is_self_care(text):
    assert assess(text, interactive=False).level == "self_care"


@pytest.mark.parametrize("text", ["脉搏88 最近一个月瘦了八斤 手抖", "吃美托洛尔一年多了 脉搏五十七八"])
def test_a_normal_value_beside_a_complaint_or_a_medicine_is_not_self_care(text):
    assert assess(text, interactive=False).level != "self_care"


def test_a_low_sugar_treated_and_now_normal_is_same_day():
    assert assess("吃格列美脲的 刚才手抖出汗 一测2.9 吃了几块糖 现在5.6了", interactive=False).level == "urgent"


@pytest.mark.parametrize("text", [
    "我怀孕8周 这几天早上恶心 吐过一两次 吃饭喝水都能咽下去 肚子不疼 没见红",          # RCOG GTG 69: mild sickness
    "4岁女儿手足口病 前天烧到38度 今天烧退了 手心几个小红疹 精神好 照样爱笑爱玩",    # NICE CKS HFMD
    "下嘴唇里面长了个口腔溃疡 白的一圈红边 四天了 不发烧",                            # NICE CKS aphthous ulcer
])
def test_minor_illnesses_told_with_their_reassurances_are_self_care(text):
    assert assess(text, interactive=False).level == "self_care"


def test_a_painful_red_eye_with_halos_round_lights_is_acute_glaucoma():
    # NICE CKS glaucoma: suspected acute angle closure is referred immediately
    assert assess("66岁女 右眼胀痛发红 看灯有虹圈 头痛呕吐 视物模糊", interactive=False).level == "emergency"


@pytest.mark.parametrize("text", [
    "我婆婆有房颤 两个钟头前突然肚子痛 痛得在床上打滚 按她肚子又软软的",         # ESVS 2017 mesenteric ischaemia
    "阿拉老婆怀孕三十周 刚刚肚皮突然交关痛 硬邦邦的放勿松 下头有点出血",         # abruption (Wu speech)
    "她把这半年开的安眠药全攒在一个瓶子里 晚上把存折密码发给我了 最近老说活着拖累我们",  # suicide preparation
    "我幺爸遭马蜂叮了脑壳 回来就说头昏 浑身起坨坨 脸煞白",                          # anaphylaxis (South-west)
])
def test_emergencies_told_in_other_words_are_emergencies(text):
    assert assess(text, interactive=False).level == "emergency"


def test_headaches_weekly_or_more_often_are_reviewed():
    # NICE CG150: frequent headaches, medication overuse
    assert assess("头疼得勤 一个礼拜两三回 两边太阳穴发紧 吃去痛片能好", interactive=False).level == "routine"


@pytest.mark.parametrize("text", [
    "45岁男 腰突老毛病 这回疼了三天 今天屁股和大腿根内侧一圈发麻 上厕所尿不太出来",          # cauda equina (NICE NG59)
    "女儿16岁 下午吞了一整板对乙酰氨基酚 已经过了三个钟头 现在说没事",                      # paracetamol: TOXBASE
    "中午吃了山上捡的见手青 下午一家人都又吐又拉 奶奶说看见墙上有小人在跳舞",                # wild mushrooms
    "老婆顺产回家第五天 今天下面突然出血特别多 一个钟头湿透两片夜用 她说头晕想睡",          # postpartum haemorrhage
])
def test_emergencies_named_in_plain_words_are_emergencies(text):
    assert assess(text, interactive=False).level == "emergency"


@pytest.mark.parametrize("text, level", [
    ("22岁男 健身做了很多卧推 今天左胸一按就疼 深吸气也有点疼 不喘不出汗 网上查说可能是心梗", "self_care"),
    ("65岁 上周四爬山时胸口闷了一下 歇了两三分钟就好了 后来再没出现过", "routine"),          # NICE CG95: > 72 h
    ("儿子两岁了 只会叫爸爸妈妈 叫他名字有时候没反应", "routine"),                            # development review
    ("2月龄宝宝 喂奶后溢奶 非喷射 体重长得好", "self_care"),
])
def test_what_sounds_alarming_but_is_not_is_answered_at_its_level(text, level):
    assert assess(text, interactive=False).level == level


@pytest.mark.parametrize("text, level", [
    ("伢崽才七个礼拜 发烧38度5", "emergency"),                                       # NICE NG143: under 3 months
    ("宝宝出生七个星期了 发烧38度", "emergency"),                                   # an age, not a week of fever
    ("俺爸高血压 血压计上二百一十几 一百二十 突然背上像有把刀在往下划 遭不住", "emergency"),  # dissection
    ("产后第8天 血压162/108 头痛得厉害 眼前冒金星", "emergency"),                      # NICE NG133 postnatal
    ("72岁糖尿病 心口窝(胃那块)发堵 出冷汗", "emergency"),                             # an aside in brackets
    ("65岁 停经十几年了 这两天内裤上有点血", "routine"),                              # NICE NG12 postmenopausal
    ("右眼皮老跳 三天了 嘴不歪 说话清楚", "self_care"),                               # eyelid myokymia
    ("宝宝出生12天 黄疸都退了 吃奶好", "self_care"),                                   # jaundice told as over
    ("左边乳房摸到一个硬疙瘩 推着不怎么动 45岁", "routine"),                          # a lump's mobility, no fetus
])
def test_words_read_in_their_place(text, level):
    assert assess(text, interactive=False).level == level


@pytest.mark.parametrize("text, level", [
    ("宝宝刚满四十天 发烧38度", "emergency"),                                   # NICE NG143: an age told as 刚满
    ("宝宝刚满月，发烧38.5", "emergency"),
    ("以前有肾结石 右腰绞痛 发冷打摆子 烧到39度4 尿很少", "emergency"),            # EAU: infected obstructed kidney
    ("下午挂了头孢，一站起来就要倒", "emergency"),                               # WAO 2020: collapse after a drug
    ("嗓子眼像有东西堵着 刚打了头孢", "emergency"),
    ("最近老想着要是睡过去不醒就好了 啥都提不起劲", "urgent"),                     # C-SSRS: a wish said as a wish
    ("药我都攒够了 今晚就不拖累家里了", "emergency"),
    ("我爸咳嗽发烧 他78了 喘", "urgent"),
    ("晒伤了 洗澡疼死了😭就几个小水泡", "self_care"),                              # an emoji ends a clause
    ("腰痛窜左腿 两周了", "routine"),                                             # NICE NG59 sciatica
])
def test_held_out_v9_findings_fixed_by_concept(text, level):
    assert assess(text, interactive=False).level == level
