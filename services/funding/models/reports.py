"""Proof-of-use reports (Verwendungsnachweis) and their due dates."""

from __future__ import annotations
