"""Staff workspace (/staff/): sign-in, the alert queue, an alert, a resident, follow-ups, referrals, admin.

Every view calls the use case its API twin calls, with the same actor, so scopes (404 outside them),
masking by role and audit notes are the services' own. Actions are POST forms with a CSRF token,
answered with a redirect back to the page (post/redirect/get).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from app.errors import DomainError, NotFound
from app.extensions import db, limiter
from app.pages import charts
from app.pages.common import act, errors_text, form_dict, load, protect, register_error_pages
from app.pages.session import end_session, page_actor, safe_next, staff_page, start_session
from app.schemas.followups import CallOutcomeCreateSchema
from app.schemas.referrals import ReferralCreateSchema
from app.services import alerts, auth, contracts, followups, fulfilment, readings, referrals, residents, timeline
from app.services.clock import local_date
from app.services.scopes import get_resident
from models.alerts import AlertKind, AlertStatus, Severity
from models.base import utcnow

blp = Blueprint("staff_pages", __name__, url_prefix="/staff")
protect(blp)
register_error_pages(blp, "staff_pages.login")

GLUCOSE_KINDS = {AlertKind.acute_glucose, AlertKind.hypoglycaemia, AlertKind.hypoglycaemia_recurrent,
                 AlertKind.trend_glucose}
SLA = {Severity.critical: alerts.CRITICAL_AFTER, Severity.high: alerts.HIGH_AFTER}


def home_for(actor) -> str:
    """Where a staff member lands: specialists on their referrals, admins on the KPIs, teams on alerts."""
    if actor.is_specialist:
        return url_for("staff_pages.referral_inbox")
    if actor.is_admin:
        return url_for("staff_pages.kpis")
    return url_for("staff_pages.alert_queue")


# --- sign-in -------------------------------------------------------------------------------------------------
@blp.get("/")
def index():
    actor = page_actor()
    if actor is None or actor.kind != "staff":
        return redirect(url_for("staff_pages.login"))
    return redirect(home_for(actor))


@blp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], key_func=lambda: f"login:{request.remote_addr}",
               methods=["POST"])
def login():
    """Username and password through the auth service: its lock-out after repeated failures applies."""
    error = None
    if request.method == "POST":
        cfg = current_app.config
        try:
            issued = auth.login(db.session, username=request.form.get("username", "").strip(),
                                password=request.form.get("password", ""), now=utcnow(),
                                ttl=timedelta(hours=cfg["TOKEN_TTL_HOURS"]), max_failures=cfg["LOGIN_MAX_FAILURES"],
                                lock=timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"]))
        except DomainError as exc:
            db.session.commit()  # keep the failure count, as the API does
            error = errors_text(exc)
        else:
            db.session.commit()
            start_session(issued)
            return redirect(safe_next(request.args.get("next"), home_for(issued.actor)))
    return render_template("staff/login.html", error=error,
                           wechat=bool(current_app.config.get("WECHAT_APPID"))), (401 if error else 200)


@blp.post("/logout")
def logout():
    end_session()
    flash("已退出登录", "ok")
    return redirect(url_for("staff_pages.login"))


# --- the alert queue -------------------------------------------------------------------------------------------
def sla_deadline(alert) -> datetime | None:
    """When the alert's current rung runs out (the escalation clock of app.services.alerts), if it runs."""
    span = SLA.get(alert.severity)
    if span is None or alert.status not in alerts.UNACKNOWLEDGED or alert.escalation_level >= alerts.SPECIALIST_LEVEL:
        return None
    return (alert.escalated_at or alert.opened_at) + span


@blp.get("/alerts")
@staff_page
def alert_queue(actor):
    """The first screen: most severe first, then the least time left on the SLA, with filters."""
    args = {k: v for k, v in request.args.items() if v}
    filters = {}
    if args.get("kind") in {k.value for k in AlertKind}:
        filters["kind"] = args["kind"]
    if args.get("status") in {s.value for s in AlertStatus}:
        filters["status"] = args["status"]
    if args.get("village_id", "").isdigit():
        filters["village_id"] = int(args["village_id"])
    # The first screen is what nobody has taken yet (open or escalated); 'active' adds the acknowledged ones.
    statuses = None if args.get("status") == "active" else [s.value for s in alerts.UNACKNOWLEDGED]
    page = alerts.team_queue(db.session, actor, per_page=100, statuses=statuses, **filters)
    filters["status"] = filters.get("status") or args.get("status", "")
    now = utcnow()
    rows = []
    for view in page.items:
        deadline = sla_deadline(view.alert)
        rows.append({"alert": view, "deadline": deadline,
                     "minutes_left": int((deadline - now).total_seconds() // 60) if deadline else None})
    far = now + timedelta(days=3650)
    rows.sort(key=lambda r: (r["alert"].severity_rank, r["deadline"] or far, r["alert"].opened_at))
    villages = sorted({(v.village_id, v.village_name) for v in page.items if v.village_id})
    template = "staff/_alert_rows.html" if request.headers.get("HX-Request") and request.headers.get(
        "HX-Target") == "alert-rows" else "staff/alerts.html"
    return render_template(template, actor=actor, rows=rows, total=page.total, filters=filters,
                           villages=villages, kinds=[k.value for k in AlertKind])


# --- one alert -----------------------------------------------------------------------------------------------------
def chart_context(actor, resident_id: int, kind: str, days: int) -> dict:
    now = utcnow()
    start, end = charts.window(now, days)
    if kind == "glucose":
        chart = readings.glucose_chart(db.session, actor, resident_id, start=start, end=end, now=now)
        option = charts.glucose_option(chart)
    else:
        chart = readings.bp_chart(db.session, actor, resident_id, start=start, end=end, now=now)
        option = charts.bp_option(chart)
    return {"chart": chart, "option": option, "kind": kind, "days": days, "resident_id": resident_id,
            "chart_url": url_for("staff_pages.chart_fragment", resident_id=resident_id)}


@blp.get("/alerts/<int:alert_id>")
@staff_page
def alert_page(actor, alert_id):
    view = alerts.get_alert(db.session, actor, alert_id)
    kind = "glucose" if view.alert.kind in GLUCOSE_KINDS else "bp"
    days = charts.days_arg(request.args.get("days"))
    chart = chart_context(actor, view.resident_id, kind, days)
    slots = []
    if actor.is_team_staff and view.alert.status != AlertStatus.resolved:
        slots = referrals.list_slots(db.session, actor, now=utcnow(), department=view.alert.department,
                                     available_only=True, per_page=10).items
    return render_template("staff/alert.html", actor=actor, a=view, deadline=sla_deadline(view.alert), slots=slots,
                           can_act=view.alert.status != AlertStatus.resolved, **chart)


@blp.get("/residents/<int:resident_id>/chart")
@staff_page
def chart_fragment(actor, resident_id):
    """The chart alone (htmx swaps it in when 7 / 30 / 90 days is picked)."""
    kind = "glucose" if request.args.get("kind") == "glucose" else "bp"
    context = chart_context(actor, resident_id, kind, charts.days_arg(request.args.get("days")))
    return render_template("_chart.html", base=request.args.get("base", ""), **context)


@blp.post("/alerts/<int:alert_id>/acknowledge")
@staff_page
def acknowledge(actor, alert_id):
    back = url_for("staff_pages.alert_page", alert_id=alert_id)
    return act(lambda: alerts.acknowledge(db.session, actor=actor, alert_id=alert_id, now=utcnow(),
                                          note=request.form.get("note", "")), back=back, done="已确认，升级计时已停止")


@blp.post("/alerts/<int:alert_id>/resolve")
@staff_page
def resolve(actor, alert_id):
    back = url_for("staff_pages.alert_page", alert_id=alert_id)
    return act(lambda: alerts.resolve(db.session, actor=actor, alert_id=alert_id, now=utcnow(),
                                      note=request.form.get("note", "")), back=back, done="预警已处理")


@blp.post("/alerts/<int:alert_id>/call")
@staff_page
def call_outcome(actor, alert_id):
    """The outcome of a phone call to the resident (the follow-up service's call record)."""
    view = alerts.get_alert(db.session, actor, alert_id)
    data = load(CallOutcomeCreateSchema(), {**form_dict(["outcome", "note"]), "resident_id": view.resident_id})
    return act(lambda: followups_call(actor, data), back=url_for("staff_pages.alert_page", alert_id=alert_id),
               done="已记录电话结果")


def followups_call(actor, data):
    from app.services import overdue

    return overdue.record_call_outcome(db.session, actor=actor, now=utcnow(), **data)


@blp.post("/alerts/<int:alert_id>/referral")
@staff_page
def refer(actor, alert_id):
    """Open a referral (上转) from the alert; the specialist then books a green-channel slot."""
    view = alerts.get_alert(db.session, actor, alert_id)
    data = load(ReferralCreateSchema(), {**form_dict(["to_department", "reason", "urgency"]),
                                         "resident_id": view.resident_id, "alert_id": alert_id})
    return act(lambda: referrals.create_referral(db.session, actor=actor, now=utcnow(), **data),
               back=url_for("staff_pages.alert_page", alert_id=alert_id), done="已发起转诊，等待专科医生接收")


# --- a resident ----------------------------------------------------------------------------------------------------
@blp.get("/residents/<int:resident_id>")
@staff_page
def resident_page(actor, resident_id):
    """Profile masked by role, contract and package items, charts, follow-ups, referrals, triage, timeline."""
    now = utcnow()
    resident = get_resident(db.session, actor, resident_id)
    view = residents.view(resident, actor, local_date(now))
    contract = None
    if actor.is_team_staff or actor.is_admin:
        found = contracts.list_contracts(db.session, actor, resident_id=resident_id, per_page=1).items
        contract = found[0] if found else None
    ledger = None
    if contract is not None and (actor.is_admin or contract.team_id in actor.team_ids):
        ledger = fulfilment.contract_ledger(db.session, actor=actor, contract_id=contract.id, now=now)
    care = followups.care_status(db.session, actor, resident_id=resident_id, now=now)
    visits = followups.list_followups(db.session, actor, resident_id=resident_id, per_page=10).items
    refs = referrals.list_referrals(db.session, actor, resident_id=resident_id, per_page=10).items
    feed = timeline.resident_timeline(db.session, actor, resident_id=resident_id, per_page=30).items
    from app.services import assessments

    triage = assessments.list_assessments(db.session, actor, resident_id=resident_id, limit=10)
    days = charts.days_arg(request.args.get("days"))
    bp = chart_context(actor, resident_id, "bp", days)
    glucose = chart_context(actor, resident_id, "glucose", days)
    open_alerts = alerts.team_queue(db.session, actor, resident_id=resident_id).items
    return render_template("staff/resident.html", actor=actor, r=view, contract=contract, ledger=ledger, care=care,
                           visits=visits,
                           refs=refs, feed=feed, triage=triage, bp=bp, glucose=glucose, days=days,
                           open_alerts=open_alerts)


# --- follow-ups -------------------------------------------------------------------------------------------------------
@blp.get("/followups")
@staff_page
def due_list(actor):
    """Residents overdue (or due within 7 days) for a follow-up, highest risk first."""
    from app.services import overdue

    kind = "due" if request.args.get("kind") == "due" else "overdue"
    page = overdue.due_list(db.session, actor, now=utcnow(), kind=kind, per_page=100)
    return render_template("staff/due.html", actor=actor, items=page.items, total=page.total, kind=kind)


@blp.route("/residents/<int:resident_id>/followup", methods=["GET", "POST"])
@staff_page
def followup_form(actor, resident_id):
    """The 随访表 on a phone: its fields are the API schema's (app.schemas.followups), not redefined here."""
    from app.pages import forms
    from app.schemas.followups import FollowUpCreateSchema

    resident = get_resident(db.session, actor, resident_id)
    schema = FollowUpCreateSchema()
    if request.method == "POST":
        data = forms.form_data(schema, request.form)
        data.update(resident_id=resident_id, entry_channel="web")  # provenance: entered through the web pages
        alert_id = request.form.get("alert_id")
        if alert_id and alert_id.isdigit():
            data["alert_id"] = int(alert_id)
        try:
            loaded = load(schema, data)
            outcome = followups.record_followup(db.session, actor=actor, now=utcnow(), **loaded)
            db.session.commit()
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            db.session.rollback()
            flash(errors_text(exc), "error")
        else:
            message = f"随访已保存，下次随访 {outcome.next_due_on}"
            if outcome.referral_suggested:
                message += "；建议转诊"
            flash(message, "ok")
            return redirect(url_for("staff_pages.resident_page", resident_id=resident_id))
    now_local = utcnow().astimezone(charts.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    return render_template("staff/followup.html", actor=actor, resident=resident,
                           fields=forms.fields_of(schema, exclude={"resident_id", "alert_id"}),
                           values=request.form if request.method == "POST" else {"visited_at": now_local},
                           alert_id=request.values.get("alert_id", ""))


# --- referrals ----------------------------------------------------------------------------------------------------
@blp.get("/referrals")
@staff_page
def referral_inbox(actor):
    """Specialists: referrals addressed to them or their department; teams: their own residents' referrals."""
    status = request.args.get("status") or None
    if status not in REFERRAL_STATUSES:
        status = None
    page = referrals.list_referrals(db.session, actor, status=status, per_page=100)
    names = resident_names([r.resident_id for r in page.items])
    return render_template("staff/referrals.html", actor=actor, items=page.items, names=names, status=status)


REFERRAL_STATUSES = {"requested", "accepted", "declined", "booked", "completed", "referred_back", "cancelled"}


def resident_names(ids: list[int]) -> dict[int, str]:
    """Names of residents the caller was already allowed to list (by the referral or alert scope)."""
    from sqlalchemy import select

    from models.residents import Resident

    if not ids:
        return {}
    return dict(db.session.execute(select(Resident.id, Resident.name).where(Resident.id.in_(set(ids)))).all())


@blp.get("/referrals/<int:referral_id>")
@staff_page
def referral_page(actor, referral_id):
    """The referral letter (转诊单) with its automatic summary, and the specialist's actions."""
    referral = referrals.get_referral(db.session, actor, referral_id)
    slots = []
    if actor.is_specialist and referral.status.value == "accepted":
        slots = referrals.list_slots(db.session, actor, now=utcnow(), department=referral.to_department,
                                     available_only=True).items
    return render_template("staff/referral.html", actor=actor, x=referral, slots=slots,
                           name=resident_names([referral.resident_id]).get(referral.resident_id))


def _referral_action(actor, referral_id, done, call):
    return act(lambda: call(db.session, actor=actor, referral_id=referral_id, now=utcnow()),
               back=url_for("staff_pages.referral_page", referral_id=referral_id), done=done)


@blp.post("/referrals/<int:referral_id>/accept")
@staff_page
def referral_accept(actor, referral_id):
    return _referral_action(actor, referral_id, "已接收转诊", referrals.accept_referral)


@blp.post("/referrals/<int:referral_id>/decline")
@staff_page
def referral_decline(actor, referral_id):
    reason = request.form.get("reason", "")
    return _referral_action(actor, referral_id, "已拒绝转诊",
                            lambda s, **kw: referrals.decline_referral(s, reason=reason, **kw))


@blp.post("/referrals/<int:referral_id>/book")
@staff_page
def referral_book(actor, referral_id):
    slot = request.form.get("slot_id", "")
    if not slot.isdigit():
        flash("请选择号源", "error")
        return redirect(url_for("staff_pages.referral_page", referral_id=referral_id))
    return _referral_action(actor, referral_id, "已预约号源",
                            lambda s, **kw: referrals.book_slot(s, slot_id=int(slot), **kw))


@blp.post("/referrals/<int:referral_id>/complete")
@staff_page
def referral_complete(actor, referral_id):
    advice = request.form.get("advice", "")
    return _referral_action(actor, referral_id, "已记录就诊意见",
                            lambda s, **kw: referrals.complete_referral(s, advice=advice, **kw))


@blp.post("/referrals/<int:referral_id>/refer-back")
@staff_page
def referral_refer_back(actor, referral_id):
    plan = request.form.get("plan", "")
    return _referral_action(actor, referral_id, "已转回家庭医生团队",
                            lambda s, **kw: referrals.refer_back(s, plan=plan, **kw))


@blp.get("/slots")
@staff_page
def slots(actor):
    """The green-channel slots calendar for the next two weeks, by day."""
    department = actor.department if actor.is_specialist and request.args.get("all") != "1" else None
    page = referrals.list_slots(db.session, actor, now=utcnow(), department=department, per_page=200)
    days: dict = {}
    for slot in page.items:
        days.setdefault(slot.day, []).append(slot)
    return render_template("staff/slots.html", actor=actor, days=days, department=department)


# --- admins --------------------------------------------------------------------------------------------------------
KPI_COLUMNS = (("签约率", ("contract_coverage",)), ("规范管理率", ("standard_management", "rate")),
               ("血压控制率", ("bp_control", "rate")), ("血糖控制率", ("glucose_control", "rate")),
               ("危急预警响应P50(分)", ("alert_time_to_acknowledge", "critical", "p50_minutes")),
               ("转诊周转P50(时)", ("referrals", "turnaround_hours_p50")),
               # The 履约 ledger (docs/kpis.md): deliveries on schedule, and contracts with no service in N months.
               ("履约率", ("fulfilment", "rate")), ("只签不约率", ("signed_not_served", "share")),
               ("只签不约(份)", ("signed_not_served", "count")))


def _dig(figures: dict, path: tuple) -> object:
    for key in path:
        figures = figures.get(key) if isinstance(figures, dict) else None
    return figures


def _kpi_reports(actor):
    from app.services import kpis

    today = local_date(utcnow())
    level = request.args.get("level") if request.args.get("level") in ("consortium", "township", "team") else (
        "consortium" if actor.is_admin else "team")
    try:
        start = datetime.strptime(request.args.get("start", ""), "%Y-%m-%d").date()
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = datetime.strptime(request.args.get("end", ""), "%Y-%m-%d").date()
    except ValueError:
        end = today
    reports = kpis.compute_kpis(db.session, actor=actor, start=start, end=end, level=level)
    columns = KPI_COLUMNS
    rows = [{"name": r.unit_name, "values": [_shown(label, _dig(r.figures, path)) for label, path in columns]}
            for r in reports]
    return level, start, end, columns, rows


def _shown(label: str, value):
    """Rates (fractions in the KPI service) as percentages with one decimal."""
    if label.endswith("率") and isinstance(value, (int, float)):
        return round(value * 100, 1)
    return value


@blp.get("/kpis")
@staff_page
def kpis(actor):
    """The KPI dashboard per county (consortium), township or team, with a chart and a CSV download."""
    level, start, end, columns, rows = _kpi_reports(actor)
    rate_columns = [i for i, (label, _) in enumerate(columns) if label.endswith("率")]
    option = {
        "animation": False, "legend": {"top": 0}, "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 10, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": [r["name"] for r in rows], "axisLabel": {"rotate": 30, "fontSize": 10}},
        "yAxis": {"type": "value", "max": 100, "name": "%"},
        "series": [{"name": columns[i][0], "type": "bar", "data": [r["values"][i] for r in rows]}
                   for i in rate_columns],
    }
    return render_template("staff/kpis.html", actor=actor, level=level, start=start, end=end, columns=columns,
                           rows=rows, option=option)


@blp.get("/kpis.csv")
@staff_page
def kpis_csv(actor):
    import csv
    import io

    from flask import Response

    level, start, end, columns, rows = _kpi_reports(actor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["单位", *[label for label, _ in columns]])
    for row in rows:
        writer.writerow([row["name"], *["" if v is None else v for v in row["values"]]])
    # A byte-order mark so that Excel opens the Chinese headers as UTF-8.
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=kpis-{level}-{start}-{end}.csv"})


@blp.get("/admin/packages")
@staff_page
def admin_packages(actor):
    from app.services import packages
    from app.services.actors import require_role

    require_role(actor, "admin")
    items = packages.list_packages(db.session, actor, include_inactive=True, per_page=200).items
    return render_template("staff/packages.html", actor=actor, items=items)


@blp.get("/admin/teams")
@staff_page
def admin_teams(actor):
    from app.services import staff as staff_service, teams
    from app.services.actors import require_role

    require_role(actor, "admin")
    team_list = teams.list_teams(db.session, actor, per_page=200).items
    people = staff_service.list_staff(db.session, actor, per_page=200).items
    return render_template("staff/teams.html", actor=actor, teams=team_list, people=people)


# --- WeChat web authorisation for staff bound through the bot ------------------------------------------------------
@blp.get("/wechat")
def wechat_start():
    from app.pages import oauth

    return oauth.start("staff_pages.wechat_callback")


@blp.get("/wechat/callback")
def wechat_callback():
    from app.pages import oauth

    cfg = current_app.config
    issued = oauth.finish(lambda client, code: auth.wechat_staff_login(
        db.session, code=code, client=client, now=utcnow(), ttl=timedelta(hours=cfg["TOKEN_TTL_HOURS"])))
    db.session.commit()
    start_session(issued)
    return redirect(home_for(issued.actor))
