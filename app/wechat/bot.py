"""The bot shell: dedup, load state, build the Context, dialogue.step, carry out actions through services,
store state with its expiry, remember the reply. No Flask (views.py runs it under a watchdog).

One inbound message is one transaction:
1. claim its dedup key (INSERT … ON CONFLICT DO NOTHING into wechat_inbound). A WeChat retry finds the
   key taken — on PostgreSQL it waits for the first delivery's transaction — and gets the stored reply:
   never a second reading, alert or triage. Readings also carry a client id made from the MsgId, so the
   readings service would refuse a second row even without this log.
2. lock the user's row (an upsert, read back as a plain row): two quick messages from one user run one after
   the other. On PostgreSQL 1 and 2 are one statement (a data-modifying CTE);
3. dialogue.step, then the actions through services (readings, residents, alerts, triage, …);
4. store the next state with its expiry and the reply; if the watchdog already answered "success"
   (`in_time()` is False) the reply goes to the outbox as a customer-service message instead;
5. commit.
Nothing is logged of what users write (health data): only keys, types and outcomes.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping

from sqlalchemy import bindparam, false, select, true, update
from sqlalchemy.orm import Session

from app.errors import DomainError, Forbidden, RuleViolation
from app.services import (alerts, contracts, dialects, nonces, outbox, reading_texts, readings, residents,
                          wechat_accounts)
from app.services.actors import Actor
from app.services.auth import resident_actor
from app.services.clock import local_date
from app.services.triage import Profile, Readings, assess as triage_assess
from app.wechat import dialogue, texts
from app.wechat.dialogue import (
    AttemptBinding,
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
    Turn,
    Unsubscribe,
    WithdrawConsent,
)
from app.wechat.settings import setting
from app.wechat.transport import Inbound, ReplayRejected
from models.org import Staff, TeamRole
from models.wechat import WeChatInbound, WeChatUser

log = logging.getLogger(__name__)

MAX_DEDUP_KEY = 200
LATE_REPLY_KIND = "wechat_reply"
READING_TIME_SKEW = timedelta(minutes=5)  # CreateTime is the moment the user sent it; beyond this use now
STAFF_CODE_RE = re.compile(r"^(?:绑定医生|医生绑定|绑定工作微信)[:：\s]*(\d{8})$")
RESIDENT_CODE_RE = re.compile(r"^(?:绑定码|居民绑定码|我的绑定码)[:：\s]*(\d{8})$")  # the code from their doctor
STAFF_UNBIND_WORDS = frozenset({"解除医生绑定", "医生解绑", "解除绑定医生"})
TRIAGE_ALERT_SEVERITY = {"emergency": "critical", "urgent": "high"}  # docs/design.md "Triage dispositions"


# --- settings and injectable services ------------------------------------------------------------
@dataclass(frozen=True)
class BotSettings:
    """What the shell needs from configuration."""

    consent_version: str = "2026-01"
    privacy_url: str = ""
    state_ttl: timedelta = timedelta(seconds=dialogue.STATE_TTL_SECONDS)
    bind_max_failures: int = wechat_accounts.BIND_MAX_FAILURES
    bind_lock: timedelta = wechat_accounts.BIND_LOCK
    bind_target_max_failures: int = wechat_accounts.BIND_TARGET_MAX_FAILURES
    bind_max_failures_per_hour: int = wechat_accounts.BIND_GLOBAL_MAX_FAILURES_PER_HOUR

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> BotSettings:
        return cls(
            consent_version=config.get("PRIVACY_NOTICE_VERSION", "2026-01"),
            privacy_url=config.get("PRIVACY_NOTICE_URL", ""),
            state_ttl=timedelta(seconds=setting(config, "WECHAT_STATE_TTL_SECONDS", dialogue.STATE_TTL_SECONDS, float)),
            bind_max_failures=setting(config, "WECHAT_BIND_MAX_FAILURES", wechat_accounts.BIND_MAX_FAILURES, int),
            bind_lock=timedelta(minutes=setting(config, "WECHAT_BIND_LOCK_MINUTES", 30.0, float)),
            bind_target_max_failures=setting(config, "WECHAT_BIND_TARGET_MAX_FAILURES"),
            bind_max_failures_per_hour=setting(config, "WECHAT_BIND_GLOBAL_MAX_FAILURES_PER_HOUR"),
        )

    @property
    def bind_limits(self) -> wechat_accounts.BindLimits:
        return wechat_accounts.BindLimits(per_openid=self.bind_max_failures, lock=self.bind_lock,
                                          per_target=self.bind_target_max_failures,
                                          per_hour=self.bind_max_failures_per_hour)


@dataclass(frozen=True)
class Services:
    """The use cases the shell calls; tests inject slow or failing ones (never patched internals)."""

    record_bp: Callable[..., Any] = readings.record_bp
    record_glucose: Callable[..., Any] = readings.record_glucose
    assess: Callable[..., Any] = triage_assess


@dataclass(frozen=True)
class Handled:
    """What handling one delivery produced."""

    reply: str | None  # the passive reply (None: answer "success")
    duplicate: bool = False  # a retry of a delivery already handled
    deferred: bool = False  # the watchdog had answered: the reply was queued as a customer-service message
    push_directly: bool = False  # deferred, but no consenting resident to queue it for (binding, onboarding)
    openid: str = ""


# --- dedup and per-user state -----------------------------------------------------------------------
def storage_key(dedup_key: str) -> str:
    """The dedup key as stored: hashed when it would not fit the column."""
    if len(dedup_key) <= MAX_DEDUP_KEY:
        return dedup_key
    return "sha256:" + hashlib.sha256(dedup_key.encode("utf-8")).hexdigest()


# The statements every delivery runs are built once per process and dialect, with bound parameters. They are Core
# statements on tables, run on the session's connection: the claim and the reply by dialects.rows (on PostgreSQL
# compiled once and sent on the driver's cursor), the rarer ones by dialects.core. No ORM execution machinery.
def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


@functools.cache
def _claim_statement(dialect: str) -> Any:
    table = WeChatInbound.__table__
    return (dialects.insert_for(dialect, table)
            .values(dedup_key=bindparam("key"), openid=bindparam("openid"), deferred=False, created_at=bindparam("now"))
            .on_conflict_do_nothing(index_elements=["dedup_key"]).returning(table.c.id))


_USERS = WeChatUser.__table__
_USER_COLUMNS = (_USERS.c.openid, _USERS.c.state, _USERS.c.state_expires_at, _USERS.c.subscribed,
                 _USERS.c.unsubscribed_at)


def _touched(wrote: bool) -> dict[str, Any]:
    return {"updated_at": bindparam("now"), **({"last_inbound_at": bindparam("now")} if wrote else {})}


@functools.cache
def _lock_user_statement(dialect: str, wrote: bool) -> Any:
    touched = _touched(wrote)
    return (dialects.insert_for(dialect, _USERS)
            .values(openid=bindparam("openid"), subscribed=True, created_at=bindparam("now"), **touched)
            .on_conflict_do_update(index_elements=["openid"], set_=touched).returning(*_USER_COLUMNS))


@functools.cache
def _claim_and_lock_statement(wrote: bool, seen: bool = False) -> Any:
    """PostgreSQL: the dedup claim and the user's upsert in one statement (a data-modifying CTE). The user's row is
    written only when the claim inserted a row: a retry gets no row back and touches nothing, as before.

    `seen`: the callback's seen-once nonce is inserted first, in the same statement (app.services.nonces,
    TransactionNonces), and the delivery is claimed only when that inserted a row: a pair used before claims and
    locks nothing (no row back; `_claim_and_lock` then decides on a fresh snapshot)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    if seen:
        first = nonces.insert_statement().cte("seen")
        table = WeChatInbound.__table__
        claimed_row = select(bindparam("key", type_=table.c.dedup_key.type),
                             bindparam("openid", type_=table.c.openid.type), false(),
                             bindparam("now", type_=table.c.created_at.type)).select_from(first)
        claim = (pg_insert(table).from_select(["dedup_key", "openid", "deferred", "created_at"], claimed_row)
                 .on_conflict_do_nothing(index_elements=["dedup_key"]).returning(table.c.id).cte("claim"))
    else:
        first, claim = None, _claim_statement("postgresql").cte("claim")
    touched = _touched(wrote)
    names = ["openid", "subscribed", "created_at", *touched]
    values = select(bindparam("openid", type_=_USERS.c.openid.type), true(),
                    *(bindparam("now", type_=_USERS.c.created_at.type) for _ in names[2:])).select_from(claim)
    statement = (pg_insert(_USERS).from_select(names, values)
                 .on_conflict_do_update(index_elements=["openid"], set_=touched)
                 .returning(select(claim.c.id).scalar_subquery().label("claimed"), *_USER_COLUMNS))
    return statement.add_cte(first, claim) if first is not None else statement.add_cte(claim)


_REPLY_STATEMENT = (update(WeChatInbound.__table__).where(WeChatInbound.__table__.c.id == bindparam("claimed"))
                    .values(reply=bindparam("reply_text"), deferred=bindparam("was_deferred")))
_USER_UPDATE = update(_USERS).where(_USERS.c.openid == bindparam("who"))


class User:
    """The user's row as the bot reads and changes it (a plain row, not an ORM object: cheaper on every message);
    what changed is written back by one UPDATE before the reply is stored."""

    __slots__ = ("openid", "state", "state_expires_at", "subscribed", "unsubscribed_at", "changed")

    def __init__(self, row: Any) -> None:
        self.openid, self.state, self.state_expires_at = row.openid, row.state, row.state_expires_at
        self.subscribed, self.unsubscribed_at = row.subscribed, row.unsubscribed_at
        self.changed: dict[str, Any] = {}

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)
            self.changed[name] = value

    def save(self, session: Session, now: datetime) -> None:
        if self.changed:
            dialects.core(session, _USER_UPDATE.values(**self.changed, updated_at=now), {"who": self.openid})
            self.changed = {}


def _claim_and_lock(session: Session, key: str, openid: str, now: datetime, *, wrote: bool,
                    seen: nonces.Seen | None = None) -> tuple[int | None, User | None]:
    """Claim the delivery's dedup key, then lock the user's row (created if new; an upsert locks the row it touches):
    (the new log row's id, the user) — (None, None) when the key was taken (a retry). The log row stays ours until
    commit; two quick messages from one user run one after the other.

    `seen` (PostgreSQL): the callback's nonce, inserted by the same statement first; ReplayRejected (nothing done,
    the transaction rolled back) when the pair was used before for another body.
    A message (not an event) opens WeChat's 48-hour customer-service window: last_inbound_at = now.
    """
    params = {"key": key, "openid": openid, "now": now}
    dialect = _dialect(session)
    if dialect == "postgresql":
        if seen is not None:
            params.update(seen.params())
        statement = _claim_and_lock_statement(wrote, seen is not None)
        claimed_rows = dialects.rows(session, statement, params)
        if claimed_rows:
            return claimed_rows[0].claimed, User(claimed_rows[0])
        if seen is None:
            return None, None
        # Nothing claimed: the pair was there already, or the key was taken. Decide on a fresh snapshot (a pair
        # committed while this statement waited for it is visible now), then claim as two statements.
        if not seen.first_use_on(session.connection(), now):
            session.rollback()
            raise ReplayRejected("timestamp and nonce already used for another body")
        claimed = dialects.core(session, _claim_statement(dialect), params).scalar()
        if claimed is None:
            return None, None
        return claimed, User(dialects.core(session, _lock_user_statement(dialect, wrote), params).one())
    claimed = dialects.core(session, _claim_statement(dialect), params).scalar()
    if claimed is None:
        return None, None
    return claimed, User(dialects.core(session, _lock_user_statement(dialect, wrote), params).one())


def load_state(user: User, now: datetime) -> State:
    """The stored state, or idle when none or expired (a stale flow restarts)."""
    if not user.state or user.state_expires_at is None or user.state_expires_at <= now:
        return State()
    return State.from_dict(user.state)


def _store_state(user: User, state: State, now: datetime, ttl: timedelta) -> None:
    if state == State():
        if user.state is not None or user.state_expires_at is not None:  # no UPDATE when idle stays idle
            user.set(state=None, state_expires_at=None)
    else:
        user.set(state=state.to_dict(), state_expires_at=now + ttl)


# --- the entry point ---------------------------------------------------------------------------------
def handle(session: Session, inbound: Inbound, *, now: datetime, settings: BotSettings = BotSettings(),
           services: Services | None = None, in_time: Callable[[], bool] = lambda: True,
           seen: nonces.Seen | None = None) -> Handled:
    """Handle one delivery in one transaction (commits); a retry returns the stored reply and does nothing.

    `seen`: the callback's seen-once nonce, checked by the first statement on PostgreSQL (ReplayRejected when the
    pair was used for another body); it is kept whatever happens next (a retry, a failure)."""
    services = services or Services()
    key = storage_key(inbound.dedup_key)
    if seen is not None and _dialect(session) != "postgresql":  # checked in the transaction on PostgreSQL only
        seen = None
    claimed, user = _claim_and_lock(session, key, inbound.openid, now, wrote=inbound.msg_type != "event",
                                    seen=seen)
    if claimed is None:
        row = session.scalars(select(WeChatInbound).where(WeChatInbound.dedup_key == key)).one_or_none()
        stored = None if row is None or row.deferred else row.reply  # read before the commit expires the row
        if seen is not None:
            session.commit()  # the nonce: the only row this transaction wrote
        else:
            session.rollback()
        # an event's key starts with the openid: the log names the message type only
        log.info("wechat: duplicate delivery of a %s answered from the log", inbound.msg_type)
        return Handled(stored, duplicate=True, openid=inbound.openid)
    try:
        run = _Run(session, inbound, user, now=now, settings=settings, services=services)
        reply = run.process()
        # Asked before every commit, a reply or not: from here on the watchdog cuts nothing (app/wechat/views.py).
        late = not in_time()
        deferred = push_directly = False
        if reply and late:
            deferred = True
            push_directly = not run.queue_late_reply(reply, key)
        user.save(session, now)
        dialects.rows(session, _REPLY_STATEMENT, {"claimed": claimed, "reply_text": reply, "was_deferred": deferred})
        session.commit()
    except Exception:
        session.rollback()
        if seen is not None:
            _keep_nonce(session, seen, now)
        raise
    return Handled(reply, deferred=deferred, push_directly=push_directly, openid=inbound.openid)


def _keep_nonce(session: Session, seen: nonces.Seen, now: datetime) -> None:
    """After a failed delivery was rolled back: its nonce, which the rollback took with it, in a transaction of its
    own (a pair that was answered stays used). Best effort: when the database is gone the delivery did nothing."""
    try:
        seen.first_use_on(session.connection(), now)
        session.commit()
    except Exception:  # noqa: BLE001 - the original error is the one to report
        session.rollback()
        log.warning("wechat: the nonce of a failed delivery could not be kept", exc_info=True)


class _Run:
    """One delivery being handled: the user, their resident record, the actions' replies."""

    def __init__(self, session: Session, inbound: Inbound, user: User, *, now: datetime,
                 settings: BotSettings, services: Services):
        self.session, self.inbound, self.user, self.now = session, inbound, user, now
        self.settings, self.services = settings, services
        # Who is writing, with their conditions and consents: loaded once (one statement) and handed down to
        # the readings service and triage, which do not load the resident again.
        self.resident: residents.ResidentCard | None = residents.card_by_openid(session, inbound.openid)
        self._assessments: dict[int, Any] = {}  # triage runs once per message: by StartTriage action

    # -- who is writing ---------------------------------------------------------------------------
    def context(self) -> Context:
        resident = self.resident
        locked = None if resident else wechat_accounts.binding_locked_until(self.session, self.inbound.openid,
                                                                           now=self.now)
        has_consent = resident is not None and resident.has_consent(self.settings.consent_version)
        return Context(now=self.now, is_bound=resident is not None, has_consent=has_consent,
                       display_name=wechat_accounts.mask_name(resident.name) if resident else "",
                       consent_version=self.settings.consent_version, privacy_url=self.settings.privacy_url,
                       binding_locked_until=locked)

    @property
    def actor(self) -> Actor:
        assert self.resident is not None
        return resident_actor(self.resident)

    # -- the turn ---------------------------------------------------------------------------------
    def process(self) -> str | None:
        state = load_state(self.user, self.now)
        code_turn = self._resident_code()
        if code_turn is not None:
            _store_state(self.user, code_turn.next_state, self.now, self.settings.state_ttl)
            return texts.join(list(code_turn.replies)) or None
        staff_reply = self._staff(state)
        if staff_reply is not None:
            _store_state(self.user, State(), self.now, self.settings.state_ttl)
            return staff_reply or None
        context = self.context()
        engaged = context.is_bound and context.has_consent
        # Red flags first, whatever the state. Read before the dialogue: someone not bound or not consented, and
        # anyone in the middle of a dialogue (which then resumes); an idle resident's message is read by the
        # dialogue's own triage, or after the dialogue when it did not hand the text to triage.
        complaint_awaited = state.mode == dialogue.TRIAGE and not state.triage_text  # the text goes to triage
        first = not engaged or (state != State() and not complaint_awaited)
        urgent = self._red_flags_first(state, alert=engaged) if first else None
        if urgent is None:
            turn = dialogue.step(state, self.inbound, context)
            if engaged and not first and self._unread_by_triage(turn):
                urgent = self._red_flags_first(state, alert=True)
        if urgent is not None:  # the advice at once; the interrupted dialogue waits where it was
            _store_state(self.user, state, self.now, self.settings.state_ttl)
            return urgent
        replies, next_state = self._execute(turn)
        _store_state(self.user, next_state, self.now, self.settings.state_ttl)
        return texts.join(replies) or None

    # -- red flags first ----------------------------------------------------------------------------
    def _unread_by_triage(self, turn: Turn) -> bool:
        """Whether this message still needs its red-flag read: not when the turn hands this very text to triage,
        nor when the whole text is a menu word (a menu button or its typed word: 最近血压, 我的医生), nor when the
        whole text was read as readings with no symptom at all (the BP hot path)."""
        text = (self.inbound.text or "").strip()
        if any(isinstance(a, StartTriage) and not a.answers and a.text and a.text in text for a in turn.actions):
            return False
        if dialogue.is_menu_word(text):  # 最近血压, 我的医生, 帮助 …: a menu word says nothing about symptoms
            return False
        readings_only = bool(turn.actions) and all(
            isinstance(a, (RecordBp, RecordGlucose)) and not a.symptoms for a in turn.actions)
        return not readings_only

    def _red_flags_first(self, state: State, *, alert: bool) -> str | None:
        """Triage's non-interactive read of a text or voice message; for an emergency or urgent red flag the rules
        actually found, the advice (and, for a bound consenting resident, the team's alert); else None. For one not
        bound or not consented nothing is stored: no state, no reading, no alert."""
        text = (self.inbound.text or "").strip()
        if self.inbound.msg_type not in ("text", "voice") or not text:
            return None
        profile = None
        if self.resident is not None:
            profile = Profile(age=self.resident.age_on(local_date(self.now)), sex=self.resident.sex,
                              conditions=frozenset(self.resident.condition_codes))
        try:
            result = self.services.assess(text, profile=profile, readings=None, interactive=False)
        except Exception:  # the dialogue still answers; a triage bug must not lose the message
            log.exception("wechat: red-flag read failed; the dialogue goes on")
            return None
        level = getattr(result, "level", None)
        # Only the rules' red flags interrupt another dialogue; the second reader's review asks within triage.
        if level not in TRIAGE_ALERT_SEVERITY or not getattr(result, "rule_red_flags", ()):
            return None
        log.info("wechat: %s red flag read first (state %s)", level, state.mode)
        if alert:
            self._triage_alert(StartTriage(text), result)
        reply = getattr(result, "advice", "") or texts.triage_result(level)
        department = getattr(result, "department", "")
        if level == "urgent" and department:
            reply += "\n" + texts.triage_department(department)
        if state != State():
            reply += "\n" + texts.dialogue_resumes()
        return reply

    def _execute(self, turn: Turn) -> tuple[list[str], State]:
        replies, state = list(turn.replies), turn.next_state
        triage = next((a for a in turn.actions if isinstance(a, StartTriage)), None)
        if triage is not None and self.resident is not None and any(
                isinstance(a, (RecordBp, RecordGlucose)) for a in turn.actions):
            self._assess(triage)  # before the readings, which take this assessment instead of running triage again
        for index, action in enumerate(turn.actions):
            if isinstance(action, AttemptBinding):
                follow = self._bind(action)
                replies, state = list(follow.replies), follow.next_state
            elif isinstance(action, Subscribed):
                self.user.set(subscribed=True, unsubscribed_at=None)
            elif isinstance(action, Unsubscribe):
                cancelled = wechat_accounts.unsubscribe(self.session, openid=self.inbound.openid, now=self.now)
                self.user.set(subscribed=False, unsubscribed_at=self.now)
                self.resident = None
                log.info("wechat: unsubscribed; %d queued pushes cancelled", cancelled)
            elif self.resident is None:
                log.warning("wechat: %s without a bound resident ignored", type(action).__name__)
            elif isinstance(action, StartTriage):
                text, state = self._triage(action, state)
                replies.append(text)
            else:
                text = self._resident_action(action, index)
                if text:
                    replies.append(text)
        return replies, state

    def _resident_action(self, action: Any, index: int) -> str | None:
        try:
            if isinstance(action, RecordConsent):
                residents.record_consent(self.session, actor=self.actor, resident_id=self.resident.id,
                                         version=action.version, channel="wechat", now=self.now)
                self.resident = replace(self.resident,
                                        consent_versions=(*self.resident.consent_versions, action.version))
            elif isinstance(action, WithdrawConsent):
                wechat_accounts.withdraw_consent(self.session, actor=self.actor, resident_id=self.resident.id,
                                                 now=self.now)
                self.resident = replace(self.resident, consent_versions=())
            elif isinstance(action, RecordBp):
                return self._record_bp(action, index)
            elif isinstance(action, RecordGlucose):
                return self._record_glucose(action, index)
            elif isinstance(action, ShowMyDoctor):
                return self._my_doctor()
            elif isinstance(action, ShowMyContract):
                return self._my_contract()
            elif isinstance(action, ShowRecentBp):
                return self._recent_bp()
            elif isinstance(action, SetReminderTimes):
                wechat_accounts.set_medication_times(self.session, actor=self.actor, resident_id=self.resident.id,
                                                     times=action.times, now=self.now)
                return texts.reminders_set(action.times) if action.times else texts.reminders_off()
        except RuleViolation:  # services validate before they write
            return texts.bad_times() if isinstance(action, SetReminderTimes) else texts.reading_rejected()
        except Forbidden as exc:
            if exc.code == "consent.required":
                return texts.consent_required(self.settings.privacy_url)
            log.warning("wechat: %s refused: %s", type(action).__name__, exc.code)
            return texts.try_again_later()
        except DomainError as exc:
            log.warning("wechat: %s refused: %s", type(action).__name__, exc.code)
            return None
        return None

    # -- binding ------------------------------------------------------------------------------------
    def _bind(self, action: AttemptBinding) -> Turn:
        result = wechat_accounts.bind_resident(self.session, openid=self.inbound.openid, name=action.name,
                                               secret=action.secret, now=self.now, limits=self.settings.bind_limits)
        if result.ok:
            self.resident = residents.ResidentCard.of(result.resident)
        log.info("wechat: binding attempt %s", "succeeded" if result.ok else "failed")
        return dialogue.after_binding(self.context(), ok=result.ok, attempts_left=result.attempts_left)

    def _resident_code(self) -> Turn | None:
        """绑定码 12345678 from a user not yet bound: bind with the one-time code their doctor gave them."""
        if self.resident is not None or self.inbound.msg_type != "text":
            return None
        word = unicodedata.normalize("NFKC", self.inbound.text or "").strip().replace(" ", "")
        match = RESIDENT_CODE_RE.match(word)
        if match is None:
            return None
        result = wechat_accounts.bind_resident_with_code(self.session, openid=self.inbound.openid,
                                                         code=match.group(1), now=self.now,
                                                         limits=self.settings.bind_limits)
        log.info("wechat: binding-code attempt %s", "succeeded" if result.ok else "failed")
        if result.ok:
            self.resident = residents.ResidentCard.of(result.resident)
            return dialogue.after_binding(self.context(), ok=True)
        if result.locked_until is not None:
            return dialogue.after_binding(self.context(), ok=False)
        return Turn([texts.resident_code_failed(result.attempts_left)], State())

    def _staff(self, state: State) -> str | None:
        """Staff binding codes and staff-only users; None hands the message to the resident dialogue."""
        inbound = self.inbound
        word = unicodedata.normalize("NFKC", inbound.text or "").strip().replace(" ", "")
        match = STAFF_CODE_RE.match(word) if inbound.msg_type == "text" else None
        if match:
            locked = wechat_accounts.binding_locked_until(self.session, inbound.openid, now=self.now)
            if locked is not None:
                return texts.binding_locked(int((locked - self.now).total_seconds() // 60) + 1)
            result = wechat_accounts.bind_staff(self.session, openid=inbound.openid, code=match.group(1),
                                                now=self.now, max_failures=self.settings.bind_max_failures,
                                                lock=self.settings.bind_lock)
            if result.ok:
                staff = wechat_accounts.staff_by_openid(self.session, inbound.openid)
                return texts.staff_bound(staff.full_name if staff else "")
            if result.locked_until is not None:
                return texts.binding_locked(int((result.locked_until - self.now).total_seconds() // 60) + 1)
            return texts.staff_code_failed(result.attempts_left)
        if self.resident is not None:
            return None
        staff: Staff | None = wechat_accounts.staff_by_openid(self.session, inbound.openid)
        if staff is None or inbound.event == "unsubscribe":
            return None
        if word in STAFF_UNBIND_WORDS:
            wechat_accounts.unbind_staff(self.session, openid=inbound.openid)
            return texts.staff_unbound()
        if word in dialogue.BIND_WORDS or state.mode in (dialogue.BINDING_NAME, dialogue.BINDING_SECRET):
            return None  # a doctor who is also a resident may bind that identity too
        if inbound.msg_type == "event" and inbound.event not in ("subscribe", "click"):
            return ""
        return texts.staff_help(staff.full_name)

    # -- readings -----------------------------------------------------------------------------------
    def _measured_at(self) -> datetime:
        sent = datetime.fromtimestamp(self.inbound.create_time, timezone.utc) if self.inbound.create_time else None
        if sent is None or not (self.now - timedelta(days=1) <= sent <= self.now + READING_TIME_SKEW):
            return self.now
        return sent

    def _client_id(self, index: int) -> str:
        """Stable per delivery and action: a retry names the same reading."""
        base = self.inbound.msg_id or hashlib.sha256(self.inbound.dedup_key.encode()).hexdigest()[:40]
        return f"wx-{base}-{index}"[:64]

    def _record_bp(self, action: RecordBp, index: int) -> str:
        outcome = self.services.record_bp(
            self.session, actor=self.actor, resident_id=self.resident.id, systolic=action.systolic,
            diastolic=action.diastolic, pulse=action.pulse, measured_at=self._measured_at(), now=self.now,
            client_id=self._client_id(index), source="wechat", symptoms="，".join(action.symptoms) or None,
            resident=self.resident, assessment=self._triage_of_message())
        reading = outcome.reading
        target = residents.bp_target(self.resident, local_date(self.now))
        # The readings service decides what is acute; its advice is the comment whenever a rule fired.
        comment = outcome.advice if outcome.findings else texts.bp_comment(reading.systolic, reading.diastolic, target)
        return texts.reading_reply(texts.bp_values(reading.systolic, reading.diastolic, reading.pulse),
                                   f"低于 {target}", comment)

    def _record_glucose(self, action: RecordGlucose, index: int) -> str:
        outcome = self.services.record_glucose(
            self.session, actor=self.actor, resident_id=self.resident.id, value=action.value_mmol, unit="mmol/L",
            context=action.context, meter_flag=action.flag, measured_at=self._measured_at(), now=self.now,
            client_id=self._client_id(index), source="wechat", symptoms="，".join(action.symptoms) or None,
            resident=self.resident, assessment=self._triage_of_message())
        reading = outcome.reading
        context = reading.context.value
        comment = (outcome.advice if outcome.findings
                   else texts.glucose_comment(reading.value_mmol, context, flag=reading.meter_flag))
        return texts.reading_reply(texts.glucose_values(reading.value_mmol, context, flag=reading.meter_flag),
                                   texts.glucose_target(context), comment)

    # -- triage -------------------------------------------------------------------------------------
    def _triage_inputs(self) -> tuple[Profile, Readings]:
        resident = self.resident
        profile = Profile(age=resident.age_on(local_date(self.now)), sex=resident.sex,
                          conditions=frozenset(resident.condition_codes))
        latest = readings.latest_values(self.session, resident.id, since=self.now - timedelta(hours=24))
        return profile, Readings(systolic=latest.systolic, diastolic=latest.diastolic, pulse=latest.pulse,
                                 glucose_mmol=latest.glucose_mmol)

    def _assess(self, action: StartTriage) -> Any:
        """The triage assessment of this action, run once (the readings of the same message reuse it)."""
        if id(action) not in self._assessments:
            profile, recent = self._triage_inputs()
            self._assessments[id(action)] = self.services.assess(
                action.text, profile=profile, readings=recent, answers=dict(action.answers), asked=action.asked,
                interactive=not action.must_conclude)
        return self._assessments[id(action)]

    def _triage_of_message(self) -> Any:
        """The assessment already made of this message, if any (None: the readings service assesses)."""
        return next(iter(self._assessments.values()), None)

    def _triage(self, action: StartTriage, state: State) -> tuple[str, State]:
        result = self._assess(action)
        level = getattr(result, "level", None)
        questions = tuple(getattr(result, "questions", ()) or ())
        final = bool(getattr(result, "final", True)) or not questions or action.must_conclude
        if level == "emergency" or (final and level in TRIAGE_ALERT_SEVERITY):
            self._triage_alert(action, result)
        if not final:
            question = questions[0]
            return texts.triage_question(question.text), dialogue.after_triage(state, question_key=question.id)
        reply = getattr(result, "advice", "") or texts.triage_result(level)
        department = getattr(result, "department", "")
        if level in ("urgent", "routine") and department:
            reply += "\n" + texts.triage_department(department)
        return reply, dialogue.after_triage(state, question_key=None)

    def _triage_alert(self, action: StartTriage, result: Any) -> None:
        """Emergency and urgent dispositions alert the team through the alerts service (critical / high)."""
        flags = [getattr(f, "label", str(f)) for f in getattr(result, "red_flags", ())]
        summary = reading_texts.alert_summary("triage_red_flag", f"自述：{action.text[:40]}", "、".join(flags) or None)
        alerts.raise_alert(self.session, resident_id=self.resident.id, kind="triage_red_flag",
                           severity=TRIAGE_ALERT_SEVERITY[result.level], summary=summary, now=self.now,
                           value={"type": "triage", "level": result.level,
                                  "department": getattr(result, "department", None),
                                  "red_flags": [getattr(f, "code", str(f)) for f in getattr(result, "red_flags", ())]})

    # -- lookups --------------------------------------------------------------------------------------
    def _my_doctor(self) -> str:
        team = contracts.my_team(self.session, self.resident.id)
        if team is None:
            return texts.no_contract()
        members = [(texts.TEAM_ROLE_LABELS.get(m.role.value, m.role.value), m.full_name)
                   for m in team.members if m.active]
        village_doctor = team.member(TeamRole.village_doctor)
        return texts.my_doctor(team.name, members, village_doctor.phone if village_doctor else None)

    def _my_contract(self) -> str:
        contract = contracts.open_contract(self.session, self.resident.id)
        if contract is None:
            return texts.no_contract()
        return texts.my_contract(contract.team.name, [p.name for p in contract.packages], contract.ends_on,
                                 today=local_date(self.now))

    def _recent_bp(self) -> str:
        recent = readings.recent_bp(self.session, self.actor, self.resident.id, now=self.now, resident=self.resident)
        return texts.recent_bp(recent.n_sessions, recent.systolic, recent.diastolic, recent.target)

    # -- late replies ---------------------------------------------------------------------------------
    def queue_late_reply(self, reply: str, key: str) -> bool:
        """Queue the reply as a customer-service message for a consenting resident; False if there is none."""
        resident = self.resident
        if resident is None or not resident.has_consent():
            return False
        suffix = key if len(key) <= 100 else hashlib.sha256(key.encode()).hexdigest()
        outbox.enqueue(self.session, consortium_id=resident.consortium_id, resident_id=resident.id,
                       kind=LATE_REPLY_KIND, text=reply, now=self.now, data={"urgent": True, "channel": "custom"},
                       dedup_key=f"wechat-reply:{suffix}")
        return True
