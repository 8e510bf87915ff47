"""Hand-written fakes of the ports the jobs use: the Notifier (WeChat) and the TrendModel (ml).

`FakeWeChat` behaves like WeChat's template API for our purposes: a message is delivered once per
client_msg_id (a repeat is acknowledged without a second delivery), and scripted failures can be
queued. `FileWeChat` is the same idea for a scheduler subprocess: it appends to a log file and is
slow, so the test can SIGKILL the process in the middle of a send.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from app.services.outbox import SendResult
from ml.model import RulesOnlyModel


@dataclass
class FakeWeChat:
    """In-process notifier: records every call and every delivery; `script` holds results to return first."""

    script: list[SendResult] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    delivered: dict[str, dict[str, Any]] = field(default_factory=dict)  # client_msg_id -> message

    def send(self, *, openid: str, text: str, data: dict | None, client_msg_id: str, kind: str) -> SendResult:
        call = {"openid": openid, "text": text, "data": data, "client_msg_id": client_msg_id, "kind": kind}
        self.calls.append(call)
        if self.script:
            return self.script.pop(0)
        self.delivered.setdefault(client_msg_id, call)  # WeChat drops a repeat of the same client_msg_id
        return SendResult(True)


class FileWeChat:
    """Subprocess notifier: "delivers" (appends `delivered <id>` once per client_msg_id), then is slow to answer.

    A SIGKILL during the pause is the worst case: WeChat delivered, we never recorded it.
    """

    def __init__(self, app: Any = None) -> None:
        self.path = os.environ["FAKE_WECHAT_LOG"]
        self.delay = float(os.environ.get("FAKE_WECHAT_DELAY", "0.1"))

    def _seen(self) -> set[str]:
        try:
            with open(self.path, encoding="utf-8") as fh:
                return {line.split()[1] for line in fh if line.startswith("delivered ")}
        except FileNotFoundError:
            return set()

    def send(self, *, openid: str, text: str, data: dict | None, client_msg_id: str, kind: str) -> SendResult:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(f"attempt {client_msg_id}\n")
            if client_msg_id not in self._seen():
                fh.write(f"delivered {client_msg_id}\n")
        time.sleep(self.delay)
        return SendResult(True)


class SlowRulesModel(RulesOnlyModel):
    """The rules-only trend model, slowed down so a scan can be killed between chunks."""

    def predict(self, kind, features):
        time.sleep(float(os.environ.get("FAKE_MODEL_DELAY", "0.1")))
        return super().predict(kind, features)


def slow_rules_model() -> SlowRulesModel:
    return SlowRulesModel(reason="test: slow rules")


def rules_model() -> RulesOnlyModel:
    return RulesOnlyModel(reason="test: rules")
