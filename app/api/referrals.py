"""Referrals (转诊): the team refers up, the specialist accepts or declines, books a slot, completes, refers back.

Importing this module registers the specialists' scope rule (app.services.referrals.specialist_scope).
"""
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.common import committed, rules
from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.referrals import (AdviceSchema, BookSchema, PlanSchema, ReasonSchema, ReferralArgsSchema,
                                   ReferralCreateSchema, ReferralSchema)
from app.services import referrals
from models.base import utcnow

blp = Blueprint("referrals", __name__, description="转诊 / referrals up to county specialists and back down")

TEAM_ROLES = ("village_doctor", "township_doctor", "county_doctor")


@blp.route("")
class Referrals(MethodView):
    @blp.arguments(ReferralArgsSchema, location="query")
    @blp.response(200, page_of(ReferralSchema))
    def get(self, args):
        """Referrals the caller may see: the team's, those addressed to the specialist (or their department), a resident's own."""
        return referrals.list_referrals(db.session, current_actor(), **args)

    @allow(*TEAM_ROLES)
    @blp.arguments(ReferralCreateSchema)
    @blp.response(201, ReferralSchema)
    @blp.doc(**rules({
        "referral.specialist": "to_specialist_id is an active specialist of the consortium",
        "referral.department": "the department has an active specialist, the one named if any",
        "referral.alert": "alert_id is an alert of this resident",
    }))
    def post(self, data):
        """Refer a resident of the caller's team to a specialist or department, with an automatic summary."""
        return committed(referrals.create_referral(db.session, actor=current_actor(), now=utcnow(), **data))


@blp.route("/<int:referral_id>")
class ReferralById(MethodView):
    @blp.response(200, ReferralSchema)
    def get(self, referral_id):
        """One referral (404 when not visible to the caller)."""
        return referrals.get_referral(db.session, current_actor(), referral_id)


@blp.post("/<int:referral_id>/accept")
@allow("specialist")
@blp.response(200, ReferralSchema)
def accept(referral_id):
    """The specialist accepts the referral (接诊)."""
    return committed(referrals.accept_referral(db.session, actor=current_actor(), referral_id=referral_id,
                                               now=utcnow()))


@blp.post("/<int:referral_id>/decline")
@allow("specialist")
@blp.arguments(ReasonSchema)
@blp.response(200, ReferralSchema)
def decline(data, referral_id):
    """The specialist declines, with a reason."""
    return committed(referrals.decline_referral(db.session, actor=current_actor(), referral_id=referral_id,
                                                now=utcnow(), **data))


@blp.post("/<int:referral_id>/book")
@allow("specialist")
@blp.arguments(BookSchema)
@blp.response(200, ReferralSchema)
def book(data, referral_id):
    """Book a reserved green-channel slot; 409 when that day's reserved share is used up."""
    return committed(referrals.book_slot(db.session, actor=current_actor(), referral_id=referral_id, now=utcnow(),
                                         **data))


@blp.post("/<int:referral_id>/complete")
@allow("specialist")
@blp.arguments(AdviceSchema)
@blp.response(200, ReferralSchema)
def complete(data, referral_id):
    """The specialist completes with advice; the team gets a follow-up task due in 2 weeks."""
    return committed(referrals.complete_referral(db.session, actor=current_actor(), referral_id=referral_id,
                                                 now=utcnow(), **data))


@blp.post("/<int:referral_id>/refer-back")
@allow("specialist")
@blp.arguments(PlanSchema)
@blp.response(200, ReferralSchema)
def refer_back(data, referral_id):
    """Refer the resident back down to the team (下转) with a plan."""
    return committed(referrals.refer_back(db.session, actor=current_actor(), referral_id=referral_id, now=utcnow(),
                                          **data))


@blp.post("/<int:referral_id>/cancel")
@allow(*TEAM_ROLES)
@blp.arguments(ReasonSchema)
@blp.response(200, ReferralSchema)
def cancel(data, referral_id):
    """The team withdraws a referral not yet completed; a booked slot is released."""
    return committed(referrals.cancel_referral(db.session, actor=current_actor(), referral_id=referral_id,
                                               now=utcnow(), **data))
