"""Published versions (immutable snapshots of `$LATEST`) and aliases (names pointing at a
version, optionally splitting traffic with a second one), persisted beside the functions."""

from __future__ import annotations

import dataclasses
import json
import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.models import FunctionConfig, aws_timestamp, new_revision_id
from simulator.state_db import Schema, open_database

SCHEMA = Schema("published versions and aliases", steps=[[
    "CREATE TABLE IF NOT EXISTS versions (name TEXT, version INTEGER, config TEXT, "
    "PRIMARY KEY (name, version))",
    "CREATE TABLE IF NOT EXISTS aliases (name TEXT, alias TEXT, config TEXT, "
    "PRIMARY KEY (name, alias))",
]])


@dataclass(frozen=True)
class Alias:
    function_name: str
    name: str
    function_version: str
    description: str = ""
    additional_weights: dict[str, float] = field(default_factory=dict)
    revision_id: str = field(default_factory=new_revision_id)

    def pick_version(self) -> str:
        """Weighted routing: each additional version gets its weight, the main one the rest."""
        draw = random.random()
        for version, weight in self.additional_weights.items():
            if draw < weight:
                return version
            draw -= weight
        return self.function_version

    def to_api(self, function_arn: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "AliasArn": f"{function_arn}:{self.name}", "Name": self.name,
            "FunctionVersion": self.function_version, "Description": self.description,
            "RevisionId": self.revision_id,
        }
        if self.additional_weights:
            body["RoutingConfig"] = {"AdditionalVersionWeights": dict(self.additional_weights)}
        return body


class VersionStore:
    def __init__(self, database: Path) -> None:
        self._db = open_database(database, SCHEMA)
        self._lock = threading.Lock()
        self._versions: dict[str, dict[str, FunctionConfig]] = {}
        self._aliases: dict[str, dict[str, Alias]] = {}
        for name, version, config in self._db.execute("SELECT * FROM versions"):
            self._versions.setdefault(name, {})[str(version)] = FunctionConfig.from_json(config)
        for name, alias, config in self._db.execute("SELECT * FROM aliases"):
            self._aliases.setdefault(name, {})[alias] = Alias(**json.loads(config))

    def publish(self, latest: FunctionConfig, description: str | None) -> FunctionConfig:
        """A new numbered snapshot with a revision of its own, unless the newest one was taken
        from this very revision of `$LATEST` (AWS returns that one instead)."""
        with self._lock:
            existing = self._versions.get(latest.name, {})
            newest = existing[max(existing, key=int)] if existing else None
            if newest is not None and newest.published_from == latest.revision_id:
                return newest
            number = str(max((int(v) for v in existing), default=0) + 1)
            version = dataclasses.replace(
                latest, version=number, last_modified=aws_timestamp(),
                description=latest.description if description is None else description,
                state="Active", last_update_status="Successful",
                revision_id=new_revision_id(), published_from=latest.revision_id,
            )
            self._db.execute("INSERT INTO versions VALUES (?, ?, ?)",
                             (latest.name, int(number), version.to_json()))
            self._versions.setdefault(latest.name, {})[number] = version
            return version

    def put_version(self, version: FunctionConfig) -> None:
        """Replace a published version's settings that do not change what it runs."""
        with self._lock:
            self._db.execute("UPDATE versions SET config = ? WHERE name = ? AND version = ?",
                             (version.to_json(), version.name, int(version.version)))
            self._versions.setdefault(version.name, {})[version.version] = version

    def version(self, name: str, number: str) -> FunctionConfig | None:
        return self._versions.get(name, {}).get(number)

    def versions(self, name: str) -> list[FunctionConfig]:
        return [v for _, v in sorted(self._versions.get(name, {}).items(),
                                     key=lambda item: int(item[0]))]

    def delete_version(self, name: str, number: str) -> bool:
        with self._lock:
            self._db.execute("DELETE FROM versions WHERE name = ? AND version = ?",
                             (name, int(number)))
            return self._versions.get(name, {}).pop(number, None) is not None

    def put_alias(self, alias: Alias) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?, ?)",
                             (alias.function_name, alias.name,
                              json.dumps(dataclasses.asdict(alias))))
            self._aliases.setdefault(alias.function_name, {})[alias.name] = alias

    def alias(self, name: str, alias: str) -> Alias | None:
        return self._aliases.get(name, {}).get(alias)

    def aliases(self, name: str) -> list[Alias]:
        return [a for _, a in sorted(self._aliases.get(name, {}).items())]

    def delete_alias(self, name: str, alias: str) -> bool:
        with self._lock:
            self._db.execute("DELETE FROM aliases WHERE name = ? AND alias = ?", (name, alias))
            return self._aliases.get(name, {}).pop(alias, None) is not None

    def forget(self, name: str) -> None:
        """The function was deleted: its versions and aliases go with it."""
        with self._lock:
            self._db.execute("DELETE FROM versions WHERE name = ?", (name,))
            self._db.execute("DELETE FROM aliases WHERE name = ?", (name,))
            self._versions.pop(name, None)
            self._aliases.pop(name, None)

    def close(self) -> None:
        self._db.close()

