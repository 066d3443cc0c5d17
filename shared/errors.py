"""Errors a service's rules raise; the web layer turns each into a problem-details response."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. ``field`` names the input at fault when there is one."""

    status = 422
    title = "Unprocessable Content"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def errors(self) -> dict[str, list[str]] | None:
        return {self.field: [self.message]} if self.field else None


class NotFound(DomainError):
    status = 404
    title = "Not Found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class Invalid(DomainError):
    """Several fields at fault at once, e.g. one message per violated funding rule."""

    def __init__(self, errors: dict[str, list[str]], message: str = "The input is not valid.") -> None:
        super().__init__(message)
        self._errors = errors

    @property
    def errors(self) -> dict[str, list[str]]:
        return self._errors
