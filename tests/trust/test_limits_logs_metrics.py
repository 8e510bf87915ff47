"""Rate limits answer 429 problems with Retry-After; logs never carry personal numbers; /metrics works."""
import logging

from app.logs import RedactingFilter, redact


def test_login_rate_limit_is_a_429_problem_with_retry_after(app, client, world):
    app.config["RATELIMIT_LOGIN"] = "3 per minute"
    try:
        codes = [client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"}).status_code
                 for _ in range(4)]
    finally:
        app.config["RATELIMIT_LOGIN"] = "20 per minute"
    assert codes[:3] == [401, 401, 401] and codes[3] == 429
    r = client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    assert r.content_type == "application/problem+json" and int(r.headers["Retry-After"]) >= 1


def test_redact_masks_id_cards_and_phones():
    text = "居民 11010519491231002X 电话 13812345678 血压 150/95"
    cleaned = redact(text)
    assert "11010519491231002X" not in cleaned and "13812345678" not in cleaned and "150/95" in cleaned


def test_log_filter_scrubs_records(caplog):
    logger = logging.getLogger("jiayi.test")
    handler = logging.Handler()
    seen = []
    handler.emit = lambda record: seen.append(record.getMessage())
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("binding failed for %s phone %s", "11010519491231002X", "13812345678")
    finally:
        logger.removeHandler(handler)
    assert seen and "11010519491231002X" not in seen[0] and "13812345678" not in seen[0]


def test_access_log_has_request_id_and_no_body(client, world, caplog):
    with caplog.at_level(logging.INFO, logger="jiayi.access"):
        r = client.post("/api/v1/residents", json={"name": "甲", "id_card": "11010519491231002X",
                                                   "village_id": world.ids["village_a"], "phone": "13812345678"},
                        headers={**world.headers("vdoc_a"), "X-Request-ID": "req-123"})
    assert r.headers["X-Request-ID"] == "req-123"
    records = [rec for rec in caplog.records if rec.name == "jiayi.access"]
    assert records and records[-1].request_id == "req-123" and records[-1].status == r.status_code
    assert all("13812345678" not in rec.getMessage() for rec in caplog.records)


def test_metrics_exposes_requests_and_backlogs(client, world):
    client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)
    assert "jiayi_http_requests_total" in body
    assert 'jiayi_alert_backlog{severity="critical"} 0.0' in body
    assert "jiayi_outbox_backlog 0.0" in body


def test_json_formatter_emits_one_object_per_line():
    import json

    from app.observability import JsonFormatter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    record.request_id = "abc"
    payload = json.loads(JsonFormatter().format(record))
    assert payload["msg"] == "hello world" and payload["request_id"] == "abc"
