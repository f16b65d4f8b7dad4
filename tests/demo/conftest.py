"""Shared fixtures: one 5,000-ad world, generated once per test session."""

from __future__ import annotations

import pytest

from tipwatch.demo import generate

SEED = 20260901
N_ADS = 5000


@pytest.fixture(scope="session")
def world_pairs() -> list[tuple[dict, dict]]:
    return list(generate(SEED, N_ADS))
