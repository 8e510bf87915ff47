"""Specialist slots (预留号源): daily capacity with a share reserved for referred contracted residents."""
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.common import committed
from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.referrals import SlotArgsSchema, SlotCreateSchema, SlotSchema
from app.services import referrals
from models.base import utcnow

blp = Blueprint("slots", __name__, description="号源 / specialist slots with a green channel for referrals")


@blp.route("")
class Slots(MethodView):
    @allow("village_doctor", "township_doctor", "county_doctor", "specialist", "admin")
    @blp.arguments(SlotArgsSchema, location="query")
    @blp.response(200, page_of(SlotSchema))
    def get(self, args):
        """Published slots by day (default: the next 14 days), with what is left for referrals."""
        return referrals.list_slots(db.session, current_actor(), now=utcnow(), **args)

    @allow("specialist", "admin")
    @blp.arguments(SlotCreateSchema)
    @blp.response(201, SlotSchema)
    def post(self, data):
        """Publish (or change) a day's capacity for a department or one specialist, with the reserved share."""
        return committed(referrals.publish_slot(db.session, actor=current_actor(), now=utcnow(), **data))
