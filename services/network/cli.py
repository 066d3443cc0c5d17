"""Operator commands: ``python -m services.network.cli create-admin --email ...`` (password on stdin)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO

from sqlalchemy import select

from services.network.domain import identity as domain
from services.network.models import User
from services.network.services import identity
from shared.config import database_url
from shared.db import make_engine, make_session_factory, transaction


def read_password(stdin: TextIO) -> str:
    """The first line of piped input, or typed twice at a prompt (never a command-line argument)."""
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Passwort / password: ")
    if getpass.getpass("Noch einmal / again: ") != password:
        raise SystemExit("Die Passwörter stimmen nicht überein / the passwords differ.")
    return password


def create_admin(url: str, email: str, password: str, language: str) -> str:
    email = email.strip().lower()
    problem = domain.password_problem(password, email)
    if problem:
        raise SystemExit(problem)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            if session.scalar(select(User.id).where(User.email == email)):
                raise SystemExit(f"{email} hat schon ein Konto / already has an account.")
            user = identity.create_user(session, email, password, ["admin"], [], language)
            identity.audit(session, None, "user.created", user.id, email=email, roles=["admin"], via="cli")
            return user.id
    finally:
        engine.dispose()


def main(argv: list[str] | None = None, stdin: TextIO = sys.stdin) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.network.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="create an admin account (the first one)")
    admin.add_argument("--email", required=True)
    admin.add_argument("--language", default="de")
    args = parser.parse_args(argv)
    user_id = create_admin(database_url("network"), args.email, read_password(stdin), args.language)
    print(f"admin {args.email.strip().lower()} created ({user_id})")


if __name__ == "__main__":
    main()
