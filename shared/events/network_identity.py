"""Payloads of network's identity events: accounts, sessions, password resets."""

from __future__ import annotations

from marshmallow import fields

from shared.events.fields import Id, Language, UtcDateTime
from shared.events.registry import PayloadSchema, payload


@payload("network.user.sessions_revoked", 1)
class UserSessionsRevokedV1(PayloadSchema):
    """Network emits this when it ends a user's sign-in sessions: logout, password change or reset,
    a removed role or membership, deactivation, or a stolen refresh token.

    Every service then refuses the user's access tokens issued before ``revoked_before`` (UTC),
    without waiting for them to expire. With ``session_id`` only that one session ended (logout);
    without it, all of the user's sessions did. Consumers keep the latest time per subject.
    """

    user_id = Id(required=True)
    revoked_before = UtcDateTime(required=True)
    session_id = Id(load_default=None, allow_none=True)


@payload("network.user.password_reset_requested", 1)
class PasswordResetRequestedV1(PayloadSchema):
    """Network emits this when someone asks to reset the password of an existing, active account,
    or when an admin invites a new user (``invitation`` true).

    Notifications emails ``reset_url`` to ``email`` in ``language``; the link works once, for one
    hour. Nothing is emitted for unknown addresses.
    """

    user_id = Id(required=True)
    email = fields.Email(required=True)
    language = Language(required=True)
    reset_url = fields.Url(required=True, require_tld=False)
    invitation = fields.Boolean(load_default=False)


@payload("network.user.updated", 1)
class UserUpdatedV1(PayloadSchema):
    """Network emits this whenever a user account is created (by an admin, the ``create-admin``
    command or the demo loader) or changed: its roles replaced, deactivated or reactivated.

    It is the account's whole current state, so consumers replace what they hold about
    ``user_id`` (``roles`` is the full list, never a difference). ``active`` is false while the
    account is deactivated: its roles then grant nothing. Events can arrive out of order; a
    consumer keeps the one with the latest envelope ``occurred_at``. Network keeps no display name
    for accounts, so there is none here.
    """

    user_id = Id(required=True)
    email = fields.Email(required=True)
    language = Language(load_default=None, allow_none=True)
    roles = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
