"""Adapters to outside systems, registered by create_app: views, pages and jobs ask this registry and never
import the transport (app.wechat) themselves.

- `notifier(app)`: the outbox sender's Notifier, or None when pushes are off (the sender then only logs);
- `oauth_client(config)`: the WeChat web-authorisation exchange for sign-in (auth.OAuthClient).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.services.auth import OAuthClient
from app.services.outbox import Notifier

EXTENSION_KEY = "jiayi.adapters"


@dataclass(frozen=True)
class Adapters:
    notifier: Callable[[Any], Notifier | None]
    oauth_client: Callable[[Mapping[str, Any]], OAuthClient]


def register(app: Any, adapters: Adapters) -> None:
    """Install the app's adapters (create_app does, once)."""
    app.extensions[EXTENSION_KEY] = adapters


def of(app: Any) -> Adapters:
    """The adapters registered for this app."""
    try:
        return app.extensions[EXTENSION_KEY]
    except KeyError:
        raise LookupError("no adapters registered: build the app with create_app()") from None
