"""A template on this machine, deployed as a stack and kept in step with its files.

The template (SAM, CloudFormation, or a Serverless Framework service file, converted to SAM)
goes through the same CloudFormation engine as `aws cloudformation deploy`, so the stack, its
resources and Outputs are there to describe; only its local paths are taken in place. A saved
change to a function's folder (or its local layers, its requirements) becomes a new
generation of the function with an environment pre-warmed in the background, so the next
invoke runs the new code warm; a saved change to the template updates the stack."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from simulator.functions.folder_checksum import file_digest, folder_digest
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.layer_operations import LayerService
from simulator.functions.local_code import LocalCode
from simulator.functions.opt_folder import merge_folders
from simulator.models import FunctionConfig
from simulator.stacks.stack_deploys import StackDeployFailed, deploy_stack
from simulator.templates.errors import TemplateError
from simulator.templates.reader import read_template
from simulator.templates.serverless import is_service_file, service_template
from simulator.workspace.hot_reload import CodeWatcher
from simulator.workspace.local_paths import localized
from simulator.workspace.requirements import (
    DependencyError,
    TargetPlatform,
    install_requirements,
)

log = logging.getLogger(__name__)

TEMPLATE_KEY = "template"
FUNCTION_TYPE = "AWS::Lambda::Function"


@dataclass
class DeployReport:
    stack: str
    functions: list[str]
    removed: list[str]
    warnings: list[str]
    outputs: dict[str, str]


@dataclass(frozen=True)
class StackTemplate:
    """What a template file deploys as: its stack's name, its body and parameters."""

    stack_name: str
    body: str
    parameters: dict[str, str]
    warnings: list[str]


class Workspace:
    """`cloudformation()`: a CloudFormation client of the simulator's own endpoint."""

    def __init__(self, functions: FunctionOperations, layers: LayerService,
                 local_code: LocalCode, cloudformation: Callable[[], Any], state_dir: Path,
                 watch_mode: str = "auto", prewarm: bool = True) -> None:
        self._functions = functions
        self._layers = layers
        self._local_code = local_code
        self._cloudformation = cloudformation
        self._state_dir = state_dir
        self._prewarm = prewarm
        self._template_path: Path | None = None
        self._overrides: dict[str, str] = {}
        self._watched: set[str] = set()
        self._deploying = threading.Lock()
        self._watcher = CodeWatcher(self._changed, watch_mode, ignored=state_dir.resolve())

    # -- templates ------------------------------------------------------------------------

    def load(self, path: Path, overrides: dict[str, str] | None = None) -> DeployReport:
        """Deploy a template and follow it: edits to it update its stack."""
        template_path = path.resolve()
        with self._deploying:
            report = self._deploy(template_path, dict(overrides or {}))
            self._template_path, self._overrides = template_path, dict(overrides or {})
        self._watcher.watch(TEMPLATE_KEY, [template_path.parent],
                            lambda: file_digest(template_path), recursive=False)
        return report

    def close(self) -> None:
        self._watcher.stop()

    def _deploy(self, path: Path, overrides: dict[str, str]) -> DeployReport:
        template = stack_template(path, overrides, self._local_code.register,
                                  self._functions.settings.account_id)
        client = self._cloudformation()
        try:
            deployed = deploy_stack(client, template.stack_name, {"TemplateBody": template.body},
                                    template.parameters)
            functions = self._stack_functions(client, template.stack_name)
        except StackDeployFailed as error:
            raise TemplateError(f"{path}: {error}") from None
        except ClientError as error:
            raise TemplateError(f"{path}: {error.response['Error'].get('Message')}") from None
        except BotoCoreError as error:
            raise TemplateError(f"{path}: the stack could not be deployed: {error}") from None
        followed = []
        for name in functions:
            if self._follow(name):
                followed.append(name)
        removed = sorted(self._watched - set(followed))
        for name in removed:
            self._watcher.unwatch(f"function:{name}")
        self._watched = set(followed)
        for warning in template.warnings:
            log.warning("%s", warning)
        return DeployReport(template.stack_name, functions, removed, template.warnings,
                            deployed.outputs)

    @staticmethod
    def _stack_functions(client: Any, stack_name: str) -> list[str]:
        return [resource["PhysicalResourceId"]
                for page in client.get_paginator("list_stack_resources").paginate(
                    StackName=stack_name)
                for resource in page["StackResourceSummaries"]
                if resource["ResourceType"] == FUNCTION_TYPE
                and resource.get("PhysicalResourceId")]

    # -- functions from local folders -------------------------------------------------------

    def _follow(self, name: str) -> bool:
        """Watch a function whose code is a local folder (and settle its /opt); False for one
        whose code came from elsewhere."""
        function = self._functions.latest(name)
        if function is None or not self._local_code.is_local(function.code_dir):
            return False
        self._settle(function, warm_first=False, first=name not in self._watched)
        self._watcher.watch(f"function:{name}", self._folders(function),
                            lambda: self._digest(name))
        return True

    def _settle(self, function: FunctionConfig, warm_first: bool, first: bool = False
                ) -> FunctionConfig:
        """The function with its folder's current checksum and an /opt of its layers and
        installed requirements. When those cannot be installed, a function seen `first` is
        Failed, with pip's words, as AWS marks a function it could not create; a reloaded
        one keeps its last code, its last update Failed."""
        sha256, size = folder_digest(Path(function.code_dir))
        try:
            opt_dir = self._opt_dir(function)
        except DependencyError as error:
            log.error("%s: %s", function.name, error)
            return self._functions.put_function(replace(
                function, state="Failed", status_reason=str(error),
                status_reason_code="DependencyError"), completes_creation=first)
        if (sha256, size, opt_dir) == (function.code_sha256, function.code_size,
                                       function.opt_dir) and function.state != "Failed":
            return function
        return self._functions.put_function(
            replace(function, code_sha256=sha256, code_size=size, opt_dir=opt_dir,
                    state="Pending", status_reason="", status_reason_code=""),
            warm_first=warm_first)

    def _layer_dirs(self, function: FunctionConfig) -> list[Path]:
        folders = []
        for layer in function.layers:
            published = self._layers.resolve(str(layer.get("Arn", "")))
            if published is not None:
                folders.append(Path(published.content_dir))
        return folders

    def _folders(self, function: FunctionConfig) -> list[Path]:
        return [Path(function.code_dir), *(folder for folder in self._layer_dirs(function)
                                           if self._local_code.is_local(folder))]

    def _opt_dir(self, function: FunctionConfig) -> str:
        """Layers merged in order, then the folder's requirements (for a Python runtime), as
        one tree for /opt, named after what it holds; as attached when neither a layer nor
        the requirements are local."""
        layers = self._layer_dirs(function)
        requirements = Path(function.code_dir) / "requirements.txt"
        target = TargetPlatform.of(
            function.runtime, function.architectures[0] if function.architectures else "x86_64",
            native=not self._functions.settings.strict)
        sources = list(layers)
        if requirements.is_file() and target is not None:
            sources.append(install_requirements(
                requirements, self._state_dir / "dependencies" / function.name, target))
        if sources == layers and not any(self._local_code.is_local(f) for f in layers):
            return function.opt_dir
        digest = hashlib.sha256()
        for source in sources:
            digest.update(str(source).encode() + folder_digest(source)[0].encode())
        return str(merge_folders(
            sources, self._state_dir / "opt" / function.name / digest.hexdigest()[:16]))

    def _digest(self, name: str) -> str:
        function = self._functions.latest(name)
        if function is None:
            return ""
        return "/".join(folder_digest(folder)[0] for folder in self._folders(function))

    # -- reload ---------------------------------------------------------------------------

    def _changed(self, key: str) -> None:
        if key == TEMPLATE_KEY:
            self._template_changed()
            return
        name = key.removeprefix("function:")
        function = self._functions.latest(name)
        if function is None:
            return
        settled = self._settle(function, warm_first=self._prewarm)
        log.info("reloaded %s (generation %d)", name, settled.generation)

    def _template_changed(self) -> None:
        with self._deploying:
            if self._template_path is None:
                return
            try:
                report = self._deploy(self._template_path, self._overrides)
            except TemplateError as error:
                log.error("template not reloaded: %s", error)
                return
        log.info("template reloaded: stack %s, %d functions", report.stack,
                 len(report.functions))


def stack_template(path: Path, overrides: dict[str, str], register: Callable[[Path], str],
                   account_id: str) -> StackTemplate:
    """A service file is converted to SAM, its overrides being the framework's CLI options
    (stage=..., region=...); a template's overrides are parameter values."""
    if is_service_file(path):
        service = service_template(path, overrides, account_id)
        document, stack_name = service.document, service.stack_name
        parameters, warnings = {}, list(service.warnings)
    else:
        document, parameters, warnings = read_template(path), overrides, []
        stack_name = stack_name_of(path.parent.name)
    try:
        body = localized(document, path.parent, register)
    except TemplateError as error:
        raise TemplateError(f"{path}: {error}") from None
    return StackTemplate(stack_name, json.dumps(body, separators=(",", ":")), parameters,
                         warnings)


def stack_name_of(folder_name: str) -> str:
    """The template folder's name as a stack name ([A-Za-z][-A-Za-z0-9]*, up to 128)."""
    name = re.sub(r"[^A-Za-z0-9-]+", "-", folder_name).strip("-")
    if not name or not name[0].isalpha():
        name = f"stack-{name}".rstrip("-")
    return name[:128]
