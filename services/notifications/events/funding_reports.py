"""Notifications' handlers for funding's proof-of-use report events."""

from __future__ import annotations

from shared.inbox import Handlers

HANDLERS: Handlers = {}
