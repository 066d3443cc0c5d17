"""Caseworkers' assessments: the programme's checklist answered, comment, recommended amount."""

from __future__ import annotations
