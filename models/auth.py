"""Bearer tokens and brute-force throttles."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, TimestampMixin


class AuthToken(IdMixin, TimestampMixin, Base):
    """An opaque bearer token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"), index=True)
    resident_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class Throttle(Base):
    """Failure counter with a lock-out, keyed by purpose and subject (login:alice, bind:openid)."""

    __tablename__ = "throttles"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column()
