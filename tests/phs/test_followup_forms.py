"""The complete 随访服务记录表: the code table, form checks, the 规范's next step and due date (no database)."""
from datetime import date

import pytest

from app.errors import RuleViolation
from app.services import followup_forms as forms
from app.services.phs import codes


def test_every_coded_field_has_its_value_set_and_each_form_its_own_boxes():
    for f in codes.FIELDS:
        assert f.kind != "code" or f.value_set in codes.VALUE_SETS, f.key
        assert f.target_of is None or f.range is not None or f.value_set, f.key
    htn = {f.key for f in codes.fields_for("htn")}
    dm = {f.key for f in codes.fields_for("dm")}
    assert {"salt", "heart_rate"} <= htn - dm
    assert {"foot_pulse", "foot_pulse_side", "staple_g_per_day", "hba1c_percent", "hypoglycaemia",
            "insulin_type"} <= dm - htn
    assert codes.label("visit_mode", "home") == "家庭" and codes.code("visit_mode", "home") == "2"
    assert codes.VALUE_SETS["visit_mode"].by_key("wechat").extension


def test_the_definition_is_plain_data_for_the_entry_form():
    d = codes.definition()
    assert d["programs"]["dm"]["document_code"] == "HSDB04.02"
    symptom = next(f for f in d["programs"]["dm"]["fields"] if f["key"] == "symptoms")
    assert symptom["value_set"] == "dm_symptom"


@pytest.mark.parametrize("key,value", [("weight_target_kg", 10), ("bmi_target", 40), ("smoking_target", 80),
                                       ("staple_target_g_per_day", 50), ("salt", "none"), ("symptoms", ["x"]),
                                       ("symptoms", ["none", "polyuria"]), ("hba1c_on", "2026-13-01"),
                                       ("exercise_per_week", 1.5), ("heart_rate", 80)])
def test_implausible_or_unknown_boxes_are_refused(key, value):
    with pytest.raises(RuleViolation) as err:
        forms.clean_form("dm", {key: value})
    assert key in err.value.errors


def test_a_clean_form_keeps_codes_and_rounds_numbers():
    assert forms.clean_form("dm", {"weight_kg": 70.26, "symptoms": ["polyuria", "polyuria"], "foot_pulse": "weak",
                                   "insulin_type": " 门冬胰岛素 ", "tests_other": ""}) == {
        "weight_kg": 70.3, "symptoms": ["polyuria"], "foot_pulse": "weak", "insulin_type": "门冬胰岛素"}


@pytest.mark.parametrize("program,cls,age,bp,glucose,form,ok", [
    ("htn", "controlled", 50, (138, 88), None, {}, True),
    ("htn", "controlled", 50, (142, 80), None, {}, False),
    ("htn", "controlled", 70, (146, 85), None, {}, True),          # ≥65: <150/90
    ("htn", "controlled", 70, (150, 85), None, {}, False),
    ("dm", "controlled", 50, None, 6.8, {}, True),
    ("dm", "controlled", 50, None, 7.0, {}, False),
    ("htn", "controlled", 50, (120, 70), None, {"adverse_reaction": "yes"}, False),
    ("htn", "uncontrolled", 50, (120, 70), None, {}, False),
    ("htn", "uncontrolled", 50, (120, 70), None, {"symptoms": ["headache_dizziness"]}, True),
    ("dm", "uncontrolled", 50, (120, 70), 8.1, {}, True),
    ("htn", "adverse_reaction", 50, (120, 70), None, {"adverse_reaction": "no"}, False),
])
def test_classification_must_agree_with_the_values(program, cls, age, bp, glucose, form, ok):
    sys_, dia = bp or (None, None)
    call = lambda: forms.check_classification(program, cls, age=age, systolic=sys_, diastolic=dia,  # noqa: E731
                                              glucose_mmol=glucose, form=form)
    if ok:
        call()
    else:
        with pytest.raises(RuleViolation):
            call()


@pytest.mark.parametrize("cls,previous,dangers,step,reason", [
    ("controlled", [], [], "routine", None),
    ("uncontrolled", ["controlled"], [], "two_weeks", None),
    ("uncontrolled", ["uncontrolled"], [], "referral", "two_uncontrolled"),
    ("adverse_reaction", ["uncontrolled"], [], "referral", "two_uncontrolled"),
    ("adverse_reaction", ["adverse_reaction"], [], "referral", "adverse_uncontrolled"),
    ("complication", [], [], "referral", "new_complication"),
    ("uncontrolled", [], ["血压≥180/110mmHg"], "emergency_referral", "emergency"),
])
def test_next_step_follows_the_rules(cls, previous, dangers, step, reason):
    rule = forms.required_next_step(cls, previous, dangers)
    assert (rule.step, rule.referral_reason) == (step, reason)


def test_a_laxer_step_than_the_rules_is_refused_a_stricter_one_kept():
    rule = forms.required_next_step("uncontrolled", ["uncontrolled"], [])
    with pytest.raises(RuleViolation) as err:
        forms.choose_next_step(rule, "two_weeks")
    assert err.value.code == "followup.referral_required"
    assert forms.choose_next_step(forms.required_next_step("controlled", [], []), "two_weeks") == "two_weeks"


def test_due_date_by_next_step():
    day = date(2026, 3, 31)
    assert forms.due_date("routine", day) == date(2026, 6, 30)
    for step in ("two_weeks", "referral", "emergency_referral"):
        assert forms.due_date(step, day) == date(2026, 4, 14)
    assert forms.check_next_visit(date(2026, 4, 10), date(2026, 4, 14), day) == date(2026, 4, 10)
    with pytest.raises(RuleViolation):
        forms.check_next_visit(date(2026, 4, 20), date(2026, 4, 14), day)


def test_danger_signs_are_measured_ones_of_the_form():
    assert forms.danger_signs("htn", systolic=182, diastolic=100, glucose_mmol=None)
    assert forms.danger_signs("htn", systolic=150, diastolic=95, glucose_mmol=20.0) == []
    assert forms.danger_signs("dm", systolic=None, diastolic=None, glucose_mmol=3.6)
    assert forms.danger_signs("dm", systolic=None, diastolic=None, glucose_mmol=16.7)


def test_ending_management_needs_a_reason_and_referral_a_place_on_a_full_form():
    with pytest.raises(RuleViolation):
        forms.check_outcome("ended", {})
    forms.check_outcome("ended", {"end_reason": "moved"})
    form: dict = {}
    rule = forms.required_next_step("complication", [], [])
    with pytest.raises(RuleViolation):
        forms.check_referral("referral", rule, form, full_form=True)
    forms.check_referral("referral", rule, form, full_form=False)
    assert form["referral_reason"] == "new_complication"
