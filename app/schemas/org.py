"""Institutions, villages, staff and teams."""
from marshmallow import Schema, fields, validate

from app.schemas.common import Id, Name, PageArgsSchema
from models.org import InstitutionLevel, StaffRole, TeamRole

LEVELS = [lvl.value for lvl in InstitutionLevel]
ROLES = [r.value for r in StaffRole]
TEAM_ROLES = [r.value for r in TeamRole]


class InstitutionSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    level = fields.Function(lambda o: o.level.value)
    parent_id = fields.Int(allow_none=True)


class InstitutionCreateSchema(Schema):
    name = Name(required=True)
    level = fields.Str(required=True, validate=validate.OneOf(LEVELS))
    parent_id = Id(load_default=None, allow_none=True)


class InstitutionUpdateSchema(Schema):
    name = Name(required=True)


class InstitutionArgsSchema(PageArgsSchema):
    level = fields.Str(validate=validate.OneOf(LEVELS))
    parent_id = Id()


class VillageSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    clinic_id = fields.Int()
    population = fields.Int()


class VillageCreateSchema(Schema):
    name = Name(required=True)
    clinic_id = Id(required=True)
    population = fields.Int(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class VillageUpdateSchema(Schema):
    name = Name()
    population = fields.Int(validate=validate.Range(min=0, max=10_000_000))


class VillageArgsSchema(PageArgsSchema):
    clinic_id = Id()


class StaffSchema(Schema):
    id = fields.Int()
    username = fields.Str()
    full_name = fields.Str()
    role = fields.Function(lambda o: o.role.value)
    department = fields.Str(allow_none=True)
    institution_id = fields.Int()
    phone = fields.Str(allow_none=True)
    active = fields.Bool()
    on_duty = fields.Bool()


class StaffCreateSchema(Schema):
    username = fields.Str(required=True, validate=validate.Regexp(r"^[a-zA-Z0-9_.-]{3,64}$"))
    password = fields.Str(required=True, load_only=True, validate=validate.Length(min=1, max=128))
    full_name = Name(required=True)
    role = fields.Str(required=True, validate=validate.OneOf(ROLES))
    institution_id = Id(required=True)
    department = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=32))
    phone = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=20))


class StaffUpdateSchema(Schema):
    full_name = Name()
    password = fields.Str(load_only=True, validate=validate.Length(min=1, max=128))
    department = fields.Str(allow_none=True, validate=validate.Length(max=32))
    phone = fields.Str(allow_none=True, validate=validate.Length(max=20))
    active = fields.Bool()
    on_duty = fields.Bool()
    role = fields.Str(validate=validate.OneOf(ROLES), metadata={"description": "revokes the member's tokens"})


class StaffArgsSchema(PageArgsSchema):
    role = fields.Str(validate=validate.OneOf(ROLES))
    institution_id = Id()
    active = fields.Bool()


class TeamMemberSchema(Schema):
    staff_id = fields.Int()
    role = fields.Function(lambda o: o.role.value)
    full_name = fields.Function(lambda o: o.staff.full_name)


class TeamSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    lead_id = fields.Int()
    active = fields.Bool()
    members = fields.List(fields.Nested(TeamMemberSchema))
    village_ids = fields.Function(lambda o: [v.village_id for v in o.villages])


class ExtraMemberSchema(Schema):
    staff_id = Id(required=True)
    role = fields.Str(required=True, validate=validate.OneOf(TEAM_ROLES))


class TeamCreateSchema(Schema):
    name = Name(required=True)
    county_doctor_id = Id(required=True)
    township_doctor_id = Id(required=True)
    village_doctor_id = Id(required=True)
    lead_id = Id(load_default=None, allow_none=True)
    extra_members = fields.List(fields.Nested(ExtraMemberSchema), load_default=list,
                                validate=validate.Length(max=10))
    village_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=100))


class TeamMemberAddSchema(ExtraMemberSchema):
    pass


class TeamVillagesSchema(Schema):
    village_ids = fields.List(Id(), required=True, validate=validate.Length(max=100))


class TeamArgsSchema(PageArgsSchema):
    village_id = Id()
    mine = fields.Bool(load_default=False)
