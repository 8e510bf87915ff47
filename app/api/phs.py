"""基本公卫 exchange: the follow-up export for a county's scheduled job (admins)."""
from flask_smorest import Blueprint

from app.api.common import committed
from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.phs import ExportCreateSchema, ExportReportSchema
from app.services.phs import export
from models.base import utcnow

blp = Blueprint("phs", __name__, description="基本公卫 / exports to the county system and the regional platform")


@blp.post("/exports")
@allow("admin")
@blp.arguments(ExportCreateSchema)
@blp.response(200, ExportReportSchema)
def create_export(data):
    """Export the follow-ups that are new or corrected since the destination's cursor, in one format (rows:
    CSV + JSON Lines keyed by 身份证号/健康档案编号; cda: WS/T 483 HSDB04.01/02; fhir: R4B Bundles). Each
    version goes once; residents who withdrew consent to sharing are left out and counted."""
    return committed(export.export_followups(db.session, actor=current_actor(), now=utcnow(), **data))
