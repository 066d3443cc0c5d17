"""HTTP schemas of spreadsheet imports."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields


class UploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "CSV (UTF-8 or Windows-1252, ; or ,) or XLSX"})


class ImportArgsSchema(Schema):
    dry_run = fields.Boolean(load_default=False)


class RowErrorSchema(Schema):
    field = fields.String()
    message = fields.String()


class RowResultSchema(Schema):
    row = fields.Integer(metadata={"description": "row number in the sheet (the header is row 1)"})
    action = fields.String(metadata={"description": "created, updated or rejected"})
    name = fields.String()
    organization_id = fields.String(allow_none=True)
    errors = fields.List(fields.Nested(RowErrorSchema))


class DryRunSchema(Schema):
    dry_run = fields.Boolean()
    total = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    rejected = fields.Integer()
    ignored_columns = fields.List(fields.String())
    rows = fields.List(fields.Nested(RowResultSchema))


class ImportJobSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "queued, running, done or failed"})
    filename = fields.String()
    file_format = fields.String()
    total = fields.Integer()
    processed = fields.Integer()
    created = fields.Integer(attribute="created_count")
    updated = fields.Integer(attribute="updated_count")
    rejected = fields.Integer(attribute="rejected_count")
    error = fields.String()
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    rows = fields.List(fields.Nested(RowResultSchema), attribute="results")
