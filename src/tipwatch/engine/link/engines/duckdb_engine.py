"""The DuckDB link engine: embedded, the default; tables live in memory and spill to disk."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tipwatch.engine.link.engines import Engine, EngineUnavailable

__all__ = ["DuckDBEngine"]


class DuckDBEngine(Engine):
    """Runs the link plan in an in-memory DuckDB database.

    ``threads`` caps DuckDB's worker threads; ``memory_limit`` (e.g. ``"4GB"``) caps its memory,
    past which it spills to ``temp_dir`` (a fresh temporary directory by default).
    """

    name = "duckdb"

    def __init__(self, threads: int = 1, memory_limit: str | None = None, temp_dir: str | None = None):
        try:
            import duckdb
        except ImportError as exc:  # pragma: no cover - duckdb is a dependency
            raise EngineUnavailable(
                "the duckdb engine needs the duckdb package: pip install 'duckdb>=1.1'"
            ) from exc
        self._tmp = tempfile.TemporaryDirectory(prefix="tipwatch-duckdb-") if temp_dir is None else None
        self.con = duckdb.connect(":memory:")
        self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute(f"SET temp_directory = '{_quote(temp_dir or self._tmp.name)}'")  # type: ignore[union-attr]
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{_quote(memory_limit)}'")

    def agree(self, a: str, b: str) -> str:
        return f"list_sum(list_transform(list_zip({a}, {b}), lambda x: CAST(x[1] = x[2] AS INTEGER)))"

    def sorted_ids(self, col: str) -> str:
        return f"array_to_string(list_sort(list({col})), chr(10))"

    def load(self, name: str, path: Path) -> None:
        self.con.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_parquet('{_quote(str(path))}/*.parquet')"
        )

    def materialise(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")

    def scalar(self, sql: str) -> int:
        row = self.con.execute(sql).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def export(self, name: str, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.con.execute(f"COPY {name} TO '{_quote(str(path / 'part-0.parquet'))}' (FORMAT parquet)")

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def close(self) -> None:
        self.con.close()
        if self._tmp is not None:
            self._tmp.cleanup()


def _quote(s: str) -> str:
    return s.replace("'", "''")
