"""Funding settings from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from shared.settings import ServiceSettings


@dataclass(frozen=True)
class Settings(ServiceSettings):
    @classmethod
    def from_env(cls) -> Settings:
        return cls(**cls.base_from_env("funding"))
