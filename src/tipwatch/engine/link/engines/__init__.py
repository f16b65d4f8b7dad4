"""Relational engines for the link job: one plan (``link.sql``), several backends.

An :class:`Engine` answers two dialect questions (how to count equal MinHash values of two
arrays, how to join sorted ids) and does five things (load Parquet, materialise a SELECT under
a name, fetch a number, export a table to Parquet, drop a table). :func:`run_plan` walks
``link.sql`` block by block, runs the connected-components loops, and so gives the same
operations on every engine:

    ====================  =========================================  ===========================
    name                  class                                      where
    ====================  =========================================  ===========================
    ``duckdb`` (default)  :class:`~.duckdb_engine.DuckDBEngine`       embedded, one machine
    ``spark``             :class:`~.spark_engine.SparkEngine`         ``local[*]`` or a cluster
    ====================  =========================================  ===========================

Connected components: min-label propagation with pointer jumping (each round takes the
smallest label among a node's neighbours, then the label of that label), iterated until no
label changes; labels end as the smallest node of each component, like the union-find of
:class:`~tipwatch.engine.link.graph.EntityGraph`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["ENGINES", "Engine", "EngineUnavailable", "get_engine", "plan", "run_plan"]

ENGINES = ("duckdb", "spark")
_MAX_ROUNDS = 200  # pointer jumping converges in O(log diameter) rounds; this is a safety stop
_SHIFT = 1 << 32  # packs (key number, ad index) into one node id


class EngineUnavailable(RuntimeError):
    """The engine's library or runtime (pyspark, Java) is missing; the message says how to fix it."""


class Engine:
    """Base class of a link engine. Subclasses implement every method below."""

    name = "base"

    def agree(self, a: str, b: str) -> str:
        """SQL counting the positions where integer arrays ``a`` and ``b`` hold equal values."""
        raise NotImplementedError("subclasses of Engine must provide an agree() method")

    def sorted_ids(self, col: str) -> str:
        """SQL aggregate: the values of ``col`` in the group, sorted, joined by a newline."""
        raise NotImplementedError("subclasses of Engine must provide a sorted_ids() method")

    def begin(self, work: Path) -> None:
        """Called once before the plan runs, with the job's work directory (scratch space)."""

    def load(self, name: str, path: Path) -> None:
        """Make the Parquet directory ``path`` available as table ``name``."""
        raise NotImplementedError("subclasses of Engine must provide a load() method")

    def materialise(self, name: str, sql: str) -> None:
        """Run a SELECT and keep its result as table ``name`` (replacing any previous one)."""
        raise NotImplementedError("subclasses of Engine must provide a materialise() method")

    def scalar(self, sql: str) -> int:
        """Run a SELECT returning one number."""
        raise NotImplementedError("subclasses of Engine must provide a scalar() method")

    def export(self, name: str, path: Path) -> None:
        """Write table ``name`` as Parquet under the directory ``path``."""
        raise NotImplementedError("subclasses of Engine must provide an export() method")

    def drop(self, name: str) -> None:
        """Forget table ``name`` (free its memory)."""
        raise NotImplementedError("subclasses of Engine must provide a drop() method")

    def close(self) -> None:
        """Release the engine (connections, sessions)."""


def get_engine(name: str, *, spark_master: str | None = None, workers: int = 1) -> Engine:
    """An engine by name; an unknown name lists the valid ones."""
    if name == "duckdb":
        from tipwatch.engine.link.engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine(threads=max(1, workers))
    if name == "spark":
        from tipwatch.engine.link.engines.spark_engine import SparkEngine

        return SparkEngine(master=spark_master)
    raise ValueError(f"link engine {name!r} is unknown; choose one of: {', '.join(ENGINES)}")


@dataclass(frozen=True, slots=True)
class Step:
    """One block of ``link.sql``: a named SELECT (``kind == "sql"``) or a components run
    (``kind == "cc"``: ``name`` is the label table, ``sql`` the edge table's name)."""

    kind: str
    name: str
    sql: str
    explain: bool = False


_NAME = re.compile(r"^-- name: (\w{1,64})(\s+\[explain\])?\s*$")
_CC = re.compile(r"^-- cc: (\w{1,64}) (\w{1,64})$")


@lru_cache(maxsize=1)
def plan() -> tuple[Step, ...]:
    """The blocks of ``link.sql`` in order (read once)."""
    text = resources.files(__package__).joinpath("link.sql").read_text(encoding="utf-8")
    steps: list[Step] = []
    current: tuple[str, bool] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            sql = "\n".join(line for line in body if not line.lstrip().startswith("--")).strip()
            steps.append(Step("sql", current[0], sql, current[1]))

    for line in text.splitlines():
        m, c = _NAME.match(line), _CC.match(line)
        if m or c:
            close()
            body = []
            current = None
            if m:
                current = (m.group(1), bool(m.group(2)))
            else:
                steps.append(Step("cc", c.group(1), c.group(2)))  # type: ignore[union-attr]
            continue
        if current is not None:
            body.append(line)
    close()
    return tuple(steps)


def _components(engine: Engine, labels: str, edges: str) -> int:
    """Label every node of the edge table ``edges(src, dst)`` with the smallest node of its
    component, as table ``labels(node, label)``. Returns the number of rounds."""
    e = f"{labels}__e"
    engine.materialise(
        e,
        f"SELECT src, dst FROM {edges} UNION SELECT dst AS src, src AS dst FROM {edges} "
        f"UNION SELECT src, src AS dst FROM {edges} UNION SELECT dst AS src, dst FROM {edges}",
    )
    cur = f"{labels}__0"
    engine.materialise(cur, f"SELECT src AS node, MIN(dst) AS label FROM {e} GROUP BY src")
    rounds = 0
    for rounds in range(1, _MAX_ROUNDS + 1):
        nxt = f"{labels}__{rounds}"
        # One round: the smallest label among the neighbours, then the label of that label.
        step = f"SELECT e.src AS node, MIN(l.label) AS label FROM {e} e JOIN {cur} l ON l.node = e.dst GROUP BY e.src"
        engine.materialise(
            nxt,
            f"SELECT a.node, LEAST(a.label, b.label) AS label FROM ({step}) a JOIN ({step}) b ON b.node = a.label",
        )
        changed = engine.scalar(
            f"SELECT COUNT(*) FROM {nxt} a JOIN {cur} b ON b.node = a.node WHERE a.label <> b.label"
        )
        engine.drop(cur)
        cur = nxt
        if changed == 0:
            break
    else:  # pragma: no cover - would need a component with a diameter beyond 2**200
        raise RuntimeError(f"connected components of {edges} did not converge in {_MAX_ROUNDS} rounds")
    engine.materialise(labels, f"SELECT node, label FROM {cur}")
    engine.drop(cur)
    engine.drop(e)
    return rounds


def run_plan(
    engine: Engine, work: Path, settings: Any, *, n_ads: int, explain: bool = False
) -> dict[str, int]:
    """Run ``link.sql`` on the Parquet tables under ``work`` and export ``result`` (and ``links``
    when ``explain``) back under ``work``. Returns counts: operations (2+ ads), hub keys, rounds."""
    engine.begin(work)
    for name in ("ads", "keys", "bands", "sigs"):
        engine.load(name, work / name)
    params = {
        "agree": engine.agree("sa.sig", "sb.sig"),
        "sorted_ids": engine.sorted_ids("id"),
        "need": str(settings.need),
        "limit": repr(float(max(settings.hub_min, settings.hub_share * n_ads))),
        "max_spread": str(int(settings.max_spread)),
        "max_links": str(int(settings.max_links)),
        "shift": str(_SHIFT),
    }
    rounds = 0
    for step in plan():
        if step.explain and not explain:
            continue
        if step.kind == "cc":
            rounds += _components(engine, step.name, step.sql)
        else:
            engine.materialise(step.name, step.sql.format(**params))
    engine.export("result", work / "result")
    if explain:
        engine.export("links", work / "links")
    operations = engine.scalar(
        "SELECT COUNT(*) FROM (SELECT root FROM ad_ops GROUP BY root HAVING COUNT(*) > 1) g"
    )
    hubs = engine.scalar("SELECT COUNT(*) FROM contact_hubs") + engine.scalar(
        "SELECT COUNT(*) FROM (SELECT DISTINCT key FROM tpl_rows) t "
        "LEFT JOIN tpl_ok o ON o.key = t.key WHERE o.key IS NULL"
    )
    return {"operations": operations, "hubs": hubs, "rounds": rounds}
