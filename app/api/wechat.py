"""WeChat binding for staff: a one-time code to send to the official account ("绑定医生 12345678")."""
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api.common import committed
from app.auth import allow, current_actor
from app.extensions import db
from app.services import wechat_accounts
from models.base import utcnow

blp = Blueprint("wechat", __name__, description="微信绑定 / WeChat binding")


class StaffCodeSchema(Schema):
    code = fields.Str(metadata={"description": "8 digits, valid once, for 10 minutes"})
    expires_at = fields.DateTime()
    send = fields.Str(metadata={"description": "what to send to the official account"})


@blp.post("/staff-code")
@allow("village_doctor", "township_doctor", "county_doctor", "specialist", "admin")
@blp.response(201, StaffCodeSchema)
def staff_code():
    """A one-time code: send it to the official account to receive alert and escalation pushes there."""
    issued = committed(wechat_accounts.issue_staff_code(db.session, actor=current_actor(), now=utcnow()))
    current_app.logger.info("staff WeChat binding code issued")
    return {"code": issued.code, "expires_at": issued.expires_at, "send": f"绑定医生 {issued.code}"}


class ResidentCodeSchema(Schema):
    code = fields.Str(metadata={"description": "8 digits, valid once, for 3 days"})
    expires_at = fields.DateTime()
    send = fields.Str(metadata={"description": "what the resident sends to the official account"})


@blp.post("/residents/<int:resident_id>/binding-code")
@allow("village_doctor", "township_doctor", "county_doctor", "specialist")
@blp.response(201, ResidentCodeSchema)
def resident_code(resident_id: int):
    """绑定码: a one-time code the doctor gives a resident of their team to bind their WeChat."""
    issued = committed(wechat_accounts.issue_resident_code(db.session, actor=current_actor(),
                                                           resident_id=resident_id, now=utcnow()))
    return {"code": issued.code, "expires_at": issued.expires_at, "send": f"绑定码 {issued.code}"}


class BindingPolicySchema(Schema):
    binding_code_required = fields.Bool(required=True, metadata={
        "description": "residents bind only with a code from their doctor, never by name + ID-card suffix"})


@blp.put("/binding-policy")
@allow("admin")
@blp.arguments(BindingPolicySchema)
@blp.response(200, BindingPolicySchema)
def binding_policy(data):
    """The consortium's binding policy (admin)."""
    consortium = committed(wechat_accounts.set_binding_code_required(
        db.session, actor=current_actor(), required=data["binding_code_required"]))
    return {"binding_code_required": consortium.binding_code_required}
