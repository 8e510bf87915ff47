"""Resident pages (/me/): my BP and glucose, my doctor team, my contract, consents and my data.

Entered through WeChat web authorisation from the official account's menu (or, in demo mode only,
a demo sign-in). The actor is the resident themself: every call is the API's own-record use case.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.errors import NotFound
from app.extensions import db
from app.pages import charts
from app.pages.common import act, protect, register_error_pages
from app.pages.session import end_session, page_actor, resident_page, safe_next, start_session
from app.services import auth, contracts, demo, fulfilment, readings, residents, rights
from app.services.clock import local_date
from app.wechat import texts
from models.base import utcnow
from models.org import TeamRole
from models.residents import Resident

blp = Blueprint("me", __name__, url_prefix="/me")
protect(blp)
register_error_pages(blp, "me.login")



def _ttl() -> timedelta:
    return timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])


@blp.get("/")
@resident_page
def index(actor):
    resident = residents.get_own(db.session, actor)
    return render_template("me/index.html", actor=actor, resident=resident)


@blp.get("/login")
def login():
    """From the menu: straight to WeChat's authorisation (the demo offers its own sign-in instead)."""
    actor = page_actor()
    target = safe_next(request.args.get("next"), url_for("me.index"))
    if actor is not None and actor.is_resident:
        return redirect(target)
    if current_app.config["DEMO_MODE"] and request.args.get("wechat") != "1":
        return render_template("me/login.html", next=target)
    from app.pages import oauth

    return oauth.start("me.wechat_callback", next=target)


@blp.get("/wechat/callback")
def wechat_callback():
    from app.pages import oauth

    issued = oauth.finish(lambda client, code: auth.wechat_login(db.session, code=code, client=client, now=utcnow(),
                                                                 ttl=_ttl()))
    db.session.commit()
    start_session(issued)
    return redirect(safe_next(request.args.get("next"), url_for("me.index")))


@blp.post("/demo-login")
def demo_login():
    """Demo mode only (like /api/v1/auth/dev-login): the demo resident's pages without WeChat."""
    if not current_app.config["DEMO_MODE"]:
        raise NotFound("not_found", "没有找到 / not found")
    raw = request.form.get("resident_id", "")
    resident_id = int(raw) if raw.isdigit() else db.session.scalar(
        select(Resident.id).where(Resident.wechat_openid == demo.DEMO_OPENID))
    if resident_id is None:
        raise NotFound("resident.not_found", "没有演示居民 / no demo resident")
    issued = auth.dev_login(db.session, resident_id=resident_id, now=utcnow(), ttl=_ttl())
    db.session.commit()
    start_session(issued)
    return redirect(safe_next(request.form.get("next"), url_for("me.index")))


@blp.post("/logout")
def logout():
    end_session()
    return redirect(url_for("me.login"))


# --- my readings -------------------------------------------------------------------------------------------------------
def _bp(actor, days: int) -> dict:
    now = utcnow()
    start, end = charts.window(now, days)
    chart = readings.bp_chart(db.session, actor, actor.id, start=start, end=end, now=now)
    window = chart.windows[0] if chart.windows else None
    if window is not None and window.systolic is not None and days == 7:
        mean_s, mean_d = window.systolic, window.diastolic
    elif chart.sessions:
        mean_s = sum(s.systolic for s in chart.sessions) / len(chart.sessions)
        mean_d = sum(s.diastolic for s in chart.sessions) / len(chart.sessions)
    else:
        mean_s = mean_d = None
    summary = texts.recent_bp(len(chart.sessions), mean_s, mean_d, chart.target, days=days)
    return {"chart": chart, "option": charts.bp_option(chart), "kind": "bp", "days": days, "summary": summary,
            "latest": chart.readings[-1] if chart.readings else None, "chart_url": url_for("me.chart_fragment")}


def _glucose(actor, days: int) -> dict:
    now = utcnow()
    start, end = charts.window(now, days)
    chart = readings.glucose_chart(db.session, actor, actor.id, start=start, end=end, now=now)
    fasting = [r.value_mmol for r in chart.readings if r.value_mmol is not None and r.context.value == "fasting"]
    summary = texts.recent_glucose(len(chart.readings), sum(fasting) / len(fasting) if fasting else None,
                                   chart.fasting_target, days=days)
    return {"chart": chart, "option": charts.glucose_option(chart), "kind": "glucose", "days": days,
            "summary": summary, "latest": chart.readings[-1] if chart.readings else None,
            "chart_url": url_for("me.chart_fragment")}


@blp.get("/bp")
@resident_page
def bp(actor):
    return render_template("me/readings.html", actor=actor, title="我的血压",
                           **_bp(actor, charts.days_arg(request.args.get("days"))))


@blp.get("/glucose")
@resident_page
def glucose(actor):
    return render_template("me/readings.html", actor=actor, title="我的血糖",
                           **_glucose(actor, charts.days_arg(request.args.get("days"))))


@blp.get("/chart")
@resident_page
def chart_fragment(actor):
    days = charts.days_arg(request.args.get("days"))
    context = _glucose(actor, days) if request.args.get("kind") == "glucose" else _bp(actor, days)
    return render_template("_chart.html", base=request.args.get("base", ""), **context)


# --- my team and contract ------------------------------------------------------------------------------------------------
@blp.get("/team")
@resident_page
def team(actor):
    residents.get_own(db.session, actor)
    contract = contracts.open_contract(db.session, actor.id)
    members = []
    if contract is not None:
        order = {TeamRole.village_doctor: 0, TeamRole.township_doctor: 1, TeamRole.county_doctor: 2}
        members = sorted((m for m in contract.team.members if m.staff.active), key=lambda m: order.get(m.role, 9))
    return render_template("me/team.html", actor=actor, contract=contract, members=members,
                           role_labels=texts.TEAM_ROLE_LABELS)


@blp.get("/contract")
@resident_page
def contract(actor):
    residents.get_own(db.session, actor)
    found = contracts.open_contract(db.session, actor.id)
    ledger = fulfilment.contract_ledger(db.session, actor=actor, contract_id=found.id, now=utcnow()) if found else None
    return render_template("me/contract.html", actor=actor, contract=found, ledger=ledger,
                           summary=texts.my_contract(found.team.name, [p.name for p in found.packages], found.ends_on,
                                                     today=local_date(utcnow())) if found else texts.no_contract())


# --- consents and my data ---------------------------------------------------------------------------------------------------
@blp.get("/privacy")
@resident_page
def privacy(actor):
    resident = residents.get_own(db.session, actor)
    return render_template("me/privacy.html", actor=actor, resident=resident,
                           consent=residents.active_consent(resident),
                           notice_url=current_app.config["PRIVACY_NOTICE_URL"],
                           notice_version=current_app.config["PRIVACY_NOTICE_VERSION"])


@blp.post("/privacy/consent")
@resident_page
def give_consent(actor):
    return act(lambda: residents.record_consent(db.session, actor=actor, resident_id=actor.id, channel="wechat",
                                                version=current_app.config["PRIVACY_NOTICE_VERSION"], now=utcnow()),
               back=url_for("me.privacy"), done="已同意，谢谢")


@blp.post("/privacy/withdraw")
@resident_page
def withdraw(actor):
    return act(lambda: residents.withdraw_consent(db.session, actor=actor, resident_id=actor.id, now=utcnow()),
               back=url_for("me.privacy"), done="已撤回授权，我们不再处理您的数据，也不再给您发消息")


@blp.get("/privacy/export")
@resident_page
def export(actor):
    """All my data as a JSON file (个人信息保护法: access and portability), as the API's /residents/me/export."""
    import json

    body = json.dumps(rights.export_data(db.session, actor=actor), ensure_ascii=False, indent=1, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=my-data.json"})


@blp.post("/privacy/delete")
@resident_page
def delete(actor):
    retention = timedelta(days=current_app.config["RETENTION_DAYS"])
    return act(lambda: rights.request_deletion(db.session, actor=actor, now=utcnow(), retention=retention),
               back=url_for("me.privacy"), done="已收到删除申请：消息马上停止，身份信息在法定保存期满后删除")
