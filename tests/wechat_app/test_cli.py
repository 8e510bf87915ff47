"""`flask wechat chat` through a real HTTP server, `flask wechat menu push` against the fake WeChat API,
pruning, and the demo resident bound for the simulator."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.services import demo
from app.wechat.menu import MENU
from app.wechat.simulator import ChatSimulator, chat_loop
from models.base import utcnow
from models.residents import Resident
from models.wechat import WeChatInbound
from tests.wechat_app.conftest import client_post, count, transport


@pytest.fixture
def served(app, wx_settings, db):
    """The app on a loopback port, like `make run` (threaded werkzeug instead of gunicorn)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_chat_command_talks_to_the_running_service(bound, app, served, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["wechat", "chat", "--openid", "o-zhang", "--url", served,
                                 "--say", "血压 150/95", "--say", "我的医生"])
    assert result.exit_code == 0, result.output
    assert "我> 血压 150/95" in result.output
    assert "家医> 已记录：" in result.output and "东村团队" in result.output
    assert count(session, WeChatInbound) == 2


def test_chat_command_voice_mode_and_a_new_user(named, app, served):
    result = app.test_cli_runner().invoke(args=["wechat", "chat", "--url", served, "--voice", "--say", "你好"])
    assert result.exit_code == 0, result.output
    assert "openid sim-" in result.output and "绑定" in result.output


def test_chat_command_reports_a_service_that_is_not_running(app, wx_settings):
    result = app.test_cli_runner().invoke(args=["wechat", "chat", "--url", "http://127.0.0.1:9", "--say", "你好"])
    assert result.exit_code == 1 and "连接失败" in result.output


def test_interactive_loop_sends_lines_and_menu_clicks(bound, app, client):
    sim = ChatSimulator(transport(app), openid="o-zhang", post=client_post(client))
    lines = iter(["/click MY_CONTRACT", "/voice 血压一百四十 九十", "/help", "", "/quit"])
    out: list[str] = []
    chat_loop(sim, voice=False, read=lambda prompt: next(lines), write=out.append)
    text = "\n".join(out)
    assert "签约团队：东村团队" in text and "血压 140/90" in text


def test_menu_push_sends_the_menu_data(app, wx_settings, fake):
    wx_settings["WECHAT_API_BASE"] = fake.base_url
    result = app.test_cli_runner().invoke(args=["wechat", "menu", "push"])
    assert result.exit_code == 0, result.output
    pushed = fake.sends("menu")[0]
    assert pushed["button"] == MENU["button"]


def test_menu_push_failure_exits_non_zero(app, wx_settings, fake):
    wx_settings["WECHAT_API_BASE"] = fake.base_url
    fake.fail_next(48001, path="/cgi-bin/menu/create")
    result = app.test_cli_runner().invoke(args=["wechat", "menu", "push"])
    assert result.exit_code == 1 and "48001" in result.output


def test_prune_forgets_old_dedup_entries(app, wx_settings, session):
    session.add_all([WeChatInbound(dedup_key="old", openid="o", created_at=utcnow() - timedelta(days=3)),
                     WeChatInbound(dedup_key="new", openid="o", created_at=utcnow())])
    session.commit()
    result = app.test_cli_runner().invoke(args=["wechat", "prune", "--days", "2"])
    assert "removed 1" in result.output
    assert session.scalars(select(WeChatInbound.dedup_key)).all() == ["new"]


def test_demo_seed_leaves_a_bound_consenting_resident_for_the_simulator(app, wx_settings, session, client, now):
    demo.seed_demo(session, now=now, n_residents=3)
    session.commit()
    resident = session.scalars(select(Resident).where(Resident.wechat_openid == demo.DEMO_OPENID)).one()
    assert resident.consents and resident.consents[0].withdrawn_at is None
    sim = ChatSimulator(transport(app), openid=demo.DEMO_OPENID, post=client_post(client))
    assert "已记录" in sim.text("血压 150/95").text
    info = app.test_cli_runner().invoke(args=["demo", "info", "--url", "http://127.0.0.1:5000"])
    assert "wechat chat --openid demo-openid --url http://127.0.0.1:5000" in info.output
