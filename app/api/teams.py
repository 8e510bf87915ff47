"""1+1+1 family doctor teams."""
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.common import committed
from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.org import TeamArgsSchema, TeamCreateSchema, TeamMemberAddSchema, TeamSchema, TeamVillagesSchema
from app.services import teams
from app.services.scopes import require_staff

blp = Blueprint("teams", __name__, description="家庭医生团队 / family doctor teams")


@blp.route("")
class Teams(MethodView):
    @blp.arguments(TeamArgsSchema, location="query")
    @blp.response(200, page_of(TeamSchema))
    def get(self, args):
        """List teams; `mine=true` keeps the caller's own."""
        return teams.list_teams(db.session, require_staff(current_actor()), **args)

    @allow("admin")
    @blp.arguments(TeamCreateSchema)
    @blp.response(201, TeamSchema)
    def post(self, data):
        """Form a team: one county doctor, one township GP, one village doctor under that township (admin)."""
        return committed(teams.create_team(db.session, actor=current_actor(), **data))


@blp.route("/<int:team_id>")
class TeamById(MethodView):
    @blp.response(200, TeamSchema)
    def get(self, team_id):
        """One team with members and villages."""
        return teams.get_team(db.session, require_staff(current_actor()), team_id)


@blp.post("/<int:team_id>/members")
@allow("admin")
@blp.arguments(TeamMemberAddSchema)
@blp.response(200, TeamSchema)
def add_member(data, team_id):
    """Add a nurse, public-health doctor or health manager (admin)."""
    return committed(teams.add_member(db.session, actor=current_actor(), team_id=team_id, **data))


@blp.put("/<int:team_id>/villages")
@allow("admin")
@blp.arguments(TeamVillagesSchema)
@blp.response(200, TeamSchema)
def set_villages(data, team_id):
    """Replace the villages a team serves (admin)."""
    return committed(teams.set_villages(db.session, actor=current_actor(), team_id=team_id, **data))
