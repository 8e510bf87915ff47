"""Trend scan (趋势扫描): score residents with new readings since their last scan; one open trend alert each.

Cost follows new readings, not history:
1. mark: readings with an id above the last scan's mark (`scan_marks`, less a margin for transactions
   that committed late) and above their resident's own cursor put that resident in the queue
   (`resident_scan_states.scanned_at IS NULL`); committed before any scoring, so a crash mid-scan
   leaves the rest of the queue for the next run;
2. work the queue in chunks of residents in id order: read each chunk's last 35 days of readings with
   one query per kind ordered by resident (on PostgreSQL a binary COPY of a few arrays, parsed straight
   into numpy), score the chunk with `ml.scoring.assess`
   (acute rules and the trained model, vectorised), raise the chunk's `trend_bp` / `trend_glucose` alerts
   with `alerts.raise_alerts` (set-based: a few statements per chunk, the rules of `raise_alert`; one
   digest notice per doctor rather than one per alert), and advance the chunk's cursors, all in one
   transaction per chunk. The next chunk is read ahead on a connection of its own meanwhile.
A chunk that fails is rolled back and split in halves until the failing resident is alone: it is
logged, counted and left in the queue; the run goes on (if the database itself went away, the run
stops and the whole queue waits for the next one). Memory stays bounded by the chunk size.

Acute values (>=180/110, glucose <3.0 or >=16.7, recurrent hypoglycaemia) are alerted by the readings
service when they arrive; the scan raises the trend kinds only. Two consecutive uncontrolled 7-day
windows add a note for referral up (上转) to the alert summary (clinical_rules, 规范 "two consecutive").
"""
from __future__ import annotations

import gc
import json
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import bindparam, exists, func, literal, or_, select, text, union_all, update
from sqlalchemy.orm import Session

from app.services import alerts, dialects
from app.services.batch import BatchReport, infrastructure_error
from app.services.clock import LOCAL_TZ, local_date
from ml.clinical import (FASTING_REVIEW_MIN_VALUES, HBPM_WINDOW_DAYS, METER_HI_MMOL, METER_LO_MMOL,
                         default_bp_target)
from ml.features import (CTX_BEDTIME, CTX_FASTING, CTX_POSTPRANDIAL, CTX_RANDOM, LOOKBACK_DAYS, ProfileColumns,
                         ReadingColumns, context_code)
from ml.model import TrendModel
from ml.reasons import REFERRAL_NOTE
from ml.scoring import SEVERITIES, Assessment, assess, resident_reasons
from models.confirmations import ReadingCheck
from models.jobs import ResidentScanState, ScanMark
from models.readings import BpReading, GlucoseReading
from models.residents import Consent, Resident, ResidentCondition

log = logging.getLogger(__name__)

DEFAULT_CHUNK = 5000
# Reading ids below the high-water mark re-checked each run: a transaction that took an id before the
# last scan but committed after it is still seen (ids are handed out at insert, visible at commit).
ID_MARGIN = 10_000
KINDS = ("trend_bp", "trend_glucose")
STATE_KEY = {"trend_bp": "bp", "trend_glucose": "glucose"}
_RANK = {name: i for i, name in enumerate(SEVERITIES)}


@dataclass
class ScanReport(BatchReport):
    """What one scan did; `errors` residents failed and stay queued for the next run."""

    queued: int = 0  # residents with new readings (plus any left by an interrupted run)
    scanned: int = 0
    skipped: int = 0  # no active consent: cursor advanced, nothing scored
    flagged_bp: int = 0
    flagged_glucose: int = 0
    alerts: int = 0  # trend alerts raised (opened, or evidence added to the active one)
    referral_notes: int = 0
    chunks: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=lambda: {"mark": 0.0, "read": 0.0, "score": 0.0,
                                                               "alerts": 0.0, "write": 0.0})


@dataclass
class _Tally:
    scanned: int = 0
    skipped: int = 0
    flagged_bp: int = 0
    flagged_glucose: int = 0
    alerts: int = 0
    referral_notes: int = 0


# --- the queue -------------------------------------------------------------------------------------------
def mark_new_readings(session: Session, *, id_margin: int = ID_MARGIN) -> tuple[int, int]:
    """Queue residents with readings above their cursor; returns the (BP, glucose) high-water ids used.

    Reads only the readings with ids above the last scan's marks less `id_margin` (a range scan of the
    primary key), so its cost follows the new readings. One upsert: a resident seen for the first time gets
    a scan state, one whose newest reading is above the cursor is queued again (`scanned_at IS NULL`); the
    others are not touched. A queued resident's cursors mean nothing until the scan advances them.
    """
    bp_high = session.scalar(select(func.coalesce(func.max(BpReading.id), 0)))
    glu_high = session.scalar(select(func.coalesce(func.max(GlucoseReading.id), 0)))
    marks = {name: high for name, high in session.execute(select(ScanMark.table_name, ScanMark.high_id))}
    bp_floor = max(marks.get(BpReading.__tablename__, 0) - id_margin, 0)
    glu_floor = max(marks.get(GlucoseReading.__tablename__, 0) - id_margin, 0)
    new = union_all(
        select(BpReading.resident_id.label("rid"), func.max(BpReading.id).label("bp"), literal(0).label("glu"))
        .where(BpReading.id > bp_floor, BpReading.id <= bp_high).group_by(BpReading.resident_id),
        select(GlucoseReading.resident_id, literal(0), func.max(GlucoseReading.id))
        .where(GlucoseReading.id > glu_floor, GlucoseReading.id <= glu_high).group_by(GlucoseReading.resident_id),
    ).subquery()
    tops = select(new.c.rid, func.max(new.c.bp).label("bp"), func.max(new.c.glu).label("glu")).group_by(new.c.rid) \
        .subquery()
    state = ResidentScanState.__table__
    upsert = dialects.insert(session, state).from_select(
        ["resident_id", "last_bp_id", "last_glucose_id"],
        select(tops.c.rid, tops.c.bp, tops.c.glu).outerjoin(state, state.c.resident_id == tops.c.rid)
        .where(state.c.resident_id.is_(None) | (state.c.scanned_at.is_not(None)
                                               & ((tops.c.bp > state.c.last_bp_id)
                                                  | (tops.c.glu > state.c.last_glucose_id)))))
    session.execute(upsert.on_conflict_do_update(index_elements=["resident_id"], set_={"scanned_at": None}))
    mark = dialects.insert(session, ScanMark.__table__).values(
        [{"table_name": BpReading.__tablename__, "high_id": bp_high},
         {"table_name": GlucoseReading.__tablename__, "high_id": glu_high}])
    session.execute(mark.on_conflict_do_update(index_elements=["table_name"], set_={"high_id": mark.excluded.high_id}))
    return int(bp_high), int(glu_high)


def scan_trends(session: Session, *, model: TrendModel, now: datetime, chunk_size: int = DEFAULT_CHUNK,
                id_margin: int = ID_MARGIN, notify: bool = True) -> ScanReport:
    """Score residents with new readings up to `now`; raise trend alerts; advance cursors (commits per chunk)."""
    started = time.perf_counter()
    report = ScanReport()
    bp_high, glu_high = mark_new_readings(session, id_margin=id_margin)
    session.commit()
    # The queue in resident order: ids only (8 bytes a resident); readings are read chunk by chunk.
    queue = np.fromiter(session.scalars(select(ResidentScanState.resident_id)
                                        .where(ResidentScanState.scanned_at.is_(None))
                                        .order_by(ResidentScanState.resident_id)), dtype=np.int64)
    session.commit()
    report.queued = int(queue.shape[0])
    report.timings["mark"] = time.perf_counter() - started
    ctx = _Context(session=session, bind=session.get_bind(), model=model, now=now, bp_high=bp_high,
                   glu_high=glu_high, notify=notify, report=report)
    chunks = [queue[start:start + chunk_size] for start in range(0, queue.shape[0], chunk_size)]
    try:
        # Read one chunk ahead on a connection of its own: the database reads the next chunk's readings while
        # this process scores and writes the current one (2 cores: one for each). Reading ahead is safe: a
        # chunk's input (its residents' readings up to the marks, profiles, previous statuses) is written by
        # no other chunk.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="trend-read") as pool:
            ahead = pool.submit(ctx.read_ahead, chunks[0]) if chunks else None
            for k, ids in enumerate(chunks):
                t0 = time.perf_counter()
                try:
                    data = ahead.result()
                except Exception:  # read again inside the chunk's transaction, where failures are handled
                    log.warning("trend scan read-ahead of chunk %d-%d failed; reading it again", ids[0], ids[-1],
                                exc_info=True)
                    data = None
                report.timings["read"] += time.perf_counter() - t0
                ahead = pool.submit(ctx.read_ahead, chunks[k + 1]) if k + 1 < len(chunks) else None
                ctx.run_chunk(ids, data)
    except Exception as exc:
        if infrastructure_error(exc):
            _finish(report, started)
            log.error("trend scan stopped, database unavailable (%s); the rest stays queued. partial: %r",
                      type(exc).__name__, report)
        raise
    return _finish(report, started)


def _finish(report: ScanReport, started: float) -> ScanReport:
    report.seconds = round(time.perf_counter() - started, 3)
    report.timings = {name: round(value, 3) for name, value in report.timings.items()}
    return report


# --- one chunk ---------------------------------------------------------------------------------------------
@dataclass
class _Context:
    session: Session
    bind: Any  # the session's engine, taken in the caller's thread: get_bind() needs the Flask app context
    model: TrendModel
    now: datetime
    bp_high: int
    glu_high: int
    notify: bool
    report: ScanReport

    def read_ahead(self, ids: np.ndarray) -> _ChunkInput:
        """A chunk's input, read in a session and transaction of its own (the read-ahead thread's)."""
        with Session(bind=self.bind) as session:
            return _read_chunk(session, ids, now=self.now, bp_high=self.bp_high, glu_high=self.glu_high)

    def run_chunk(self, ids: np.ndarray, data: _ChunkInput | None = None) -> None:
        """Process a chunk in one transaction; on failure roll back and bisect to isolate the bad resident."""
        tally = _Tally()
        try:
            with _gc_paused():
                self._process(ids, tally, data)
                t0 = time.perf_counter()
                self.session.commit()
                self.report.timings["write"] += time.perf_counter() - t0
        except Exception as exc:
            self.session.rollback()
            if infrastructure_error(exc):
                raise  # the database went away: the queue is intact for the next run
            if ids.shape[0] == 1:
                self.report.record_failure(int(ids[0]), exc)
                return
            half = ids.shape[0] // 2
            log.warning("trend scan chunk %d-%d failed (%s); retrying in halves", ids[0], ids[-1], exc)
            self.run_chunk(ids[:half])
            self.run_chunk(ids[half:])
            return
        r = self.report
        r.chunks += 1
        for name in ("scanned", "skipped", "flagged_bp", "flagged_glucose", "alerts", "referral_notes"):
            setattr(r, name, getattr(r, name) + getattr(tally, name))

    def _process(self, ids: np.ndarray, tally: _Tally, data: _ChunkInput | None) -> None:
        session, now, timings = self.session, self.now, self.report.timings
        today = local_date(now)
        if data is None:
            t0 = time.perf_counter()
            data = _read_chunk(session, ids, now=now, bp_high=self.bp_high, glu_high=self.glu_high)
            timings["read"] += time.perf_counter() - t0
        t1 = time.perf_counter()
        scored_ids = ids[data.consenting]
        statuses: dict[int, dict] = {}
        flagged: list[tuple[int, str, str, str, dict]] = []
        if scored_ids.shape[0]:
            a = assess(data.cols, data.profiles, self.model, now)
            t2 = time.perf_counter()
            timings["score"] += t2 - t1
            flagged, statuses = _decide(a, scored_ids, data.previous, today, self.model, tally)
            t1 = t2
        if flagged:
            alerts.raise_alerts(session, flagged, now=now, notify=self.notify, digest=True)
            tally.alerts += len(flagged)
        t2 = time.perf_counter()
        timings["alerts"] += t2 - t1
        _advance(session, ids, statuses, bp_high=self.bp_high, glu_high=self.glu_high, now=now)
        timings["write"] += time.perf_counter() - t2
        tally.scanned += int(scored_ids.shape[0])
        tally.skipped += int(ids.shape[0] - scored_ids.shape[0])


@dataclass
class _ChunkInput:
    """What a chunk is scored from."""
    consenting: np.ndarray  # mask over the chunk's ids: who may be scored
    profiles: ProfileColumns  # of the consenting residents
    previous: dict  # resident id -> last status
    cols: ReadingColumns  # the consenting residents' readings


def _read_chunk(session: Session, ids: np.ndarray, *, now: datetime, bp_high: int, glu_high: int) -> _ChunkInput:
    profiles, consenting, previous = _load_profiles(session, ids, local_date(now))
    cols = read_columns(session, ids[consenting], since=_window_start(now), until=now, bp_high=bp_high,
                        glu_high=glu_high)
    return _ChunkInput(consenting, _subset(profiles, consenting), previous, cols)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No automatic garbage collection while a chunk is processed.

    A chunk allocates some 10^5 short-lived objects (rows, dicts, strings; freed by reference counting),
    enough to trigger collections that also traverse the process's long-lived heap (SQLAlchemy, the
    model): about a seventh of the scan's time. Collection resumes after the chunk, so memory stays bounded.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _window_start(now: datetime) -> datetime:
    """Local midnight starting the 35-day look-back (7-day window + 28-day baseline) that ends at `now`."""
    first = local_date(now) - timedelta(days=LOOKBACK_DAYS - 1)
    return datetime.combine(first, datetime.min.time(), tzinfo=LOCAL_TZ)


def _load_profiles(session: Session, ids: np.ndarray, today: date) -> tuple[ProfileColumns, np.ndarray, dict]:
    """Profiles of a chunk (age, conditions, personal targets), who may be scored, previous statuses."""
    id_list = ids.tolist()
    # the chunk's ids inside EXISTS too: PostgreSQL then probes the consents index for these residents only
    # rather than hashing every consent in the county
    consent = exists().where(Consent.resident_id == Resident.id, Consent.withdrawn_at.is_(None),
                             dialects.among(session, Consent.resident_id, id_list))
    rows = {r.id: r for r in session.execute(
        select(Resident.id, Resident.birth_date, Resident.bp_target_sys, Resident.bp_target_dia,
               (Resident.anonymised_at.is_(None) & consent).label("ok"))
        .where(dialects.among(session, Resident.id, id_list)))}
    conds: dict[int, set[str]] = {}
    for rid, code in session.execute(select(ResidentCondition.resident_id, ResidentCondition.code)
                                     .where(dialects.among(session, ResidentCondition.resident_id, id_list))):
        conds.setdefault(rid, set()).add(code)
    previous = {rid: status for rid, status in session.execute(
        select(ResidentScanState.resident_id, ResidentScanState.last_status)
        .where(dialects.among(session, ResidentScanState.resident_id, id_list)))}
    n = len(id_list)
    age = np.full(n, np.nan)
    htn, dm, ckd = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    ts, td = np.zeros(n), np.zeros(n)
    ok = np.zeros(n, bool)
    for i, rid in enumerate(id_list):
        row = rows.get(rid)
        if row is None:
            continue
        codes = conds.get(rid, set())
        born = row.birth_date
        years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        age[i] = years
        htn[i], dm[i], ckd[i] = "hypertension" in codes, "diabetes" in codes, "ckd" in codes
        if row.bp_target_sys is not None and row.bp_target_dia is not None:
            ts[i], td[i] = row.bp_target_sys, row.bp_target_dia
        else:
            target = default_bp_target(years, codes)
            ts[i], td[i] = target.systolic, target.diastolic
        ok[i] = bool(row.ok)
    return ProfileColumns(age, htn, dm, ckd, ts, td), ok, previous


def _subset(p: ProfileColumns, mask: np.ndarray) -> ProfileColumns:
    return ProfileColumns(p.age[mask], p.hypertension[mask], p.diabetes[mask], p.ckd[mask], p.target_sys[mask],
                          p.target_dia[mask])


# --- reading the chunk's readings ---------------------------------------------------------------------------
def read_columns(session: Session, ids: np.ndarray, *, since: datetime, until: datetime, bp_high: int,
                 glu_high: int) -> ReadingColumns:
    """Readings of residents `ids` (sorted) measured in [since, until] with ids up to the marks, as arrays.

    `*_res` are indexes into `ids`. PostgreSQL streams a binary COPY ordered by resident; other
    databases go through an ordinary ordered query.
    """
    cols = ReadingColumns(n_residents=int(ids.shape[0]))
    if ids.shape[0] == 0:
        return cols
    if dialects.is_postgresql(session):
        bp, glu = _copy_bp(session, ids, since, until, bp_high), _copy_glucose(session, ids, since, until, glu_high)
    else:
        bp, glu = _select_bp(session, ids, since, until, bp_high), _select_glucose(session, ids, since, until, glu_high)
    bp_res, bp_t, bp_s, bp_d = _ordered(np.searchsorted(ids, bp[0]), *bp[1:])
    glu_res, glu_t, glu_g, glu_c = _ordered(np.searchsorted(ids, glu[0]), *glu[1:])
    cols.bp_res, cols.bp_t, cols.bp_sbp, cols.bp_dbp = bp_res, bp_t, bp_s, bp_d
    cols.glu_res, cols.glu_t, cols.glu_mmol, cols.glu_ctx = glu_res, glu_t, glu_g, glu_c
    return cols


def _ordered(res: np.ndarray, t: np.ndarray, *values: np.ndarray) -> tuple[np.ndarray, ...]:
    """Arrays sorted by (resident, time): already so from the queries, checked in O(n) and sorted if not."""
    if res.shape[0] > 1:
        dr = np.diff(res)
        if not np.all((dr > 0) | ((dr == 0) & (np.diff(t) >= 0))):
            order = np.lexsort((t, res))
            return (res[order], t[order]) + tuple(v[order] for v in values)
    return (res, t) + values


_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def _copy_arrays(session: Session, sql: str, params: tuple, dtypes: tuple[str, ...]) -> list[np.ndarray]:
    """One row of arrays from `COPY (sql) TO STDOUT (FORMAT binary)`, parsed straight into numpy.

    The chunk's readings come back as a handful of arrays (array_agg) rather than one message per
    reading, so the client cost is a few `np.frombuffer` calls per chunk.
    """
    raw = session.connection().connection.driver_connection
    buf = bytearray()
    with raw.cursor() as cur:
        with cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)", params) as copy:
            for block in copy:
                buf += block
    if buf[:11] != _COPY_SIGNATURE:
        raise ValueError("unexpected COPY header")
    pos = 19 + int.from_bytes(buf[15:19], "big")
    if int.from_bytes(buf[pos:pos + 2], "big", signed=True) != len(dtypes):
        raise ValueError("unexpected COPY field count")
    pos += 2
    out = []
    for dtype in dtypes:
        size = int.from_bytes(buf[pos:pos + 4], "big", signed=True)
        pos += 4
        if size <= 0 or int.from_bytes(buf[pos:pos + 4], "big") == 0:  # NULL (no rows) or an empty array
            out.append(np.empty(0, dtype=np.dtype(dtype).newbyteorder("=")))
            pos += max(size, 0)
            continue
        if int.from_bytes(buf[pos + 4:pos + 8], "big"):
            raise ValueError("NULL element in a COPY array")
        n = int.from_bytes(buf[pos + 12:pos + 16], "big")
        elements = np.frombuffer(buf, dtype=np.dtype([("len", ">i4"), ("value", dtype)]), count=n, offset=pos + 20)
        if not (elements["len"] == np.dtype(dtype).itemsize).all():
            raise ValueError("unexpected COPY array element width")
        out.append(elements["value"].astype(np.dtype(dtype).newbyteorder("=")))
        pos += size
    return out


# A likely typo stored as typed (confirm=true) is never a trend input (models.confirmations.ReadingCheck.as_typed).
_WHERE = ("resident_id = ANY(%s::bigint[]) AND measured_at >= %s AND measured_at <= %s AND id <= %s "
          f"AND (confirmation IS NULL OR confirmation <> '{ReadingCheck.as_typed.value}')")


def _not_as_typed(model):
    return or_(model.confirmation.is_(None), model.confirmation != ReadingCheck.as_typed.value)


def _copy_bp(session: Session, ids: np.ndarray, since: datetime, until: datetime, high: int):
    rid, t, sbp, dbp = _copy_arrays(session, (
        "SELECT array_agg(r), array_agg(t), array_agg(s), array_agg(d) FROM ("
        "SELECT resident_id AS r, floor(extract(epoch FROM measured_at))::int8 AS t, systolic::int4 AS s, "
        f"diastolic::int4 AS d FROM bp_readings WHERE {_WHERE} ORDER BY resident_id, measured_at) AS w"),
        (dialects.pg_array(ids.tolist()), since, until, high), (">i8", ">i8", ">i4", ">i4"))
    return rid, t, sbp.astype(np.float64), dbp.astype(np.float64)


def _copy_glucose(session: Session, ids: np.ndarray, since: datetime, until: datetime, high: int):
    rid, t, g, ctx = _copy_arrays(session, (
        "SELECT array_agg(r), array_agg(t), array_agg(g), array_agg(c) FROM ("
        "SELECT resident_id AS r, floor(extract(epoch FROM measured_at))::int8 AS t, "
        f"coalesce(value_mmol, CASE meter_flag WHEN 'HI' THEN {METER_HI_MMOL} WHEN 'LO' THEN {METER_LO_MMOL} END, "
        "'NaN')::float8 AS g, "
        f"(CASE context WHEN 'fasting' THEN {CTX_FASTING} WHEN 'postprandial' THEN {CTX_POSTPRANDIAL} "
        f"WHEN 'bedtime' THEN {CTX_BEDTIME} ELSE {CTX_RANDOM} END)::int2 AS c "
        f"FROM glucose_readings WHERE {_WHERE} ORDER BY resident_id, measured_at) AS w"),
        (dialects.pg_array(ids.tolist()), since, until, high), (">i8", ">i8", ">f8", ">i2"))
    return rid, t, g, ctx.astype(np.int8)


def _epoch(moment: datetime) -> int:
    return int(np.floor(moment.timestamp()))


def _select_bp(session: Session, ids: np.ndarray, since: datetime, until: datetime, high: int):
    rows = session.execute(
        select(BpReading.resident_id, BpReading.measured_at, BpReading.systolic, BpReading.diastolic)
        .where(BpReading.resident_id.in_(ids.tolist()), BpReading.measured_at >= since,
               BpReading.measured_at <= until, BpReading.id <= high, _not_as_typed(BpReading))
        .order_by(BpReading.resident_id, BpReading.measured_at)).all()
    return (np.array([r[0] for r in rows], np.int64), np.array([_epoch(r[1]) for r in rows], np.int64),
            np.array([r[2] for r in rows], float), np.array([r[3] for r in rows], float))


def _select_glucose(session: Session, ids: np.ndarray, since: datetime, until: datetime, high: int):
    rows = session.execute(
        select(GlucoseReading.resident_id, GlucoseReading.measured_at, GlucoseReading.value_mmol,
               GlucoseReading.meter_flag, GlucoseReading.context)
        .where(GlucoseReading.resident_id.in_(ids.tolist()), GlucoseReading.measured_at >= since,
               GlucoseReading.measured_at <= until, GlucoseReading.id <= high, _not_as_typed(GlucoseReading))
        .order_by(GlucoseReading.resident_id, GlucoseReading.measured_at)).all()

    def mmol(value: float | None, flag: str | None) -> float:
        if value is not None:
            return float(value)
        return {"HI": METER_HI_MMOL, "LO": METER_LO_MMOL}.get(flag or "", float("nan"))

    return (np.array([r[0] for r in rows], np.int64), np.array([_epoch(r[1]) for r in rows], np.int64),
            np.array([mmol(r[2], r[3]) for r in rows], float),
            np.array([context_code(getattr(r[4], "value", r[4])) for r in rows], np.int8))


# --- decisions, alerts, cursors --------------------------------------------------------------------------------
def _status_entry(previous: dict | None, status: str, today: date) -> dict:
    """{status, since}: `since` is the local date the current status began (kept while it holds)."""
    if previous and previous.get("status") == status and previous.get("since"):
        return previous
    return {"status": status, "since": today.isoformat()}


def _two_windows(previous: dict | None, today: date) -> bool:
    """Uncontrolled already a full window (7 days) ago: this and the previous window are both off target."""
    if not previous or previous.get("status") != "uncontrolled" or not previous.get("since"):
        return False
    return date.fromisoformat(previous["since"]) <= today - timedelta(days=HBPM_WINDOW_DAYS)


def _decide(a: Assessment, ids: np.ndarray, previous: dict, today: date, model: TrendModel,
            tally: _Tally) -> tuple[list[tuple[int, str, str, str, dict]], dict[int, dict]]:
    """Alerts to raise and the new per-kind statuses, from the vectorised assessment."""
    f = a.features
    flagged: list[tuple[int, str, str, str, dict]] = []
    statuses: dict[int, dict] = {}
    sufficient = {"trend_bp": f["bp_sufficient_7"] > 0,
                  "trend_glucose": f["glu_fasting_n_7"] >= FASTING_REVIEW_MIN_VALUES}
    for kind, d in (("trend_bp", a.bp), ("trend_glucose", a.glucose)):
        key = STATE_KEY[kind]
        status = np.where(d.trend, "uncontrolled", np.where(sufficient[kind], "controlled", "insufficient"))
        for i in np.flatnonzero(d.applicable & (status != "insufficient")):
            rid = int(ids[i])
            before = (previous.get(rid) or {}).get(key)
            entry = _status_entry(before, str(status[i]), today)
            statuses.setdefault(rid, dict(previous.get(rid) or {}))[key] = entry
        for i in np.flatnonzero(d.trend):
            rid = int(ids[i])
            before = (previous.get(rid) or {}).get(key)
            persistent = bool(d.persistent[i])
            referral = persistent or _two_windows(before, today)
            # the trend kinds only: acute values and hypoglycaemia episodes have their own alerts
            lines = resident_reasons(a, kind, i, acute=False)
            if kind == "trend_bp":
                tally.flagged_bp += 1
                value = {"sbp": _round(f["bp_mean_sbp_7"][i]), "dbp": _round(f["bp_mean_dbp_7"][i]),
                         "target": f"{int(f['target_sys'][i])}/{int(f['target_dia'][i])}"}
            else:
                tally.flagged_glucose += 1
                value = {"fasting_mean": _round(f["glu_fasting_mean_7"][i], 1)}
            if referral and REFERRAL_NOTE not in lines:
                lines.append(REFERRAL_NOTE)
            tally.referral_notes += int(referral)
            severity = SEVERITIES[int(d.severity[i])]
            if severity in ("critical", "none"):  # acute values have their own alert kinds
                severity = "high" if severity == "critical" else "low"
            if referral and _RANK[severity] < _RANK["high"]:
                severity = "high"
            value.update(score=round(float(d.score[i]), 3), model=model.name, window_end=today.isoformat(),
                         referral=referral)
            flagged.append((rid, kind, severity, "；".join(lines), value))
    return flagged, statuses


def _round(x: float, digits: int = 0) -> float | None:
    return None if np.isnan(x) else round(float(x), digits)


def _advance(session: Session, ids: np.ndarray, statuses: dict[int, dict], *, bp_high: int, glu_high: int,
             now: datetime) -> None:
    """Cursors to the marks and scanned_at = now for the whole chunk; new statuses where there are some."""
    id_list = ids.tolist()
    if dialects.is_postgresql(session):  # one statement per chunk
        # the chunk as one JSON parameter (a text[] of statuses cost psycopg a regex escape per element)
        session.execute(text(
            "UPDATE resident_scan_states AS s SET last_bp_id = :bp, last_glucose_id = :glu, scanned_at = :now, "
            "last_status = coalesce(v.st, s.last_status) "
            "FROM json_to_recordset(CAST(:rows AS json)) AS v(rid bigint, st json) WHERE s.resident_id = v.rid"),
            {"bp": bp_high, "glu": glu_high, "now": now,
             "rows": json.dumps([{"rid": rid, "st": statuses.get(rid)} for rid in id_list])})
        return
    state = ResidentScanState.__table__
    session.execute(update(ResidentScanState)
                    .where(ResidentScanState.resident_id.in_(id_list))
                    .values(last_bp_id=bp_high, last_glucose_id=glu_high, scanned_at=now)
                    .execution_options(synchronize_session=False))
    if statuses:
        session.execute(
            update(state).where(state.c.resident_id == bindparam("rid")).values(last_status=bindparam("st")),
            [{"rid": rid, "st": st} for rid, st in statuses.items()])
