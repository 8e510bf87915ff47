"""One canonical follow-up record keyed by WS 363 data-element codes, and its three thin serializers:
dataset rows (CSV / JSON Lines), a WS/T 483 CDA R2 document, an HL7 FHIR R4B Bundle. Pure: no database.

An element without a known WS 363 code is keyed `JY.<field key>` (JiaYi's own), never under a guessed code.
docs/public_health_forms.md lists the codes, their sources and which are still unchecked.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable
from xml.etree import ElementTree as ET

from app.services.phs import codes

LOCAL = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    de: str | None
    value: Any                 # number, text, ISO date, or the code(s) sent out
    display: str | None = None  # Chinese label of a coded value
    unit: str | None = None
    value_set: str | None = None

    @property
    def column(self) -> str:
        return self.de or f"JY.{self.key}"


@dataclass(frozen=True)
class FollowUpRecord:
    """Everything an export sends about one follow-up version."""
    followup_id: int
    version: int
    program: str
    visited_at: datetime
    updated_at: datetime
    id_card: str
    record_no: str | None
    name: str
    sex: str
    birth_date: date
    doctor: str
    institution: str
    elements: list[Element] = field(default_factory=list)
    medications: list[dict] = field(default_factory=list)

    @property
    def document_code(self) -> str:
        return codes.DOCUMENT_TYPES[self.program][0]

    def element(self, key: str) -> Element | None:
        return next((e for e in self.elements if e.key == key), None)


def build(*, followup, resident_id_card: str, resident, doctor: str, institution: str) -> FollowUpRecord:
    """The canonical record of a follow-up row (its form boxes, coded with the code table)."""
    f = followup
    values: dict[str, Any] = {**(f.form or {}), "method": f.method.value, "systolic": f.systolic,
                              "diastolic": f.diastolic, "glucose_mmol": f.glucose_mmol,
                              "classification": f.classification.value, "next_step": f.next_step,
                              "outcome": f.outcome, "next_due_on": f.next_due_on.isoformat(),
                              "visited_at": f.visited_at.astimezone(LOCAL).date().isoformat()}
    elements = []
    for fd in codes.fields_for(f.program):
        raw = values.get(fd.key)
        if raw is None or raw == []:
            continue
        if fd.kind == "code":
            c = codes.VALUE_SETS[fd.value_set].by_key(raw)
            elements.append(Element(fd.key, fd.label, fd.de, c.code, c.label, value_set=fd.value_set))
        elif fd.kind == "codes":
            cs = [codes.VALUE_SETS[fd.value_set].by_key(k) for k in raw]
            elements.append(Element(fd.key, fd.label, fd.de, [c.code for c in cs], "、".join(c.label for c in cs),
                                    value_set=fd.value_set))
        else:
            elements.append(Element(fd.key, fd.label, fd.de, raw, unit=fd.unit))
    meds = [{"drug": m.drug, "usage": m.frequency, "dose": m.dose} for m in f.medications]
    return FollowUpRecord(followup_id=f.id, version=f.version, program=f.program, visited_at=f.visited_at,
                          updated_at=f.updated_at, id_card=resident_id_card, record_no=resident.phs_record_no,
                          name=resident.name, sex=resident.sex.value, birth_date=resident.birth_date, doctor=doctor,
                          institution=institution, elements=elements, medications=meds)


# --- dataset rows ------------------------------------------------------------------------------------------
ROW_KEYS = ("身份证号", "健康档案编号", "数据集", "随访记录ID", "版本")


def row(record: FollowUpRecord) -> dict[str, Any]:
    """One dataset row: keyed by 身份证号 and 健康档案编号, then the coded values by data-element code."""
    out: dict[str, Any] = {"身份证号": record.id_card, "健康档案编号": record.record_no or "",
                           "数据集": codes.DATASETS[record.program], "随访记录ID": record.followup_id,
                           "版本": record.version}
    for e in record.elements:
        out[e.column] = ";".join(e.value) if isinstance(e.value, list) else e.value
    out["JY.medications"] = json.dumps(record.medications, ensure_ascii=False) if record.medications else ""
    out["JY.doctor"] = record.doctor
    return out


def row_columns(program: str) -> list[str]:
    """The CSV header of one program's dataset."""
    cols = [f.de or f"JY.{f.key}" for f in codes.fields_for(program)]
    return list(ROW_KEYS) + list(dict.fromkeys(cols)) + ["JY.medications", "JY.doctor"]


def rows_csv(records: Iterable[FollowUpRecord], program: str) -> str:
    """CSV of one program's rows (UTF-8; the header names data elements)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=row_columns(program), extrasaction="raise")
    writer.writeheader()
    for r in records:
        if r.program == program:
            writer.writerow(row(r))
    return buf.getvalue()


def rows_jsonl(records: Iterable[FollowUpRecord]) -> str:
    """JSON Lines, one follow-up a line."""
    return "".join(json.dumps(row(r), ensure_ascii=False) + "\n" for r in records)


# --- CDA R2 (WS/T 483-2016 shared document) ----------------------------------------------------------------
HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# Identifier roots. The WS/T 483 templates use OIDs under 2.16.156.10011.1 for 健康档案编号 and 身份证号; the
# exact arcs were not verified against the published standard, so they are settings (docs/public_health_forms.md).
ID_ROOTS = {"document": "2.16.156.10011.1.1", "record_no": "2.16.156.10011.1.2", "id_card": "2.16.156.10011.1.3",
            "staff": "2.16.156.10011.1.4"}
# Sections: LOINC section codes, as the WS/T 483 templates use them.
SECTIONS = (
    ("10187-3", "症状", ("symptoms", "symptoms_other")),
    ("8716-3", "体征", ("systolic", "diastolic", "weight_kg", "weight_target_kg", "bmi", "bmi_target", "heart_rate",
                      "foot_pulse", "foot_pulse_side", "signs_other")),
    ("29762-2", "生活方式指导", ("smoking_per_day", "smoking_target", "drinking_per_day", "drinking_target",
                           "exercise_per_week", "exercise_minutes", "exercise_per_week_target",
                           "exercise_minutes_target", "salt", "salt_target", "staple_g_per_day",
                           "staple_target_g_per_day", "psychological", "compliance")),
    ("30954-2", "辅助检查", ("glucose_mmol", "hba1c_percent", "hba1c_on", "tests_other")),
    ("10160-0", "用药", ("adherence", "nonadherence_reason", "adverse_reaction", "adverse_reaction_text",
                       "hypoglycaemia", "insulin_type", "insulin_dose")),
    ("18776-5", "健康指导与随访计划", ("method", "classification", "next_step", "referral_reason",
                                  "referral_reason_text", "referral_to", "next_due_on", "outcome", "end_reason")),
)
CDA_REQUIRED = ("realmCode[@code='CN']", "typeId", "id", "code", "title", "effectiveTime", "confidentialityCode",
                "languageCode", "setId", "versionNumber", "recordTarget/patientRole/id",
                "recordTarget/patientRole/patient/name", "author/time", "author/assignedAuthor/id",
                "custodian/assignedCustodian/representedCustodianOrganization/name",
                "component/structuredBody/component/section")


def _ts(moment: datetime) -> str:
    return moment.astimezone(LOCAL).strftime("%Y%m%d%H%M%S+0800")


def cda(record: FollowUpRecord, *, now: datetime) -> bytes:
    """The follow-up as a WS/T 483 shared document (HSDB04.01 / HSDB04.02), UTF-8 XML."""
    ET.register_namespace("", HL7)
    ET.register_namespace("xsi", XSI)
    q = lambda tag: f"{{{HL7}}}{tag}"  # noqa: E731
    doc = ET.Element(q("ClinicalDocument"))

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, q(tag), {k.replace("_", ":") if k == "xsi_type" else k: str(v)
                                             for k, v in attrs.items() if v is not None})
        if text is not None:
            el.text = str(text)
        return el

    code, title = codes.DOCUMENT_TYPES[record.program]
    sub(doc, "realmCode", code="CN")
    sub(doc, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_MT000040")
    sub(doc, "id", root=ID_ROOTS["document"], extension=f"JY-FU-{record.followup_id}-v{record.version}")
    sub(doc, "code", code=code, codeSystem=codes.DOC_CODE_SYSTEM, codeSystemName="卫生信息共享文档编码体系")
    sub(doc, "title", title)
    sub(doc, "effectiveTime", value=_ts(now))
    sub(doc, "confidentialityCode", code="N", codeSystem="2.16.840.1.113883.5.25", codeSystemName="Confidentiality",
        displayName="正常访问保密级别")
    sub(doc, "languageCode", code="zh-CN")
    sub(doc, "setId", root=ID_ROOTS["document"], extension=f"JY-FU-{record.followup_id}")
    sub(doc, "versionNumber", value=record.version)
    role = sub(sub(doc, "recordTarget", typeCode="RCT", contextControlCode="OP"), "patientRole", classCode="PAT")
    if record.record_no:
        sub(role, "id", root=ID_ROOTS["record_no"], extension=record.record_no)
    else:
        sub(role, "id", root=ID_ROOTS["record_no"], nullFlavor="NI")
    patient = sub(role, "patient", classCode="PSN", determinerCode="INSTANCE")
    sub(patient, "id", root=ID_ROOTS["id_card"], extension=record.id_card)
    sub(patient, "name", record.name)
    sub(patient, "administrativeGenderCode", code={"M": "1", "F": "2"}[record.sex], codeSystem="2.16.156.10011.2.3.3.4",
        codeSystemName="生理性别代码表(GB/T 2261.1)")
    sub(patient, "birthTime", value=record.birth_date.strftime("%Y%m%d"))
    author = sub(doc, "author", typeCode="AUT", contextControlCode="OP")
    sub(author, "time", value=_ts(record.visited_at))
    assigned = sub(author, "assignedAuthor", classCode="ASSIGNED")
    sub(assigned, "id", root=ID_ROOTS["staff"], extension=record.doctor)
    sub(sub(assigned, "assignedPerson", classCode="PSN", determinerCode="INSTANCE"), "name", record.doctor)
    custodian = sub(sub(doc, "custodian", typeCode="CST"), "assignedCustodian", classCode="ASSIGNED")
    org = sub(custodian, "representedCustodianOrganization", classCode="ORG", determinerCode="INSTANCE")
    sub(org, "id", root=ID_ROOTS["document"], extension="JiaYi")
    sub(org, "name", record.institution)
    body = sub(sub(doc, "component"), "structuredBody")
    by_key = {e.key: e for e in record.elements}
    for loinc, name, keys in SECTIONS:
        present = [by_key[k] for k in keys if k in by_key]
        if not present and loinc != "10160-0":
            continue
        section = sub(sub(body, "component"), "section")
        sub(section, "code", code=loinc, codeSystem="2.16.840.1.113883.6.1", codeSystemName="LOINC",
            displayName=name)
        sub(section, "text", "；".join(f"{e.label}：{e.display or e.value}{e.unit or ''}" for e in present))
        for e in present:
            obs = sub(sub(section, "entry"), "observation", classCode="OBS", moodCode="EVN")
            sub(obs, "code", code=e.column, codeSystem=codes.DE_CODE_SYSTEM if e.de else "JiaYi",
                codeSystemName="卫生信息数据元目录" if e.de else "JiaYi 随访表", displayName=e.label)
            _cda_value(sub, obs, e)
        if loinc == "10160-0":
            for m in record.medications:
                sa = sub(sub(section, "entry"), "substanceAdministration", classCode="SBADM", moodCode="EVN")
                sub(sa, "text", " ".join(x for x in (m["drug"], m["usage"], m["dose"]) if x))
                product = sub(sub(sa, "consumable"), "manufacturedProduct")
                sub(sub(product, "manufacturedLabeledDrug"), "name", m["drug"])
    return ET.tostring(doc, encoding="utf-8", xml_declaration=True)


def _cda_value(sub, obs, e: Element) -> None:
    xsi_type = f"{{{XSI}}}type"
    if e.value_set:
        for value in (e.value if isinstance(e.value, list) else [e.value]):
            el = sub(obs, "value", code=value, codeSystem=f"JiaYi.{e.value_set}",
                     displayName=codes.VALUE_SETS[e.value_set].by_key_code(value).label)
            el.set(xsi_type, "CD")
    elif isinstance(e.value, (int, float)) and not isinstance(e.value, bool):
        el = sub(obs, "value", value=f"{e.value:g}", unit=e.unit or "1")
        el.set(xsi_type, "PQ")
    elif e.key.endswith("_on") or e.key == "visited_at":
        el = sub(obs, "value", value=str(e.value).replace("-", ""))
        el.set(xsi_type, "TS")
    else:
        el = sub(obs, "value", str(e.value))
        el.set(xsi_type, "ST")


def check_cda(document: bytes) -> list[str]:
    """The template's required header and body elements that are missing (empty list: complete).
    Also fails on XML that is not well-formed."""
    root = ET.fromstring(document)
    ns = {"v3": HL7}
    missing = []
    for path in CDA_REQUIRED:
        xpath = "/".join(f"v3:{part}" if not part.startswith("@") else part for part in path.split("/"))
        if root.find(xpath, ns) is None:
            missing.append(path)
    code = root.find("v3:code", ns)
    if code is None or code.get("codeSystem") != codes.DOC_CODE_SYSTEM or code.get("code") not in \
            {c for c, _ in codes.DOCUMENT_TYPES.values()}:
        missing.append("code[@codeSystem='2.16.156.10011.2.4']")
    for section in root.iterfind(".//v3:section", ns):
        if section.find("v3:code", ns) is None or section.find("v3:text", ns) is None:
            missing.append("section/code+text")
    return missing


# --- HL7 FHIR R4B Bundle ------------------------------------------------------------------------------------
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
DE_SYSTEM = f"urn:oid:{codes.DE_CODE_SYSTEM}"
JY_SYSTEM = "urn:jiayi:followup-form"
# Vital signs with their LOINC codes (FHIR vital-signs profile; the BP panel as CardX models BP, measured here
# at the visit, so not CardX's self-measured method).
VITALS = {"weight_kg": ("29463-7", "Body weight", "kg"), "bmi": ("39156-5", "Body mass index", "kg/m2"),
          "heart_rate": ("8867-4", "Heart rate", "/min"),
          "glucose_mmol": ("14771-0", "Fasting glucose [Moles/volume] in Serum or Plasma", "mmol/L"),
          "hba1c_percent": ("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%")}
ENCOUNTER_CLASS = {"1": "AMB", "2": "HH", "3": "VR", "91": "VR", "92": "VR"}


def fhir_bundle(record: FollowUpRecord) -> dict:
    """The follow-up as an R4B collection Bundle (Patient, Encounter, Observations, MedicationStatements),
    validated by fhir.resources' R4B models; returns plain JSON data."""
    from fhir.resources.R4B.bundle import Bundle

    base = f"urn:jiayi:followup:{record.followup_id}:v{record.version}"
    patient_ref, encounter_ref = f"{base}:patient", f"{base}:encounter"
    effective = record.visited_at.astimezone(LOCAL).isoformat()
    entries = [{"fullUrl": patient_ref, "resource": {
        "resourceType": "Patient",
        "identifier": [{"system": f"urn:oid:{ID_ROOTS['id_card']}", "value": record.id_card, "type": {"text": "身份证号"}}]
        + ([{"system": f"urn:oid:{ID_ROOTS['record_no']}", "value": record.record_no, "type": {"text": "健康档案编号"}}]
           if record.record_no else []),
        "name": [{"text": record.name}], "gender": {"M": "male", "F": "female"}[record.sex],
        "birthDate": record.birth_date.isoformat()}}]
    mode = record.element("method")
    entries.append({"fullUrl": encounter_ref, "resource": {
        "resourceType": "Encounter", "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": ENCOUNTER_CLASS[mode.value]},
        "type": [{"coding": [{"system": f"urn:oid:{codes.DOC_CODE_SYSTEM}",
                              "code": codes.DOCUMENT_TYPES[record.program][0],
                              "display": codes.DOCUMENT_TYPES[record.program][1]}],
                  "text": f"随访方式：{mode.display}"}],
        "subject": {"reference": patient_ref}, "period": {"start": effective},
        "participant": [{"individual": {"display": record.doctor}}],
        "serviceProvider": {"display": record.institution}}})

    def observation(key: str, resource: dict) -> None:
        entries.append({"fullUrl": f"{base}:obs:{key}", "resource": {
            "resourceType": "Observation", "status": "final", "subject": {"reference": patient_ref},
            "encounter": {"reference": encounter_ref}, "effectiveDateTime": effective, **resource}})

    vital_category = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                   "code": "vital-signs"}]}]
    sys_, dia = record.element("systolic"), record.element("diastolic")
    if sys_ and dia:
        observation("bp", {"category": vital_category, "code": {"coding": [
            {"system": LOINC, "code": "85354-9", "display": "Blood pressure panel with all children optional"}]},
            "component": [
                {"code": {"coding": [{"system": LOINC, "code": "8480-6"}, {"system": DE_SYSTEM, "code": sys_.de}]},
                 "valueQuantity": {"value": sys_.value, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}},
                {"code": {"coding": [{"system": LOINC, "code": "8462-4"}, {"system": DE_SYSTEM, "code": dia.de}]},
                 "valueQuantity": {"value": dia.value, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}}]})
    done = {"systolic", "diastolic", "method"}
    for key, (loinc, display, unit) in VITALS.items():
        e = record.element(key)
        if e is None:
            continue
        coding = [{"system": LOINC, "code": loinc, "display": display}]
        if e.de:
            coding.append({"system": DE_SYSTEM, "code": e.de})
        observation(key, {"category": vital_category if key in ("weight_kg", "bmi", "heart_rate") else
                          [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                        "code": "laboratory"}]}],
                          "code": {"coding": coding, "text": e.label},
                          "valueQuantity": {"value": e.value, "unit": unit, "system": UCUM, "code": unit}})
        done.add(key)
    for e in record.elements:
        if e.key in done:
            continue
        code = {"coding": [{"system": DE_SYSTEM if e.de else JY_SYSTEM, "code": e.column, "display": e.label}],
                "text": e.label}
        if e.value_set:
            values = e.value if isinstance(e.value, list) else [e.value]
            value = {"valueCodeableConcept": {
                "coding": [{"system": f"{JY_SYSTEM}:{e.value_set}", "code": v,
                            "display": codes.VALUE_SETS[e.value_set].by_key_code(v).label} for v in values],
                "text": e.display}}
        elif isinstance(e.value, (int, float)) and not isinstance(e.value, bool):
            value = {"valueQuantity": {"value": e.value, **({"unit": e.unit} if e.unit else {})}}
        else:
            value = {"valueString": str(e.value)}
        observation(e.key, {"code": code, **value})
    for i, m in enumerate(record.medications):
        entries.append({"fullUrl": f"{base}:med:{i}", "resource": {
            "resourceType": "MedicationStatement", "status": "active",
            "medicationCodeableConcept": {"text": m["drug"]}, "subject": {"reference": patient_ref},
            "context": {"reference": encounter_ref}, "effectiveDateTime": effective,
            "dosage": [{"text": " ".join(x for x in (m["usage"], m["dose"]) if x) or m["drug"]}]}})
    bundle = Bundle.model_validate({"resourceType": "Bundle", "type": "collection",
                                    "identifier": {"system": JY_SYSTEM, "value": base},
                                    "timestamp": record.updated_at.isoformat(), "entry": entries})
    return json.loads(bundle.model_dump_json())
