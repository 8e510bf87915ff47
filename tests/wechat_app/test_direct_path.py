"""The direct path (views.DirectCallback) reads the request and writes the response without werkzeug's Request and
Response objects: it must read and write exactly what they would."""
from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from app.wechat import views

QUERIES = [
    "signature=abc&timestamp=1700000000&nonce=42&openid=o-1&encrypt_type=aes&msg_signature=def",
    "nonce=1&nonce=2&timestamp=",  # a repeated name: the first value; a blank value kept
    "echostr=a%20b%2Bc+d&signature=%E5%8C%BB",  # percent-encoded, plus as space, UTF-8
    "signature=%FF%FE&nonce=%zz&x",  # invalid UTF-8 stays percent-encoded; a bad escape; a name alone
    "",
    "&&a=1&&b&=c&d==e&a=2&",  # empty fields, a name alone, an empty name, "=" in a value (nothing to decode)
    "x=1;y=2&z",  # ";" is not a separator
    "n=\xe5\x8c\xbb&m=1",  # raw UTF-8 bytes as the server hands them over (latin-1 decoded)
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_query_is_read_as_werkzeug_reads_it(query):
    environ = EnvironBuilder(path="/wechat", query_string=query).get_environ()
    args = Request(environ).args
    assert views._query(environ) == {name: args.get(name) for name in args}


@pytest.mark.parametrize("reply", [views.Reply("<xml>回复</xml>", mimetype="application/xml"), views.Reply("success"),
                                   views.Reply("", 403), views.Reply("", 413), views.Reply("", 500)])
def test_the_status_line_and_content_headers_are_werkzeugs(reply):
    response = reply.response()
    assert views._status_line(reply.status) == response.status
    assert views._CONTENT_TYPES[reply.mimetype] == response.headers["Content-Type"]
    assert str(len(reply.body.encode("utf-8"))) == response.headers["Content-Length"]


def test_a_direct_response_carries_the_hooks_headers_in_werkzeugs_order(app, wx_settings):
    sent = {}

    def start_response(status, headers, exc_info=None):
        sent.update(status=status, headers=headers)

    environ = EnvironBuilder(path="/wechat", method="POST", query_string="signature=x&timestamp=1&nonce=2",
                             data=b"<xml></xml>", base_url="https://localhost").get_environ()
    body = b"".join(app.wsgi_app(environ, start_response))
    assert sent["status"] == "403 FORBIDDEN" and body == b""
    names = [name for name, _ in sent["headers"]]
    assert names == ["Content-Type", "Content-Length", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
                     "Content-Security-Policy", "Cache-Control", *(["Strict-Transport-Security"]
                                                                   if app.config.get("HSTS_SECONDS") else []),
                     "X-Request-ID"]
    assert dict(sent["headers"])["Cache-Control"] == "no-store"
