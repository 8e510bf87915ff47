"""A local chat simulator: talk to the bot without WeChat.

It plays WeChat's part against a running service: each line becomes a text (or voice) message,
encrypted and signed in safe mode with the service's own WECHAT_TOKEN / EncodingAESKey / appid, and
POSTed to the real /wechat path; the encrypted reply is verified, decrypted and printed.

    .venv/bin/flask --app wsgi wechat chat --openid demo-openid
"""
from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import requests

from app.wechat.transport import (
    SUCCESS,
    TransportConfig,
    build_encrypted_body,
    check_msg_signature,
    parse_xml,
)

ACCOUNT = "gh_jiayi_simulator"  # the official account's own id (ToUserName)

Post = Callable[[dict[str, str], bytes], tuple[int, str]]  # (query, body) -> (status, body)


@dataclass(frozen=True)
class Reply:
    """What came back for one message."""

    status: int
    text: str | None  # the decrypted reply text; None for "success" (nothing now) or an error
    raw: str = ""

    @property
    def silent(self) -> bool:
        return self.status == 200 and self.text is None


def http_post(base_url: str, *, timeout: float = 10.0) -> Post:
    """POST to {base_url}/wechat over HTTP."""
    url = base_url.rstrip("/") + "/wechat"

    def post(query: dict[str, str], body: bytes) -> tuple[int, str]:
        response = requests.post(url, params=query, data=body, timeout=timeout,
                                 headers={"Content-Type": "text/xml; charset=utf-8"})
        return response.status_code, response.content.decode("utf-8", errors="replace")

    return post


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class ChatSimulator:
    """One simulated WeChat user talking to the service."""

    def __init__(self, config: TransportConfig, *, openid: str, post: Post, account: str = ACCOUNT,
                 clock: Callable[[], float] = time.time) -> None:
        self.config, self.openid, self.post, self.account, self.clock = config, openid, post, account, clock
        self._ids = itertools.count(int(clock() * 1000) * 1000)

    # -- messages --------------------------------------------------------------------------------
    def text(self, content: str) -> Reply:
        return self._send("text", f"<Content>{_cdata(content)}</Content>")

    def voice(self, recognition: str) -> Reply:
        """A voice message as WeChat delivers it with speech recognition on: the words in Recognition."""
        return self._send("voice", "<MediaId><![CDATA[sim-media]]></MediaId><Format><![CDATA[amr]]></Format>"
                                   f"<Recognition>{_cdata(recognition)}</Recognition>")

    def event(self, event: str, key: str = "") -> Reply:
        fields = f"<Event>{_cdata(event)}</Event>" + (f"<EventKey>{_cdata(key)}</EventKey>" if key else "")
        return self._send("event", fields, with_msg_id=False)

    def inner_xml(self, msg_type: str, fields: str, *, with_msg_id: bool = True, create_time: int | None = None) -> str:
        """The plaintext message WeChat would encrypt."""
        created = int(self.clock()) if create_time is None else create_time
        msg_id = f"<MsgId>{next(self._ids)}</MsgId>" if with_msg_id else ""
        return (f"<xml><ToUserName>{_cdata(self.account)}</ToUserName><FromUserName>{_cdata(self.openid)}"
                f"</FromUserName><CreateTime>{created}</CreateTime><MsgType>{_cdata(msg_type)}</MsgType>"
                f"{fields}{msg_id}</xml>")

    def deliver(self, inner_xml: str) -> Reply:
        """Encrypt, sign and POST one plaintext message; verify and decrypt the answer."""
        timestamp, nonce = str(int(self.clock())), secrets.token_hex(5)
        body, query = build_encrypted_body(self.config, inner_xml, nonce=nonce, timestamp=timestamp,
                                           to_user=self.account)
        query["openid"] = self.openid
        status, raw = self.post({k: str(v) for k, v in query.items()}, body.encode("utf-8"))
        if status != 200 or raw.strip() in ("", SUCCESS):
            return Reply(status, None, raw)
        return Reply(status, self.decrypt_reply(raw), raw)

    def _send(self, msg_type: str, fields: str, *, with_msg_id: bool = True) -> Reply:
        return self.deliver(self.inner_xml(msg_type, fields, with_msg_id=with_msg_id))

    def decrypt_reply(self, raw: str) -> str:
        """Check MsgSignature over the encrypted reply and return its Content."""
        outer = parse_xml(raw)
        check_msg_signature(self.config.token, outer.get("MsgSignature"), outer.get("TimeStamp", ""),
                            outer.get("Nonce", ""), outer.get("Encrypt", ""))
        inner = self.config.crypto().decrypt_message({"Encrypt": outer["Encrypt"]}, outer["MsgSignature"],
                                                     outer["TimeStamp"], outer["Nonce"])
        fields = parse_xml(inner)
        if fields.get("ToUserName") != self.openid:
            raise ValueError("reply addressed to someone else")
        return fields.get("Content", "")


HELP = """输入文字发给公众号（像在微信里一样）。命令：
  /subscribe            关注公众号        /unsubscribe   取消关注
  /click KEY            点菜单（RECORD_BP, RECORD_GLUCOSE, RECENT_BP, MY_DOCTOR, MY_CONTRACT, TRIAGE, REMINDERS, HELP）
  /voice 说的话          发语音（语音识别的文字）
  /quit                 退出"""


def run_line(sim: ChatSimulator, line: str, *, voice: bool = False) -> Reply | None:
    """One line of the REPL; None for /help and empty lines."""
    line = line.strip()
    if not line:
        return None
    if line.startswith("/"):
        command, _, rest = line[1:].partition(" ")
        if command == "subscribe":
            return sim.event("subscribe")
        if command == "unsubscribe":
            return sim.event("unsubscribe")
        if command == "click":
            return sim.event("CLICK", rest.strip().upper())
        if command == "voice":
            return sim.voice(rest)
        return None
    return sim.voice(line) if voice else sim.text(line)


def describe(reply: Reply) -> str:
    """How the REPL shows a reply."""
    if reply.status != 200:
        return f"[HTTP {reply.status}] {escape(reply.raw[:200])}"
    if reply.text is None:
        return "（没有即时回复：success。如需回复，会稍后以客服消息发出）"
    return reply.text


def chat_loop(sim: ChatSimulator, *, voice: bool, read: Callable[[str], str] = input,
              write: Callable[[str], Any] = print) -> None:
    """Read lines until /quit or end of input; print each reply."""
    write(HELP)
    while True:
        try:
            line = read("我> ")
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if line.strip() in ("/quit", "/exit", "/q"):
            return
        if line.strip() in ("/help", "/?"):
            write(HELP)
            continue
        try:
            reply = run_line(sim, line, voice=voice)
        except requests.RequestException as exc:
            write(f"[连接失败] {exc}. 服务在运行吗？（make run）")
            continue
        if reply is not None:
            write("家医> " + describe(reply).replace("\n", "\n      "))
