"""Load the versioned data files under ``tipwatch/data`` once per process."""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources
from typing import Any

import yaml

# libyaml's C parser reads the lexicons ten times faster than the pure-Python one (start-up)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
__all__ = ["DataError", "domains", "fold", "lexicon", "read_data_text"]


class DataError(RuntimeError):
    """A shipped data file is missing or malformed (a packaging bug, not an input problem)."""


def read_data_text(*parts: str) -> str:
    """Text of ``tipwatch/data/<parts...>``; raises :class:`DataError` naming the file."""
    path = "/".join(parts)
    try:
        node = resources.files("tipwatch").joinpath("data")
        for part in parts:
            node = node.joinpath(part)
        return node.read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise DataError(
            f"data file tipwatch/data/{path} is missing: reinstall tipwatch or regenerate it "
            "(see src/tipwatch/data/README.md)"
        ) from exc


@functools.cache
def lexicon(name: str) -> Any:
    """Parsed YAML of ``tipwatch/data/lexicons/<name>.yaml`` (cached; treat it as read-only)."""
    text = read_data_text("lexicons", f"{name}.yaml")
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise DataError(f"tipwatch/data/lexicons/{name}.yaml is not valid YAML: {exc}") from exc


@functools.cache
def domains() -> dict[str, Any]:
    """The domain lexicon with sets ready for lookups (TLDs, suffixes, providers, sites)."""
    d = lexicon("domains")
    cctld = {str(k): v for k, v in d["cctld"].items()}
    return {
        "cctld": cctld,
        "tlds": frozenset(cctld) | frozenset(str(t) for t in d["gtld"]),
        "ambiguous_tld": frozenset(str(t) for t in d["ambiguous_tld"]),
        "second_level": frozenset(d["second_level"]),
        "site_country": dict(d["site_country"]),
        "email_providers": frozenset(str(p) for p in d["email_providers"]),
    }


@functools.lru_cache(maxsize=1 << 16)
def fold(s: str) -> str:
    """Case- and accent-insensitive key: "São Paulo" -> "sao paulo", "Ёлки" -> "елки"."""
    s = s.casefold()
    if s.isascii():
        return s
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
