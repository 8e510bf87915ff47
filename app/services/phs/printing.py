"""Print the 随访服务记录表: one visit, or a resident's year (same scopes and audit as the JSON reads)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.actors import Actor
from app.services.followups import get_followup
from app.services.phs import codes, form_pdf
from app.services.scopes import get_resident
from models.followups import FollowUp
from models.org import Staff
from models.residents import Resident

LOCAL = timezone(timedelta(hours=8))  # Asia/Shanghai: a 随访表 year is a local calendar year


def _visits(session: Session, followups: list[FollowUp]) -> list[form_pdf.Visit]:
    ids = {f.staff_id for f in followups}
    names = dict(session.execute(select(Staff.id, Staff.full_name).where(Staff.id.in_(ids or [-1]))).all())
    return [form_pdf.Visit(followup=f, doctor=names.get(f.staff_id, "")) for f in followups]


def followup_form_pdf(session: Session, actor: Actor, followup_id: int) -> bytes:
    """One visit on its form (the other three columns left blank for the paper sheet)."""
    followup = get_followup(session, actor, followup_id)
    resident = session.get(Resident, followup.resident_id)
    return form_pdf.render(program=followup.program, name=resident.name, record_no=resident.phs_record_no,
                           visits=_visits(session, [followup]))


def year_forms_pdf(session: Session, actor: Actor, resident_id: int, year: int) -> bytes:
    """The resident's visits of one year, four to a page; a resident on both programmes gets both forms."""
    resident = get_resident(session, actor, resident_id)
    start = datetime.combine(datetime(year, 1, 1).date(), time(), LOCAL)
    end = datetime.combine(datetime(year + 1, 1, 1).date(), time(), LOCAL)
    rows = list(session.scalars(select(FollowUp).where(FollowUp.resident_id == resident.id,
                                                       FollowUp.visited_at >= start, FollowUp.visited_at < end)
                                .order_by(FollowUp.visited_at, FollowUp.id)))
    programs = [p for p in codes.PROGRAMS if any(f.program == p for f in rows)] or [_default_program(resident)]
    parts = [(p, _visits(session, [f for f in rows if f.program == p])) for p in programs]
    return form_pdf.render_forms(parts=parts, name=resident.name, record_no=resident.phs_record_no,
                                 title_note=f"{year}年")


def _default_program(resident: Resident) -> str:
    return "dm" if resident.condition_codes == ["diabetes"] else "htn"
