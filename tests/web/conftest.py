"""Fixtures for the Django tests: fast password hashing, two organisations, signed-in clients."""

from __future__ import annotations

import pytest

from web.factories import PASSWORD, make_org, make_user, world


@pytest.fixture(autouse=True)
def _fast_hashing(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TIPWATCH_HOME = tmp_path


@pytest.fixture
def org_a(db):
    return make_org("Org A")


@pytest.fixture
def org_b(db):
    return make_org("Org B")


@pytest.fixture
def analyst(django_user_model, org_a):
    return make_user(django_user_model, org_a, "analyst")


@pytest.fixture
def client_a(client, analyst):
    assert client.login(username=analyst.username, password=PASSWORD)
    return client


@pytest.fixture
def world_a(org_a):
    return world(org_a)


@pytest.fixture
def world_b(org_b):
    return world(org_b)
