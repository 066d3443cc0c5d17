"""Payloads of network's identity events: accounts, sessions, password resets."""

from __future__ import annotations
