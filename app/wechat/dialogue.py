"""The bot's conversation as a pure step function: state + input → replies, next state, actions.

No I/O: `bot.py` (the shell) loads the per-user State (JSON, with an expiry), builds a Context
from what services know, calls `step`, runs the actions through services, renders results
with texts.py and stores `next_state`. Two actions change the conversation depending on their
result; the shell then asks `after_binding` / `after_triage` for the follow-up Turn / State.

Gates, in order: events → unsupported types → cancel / 取消授权 / 帮助 → not bound (binding,
with the lock) → no consent (privacy notice; nothing is processed) → commands → the current
mode → free text (readings, symptoms → triage, else help).
"""
from __future__ import annotations

import dataclasses
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Union

from app.wechat import texts
from app.wechat.parsing import (
    Ambiguous,
    BpIntent,
    GlucoseIntent,
    MultiIntent,
    NotAReading,
    ReadingIntent,
    parse_glucose_context,
    parse_reading,
    parse_times,
)
from app.wechat.transport import Inbound
from ml import measurement
from ml.clinical import glucose_level

STATE_TTL_SECONDS = 30 * 60  # the shell stores State with this expiry; a stale flow restarts idle
MAX_REASKS = 3  # re-asks within one mode before giving up
MAX_TRIAGE_QUESTIONS = 5  # then the triage service must conclude

# --- modes --------------------------------------------------------------------------------------
IDLE = "idle"
BINDING_NAME = "binding_name"
BINDING_SECRET = "binding_secret"
AWAITING_CONSENT = "awaiting_consent"
GUIDED_BP = "guided_bp"
GUIDED_GLUCOSE = "guided_glucose"
GLUCOSE_CONTEXT = "glucose_context"
CONFIRM_GLUCOSE_UNIT = "confirm_glucose_unit"
CONFIRM_BP_ENTRY = "confirm_bp_entry"  # 您是不是想输入 135/85？ (a likely typo, ml.measurement.suggest_bp)
WHICH_READING = "which_reading"
TRIAGE = "triage"
REMINDER_SETUP = "reminder_setup"
MODES = frozenset({IDLE, BINDING_NAME, BINDING_SECRET, AWAITING_CONSENT, GUIDED_BP, GUIDED_GLUCOSE,
                   GLUCOSE_CONTEXT, CONFIRM_GLUCOSE_UNIT, CONFIRM_BP_ENTRY, WHICH_READING, TRIAGE, REMINDER_SETUP})


@dataclass(frozen=True)
class State:
    """Per-user conversation state; small and JSON-serialisable (to_json / from_json)."""

    mode: str = IDLE
    attempts: int = 0
    name: str = ""  # binding: the name given in step one
    systolic: int | None = None  # guided BP: the half already given
    diastolic: int | None = None
    pulse: int | None = None
    number: float | None = None  # which_reading: the lone number
    glucose: float | None = None  # glucose waiting for its context or unit confirmation (mmol/L)
    glucose_original: float | None = None
    context: str | None = None
    triage_text: str = ""
    triage_answers: tuple[tuple[str, str], ...] = ()
    triage_question: str = ""  # key of the question the triage service asked last
    asked: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Any) -> State:
        """Tolerant: unknown keys are dropped; anything unusable gives the idle state."""
        if not isinstance(data, dict):
            return cls()
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        try:
            values["triage_answers"] = tuple((str(q), str(a)) for q, a in values.get("triage_answers", ()))
            state = cls(**values)
        except (TypeError, ValueError):
            return cls()
        return state if state.mode in MODES else cls()

    @classmethod
    def from_json(cls, raw: str | bytes | None) -> State:
        if not raw:
            return cls()
        try:
            return cls.from_dict(json.loads(raw))
        except ValueError:
            return cls()


@dataclass(frozen=True)
class Context:
    """What the shell knows about the user when the message arrives."""

    now: datetime
    is_bound: bool = False
    has_consent: bool = False
    display_name: str = ""  # masked, e.g. 张*英
    consent_version: str = ""
    privacy_url: str = ""
    binding_locked_until: datetime | None = None

    @property
    def binding_locked(self) -> bool:
        return self.binding_locked_until is not None and self.binding_locked_until > self.now


@dataclass(frozen=True)
class UserInput:
    """A transport-free input (tests, the chat simulator); `step` also accepts an Inbound."""

    text: str = ""
    msg_type: str = "text"
    event: str = ""
    event_key: str = ""

    @classmethod
    def from_inbound(cls, inbound: Inbound) -> UserInput:
        return cls(inbound.text, inbound.msg_type, inbound.event, inbound.event_key)


# --- actions the shell carries out through services ----------------------------------------------
@dataclass(frozen=True)
class Subscribed:
    """The user followed (again): resume pushes."""


@dataclass(frozen=True)
class Unsubscribe:
    """The user unfollowed: stop every push (WeChat answers 43004 anyway)."""


@dataclass(frozen=True)
class AttemptBinding:
    """Match name + ID-card last 6 / phone against registered residents; then `after_binding`."""

    name: str
    secret: str


@dataclass(frozen=True)
class RecordConsent:
    version: str


@dataclass(frozen=True)
class WithdrawConsent:
    """Stop processing and pushes (PIPL: withdrawal as easy as consent)."""


@dataclass(frozen=True)
class RecordBp:
    systolic: int
    diastolic: int
    pulse: int | None = None
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordGlucose:
    value_mmol: float | None
    context: str
    flag: str | None = None  # "HI" / "LO" meter display, value None
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True)
class StartTriage:
    """Run the triage service on the complaint and the answers so far; then `after_triage`."""

    text: str
    answers: tuple[tuple[str, str], ...] = ()
    asked: int = 0
    must_conclude: bool = False


@dataclass(frozen=True)
class ShowMyDoctor:
    pass


@dataclass(frozen=True)
class ShowMyContract:
    pass


@dataclass(frozen=True)
class ShowRecentBp:
    pass


@dataclass(frozen=True)
class SetReminderTimes:
    times: tuple[str, ...]  # "HH:MM" local time; () switches reminders off


Action = Union[Subscribed, Unsubscribe, AttemptBinding, RecordConsent, WithdrawConsent, RecordBp,
               RecordGlucose, StartTriage, ShowMyDoctor, ShowMyContract, ShowRecentBp, SetReminderTimes]


@dataclass(frozen=True)
class Turn:
    replies: list[str]
    next_state: State
    actions: list[Action] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The replies as one passive reply."""
        return texts.join(self.replies)


# --- commands ----------------------------------------------------------------------------------
class Command(str, Enum):
    """Menu EventKeys and typed commands share these values (menu.py uses them as keys)."""

    RECORD_BP = "RECORD_BP"
    RECORD_GLUCOSE = "RECORD_GLUCOSE"
    RECENT_BP = "RECENT_BP"
    MY_DOCTOR = "MY_DOCTOR"
    MY_CONTRACT = "MY_CONTRACT"
    TRIAGE = "TRIAGE"
    REMINDERS = "REMINDERS"
    HELP = "HELP"


COMMAND_WORDS: dict[str, Command] = {
    **dict.fromkeys(["记录血压", "量血压", "测血压", "记血压", "录血压", "报血压"], Command.RECORD_BP),
    **dict.fromkeys(["记录血糖", "测血糖", "记血糖", "录血糖", "报血糖"], Command.RECORD_GLUCOSE),
    **dict.fromkeys(["最近血压", "血压记录", "历史血压", "我的血压", "查血压"], Command.RECENT_BP),
    **dict.fromkeys(["我的医生", "家庭医生", "我的家庭医生", "医生电话", "村医电话", "找医生"], Command.MY_DOCTOR),
    **dict.fromkeys(["我的签约", "签约", "签约信息", "续约", "我的合同"], Command.MY_CONTRACT),
    **dict.fromkeys(["症状自查", "自查", "我不舒服", "看病"], Command.TRIAGE),
    **dict.fromkeys(["提醒设置", "提醒", "吃药提醒", "设置提醒", "服药提醒"], Command.REMINDERS),
    **dict.fromkeys(["帮助", "菜单", "help", "?", "你好", "您好", "在吗", "功能"], Command.HELP),
}
_PREFIX_COMMANDS = (Command.RECORD_BP, Command.RECORD_GLUCOSE, Command.REMINDERS)
CANCEL_WORDS = frozenset({"取消", "退出", "算了", "返回", "结束", "不用了"})
WITHDRAW_WORDS = frozenset({"取消授权", "撤回授权", "撤销授权", "撤回同意", "取消同意"})
CONSENT_WORDS = frozenset({"同意", "我同意", "同意授权", "好的同意", "同意了"})
DECLINE_WORDS = frozenset({"不同意", "我不同意", "拒绝"})
BIND_WORDS = frozenset({"绑定", "我要绑定", "绑定身份", "身份绑定", "开始绑定"})
YES_WORDS = frozenset({"是", "是的", "对", "对的", "确认", "没错", "嗯", "好", "好的", "yes", "y", "ok"})
NO_WORDS = frozenset({"不是", "不对", "错了", "否", "no", "n"})
REMINDERS_OFF_WORDS = frozenset({"关闭提醒", "关闭", "不要提醒", "取消提醒", "不用提醒", "停止提醒"})

_PUNCT = re.compile(r"[\s。，,.!！?？~、；;：:\"'“”‘’()（）【】《》]+")


def _word(text: str) -> str:
    """Text reduced for command matching: NFKC, lower case, no spaces or punctuation."""
    normal = unicodedata.normalize("NFKC", text or "").lower()
    stripped = _PUNCT.sub("", normal)
    return stripped or normal.strip()


# Menu words that name no complaint: the whole message one of these is a menu button (or its typed word), which
# triage has nothing to read in (tests/wechat/test_dialogue.py reads every one through triage). Not 症状自查, 我不舒服,
# 看病 (Command.TRIAGE): those start the triage dialogue.
MENU_WORDS = frozenset(word for word, command in COMMAND_WORDS.items() if command is not Command.TRIAGE)


def is_menu_word(text: str) -> bool:
    """Whether the whole text is one of MENU_WORDS (spaces and punctuation aside)."""
    return _word(text) in MENU_WORDS


def match_command(text: str) -> tuple[Command | None, str]:
    """(command, rest): exact words, or a prefix for 记录血压 / 记录血糖 / 提醒 with arguments."""
    word = _word(text)
    if word in COMMAND_WORDS:
        return COMMAND_WORDS[word], ""
    normal = unicodedata.normalize("NFKC", text or "").strip()
    for phrase, command in _PREFIX_PHRASES:
        if normal.startswith(phrase) and len(normal) > len(phrase):
            return command, normal[len(phrase):].strip()
    return None, ""


# The words of the commands that take arguments, longest first (sorted once, not per message).
_PREFIX_PHRASES = tuple((phrase, command) for phrase, command in sorted(COMMAND_WORDS.items(), key=lambda kv: -len(kv[0]))
                        if command in _PREFIX_COMMANDS)


# --- the step function -------------------------------------------------------------------------
def step(state: State, inbound: Inbound | UserInput, ctx: Context) -> Turn:
    """One user input → replies, next state and actions. Pure."""
    msg = UserInput.from_inbound(inbound) if isinstance(inbound, Inbound) else inbound
    if msg.msg_type == "event":
        return _event(state, msg, ctx)
    if msg.msg_type not in ("text", "voice"):
        return Turn([texts.only_text_or_voice()], state)
    text = (msg.text or "").strip()
    if not text:
        return Turn([texts.voice_not_heard() if msg.msg_type == "voice" else texts.not_understood()], state)
    return _text(state, text, ctx)


def _event(state: State, msg: UserInput, ctx: Context) -> Turn:
    event = msg.event.lower()
    if event == "subscribe":
        if not ctx.is_bound:
            return Turn([texts.welcome()], State(mode=BINDING_NAME), [Subscribed()])
        if not ctx.has_consent:
            return Turn([texts.welcome(bound=True), texts.privacy_notice(ctx.privacy_url, ctx.consent_version)],
                        State(mode=AWAITING_CONSENT), [Subscribed()])
        return Turn([texts.welcome(bound=True, consent=True)], State(), [Subscribed()])
    if event == "unsubscribe":
        return Turn([], State(), [Unsubscribe()])
    if event == "click":
        try:
            command = Command(msg.event_key)
        except ValueError:
            command = Command.HELP
        return _gated(state, ctx, lambda: _command(command, "", ctx))
    return Turn([], state)  # view, scan, location, templatesendjobfinish…: nothing to say


def _text(state: State, text: str, ctx: Context) -> Turn:
    word = _word(text)
    if word in WITHDRAW_WORDS:
        if ctx.is_bound and ctx.has_consent:
            return Turn([texts.consent_withdrawn()], State(), [WithdrawConsent()])
        return Turn([texts.nothing_to_withdraw()], State())
    if word in CANCEL_WORDS:
        return Turn([texts.cancelled()], State())
    command, rest = match_command(text)
    if command is Command.HELP and not (ctx.is_bound and ctx.has_consent):
        return Turn([texts.help_text(bound=ctx.is_bound)], state)
    return _gated(state, ctx, lambda: _command(command, rest, ctx) if command else _by_mode(state, text, word, ctx),
                  text=text, word=word)


def _gated(state: State, ctx: Context, then, *, text: str = "", word: str = "") -> Turn:
    """Binding first, consent second; `then` runs only for a bound, consenting user."""
    if not ctx.is_bound:
        return _unbound(state, text, word, ctx)
    if not ctx.has_consent:
        return _consent(state, word, ctx)
    return then()


# --- binding and consent -----------------------------------------------------------------------
_NAME_RE = re.compile(r"^[\u4e00-\u9fff·•]{2,20}$|^[a-z][a-z .'-]{1,39}$", re.IGNORECASE)
_SECRET_RE = re.compile(r"^(\d{5}[\dX]|1\d{10})$")


def clean_name(text: str) -> str | None:
    """A plausible personal name (2-20 Chinese characters, or Latin letters), else None."""
    name = unicodedata.normalize("NFKC", text or "").strip(" 。.!！")
    name = re.sub(r"^(我叫|我是|姓名[:：]?|名字[:：]?)", "", name).strip()
    if name in COMMAND_WORDS or name in BIND_WORDS:
        return None
    return name if _NAME_RE.match(name) else None


def clean_secret(text: str) -> str | None:
    """ID-card last 6 (digits, last may be X) or an 11-digit mobile number, else None."""
    secret = re.sub(r"[\s\-—.。]", "", unicodedata.normalize("NFKC", text or "")).upper()
    return secret if _SECRET_RE.match(secret) else None


def _unbound(state: State, text: str, word: str, ctx: Context) -> Turn:
    if ctx.binding_locked:
        minutes = math.ceil((ctx.binding_locked_until - ctx.now).total_seconds() / 60)  # type: ignore[operator]
        return Turn([texts.binding_locked(minutes)], State())
    if state.mode == BINDING_NAME and text:
        name = clean_name(text)
        if name:
            return Turn([texts.ask_secret()], State(mode=BINDING_SECRET, name=name))
        return _reask(state, texts.bad_name())
    if state.mode == BINDING_SECRET and text:
        secret = clean_secret(text)
        if secret:
            # Result-dependent: the shell replaces this Turn with after_binding(...).
            return Turn([], State(), [AttemptBinding(state.name, secret)])
        return _reask(state, texts.bad_secret())
    prefix = [] if word in BIND_WORDS else [texts.help_text(bound=False).split("\n")[0]]
    return Turn(prefix + [texts.ask_name()], State(mode=BINDING_NAME))


def after_binding(ctx: Context, *, ok: bool, attempts_left: int | None = None) -> Turn:
    """The Turn after AttemptBinding ran; ctx reflects the service result (bound, name, lock)."""
    if ok:
        if ctx.has_consent:
            return Turn([texts.binding_ok(ctx.display_name), texts.help_text()], State())
        return Turn([texts.binding_ok(ctx.display_name), texts.privacy_notice(ctx.privacy_url, ctx.consent_version)],
                    State(mode=AWAITING_CONSENT))
    if ctx.binding_locked:
        minutes = math.ceil((ctx.binding_locked_until - ctx.now).total_seconds() / 60)  # type: ignore[operator]
        return Turn([texts.binding_locked(minutes)], State())
    return Turn([texts.binding_failed(attempts_left)], State(mode=BINDING_NAME))


def _consent(state: State, word: str, ctx: Context) -> Turn:
    if word in CONSENT_WORDS:
        return Turn([texts.consent_thanks(), texts.help_text()], State(), [RecordConsent(ctx.consent_version)])
    if word in DECLINE_WORDS:
        return Turn([texts.consent_declined()], State())
    if state.mode == AWAITING_CONSENT:
        return Turn([texts.consent_required(ctx.privacy_url)], state)
    return Turn([texts.privacy_notice(ctx.privacy_url, ctx.consent_version)], State(mode=AWAITING_CONSENT))


# --- commands and modes ------------------------------------------------------------------------
def _command(command: Command, rest: str, ctx: Context) -> Turn:
    if command is Command.RECORD_BP:
        if rest:
            return _handle_intent(parse_reading(rest, expect="bp"), State(mode=GUIDED_BP), rest)
        return Turn([texts.ask_bp()], State(mode=GUIDED_BP))
    if command is Command.RECORD_GLUCOSE:
        if rest:
            return _handle_intent(parse_reading(rest, expect="glucose"), State(mode=GUIDED_GLUCOSE), rest)
        return Turn([texts.ask_glucose()], State(mode=GUIDED_GLUCOSE))
    if command is Command.REMINDERS:
        times = parse_times(rest) if rest else None
        if times:
            return Turn([], State(), [SetReminderTimes(times)])
        return Turn([texts.ask_reminder_times()], State(mode=REMINDER_SETUP))
    if command is Command.TRIAGE:
        return Turn([texts.ask_symptoms()], State(mode=TRIAGE))
    simple = {Command.MY_DOCTOR: ShowMyDoctor(), Command.MY_CONTRACT: ShowMyContract(),
              Command.RECENT_BP: ShowRecentBp()}
    if command in simple:
        return Turn([], State(), [simple[command]])
    return Turn([texts.help_text()], State())


def _by_mode(state: State, text: str, word: str, ctx: Context) -> Turn:
    mode = state.mode
    if mode == GUIDED_BP:
        intent = parse_reading(text, expect="bp")
        if isinstance(intent, BpIntent) and not intent.complete and (state.systolic or state.diastolic):
            intent = _complete_bp(state, intent)
        return _handle_intent(intent, state, text)
    if mode == GUIDED_GLUCOSE:
        return _handle_intent(parse_reading(text, expect="glucose"), state, text)
    if mode == GLUCOSE_CONTEXT:
        context = parse_glucose_context(text)
        if context and state.glucose is not None:
            return Turn([], State(), [RecordGlucose(state.glucose, context)])
        intent = parse_reading(text, expect="glucose")
        if not isinstance(intent, NotAReading) or intent.symptoms:
            return _handle_intent(intent, State(mode=GUIDED_GLUCOSE), text)
        return _reask(state, texts.ask_glucose_context(state.glucose or 0))
    if mode == CONFIRM_GLUCOSE_UNIT:
        if word in YES_WORDS and state.glucose is not None:
            if state.context:
                return Turn([], State(), [RecordGlucose(state.glucose, state.context)])
            return Turn([texts.ask_glucose_context(state.glucose)], State(mode=GLUCOSE_CONTEXT, glucose=state.glucose))
        if word in NO_WORDS:
            return Turn([texts.ask_glucose()], State(mode=GUIDED_GLUCOSE))
        return _handle_intent(parse_reading(text, expect="glucose"), State(mode=GUIDED_GLUCOSE, attempts=state.attempts), text)
    if mode == CONFIRM_BP_ENTRY and state.systolic is not None and state.diastolic is not None:
        if word in YES_WORDS:  # the suggested value, through the same rules as any reading
            return Turn([], State(), [RecordBp(state.systolic, state.diastolic, state.pulse)])
        if word in NO_WORDS:  # nothing is stored: the typed value was implausible
            return Turn([texts.ask_bp()], State(mode=GUIDED_BP))
        return _handle_intent(parse_reading(text, expect="bp"), State(mode=GUIDED_BP, attempts=state.attempts), text)
    if mode == WHICH_READING and state.number is not None:
        if "血糖" in word or word == "糖":
            return _handle_intent(parse_reading(f"血糖{state.number}"), State(mode=GUIDED_GLUCOSE), text)
        if "血压" in word or "高压" in word:
            return _handle_intent(BpIntent(round(state.number), None), State(mode=GUIDED_BP), text)
        intent = parse_reading(text)
        if not isinstance(intent, NotAReading) or intent.symptoms:
            return _handle_intent(intent, State(), text)
        return _reask(state, texts.ask_which_reading(state.number))
    if mode == TRIAGE and not state.triage_text:
        return _start_triage(text)  # the complaint after 症状自查
    if mode == TRIAGE and state.triage_question:
        answers = state.triage_answers + ((state.triage_question, text),)
        asked = state.asked + 1
        action = StartTriage(state.triage_text, answers, asked, must_conclude=asked >= MAX_TRIAGE_QUESTIONS)
        return Turn([], dataclasses.replace(state, triage_answers=answers, asked=asked, triage_question=""), [action])
    if mode == REMINDER_SETUP:
        if word in REMINDERS_OFF_WORDS:
            return Turn([], State(), [SetReminderTimes(())])
        times = parse_times(text)
        if times:
            return Turn([], State(), [SetReminderTimes(times)])
        return _reask(state, texts.bad_times())
    return _free_text(text, word, ctx)


def _free_text(text: str, word: str, ctx: Context) -> Turn:
    if word in BIND_WORDS:
        return Turn([texts.already_bound(ctx.display_name)], State())
    if word in CONSENT_WORDS:
        return Turn([texts.help_text()], State())
    return _handle_intent(parse_reading(text), State(), text)


def _complete_bp(state: State, intent: BpIntent) -> BpIntent:
    """Guided BP: the second number completes the half already given."""
    given = intent.systolic if intent.systolic is not None else intent.diastolic
    if state.systolic is not None and state.diastolic is None:
        return BpIntent(state.systolic, given, intent.pulse or state.pulse, intent.symptoms)
    if state.diastolic is not None and state.systolic is None:
        return BpIntent(given, state.diastolic, intent.pulse or state.pulse, intent.symptoms)
    return intent


def _start_triage(text: str, actions: list[Action] | None = None) -> Turn:
    return Turn([], State(mode=TRIAGE, triage_text=text), [*(actions or []), StartTriage(text)])


def after_triage(state: State, *, question_key: str | None) -> State:
    """State after StartTriage ran: waiting for the answer to question_key, or idle when concluded."""
    if question_key is None:
        return State()
    return dataclasses.replace(state, mode=TRIAGE, triage_question=question_key)


def _reask(state: State, reply: str) -> Turn:
    attempts = state.attempts + 1
    if attempts >= MAX_REASKS:
        return Turn([texts.too_many_tries()], State())
    return Turn([reply], dataclasses.replace(state, attempts=attempts))


def _guided(state: State) -> bool:
    return state.mode in (GUIDED_BP, GUIDED_GLUCOSE, CONFIRM_GLUCOSE_UNIT, CONFIRM_BP_ENTRY, GLUCOSE_CONTEXT,
                          WHICH_READING)


def _handle_intent(intent: ReadingIntent, state: State, text: str) -> Turn:
    """Turn a parsed intent into a Turn; `state` is the mode we are in (for re-asks)."""
    if isinstance(intent, NotAReading):
        if intent.symptoms:
            return _start_triage(text)
        if _guided(state):
            return _reask(state, texts.ask_glucose() if state.mode == GUIDED_GLUCOSE else texts.ask_bp())
        return Turn([texts.not_understood()], State())
    if intent.symptoms and not (isinstance(intent, (BpIntent, GlucoseIntent)) and intent.complete):
        return _start_triage(text)  # a complaint with half a reading: triage first ("血压一百八 头疼")
    if isinstance(intent, Ambiguous):
        return Turn([texts.ask_which_reading(intent.number)], State(mode=WHICH_READING, number=intent.number))
    if isinstance(intent, MultiIntent):
        return _handle_multi(intent, text)
    if isinstance(intent, BpIntent):
        return _handle_bp(intent, state, text)
    return _handle_glucose(intent, state, text)


def _handle_bp(intent: BpIntent, state: State, text: str) -> Turn:
    if not intent.complete:
        if intent.systolic is not None:
            return Turn([texts.ask_diastolic(intent.systolic)], State(mode=GUIDED_BP, systolic=intent.systolic, pulse=intent.pulse))
        if intent.diastolic is not None:
            return Turn([texts.ask_systolic(intent.diastolic)], State(mode=GUIDED_BP, diastolic=intent.diastolic, pulse=intent.pulse))
        return _reask(State(mode=GUIDED_BP, attempts=state.attempts if state.mode == GUIDED_BP else 0), texts.ask_bp())
    if intent.problems():
        # A likely slip (swapped, an extra or a missing digit, kPa) is asked about, never stored as typed.
        guess = measurement.suggest_bp(intent.systolic, intent.diastolic)  # type: ignore[arg-type]
        if guess is not None and not intent.symptoms:
            systolic, diastolic = guess.value  # type: ignore[misc]
            return Turn([texts.did_you_mean(guess.text)],
                        State(mode=CONFIRM_BP_ENTRY, systolic=systolic, diastolic=diastolic, pulse=intent.pulse))
        attempts = state.attempts if state.mode == GUIDED_BP else 0
        return _reask(State(mode=GUIDED_BP, attempts=attempts), texts.remeasure(intent.problems()))
    record = RecordBp(intent.systolic, intent.diastolic, intent.pulse, intent.symptoms)  # type: ignore[arg-type]
    if intent.symptoms:
        return _start_triage(text, [record])
    return Turn([], State(), [record])


def _handle_glucose(intent: GlucoseIntent, state: State, text: str) -> Turn:
    if intent.flag:
        record = RecordGlucose(None, intent.context or "random", intent.flag, intent.symptoms)
        return _start_triage(text, [record]) if intent.symptoms else Turn([], State(), [record])
    assert intent.value_mmol is not None and intent.original is not None
    if intent.needs_unit_confirm:
        return Turn([texts.confirm_glucose_unit(intent.original, intent.value_mmol)],
                    State(mode=CONFIRM_GLUCOSE_UNIT, glucose=intent.value_mmol,
                          glucose_original=intent.original, context=intent.context))
    if intent.problems():
        guess = measurement.suggest_glucose(intent.original, unit="mg/dL" if intent.unit == "mgdl" else "mmol/L")
        if guess is not None and not intent.symptoms:
            return Turn([texts.did_you_mean(guess.text)],
                        State(mode=CONFIRM_GLUCOSE_UNIT, glucose=float(guess.value),  # type: ignore[arg-type]
                              glucose_original=intent.original, context=intent.context))
        attempts = state.attempts if state.mode == GUIDED_GLUCOSE else 0
        return _reask(State(mode=GUIDED_GLUCOSE, attempts=attempts), texts.remeasure(intent.problems()))
    context = intent.context
    if context is None and glucose_level(intent.value_mmol) is not None:
        context = "random"  # hypo/hyper: advice now, not a question about mealtimes
    if context is None:
        return Turn([texts.ask_glucose_context(intent.value_mmol)], State(mode=GLUCOSE_CONTEXT, glucose=intent.value_mmol))
    record = RecordGlucose(intent.value_mmol, context, None, intent.symptoms)
    if intent.symptoms:
        return _start_triage(text, [record])
    return Turn([], State(), [record])


def _handle_multi(intent: MultiIntent, text: str) -> Turn:
    """Several complete, plausible readings are all recorded; anything unclear → one at a time."""
    actions: list[Action] = []
    for item in intent.intents:
        if isinstance(item, BpIntent) and item.complete and not item.problems():
            actions.append(RecordBp(item.systolic, item.diastolic, item.pulse, intent.symptoms))  # type: ignore[arg-type]
        elif (isinstance(item, GlucoseIntent) and item.value_mmol is not None and not item.needs_unit_confirm
              and not item.problems()):
            actions.append(RecordGlucose(item.value_mmol, item.context or "random", None, intent.symptoms))
        else:
            return _start_triage(text) if intent.symptoms else Turn([texts.one_at_a_time()], State())
    if intent.symptoms:
        return _start_triage(text, actions)
    return Turn([], State(), actions)
