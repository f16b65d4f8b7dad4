"""The Spark link engine: the same plan on Apache Spark (pyspark), local or on a cluster.

pyspark is imported only when this engine is chosen. Each materialised SELECT is checkpointed
(``localCheckpoint``) so that later steps, and each round of the connected-components loop,
read stored rows with a short lineage; tables are temporary views of the session.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from tipwatch.engine.link.engines import Engine, EngineUnavailable

__all__ = ["SparkEngine", "spark_session"]

_SESSION: Any = None


def spark_session(master: str | None = None) -> Any:
    """A SparkSession for the link job (one per process, reused): ``master`` defaults to
    ``local[*]``. Raises :class:`EngineUnavailable` when pyspark or Java is missing."""
    global _SESSION
    if _SESSION is not None:
        return _SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineUnavailable(
            "the spark engine needs pyspark: pip install 'pyspark[sql]>=4.0' (and Java 17)"
        ) from exc
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise EngineUnavailable("the spark engine needs Java 17: install a JDK or set JAVA_HOME")
    # Workers must run this very Python (else PYTHON_VERSION_MISMATCH); stay on loopback locally.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    master = master or "local[*]"
    builder = (
        SparkSession.builder.appName("tipwatch-link")
        .master(master)
        # Runtime filters estimate the size of checkpointed plans (unknown, so Long.MaxValue)
        # through BigInt products that exhaust the heap on a small join; they buy nothing here.
        .config("spark.sql.optimizer.runtime.bloomFilter.enabled", "false")
        .config("spark.sql.optimizer.runtimeFilter.semiJoinReduction.enabled", "false")
        .config("spark.sql.defaultSizeInBytes", str(1 << 40))
    )
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (
            builder.config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.default.parallelism", "4")
            .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
            .config("spark.ui.showConsoleProgress", "false")
        )
    try:
        _SESSION = builder.getOrCreate()
    except Exception as exc:  # py4j raises plain exceptions when the JVM cannot start
        raise EngineUnavailable(
            f"the spark engine could not start a session on {master} ({type(exc).__name__}); "
            "check Java 17 and, for a cluster, --spark-master"
        ) from exc
    _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


class SparkEngine(Engine):
    """Runs the link plan with Spark SQL. ``master``: ``local[*]`` (default) or a cluster URL."""

    name = "spark"

    def __init__(self, master: str | None = None) -> None:
        self.spark = spark_session(master)
        self._frames: dict[str, Any] = {}
        self._scratch = Path(tempfile.mkdtemp(prefix="tipwatch-spark-"))
        self._n = 0

    def begin(self, work: Path) -> None:
        # Tables go under the job's work directory: on a cluster it is shared storage.
        self._scratch = work / "spark-tables"

    def agree(self, a: str, b: str) -> str:
        return f"aggregate(zip_with({a}, {b}, (x, y) -> IF(x = y, 1, 0)), 0, (acc, v) -> acc + v)"

    def sorted_ids(self, col: str) -> str:
        return f"array_join(array_sort(collect_list({col})), '\\n')"

    def _keep(self, name: str, df: Any) -> None:
        self.drop(name)
        # Each table is written to Parquet and read back. That cuts the lineage (the components
        # loop joins a table with itself: the plan would double every round) and gives the
        # optimiser real sizes; a localCheckpoint keeps the size estimate of the old plan,
        # whose products grow with every step until planning a small join exhausts the heap.
        path = self._scratch / f"{name}-{self._n}"
        self._n += 1
        df.write.mode("overwrite").parquet(str(path))
        df = self.spark.read.parquet(str(path))
        df.createOrReplaceTempView(name)
        self._frames[name] = df

    def load(self, name: str, path: Path) -> None:
        df = self.spark.read.parquet(str(path))
        df.createOrReplaceTempView(name)
        self._frames[name] = df

    def materialise(self, name: str, sql: str) -> None:
        self._keep(name, self.spark.sql(sql))

    def scalar(self, sql: str) -> int:
        row = self.spark.sql(sql).first()
        return int(row[0]) if row is not None and row[0] is not None else 0

    def export(self, name: str, path: Path) -> None:
        self.spark.table(name).write.mode("overwrite").parquet(str(path))

    def drop(self, name: str) -> None:
        df = self._frames.pop(name, None)
        if df is not None:
            self.spark.catalog.dropTempView(name)

    def close(self) -> None:
        # The session is shared by the process (starting one takes seconds): only forget tables.
        for name in list(self._frames):
            self.drop(name)
        shutil.rmtree(self._scratch, ignore_errors=True)
