"""Published layer versions: immutable, numbered per layer name, persisted in SQLite in the
state folder. Numbers are never reused, even after every version of a layer is deleted."""

from __future__ import annotations

import dataclasses
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.models import aws_timestamp
from simulator.state_db import Schema, open_database

SCHEMA = Schema("layer versions", steps=[[
    "CREATE TABLE IF NOT EXISTS layer_names (name TEXT PRIMARY KEY, "
    "last_version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS layer_versions (name TEXT, version INTEGER, config TEXT, "
    "PRIMARY KEY (name, version))",
]])


@dataclass(frozen=True)
class LayerVersion:
    name: str
    version: int
    code_sha256: str
    code_size: int
    content_dir: str
    description: str = ""
    compatible_runtimes: tuple[str, ...] = ()
    compatible_architectures: tuple[str, ...] = ()
    license_info: str | None = None
    created_date: str = dataclasses.field(default_factory=aws_timestamp)

    def layer_arn(self, region: str, account_id: str) -> str:
        return f"arn:aws:lambda:{region}:{account_id}:layer:{self.name}"

    def arn(self, region: str, account_id: str) -> str:
        return f"{self.layer_arn(region, account_id)}:{self.version}"

    def matches(self, runtime: str | None, architecture: str | None) -> bool:
        """The ListLayers/ListLayerVersions filters: a filter names one compatible value."""
        return (runtime is None or runtime in self.compatible_runtimes) and (
            architecture is None or architecture in self.compatible_architectures)

    def to_list_item(self, region: str, account_id: str) -> dict[str, Any]:
        """The LayerVersionsListItem shape; absent optional members are left out, as AWS does."""
        body: dict[str, Any] = {
            "LayerVersionArn": self.arn(region, account_id), "Version": self.version,
            "Description": self.description, "CreatedDate": self.created_date,
        }
        if self.compatible_runtimes:
            body["CompatibleRuntimes"] = list(self.compatible_runtimes)
        if self.compatible_architectures:
            body["CompatibleArchitectures"] = list(self.compatible_architectures)
        if self.license_info is not None:
            body["LicenseInfo"] = self.license_info
        return body

    def to_api(self, region: str, account_id: str, location: str) -> dict[str, Any]:
        """The Get/PublishLayerVersion answer: the list item plus the layer ARN and content."""
        return {
            **self.to_list_item(region, account_id),
            "LayerArn": self.layer_arn(region, account_id),
            "Content": {"Location": location, "CodeSha256": self.code_sha256,
                        "CodeSize": self.code_size},
        }


class LayerStore:
    def __init__(self, database: Path) -> None:
        self._db = open_database(database, SCHEMA)
        self._lock = threading.Lock()
        self._last: dict[str, int] = dict(
            self._db.execute("SELECT name, last_version FROM layer_names"))
        self._versions: dict[str, dict[int, LayerVersion]] = {}
        for name, version, config in self._db.execute("SELECT * FROM layer_versions"):
            self._versions.setdefault(name, {})[version] = _from_json(config)

    def publish(self, name: str, **fields: Any) -> LayerVersion:
        """The next version of `name` with these fields (LayerVersion's, bar name/version)."""
        with self._lock:
            number = self._last.get(name, 0) + 1
            layer = LayerVersion(name=name, version=number, **fields)
            self._db.execute("INSERT OR REPLACE INTO layer_names VALUES (?, ?)", (name, number))
            self._db.execute("INSERT INTO layer_versions VALUES (?, ?, ?)",
                             (name, number, json.dumps(dataclasses.asdict(layer))))
            self._last[name] = number
            self._versions.setdefault(name, {})[number] = layer
            return layer

    def get(self, name: str, version: int) -> LayerVersion | None:
        return self._versions.get(name, {}).get(version)

    def versions(self, name: str) -> list[LayerVersion]:
        """Newest first, the order ListLayerVersions answers in."""
        return sorted(self._versions.get(name, {}).values(), key=lambda v: -v.version)

    def names(self) -> list[str]:
        """Layers with at least one version, sorted."""
        return sorted(name for name, versions in self._versions.items() if versions)

    def all(self) -> list[LayerVersion]:
        return [v for name in self.names() for v in self.versions(name)]

    def delete(self, name: str, version: int) -> LayerVersion | None:
        with self._lock:
            self._db.execute("DELETE FROM layer_versions WHERE name = ? AND version = ?",
                             (name, version))
            return self._versions.get(name, {}).pop(version, None)

    def close(self) -> None:
        self._db.close()


def _from_json(text: str) -> LayerVersion:
    fields = json.loads(text)
    fields["compatible_runtimes"] = tuple(fields["compatible_runtimes"])
    fields["compatible_architectures"] = tuple(fields["compatible_architectures"])
    return LayerVersion(**fields)
