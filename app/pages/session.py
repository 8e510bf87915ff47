"""Who is signed in to the pages: the cookie session holds a bearer token issued by the auth service.

The token is checked by `auth.actor_for_token` on every page request, exactly as for the API, so
expiry, revocation (sign-out), a disabled account and an anonymised resident end a page session too.
The actor goes on `flask.g` so the request's audit notes are written by `app.auth.persist_audit`.
"""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for

from app.errors import Unauthorized
from app.extensions import db
from app.services import auth as auth_service
from app.services.actors import Actor
from app.services.auth import IssuedToken
from models.base import utcnow

TOKEN_KEY = "token"


def page_actor() -> Actor | None:
    """The signed-in actor of this page request, or None (an expired or revoked token clears the session)."""
    actor = g.get("actor")
    if actor is not None:
        return actor
    token = session.get(TOKEN_KEY)
    if not token:
        return None
    try:
        actor = auth_service.actor_for_token(db.session, token, now=utcnow())
    except Unauthorized:
        session.clear()
        return None
    g.actor = actor
    return actor


def start_session(issued: IssuedToken) -> None:
    """A fresh session (new CSRF token too) holding the issued token; it lasts as long as the token."""
    session.clear()
    session[TOKEN_KEY] = issued.token
    session.permanent = True


def end_session() -> None:
    """Revoke the token and forget the session."""
    token = session.get(TOKEN_KEY)
    if token:
        auth_service.logout(db.session, token=token, now=utcnow())
        db.session.commit()
    session.clear()
    g.pop("actor", None)


def safe_next(target: str | None, default: str) -> str:
    """A same-site path to go to after signing in (never another host: no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def staff_page(view):
    """Staff only: anyone else is sent to the staff sign-in page."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        actor = page_actor()
        if actor is None or actor.kind != "staff":
            return redirect(url_for("staff_pages.login", next=request.full_path.rstrip("?")))
        return view(actor, *args, **kwargs)
    return wrapper


def resident_page(view):
    """Residents only: anyone else is sent to the WeChat sign-in."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        actor = page_actor()
        if actor is None or not actor.is_resident:
            return redirect(url_for("me.login", next=request.full_path.rstrip("?")))
        return view(actor, *args, **kwargs)
    return wrapper
