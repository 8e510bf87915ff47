"""The printed 随访服务记录表: the fields are in the PDF's text, scopes and audit as for the JSON reads."""
import io
import os
from pathlib import Path
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.services.clock import local_date
from models.audit import AuditEntry
from models.base import utcnow
from tests.care.conftest import visit
from tests.phs.test_followup_forms_api import DM_FORM


def text_of(response) -> list[str]:
    """Each page's text without the spaces (and NULs) that text extraction puts between CJK characters."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return ["".join(p.extract_text().replace("\x00", "").split()) for p in reader.pages]


def test_one_visit_prints_its_boxes(client, world, care, session):
    care.resident("d1", seed=511, conditions=("diabetes",))
    at = utcnow() - timedelta(hours=1)
    f = visit(client, world, resident="d1", at=at, classification="uncontrolled", systolic=128, diastolic=78,
              glucose_mmol=8.4, program="dm", form=DM_FORM,
              medications=[{"drug": "二甲双胍", "dose": "0.5g", "frequency": "每日3次"}]).get_json()["followup"]
    response = client.get(f"/api/v1/followups/{f['id']}/form.pdf", headers=world.headers("vdoc_a"))
    [page] = text_of(response)
    if os.environ.get("PHS_PDF_SAMPLE"):  # keep a copy to look at (pdftoppm -png)
        Path(os.environ["PHS_PDF_SAMPLE"]).write_bytes(response.data)
    for expected in ("2型糖尿病患者随访服务记录表", "姓名：d1", local_date(at).isoformat(), "门诊",
                     "4多尿", "128/78", "72.5/68", "26.1/24", "减弱左侧", "10/5", "400/300", "8.4", "7.92026-11-20",
                     "间断", "忘记", "偶尔", "控制不满意", "第1次控制不满意2周随访", "二甲双胍每日3次0.5g",
                     "甘精胰岛素每晚10单位", f["next_due_on"], "继续随访", "足背动脉搏动", "主食(克/天)"):
        assert expected in page, expected
    audited = session.scalars(select(AuditEntry.target).where(AuditEntry.action == "read")).all()
    assert f"resident:{world.ids['d1']}" in audited


def test_a_year_prints_four_visits_a_page_and_only_that_year(client, world):
    now = utcnow()
    for days in (300, 250, 200, 150, 100):
        assert visit(client, world, at=now - timedelta(days=days), form={"weight_kg": 60 + days / 50}).status_code == 201
    year = local_date(now).year
    pages = text_of(client.get(f"/api/v1/residents/{world.ids['res_a1']}/followup-forms.pdf?year={year}",
                               headers=world.headers("vdoc_a")))
    in_year = [d for d in (300, 250, 200, 150, 100) if local_date(now - timedelta(days=d)).year == year]
    assert len(pages) == max(1, -(-len(in_year) // 4))
    assert all("高血压患者随访服务记录表" in p for p in pages)
    joined = "".join(pages)
    for d in (300, 250, 200, 150, 100):
        assert (local_date(now - timedelta(days=d)).isoformat() in joined) == (d in in_year)


def test_printing_keeps_the_read_scope(client, world):
    f = visit(client, world).get_json()["followup"]
    assert client.get(f"/api/v1/followups/{f['id']}/form.pdf", headers=world.headers("vdoc_c")).status_code == 404
    assert client.get(f"/api/v1/followups/{f['id']}/form.pdf", headers=world.headers("admin")).status_code == 403
    assert client.get(f"/api/v1/residents/{world.ids['res_a1']}/followup-forms.pdf?year=2026",
                      headers=world.headers("vdoc_c")).status_code == 404
    assert client.get(f"/api/v1/residents/{world.ids['res_a1']}/followup-forms.pdf",
                      headers=world.headers("vdoc_a")).status_code == 422
