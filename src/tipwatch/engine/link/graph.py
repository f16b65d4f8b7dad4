"""The entity graph: ads linked through the contacts, templates and images they share.

Every ad is a node; every *key* it carries is a node on the other side of a bipartite graph:

    phone:+12132682856            email:jane@example.com       handle:telegram:workbaby92
    payment:btc:bc1q...           template:tpl-00000012        image:<sha256 or group id>

Two ads are linked when they share a key. The connected groups of ads are candidate
operations. Pure Python, no I/O; one instance holds a few integers per (ad, key) pair.

**Hub guard.** Some keys join unrelated ads: a legitimate agency's switchboard, a shared hotel's
number, a stock photo, a generic "car for sale" template. Two rules cut them:

* *frequency*: a key carried by more than ``max(hub_min, hub_share * ads)`` ads (50 and 1 % by
  default) is a hub;
* *spread*: a key whose ads belong to more than ``max_spread`` (default 8) independent sellers
  is a hub too. Sellers are the groups its ads form through their *other* contact keys (phones,
  emails, handles, payments, images), a single ad with a contact of its own counting as one;
  ads with no other contact count for nothing. It catches the mid-sized
  template or number reused across many independent sellers while sparing an operation's
  template, whose ads tend to sit in one or two contact groups (or in none).

A hub key never links ads: it is kept for display (``hubs()``) but skipped by the union,
``links`` and ``explain``. Each link carries a weight ``1 / log2(1 + df)`` (df = ads carrying the
key): a key shared by two ads weighs 0.63, one shared by 50 weighs 0.18; ``links`` ranks
neighbours by the sum over shared keys.

    >>> g = EntityGraph()
    >>> g.add("a", keys=["phone:+12132682856"])
    >>> g.add("b", keys=["phone:+12132682856", "email:x@example.com"])
    >>> g.add("c", keys=["email:x@example.com"])
    >>> g.operation_of("a") == g.operation_of("c")
    True
    >>> [hop["via"] for hop in g.explain("a", "c")]
    [['phone:+12132682856'], ['email:x@example.com']]

Operation ids are ``"op-" + sha1(sorted member ids joined by newlines)[:12]``: the same ads give
the same id whatever order they were added in.
"""

from __future__ import annotations

import hashlib
import math
from collections import deque
from collections.abc import Iterable
from typing import Any

__all__ = ["LINK_TYPES", "EntityGraph", "entity_keys", "operation_id"]

# Entity types that identify a contact (hence an operation) when shared. Prices, ages,
# locations and call modes are shared by chance and never link.
LINK_TYPES = frozenset({"phone", "email", "handle", "payment"})
_CONTACT_PREFIXES = ("phone:", "email:", "handle:", "payment:", "image:")

HUB_MIN = 50
HUB_SHARE = 0.01
MAX_SPREAD = 8


def entity_keys(extraction: Any) -> list[str]:
    """Linking keys of an extraction (``ExtractResult`` or anything with ``.entities``), deduplicated.

    ``phone:+E164``, ``email:addr``, ``handle:platform:name`` (platform ``any`` when unknown),
    ``payment:kind:value``.
    """
    keys: dict[str, None] = {}
    for e in getattr(extraction, "entities", ()) or ():
        typ = e.type
        if typ not in LINK_TYPES or not e.value:
            continue
        if typ == "handle":
            key = f"handle:{(e.attrs.get('platform') or 'any')}:{e.value.lower()}"
        elif typ == "payment":
            key = f"payment:{(e.attrs.get('kind') or 'any')}:{e.value}"
        elif typ == "email":
            key = f"email:{e.value.lower()}"
        else:
            key = f"{typ}:{e.value}"
        keys[key] = None
    return list(keys)


def operation_id(members: Iterable[str]) -> str:
    """Deterministic operation id of a group of ad ids (order does not matter)."""
    return "op-" + hashlib.sha1("\n".join(sorted(members)).encode("utf-8")).hexdigest()[:12]


class _UnionFind:
    __slots__ = ("parent",)

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union_all(self, items: list[int]) -> None:
        if len(items) < 2:
            return
        find, parent = self.find, self.parent
        r0 = find(items[0])
        for y in items[1:]:
            ry = find(y)
            if ry != r0:
                # The smaller index becomes the root: the result does not depend on call order.
                if ry < r0:
                    r0, ry = ry, r0
                parent[ry] = r0


class EntityGraph:
    """Ads and the keys they share; connected groups over non-hub keys are operations.

    ``hub_min``/``hub_share``/``max_spread`` set the hub guard described in the module docstring.
    Add ads with :meth:`add`; queries compute hubs and groups lazily (again after more adds).
    """

    def __init__(self, hub_min: int = HUB_MIN, hub_share: float = HUB_SHARE, max_spread: int = MAX_SPREAD):
        if hub_min < 2 or not 0.0 <= hub_share < 1.0 or max_spread < 1:
            raise ValueError(
                f"EntityGraph: need hub_min >= 2, 0 <= hub_share < 1, max_spread >= 1; "
                f"got {hub_min}, {hub_share}, {max_spread}; the defaults are {HUB_MIN}, {HUB_SHARE}, {MAX_SPREAD}"
            )
        self.hub_min = hub_min
        self.hub_share = hub_share
        self.max_spread = max_spread
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        self._ad_keys: list[list[int]] = []  # ad index -> key indexes
        self._keys: list[str] = []
        self._key_index: dict[str, int] = {}
        self._key_ads: list[list[int]] = []  # key index -> ad indexes
        self._hubs: set[int] | None = None
        self._live: list[list[int]] = []  # key index -> ads it links (after the hub guard)
        self._live_sets: list[set[int]] = []
        self._groups: list[int] | None = None  # ad index -> root ad index
        self._op_ids: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, ad_id: object) -> bool:
        return ad_id in self._index

    # -- building ---------------------------------------------------------------------------
    def add(
        self,
        ad_id: str,
        extraction: Any = None,
        template_id: str | None = None,
        image_hashes: Iterable[str] = (),
        *,
        keys: Iterable[str] = (),
    ) -> None:
        """Add one ad with its ``extract_ad`` result, template id and image hashes (hex strings).

        ``keys`` adds ready-made keys (``"phone:+1..."``). Adding an id again merges its keys.
        """
        all_keys = entity_keys(extraction) if extraction is not None else []
        all_keys.extend(keys)
        if template_id:
            all_keys.append(f"template:{template_id}")
        all_keys.extend(f"image:{h}" for h in image_hashes)
        i = self._index.get(ad_id)
        if i is None:
            i = len(self._ids)
            self._index[ad_id] = i
            self._ids.append(ad_id)
            self._ad_keys.append([])
        mine = self._ad_keys[i]
        for key in dict.fromkeys(all_keys):
            k = self._key_index.get(key)
            if k is None:
                k = len(self._keys)
                self._key_index[key] = k
                self._keys.append(key)
                self._key_ads.append([])
            if k in mine:
                continue
            mine.append(k)
            self._key_ads[k].append(i)
        self._hubs = self._groups = None
        self._op_ids = {}

    # -- hub guard --------------------------------------------------------------------------
    def _is_contact(self, k: int) -> bool:
        return self._keys[k].startswith(_CONTACT_PREFIXES)

    def _compute_hubs(self) -> set[int]:
        if self._hubs is not None:
            return self._hubs
        n = len(self._ids)
        limit = max(self.hub_min, self.hub_share * n)
        live: list[list[int]] = [ads if len(ads) > 1 else [] for ads in self._key_ads]
        hubs: set[int] = set()
        # 1. Contact keys: a frequent key is a hub when its ads split into many groups by
        #    their *other* contacts (a hotel's number in the ads of many independent women).
        for k, ads in enumerate(self._key_ads):
            if len(ads) > limit and self._is_contact(k) and self._spread_without(k, ads) > self.max_spread:
                hubs.add(k)
                live[k] = []
        # 2. Contact groups over the surviving contact keys.
        uf = _UnionFind(n)
        for k, ads in enumerate(live):
            if ads and self._is_contact(k):
                uf.union_all(ads)
        roots = [uf.find(i) for i in range(n)]
        size: dict[int, int] = {}
        for r in roots:
            size[r] = size.get(r, 0) + 1
        # 3. Template (non-contact) keys attach loose ads to one operation, never merge two:
        #    the key links the ads of its dominant contact group and the ads that belong to no
        #    contact group; ads of other groups are left out. A hub when no group holds at least
        #    half of its ads (a generic template of unrelated one-off sellers).
        for k, ads in enumerate(self._key_ads):
            if not live[k] or self._is_contact(k):
                continue
            count: dict[int, int] = {}
            for i in ads:
                if size[roots[i]] > 1:
                    count[roots[i]] = count.get(roots[i], 0) + 1
            if not count:
                hubs.add(k)
                live[k] = []
                continue
            dominant = min(count, key=lambda r: (-count[r], r))
            if len(count) > self.max_spread or count[dominant] * 2 < len(ads):
                hubs.add(k)
                live[k] = []
                continue
            live[k] = [i for i in ads if size[roots[i]] == 1 or roots[i] == dominant]
        self._live = live
        self._live_sets = [set(ads) for ads in live]
        self._hubs = hubs
        return hubs

    def _spread_without(self, k: int, ads: list[int]) -> int:
        # Groups (of two ads or more) that this key's ads form through their other contact
        # keys only: local, bounded work.
        # A single ad counts too when it has a contact of its own: an independent seller (the
        # stock photo on many one-off ads). Ads with no other contact count for nothing.
        local = {a: n for n, a in enumerate(ads)}
        uf = _UnionFind(len(ads))
        has_other = [False] * len(ads)
        for a in ads:
            for other in self._ad_keys[a]:
                if other != k and self._is_contact(other):
                    has_other[local[a]] = True
                    uf.union_all([local[b] for b in self._key_ads[other] if b in local])
        sellers: set[int] = set()
        for n in range(len(ads)):
            if has_other[n]:
                sellers.add(uf.find(n))
        return len(sellers)

    def hubs(self) -> list[str]:
        """Keys the hub guard cut (they link no ads), sorted."""
        return sorted(self._keys[k] for k in self._compute_hubs())

    def is_hub(self, key: str) -> bool:
        k = self._key_index.get(key)
        return k is not None and k in self._compute_hubs()

    def weight(self, key: str) -> float:
        """Specificity of a key: ``1 / log2(1 + df)``; 0.0 for a hub or an unknown key."""
        k = self._key_index.get(key)
        if k is None or k in self._compute_hubs():
            return 0.0
        return 1.0 / math.log2(1 + len(self._key_ads[k]))

    # -- groups -----------------------------------------------------------------------------
    def _compute_groups(self) -> list[int]:
        if self._groups is not None:
            return self._groups
        self._compute_hubs()
        uf = _UnionFind(len(self._ids))
        for ads in self._live:
            uf.union_all(ads)
        self._groups = [uf.find(i) for i in range(len(self._ids))]
        return self._groups

    def _ad(self, ad_id: str) -> int:
        i = self._index.get(ad_id)
        if i is None:
            raise KeyError(f"EntityGraph: ad {ad_id!r} was never added; call add() first")
        return i

    def operation_of(self, ad_id: str) -> str:
        """The operation id of an ad (its own singleton operation when it links to nothing)."""
        groups = self._compute_groups()
        root = groups[self._ad(ad_id)]
        op = self._op_ids.get(root)
        if op is None:
            self.operations()
            op = self._op_ids[root]
        return op

    def operations(self) -> dict[str, list[str]]:
        """Every operation id with its member ad ids (in the order they were added)."""
        groups = self._compute_groups()
        members: dict[int, list[str]] = {}
        for i, root in enumerate(groups):
            members.setdefault(root, []).append(self._ids[i])
        out: dict[str, list[str]] = {}
        for root, ids in members.items():
            op = operation_id(ids)
            self._op_ids[root] = op
            out[op] = ids
        return out

    # -- explanations -----------------------------------------------------------------------
    def _live_keys(self, i: int) -> list[int]:
        self._compute_hubs()
        live = self._live_sets
        return [k for k in self._ad_keys[i] if i in live[k]]

    def shared(self, a: str, b: str) -> list[str]:
        """Non-hub keys two ads share, most specific first."""
        kb = set(self._live_keys(self._ad(b)))
        keys = [k for k in self._live_keys(self._ad(a)) if k in kb]
        keys.sort(key=lambda k: (len(self._key_ads[k]), self._keys[k]))
        return [self._keys[k] for k in keys]

    def links(self, ad_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """Direct neighbours ``[{"id", "via": [keys], "weight"}]``, strongest first (ties by id)."""
        i = self._ad(ad_id)
        score: dict[int, float] = {}
        via: dict[int, list[str]] = {}
        keys = self._live_keys(i)
        keys.sort(key=lambda k: (len(self._key_ads[k]), self._keys[k]))
        for k in keys:
            w = 1.0 / math.log2(1 + len(self._key_ads[k]))
            for j in self._live[k]:
                if j != i:
                    score[j] = score.get(j, 0.0) + w
                    via.setdefault(j, []).append(self._keys[k])
        best = sorted(score, key=lambda j: (-score[j], self._ids[j]))[: max(0, limit)]
        return [{"id": self._ids[j], "via": via[j], "weight": round(score[j], 4)} for j in best]

    def explain(self, a: str, b: str) -> list[dict[str, Any]] | None:
        """The shortest chain of links from ad ``a`` to ad ``b``, or None when they are not linked.

        Returns hops ``[{"from", "to", "via": [shared non-hub keys]}]`` (empty when ``a == b``),
        found by breadth-first search over the ad-key graph without hub keys.
        """
        ia, ib = self._ad(a), self._ad(b)
        if ia == ib:
            return []
        groups = self._compute_groups()
        if groups[ia] != groups[ib]:
            return None
        prev: dict[int, int] = {ia: -1}
        seen_keys: set[int] = set()
        queue = deque([ia])
        while queue:
            i = queue.popleft()
            if i == ib:
                break
            for k in self._live_keys(i):
                if k in seen_keys:
                    continue
                seen_keys.add(k)  # each key is expanded once: BFS stays linear in the group
                for j in self._live[k]:
                    if j not in prev:
                        prev[j] = i
                        queue.append(j)
        path = [ib]
        while prev[path[-1]] != -1:
            path.append(prev[path[-1]])
        path.reverse()
        return [
            {"from": self._ids[x], "to": self._ids[y], "via": self.shared(self._ids[x], self._ids[y])}
            for x, y in zip(path, path[1:], strict=False)
        ]
