"""The custom menu as data, and the Chinese copy (advice for acute values, plain comments)."""
from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from app.wechat import texts
from app.wechat.dialogue import COMMAND_WORDS, Command
from app.wechat.menu import MENU, menu_json, typed_word, validate_menu
from ml.clinical import DEFAULT_HOME_TARGET, DIABETES_CKD_HOME_TARGET


# --- menu --------------------------------------------------------------------------------------
def test_menu_is_valid_for_wechat():
    assert validate_menu(MENU) == []


def test_every_command_is_reachable_from_the_menu():
    keys = {sub["key"] for button in MENU["button"] for sub in button.get("sub_button", [button]) if sub.get("type") == "click"}
    assert keys == {c.value for c in Command}


def test_every_command_can_also_be_typed():
    for command in Command:
        assert COMMAND_WORDS[typed_word(command)] is command


@pytest.mark.parametrize(
    "mutate, problem",
    [(lambda m: m["button"].append({"name": "多余", "type": "click", "key": "HELP"}), "top-level buttons"),
     (lambda m: m["button"][0].update(name="一个很长很长的名字"), "top-level name"),
     (lambda m: m["button"][0]["sub_button"].extend([{"type": "click", "name": "x", "key": "HELP"}] * 3), "sub-buttons"),
     (lambda m: m["button"][0]["sub_button"][0].update(key="UNKNOWN_KEY"), "not a dialogue command"),
     (lambda m: m["button"][0]["sub_button"][0].update(key=""), "click key"),
     (lambda m: m["button"][0]["sub_button"][0].update(name=""), "sub-button name"),
     (lambda m: m["button"][1]["sub_button"].append({"type": "view", "name": "网页", "url": "ftp://x"}), "http(s) url")],
)
def test_validate_menu_catches_limit_breaks(mutate, problem):
    menu = copy.deepcopy(MENU)
    mutate(menu)
    assert any(problem in p for p in validate_menu(menu))


def test_menu_json_keeps_chinese_unescaped():
    raw = menu_json()
    assert "记录血压" in raw and "\\u" not in raw
    assert json.loads(raw) == MENU


# --- reading replies -----------------------------------------------------------------------------
def test_bp_above_target_gets_the_plain_comment():
    reply = texts.bp_reading_reply(150, 95, 80, DEFAULT_HOME_TARGET)
    assert reply.splitlines() == ["已记录：", "血压 150/95", "心率 80", "您的目标：低于 135/85",
                                  "比目标高一些，请按时吃药，明早再量一次。"]


def test_bp_at_target_is_praised():
    assert "很好" in texts.bp_comment(120, 78, DEFAULT_HOME_TARGET)
    assert "比目标高" in texts.bp_comment(132, 78, DIABETES_CKD_HOME_TARGET)


@pytest.mark.parametrize("s, d", [(180, 100), (150, 110), (200, 120)])
def test_acute_bp_gets_remeasure_and_120_advice(s, d):
    comment = texts.bp_comment(s, d, DEFAULT_HOME_TARGET)
    assert "请休息5分钟后复测" in comment
    assert "如有胸痛、说话不清" in comment and "拨打120" in comment


def test_emergency_bp_says_call_120_now():
    assert "立即拨打120" in texts.bp_comment(190, 115, DEFAULT_HOME_TARGET, emergency=True)


def test_low_bp_advice():
    assert "偏低" in texts.bp_comment(85, 55, DEFAULT_HOME_TARGET)


@pytest.mark.parametrize("value", [2.5, 2.9])
def test_level_two_hypoglycaemia_advice(value):
    comment = texts.glucose_comment(value, "random")
    assert "立即吃15克糖（约3块方糖或半杯果汁），15分钟后再测" in comment and "120" in comment


def test_level_one_hypoglycaemia_advice():
    comment = texts.glucose_comment(3.5, "fasting")
    assert "立即吃15克糖" in comment and "偏低" in comment


def test_meter_lo_is_treated_as_severe_hypoglycaemia():
    assert "立即吃15克糖" in texts.glucose_comment(None, "random", flag="LO")
    assert "HI" in texts.glucose_reading_reply(None, "random", flag="HI")


def test_very_high_glucose_advice():
    comment = texts.glucose_comment(18.0, "random")
    assert "很高" in comment and "120" in comment


@pytest.mark.parametrize(
    "value, context, expected",
    [(7.8, "fasting", "比目标高"), (6.1, "fasting", "很好"), (4.2, "fasting", "低了一点"), (11.2, "postprandial", "比目标高"),
     (8.5, "postprandial", "很好"), (9.9, "bedtime", "很好")],
)
def test_glucose_comments_follow_the_targets(value, context, expected):
    assert expected in texts.glucose_comment(value, context)


def test_glucose_reply_shows_value_context_and_target():
    reply = texts.glucose_reading_reply(7.8, "fasting")
    assert reply.splitlines()[:3] == ["已记录：", "血糖（空腹） 7.8 mmol/L", "您的目标：空腹 4.4 - 7"]


def test_reading_reply_without_target():
    assert texts.reading_reply("血压 120/80", None, "好") == "已记录：\n血压 120/80\n好"


@pytest.mark.parametrize("value, shown", [(7.0, "7"), (7.8, "7.8"), (150, "150"), (None, "—"), (11.25, "11.2")])
def test_fmt(value, shown):
    assert texts.fmt(value) == shown


# --- other result renderers ----------------------------------------------------------------------
def test_my_doctor_lists_team_and_village_doctor_phone():
    reply = texts.my_doctor("城关镇第一团队", [("县医院医生", "王明"), ("乡镇医生", "李华"), ("村医", "赵强")], "13800000000")
    assert "城关镇第一团队" in reply and "村医：赵强" in reply and "13800000000" in reply


@pytest.mark.parametrize("ends_on, hint", [(date(2027, 6, 1), None), (date(2026, 12, 10), "还有17天到期"),
                                           (date(2026, 11, 1), "已经到期")])
def test_my_contract_mentions_renewal_near_expiry(ends_on, hint):
    reply = texts.my_contract("第一团队", ["基础包", "高血压包"], ends_on, today=date(2026, 11, 23))
    assert "基础包、高血压包" in reply
    assert (hint in reply) if hint else ("续约" not in reply)


def test_recent_bp_compares_the_mean_with_the_target():
    reply = texts.recent_bp(9, 142.4, 88.6, DEFAULT_HOME_TARGET)
    assert "9次" in reply and "142/89" in reply and "比目标高" in reply
    assert texts.recent_bp(0, None, None, DEFAULT_HOME_TARGET) == texts.no_recent_bp()


@pytest.mark.parametrize("level, words", [("emergency", "120"), ("urgent", "今天"), ("routine", "这几天"), ("self_care", "在家"),
                                          (None, "请联系您的家庭医生")])
def test_triage_result_in_plain_words(level, words):
    assert words in texts.triage_result(level)


def test_reminders_set_lists_the_times():
    assert texts.reminders_set(["08:00", "20:00"]).splitlines()[1:] == ["08:00", "20:00"]


# --- style ------------------------------------------------------------------------------------
def _all_copy() -> list[str]:
    return [
        texts.welcome(), texts.welcome(bound=True, consent=True), texts.help_text(), texts.help_text(bound=False),
        texts.ask_name(), texts.ask_secret(), texts.bad_secret(), texts.binding_failed(3), texts.binding_locked(30),
        texts.privacy_notice("https://x", "v1"), texts.consent_required("https://x"), texts.consent_withdrawn(),
        texts.ask_bp(), texts.ask_glucose(), texts.ask_glucose_context(7.8), texts.confirm_glucose_unit(140, 7.8),
        texts.ask_which_reading(150), texts.remeasure(), texts.bp_reading_reply(150, 95, None, DEFAULT_HOME_TARGET),
        texts.glucose_reading_reply(2.5, None), texts.ask_symptoms(), texts.ask_reminder_times(), texts.service_busy(),
        texts.bp_comment(185, 112, DEFAULT_HOME_TARGET), texts.glucose_comment(18.0, "random"),
    ]


@pytest.mark.parametrize("jargon", ["收缩压", "舒张压", "mmHg", "SBP", "DBP", "低血糖症", "餐后2h", "依从性"])
def test_copy_avoids_jargon(jargon):
    assert not any(jargon in text for text in _all_copy())


def test_copy_uses_short_lines():
    long_lines = [line for text in _all_copy() for line in text.splitlines()
                  if len(line) > 40 and not line.startswith("http")]
    assert long_lines == []


def test_join_skips_empty_parts():
    assert texts.join(["a", "", "b"]) == "a\n\nb"
