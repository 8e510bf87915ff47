"""Pure domain rules: default BP targets, the contract state machine, 1+1+1 composition."""
import pytest

from app.services.contracts import TRANSITIONS, can_transition
from app.services.teams import Seat, composition_problems
from ml.clinical import BpTarget, default_bp_target
from models.contracts import ContractStatus as S
from models.org import InstitutionLevel as L, StaffRole as R, TeamRole as T


@pytest.mark.parametrize("age, conditions, expected", [
    (60, [], BpTarget(135, 85)),
    (79, ["hypertension"], BpTarget(135, 85)),
    (80, ["hypertension"], BpTarget(150, 90)),
    (85, ["hypertension", "diabetes"], BpTarget(130, 80)),
    (50, ["ckd"], BpTarget(130, 80)),
    (90, ["ckd"], BpTarget(130, 80)),
])
def test_default_bp_target_by_age_and_conditions(age, conditions, expected):
    assert default_bp_target(age, conditions) == expected


@pytest.mark.parametrize("current, target, allowed", [
    (S.pending, S.active, True),
    (S.pending, S.terminated, True),
    (S.pending, S.expired, False),
    (S.pending, S.renewed, False),
    (S.active, S.expired, True),
    (S.active, S.terminated, True),
    (S.active, S.renewed, True),
    (S.active, S.pending, False),
    (S.expired, S.renewed, True),
    (S.expired, S.active, False),
    (S.terminated, S.active, False),
    (S.renewed, S.active, False),
])
def test_contract_state_machine(current, target, allowed):
    assert can_transition(current, target) is allowed


def test_terminal_states_have_no_exit():
    assert TRANSITIONS[S.terminated] == frozenset() and TRANSITIONS[S.renewed] == frozenset()


COUNTY, TOWN, VILLAGE, OTHER_TOWN = 1, 2, 3, 4


def seats(**over):
    base = {
        T.county_doctor: Seat(T.county_doctor, 10, R.county_doctor, True, COUNTY, L.county, None),
        T.township_doctor: Seat(T.township_doctor, 11, R.township_doctor, True, TOWN, L.township, COUNTY),
        T.village_doctor: Seat(T.village_doctor, 12, R.village_doctor, True, VILLAGE, L.village, TOWN),
    }
    base.update(over)
    return [s for s in base.values() if s is not None]


def test_valid_team_has_no_problems():
    assert composition_problems(seats(), lead_id=11, consortium_county_id=COUNTY) == {}


def test_missing_village_doctor():
    problems = composition_problems(seats(**{T.village_doctor: None}), lead_id=11, consortium_county_id=COUNTY)
    assert set(problems) == {"village_doctor"}


def test_village_clinic_must_be_under_the_township():
    other = Seat(T.village_doctor, 12, R.village_doctor, True, VILLAGE, L.village, OTHER_TOWN)
    problems = composition_problems(seats(**{T.village_doctor: other}), lead_id=11, consortium_county_id=COUNTY)
    assert set(problems) == {"village_doctor"}


def test_county_doctor_must_be_from_the_county_hospital():
    assert "county_doctor" in composition_problems(seats(), lead_id=11, consortium_county_id=99)


def test_wrong_staff_role_in_a_seat():
    wrong = Seat(T.township_doctor, 11, R.village_doctor, True, TOWN, L.township, COUNTY)
    assert "township_doctor" in composition_problems(seats(**{T.township_doctor: wrong}), lead_id=11,
                                                     consortium_county_id=COUNTY)


def test_inactive_member_refused():
    inactive = Seat(T.county_doctor, 10, R.county_doctor, False, COUNTY, L.county, None)
    assert "county_doctor" in composition_problems(seats(**{T.county_doctor: inactive}), lead_id=11,
                                                   consortium_county_id=COUNTY)


def test_lead_must_be_a_member():
    assert "lead_id" in composition_problems(seats(), lead_id=999, consortium_county_id=COUNTY)


def test_two_county_doctors_refused():
    extra = Seat(T.county_doctor, 13, R.county_doctor, True, COUNTY, L.county, None)
    problems = composition_problems(seats() + [extra], lead_id=11, consortium_county_id=COUNTY)
    assert "county_doctor" in problems


def test_same_person_in_two_roles_refused():
    nurse = Seat(T.nurse, 12, R.village_doctor, True, VILLAGE, L.village, TOWN)
    assert "members" in composition_problems(seats() + [nurse], lead_id=11, consortium_county_id=COUNTY)
