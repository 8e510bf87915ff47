"""The daily privacy jobs run through the job table: due deletions are carried out, old reply logs dropped."""
from datetime import timedelta

from app.services import rights
from app.services.auth import resident_actor
from jobs.table import run_job
from models.base import utcnow
from models.residents import Resident


def test_deletion_job_anonymises_only_after_the_retention_period(app, session, world):
    resident = session.get(Resident, world.ids["res_a1"])
    rights.request_deletion(session, actor=resident_actor(resident), now=utcnow(), retention=timedelta(days=30))
    session.commit()
    assert run_job(app, "deletion_requests", now=utcnow()) == {"anonymised": 0}
    assert run_job(app, "deletion_requests", now=utcnow() + timedelta(days=31)) == {"anonymised": 1}
    session.expire_all()
    assert session.get(Resident, world.ids["res_a1"]).name == rights.ANONYMISED_NAME


def test_wechat_prune_job_drops_only_old_reply_logs(app, session, world):
    from models.wechat import WeChatInbound

    session.add_all([WeChatInbound(dedup_key="old", openid="o", reply="血压 150/95", created_at=utcnow() - timedelta(days=8)),
                     WeChatInbound(dedup_key="new", openid="o", reply="血压 150/95", created_at=utcnow())])
    session.commit()
    assert run_job(app, "wechat_prune", now=utcnow()) == {"removed": 1, "nonces_removed": 0}
    session.expire_all()
    assert [row.dedup_key for row in session.query(WeChatInbound)] == ["new"]


def test_job_runs_are_timed_for_the_scheduler_metrics(app, session, world):
    from prometheus_client import generate_latest

    from jobs import metrics

    run_job(app, "contract_expiry", now=utcnow())
    text = generate_latest(metrics.REGISTRY).decode()
    assert 'jiayi_job_last_run_seconds{job="contract_expiry"}' in text
