"""The layer operations of the Lambda API (publish, get, list, delete) and what attaching
layers to a function means: their ARNs checked, their contents merged in order into the
function's /opt, where the runtimes already look (`/opt/python`, `/opt/nodejs/node_modules`)."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from typing import Any

from simulator.config import Settings
from simulator.errors import InvalidParameterValueException, ResourceNotFoundException
from simulator.functions.code_store import CodeStore
from simulator.functions.code_upload import zip_from
from simulator.functions.folder_checksum import folder_digest
from simulator.functions.layer_store import LayerStore, LayerVersion
from simulator.functions.local_code import LocalCode
from simulator.functions.opt_folder import merge_folders
from simulator.functions.policy_store import PolicyStore
from simulator.functions.validation import (
    AWS_RUNTIME_ENUM,
    DEPRECATED_RUNTIMES,
    KNOWN_RUNTIMES,
    Violations,
    check_length,
    check_range,
)

REGION = r"(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}"
LAYER_NAME_RULE = (rf"(arn:(aws[a-zA-Z-]*)?:lambda:{REGION}:\d{{12}}:layer:[a-zA-Z0-9-_]+)"
                   r"|[a-zA-Z0-9-_]+")
LAYER_VERSION_ARN_RULE = (rf"(arn:(aws[a-zA-Z-]*)?:lambda:{REGION}:\d{{12}}:layer:"
                          r"[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:"
                          r"[a-zA-Z0-9-_]+)")
# The length AWS's message for a malformed layer version ARN in `Layers` quotes.
MAX_LAYER_ARN_LENGTH = 2048
LAYER_NAME = re.compile(LAYER_NAME_RULE.replace("a-zA-Z0-9-_", r"a-zA-Z0-9\-_"))
LAYER_VERSION_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):layer:"
    r"(?P<name>[a-zA-Z0-9\-_]+):(?P<version>[0-9]+)")
ARCHITECTURES = ("x86_64", "arm64")
MAX_LAYERS = 5
MAX_LIST_ITEMS = 50
NOT_FOUND = "The resource you requested does not exist."

# A layer may name any runtime of the model's enum as compatible, the deprecated ones among
# them (AWS publishes a layer for python3.7, go1.x or provided); AWS's message for one it does
# not take lists the runtimes of a function's (AWS_RUNTIME_ENUM).
LAYER_RUNTIMES = KNOWN_RUNTIMES + DEPRECATED_RUNTIMES
# The values ListLayers' CompatibleRuntime filter takes, as AWS's message lists them.
LIST_FILTER_RUNTIMES = (
    "ruby3.5", "ruby2.6", "dotnetcore1.0", "python3.7", "nodejs8.10", "nasa", "ruby2.7",
    "python2.7-greengrass", "dotnetcore2.0", "python3.8", "java21", "dotnet6", "dotnetcore2.1",
    "python3.9", "java11", "nodejs6.10", "provided", "dotnetcore3.1", "dotnet8", "java25",
    "java17", "nodejs", "nodejs4.3", "java8.al2", "go1.x", "dotnet10", "nodejs20.x", "go1.9",
    "byol", "nodejs10.x", "provided.al2023", "nodejs22.x", "python3.10", "java8", "nodejs12.x",
    "python3.11", "nodejs24.x", "nodejs8.x", "python3.12", "nodejs14.x", "nodejs8.9",
    "nodejs26.x", "python3.13", "python3.14", "nodejs16.x", "python3.15", "provided.al2",
    "nodejs4.3-edge", "nodejs18.x", "ruby3.2", "python3.4", "ruby3.3", "ruby3.4", "ruby2.5",
    "python3.6", "python2.7",
)
# The pattern GetLayerVersionByArn's message quotes.
LAYER_VERSION_BY_ARN_RULE = (
    rf"(arn:(aws[a-zA-Z-]*)?:lambda:{REGION}:\d{{12}}:layer:[a-zA-Z0-9-_]+:[0-9]+)"
    r"|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)")
VERSION_BELOW_ONE = "Layer Version Cannot be less than 1"


class LayerService:
    def __init__(self, settings: Settings, store: LayerStore, code: CodeStore,
                 opt_root: Path, policies: PolicyStore | None = None,
                 local_code: LocalCode | None = None) -> None:
        self.settings = settings
        self._store = store
        self._code = code
        self._opt_root = opt_root
        self._policies = policies  # None: no layer version has a policy
        self._local_code = local_code  # None: content comes only from uploads and S3
        # A delete's clean-up never removes content a publish or an attach is using.
        self._lock = threading.Lock()
        self._code.collect({Path(layer.content_dir) for layer in store.all()})

    # -- the API --------------------------------------------------------------------------

    def publish(self, layer_name: str, body: dict[str, Any]) -> dict[str, Any]:
        name = self._name(layer_name)
        v = Violations()
        runtimes = body.get("CompatibleRuntimes") or []
        architectures = body.get("CompatibleArchitectures") or []
        _check_members(v, runtimes, "compatibleRuntimes", LAYER_RUNTIMES, 15,
                       f"Member must satisfy enum value set: [{', '.join(AWS_RUNTIME_ENUM)}]")
        _check_members(v, architectures, "compatibleArchitectures", ARCHITECTURES, 2,
                       "Member must satisfy constraint: [Member must satisfy enum value set: "
                       f"[{', '.join(ARCHITECTURES)}], Member must not be null]")
        if "Description" in body:
            check_length(v, body["Description"], "description", 256)
        if body.get("LicenseInfo") is not None:
            check_length(v, body["LicenseInfo"], "licenseInfo", 512)
        v.raise_if_any()
        local = self._local_code.path(body.get("Content") or {}) \
            if self._local_code is not None else None
        if local is not None and not local.exists():
            raise InvalidParameterValueException(f"The content path {local} does not exist.")
        content = None if local is not None and local.is_dir() else \
            local.read_bytes() if local is not None else zip_from(body.get("Content") or {})
        with self._lock:
            if local is not None and content is None:
                # A template's layer folder is used where it is: an edit reaches its functions.
                sha256, size = folder_digest(local)
                content_dir = str(local)
            else:
                stored = self._code.store(content or b"")
                sha256, size, content_dir = stored.sha256, stored.size, str(stored.directory)
            layer = self._store.publish(
                name, code_sha256=sha256, code_size=size,
                content_dir=content_dir, description=body.get("Description") or "",
                compatible_runtimes=tuple(runtimes),
                compatible_architectures=tuple(architectures),
                license_info=body.get("LicenseInfo"))
        described = self._describe(layer)
        # AWS's answer shows the compatible lists the request gave, even empty ones.
        for key in ("CompatibleRuntimes", "CompatibleArchitectures"):
            if key in body:
                described.setdefault(key, [])
        return described

    def get(self, layer_name: str, version_number: str) -> dict[str, Any]:
        return self._describe(self._find(self._name(layer_name), version_number))

    def get_by_arn(self, arn: str | None) -> dict[str, Any]:
        v = Violations()
        if not isinstance(arn, str) or not re.fullmatch(LAYER_VERSION_BY_ARN_RULE, arn):
            v.add(arn, "arn",
                  f"Member must satisfy regular expression pattern: {LAYER_VERSION_BY_ARN_RULE}")
        v.raise_if_any()
        layer = self.resolve(str(arn))
        if layer is None:
            raise ResourceNotFoundException(NOT_FOUND)
        return self._describe(layer)

    def list_layers(self, runtime: str | None, architecture: str | None,
                    marker: str | None, max_items: str | None) -> dict[str, Any]:
        limit = self._check_filters(runtime, architecture, max_items)
        items = []
        for name in self._store.names():
            latest = next((layer for layer in self._store.versions(name)
                           if layer.matches(runtime, architecture)), None)
            if latest is not None and (marker is None or name > marker):
                items.append({
                    "LayerName": name,
                    "LayerArn": latest.layer_arn(self.settings.region, self.settings.account_id),
                    "LatestMatchingVersion": self._list_item(latest),
                })
        result: dict[str, Any] = {"Layers": items[:limit]}
        if len(items) > limit:
            result["NextMarker"] = items[limit - 1]["LayerName"]
        return result

    def list_versions(self, layer_name: str, runtime: str | None, architecture: str | None,
                      marker: str | None, max_items: str | None) -> dict[str, Any]:
        limit = self._check_filters(runtime, architecture, max_items)
        below = int(marker) if marker and marker.isdigit() else None
        matching = [layer for layer in self._store.versions(self._name(layer_name))
                    if layer.matches(runtime, architecture)
                    and (below is None or layer.version < below)]
        result: dict[str, Any] = {
            "LayerVersions": [self._list_item(layer) for layer in matching[:limit]]}
        if len(matching) > limit:
            result["NextMarker"] = str(matching[limit - 1].version)
        return result

    def delete(self, layer_name: str, version_number: str) -> None:
        """Idempotent, as on AWS. Functions using the version keep their merged /opt."""
        name = self._name(layer_name)
        version = _version(version_number)
        with self._lock:
            if self._store.delete(name, version) is not None:
                self._code.collect({Path(layer.content_dir) for layer in self._store.all()})
        if self._policies is not None:
            self._policies.forget_layer_version(name, version)

    def version_for_permissions(self, layer_name: str, version_number: str) -> LayerVersion:
        """The layer version a permission operation names; AWS names a missing one in full."""
        name = self._name(layer_name)
        layer = self._store.get(name, int(version_number)) if version_number.isdigit() else None
        if layer is None:
            raise ResourceNotFoundException(
                f"Layer version arn:aws:lambda:{self.settings.region}:"
                f"{self.settings.account_id}:layer:{name}:{version_number} does not exist.")
        return layer

    def layer_zip(self, name: str, version_number: str) -> bytes:
        layer = self._find(name, version_number)
        return self._code.package(Path(layer.content_dir))

    # -- attaching layers to a function ---------------------------------------------------

    def attach(self, arns: Any) -> dict[str, Any]:
        """`FunctionConfig` fields for a function's `Layers`: what GetFunction reports and
        the /opt tree its environments mount. An empty list removes the layers."""
        if not isinstance(arns, list):
            raise InvalidParameterValueException("Layers must be a list of layer version ARNs")
        v = Violations()
        for arn in arns:
            if not isinstance(arn, str) or not 1 <= len(arn) <= MAX_LAYER_ARN_LENGTH or \
                    not re.fullmatch(f"(?:{LAYER_VERSION_ARN_RULE})", arn):
                v.add(f"[{', '.join(map(str, arns))}]", "layers",
                      "Member must satisfy constraint: [Member must have length less than or "
                      f"equal to {MAX_LAYER_ARN_LENGTH}, Member must have length greater than "
                      "or equal to 1, Member must satisfy regular expression pattern: "
                      f"{LAYER_VERSION_ARN_RULE}, Member must not be null]")
                break
        v.raise_if_any()
        if len(arns) > MAX_LAYERS:
            raise InvalidParameterValueException(
                f"Cannot reference more than {MAX_LAYERS} layers.")
        with self._lock:
            layers = self._resolve_all(arns)
            if not layers:
                return {"layers": [], "opt_dir": ""}
            sources = [Path(layer.content_dir) for layer in layers]
            key = hashlib.sha256("\n".join(map(str, sources)).encode()).hexdigest()[:16]
            opt_dir = merge_folders(sources, self._opt_root / key)
        return {
            "layers": [{"Arn": self._arn(layer), "CodeSize": layer.code_size}
                       for layer in layers],
            "opt_dir": str(opt_dir),
        }

    def _resolve_all(self, arns: list[str]) -> list[LayerVersion]:
        layers: list[LayerVersion] = []
        for arn in arns:
            region = arn.split(":")[3] if arn.count(":") >= 3 else ""
            if region and region != self.settings.region:
                raise InvalidParameterValueException(
                    "Layers are not in the same region as the function. Layers are expected "
                    f"to be in region {self.settings.region}.")
            layer = self.resolve(arn)
            if layer is None:
                raise InvalidParameterValueException(f"Layer version {arn} does not exist.")
            twin = next((other for other in layers if other.name == layer.name), None)
            if twin is not None:
                raise InvalidParameterValueException(
                    "Two different versions of the same layer are not allowed to be referenced "
                    f"in the same function. {self._arn(twin)} and {arn} are versions of the "
                    "same layer.")
            layers.append(layer)
        return layers

    def stored_code_size(self) -> int:
        """What every layer version's content counts towards the account's code storage."""
        return sum(layer.code_size for layer in self._store.all())

    def resolve(self, arn: str) -> LayerVersion | None:
        """The version a layer version ARN names, if it is one of ours."""
        match = LAYER_VERSION_ARN.fullmatch(arn)
        if match is None or match["region"] != self.settings.region or \
                match["account"] != self.settings.account_id:
            return None
        return self._store.get(match["name"], int(match["version"]))

    # -- helpers --------------------------------------------------------------------------

    def _name(self, layer_name: str) -> str:
        """A layer name, or the layer's ARN, as the LayerName path member allows."""
        v = Violations()
        if not LAYER_NAME.fullmatch(layer_name):
            v.add(layer_name, "layerName",
                  f"Member must satisfy regular expression pattern: {LAYER_NAME_RULE}")
        elif len(layer_name) > 140:
            v.add(layer_name, "layerName", "Member must have length less than or equal to 140")
        v.raise_if_any()
        return layer_name.rsplit(":", 1)[-1]

    def _find(self, name: str, version_number: str) -> LayerVersion:
        layer = self._store.get(name, _version(version_number))
        if layer is None:
            raise ResourceNotFoundException(NOT_FOUND)
        return layer

    def _check_filters(self, runtime: str | None, architecture: str | None,
                       max_items: str | None) -> int:
        v = Violations()
        if runtime is not None and runtime not in LIST_FILTER_RUNTIMES:
            v.add(runtime, "compatibleRuntime",
                  f"Member must satisfy enum value set: [{', '.join(LIST_FILTER_RUNTIMES)}]")
        if architecture is not None and architecture not in ARCHITECTURES:
            v.add(architecture, "compatibleArchitecture",
                  f"Member must satisfy enum value set: [{', '.join(ARCHITECTURES)}]")
        limit = MAX_LIST_ITEMS
        if max_items is not None:
            limit = int(max_items) if max_items.lstrip("-").isdigit() else 0
            check_range(v, limit, "maxItems", 1, MAX_LIST_ITEMS)
        v.raise_if_any()
        return limit

    def _arn(self, layer: LayerVersion) -> str:
        return layer.arn(self.settings.region, self.settings.account_id)

    def _list_item(self, layer: LayerVersion) -> dict[str, Any]:
        return layer.to_list_item(self.settings.region, self.settings.account_id)

    def _describe(self, layer: LayerVersion) -> dict[str, Any]:
        location = (f"{self.settings.endpoint_url}/_simulator/layers/{layer.name}/"
                    f"{layer.version}.zip")
        return layer.to_api(self.settings.region, self.settings.account_id, location)


def _version(version_number: str) -> int:
    try:
        version = int(version_number)
    except ValueError:
        raise ResourceNotFoundException(NOT_FOUND) from None
    if version < 1:
        raise InvalidParameterValueException(VERSION_BELOW_ONE)
    return version


def _check_members(v: Violations, values: Any, member: str, allowed: tuple[str, ...],
                   most: int, refused: str) -> None:
    """A list of enum values: `refused` is AWS's constraint for one it does not take."""
    if any(value not in allowed for value in values):
        v.add(f"[{', '.join(map(str, values))}]", member, refused)
    elif len(values) > most:
        v.add(f"[{', '.join(map(str, values))}]", member,
              f"Member must have length less than or equal to {most}")
