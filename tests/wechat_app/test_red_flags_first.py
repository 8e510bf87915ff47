"""Red flags first, in every state of the bot: an emergency or urgent red flag is answered at once, whatever the
dialogue was doing; someone not bound or not consented gets the advice only (nothing stored beyond the dedup
key, no team alerted); then the interrupted dialogue resumes where it was."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.wechat import texts
from models.alerts import Alert
from models.outbox import OutboxMessage
from models.readings import BpReading
from models.wechat import WeChatInbound, WeChatUser
from tests.wechat_app.conftest import bind, count

@pytest.fixture(autouse=True, scope="module")
def _triage_loaded():
    """Load the language layer's dictionaries before the first message (else it may miss the reply deadline)."""
    from app.services.triage import warm_up

    warm_up()


CHEST = "胸口疼得厉害 出冷汗 喘不上气"
STROKE = "我妈82岁 今天早上起来说话不清楚 右手拿不住筷子"
EMERGENCY = "120"  # the emergency advice names the number to call


def _nothing_stored(session, openid: str) -> None:
    assert count(session, Alert) == 0 and count(session, BpReading) == 0 and count(session, OutboxMessage) == 0
    user = session.scalars(select(WeChatUser).where(WeChatUser.openid == openid)
                           .execution_options(populate_existing=True)).one()
    assert user.state is None or "胸口" not in str(user.state) and "说话" not in str(user.state)


def _team_alerted(session) -> bool:
    session.commit()
    return session.scalar(select(func.count()).select_from(Alert).where(Alert.kind == "triage_red_flag")) == 1


@pytest.mark.parametrize("message", [CHEST, STROKE])
def test_an_unbound_user_gets_the_emergency_advice_and_nothing_is_stored(named, simulate, session, message):
    reply = simulate("o-stranger").text(message)
    assert EMERGENCY in reply.text and "绑定" not in reply.text
    _nothing_stored(session, "o-stranger")
    assert count(session, WeChatInbound) == 1  # the dedup key (and its reply, for a retry)


@pytest.mark.parametrize("message", [CHEST, STROKE])
def test_by_voice_too(named, simulate, session, message):
    reply = simulate("o-stranger").voice(message)
    assert EMERGENCY in reply.text
    _nothing_stored(session, "o-stranger")


@pytest.mark.parametrize("message", [CHEST, STROKE])
def test_mid_binding_the_advice_comes_first_and_binding_resumes(named, simulate, session, message):
    sim = simulate("o-zhang")
    assert texts.ask_name() in sim.text("绑定").text
    reply = sim.text(message)
    assert EMERGENCY in reply.text and texts.dialogue_resumes() in reply.text
    _nothing_stored(session, "o-zhang")
    assert "身份证" in sim.text("张秀英").text or "手机" in sim.text("张秀英").text  # the name step goes on


@pytest.mark.parametrize("message", [CHEST, STROKE])
def test_bound_but_not_consented_gets_advice_only(named, simulate, session, now, message):
    bind(session, named, "res_a1", "o-zhang", consent=False, now=now)
    sim = simulate("o-zhang")
    sim.text("你好")  # the privacy notice: awaiting consent
    reply = sim.text(message)
    assert EMERGENCY in reply.text
    _nothing_stored(session, "o-zhang")
    assert texts.consent_thanks() in sim.text("同意").text  # consent resumes where it was


@pytest.mark.parametrize("message", [CHEST, STROKE])
def test_in_a_guided_reading_the_advice_comes_first_the_team_is_alerted_and_the_reading_resumes(
        bound, simulate, session, message):
    sim = simulate("o-zhang")
    assert "血压" in sim.text("记录血压").text
    reply = sim.text(message)
    assert EMERGENCY in reply.text and texts.dialogue_resumes() in reply.text
    assert _team_alerted(session)
    assert count(session, BpReading) == 0
    assert "135/85" in sim.text("135/85").text  # the guided reading goes on
    assert count(session, BpReading) == 1


@pytest.mark.parametrize("message", [CHEST, STROKE])
def test_while_answering_a_triage_question_the_advice_comes_first(bound, simulate, session, message):
    sim = simulate("o-zhang")
    question = sim.text("头疼").text
    assert "取消" in question  # a triage question is waiting for its answer
    reply = sim.text(message)
    assert EMERGENCY in reply.text and texts.dialogue_resumes() in reply.text
    assert _team_alerted(session)


@pytest.mark.parametrize("message", [CHEST, STROKE])
def test_idle_and_bound_the_emergency_is_answered_and_the_team_alerted(bound, simulate, session, message):
    reply = simulate("o-zhang").text(message)
    assert EMERGENCY in reply.text
    assert _team_alerted(session)


def test_a_message_without_red_flags_leaves_the_dialogue_alone(named, simulate, session):
    sim = simulate("o-stranger")
    assert texts.ask_name() in sim.text("头疼").text  # not bound: asked to bind, as before


def test_the_second_readers_review_does_not_interrupt_another_dialogue(named, simulate, session):
    # Nothing in it is a rule's red flag; the second reader alone would answer urgent (tests/triage/test_text_model.py).
    unread = "爷爷脸色发灰 手脚冰凉"
    sim = simulate("o-zhang")
    assert texts.ask_name() in sim.text("绑定").text
    reply = sim.text(unread)
    assert texts.dialogue_resumes() not in reply.text and "120" not in reply.text
    _nothing_stored(session, "o-zhang")
