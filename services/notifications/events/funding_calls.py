"""Notifications' handlers for funding's call events."""

from __future__ import annotations

from shared.inbox import Handlers

HANDLERS: Handlers = {}
