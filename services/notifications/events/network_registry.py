"""Notifications' handlers for network's registry events."""

from __future__ import annotations

from shared.inbox import Handlers

HANDLERS: Handlers = {}
