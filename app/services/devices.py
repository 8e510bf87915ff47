"""Device keys (设备密钥): a gateway key bound to one resident's meter, revocable; only its SHA-256 is stored.

Team staff issue a key for a resident in their scope and see it once; the gateway sends it in the
`X-Device-Key` header and acts as that resident's meter (source "device"), nothing more.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, NotFound, Unauthorized
from app.services.actors import Actor
from app.services.scopes import get_resident
from models.readings import DeviceKey

KEY_PREFIX = "jydk_"
DEVICE_ROLE = "device"


@dataclass(frozen=True)
class IssuedKey:
    key: str  # shown once; only its hash is kept
    device: DeviceKey


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _require_team_staff(actor: Actor) -> None:
    if not actor.is_team_staff:
        raise Forbidden("device.role", "只有家庭医生团队可以管理设备密钥 / only team staff manage device keys")


def issue_key(session: Session, *, actor: Actor, resident_id: int, device_serial: str, now: datetime) -> IssuedKey:
    """A new key for one resident's meter (team staff of the resident)."""
    _require_team_staff(actor)
    resident = get_resident(session, actor, resident_id, audit_action="update")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    device = DeviceKey(consortium_id=resident.consortium_id, resident_id=resident.id, key_hash=key_hash(key),
                       device_serial=device_serial.strip(), created_at=now, created_by_staff_id=actor.id)
    session.add(device)
    session.flush()
    return IssuedKey(key=key, device=device)


def list_keys(session: Session, actor: Actor, resident_id: int) -> list[DeviceKey]:
    """The resident's device keys, newest first (hashes are never shown)."""
    _require_team_staff(actor)
    get_resident(session, actor, resident_id)
    return list(session.scalars(select(DeviceKey).where(DeviceKey.resident_id == resident_id)
                                .order_by(DeviceKey.id.desc())))


def revoke_key(session: Session, *, actor: Actor, key_id: int, now: datetime) -> DeviceKey:
    """Stop a key from posting; earlier readings stay."""
    _require_team_staff(actor)
    device = session.get(DeviceKey, key_id)
    if device is None or device.consortium_id != actor.consortium_id:
        raise NotFound("device.not_found", "没有找到这个设备密钥 / device key not found")
    get_resident(session, actor, device.resident_id, audit_action="update")
    if device.revoked_at is not None:
        raise Conflict("device.revoked", "该设备密钥已停用 / device key already revoked")
    device.revoked_at = now
    session.flush()
    return device


def actor_for_key(session: Session, key: str, *, now: datetime) -> Actor:
    """Resolve an X-Device-Key header to a device actor, or Unauthorized (unknown or revoked)."""
    device = session.scalar(select(DeviceKey).where(DeviceKey.key_hash == key_hash(key.strip())))
    if device is None or device.revoked_at is not None:
        raise Unauthorized("device.invalid_key", "设备密钥无效或已停用 / device key invalid or revoked")
    return Actor(kind="device", id=device.id, consortium_id=device.consortium_id, role=DEVICE_ROLE)


def device_of(session: Session, actor: Actor) -> DeviceKey:
    """The key a device actor stands for, checked again (a key revoked mid-request stops here)."""
    device = session.get(DeviceKey, actor.id) if actor.kind == "device" else None
    if device is None or device.revoked_at is not None:
        raise Unauthorized("device.invalid_key", "设备密钥无效或已停用 / device key invalid or revoked")
    return device
