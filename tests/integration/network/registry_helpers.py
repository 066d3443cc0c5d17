"""Helpers for the registry's API tests: URLs, a complete organisation body, staff headers."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.support.tokens import TokenMaker

API = "/network/api/v1"
ORGS = f"{API}/organizations"
CONTACTS = f"{API}/contacts"


def organisation_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Brückenbau e.V.",
        "legal_form": "ev",
        "type": "migrant_organization",
        "street": "Keupstraße 12",
        "postal_code": "51063",
        "city": "Köln",
        "municipality": "Köln",
        "district": "Köln-Mülheim",
        "email": "kontakt@bruecken.example",
        "phone": "+49 221 123456",
        "website": "https://bruecken.example",
        "description": "Sprachcafé und Elternberatung in Mülheim.",
        "fields_of_work": ["language", "parents"],
        "languages": ["de", "tr", "ku"],
        "target_groups": ["parents", "new_arrivals"],
    }
    body.update(overrides)
    return body


def create_organisation(client: FlaskClient, tokens: TokenMaker, **overrides: Any) -> dict[str, Any]:
    response = client.post(ORGS, json=organisation_body(**overrides), headers=tokens.headers("caseworker"))
    assert response.status_code == 201, response.json
    return response.json


def verify(client: FlaskClient, tokens: TokenMaker, organization_id: str) -> None:
    response = client.post(f"{ORGS}/{organization_id}/verify", json={}, headers=tokens.headers("caseworker"))
    assert response.status_code == 200, response.json
