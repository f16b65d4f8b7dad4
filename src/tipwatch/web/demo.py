"""The demo world: two organisations, one user per role, and generated ads stored for the first.

    from tipwatch.web.demo import ensure_demo_users, load_demo
    load_demo(seed=7, n_ads=3000)       # idempotent
    ensure_demo_users()                 # [{"username", "password", "role", "organisation"}, ...]

Ads come from :func:`tipwatch.demo.generate` (synthetic, with ground truth), are extracted
by the engine and stored with :func:`tipwatch.web.ads.store.store_batch`, as the CLI does.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from tipwatch.engine.extract import extract_ad
from tipwatch.engine.types import AdError, ad_from_dict
from tipwatch.web.accounts.models import Membership, Organisation, Role
from tipwatch.web.ads.models import IngestRun
from tipwatch.web.ads.store import finish_run, start_run, store_batch
from tipwatch.web.assess.services import rescore
from tipwatch.web.links.images import store_images
from tipwatch.web.links.services import relink

__all__ = ["DEMO_ORG", "PARTNER_ORG", "ensure_demo_users", "ensure_organisations", "load_demo"]

DEMO_ORG = {
    "name": "Demo Anti-Trafficking Unit",
    "slug": "demo-unit",
    "country": "US",
    "default_region": "US",
}
PARTNER_ORG = {"name": "Partner NGO", "slug": "partner-ngo", "country": "US", "default_region": "US"}
DEMO_SOURCE = "demo-world"
PARTNER_ADS = 100  # a few ads of its own, so tenancy is visible when signing in as the partner
BATCH = 500

_DEMO_USERS = [
    ("analyst", Role.ANALYST),
    ("hotline", Role.HOTLINE_OPERATOR),
    ("caseworker", Role.CASEWORKER),
    ("investigator", Role.INVESTIGATOR),
    ("orgadmin", Role.ORG_ADMIN),
    ("platformadmin", Role.PLATFORM_ADMIN),
]


def ensure_organisations() -> tuple[Organisation, Organisation]:
    """Create (once) and return the demo organisation and the partner NGO."""
    orgs = []
    for spec in (DEMO_ORG, PARTNER_ORG):
        org, _ = Organisation.objects.get_or_create(slug=spec["slug"], defaults=spec)
        orgs.append(org)
    return orgs[0], orgs[1]


def _demo_images() -> Callable[[str], bytes] | None:
    """Loader of the generator's photos (``images/<name>.jpg`` -> bytes), or None without them."""
    try:
        from tipwatch.demo.images import image_bytes
    except ImportError:  # a generator without photos: ads are stored without images
        return None

    @lru_cache(maxsize=256)  # an operation shows the same photos again and again; ~20 kB each
    def load(path: str) -> bytes:
        return image_bytes(Path(path).stem)

    return load


def _generate(seed: int, n_ads: int, with_images: bool):
    from tipwatch.demo import generate  # the generator, written alongside; imported when used

    if with_images:
        try:
            return generate(seed, n_ads, images=True)
        except TypeError:  # a generator that cannot draw photos yet
            pass
    return generate(seed, n_ads)


def _load_into(org, *, seed: int, n_ads: int, progress: Callable[[int, int], Any] | None) -> dict[str, int]:
    params = {"seed": seed, "n_ads": n_ads}
    done = IngestRun.objects.for_org(org).filter(
        source__name=DEMO_SOURCE, status=IngestRun.Status.COMPLETED, params__seed=seed, params__n_ads=n_ads
    )
    if done.exists():
        run = done.first()
        return {"new": 0, "duplicate": 0, "rejected": 0, "read": 0, "skipped_run": run.pk}
    # A previous load that died half-way is marked so; this run completes its work.
    IngestRun.objects.for_org(org).filter(source__name=DEMO_SOURCE, status=IngestRun.Status.RUNNING).update(
        status=IngestRun.Status.INTERRUPTED
    )
    run = start_run(org, DEMO_SOURCE, "demo", params=params)
    totals = {"read": 0, "new": 0, "duplicate": 0, "rejected": 0}
    rejects = []
    batch = []
    loader = _demo_images()

    def flush() -> None:
        counts = store_batch(org, batch, source=run.source, run=run)
        totals["new"] += counts.new
        totals["duplicate"] += counts.duplicate
        if loader is not None:
            rejects.extend(store_images(org, batch, loader=loader, source=DEMO_SOURCE))

    try:
        for ad_dict, _truth in _generate(seed, n_ads, loader is not None):
            totals["read"] += 1
            try:
                ad = ad_from_dict(ad_dict)
            except AdError as exc:
                rejects.append({"location": f"demo#{totals['read']}", "code": exc.code, "reason": str(exc)})
                continue
            batch.append((ad, extract_ad(ad, region=org.default_region or None)))
            if len(batch) >= BATCH:
                flush()
                batch = []
                if progress is not None:
                    progress(totals["read"], n_ads)
        if batch:
            flush()
        if progress is not None:
            progress(totals["read"], n_ads)
    except BaseException:
        totals["rejected"] = len(rejects)
        finish_run(run, totals, rejects, IngestRun.Status.INTERRUPTED)
        raise
    totals["rejected"] = len(rejects)
    finish_run(run, totals, rejects, IngestRun.Status.COMPLETED)
    return totals


def load_demo(seed: int = 7, n_ads: int = 3000, progress: Callable[[int, int], Any] | None = None) -> dict:
    """Create the demo organisations and load ``n_ads`` generated ads into the demo unit.

    Idempotent: once a load with the same seed and size completed, calling again stores
    nothing. ``progress(done, total)`` is called after each batch. Returns a summary dict:
    ``{"organisation", "partner", "new", "duplicate", "rejected", "read", "partner_new", "assessed",
    "operations"}`` (``assessed``: ads scored now, see :func:`tipwatch.web.assess.services.rescore`;
    ``operations``: groups of 2+ ads after :func:`tipwatch.web.links.services.relink`).
    """
    demo, partner = ensure_organisations()
    main = _load_into(demo, seed=seed, n_ads=n_ads, progress=progress)
    side = _load_into(partner, seed=seed + 1000, n_ads=min(PARTNER_ADS, n_ads), progress=None)
    # Score what is not scored yet with the current catalogue (all ads on a first load, none on
    # a repeat, every ad after a catalogue change), so the review queue and ad pages have scores.
    assessed = rescore(demo) + rescore(partner)
    # Operations, templates and photo groups (idempotent: a repeat load changes nothing).
    linked = relink(demo)
    relink(partner)
    return {
        "organisation": demo.name,
        "partner": partner.name,
        **main,
        "partner_new": side["new"],
        "assessed": assessed,
        "operations": linked["operations"],
    }


def _logins_path() -> Path:
    return Path(settings.TIPWATCH_HOME) / "demo_logins.json"


def _read_logins(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_logins(path: Path, logins: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(logins, fh, indent=2, sort_keys=True)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def ensure_demo_users() -> list[dict[str, str]]:
    """One demo user per role in the demo organisation; passwords random once, then stable.

    Passwords live in ``TIPWATCH_HOME/demo_logins.json`` (mode 0600). A user whose password
    is not in the file (file deleted) gets a new one.
    """
    demo, _partner = ensure_organisations()
    path = _logins_path()
    logins = _read_logins(path)
    User = get_user_model()
    out = []
    changed = False
    with transaction.atomic():
        for username, role in _DEMO_USERS:
            user = User.objects.filter(username=username).first()
            password = logins.get(username)
            # Trust the file for existing users: checking a password costs a full PBKDF2 round.
            if user is None or password is None:
                password = password if user is None and password else secrets.token_urlsafe(12)
                if user is None:
                    user = User(username=username)
                user.set_password(password)
                user.is_staff = user.is_superuser = role == Role.PLATFORM_ADMIN
                user.save()
                logins[username] = password
                changed = True
            Membership.objects.update_or_create(user=user, organisation=demo, defaults={"role": role})
            out.append(
                {"username": username, "password": password, "role": str(role), "organisation": demo.name}
            )
    if changed or not path.exists():
        _write_logins(path, logins)
    return out
