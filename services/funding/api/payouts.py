"""Payout requests (Mittelabruf) and their approval by staff."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX
from services.funding.models.payouts import Payout
from services.funding.schemas.payouts import (
    PayoutApproveSchema,
    PayoutRejectSchema,
    PayoutRequestSchema,
    PayoutSchema,
)
from services.funding.services import payouts
from shared.web import current_actor, login_required, unit_of_work

blp = Blueprint("payouts", __name__, url_prefix=PREFIX, description="Mittelabruf")
ONE = "/applications/<uuid:application_id>/payouts/<uuid:payout_id>"


@blp.route("/applications/<uuid:application_id>/payouts")
class Payouts(MethodView):
    @login_required
    @blp.response(200, PayoutSchema(many=True))
    def get(self, application_id: Any) -> list[Payout]:
        """The application's payout requests, oldest first."""
        with unit_of_work() as session:
            return payouts.list_payouts(session, str(application_id), current_actor())

    @login_required
    @blp.arguments(PayoutRequestSchema)
    @blp.response(201, PayoutSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Payout:
        """The applying organisation requests money; requests together never pass the approved amount."""
        with unit_of_work() as session:
            return payouts.request_payout(session, str(application_id), current_actor(), **data)


@blp.route(f"{ONE}/approve")
class ApprovePayout(MethodView):
    @login_required
    @blp.arguments(PayoutApproveSchema)
    @blp.response(200, PayoutSchema)
    def post(self, data: dict[str, Any], application_id: Any, payout_id: Any) -> Payout:
        """An approver (never the requester) approves the payout; it counts as paid out."""
        with unit_of_work() as session:
            return payouts.approve_payout(
                session, str(application_id), str(payout_id), current_actor(), **data
            )


@blp.route(f"{ONE}/reject")
class RejectPayout(MethodView):
    @login_required
    @blp.arguments(PayoutRejectSchema)
    @blp.response(200, PayoutSchema)
    def post(self, data: dict[str, Any], application_id: Any, payout_id: Any) -> Payout:
        """An approver rejects the payout request, giving a reason."""
        with unit_of_work() as session:
            return payouts.reject_payout(
                session, str(application_id), str(payout_id), current_actor(), **data
            )
