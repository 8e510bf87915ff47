"""The pure dialogue: binding, consent gating, lock, guided readings, triage hand-off, commands, events."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from app.wechat import dialogue, texts
from app.wechat.dialogue import (
    AttemptBinding,
    Command,
    Context,
    RecordBp,
    RecordConsent,
    RecordGlucose,
    SetReminderTimes,
    ShowMyContract,
    ShowMyDoctor,
    ShowRecentBp,
    StartTriage,
    State,
    Subscribed,
    Unsubscribe,
    UserInput,
    WithdrawConsent,
    after_binding,
    after_triage,
    step,
)
from app.wechat.transport import parse_inbound, parse_xml

NOW = datetime(2026, 11, 23, 8, 0)
UNBOUND = Context(now=NOW, privacy_url="https://jiayi.example.cn/privacy", consent_version="2026-01")
NO_CONSENT = Context(now=NOW, is_bound=True, display_name="张*英", privacy_url="https://jiayi.example.cn/privacy",
                     consent_version="2026-01")
READY = Context(now=NOW, is_bound=True, has_consent=True, display_name="张*英", consent_version="2026-01")


def say(text: str, state: State = State(), ctx: Context = READY) -> dialogue.Turn:
    return step(state, UserInput(text), ctx)


def event(name: str, key: str = "", state: State = State(), ctx: Context = READY) -> dialogue.Turn:
    return step(state, UserInput(msg_type="event", event=name, event_key=key), ctx)


def talk(messages: list[str], ctx: Context = READY, state: State = State()) -> list[dialogue.Turn]:
    turns = []
    for message in messages:
        turn = say(message, state, ctx)
        turns.append(turn)
        state = turn.next_state
    return turns


# --- subscribe / unsubscribe ---------------------------------------------------------------------
def test_subscribe_welcomes_and_starts_binding_for_a_new_user():
    turn = event("subscribe", ctx=UNBOUND)
    assert turn.replies == [texts.welcome()]
    assert "姓名" in turn.text
    assert turn.next_state.mode == dialogue.BINDING_NAME
    assert turn.actions == [Subscribed()]


def test_subscribe_of_a_bound_user_without_consent_shows_the_privacy_notice():
    turn = event("subscribe", ctx=NO_CONSENT)
    assert turn.next_state.mode == dialogue.AWAITING_CONSENT
    assert "https://jiayi.example.cn/privacy" in turn.text


def test_resubscribe_of_a_ready_user_welcomes_back():
    turn = event("subscribe")
    assert "欢迎回来" in turn.text and turn.next_state == State() and turn.actions == [Subscribed()]


@pytest.mark.parametrize("ctx", [UNBOUND, NO_CONSENT, READY])
def test_unsubscribe_stops_pushes_and_says_nothing(ctx):
    turn = event("unsubscribe", state=State(mode=dialogue.GUIDED_BP), ctx=ctx)
    assert turn.replies == [] and turn.actions == [Unsubscribe()] and turn.next_state == State()


@pytest.mark.parametrize("name", ["view", "location", "templatesendjobfinish", "scan", "subscribe_msg_popup_event"])
def test_other_events_are_silent_and_keep_the_state(name):
    state = State(mode=dialogue.GUIDED_GLUCOSE)
    turn = event(name, state=state)
    assert turn.replies == [] and turn.actions == [] and turn.next_state == state


def test_step_accepts_a_transport_inbound():
    inbound = parse_inbound(parse_xml(
        "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>voice</MsgType><Recognition>血压一百五十，九十五。</Recognition><MsgId>5</MsgId></xml>".encode()))
    turn = step(State(), inbound, READY)
    assert turn.actions == [RecordBp(150, 95)]


# --- binding -----------------------------------------------------------------------------------
def test_binding_collects_name_then_secret_and_attempts_binding():
    turns = talk(["绑定", "张秀英", "12345x"], ctx=UNBOUND)
    assert turns[0].next_state.mode == dialogue.BINDING_NAME
    assert turns[1].next_state.mode == dialogue.BINDING_SECRET and turns[1].replies == [texts.ask_secret()]
    assert turns[2].actions == [AttemptBinding("张秀英", "12345X")]


@pytest.mark.parametrize("secret, normalised", [("123456", "123456"), ("12345X", "12345X"), ("１２３４５ｘ", "12345X"),
                                                ("138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678")])
def test_secret_accepts_id_last_six_or_a_phone_number(secret, normalised):
    turn = say(secret, State(mode=dialogue.BINDING_SECRET, name="张秀英"), UNBOUND)
    assert turn.actions == [AttemptBinding("张秀英", normalised)]


@pytest.mark.parametrize("secret", ["12345", "1234567", "abcdef", "23812345678", "X12345", "血压150/95"])
def test_malformed_secret_is_asked_again_without_a_binding_attempt(secret):
    turn = say(secret, State(mode=dialogue.BINDING_SECRET, name="张秀英"), UNBOUND)
    assert turn.actions == [] and turn.replies == [texts.bad_secret()]
    assert turn.next_state.mode == dialogue.BINDING_SECRET and turn.next_state.attempts == 1


@pytest.mark.parametrize("name, cleaned", [("张秀英", "张秀英"), ("我叫王建国", "王建国"), ("阿依古丽·买买提", "阿依古丽·买买提"),
                                           ("李四。", "李四"), ("Tom Lee", "Tom Lee")])
def test_names_are_cleaned(name, cleaned):
    assert dialogue.clean_name(name) == cleaned


@pytest.mark.parametrize("name", ["张", "150/95", "张3", "记录血压", "绑定", "", "a"])
def test_implausible_names_are_refused(name):
    assert dialogue.clean_name(name) is None


def test_three_bad_answers_end_the_binding_flow():
    turns = talk(["绑定", "123", "456", "789"], ctx=UNBOUND)
    assert turns[-1].replies == [texts.too_many_tries()] and turns[-1].next_state == State()


def test_unbound_user_writing_anything_is_asked_to_bind_and_nothing_is_recorded():
    turn = say("血压150/95", ctx=UNBOUND)
    assert turn.actions == []
    assert turn.next_state.mode == dialogue.BINDING_NAME
    assert texts.ask_name() in turn.replies


def test_binding_success_leads_to_the_privacy_notice():
    turn = after_binding(NO_CONSENT, ok=True)
    assert turn.replies[0] == texts.binding_ok("张*英")
    assert "https://jiayi.example.cn/privacy" in turn.text and "2026-01" in turn.text
    assert turn.next_state.mode == dialogue.AWAITING_CONSENT


def test_binding_success_for_a_resident_who_already_consented_goes_straight_to_help():
    turn = after_binding(READY, ok=True)
    assert turn.next_state == State() and texts.help_text() in turn.replies


def test_binding_failure_says_how_many_tries_are_left_and_starts_over():
    turn = after_binding(UNBOUND, ok=False, attempts_left=3)
    assert "3次" in turn.text and turn.next_state.mode == dialogue.BINDING_NAME


def test_fifth_failure_that_locks_shows_the_lock():
    locked = Context(now=NOW, binding_locked_until=NOW + timedelta(minutes=30))
    turn = after_binding(locked, ok=False, attempts_left=0)
    assert turn.replies == [texts.binding_locked(30)] and turn.next_state == State()


@pytest.mark.parametrize("state", [State(), State(mode=dialogue.BINDING_NAME), State(mode=dialogue.BINDING_SECRET, name="张秀英")])
def test_locked_binding_refuses_every_step(state):
    locked = Context(now=NOW, binding_locked_until=NOW + timedelta(minutes=12, seconds=1))
    turn = say("123456", state, locked)
    assert turn.actions == [] and turn.replies == [texts.binding_locked(13)]
    assert turn.next_state == State()


def test_an_expired_lock_lets_binding_continue():
    expired = Context(now=NOW, binding_locked_until=NOW - timedelta(seconds=1))
    turn = say("123456", State(mode=dialogue.BINDING_SECRET, name="张秀英"), expired)
    assert turn.actions == [AttemptBinding("张秀英", "123456")]


def test_help_while_unbound_explains_binding():
    turn = say("帮助", ctx=UNBOUND)
    assert turn.replies == [texts.help_text(bound=False)] and turn.actions == []


# --- consent gating ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["血压150/95", "血糖7.8", "我今天头疼", "记录血压", "我的医生", "最近血压", "8:00 20:00"])
def test_nothing_is_processed_before_consent(text):
    turn = say(text, State(mode=dialogue.AWAITING_CONSENT), NO_CONSENT)
    assert turn.actions == []
    assert turn.next_state.mode == dialogue.AWAITING_CONSENT
    assert "同意" in turn.text and "120" in turn.text  # safety line even without consent


@pytest.mark.parametrize("key", [c.value for c in Command])
def test_menu_clicks_before_consent_show_the_notice(key):
    turn = event("click", key, ctx=NO_CONSENT)
    assert turn.actions == [] and turn.next_state.mode == dialogue.AWAITING_CONSENT


@pytest.mark.parametrize("word", ["同意", "我同意", "同意。", "同意！", " 同意 "])
def test_explicit_consent_is_recorded_with_its_version(word):
    turn = say(word, State(mode=dialogue.AWAITING_CONSENT), NO_CONSENT)
    assert turn.actions == [RecordConsent("2026-01")] and turn.next_state == State()


@pytest.mark.parametrize("word", ["好的", "嗯", "ok", "可以"])
def test_anything_but_agree_is_not_consent(word):
    assert say(word, State(mode=dialogue.AWAITING_CONSENT), NO_CONSENT).actions == []


def test_declining_consent_is_respected():
    turn = say("不同意", State(mode=dialogue.AWAITING_CONSENT), NO_CONSENT)
    assert turn.actions == [] and turn.replies == [texts.consent_declined()] and turn.next_state == State()


@pytest.mark.parametrize("state", [State(), State(mode=dialogue.TRIAGE, triage_text="头疼"), State(mode=dialogue.GUIDED_BP)])
def test_withdrawing_consent_works_from_any_mode(state):
    turn = say("取消授权", state)
    assert turn.actions == [WithdrawConsent()] and turn.next_state == State()
    assert turn.replies == [texts.consent_withdrawn()]


def test_withdrawing_without_consent_does_nothing():
    turn = say("取消授权", ctx=NO_CONSENT)
    assert turn.actions == [] and turn.replies == [texts.nothing_to_withdraw()]


# --- readings by free text --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, action",
    [("血压 150/95 心率 80", RecordBp(150, 95, 80)), ("高压150低压95", RecordBp(150, 95)), ("150/95", RecordBp(150, 95)),
     ("150 95 80", RecordBp(150, 95, 80)), ("血压一百五十，九十五", RecordBp(150, 95)), ("１５０／９５", RecordBp(150, 95)),
     ("血糖 7.8 空腹", RecordGlucose(7.8, "fasting")), ("餐后两小时血糖11.2", RecordGlucose(11.2, "postprandial")),
     ("睡前血糖6.9", RecordGlucose(6.9, "bedtime")), ("血糖3.2", RecordGlucose(3.2, "random")),
     ("血糖2.5", RecordGlucose(2.5, "random")), ("血糖18.3", RecordGlucose(18.3, "random")),
     ("血糖显示LO", RecordGlucose(None, "random", "LO"))],
)
def test_complete_readings_are_recorded_at_once(text, action):
    turn = say(text)
    assert turn.actions == [action] and turn.next_state == State()
    assert turn.replies == []  # the shell replies with the service result


def test_glucose_without_context_asks_when_it_was_measured():
    first = say("血糖七点八")
    assert first.actions == [] and first.next_state.mode == dialogue.GLUCOSE_CONTEXT
    assert first.replies == [texts.ask_glucose_context(7.8)]
    second = say("饭后", first.next_state)
    assert second.actions == [RecordGlucose(7.8, "postprandial")]


def test_unclear_context_answer_is_asked_again_then_dropped():
    turns = talk(["血糖6.5", "嗯", "啊", "哦"])
    assert [t.actions for t in turns] == [[], [], [], []]
    assert turns[-1].next_state == State()


def test_mgdl_looking_glucose_is_confirmed_with_the_converted_value():
    first = say("血糖140")
    assert first.actions == [] and first.next_state.mode == dialogue.CONFIRM_GLUCOSE_UNIT
    assert "7.8" in first.text and "140" in first.text
    second = say("是", first.next_state)
    assert second.next_state.mode == dialogue.GLUCOSE_CONTEXT
    third = say("空腹", second.next_state)
    assert third.actions == [RecordGlucose(7.8, "fasting")]


def test_confirmed_mgdl_with_context_records_directly():
    first = say("空腹血糖126")
    second = say("对", first.next_state)
    assert second.actions == [RecordGlucose(7.0, "fasting")]


def test_rejected_unit_guess_asks_for_the_value_again():
    first = say("血糖140")
    second = say("不是", first.next_state)
    assert second.actions == [] and second.next_state.mode == dialogue.GUIDED_GLUCOSE
    third = say("7.8 空腹", second.next_state)
    assert third.actions == [RecordGlucose(7.8, "fasting")]


@pytest.mark.parametrize("text", ["血压320/200", "血压310/95", "血压150/95 心率300"])
def test_implausible_bp_asks_to_remeasure_and_stores_nothing(text):
    turn = say(text)
    assert turn.actions == [] and turn.replies == [texts.remeasure()] and turn.next_state.mode == dialogue.GUIDED_BP


@pytest.mark.parametrize("text, meant", [("血压90/150", (150, 90)), ("血压35/85", (135, 85))])
def test_a_likely_bp_typo_is_asked_about_and_stored_only_as_meant(text, meant):
    first = say(text)
    assert first.actions == [] and first.next_state.mode == dialogue.CONFIRM_BP_ENTRY
    assert first.replies == [texts.did_you_mean(f"{meant[0]}/{meant[1]}")]
    assert "您是不是想输入" in first.text
    assert say("是", first.next_state).actions == [RecordBp(*meant)]
    declined = say("不是", first.next_state)
    assert declined.actions == [] and declined.next_state.mode == dialogue.GUIDED_BP


def test_implausible_glucose_asks_to_remeasure():
    turn = say("血糖0.5")
    assert turn.actions == [] and "再量一次" in turn.text


def test_a_glucose_missing_its_decimal_point_is_asked_about():
    first = say("血糖40mmol/L")
    assert first.actions == [] and "您是不是想输入 4.0？" in first.text
    assert say("是", first.next_state).next_state.mode == dialogue.GLUCOSE_CONTEXT


def test_lone_number_asks_which_reading_and_keeps_the_number():
    first = say("150")
    assert first.replies == [texts.ask_which_reading(150)] and first.next_state.number == 150
    as_bp = say("血压", first.next_state)
    assert as_bp.replies == [texts.ask_diastolic(150)]
    assert say("95", as_bp.next_state).actions == [RecordBp(150, 95)]
    as_glucose = say("血糖", first.next_state)
    assert as_glucose.next_state.mode == dialogue.CONFIRM_GLUCOSE_UNIT


def test_which_reading_accepts_a_fresh_full_reading():
    first = say("150")
    assert say("150/95", first.next_state).actions == [RecordBp(150, 95)]


def test_two_readings_in_one_message_are_both_recorded():
    turn = say("血压150/95 空腹血糖7.2")
    assert turn.actions == [RecordBp(150, 95), RecordGlucose(7.2, "fasting")]


def test_two_bp_readings_in_a_row_are_both_recorded():
    assert say("150/95 145/90").actions == [RecordBp(150, 95), RecordBp(145, 90)]


def test_several_unclear_readings_ask_for_one_at_a_time():
    turn = say("血糖7.8 8.2")
    assert turn.actions == [] and turn.replies == [texts.one_at_a_time()]


@pytest.mark.parametrize("text", ["血压药吃完了", "你好啊朋友", "谢谢", "明天去医院", "哈哈"])
def test_anything_else_gets_help(text):
    turn = say(text)
    assert turn.actions == [] and texts.help_text() in turn.text


# --- guided readings ---------------------------------------------------------------------------------
def test_guided_bp_asks_then_records():
    first = say("记录血压")
    assert first.replies == [texts.ask_bp()] and first.next_state.mode == dialogue.GUIDED_BP
    second = say("150/95", first.next_state)
    assert second.actions == [RecordBp(150, 95)] and second.next_state == State()


def test_guided_bp_collects_the_two_numbers_one_by_one():
    turns = talk(["记录血压", "150", "95"])
    assert turns[1].replies == [texts.ask_diastolic(150)]
    assert turns[2].actions == [RecordBp(150, 95)]


def test_guided_bp_low_first_then_high():
    turns = talk(["低压95", "一百五十"])
    assert turns[0].replies == [texts.ask_systolic(95)]
    assert turns[1].actions == [RecordBp(150, 95)]


def test_guided_bp_reasks_and_gives_up_after_three_misses():
    turns = talk(["记录血压", "不知道", "忘了", "啊"])
    assert turns[1].replies == [texts.ask_bp()] and turns[1].next_state.attempts == 1
    assert turns[-1].replies == [texts.too_many_tries()] and turns[-1].next_state == State()


def test_command_with_arguments_records_directly():
    assert say("记录血压 150/95").actions == [RecordBp(150, 95)]
    assert say("记录血糖 空腹6.1").actions == [RecordGlucose(6.1, "fasting")]


def test_guided_glucose_takes_a_bare_decimal():
    turns = talk(["记录血糖", "6.1", "空腹"])
    assert turns[0].replies == [texts.ask_glucose()]
    assert turns[2].actions == [RecordGlucose(6.1, "fasting")]


def test_cancel_leaves_a_guided_flow():
    first = say("记录血压")
    turn = say("取消", first.next_state)
    assert turn.replies == [texts.cancelled()] and turn.next_state == State() and turn.actions == []


# --- triage hand-off -------------------------------------------------------------------------------
def test_symptom_text_starts_triage():
    turn = say("我今天头疼")
    assert turn.actions == [StartTriage("我今天头疼")]
    assert turn.next_state.mode == dialogue.TRIAGE and turn.next_state.triage_text == "我今天头疼"


def test_half_a_reading_with_a_complaint_goes_to_triage_first():
    turn = say("血压一百八 头疼")
    assert turn.actions == [StartTriage("血压一百八 头疼")]


def test_a_full_reading_with_a_complaint_is_recorded_with_symptoms_and_triaged():
    turn = say("血压185/115 头疼")
    assert turn.actions == [RecordBp(185, 115, None, ("头疼",)), StartTriage("血压185/115 头疼")]
    assert turn.next_state.mode == dialogue.TRIAGE


def test_negated_symptom_does_not_start_triage():
    assert say("血压140/90 没有头疼").actions == [RecordBp(140, 90)]


def test_symptom_check_command_asks_for_the_complaint_first():
    first = say("症状自查")
    assert first.replies == [texts.ask_symptoms()] and first.actions == []
    second = say("胸口疼", first.next_state)
    assert second.actions == [StartTriage("胸口疼")]


def test_triage_answers_accumulate_until_the_service_concludes():
    state = say("头晕").next_state
    state = after_triage(state, question_key="vomiting")
    turn = say("没有", state)
    assert turn.actions == [StartTriage("头晕", (("vomiting", "没有"),), 1)]
    state = after_triage(turn.next_state, question_key="weakness")
    turn = say("左手没劲", state)
    assert turn.actions == [StartTriage("头晕", (("vomiting", "没有"), ("weakness", "左手没劲")), 2)]
    assert after_triage(turn.next_state, question_key=None) == State()


def test_triage_must_conclude_after_the_question_limit():
    state = State(mode=dialogue.TRIAGE, triage_text="头晕", asked=dialogue.MAX_TRIAGE_QUESTIONS - 1, triage_question="q")
    action = say("有", state).actions[0]
    assert isinstance(action, StartTriage) and action.must_conclude


def test_triage_without_a_pending_question_reads_text_afresh():
    state = State(mode=dialogue.TRIAGE, triage_text="头晕")
    assert say("150/95", state).actions == [RecordBp(150, 95)]


def test_a_command_interrupts_triage():
    state = State(mode=dialogue.TRIAGE, triage_text="头晕", triage_question="q")
    assert say("我的医生", state).actions == [ShowMyDoctor()]


# --- commands and menu clicks ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, action",
    [("我的医生", ShowMyDoctor()), ("我的签约", ShowMyContract()), ("最近血压", ShowRecentBp()), ("续约", ShowMyContract()),
     ("村医电话", ShowMyDoctor()), ("最近血压。", ShowRecentBp())],
)
def test_show_commands(text, action):
    turn = say(text)
    assert turn.actions == [action] and turn.replies == [] and turn.next_state == State()


@pytest.mark.parametrize("command", list(Command))
def test_menu_click_equals_the_typed_command(command):
    typed = next(word for word, cmd in dialogue.COMMAND_WORDS.items() if cmd is command)
    clicked = event("click", command.value, state=State(mode=dialogue.GUIDED_BP))
    assert clicked == say(typed, State(mode=dialogue.GUIDED_BP))


def test_unknown_click_key_shows_help():
    assert event("click", "SOMETHING_OLD").replies == [texts.help_text()]


def test_help_command():
    assert say("帮助").replies == [texts.help_text()]


# --- reminders ----------------------------------------------------------------------------------
def test_reminder_setup_flow():
    first = say("提醒设置")
    assert first.replies == [texts.ask_reminder_times()] and first.next_state.mode == dialogue.REMINDER_SETUP
    second = say("早上八点，晚上八点", first.next_state)
    assert second.actions == [SetReminderTimes(("08:00", "20:00"))]


def test_reminder_times_inline():
    assert say("提醒 8:00 20:00").actions == [SetReminderTimes(("08:00", "20:00"))]


def test_reminders_can_be_switched_off():
    state = State(mode=dialogue.REMINDER_SETUP)
    assert say("关闭提醒", state).actions == [SetReminderTimes(())]


def test_bad_reminder_times_are_asked_again():
    turn = say("随便", State(mode=dialogue.REMINDER_SETUP))
    assert turn.actions == [] and turn.replies == [texts.bad_times()]


# --- other message types -------------------------------------------------------------------------
def test_images_get_a_polite_text_only_answer():
    state = State(mode=dialogue.GUIDED_BP)
    turn = step(state, UserInput(msg_type="image"), READY)
    assert turn.replies == [texts.only_text_or_voice()] and turn.next_state == state


def test_voice_without_recognition_asks_again():
    turn = step(State(), UserInput("", msg_type="voice"), READY)
    assert turn.replies == [texts.voice_not_heard()]


def test_voice_recognition_is_read_like_text():
    turn = step(State(), UserInput("餐后两小时血糖十一点二。", msg_type="voice"), READY)
    assert turn.actions == [RecordGlucose(11.2, "postprandial")]


# --- state serialisation ---------------------------------------------------------------------------
def test_state_round_trips_through_json():
    state = State(mode=dialogue.TRIAGE, attempts=1, triage_text="头晕", triage_answers=(("q1", "没有"),),
                  triage_question="q2", asked=1, glucose=7.8, number=150.0)
    raw = state.to_json()
    assert json.loads(raw)["mode"] == "triage"
    assert State.from_json(raw) == state


@pytest.mark.parametrize("raw", [None, "", "not json", "[]", '{"mode": "hacked"}', '{"attempts": "x", "mode": 5}',
                                 '{"triage_answers": 5}'])
def test_corrupt_state_falls_back_to_idle(raw):
    assert State.from_json(raw) == State()


def test_unknown_state_keys_are_ignored():
    assert State.from_json('{"mode": "guided_bp", "old_field": 1}') == State(mode=dialogue.GUIDED_BP)


def test_turn_text_joins_replies():
    assert dialogue.Turn(["a", "b"], State()).text == "a\n\nb"


def test_menu_words_carry_no_red_flag_so_the_bot_may_skip_their_red_flag_read():
    """The bot does not run triage's red-flag read on a message that is only a menu word (最近血压, 我的医生 …):
    triage must find no emergency or urgent red flag in any of them, for an older resident with conditions too."""
    from app.services.triage import Profile, assess

    elderly = Profile(age=82, sex="female", conditions=frozenset({"hypertension", "diabetes"}))
    assert dialogue.MENU_WORDS and not dialogue.MENU_WORDS & {"症状自查", "我不舒服", "看病"}
    for word in sorted(dialogue.MENU_WORDS):
        for profile in (None, elderly):
            result = assess(word, profile=profile, readings=None, interactive=False)
            assert not (result.level in ("emergency", "urgent") and result.red_flags), (word, result.level)
        assert dialogue.is_menu_word(f" {word}。") or word == "?"  # spaces and punctuation aside
    assert not dialogue.is_menu_word("最近血压 头很晕")
