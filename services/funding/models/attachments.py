"""Attachments of applications: metadata here, the files outside the database."""

from __future__ import annotations
