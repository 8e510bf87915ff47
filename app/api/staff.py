"""Staff users (admin manages; staff read)."""
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.common import committed
from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.org import StaffArgsSchema, StaffCreateSchema, StaffSchema, StaffUpdateSchema
from app.services import staff
from app.services.scopes import require_staff

blp = Blueprint("staff", __name__, description="工作人员 / staff")


@blp.route("")
class StaffList(MethodView):
    @blp.arguments(StaffArgsSchema, location="query")
    @blp.response(200, page_of(StaffSchema))
    def get(self, args):
        """List staff of the consortium."""
        return staff.list_staff(db.session, require_staff(current_actor()), **args)

    @allow("admin")
    @blp.arguments(StaffCreateSchema)
    @blp.response(201, StaffSchema)
    def post(self, data):
        """Add a staff login (admin)."""
        return committed(staff.create_staff(db.session, actor=current_actor(), **data))


@blp.route("/<int:staff_id>")
class StaffById(MethodView):
    @blp.response(200, StaffSchema)
    def get(self, staff_id):
        """One staff member."""
        return staff.get_staff(db.session, require_staff(current_actor()), staff_id)

    @allow("admin")
    @blp.arguments(StaffUpdateSchema)
    @blp.response(200, StaffSchema)
    def patch(self, data, staff_id):
        """Change a staff member (admin): name, phone, department, duty, active, password."""
        return committed(staff.update_staff(db.session, actor=current_actor(), staff_id=staff_id, **data))
