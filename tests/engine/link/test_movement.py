"""Movement: stays, moves and circuits, on hand-made timelines and on the demo world."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tipwatch.demo.world import World
from tipwatch.engine.link.movement import Circuit, Move, Sighting, Stay, circuits, moves, stays

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def trail(*steps: tuple[float, str]) -> list[Sighting]:
    """Sightings from (day offset, "City/CC") steps, ad ids a1, a2 ... in the given order."""
    out = []
    for n, (day, place) in enumerate(steps, 1):
        city, _, cc = place.partition("/")
        out.append(Sighting(f"a{n}", T0 + timedelta(days=day), city, cc))
    return out


def route(ms: list[Move]) -> list[tuple[str, str]]:
    return [(m.from_city, m.to_city) for m in ms]


def test_one_city_is_one_stay_and_no_move():
    s = trail((0, "Madrid/ES"), (1, "Madrid/ES"), (5, "madrid /es"))
    st = stays(s)
    assert len(st) == 1
    assert st[0].ads == ("a1", "a2", "a3")
    assert (st[0].first, st[0].last) == (T0, T0 + timedelta(days=5))
    assert moves(s) == []


def test_move_is_dated_by_arrival_and_described():
    s = trail((0, "Madrid/ES"), (2, "Madrid/ES"), (3, "Lyon/FR"), (6, "Lyon/FR"))
    (m,) = moves(s)
    assert m == Move("Madrid", "ES", "Lyon", "FR", T0 + timedelta(days=2), T0 + timedelta(days=3), "a2", "a3")
    assert m.describe() == "moved from Madrid (ES) to Lyon (FR) on 2026-03-04"


def test_describe_without_country():
    m = Move("Madrid", "", "Lyon", "", T0, T0, "a", "b")
    assert m.describe() == "moved from Madrid to Lyon on 2026-03-01"


def test_input_order_does_not_matter():
    s = trail((0, "Madrid/ES"), (3, "Lyon/FR"), (8, "Paris/FR"))
    assert moves(list(reversed(s))) == moves(s)
    assert route(moves(s)) == [("Madrid", "Lyon"), ("Lyon", "Paris")]


def test_straggler_repost_does_not_create_back_and_forth():
    # arrived in Lyon on day 10, an old Madrid ad reposted on day 11: still one move
    s = trail(
        (0, "Madrid/ES"),
        (9, "Madrid/ES"),
        (10, "Lyon/FR"),
        (11, "Madrid/ES"),
        (12, "Lyon/FR"),
        (20, "Lyon/FR"),
    )
    st = stays(s)
    assert [x.city for x in st] == ["Madrid", "Lyon"]
    assert st[0].ads == ("a1", "a2", "a4")
    (m,) = moves(s)
    assert (m.from_city, m.to_city, m.left, m.arrived) == (
        "Madrid",
        "Lyon",
        T0 + timedelta(days=11),
        T0 + timedelta(days=10),
    )


def test_real_return_is_two_moves():
    s = trail((0, "Madrid/ES"), (10, "Lyon/FR"), (15, "Lyon/FR"), (16, "Madrid/ES"))
    assert route(moves(s)) == [("Madrid", "Lyon"), ("Lyon", "Madrid")]
    assert [x.city for x in stays(s)] == ["Madrid", "Lyon", "Madrid"]


def test_long_silence_splits_a_stay_but_is_no_move():
    s = trail((0, "Madrid/ES"), (30, "Madrid/ES"))
    assert len(stays(s)) == 2
    assert len(stays(s, gap=timedelta(days=40))) == 1
    assert moves(s) == []


def test_two_cities_at_once_are_overlapping_stays_not_moves():
    steps = []
    for d in range(0, 20, 2):
        steps += [(d, "Madrid/ES"), (d + 1, "Barcelona/ES")]
    steps.append((25, "Lyon/FR"))
    s = trail(*steps)
    st = stays(s)
    assert [x.city for x in st] == ["Madrid", "Barcelona", "Lyon"]
    # Barcelona opened while Madrid ran: an expansion; Lyon follows the one that ended last
    assert route(moves(s)) == [("Barcelona", "Lyon")]


def test_sightings_without_city_are_ignored_and_coordinates_kept():
    s = [
        Sighting("x", T0, "", "ES"),
        Sighting("y", T0 + timedelta(days=1), "Madrid", "ES"),
        Sighting("z", T0 + timedelta(days=2), "Madrid", "ES", 40.4, -3.7),
        Sighting("w", T0 + timedelta(days=3), "   ", "ES"),
    ]
    (st,) = stays(s)
    assert st == Stay("Madrid", "ES", 40.4, -3.7, T0 + timedelta(days=1), T0 + timedelta(days=2), ("y", "z"))
    assert stays([]) == [] and moves([]) == [] and circuits([]) == []


def test_same_city_name_in_two_countries_is_two_places():
    s = trail((0, "Valencia/ES"), (3, "Valencia/VE"))
    assert route(moves(s)) == [("Valencia", "Valencia")]


def test_mixed_naive_and_aware_times_raise_a_clear_error():
    s = [Sighting("a", T0, "Madrid"), Sighting("b", datetime(2026, 3, 2), "Lyon")]
    with pytest.raises(ValueError, match="naive"):
        stays(s)


def test_circuit_of_three_cities_twice():
    cities = ["Madrid/ES", "Lyon/FR", "Milan/IT"] * 2
    s = trail(*((4 * i, c) for i, c in enumerate(cities)))
    (c,) = circuits(s)
    assert c == Circuit(("Madrid", "Lyon", "Milan"), 2, T0, T0 + timedelta(days=20))
    assert circuits(s, min_loops=3) == []
    assert circuits(s, min_cities=4) == []


def test_circuit_needs_the_same_order_and_counts_whole_loops():
    # A B C A C B: not the same cyclic order
    s = trail(*((4 * i, c) for i, c in enumerate(["A", "B", "C", "A", "C", "B"])))
    assert circuits(s) == []
    # A B A B A: two whole loops of (A, B), then a prefix
    s = trail(*((4 * i, c) for i, c in enumerate(["X", "A", "B", "A", "B", "A"])))
    (c,) = circuits(s)
    assert (c.cities, c.loops) == (("A", "B"), 2)
    assert c.first == T0 + timedelta(days=4) and c.last == T0 + timedelta(days=16)


def test_circuit_ignores_gap_splits_of_one_visit():
    s = trail((0, "A"), (25, "A"), (30, "B"), (34, "A"), (38, "B"))
    (c,) = circuits(s)
    assert (c.cities, c.loops) == (("A", "B"), 2)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="min_cities"):
        circuits([], min_cities=1)
    with pytest.raises(ValueError, match="gap"):
        stays([], gap=timedelta(days=-1))


def _demo_ops(n_ads: int = 6000):
    """Operations (with their ads' sightings) whose workers all follow the main circuit."""
    retired = []
    world = World(11, n_ads, on_retire=retired.append)
    sightings: dict[str, list[Sighting]] = {}
    for ad, truth in world:
        if truth["kind"] == "exploitation":
            when = datetime.fromisoformat(ad["posted_at"].replace("Z", "+00:00"))
            sightings.setdefault(truth["operation"], []).append(
                Sighting(ad["id"], when, truth["city"], truth["country"])
            )
    return [(op, sightings[op.id]) for op in retired if op.kind == "exploitation" and op.id in sightings]


def test_demo_operations_truth_cities_come_out_as_moves():
    checked = 0
    for op, seen in _demo_ops():
        if any(op.worker_offset) or len(seen) < 20:
            continue  # workers on another leg of the circuit run two cities at once
        visited = list(dict.fromkeys(s.city for s in sorted(seen, key=lambda s: s.when)))
        expected = [c.name for c in op.cities if c.name in visited]
        path = [c.city for c in stays(seen)]
        assert path == expected, op.id
        assert route(moves(seen)) == list(zip(expected, expected[1:], strict=False)), op.id
        checked += 1
    assert checked >= 3


def test_large_timelines_stay_fast():
    import random
    import time

    rng = random.Random(1)
    cities = [f"C{i}" for i in range(300)]
    hub = [Sighting(f"h{i}", T0 + timedelta(hours=i), rng.choice(cities), "ES") for i in range(50_000)]
    tour = [Sighting(f"t{i}", T0 + timedelta(days=4 * i), f"D{i}", "FR") for i in range(3_000)]
    t = time.process_time()
    assert len(moves(tour)) == 2_999
    assert circuits(tour) == []
    stays(hub), moves(hub), circuits(hub)
    assert time.process_time() - t < 5.0
