"""A resident's timeline: readings, alerts, follow-ups, referrals, calls and messages in one feed."""
from flask_smorest import Blueprint

from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.followups import TimelineArgsSchema, TimelineItemSchema
from app.services import timeline

blp = Blueprint("timeline", __name__, description="时间线 / one resident's events, newest first")


@blp.get("/<int:resident_id>")
@allow("village_doctor", "township_doctor", "county_doctor", "specialist")
@blp.arguments(TimelineArgsSchema, location="query")
@blp.response(200, page_of(TimelineItemSchema))
def get(args, resident_id):
    """Newest first, paginated; `types` narrows it (bp, glucose, alert, followup, referral, call, message)."""
    return timeline.resident_timeline(db.session, current_actor(), resident_id=resident_id, **args)
