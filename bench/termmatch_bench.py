"""Throughput of the term matcher: a 5,000-term watchlist against >= 20 MB of synthetic ads.

Terms are synthetic (pronounceable words, first-and-last names, phrases, @handles); ads are
synthetic classifieds in several languages: a common vocabulary (with accents, capitals and
punctuation) plus a long tail of rare words and names drawn log-uniformly from a pool of
150,000 (so, as in real ads, a few per cent of the words in new text were never seen before),
with phone numbers, prices and URLs, and about 1 ad in 50 carrying an obfuscated term
(leetspeak, spacing, repeats, case). Reports, on one core, MB/s of ``TermMatcher.find_many``:

* **first pass** (the headline): a fresh matcher over a stream it has never seen;
* **new text, warm matcher**: the same matcher over a second stream drawn with another seed
  (text never seen before, but the common vocabulary is already in the memos: steady state);
* **same text again**: the first stream repeated, every token known (flattered by the memos;
  shown only to bound what caching can do).

    .venv/bin/python bench/termmatch_bench.py --mb 20 --terms 5000 --repeat 3

``--clock cpu`` times with the process CPU time instead of the wall clock: on a shared machine
(other processes on the same cores) the wall clock also counts the time spent waiting.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time

from tipwatch.engine.termmatch import TermMatcher

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ten",
    "vo",
    "shi",
    "dar",
    "bel",
    "no",
    "ri",
    "sa",
    "tor",
    "vin",
    "xel",
    "ank",
    "gox",
    "ru",
    "pe",
    "lin",
    "dor",
    "mux",
    "zo",
    "ti",
    "qua",
    "fen",
    "bra",
    "stel",
    "kor",
    "ul",
]
VOCAB = {
    "en": "we are looking for a friendly and reliable person to join our team in the city centre full "
    "time part time weekends flexible hours good pay experience preferred but not required please "
    "call or text for more details apartment for rent two bedrooms near the station bills included "
    "selling my car low mileage one owner service history great condition price negotiable".split(),
    "es": "buscamos persona responsable para trabajar en tienda del centro horario flexible buen sueldo "
    "se alquila piso amueblado cerca del metro llamar por las tardes vendo coche en buen estado".split(),
    "fr": "nous recherchons une personne serieuse pour travailler dans notre restaurant horaires souples "
    "appartement a louer proche de la gare vends voiture en bon etat appelez apres midi".split(),
    "de": "wir suchen eine freundliche person fur unser team in der innenstadt teilzeit oder vollzeit "
    "wohnung zu vermieten nahe bahnhof verkaufe auto gepflegt scheckheft bitte anrufen".split(),
    "ro": "cautam o persoana serioasa pentru magazinul din centru program flexibil salariu bun "
    "inchiriez apartament langa gara vand masina in stare buna sunati dupa amiaza".split(),
}


def make_terms(n: int, rng: random.Random) -> list[str]:
    def word(k: int) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(k))

    terms: set[str] = set()
    while len(terms) < n:
        kind = len(terms) % 4
        if kind == 0:
            terms.add(word(rng.randint(2, 4)))
        elif kind == 1:
            terms.add(f"{word(2).title()} {word(3).title()}")
        elif kind == 2:
            terms.add(f"{word(2)} {rng.choice(['models', 'agency', 'travel', 'jobs', 'club'])} {word(2)}")
        else:
            terms.add(f"@{word(2)}_{word(2)}{rng.randint(1, 99)}")
    return sorted(terms)


def obfuscate(term: str, rng: random.Random) -> str:
    k = rng.randint(0, 3)
    if k == 0:
        return term.replace("e", "3").replace("o", "0")
    if k == 1:
        return term.replace("a", "aaa")
    if k == 2 and " " not in term and len(term) <= 8:
        return ".".join(term)
    return term.upper()


TAIL_SYLLABLES = "an be co da el fa gi ho ir ju ke lu ma ne os pi ro su ta ve wi ya zu".split()
ACCENTED = ["café", "niño", "für", "très", "señora", "größe", "ştiinţă", "déjà", "ação", "mañana"]


def make_tail(size: int, rng: random.Random) -> list[str]:
    """Rare words and names: the long tail that makes real text new to the memos."""
    pool: set[str] = set()
    while len(pool) < size:
        w = "".join(rng.choice(TAIL_SYLLABLES) for _ in range(rng.randint(2, 4)))
        pool.add(w.title() if rng.random() < 0.3 else w)
    return sorted(pool)


def make_ads(mb: float, terms: list[str], rng: random.Random, tail: list[str]) -> list[str]:
    ads: list[str] = []
    size = 0
    langs = list(VOCAB)
    while size < mb * 1_000_000:
        words = VOCAB[rng.choice(langs)]
        out = []
        for i in range(rng.randint(60, 90)):
            r = rng.random()
            if r < 0.05:  # log-uniform over the pool: a few common names, a long tail of rare ones
                w = tail[int(len(tail) ** rng.random()) - 1]
            elif r < 0.06:
                w = rng.choice(ACCENTED)
            else:
                w = rng.choice(words)
            if i == 0 or out[-1][-1] in ".!":
                w = w.capitalize()
            p = rng.random()
            out.append(w + ("," if p < 0.06 else "." if p < 0.10 else "!" if p < 0.11 else ""))
        body = " ".join(out)
        body += f" Call 07700 9{rng.randint(10000, 99999)} or visit example{rng.randint(1, 999)}.com/ad/{rng.randint(1, 10**6)}"
        body += f" price {rng.randint(20, 2000)} eur. "
        if rng.random() < 0.02:
            body += obfuscate(rng.choice(terms), rng)
        ads.append(body)
        size += len(body.encode("utf-8"))
    return ads


def _mb(ads: list[str]) -> float:
    return sum(len(a.encode("utf-8")) for a in ads) / 1_000_000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0, help="megabytes of ad text (default 20)")
    ap.add_argument("--terms", type=int, default=5000, help="watchlist size (default 5000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall", help="wall clock (default) or process CPU time"
    )
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time the first pass this many times, each with a fresh matcher, and report the median "
        "(single runs on a shared machine vary by several per cent)",
    )
    args = ap.parse_args(argv)
    clock = time.perf_counter if args.clock == "wall" else time.process_time

    rng = random.Random(args.seed)
    terms = make_terms(args.terms, rng)
    tail = make_tail(150_000, rng)
    ads = make_ads(args.mb, terms, rng, tail)
    fresh = make_ads(args.mb, terms, random.Random(args.seed + 1), tail)
    total_mb, fresh_mb = _mb(ads), _mb(fresh)
    distinct = len({w for a in ads for w in a.split()})

    t0 = clock()
    matcher = TermMatcher(terms)
    build = clock() - t0

    t0 = clock()
    results = matcher.find_many(ads)
    colds = [clock() - t0]  # a fresh matcher: every distinct token is new to the memos
    for _ in range(args.repeat - 1):  # again, each time with a fresh matcher (same answers)
        other = TermMatcher(terms)
        t0 = clock()
        assert other.find_many(ads) == results
        colds.append(clock() - t0)
        del other
    cold = sorted(colds)[len(colds) // 2]
    t0 = clock()
    matcher.find_many(fresh)
    new = clock() - t0  # text never seen before, common vocabulary already known
    t0 = clock()
    again = matcher.find_many(ads)
    warm = clock() - t0  # the same stream again: only caching makes this fast
    assert again == results
    hits = sum(len(r) for r in results)
    with_hits = sum(1 for r in results if r)

    sample = fresh[: max(1, len(fresh) // 10)]
    sample_mb = _mb(sample)
    t0 = clock()
    for a in sample:
        matcher.find(a)
    single = clock() - t0

    cmd = " ".join(
        [".venv/bin/python", "bench/termmatch_bench.py", *(argv if argv is not None else sys.argv[1:])]
    )
    print(f"Command: `{cmd}`  ")
    print(
        f"Python {platform.python_version()} on {platform.machine()}, one process, one core, "
        f"{'wall clock' if args.clock == 'wall' else 'process CPU time'}\n"
    )
    print("| measure | value |")
    print("|---|---|")
    print(f"| watchlist terms | {len(terms):,} |")
    print(f"| construction time | {build:.2f} s |")
    print(f"| ads / text | {len(ads):,} ads, {total_mb:.1f} MB, {distinct:,} distinct tokens |")
    print(
        f"| `find_many`, first pass (fresh matcher, new text) | **{total_mb / cold:.1f} MB/s** ({len(ads) / cold:,.0f} ads/s) |"
    )
    print(
        f"| `find_many`, new text, warm matcher ({fresh_mb:.1f} MB, another seed) | {fresh_mb / new:.1f} MB/s ({len(fresh) / new:,.0f} ads/s) |"
    )
    print(f"| `find_many`, same text again (memos flattered) | {total_mb / warm:.1f} MB/s |")
    print(
        f"| `find`, one new text at a time ({len(sample):,} ads, warm matcher) | {sample_mb / single:.1f} MB/s |"
    )
    print(f"| ads with a hit | {with_hits:,} ({hits:,} hits) |")
    if args.repeat > 1:
        runs = ", ".join(f"{total_mb / c:.1f}" for c in colds)
        print(f"\nFirst pass timed {args.repeat} times (the median is shown above), MB/s: {runs}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
