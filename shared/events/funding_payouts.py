"""Payloads of the events the funding service publishes about payouts and proof-of-use reports."""

from __future__ import annotations
