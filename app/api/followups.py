"""Follow-ups (随访): record visits, the due / overdue list with call outcomes, tasks, a resident's care status."""
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.common import committed, pdf_response, rules
from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.followups import (CallOutcomeCreateSchema, CallOutcomeSchema, CareStatusSchema, DueArgsSchema,
                                   DueItemSchema, FollowUpArgsSchema, FollowUpCreateSchema, FollowUpOutcomeSchema,
                                   FollowUpSchema, FollowUpUpdateSchema, TaskArgsSchema, TaskSchema)
from app.services import followups, overdue
from app.services.phs import codes, printing
from app.services.scopes import require_staff
from models.base import utcnow

blp = Blueprint("followups", __name__, description="随访 / follow-ups, due and overdue lists, call outcomes")

# What a visit's schema cannot state: the clock, the form definition and the 规范 across fields.
VISIT_RULES = {
    "followup.values": "systolic and diastolic together, diastolic below systolic",
    "followup.classification": "the classification agrees with the measured values (规范)",
    "followup.form": "the form's boxes as GET /followups/form-definition defines them",
    "followup.program": "the program fits the resident's conditions",
    "followup.next_step": "next_step not milder than the 规范 requires",
    "followup.referral_required": "two uncontrolled visits or a complication: next_step is a referral",
    "followup.referral_to": "a referral names the institution and department in the form",
}

TEAM_ROLES = ("village_doctor", "township_doctor", "county_doctor")


@blp.route("")
class FollowUps(MethodView):
    @blp.arguments(FollowUpArgsSchema, location="query")
    @blp.response(200, page_of(FollowUpSchema))
    def get(self, args):
        """A resident's follow-ups, newest first."""
        return followups.list_followups(db.session, current_actor(), **args)

    @allow(*TEAM_ROLES)
    @blp.arguments(FollowUpCreateSchema)
    @blp.response(201, FollowUpOutcomeSchema)
    @blp.doc(**rules({"followup.visited_at": "visited_at not in the future nor over a year ago",
                      "followup.alert": "alert_id is an alert of this resident", **VISIT_RULES}))
    def post(self, data):
        """Record a visit (规范): next due in 2 weeks after a first uncontrolled visit or an adverse reaction,
        else in 3 months; two consecutive uncontrolled visits or a complication suggest a referral
        (`referral_suggested`). Open follow-up tasks of the resident are closed."""
        return committed(followups.record_followup(db.session, actor=current_actor(), now=utcnow(), **data))


@blp.get("/form-definition")
@blp.response(200)
def form_definition():
    """The 随访服务记录表 fields, value sets and codes (WS 363 / WS/T 364 / 规范) that the entry form renders."""
    require_staff(current_actor())
    return codes.definition()


@blp.route("/<int:followup_id>")
class OneFollowUp(MethodView):
    @blp.response(200, FollowUpSchema)
    def get(self, followup_id):
        """One follow-up (whoever may read the resident's record)."""
        return followups.get_followup(db.session, current_actor(), followup_id)

    @allow(*TEAM_ROLES)
    @blp.arguments(FollowUpUpdateSchema)
    @blp.response(200, FollowUpOutcomeSchema)
    @blp.doc(**rules(VISIT_RULES))
    def patch(self, data, followup_id):
        """Correct a visit (the resident's team): checked again by the 规范; the version goes up, so the next
        export sends the corrected record."""
        return committed(followups.amend_followup(db.session, actor=current_actor(), followup_id=followup_id,
                                                  now=utcnow(), **data))


@blp.get("/<int:followup_id>/form.pdf")
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/pdf")
def form_pdf(followup_id):
    """The visit printed on its 随访服务记录表 (A4; the 规范's paper layout, four visit columns)."""
    return pdf_response(printing.followup_form_pdf(db.session, current_actor(), followup_id),
                        f"followup-{followup_id}.pdf")


@blp.get("/due")
@allow(*TEAM_ROLES)
@blp.arguments(DueArgsSchema, location="query")
@blp.response(200, page_of(DueItemSchema))
def due(args):
    """The team's due / overdue list, highest risk first: BP ≥180/110, then stroke/CHD with BP ≥140/90,
    then glucose ≥16.7 mmol/L, then the rest; within a tier the longest overdue first. Residents called
    back later (7 days), who will come (30 days), who moved or died are left out."""
    return overdue.due_list(db.session, current_actor(), now=utcnow(), **args)


@blp.post("/calls")
@allow(*TEAM_ROLES)
@blp.arguments(CallOutcomeCreateSchema)
@blp.response(201, CallOutcomeSchema)
def call(data):
    """Record a call outcome: reached, no_answer, will_come (hidden 30 days), call_later (hidden 7 days),
    moved or deceased (removed from the list)."""
    return committed(overdue.record_call_outcome(db.session, actor=current_actor(), now=utcnow(), **data))


@blp.get("/tasks")
@allow(*TEAM_ROLES)
@blp.arguments(TaskArgsSchema, location="query")
@blp.response(200, page_of(TaskSchema))
def tasks(args):
    """The team's follow-up tasks (e.g. 2 weeks after a completed referral), soonest first."""
    return followups.list_tasks(db.session, current_actor(), **args)


@blp.get("/status/<int:resident_id>")
@blp.response(200, CareStatusSchema)
def status(resident_id):
    """A resident's follow-up status: last visit, next due date, a pending referral suggestion, open tasks."""
    return followups.care_status(db.session, current_actor(), resident_id=resident_id, now=utcnow())
