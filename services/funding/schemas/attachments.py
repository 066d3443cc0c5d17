"""Attachments in and out of the API: the multipart upload and the stored file's metadata."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate


class AttachmentFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "PDF, PNG, JPEG, DOCX, XLSX, ODT or ODS"})


class AttachmentFormSchema(Schema):
    description = fields.String(load_default="", validate=validate.Length(max=500))


class AttachmentUploadSchema(AttachmentFileSchema, AttachmentFormSchema):
    """For the OpenAPI document: the file and its form fields make one multipart body."""


class AttachmentSchema(Schema):
    id = fields.String()
    application_id = fields.String()
    original_name = fields.String()
    description = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.AwareDateTime()
