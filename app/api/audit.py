"""Audit log queries: admins by resident, staff and period; a resident sees who accessed their record."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.common import PageArgsSchema, page_of
from app.services import audit

blp = Blueprint("audit", __name__, description="访问审计 / audit log")


class AuditEntrySchema(Schema):
    seq = fields.Int()
    at = fields.DateTime()
    actor_kind = fields.Str()
    actor_id = fields.Int(allow_none=True)
    actor_role = fields.Str()
    resident_id = fields.Int(allow_none=True)
    action = fields.Str()
    target = fields.Str()
    purpose = fields.Str(allow_none=True)
    source = fields.Str(allow_none=True)
    hash = fields.Str()


class AccessToMeSchema(Schema):
    at = fields.DateTime()
    action = fields.Str()
    purpose = fields.Str(allow_none=True)
    actor_role = fields.Str(metadata={"description": "the role of who read the record (village_doctor, …)"})
    institution = fields.Str(allow_none=True, metadata={"description": "their institution"})


class AuditArgsSchema(PageArgsSchema):
    resident_id = fields.Int()
    staff_id = fields.Int()
    start = fields.AwareDateTime(default_timezone=None)
    end = fields.AwareDateTime(default_timezone=None)


@blp.get("")
@allow("admin")
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, page_of(AuditEntrySchema))
def search(args):
    """Audit entries of the consortium (admin), newest first; filter by resident, staff member, period."""
    return audit.search(db.session, current_actor(), **args)


@blp.get("/me")
@allow("resident")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_of(AccessToMeSchema))
def mine(args):
    """For a resident: who accessed my record, and when."""
    return audit.accesses_to_me(db.session, current_actor(), **args)
