"""WeChat web authorisation (网页授权, snsapi_base) for the pages: to WeChat with a state, back with a code.

The code is exchanged by the OAuth client the app registered (app.services.adapters); the state in the session
ties the return to the browser that left (CSRF on the redirect).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import current_app, redirect, request, session, url_for

from app.errors import Forbidden
from app.services import adapters

STATE_KEY = "oauth_state"


def start(callback_endpoint: str, **values: Any):
    """Redirect to WeChat's authorisation page; it comes back to `callback_endpoint` with ?code=…&state=…"""
    state = secrets.token_urlsafe(16)
    session[STATE_KEY] = state
    query = urlencode({"appid": current_app.config["WECHAT_APPID"],
                       "redirect_uri": url_for(callback_endpoint, _external=True, **values),
                       "response_type": "code", "scope": "snsapi_base", "state": state})
    return redirect(f"{current_app.config['WECHAT_OAUTH_URL']}?{query}#wechat_redirect")


def finish(exchange: Callable[[Any, str], Any]) -> Any:
    """Check the state, then hand the code and the OAuth client to `exchange` (an auth service call)."""
    expected = session.pop(STATE_KEY, None)
    state, code = request.args.get("state", ""), request.args.get("code", "")
    if not expected or not secrets.compare_digest(expected, state) or not code:
        raise Forbidden("auth.oauth_state", "授权已失效，请从公众号菜单重新进入 / stale or foreign authorisation")
    return exchange(adapters.of(current_app).oauth_client(current_app.config), code)
