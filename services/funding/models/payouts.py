"""Payout requests (Mittelabruf) against an approved application."""

from __future__ import annotations
