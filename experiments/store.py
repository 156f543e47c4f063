"""Embedded result store of a sweep (SQLite): one row per finished run, one row per epoch.

A run is keyed by the SHA-256 of its full configuration (canonical JSON: sorted keys, no spaces),
so changing any option makes a new run. A run is written in a single transaction when it has
finished (its row in ``runs`` and all its rows in ``epochs``): an interruption loses at most the
runs in flight, never a finished one, and never leaves a half-written run. Resuming a sweep means
skipping the configurations whose hash is already in ``runs``.

Tables::

    runs(config_hash TEXT PRIMARY KEY, config TEXT, summary TEXT, finished_at TEXT)
    epochs(config_hash TEXT, epoch INTEGER, metrics TEXT, PRIMARY KEY (config_hash, epoch))

``config``, ``summary`` and ``metrics`` are JSON objects (NaN allowed, as Python's json writes it).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    config_hash TEXT PRIMARY KEY,
    config TEXT NOT NULL,
    summary TEXT NOT NULL,
    finished_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS epochs (
    config_hash TEXT NOT NULL REFERENCES runs(config_hash),
    epoch INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (config_hash, epoch)
);
"""


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no whitespace: the same text for equal configurations."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=True)


def config_hash(config: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``config``."""
    return hashlib.sha256(canonical_json(dict(config)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RunRecord:
    """A finished run as read back from the store."""

    config_hash: str
    config: dict[str, Any]
    summary: dict[str, Any]
    epochs: list[dict[str, Any]]


class ResultStore:
    """SQLite file holding finished runs; open it with ``ResultStore(path)`` (created if absent)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(self.path, timeout=60.0)
        self._connection.execute("PRAGMA foreign_keys = ON")
        self._connection.execute("PRAGMA journal_mode = WAL")
        self._connection.executescript(_SCHEMA)
        self._connection.commit()

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def finished_hashes(self) -> set[str]:
        """Hashes of every finished run."""
        return {row[0] for row in self._connection.execute("SELECT config_hash FROM runs")}

    def is_finished(self, config: Mapping[str, Any]) -> bool:
        query = "SELECT 1 FROM runs WHERE config_hash = ?"
        return self._connection.execute(query, (config_hash(config),)).fetchone() is not None

    def record_run(
        self,
        config: Mapping[str, Any],
        summary: Mapping[str, Any],
        epochs: Sequence[Mapping[str, Any]],
    ) -> str:
        """Store a finished run and its epochs in one transaction; return its hash.

        ``ValueError`` if the run is already stored. If anything fails (e.g. a metric that is not
        JSON), nothing of the run is written.
        """
        key = config_hash(config)
        # serialise everything first so a bad value cannot interrupt the transaction half-way
        config_text = canonical_json(dict(config))
        summary_text = canonical_json(dict(summary))
        epoch_rows = [(key, int(i), canonical_json(dict(m))) for i, m in enumerate(epochs)]
        finished_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        try:
            with self._connection:  # one transaction: commit on success, roll back on error
                self._connection.execute(
                    "INSERT INTO runs VALUES (?, ?, ?, ?)",
                    (key, config_text, summary_text, finished_at),
                )
                self._connection.executemany("INSERT INTO epochs VALUES (?, ?, ?)", epoch_rows)
        except sqlite3.IntegrityError as exc:
            raise ValueError(f"run {key[:12]} is already in {self.path}: {exc}") from None
        return key

    def runs(self) -> Iterator[RunRecord]:
        """Every finished run with its epochs (in epoch order), ordered by configuration hash so
        that two identical sweeps read back the same sequence whatever their finishing times."""
        cursor = self._connection.execute(
            "SELECT config_hash, config, summary FROM runs ORDER BY config_hash"
        )
        for key, config_text, summary_text in cursor.fetchall():
            epoch_rows = self._connection.execute(
                "SELECT metrics FROM epochs WHERE config_hash = ? ORDER BY epoch", (key,)
            ).fetchall()
            yield RunRecord(
                config_hash=key,
                config=json.loads(config_text),
                summary=json.loads(summary_text),
                epochs=[json.loads(row[0]) for row in epoch_rows],
            )

    def count(self) -> int:
        return int(self._connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
