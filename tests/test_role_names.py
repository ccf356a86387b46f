"""Roles and permissions by their names in the reader's language, never by their codes: the
page header, a refusal for a role that may not, and who made a plan version ("polres
(Operasional Polres)", not "polres (polres_ops)"). The code stays for programs, and at most in
a title attribute."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pollguard.access import Permission, Role
from pollguard.i18n import catalogue
from pollguard.services.accounts import actor_label
from pollguard.store.database import Database
from pollguard.web.app import create_app
from pollguard.web.settings import WebSettings
from web_client import log_in, token_headers

CODES = re.compile("|".join(re.escape(c) for c in [*Role, *Permission]))


@pytest.fixture(scope="module")
def app(planned_db: Database) -> FastAPI:
    return create_app(planned_db, WebSettings(escalate=False))


def test_every_role_and_permission_has_a_name_in_both_languages() -> None:
    for lang in ("id", "en"):
        words = catalogue(lang)
        for role in Role:
            assert words.get(f"role.{role.value}"), (lang, role)
            assert role.label(lang) == words[f"role.{role.value}"]
        for p in Permission:
            assert words.get(f"permission.{p.value}"), (lang, p)
    assert Role.POLRES_OPS.label_id == "Operasional Polres"
    assert Role.POLRES_OPS.label_en == "Polres operations"


@pytest.mark.parametrize(("lang", "name"), [("id", "Operasional Polres"),
                                            ("en", "Polres operations")])
def test_the_page_header_names_the_role_with_its_code_only_as_a_title(
        app: FastAPI, lang: str, name: str) -> None:
    client = TestClient(app)
    log_in(client, "polres")
    page = client.get("/map", params={"lang": lang}).text
    who = re.search(r'<span class="who" data-testid="who">(.*?)</span>\s*<button', page, re.S)
    assert who, page[:2000]
    shown = re.sub(r"<[^>]+>", "", who.group(1))  # the text a reader sees
    assert name in shown and "polres_ops" not in shown, shown
    assert 'title="polres_ops"' in who.group(1)


def test_a_role_that_may_not_is_told_by_names_in_each_language(app: FastAPI,
                                                               planned_db: Database) -> None:
    client = TestClient(app)
    client.headers.update(token_headers(planned_db, "polres"))
    said = {}
    for lang in ("id", "en"):
        r = client.get("/api/v1/audit", params={"lang": lang})
        assert r.status_code == 403 and r.json()["code"] == "role_forbidden"
        said[lang] = r.json()["detail"]
    assert said == {"id": "Peran Operasional Polres tidak berwenang: melihat jejak audit",
                    "en": "the role Polres operations may not see the audit trail"}
    assert not any(CODES.search(s) for s in said.values()), said


def test_who_made_a_plan_is_shown_with_the_role_by_name(app: FastAPI,
                                                       planned_db: Database) -> None:
    assert actor_label("kerinci (polres_ops)", "id") == "kerinci (Operasional Polres)"
    assert actor_label("kerinci (polres_ops)", "en") == "kerinci (Polres operations)"
    assert actor_label("cli", "id") == "cli"
    assert actor_label("a (b)", "en") == "a (b)"  # not a role: as it is
    client = TestClient(app)
    client.headers.update(token_headers(planned_db, "polda"))
    for lang in ("id", "en"):
        versions = client.get("/api/v1/plans", params={"lang": lang}).json()["plans"]
        assert versions
        for v in versions:
            assert v["author_label"] == actor_label(v["author"], lang)
            assert not CODES.search(v["author_label"]), v
