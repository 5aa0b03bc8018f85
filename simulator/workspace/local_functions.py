"""Functions defined by a SAM template and local folders: deployed into the simulator and kept
in step with the files. A saved change to a function's folder (or its layers, its
requirements, the template) becomes a new generation of the function with an environment
pre-warmed in the background, so the next invoke runs the new code warm."""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.layer_operations import LayerService
from simulator.functions.opt_folder import merge_folders
from simulator.models import FunctionConfig
from simulator.templates import FunctionSpec, Template, TemplateError, load_template
from simulator.workspace.folder_checksum import file_digest, folder_digest
from simulator.workspace.hot_reload import CodeWatcher
from simulator.workspace.requirements import (
    DependencyError,
    TargetPlatform,
    install_requirements,
)

log = logging.getLogger(__name__)

TEMPLATE_KEY = "template"
ROLE = "arn:aws:iam::000000000000:role/lambda-sim"

WireEvents = Callable[[Template], None]


@dataclass
class DeployReport:
    functions: list[str]
    removed: list[str]
    warnings: list[str]


class Workspace:
    def __init__(self, functions: FunctionOperations, layers: LayerService | None,
                 code: CodeStore, state_dir: Path, watch_mode: str = "auto",
                 wire_events: WireEvents | None = None, prewarm: bool = True) -> None:
        self._functions = functions
        self._layers = layers
        self._code = code
        self._state_dir = state_dir
        self._wire_events = wire_events
        self._prewarm = prewarm
        self._template_path: Path | None = None
        self._overrides: dict[str, str] = {}
        self._template: Template | None = None
        self._watcher = CodeWatcher(self._changed, watch_mode, ignored=state_dir.resolve())

    # -- templates ------------------------------------------------------------------------

    def load(self, path: Path, overrides: dict[str, str] | None = None) -> DeployReport:
        """Deploy a template and follow it: edits to it add, change or remove functions."""
        self._template_path = path.resolve()
        self._overrides = dict(overrides or {})
        report = self.deploy(load_template(self._template_path, self._overrides))
        self._watcher.watch(TEMPLATE_KEY, [self._template_path.parent],
                            lambda: file_digest(self._template_path or path), recursive=False)
        return report

    def deploy(self, template: Template) -> DeployReport:
        previous = {spec.name for spec in self._template.functions} if self._template else set()
        deployed = []
        for spec in template.functions:
            self._deploy_function(spec, template)
            deployed.append(spec.name)
        removed = sorted(previous - set(deployed))
        for name in removed:
            self._watcher.unwatch(f"function:{name}")
            self._functions.delete_function(name)
        self._template = template
        if self._wire_events is not None:
            self._wire_events(template)
        for warning in template.warnings:
            log.warning("%s", warning)
        return DeployReport(deployed, removed, list(template.warnings))

    def close(self) -> None:
        self._watcher.stop()

    # -- functions ------------------------------------------------------------------------

    def _deploy_function(self, spec: FunctionSpec, template: Template) -> FunctionConfig:
        function = self._functions.put_function(self._config(spec, template))
        folders = [p for p in [spec.code_dir, *self._layer_dirs(spec, template)] if p]
        self._watcher.watch(f"function:{spec.name}", folders,
                            lambda: self._code_digest(spec, template))
        return function

    def _config(self, spec: FunctionSpec, template: Template) -> FunctionConfig:
        """The configuration to deploy; in state Failed, with pip's words, when the folder's
        requirements could not be installed (as AWS marks a function it could not create)."""
        failure = ""
        try:
            opt_dir = self._opt_dir(spec, template)
        except DependencyError as error:
            log.error("%s: %s", spec.name, error)
            opt_dir, failure = None, str(error)
        if spec.code_dir is not None:
            code_dir = spec.code_dir.resolve()
            sha256, size = folder_digest(code_dir)
        else:
            stored = self._code.store(self._zip_of(spec))
            code_dir, sha256, size = stored.directory, stored.sha256, stored.size
        return FunctionConfig(
            name=spec.name, runtime=spec.runtime, role=ROLE, handler=spec.handler,
            code_sha256=sha256, code_size=size, code_dir=str(code_dir),
            description=spec.description, timeout=spec.timeout, memory_size=spec.memory_size,
            environment=dict(spec.environment), architectures=tuple(spec.architectures),
            ephemeral_storage=spec.ephemeral_storage,
            opt_dir=str(opt_dir or ""),
            reserved_concurrency=spec.reserved_concurrency,
            state="Failed" if failure else "Pending", status_reason=failure,
            status_reason_code="DependencyError" if failure else "",
        )

    def _zip_of(self, spec: FunctionSpec) -> bytes:
        if spec.code_zip is not None:
            return spec.code_zip.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("index.py", spec.inline_code or "")
        return buffer.getvalue()

    def _layer_dirs(self, spec: FunctionSpec, template: Template) -> list[Path]:
        """The template's own layers by logical id, and layer versions published to the
        simulator by ARN; other ARNs (AWS's, another account's) have no content here."""
        layers = {layer.logical_id: layer for layer in template.layers}
        folders = []
        for name in spec.layers:
            if name in layers:
                folders.append(layers[name].content_dir.resolve())
            elif self._layers is not None and \
                    (published := self._layers.resolve(name)) is not None:
                folders.append(Path(published.content_dir))
        return folders

    def _opt_dir(self, spec: FunctionSpec, template: Template) -> Path | None:
        """Layers merged in order, then the folder's requirements (for a Python runtime), as
        one tree for /opt; DependencyError when pip could not install them."""
        sources = self._layer_dirs(spec, template)
        requirements = spec.code_dir / "requirements.txt" if spec.code_dir else None
        target = TargetPlatform.of(
            spec.runtime, spec.architectures[0] if spec.architectures else "x86_64",
            native=not self._functions.settings.strict)
        if requirements is not None and requirements.is_file() and target is not None:
            sources.append(install_requirements(
                requirements, self._state_dir / "dependencies" / spec.name, target))
        if not sources:
            return None
        digest = hashlib.sha256()
        for source in sources:
            digest.update(str(source).encode() + folder_digest(source)[0].encode())
        return merge_folders(sources,
                             self._state_dir / "opt" / spec.name / digest.hexdigest()[:16])

    def _code_digest(self, spec: FunctionSpec, template: Template) -> str:
        parts = [folder_digest(folder)[0] for folder in
                 [p for p in [spec.code_dir, *self._layer_dirs(spec, template)] if p]]
        return "/".join(parts)

    # -- reload ---------------------------------------------------------------------------

    def _changed(self, key: str) -> None:
        if key == TEMPLATE_KEY and self._template_path is not None:
            try:
                report = self.deploy(load_template(self._template_path, self._overrides))
            except TemplateError as error:
                log.error("template not reloaded: %s", error)
                return
            log.info("template reloaded: %d functions, removed %s", len(report.functions),
                     ", ".join(report.removed) or "none")
            return
        name = key.removeprefix("function:")
        template = self._template
        spec = next((f for f in template.functions if f.name == name), None) if template else None
        if spec is None or template is None:
            return
        function = self._functions.put_function(self._config(spec, template),
                                              warm_first=self._prewarm)
        log.info("reloaded %s (generation %d)", name, function.generation)
