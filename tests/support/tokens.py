"""Bearer tokens for tests, signed with the test run's own key pair."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from shared.auth import Actor, issue_token


@dataclass(frozen=True)
class TokenMaker:
    private_key: bytes

    def __call__(self, *roles: str, orgs: tuple[str, ...] = (), user_id: str | None = None) -> str:
        actor = Actor(
            user_id=user_id or str(uuid.uuid4()),
            email=f"{roles[0] if roles else 'user'}@test.example",
            roles=roles,
            organization_ids=orgs,
        )
        return issue_token(self.private_key, actor, timedelta(minutes=5))

    def headers(self, *roles: str, orgs: tuple[str, ...] = (), user_id: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self(*roles, orgs=orgs, user_id=user_id)}"}
