"""Helpers shared by the thin views."""
from __future__ import annotations

from typing import TypeVar

from app.extensions import db

T = TypeVar("T")


def rules(by_code: dict[str, str]) -> dict:
    """`@blp.doc(**rules({...}))`: the operation's 422 problem codes for rules a JSON Schema cannot state (across
    fields, on the caller's role, on stored data or on the clock), as the OpenAPI extension `x-rules`.
    Everything else the API refuses is in the request schema itself."""
    return {"x-rules": by_code}


def committed(result: T) -> T:
    """Commit the use case's transaction and hand back its result."""
    db.session.commit()
    return result



def pdf_response(body: bytes, filename: str):
    """A PDF download (printed forms), not cached by shared proxies: it carries personal data."""
    from flask import Response

    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, no-store"})
