"""Network's HTTP API: Import und Export (/network/api/v1/imports)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from services.network.models import ImportJob
from services.network.schemas.imports import DryRunSchema, ImportArgsSchema, ImportJobSchema, UploadSchema
from services.network.services import imports as services
from services.network.services.organizations import require_staff
from shared.web import current_actor, service_context, unit_of_work

blp = Blueprint("imports", __name__, url_prefix="/network/api/v1/imports", description="Import und Export")


@blp.route("")
class Imports(MethodView):
    @blp.arguments(ImportArgsSchema, location="query")
    @blp.arguments(UploadSchema, location="files")
    @blp.response(202, ImportJobSchema)
    @blp.alt_response(200, schema=DryRunSchema, description="the dry run's per-row report")
    def post(self, args: dict[str, Any], upload: dict[str, Any]) -> Any:
        """Import organisations from a CSV or XLSX file (staff only).

        ``dry_run=true`` answers at once with what each row would do (created, updated, rejected
        and why); otherwise the file is queued and processed by a worker: watch ``GET /imports/<id>``.
        """
        actor = current_actor()
        require_staff(actor)
        file = upload["file"]
        content, filename = file.read(), file.filename or ""
        with unit_of_work() as session:
            if args["dry_run"]:
                # A Response passes flask-smorest's 202 job schema untouched.
                return jsonify(DryRunSchema().dump(services.dry_run(session, filename, content)))
            job = services.start_import(session, filename, content, actor)
        services.enqueue(service_context().celery, job.id)
        return job


@blp.route("/<job_id>")
class ImportProgress(MethodView):
    @blp.response(200, ImportJobSchema)
    def get(self, job_id: str) -> ImportJob:
        """How far an import is: processed of total, counts and each row's result (staff only)."""
        require_staff(current_actor())
        with unit_of_work() as session:
            job = services.get_job(session, job_id)
        if services.needs_requeue(job):
            services.enqueue(service_context().celery, job.id)
        return job
