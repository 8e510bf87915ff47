"""Input that used to be accepted or crash: contradictory glucose, deep or huge JSON,
impossible birth dates, blank or control-character names, fractional integers, a resident posing as a device."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from app.errors import RuleViolation
from app.services.privacy import id_card_check_char, parse_id_card
from tests.readings.conftest import consented  # noqa: F401 - the fixture: team A's residents have consented

URL = "/api/v1/readings"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _id_card(born: str) -> str:
    first17 = "330102" + born + "123"
    return first17 + id_card_check_char(first17)


@pytest.mark.parametrize("body", [{"value": 25.0, "meter_flag": "LO"}, {"value": 5.5, "meter_flag": "HI"}])
def test_glucose_value_and_meter_flag_that_disagree_are_422(client, consented, body):  # noqa: F811
    response = client.post(f"{URL}/glucose", json={**body, "context": "fasting", "measured_at": _now()},
                           headers=consented.headers("res_a1"))
    assert response.status_code == 422
    assert "meter_flag" in response.get_json()["errors"]


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/dev-login", "/api/v1/auth/wechat",
                                  f"{URL}/bp"])
@pytest.mark.parametrize("payload", ["[" * 5000 + "]" * 5000, '{"systolic": ' + "9" * 5000 + "}"],
                         ids=["deep", "huge-int"])
def test_deep_or_huge_json_is_400_problem_never_500(client, world, path, payload, caplog):
    headers = {"Content-Type": "application/json", **world.headers("res_a1")}
    response = client.post(path, data=payload, headers=headers)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert not any(r.exc_info for r in caplog.records)  # no stack trace in the log


@pytest.mark.parametrize("born", ["29510101", "18991231"])
def test_id_card_birth_date_in_the_future_or_before_1900_is_refused(born):
    with pytest.raises(RuleViolation) as refused:
        parse_id_card(_id_card(born), today=date(2026, 6, 1))
    assert refused.value.code == "id_card.birth_date"


def test_id_card_with_a_future_birth_date_is_422_through_the_api(client, world):
    response = client.post("/api/v1/residents", json={"name": "王五", "id_card": _id_card("29510101"),
                                                      "village_id": world.ids["village_a"]},
                           headers=world.headers("vdoc_a"))
    assert response.status_code == 422


@pytest.mark.parametrize("name", ["   ", "王\x00五", "王\u202e五"])
def test_blank_names_and_control_characters_are_422(client, world, name):
    response = client.post("/api/v1/residents", json={"name": name, "id_card": _id_card("19600101"),
                                                      "village_id": world.ids["village_a"]},
                           headers=world.headers("vdoc_a"))
    assert response.status_code == 422
    assert "name" in response.get_json()["errors"]


def test_names_are_stripped_before_they_are_stored(client, world):
    response = client.post("/api/v1/residents", json={"name": "  王五 ", "id_card": _id_card("19600101"),
                                                      "village_id": world.ids["village_a"]},
                           headers=world.headers("vdoc_a"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "王五"


def test_fractional_systolic_is_422_not_stored_as_an_integer(client, consented):  # noqa: F811
    response = client.post(f"{URL}/bp", json={"systolic": 120.7, "diastolic": 80, "measured_at": _now()},
                           headers=consented.headers("res_a1"))
    assert response.status_code == 422


def test_a_resident_cannot_label_readings_as_from_a_device(client, consented):  # noqa: F811
    response = client.post(f"{URL}/bp", json={"systolic": 130, "diastolic": 80, "measured_at": _now(),
                                              "source": "device", "device_serial": "FAKE-123"},
                           headers=consented.headers("res_a1"))
    assert response.status_code == 422
    assert "source" in response.get_json()["errors"]
