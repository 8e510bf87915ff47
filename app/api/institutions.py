"""Institutions and the villages they serve (admin manages; all staff read)."""
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.common import committed
from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.org import (InstitutionArgsSchema, InstitutionCreateSchema, InstitutionSchema,
                             InstitutionUpdateSchema, VillageArgsSchema, VillageCreateSchema, VillageSchema,
                             VillageUpdateSchema)
from app.services import institutions
from app.services.scopes import require_staff

blp = Blueprint("institutions", __name__, description="机构与村 / institutions and villages")


@blp.route("")
class Institutions(MethodView):
    @blp.arguments(InstitutionArgsSchema, location="query")
    @blp.response(200, page_of(InstitutionSchema))
    def get(self, args):
        """List institutions of the consortium."""
        return institutions.list_institutions(db.session, require_staff(current_actor()), **args)

    @allow("admin")
    @blp.arguments(InstitutionCreateSchema)
    @blp.response(201, InstitutionSchema)
    def post(self, data):
        """Add a county hospital, township centre or village clinic (admin)."""
        return committed(institutions.create_institution(db.session, actor=current_actor(), **data))


@blp.route("/<int:institution_id>")
class InstitutionById(MethodView):
    @blp.response(200, InstitutionSchema)
    def get(self, institution_id):
        """One institution."""
        return institutions.get_institution(db.session, require_staff(current_actor()), institution_id)

    @allow("admin")
    @blp.arguments(InstitutionUpdateSchema)
    @blp.response(200, InstitutionSchema)
    def patch(self, data, institution_id):
        """Rename an institution (admin)."""
        return committed(institutions.update_institution(db.session, actor=current_actor(),
                                                         institution_id=institution_id, **data))


@blp.route("/villages")
class Villages(MethodView):
    @blp.arguments(VillageArgsSchema, location="query")
    @blp.response(200, page_of(VillageSchema))
    def get(self, args):
        """List villages."""
        return institutions.list_villages(db.session, require_staff(current_actor()), **args)

    @allow("admin")
    @blp.arguments(VillageCreateSchema)
    @blp.response(201, VillageSchema)
    def post(self, data):
        """Add a village served by a village clinic (admin)."""
        return committed(institutions.create_village(db.session, actor=current_actor(), **data))


@blp.route("/villages/<int:village_id>")
class VillageById(MethodView):
    @allow("admin")
    @blp.arguments(VillageUpdateSchema)
    @blp.response(200, VillageSchema)
    def patch(self, data, village_id):
        """Set a village's population (KPI denominator) or name (admin)."""
        return committed(institutions.update_village(db.session, actor=current_actor(), village_id=village_id,
                                                     **data))
