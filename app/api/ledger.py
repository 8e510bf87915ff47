"""The 履约 ledger: log delivered services, a contract's ledger (definitions: docs/kpis.md)."""
from flask_smorest import Blueprint

from app.api.common import committed
from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.ledger import CheckArgsSchema, CheckSchema, ContractLedgerSchema, LedgerArgsSchema, \
    ReviewCreateSchema, ReviewSchema, ServiceRecordCreateSchema, ServiceRecordListSchema, UndeliveredArgsSchema, \
    UndeliveredSchema
from app.services import fulfilment, service_checks, service_records
from models.base import utcnow

blp = Blueprint("ledger", __name__, description="履约 / the service-package ledger, delivered services")

TEAM_ROLES = ("village_doctor", "township_doctor", "county_doctor")


@blp.post("/services")
@allow(*TEAM_ROLES)
@blp.arguments(ServiceRecordCreateSchema)
@blp.response(201, ServiceRecordListSchema)
def log_service(data):
    """Log a delivered service with no record of its own: a health check (健康体检), an education session
    (健康教育; a group session lists every attendee) or a review of the home readings. The team's own
    contracted residents only; at most a year back."""
    records = service_records.log_service(db.session, actor=current_actor(), now=utcnow(), **data)
    return committed({"items": records})


@blp.get("/contracts/<int:contract_id>")
@allow("admin", *TEAM_ROLES, "resident")
@blp.arguments(LedgerArgsSchema, location="query")
@blp.response(200, ContractLedgerSchema)
def contract_ledger(args, contract_id):
    """A contract's ledger for its contract year, per package item: required, expected by the day, delivered,
    overdue and due, and the contract's 履约率 to date. The team, admins and the resident may read it."""
    return fulfilment.contract_ledger(db.session, actor=current_actor(), contract_id=contract_id, now=utcnow(),
                                      **args)


@blp.get("/due")
@allow(*TEAM_ROLES)
@blp.arguments(UndeliveredArgsSchema, location="query")
@blp.response(200, page_of(UndeliveredSchema))
def due(args):
    """The team's undelivered package items (履约待办) for its active contracts, most overdue first:
    `status=overdue` the items behind schedule, `status=open` every item with something still to deliver."""
    return fulfilment.undelivered(db.session, current_actor(), now=utcnow(), **args)


@blp.get("/checks")
@allow("admin", "township_doctor", "county_doctor")
@blp.arguments(CheckArgsSchema, location="query")
@blp.response(200, page_of(CheckSchema))
def checks(args):
    """Records for review (需核实), newest first: home services by one doctor less than 15 minutes apart, a
    home service entered at the clinic's web workstation within 30 minutes of it, entry more than 7 days
    late. A township doctor sees the township's villages; admins and county doctors the county."""
    return service_checks.list_checks(db.session, current_actor(), now=utcnow(), **args)


@blp.post("/checks/reviews")
@allow("admin", "township_doctor", "county_doctor")
@blp.arguments(ReviewCreateSchema)
@blp.response(201, ReviewSchema)
def review(data):
    """Record the finding on a flagged record: verified (核实无误), corrected (已更正) or unresolved (待查)."""
    return committed(service_checks.review_check(db.session, actor=current_actor(), now=utcnow(), **data))
