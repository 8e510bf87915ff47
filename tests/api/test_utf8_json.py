"""API responses carry Chinese as UTF-8, not \\uXXXX escapes (smaller, and readable in logs and curl)."""
from datetime import date

from tests.factories import id_card_for


def _raw_utf8(response, chinese: str) -> bool:
    return chinese.encode("utf-8") in response.data and b"\\u" not in response.data


def test_a_resident_name_and_a_problem_detail_leave_as_utf8(client, world):
    body = {"name": "张秀英", "id_card": id_card_for(date(1955, 5, 5), False, seed=7),
            "village_id": world.ids["village_a"], "phone": "13912345670", "conditions": ["hypertension"]}
    created = client.post("/api/v1/residents", json=body, headers=world.headers("vdoc_a"))
    assert created.status_code == 201 and created.content_type.startswith("application/json")
    assert _raw_utf8(created, "张秀英")
    again = client.post("/api/v1/residents", json=body, headers=world.headers("vdoc_a"))
    assert again.status_code == 409 and again.content_type.startswith("application/problem+json")
    chinese_detail = again.get_json()["detail"].split(" / ")[0]
    assert any("\u4e00" <= c <= "\u9fff" for c in chinese_detail) and _raw_utf8(again, chinese_detail)
