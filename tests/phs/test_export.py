"""Exports: rows (CSV, JSON Lines), CDA R2 (WS/T 483), FHIR R4B; incremental, corrections, consent, CLI, API."""
import csv
import json
from datetime import timedelta
from xml.etree import ElementTree as ET

from fhir.resources.R4B.bundle import Bundle

from app.services.actors import system_actor
from app.services.phs import export, record
from models.base import utcnow
from models.residents import Consent
from tests.care.conftest import visit
from tests.phs.test_followup_forms_api import DM_FORM

SINCE = "2026-01-01T00:00:00+08:00"


def seeded(client, world, care, session):
    care.resident("d1", seed=521, conditions=("diabetes",))
    care.resident("gone", seed=522)
    session.add(Consent(resident_id=world.ids["gone"], version="v1", channel="api",
                        granted_at=utcnow() - timedelta(days=9), withdrawn_at=utcnow() - timedelta(days=1)))
    session.commit()
    at = utcnow() - timedelta(hours=3)
    htn = visit(client, world, at=at, form={"symptoms": ["headache_dizziness"], "weight_kg": 70, "salt": "heavy",
                                             "salt_target": "light", "heart_rate": 76},
                medications=[{"drug": "氨氯地平", "dose": "5mg", "frequency": "每日1次"}]).get_json()["followup"]
    dm = visit(client, world, resident="d1", at=at, classification="uncontrolled", systolic=128, diastolic=78,
               glucose_mmol=8.4, program="dm", form=DM_FORM).get_json()["followup"]
    assert visit(client, world, resident="gone", at=at).status_code == 201
    return htn, dm


def run(session, world, fmt, tmp_path, **kw):
    from datetime import datetime

    report = export.export_followups(session, actor=system_actor(world.consortium_id), fmt=fmt, now=utcnow(),
                                     since=datetime.fromisoformat(SINCE), out_dir=tmp_path, **kw)
    session.commit()
    return report


def test_rows_are_keyed_by_id_card_and_record_number_with_coded_values(client, world, care, session, tmp_path):
    htn, dm = seeded(client, world, care, session)
    report = run(session, world, "rows", tmp_path)
    assert report.exported == 2 and report.withheld_no_consent == 1
    [htn_csv] = [f for f in report.files if f.endswith("htn.csv")]
    rows = list(csv.DictReader(open(htn_csv, encoding="utf-8")))
    assert len(rows) == 1
    r = rows[0]
    assert len(r["身份证号"]) == 18
    assert r["随访记录ID"] == str(htn["id"]) and r["版本"] == "1" and "健康档案编号" in r
    assert r["DE04.10.174.00"] == "132" and r["DE06.00.108.00"] == "1" and r["DE03.00.094.00"] == "3"
    assert r["DE04.01.116.00"] == "2" and r["JY.salt_target"] == "1" and r["JY.classification"] == "1"
    lines = [json.loads(x) for x in open(next(f for f in report.files if f.endswith(".jsonl")), encoding="utf-8")]
    dm_row = next(x for x in lines if x["随访记录ID"] == dm["id"])
    assert dm_row["数据集"].startswith("EHR-DE-13") and dm_row["JY.foot_pulse"] == "2"
    assert dm_row["JY.glucose_mmol"] == 8.4 and dm_row["DE04.01.116.00"] == "4;5"


def test_cda_documents_are_well_formed_and_complete(client, world, care, session, tmp_path):
    htn, dm = seeded(client, world, care, session)
    report = run(session, world, "cda", tmp_path)
    assert len(report.files) == 2
    for path in report.files:
        body = open(path, "rb").read()
        assert record.check_cda(body) == []
        root = ET.fromstring(body)
        ns = {"v3": record.HL7}
        code = root.find("v3:code", ns)
        expected = "HSDB04.02" if f"-{dm['id']}-v1" in path else "HSDB04.01"
        assert code.get("code") == expected and code.get("codeSystem") == "2.16.156.10011.2.4"
        assert root.find("v3:realmCode", ns).get("code") == "CN"
        codes_in_body = {c.get("code") for c in root.iterfind(".//v3:observation/v3:code", ns)}
        assert "DE04.10.174.00" in codes_in_body
    broken = open(report.files[0], "rb").read().replace(b'<realmCode code="CN" />', b"")
    assert "realmCode[@code='CN']" in record.check_cda(broken)


def test_fhir_bundles_validate_as_r4b(client, world, care, session, tmp_path):
    htn, dm = seeded(client, world, care, session)
    report = run(session, world, "fhir", tmp_path)
    for path in report.files:
        bundle = Bundle.model_validate_json(open(path, encoding="utf-8").read())
        kinds = [e.resource.__class__.__name__ for e in bundle.entry]
        assert kinds[:2] == ["Patient", "Encounter"] and "Observation" in kinds
    dm_bundle = json.load(open(next(f for f in report.files if f"-{dm['id']}-v1" in f), encoding="utf-8"))
    glucose = next(e["resource"] for e in dm_bundle["entry"] if e["fullUrl"].endswith(":obs:glucose_mmol"))
    assert glucose["code"]["coding"][0]["code"] == "14771-0" and glucose["valueQuantity"]["value"] == 8.4


def test_each_version_goes_once_and_a_correction_again(client, world, care, session, tmp_path):
    htn, _ = seeded(client, world, care, session)
    dry = run(session, world, "rows", tmp_path / "dry", dry_run=True)
    assert dry.exported == 2 and not (tmp_path / "dry").exists()
    assert run(session, world, "rows", tmp_path).exported == 2
    assert run(session, world, "rows", tmp_path).exported == 0
    assert run(session, world, "cda", tmp_path).exported == 2  # another destination key, its own cursor
    fixed = client.patch(f"/api/v1/followups/{htn['id']}", json={"form": {"weight_kg": 69}},
                         headers=world.headers("vdoc_a"))
    assert fixed.status_code == 200
    again = run(session, world, "rows", tmp_path)
    assert again.exported == 1 and again.corrections == 1
    line = json.loads(open(next(f for f in again.files if f.endswith(".jsonl")), encoding="utf-8").readline())
    assert line["版本"] == 2 and line["DE04.10.188.00"] == 69


def test_cli_exports_all_formats_and_says_how_many_were_left_out(app, client, world, care, session, tmp_path):
    seeded(client, world, care, session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["phs", "export", "--since", SINCE, "--out", str(tmp_path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "county:rows: would export 2" in result.output and "left out 1" in result.output
    result = runner.invoke(args=["phs", "export", "--since", SINCE, "--out", str(tmp_path)])
    assert result.exit_code == 0 and result.output.count("exported 2") == 3
    assert len(list(tmp_path.rglob("*.xml"))) == 2 and len(list(tmp_path.rglob("*.json"))) == 2


def test_api_export_is_for_admins(client, world, care, session):
    seeded(client, world, care, session)
    body = {"since": SINCE, "format": "fhir"}
    assert client.post("/api/v1/phs/exports", json=body, headers=world.headers("vdoc_a")).status_code == 403
    r = client.post("/api/v1/phs/exports", json=body, headers=world.headers("admin"))
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert out["exported"] == 2 and out["withheld_no_consent"] == 1 and len(out["items"]) == 2
    Bundle.model_validate_json(out["items"][0]["content"])
    assert client.post("/api/v1/phs/exports", json=body, headers=world.headers("admin")).get_json()["exported"] == 0
