"""Residents: registration, profile, consent. Out-of-scope reads answer 404."""
from datetime import timedelta

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api.common import committed, rules, pdf_response
from app.auth import current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.residents import (BP_TARGET_RULE, ID_CARD_RULE, ConsentCreateSchema, ConsentSchema, FollowupFormsArgsSchema, ResidentArgsSchema,
                                   ResidentCreateSchema, ResidentSchema, ResidentUpdateSchema)
from app.services import residents, rights
from app.services.phs import printing
from app.services.clock import local_date
from app.services.pagination import Page
from app.services.scopes import get_resident
from models.base import utcnow

blp = Blueprint("residents", __name__, description="居民 / residents")


def _view(resident):
    return residents.view(resident, current_actor(), local_date(utcnow()))


@blp.route("")
class Residents(MethodView):
    @blp.arguments(ResidentArgsSchema, location="query")
    @blp.response(200, page_of(ResidentSchema))
    def get(self, args):
        """Residents in the caller's scope (team: contracted with their teams; specialist: referred)."""
        page = residents.list_residents(db.session, current_actor(), **args)
        return Page(items=[_view(r) for r in page.items], page=page.page, per_page=page.per_page, total=page.total)

    @blp.arguments(ResidentCreateSchema)
    @blp.response(201, ResidentSchema)
    @blp.doc(**rules({
        "id_card.birth_date": ID_CARD_RULE,
        "id_card.check_digit": ID_CARD_RULE,
        "resident.sex_mismatch": "sex, if given, agrees with the ID-card number",
        "resident.birth_date_mismatch": "birth_date, if given, agrees with the ID-card number",
        "resident.bp_target": BP_TARGET_RULE,
        "resident.village": "village_id is a village of the caller's consortium",
    }))
    def post(self, data):
        """Register a resident (team staff or admin); sex and birth date are read from the ID-card number."""
        actor = current_actor()
        try:
            resident = committed(residents.register_resident(db.session, actor=actor, **data))
        except residents.TransferRequested:
            db.session.commit()  # keep the transfer request; the caller gets the 409
            raise
        return residents.view(resident, actor, local_date(utcnow()))


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, ResidentSchema)
    def get(self):
        """The signed-in resident's own record."""
        return _view(residents.get_own(db.session, current_actor()))


@blp.route("/<int:resident_id>")
class ResidentById(MethodView):
    @blp.response(200, ResidentSchema)
    def get(self, resident_id):
        """One resident, masked for the caller's role."""
        return _view(get_resident(db.session, current_actor(), resident_id))

    @blp.arguments(ResidentUpdateSchema)
    @blp.response(200, ResidentSchema)
    @blp.doc(**rules({
        "resident.bp_target": BP_TARGET_RULE,
        "resident.village": "village_id is a village of the caller's consortium",
    }))
    def patch(self, data, resident_id):
        """Change profile fields or the personal BP target (team staff)."""
        return _view(committed(residents.update_resident(db.session, actor=current_actor(),
                                                         resident_id=resident_id, **data)))


@blp.post("/<int:resident_id>/consents")
@blp.arguments(ConsentCreateSchema)
@blp.response(201, ConsentSchema)
def give_consent(data, resident_id):
    """Record explicit consent to a privacy-notice version."""
    return committed(residents.record_consent(db.session, actor=current_actor(), resident_id=resident_id,
                                              now=utcnow(), **data))


@blp.post("/<int:resident_id>/consents/withdraw")
@blp.response(200, ResidentSchema)
def withdraw_consent(resident_id):
    """Withdraw consent: processing and pushes stop."""
    return _view(committed(residents.withdraw_consent(db.session, actor=current_actor(), resident_id=resident_id,
                                                      now=utcnow())))


class DeletionRequestSchema(Schema):
    requested_at = fields.DateTime()
    due_at = fields.DateTime()


@blp.get("/<int:resident_id>/followup-forms.pdf")
@blp.arguments(FollowupFormsArgsSchema, location="query")
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/pdf")
def followup_forms(args, resident_id):
    """The resident's 随访服务记录表 of one year (A4, four visits a page; both forms for a resident on both)."""
    return pdf_response(printing.year_forms_pdf(db.session, current_actor(), resident_id, args["year"]),
                        f"followup-forms-{resident_id}-{args['year']}.pdf")


@blp.get("/me/export")
@blp.response(200)
def export_me():
    """All my data as JSON (PIPL right of access and portability)."""
    return rights.export_data(db.session, actor=current_actor())


@blp.get("/me/readings.csv")
@blp.response(200, content_type="text/csv")
def export_my_readings():
    """My readings as CSV."""
    body = rights.readings_csv(db.session, actor=current_actor())
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=readings.csv"})


@blp.post("/me/deletion-request")
@blp.response(202, DeletionRequestSchema)
def request_deletion():
    """Ask to be forgotten: pushes stop at once; identity is removed after the legal retention period."""
    retention = timedelta(days=current_app.config["RETENTION_DAYS"])
    return committed(rights.request_deletion(db.session, actor=current_actor(), now=utcnow(), retention=retention))
