"""Movement: where an entity (a phone, a person, an operation) was seen, city by city, over time.

Input is a bag of :class:`Sighting` (one ad, one time, one city); output is a timeline of
:class:`Stay`, the :class:`Move` events between stays, and the :class:`Circuit` loops that a
touring operation repeats. Pure functions over plain data: no I/O, no clock.

Definitions (the tests pin each of them):

* Sightings are sorted by time (then ad id, so equal times give a stable order). A sighting
  without a city is ignored. Two sightings are in the same place when their city names agree
  ignoring case and surrounding spaces, and their countries agree (an empty country matches
  only an empty country).
* A **stay** is a run of sightings in one city. A sighting extends the latest stay of its city
  when it comes at most ``gap`` after that stay's last sighting and either that stay is the most
  recent one to begin, or the sighting comes at most ``echo`` after the stay's last sighting.
  Otherwise it begins a new stay. So:

  - a gap of more than ``gap`` (21 days) in one city splits it into two stays (no move
    between them: the entity went unseen, not elsewhere);
  - an ad reposted in the old city shortly after arriving in the new one (within ``echo``,
    3 days, of the old city's previous ad) joins the old stay instead of creating a spurious
    A -> B -> A -> B back-and-forth: the old stay simply ends a little later;
  - an operation working two cities at once keeps two overlapping stays, one per city;
  - a real return (A, then B for more than ``echo``, then A again) is a new stay in A.

* A **move** leads into every stay Y except the first: its origin is the stay X that began
  before Y and, among those that had ended by ``Y.first + echo``, ended last. When X and Y are
  in different places, the move is "from X to Y", ``left`` = X's last sighting, ``arrived`` =
  Y's first sighting (``left`` may fall up to ``echo`` after ``arrived``: the stragglers).
  A stay that begins while another one is still running (no earlier stay had ended) is an
  expansion, not a move.
* A **circuit** is a cycle of ``min_cities`` or more distinct cities visited in the same cyclic
  order at least ``min_loops`` times in a row (A->B->C->A->B->C is two loops of (A, B, C)). The
  sequence scanned is the stays' cities in order of first sighting, repeats merged. The
  shortest cycle is reported, rotated to start where the run starts, and the scan resumes after
  the run, so the circuits found do not overlap. Cycles of more than 64 cities are not sought.

    >>> from datetime import datetime
    >>> s = [Sighting("a1", datetime(2026, 3, 1), "Madrid", "ES"),
    ...      Sighting("a2", datetime(2026, 3, 4), "Lyon", "FR")]
    >>> [m.describe() for m in moves(s)]
    ['moved from Madrid (ES) to Lyon (FR) on 2026-03-04']
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Circuit", "Move", "Sighting", "Stay", "circuits", "moves", "stays"]

GAP = timedelta(days=21)
ECHO = timedelta(days=3)
_MAX_PERIOD = 64  # longer "circuits" are a wandering trail, and checking them costs n^2


@dataclass(frozen=True, slots=True)
class Sighting:
    """One ad seen at one time in one city (``country``: ISO alpha-2 or empty)."""

    ad_id: str
    when: datetime
    city: str
    country: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Stay:
    """A run of sightings in one city: first and last time seen, and the ads, in time order."""

    city: str
    country: str
    lat: float | None
    lon: float | None
    first: datetime
    last: datetime
    ads: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Move:
    """Left ``from_city`` (last seen there at ``left``) and arrived in ``to_city`` at ``arrived``."""

    from_city: str
    from_country: str
    to_city: str
    to_country: str
    left: datetime
    arrived: datetime
    ad_from: str
    ad_to: str

    def describe(self) -> str:
        """One sentence, dated by the arrival: "moved from Madrid (ES) to Lyon (FR) on 2026-03-04"."""
        return (
            f"moved from {_place(self.from_city, self.from_country)} to "
            f"{_place(self.to_city, self.to_country)} on {self.arrived.date().isoformat()}"
        )


@dataclass(frozen=True, slots=True)
class Circuit:
    """``cities`` visited in this cyclic order ``loops`` times between ``first`` and ``last``."""

    cities: tuple[str, ...]
    loops: int
    first: datetime
    last: datetime


def _place(city: str, country: str) -> str:
    return f"{city} ({country})" if country else city


def _key(s: Sighting) -> tuple[str, str]:
    return s.city.strip().casefold(), s.country.strip().upper()


def _sorted(sightings: Iterable[Sighting]) -> list[Sighting]:
    kept = [s for s in sightings if s.city and s.city.strip()]
    try:
        kept.sort(key=lambda s: (s.when, s.ad_id))
    except TypeError as exc:  # naive and aware datetimes do not compare
        raise ValueError(
            "movement: sightings mix naive and timezone-aware datetimes in Sighting.when; "
            "make them all aware (e.g. .replace(tzinfo=UTC)) before calling"
        ) from exc
    return kept


class _Open:
    """A stay being built (mutable); frozen into a :class:`Stay` at the end."""

    __slots__ = ("ads", "city", "country", "first", "last", "lat", "lon")

    def __init__(self, s: Sighting) -> None:
        self.city = s.city.strip()
        self.country = s.country.strip().upper()
        self.lat, self.lon = s.lat, s.lon
        self.first = self.last = s.when
        self.ads = [s.ad_id]

    def add(self, s: Sighting) -> None:
        self.last = s.when
        self.ads.append(s.ad_id)
        if self.lat is None and s.lat is not None:
            self.lat, self.lon = s.lat, s.lon

    def freeze(self) -> Stay:
        return Stay(self.city, self.country, self.lat, self.lon, self.first, self.last, tuple(self.ads))


def stays(sightings: Iterable[Sighting], *, gap: timedelta = GAP, echo: timedelta = ECHO) -> list[Stay]:
    """The timeline: stays in order of their first sighting (see the module docstring).

    ``gap`` splits a city's sightings into separate stays; ``echo`` is how long after the last
    ad in a city a repost there still belongs to that stay while the entity is elsewhere.
    """
    if gap < timedelta(0) or echo < timedelta(0):
        raise ValueError(f"stays(): gap ({gap}) and echo ({echo}) must not be negative")
    built: list[_Open] = []
    latest: dict[tuple[str, str], _Open] = {}
    for s in _sorted(sightings):
        k = _key(s)
        cur = latest.get(k)
        if cur is not None:
            since = s.when - cur.last
            if since <= gap and (cur is built[-1] or since <= echo):
                cur.add(s)
                continue
        cur = _Open(s)
        built.append(cur)
        latest[k] = cur
    return [b.freeze() for b in built]


def _moves(timeline: list[Stay], echo: timedelta) -> list[Move]:
    out: list[Move] = []
    ends: list[tuple[datetime, int]] = []  # (last sighting, position) of the stays so far, sorted
    for j, y in enumerate(timeline):
        pos = bisect_right(ends, (y.first + echo, len(timeline)))
        insort(ends, (y.last, j))
        if not pos:
            continue  # no earlier stay had ended: an expansion, not a move (or the first stay)
        origin = timeline[ends[pos - 1][1]]  # ended last; on a tie, the later one to begin
        if _same(origin, y):
            continue  # back in the same place after a gap: not a move
        out.append(
            Move(
                origin.city, origin.country, y.city, y.country, origin.last, y.first, origin.ads[-1], y.ads[0]
            )
        )
    return out


def moves(sightings: Iterable[Sighting], *, gap: timedelta = GAP, echo: timedelta = ECHO) -> list[Move]:
    """The "moved from A to B on date" events, in order of arrival (see the module docstring)."""
    return _moves(stays(sightings, gap=gap, echo=echo), echo)


def circuits(
    sightings: Iterable[Sighting],
    *,
    min_cities: int = 2,
    min_loops: int = 2,
    gap: timedelta = GAP,
    echo: timedelta = ECHO,
) -> list[Circuit]:
    """Cities visited in the same cyclic order at least ``min_loops`` times (module docstring)."""
    if min_cities < 2 or min_loops < 1:
        raise ValueError(
            f"circuits(): min_cities must be >= 2 and min_loops >= 1, got {min_cities} and {min_loops}"
        )
    seq: list[Stay] = []
    for st in stays(sightings, gap=gap, echo=echo):
        if seq and _same(seq[-1], st):
            # consecutive stays in one place (split by a gap) are one visit
            seq[-1] = Stay(st.city, st.country, st.lat, st.lon, seq[-1].first, st.last, seq[-1].ads + st.ads)
        else:
            seq.append(st)
    keys = [(s.city.casefold(), s.country) for s in seq]
    n = len(keys)
    found: list[Circuit] = []
    i = 0
    while i < n:
        best: tuple[int, int] | None = None  # (period, end of the periodic run)
        window = set(keys[i : i + min_cities - 1])
        if len(window) != min_cities - 1:
            i += 1
            continue
        for period in range(min_cities, min(_MAX_PERIOD, (n - i) // min_loops) + 1):
            if keys[i + period - 1] in window:
                break  # a repeated city inside the window: longer periods repeat it too
            window.add(keys[i + period - 1])
            end = i + period
            while end < n and keys[end] == keys[end - period]:
                end += 1
            if (end - i) // period >= min_loops:
                best = (period, end)
                break
        if best is None:
            i += 1
            continue
        period, end = best
        loops = (end - i) // period
        stop = i + loops * period  # whole loops only
        found.append(
            Circuit(tuple(s.city for s in seq[i : i + period]), loops, seq[i].first, seq[stop - 1].last)
        )
        i = stop
    return found


def _same(a: Stay, b: Stay) -> bool:
    return (a.city.casefold(), a.country) == (b.city.casefold(), b.country)
