"""A query parameter an operation does not list is refused, as its OpenAPI parameter list says."""


def test_a_misspelt_filter_is_refused_not_ignored(client, world):
    ok = client.get("/api/v1/followups/tasks?status=done", headers=world.headers("gp1"))
    misspelt = client.get("/api/v1/followups/tasks?stauts=done", headers=world.headers("gp1"))
    assert ok.status_code == 200
    assert misspelt.status_code == 422
    assert "stauts" in misspelt.get_data(as_text=True)
