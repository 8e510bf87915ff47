"""WeChat bot state: per-openid conversation, inbound dedup log, access-token cache, staff binding codes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, utcnow


class WeChatUser(Base):
    """One follower of the official account: dialogue state with its expiry, last message, subscription."""

    __tablename__ = "wechat_users"
    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict | None] = mapped_column(JSON)  # app.wechat.dialogue.State.to_dict(); None = idle
    state_expires_at: Mapped[datetime | None] = mapped_column()
    # The customer-service window: WeChat accepts CS messages for 48 h after the user last wrote.
    last_inbound_at: Mapped[datetime | None] = mapped_column()
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WeChatInbound(IdMixin, Base):
    """Every inbound message or event once: WeChat retries get the stored reply, never a second action."""

    __tablename__ = "wechat_inbound"
    # MsgId for messages; FromUserName:CreateTime:Event:EventKey for events (hashed when long).
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    reply: Mapped[str | None] = mapped_column(Text)  # the passive reply given (no inbound content is kept)
    deferred: Mapped[bool] = mapped_column(Boolean, default=False)  # answered "success", reply pushed later
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class WeChatToken(Base):
    """The access token shared by every process (when no Redis): one row per appid, refreshed under a lease."""

    __tablename__ = "wechat_tokens"
    appid: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token_enc: Mapped[str | None] = mapped_column(Text)  # encrypted at rest (app.services.privacy)
    expires_at: Mapped[datetime | None] = mapped_column()
    lease_holder: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column()


class StaffBindingCode(IdMixin, Base):
    """A one-time code a signed-in staff member sends to the official account to bind their WeChat."""

    __tablename__ = "wechat_staff_codes"
    staff_id: Mapped[int] = mapped_column(BigId, ForeignKey("staff.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # HMAC blind index of the code
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    used_by_openid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResidentBindingCode(IdMixin, Base):
    """A one-time code a resident's doctor gives them to bind their WeChat (绑定码)."""

    __tablename__ = "wechat_resident_codes"
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # HMAC blind index of the code
    issued_by: Mapped[int] = mapped_column(BigId, ForeignKey("staff.id"))
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CallbackNonce(Base):
    """A signed callback's (timestamp, nonce), kept for twice the replay window: a second use with another
    body is a replay (the cache when no Redis is configured; shared by every worker)."""

    __tablename__ = "wechat_nonces"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of timestamp:nonce
    body_digest: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(index=True)
