"""Payloads of the events the funding service publishes about programmes and calls."""

from __future__ import annotations
