"""Domain errors and their problem+json rendering (RFC 9457)."""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A use-case failure with a stable code and a Chinese/English detail; views map it to HTTP."""

    status = 400
    title = "Bad Request"

    def __init__(self, code: str, detail: str, *, errors: dict[str, Any] | None = None, **extra: Any):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.errors = errors
        self.extra = extra


class NotFound(DomainError):
    status, title = 404, "Not Found"


class Forbidden(DomainError):
    status, title = 403, "Forbidden"


class Unauthorized(DomainError):
    status, title = 401, "Unauthorized"


class Conflict(DomainError):
    status, title = 409, "Conflict"


class RuleViolation(DomainError):
    status, title = 422, "Unprocessable Content"


class TooManyRequests(DomainError):
    status, title = 429, "Too Many Requests"


class ServiceUnavailable(DomainError):
    status, title = 503, "Service Unavailable"
