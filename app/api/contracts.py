"""Contracts: apply, approve (team lead), terminate, renew."""
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.common import committed, rules
from app.auth import current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.contracts import (ContractArgsSchema, ContractCreateSchema, ContractRenewSchema, ContractSchema,
                                   ContractTerminateSchema)
from app.services import contracts
from models.base import utcnow

blp = Blueprint("contracts", __name__, description="签约 / contracts")


@blp.route("")
class Contracts(MethodView):
    @blp.arguments(ContractArgsSchema, location="query")
    @blp.response(200, page_of(ContractSchema))
    def get(self, args):
        """Contracts the caller may see, newest first."""
        return contracts.list_contracts(db.session, current_actor(), **args)

    @blp.arguments(ContractCreateSchema)
    @blp.response(201, ContractSchema)
    @blp.doc(**rules({
        "contract.village_not_served": "the team serves the resident's village (an admin may override with "
                                       "override_reason)",
        "contract.team_inactive": "the team is active",
        "contract.packages": "every package is a current, active package of the consortium",
    }))
    def post(self, data):
        """Apply to sign a resident with a team (pending until the team lead approves)."""
        return committed(contracts.apply_contract(db.session, actor=current_actor(), now=utcnow(), **data))


@blp.route("/<int:contract_id>")
class ContractById(MethodView):
    @blp.response(200, ContractSchema)
    def get(self, contract_id):
        """One contract."""
        return contracts.get_contract(db.session, current_actor(), contract_id)


@blp.post("/<int:contract_id>/approve")
@blp.response(200, ContractSchema)
def approve(contract_id):
    """Team lead approves a pending contract."""
    return committed(contracts.approve_contract(db.session, actor=current_actor(), contract_id=contract_id,
                                                now=utcnow()))


@blp.post("/<int:contract_id>/terminate")
@blp.arguments(ContractTerminateSchema)
@blp.response(200, ContractSchema)
def terminate(data, contract_id):
    """End a contract early with a reason (team lead or admin)."""
    return committed(contracts.terminate_contract(db.session, actor=current_actor(), contract_id=contract_id,
                                                  now=utcnow(), **data))


@blp.post("/<int:contract_id>/renew")
@blp.arguments(ContractRenewSchema)
@blp.response(201, ContractSchema)
def renew(data, contract_id):
    """Team lead renews; the new contract is linked to the old one."""
    return committed(contracts.renew_contract(db.session, actor=current_actor(), contract_id=contract_id,
                                              now=utcnow(), **data))
