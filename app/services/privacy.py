"""Personal-information protection at rest: field encryption, blind indexes, masking, ID checks."""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app.errors import RuleViolation

_cipher: MultiFernet | None = None
_index_key: bytes | None = None


def configure(encryption_keys: str, index_key: str) -> None:
    """Install keys: comma-separated Fernet keys (first encrypts, all decrypt) and the blind-index key."""
    global _cipher, _index_key
    keys = [k.strip() for k in encryption_keys.split(",") if k.strip()]
    _cipher = MultiFernet([Fernet(k) for k in keys])
    _index_key = index_key.encode()


def encrypt(value: str) -> str:
    """Encrypt a field value with the newest key."""
    assert _cipher is not None, "privacy.configure() was not called"
    return _cipher.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a field value with whichever configured key made it."""
    assert _cipher is not None, "privacy.configure() was not called"
    try:
        return _cipher.decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key was retired before rotation finished
        raise RuntimeError("field cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt a value under the newest key (for a rotation job)."""
    assert _cipher is not None
    return _cipher.rotate(token.encode()).decode()


def blind_index(value: str, purpose: str) -> str:
    """HMAC-SHA256 of a normalised value: exact look-up without storing the value in clear."""
    assert _index_key is not None, "privacy.configure() was not called"
    return hmac.new(_index_key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def mask_id_card(value: str) -> str:
    """330102199001011234 -> 330102********1234."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 -> 138****5678."""
    return value[:3] + "****" + value[-4:] if len(value) >= 7 else "****"


# --- GB 11643-1999 citizen identity number --------------------------------------------------
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class IdCardInfo:
    number: str
    birth_date: date
    sex: str  # 'M' or 'F': the 17th digit is odd for men


def id_card_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


EARLIEST_BIRTH_YEAR = 1900  # nobody alive was born earlier; an earlier date is a typing error


def parse_id_card(raw: str, *, today: date | None = None) -> IdCardInfo:
    """Validate an 18-digit ID-card number (format, birth date, check digit) and read birth date and sex.

    The birth date must be a real day between 1900 and today (Asia/Shanghai)."""
    number = raw.strip().upper()
    if not _ID_RE.match(number):
        raise RuleViolation("id_card.format", "身份证号应为18位 / ID-card number must have 18 characters",
                            errors={"id_card": ["身份证号应为18位数字（最后一位可为X）"]})
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise RuleViolation("id_card.birth_date", "身份证号中的出生日期无效 / invalid birth date in ID-card number",
                            errors={"id_card": ["出生日期无效"]}) from None
    if today is None:
        from app.services.clock import local_date

        today = local_date(datetime.now(timezone.utc))
    if not date(EARLIEST_BIRTH_YEAR, 1, 1) <= born <= today:
        raise RuleViolation("id_card.birth_date", "身份证号中的出生日期不可能 / the birth date in the ID-card number "
                            "is in the future or before 1900", errors={"id_card": ["出生日期不可能，请核对"]})
    if id_card_check_char(number[:17]) != number[17]:
        raise RuleViolation("id_card.check_digit", "身份证号校验位不对 / ID-card check digit mismatch",
                            errors={"id_card": ["校验位不对，请核对"]})
    return IdCardInfo(number=number, birth_date=born, sex="M" if int(number[16]) % 2 else "F")


def normalise_phone(raw: str) -> str:
    """A mainland mobile number, 11 digits (a leading +86 is dropped)."""
    digits = re.sub(r"[\s-]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    if not _PHONE_RE.match(digits):
        raise RuleViolation("phone.format", "手机号应为11位 / phone must be an 11-digit mobile number",
                            errors={"phone": ["手机号应为11位数字"]})
    return digits
