"""Composition root and Flask app factory: settings → executor → pool → control plane and
data plane → API."""

from __future__ import annotations

import errno
import functools
import logging
import re
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import botocore.session
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.exceptions import RequestEntityTooLarge as WerkzeugTooLarge

from simulator.api.arn_scope import ArnScope
from simulator.api.aws_gateway import ServiceDispatcher
from simulator.api.capacity_providers_api import capacity_providers_api
from simulator.api.cloudformation_api import CloudFormationApi
from simulator.api.code_signing_api import code_signing_api
from simulator.api.durable_api import durable_api
from simulator.api.durable_deletions_api import durable_deletions_api
from simulator.api.error_shapes import error_parts
from simulator.api.event_source_api import event_source_api
from simulator.api.function_settings_api import function_settings_api
from simulator.api.http_api import http_api
from simulator.api.invoke_async_api import invoke_async_api
from simulator.api.invoke_path import InvokePath
from simulator.api.lambda_api import lambda_api
from simulator.api.layers_api import layers_api
from simulator.api.policies_api import policies_api
from simulator.api.regional_routing import RegionalRouting
from simulator.api.request_sources import RequestSources
from simulator.api.resource_policies_api import resource_policies_api
from simulator.api.response_stream_api import response_stream_api
from simulator.api.runtime_api import RuntimeApiListener
from simulator.api.schedule_api import schedule_api
from simulator.api.simulator_api import simulator_api
from simulator.api.versions_api import versions_api
from simulator.aws_clients import own_client
from simulator.config import Settings
from simulator.durable.deletions import DurableDeletions
from simulator.durable.executions import DurableExecutions
from simulator.durable.operations import DurableOperations
from simulator.environments.pool import EnvironmentPool, PoolLimits
from simulator.errors import (
    EnvironmentUnavailable,
    LambdaError,
    MethodNotAllowedError,
    RequestEntityTooLargeException,
    ServiceException,
    UnknownRouteError,
)
from simulator.events import cognito_triggers, moto_bridge
from simulator.events.deployed_apis import DeployedApis
from simulator.events.http_routes import FunctionUrls, HttpRoutes
from simulator.events.mappings import EventSourceMappings
from simulator.events.scheduler_schedules import SchedulerSchedules
from simulator.events.schedules import EventBridgeRules, RuleSources, Scheduler
from simulator.executors.base import Executor
from simulator.executors.process import ProcessExecutor
from simulator.functions.capacity_providers import CapacityProviders
from simulator.functions.code_signing import CodeSigningConfigs
from simulator.functions.code_signing_store import CodeSigningStore
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.function_settings import FunctionSettings
from simulator.functions.function_settings_store import FunctionSettingsStore
from simulator.functions.layer_operations import LayerService
from simulator.functions.layer_store import LayerStore
from simulator.functions.local_code import LocalCode
from simulator.functions.policies import FunctionPolicies, LayerPolicies
from simulator.functions.policy_store import PolicyStore
from simulator.functions.provisioned_concurrency import ProvisionedConcurrencyConfigs
from simulator.functions.registry import FunctionRegistry
from simulator.functions.resource_policies import ResourcePolicies
from simulator.functions.resource_tags import ResourceTagStore
from simulator.functions.strict_mode import StrictMode
from simulator.functions.tag_operations import TagService
from simulator.functions.validation import SUPPORTED_RUNTIMES
from simulator.functions.version_operations import VersionService
from simulator.functions.version_store import VersionStore
from simulator.invocation.invoker import Invoker
from simulator.observability.composition import Observability
from simulator.observability.cost_api import cost_api
from simulator.observability.dashboard import dashboard
from simulator.observability.prometheus_api import prometheus_api
from simulator.observability.xray_daemon import XRayDaemon
from simulator.service_state.store import ServiceState
from simulator.stacks.cloudformation import CloudFormation
from simulator.stacks.resource_types import provisioner_for
from simulator.workspace.local_functions import DeployReport, Workspace

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 70 * 1024 * 1024
# Other accounts and regions served side by side, each with its own stores and pool.
MAX_PLANES = 32
ACCOUNT_ID_PATTERN = re.compile(r"\d{12}")
AWS_REGIONS = frozenset(botocore.session.get_session().get_available_regions("lambda"))


def planes_root(settings: Settings) -> Path:
    return settings.state_dir / "regions"


class Simulator:
    """Everything one running simulator owns; `close()` stops its environments."""

    def __init__(self, settings: Settings, executor: Executor | None = None,
                 home: Simulator | None = None) -> None:
        """`home`: the simulator whose executor, endpoint and AWS services this one shares,
        serving another account or region (`settings` says which) in a folder of its own."""
        self.settings = settings
        self.home = home
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        # The stores first: a state folder this version cannot read stops the start before
        # any environment or container exists.
        self.registry = FunctionRegistry(settings.state_dir / "functions.db")
        self.versions = VersionStore(settings.state_dir / "versions.db")
        self.layer_store = LayerStore(settings.state_dir / "layers.db")
        self.policy_store = PolicyStore(settings.state_dir / "policies.db")
        self.resource_tags = ResourceTagStore(settings.state_dir / "resource-tags.db")
        self.code_signing_store = CodeSigningStore(settings.state_dir / "code-signing.db")
        self.function_settings_store = FunctionSettingsStore(
            settings.state_dir / "function-settings.db")
        self.http_routes = HttpRoutes(settings.state_dir / "http.db")
        self.deployed_apis = DeployedApis(functools.cache(
            lambda service: own_client(settings, service)), self._aws_app_loaded)
        self.function_urls = FunctionUrls(settings.state_dir / "http.db")
        self.service_state = None if settings.ephemeral or home is not None else ServiceState(
            settings.state_dir / "services")
        if home is not None:
            executor, reason = home.executor, home.executor_reason
        elif executor is None:
            executor, reason = choose_executor(settings)
        else:
            executor.start()
            reason = "chosen by the caller"
        self.executor: Executor = executor
        self.executor_reason: str = reason
        self.observability = Observability(
            settings, busy=lambda name: self.pool.counts(name).busy,
            configuration=self.registry.get,
            provisioned=lambda: self.provisioned.in_force())
        self.logs = self.observability.logs
        self.code = CodeStore(settings.state_dir / "code")
        self.code.collect({Path(f.code_dir) for f in self.registry.all()})
        self.pool: EnvironmentPool = EnvironmentPool(
            executor,
            open_endpoint=lambda environment: RuntimeApiListener(
                environment, executor.runtime_api_host(), self.pool.owner_of
            ),
            emit_log=lambda function, stream, line: self.logs.append(function, stream, line),
            region=settings.region,
            limits=PoolLimits(settings.account_concurrency, settings.idle_timeout),
        )
        self.pool.vpc_networks = settings.vpc_network_map
        self.pool.interpreted_natively = not settings.strict
        self.pool.function_secret = settings.access_token
        self.pool.function_account = settings.account_id
        if settings.debug_function:
            self.pool.debug_ports[settings.debug_function] = settings.debug_port
        self.local_code = LocalCode()
        self.layers = LayerService(settings, self.layer_store,
                                   CodeStore(settings.state_dir / "layers"),
                                   settings.state_dir / "opt" / "layers",
                                   policies=self.policy_store, local_code=self.local_code)
        self.functions = FunctionOperations(settings, self.registry, self.code, self.pool,
                                            self.versions, layers=self.layers,
                                            policies=self.policy_store,
                                            code_signing=self.code_signing_store,
                                            function_settings=self.function_settings_store,
                                            strict_mode=StrictMode(
                                                settings, self.pool.engine_machine,
                                                iam_in_use=self._aws_app_loaded),
                                            local_code=self.local_code)
        self.version_service = VersionService(settings, self.functions, self.versions,
                                              self.pool)
        self.provisioned: ProvisionedConcurrencyConfigs = self.version_service.provisioned
        self.invoker = Invoker(settings, self.functions, self.pool,
                               observer=self.observability.observer,
                               segments=self.observability.traces.add)
        self.invoker.recursion_allowed = (
            lambda name: self.function_settings_store.recursive_loop(name) == "Allow")
        self.durable = DurableExecutions(
            settings,
            resolve=self.invoker.resolve,
            run=lambda function, payload: self.invoker.run(function, payload))
        self.invoker.durable = self.durable
        # Where functions' X-Ray SDKs send segments: beside the Runtime API they reach.
        self.xray_daemon = XRayDaemon(self.observability.traces, executor.runtime_api_host())
        self.pool.xray_daemon = "{}:{}".format(*self.xray_daemon.address)
        self.xray_daemon.start()
        for function in self.registry.all():
            self.pool.anticipate(function)
        self.scheduler = Scheduler(settings, self.invoker, rules=RuleSources(
            EventBridgeRules(settings, services_loaded=self._aws_app_loaded),
            SchedulerSchedules(settings, services_loaded=self._aws_app_loaded)))
        self.event_sources = EventSourceMappings(settings, self.functions, self.invoker)
        self.event_sources.start()
        self.app = create_app(self)
        self.cloudformation = CloudFormation(
            settings.state_dir,
            lambda resource_type: provisioner_for(resource_type, self.pool.function_endpoint),
            account_id=settings.account_id,
            clients=lambda service, region: own_client(settings, service, region=region))
        self.lambda_app = ArnScope(InvokePath(self.app, self.invoker, MAX_REQUEST_BYTES),
                                   settings.region, settings.account_id)
        self.cloudformation_app = CloudFormationApi(self.cloudformation.operations(),
                                                    settings.region)
        self.planes: dict[tuple[str, str], Simulator] = {}
        self._planes_lock = threading.Lock()
        self.wsgi_app: ServiceDispatcher = home.wsgi_app if home is not None else ServiceDispatcher(
            RegionalRouting(self.lambda_app, lambda account, region: self.plane(
                account, region).lambda_app, (settings.account_id, settings.region),
                AWS_REGIONS),
            settings.account_id, settings.access_token,
            services={**self.observability.service_apps(
                fallback=lambda environ, start: self.wsgi_app.aws_app(environ, start)),
                "cloudformation": RegionalRouting(
                    self.cloudformation_app, lambda account, region: self.plane(
                        account, region).cloudformation_app,
                    (settings.account_id, settings.region), AWS_REGIONS)},
            service_state=self.service_state, sources=RequestSources(executor.guest_network),
            token_generated=settings.access_token_generated,
            functions_manage=settings.functions_manage)
        moto_bridge.attach(self.invoker.deliver_if_known)
        cognito_triggers.attach(self.invoker.answer_if_known)
        self.scheduler.start()
        self.workspace: Workspace | None = None

    def restore_planes(self) -> None:
        """Serve again the accounts and regions that have a folder, their mappings polling
        and schedules firing as before; called once the endpoint's port is known, which
        their own calls go to."""
        for folder in sorted(planes_root(self.settings).glob("*-*")):
            account, _, region = folder.name.partition("-")
            if ACCOUNT_ID_PATTERN.fullmatch(account) and region in AWS_REGIONS:
                self.plane(account, region)

    def plane(self, account: str, region: str) -> Simulator:
        """Another account or region: its functions, versions, mappings, stacks and
        environments its own, kept in its own folder, made on first use."""
        with self._planes_lock:
            plane = self.planes.get((account, region))
            if plane is None:
                if len(self.planes) >= MAX_PLANES:
                    raise ServiceException(
                        f"The simulator serves at most {MAX_PLANES} other accounts and "
                        "regions at once.")
                log.info("serving account %s in %s", account, region)
                plane = Simulator(replace(
                    self.settings, account_id=account, region=region,
                    state_dir=planes_root(self.settings) / f"{account}-{region}"), home=self)
                plane.pool.function_endpoint = self.pool.function_endpoint
                self.planes[(account, region)] = plane
        return plane

    def load_template(self, path: Path, overrides: dict[str, str] | None = None
                      ) -> DeployReport:
        """Deploy a template as a stack and follow its files (hot reload)."""
        if self.workspace is None:
            self.workspace = Workspace(
                self.functions, self.layers, self.local_code,
                lambda: own_client(self.settings, "cloudformation"),
                self.settings.state_dir, self.settings.watch_mode)
        return self.workspace.load(path, overrides)

    def _aws_app_loaded(self) -> bool:
        """Whether the embedded AWS services have been used yet (their rules read only then)."""
        return bool(self.wsgi_app.aws_app_loaded)

    def close(self) -> None:
        for plane in list(self.planes.values()):
            plane.close()
        moto_bridge.detach(self.invoker.deliver_if_known)
        cognito_triggers.detach(self.invoker.answer_if_known)
        if self.workspace is not None:
            self.workspace.close()
        self.cloudformation.close()
        self.event_sources.close()
        self.provisioned.close()
        self.scheduler.stop()
        self.invoker.shutdown()
        self.durable.close()
        self.pool.shutdown(stop_executor=self.home is None)
        self.xray_daemon.close()
        self.observability.close()
        if self.home is None:
            self.wsgi_app.close()
        self.registry.close()
        self.versions.close()
        self.layer_store.close()
        self.policy_store.close()
        self.resource_tags.close()
        self.code_signing_store.close()
        self.function_settings_store.close()


def choose_executor(settings: Settings) -> tuple[Executor, str]:
    """`auto`: Docker when the engine answers and the runtime images are built, else
    processes. Returns the started executor and why it was chosen."""
    if settings.executor == "process":
        executor = ProcessExecutor(settings.state_dir)
        executor.start()
        return executor, "requested"
    from simulator.executors.docker import DockerExecutor  # the Docker SDK only when used

    docker_executor = DockerExecutor(
        settings.state_dir, settings.docker_network, settings.docker_network_internal,
        settings.runtime_api_host, settings.standby, engine=settings.docker_host,
        engine_location=settings.docker_engine, advertise_host=settings.advertise_host,
    )
    try:
        docker_executor.start()
    except EnvironmentUnavailable as error:
        if settings.executor == "docker":
            raise
        executor = ProcessExecutor(settings.state_dir)
        executor.start()
        return executor, f"no Docker engine answered ({error})"
    if settings.executor == "docker":
        return docker_executor, "requested"
    missing = docker_executor.missing_images(list(SUPPORTED_RUNTIMES))
    if len(missing) == len(SUPPORTED_RUNTIMES):
        docker_executor.shutdown()
        executor = ProcessExecutor(settings.state_dir)
        executor.start()
        return executor, ("Docker answers but no runtime image is built "
                          "(run `lambda-sim images build`)")
    return docker_executor, "the Docker engine answers"


def create_app(simulator: Simulator) -> Flask:
    app = Flask("simulator")
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.config["EXECUTOR_NAME"] = simulator.executor.name
    app.extensions["functions"] = simulator.functions
    app.extensions["invoker"] = simulator.invoker
    app.extensions["pool"] = simulator.pool
    app.extensions["logs"] = simulator.logs
    app.extensions["load_template"] = simulator.load_template
    app.register_blueprint(lambda_api)
    app.register_blueprint(response_stream_api)
    app.extensions["tag_service"] = TagService(simulator.functions, simulator.resource_tags)
    app.extensions["layer_service"] = simulator.layers
    app.extensions["layer_policies"] = LayerPolicies(simulator.settings, simulator.layers,
                                                     simulator.policy_store)
    app.register_blueprint(layers_api)
    app.extensions["version_service"] = simulator.version_service
    app.extensions["provisioned_concurrency"] = simulator.provisioned
    app.register_blueprint(versions_api)
    app.extensions["function_policies"] = FunctionPolicies(
        simulator.settings, simulator.functions, simulator.versions, simulator.policy_store)
    app.register_blueprint(policies_api)
    app.extensions["resource_policies"] = ResourcePolicies(
        simulator.functions, app.extensions["function_policies"], simulator.policy_store)
    app.register_blueprint(resource_policies_api)
    app.extensions["code_signing"] = CodeSigningConfigs(
        simulator.settings, simulator.functions, simulator.code_signing_store)
    app.register_blueprint(code_signing_api)
    app.extensions["function_settings"] = FunctionSettings(
        simulator.settings, simulator.functions, simulator.function_settings_store)
    app.register_blueprint(function_settings_api)
    app.extensions["capacity_providers"] = CapacityProviders(simulator.settings,
                                                             simulator.functions)
    app.register_blueprint(capacity_providers_api)
    app.register_blueprint(invoke_async_api)
    app.extensions["event_source_mappings"] = simulator.event_sources
    app.register_blueprint(event_source_api)
    app.extensions["http_routes"] = simulator.http_routes
    app.extensions["deployed_apis"] = simulator.deployed_apis
    app.extensions["function_urls"] = simulator.function_urls
    app.register_blueprint(http_api)
    app.register_blueprint(simulator_api)
    app.extensions["scheduler"] = simulator.scheduler
    app.register_blueprint(schedule_api)
    app.extensions["observability"] = simulator.observability
    app.register_blueprint(dashboard)
    app.register_blueprint(prometheus_api)
    app.register_blueprint(cost_api)
    app.extensions["durable"] = simulator.durable
    app.extensions["durable_operations"] = DurableOperations(simulator.durable.executor)
    app.register_blueprint(durable_api)
    app.extensions["durable_deletions"] = DurableDeletions(
        simulator.durable, simulator.settings.state_dir / "durable-executions.db")
    app.register_blueprint(durable_deletions_api)
    app.register_error_handler(LambdaError, error_response)
    app.register_error_handler(HTTPException, http_error_response)
    app.register_error_handler(Exception, unexpected_error_response)
    return app


def error_response(error: LambdaError) -> Response:
    """Every AWS error of the full application leaves through here."""
    status, headers, body = error_parts(error)
    return Response(body, status=status, headers=headers)


def http_error_response(error: HTTPException) -> Response:
    if isinstance(error, WerkzeugTooLarge):
        return error_response(RequestEntityTooLargeException(
            f"Request must be smaller than {MAX_REQUEST_BYTES} bytes"))
    if isinstance(error, MethodNotAllowed):
        return error_response(MethodNotAllowedError(
            f"The method {request.method} is not allowed on {request.path}"))
    if isinstance(error, NotFound):
        return error_response(UnknownRouteError(f"Unknown operation: {request.method} "
                                                f"{request.path}"))
    return error_response(ServiceException(error.description or str(error)))


def unexpected_error_response(error: Exception) -> Response:
    if is_disk_full(error):
        log.error("%s %s failed: the state folder's disk is full (%s)", request.method,
                  request.path, error)
        return error_response(ServiceException(
            f"The simulator's state folder is out of disk space: {error}"))
    log.exception("unexpected error on %s %s", request.method, request.path)
    return error_response(ServiceException(f"An internal error occurred: {error}"))


def is_disk_full(error: BaseException) -> bool:
    """A full disk is expected weather, not a bug: SQLite's SQLITE_FULL or an OS ENOSPC."""
    if isinstance(error, sqlite3.Error):
        return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)

