"""Checks of control-plane input, with AWS's limits and its exact error wording."""

from __future__ import annotations

import json
import re
from typing import Any

from simulator.errors import InvalidParameterValueException, ValidationException
from simulator.models import FunctionConfig

TRACING_MODES = ("Active", "PassThrough")
# LoggingConfig's enums and log group, as the model has them (AWS's messages list an enum's
# values in an order of their own; these were not recorded, so the model's order is given);
# JSON logs are filtered at INFO unless a level is given.
LOG_FORMATS = ("JSON", "Text")
SNAP_START_APPLY_ON = ("PublishedVersions", "None")
APPLICATION_LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
SYSTEM_LOG_LEVELS = ("DEBUG", "INFO", "WARN")
DEFAULT_LOG_LEVEL = "INFO"
LOG_GROUP_PATTERN = re.compile(r"[\.\-_/#A-Za-z0-9]+")
MAX_LOG_GROUP_LENGTH = 512
MAX_DURABLE_EXECUTION_TIMEOUT = 31_622_400  # 366 days
MAX_DURABLE_RETENTION_DAYS = 90
DEFAULT_DURABLE_RETENTION_DAYS = 14

# The patterns AWS quotes in its messages, as botocore's model has them: a function to look
# up or invoke (NamespacedFunctionName, at most 256 characters), a function to create
# (FunctionName, at most 140, its name at most 64), and a lookup's Qualifier parameter
# (NumericLatestPublishedOrAliasQualifier, at most 128).
NAMESPACED_FUNCTION_NAME = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"
)
FUNCTION_NAME = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?"
)
LOOKUP_QUALIFIER = r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+"
MAX_REFERENCE_LENGTH, MAX_CREATE_REFERENCE_LENGTH, MAX_NAME_LENGTH = 256, 140, 64
MAX_QUALIFIER_LENGTH = 128
# The same patterns, naming the parts a reference is read into.
_REFERENCE_PARTS = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?"
)
REFERENCE_PATTERN = re.compile(
    _REFERENCE_PARTS
    + r"(?P<name>[a-zA-Z0-9-_\.]+)(:(?P<qualifier>\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?")
CREATE_REFERENCE_PATTERN = re.compile(
    _REFERENCE_PARTS + r"(?P<name>[a-zA-Z0-9-_]+)(:(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?")
ROLE_ARN_PATTERN = re.compile(r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+")
ENV_VAR_NAME_PATTERN = re.compile(r"[a-zA-Z]([a-zA-Z0-9_])+")
HANDLER_PATTERN = re.compile(r"[^\s]+")
TENANT_ID_PATTERN = re.compile(r"[a-zA-Z0-9\._:\/=+\-@ ]+")
MAX_TENANT_ID_LENGTH = 256
TENANT_ISOLATION_MODES = ("PER_TENANT",)

SUPPORTED_RUNTIMES = (
    "python3.11", "python3.12", "python3.13", "python3.14", "nodejs18.x", "nodejs20.x",
    "nodejs22.x", "nodejs24.x", "provided.al2", "provided.al2023",
)
# The runtimes AWS's "Member must satisfy enum value set" message lists, in its order.
AWS_RUNTIME_ENUM = (
    "nodejs20.x", "python3.14", "provided.al2023", "python3.12", "python3.13", "nodejs24.x",
    "nodejs22.x", "java25", "python3.10", "python3.11", "java21", "ruby3.3", "ruby3.4",
    "ruby3.2", "python3.8", "python3.9", "java17", "nodejs16.x", "dotnet10", "dotnet8",
    "java11", "dotnet6", "nodejs18.x", "provided.al2", "java8.al2",
)
# Values AWS takes, those in public preview (nodejs26.x, python3.15, ruby4.0) among them: a
# function of one the simulator cannot run is refused as not supported here, not as a wrong
# value.
KNOWN_RUNTIMES = (
    "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x", "nodejs26.x", "python3.9",
    "python3.10", "python3.11", "python3.12", "python3.13", "python3.14", "python3.15",
    "java8.al2", "java11", "java17", "java21", "java25", "dotnet8", "dotnet10", "ruby3.2",
    "ruby3.3", "ruby3.4", "ruby4.0", "provided.al2", "provided.al2023",
    "python3.8", "nodejs16.x", "dotnet6",
)
# The older values of the model's Runtime enum, which AWS no longer takes for a new function
# or an update.
DEPRECATED_RUNTIMES = (
    "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
    "nodejs12.x", "nodejs14.x", "java8", "python2.7", "python3.6", "python3.7",
    "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "go1.x", "ruby2.5",
    "ruby2.7", "provided",
)
MAX_TIMEOUT = 900
MIN_MEMORY, MAX_MEMORY = 128, 10240
MAX_ENVIRONMENT_BYTES = 4096
MAX_LIST_ITEMS = 50


class Violations:
    """Collects constraint failures so one ValidationException lists them all, as AWS does."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, value: Any, member: str, constraint: str) -> None:
        self.messages.append(
            f"Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        )

    def raise_if_any(self) -> None:
        if not self.messages:
            return
        count = len(self.messages)
        noun = "error" if count == 1 else "errors"
        raise ValidationException(
            f"{count} validation {noun} detected: " + "; ".join(self.messages)
        )


def check_pattern(v: Violations, value: Any, member: str, pattern: re.Pattern[str]) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        v.add(value, member, f"Member must satisfy regular expression pattern: {pattern.pattern}")


def check_range(
    v: Violations, value: Any, member: str, low: int | None = None, high: int | None = None
) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        v.add(value, member, "Member must be an integer")
    elif low is not None and value < low:
        v.add(value, member, f"Member must have value greater than or equal to {low}")
    elif high is not None and value > high:
        v.add(value, member, f"Member must have value less than or equal to {high}")


def check_length(v: Violations, value: Any, member: str, high: int) -> None:
    if not isinstance(value, str):
        v.add(value, member, "Member must be a string")
    elif len(value) > high:
        v.add(value, member, f"Member must have length less than or equal to {high}")


def parse_function_reference(reference: str) -> tuple[str, str | None]:
    """`name`, `name:qualifier` or a full/partial ARN → (name, qualifier). A name longer than
    a function's may be given: AWS looks it up, and does not find it."""
    violations = Violations()
    parts = check_function_reference(violations, reference)
    violations.raise_if_any()
    assert parts is not None
    return parts


def check_function_reference(v: Violations, reference: Any) -> tuple[str, str | None] | None:
    """The function a lookup names (name, qualifier), or None with what is wrong in `v`."""
    if not isinstance(reference, str):
        v.add(reference, "functionName", "Member must not be null")
        return None
    if len(reference) > MAX_REFERENCE_LENGTH:
        v.add(reference, "functionName",
              f"Member must have length less than or equal to {MAX_REFERENCE_LENGTH}")
    match = REFERENCE_PATTERN.fullmatch(reference)
    if match is None:
        v.add(reference, "functionName",
              f"Member must satisfy regular expression pattern: {NAMESPACED_FUNCTION_NAME}")
        return None
    return match.group("name"), match.group("qualifier")


def check_qualifier(v: Violations, qualifier: str) -> None:
    """A lookup's `Qualifier` parameter: AWS's pattern and at most 128 characters."""
    if not re.fullmatch(LOOKUP_QUALIFIER, qualifier):
        v.add(qualifier, "qualifier",
              f"Member must satisfy regular expression pattern: {LOOKUP_QUALIFIER}")
    check_length(v, qualifier, "qualifier", MAX_QUALIFIER_LENGTH)


def check_new_function_name(v: Violations, reference: Any) -> tuple[str, str | None] | None:
    """CreateFunction's FunctionName (a name, or the ARN it will have) read into (name,
    qualifier), or None with what is wrong in `v`."""
    if not isinstance(reference, str):
        v.add(reference, "functionName", "Member must not be null")
        return None
    if len(reference) > MAX_CREATE_REFERENCE_LENGTH:
        v.add(reference, "functionName",
              f"Member must have length less than or equal to {MAX_CREATE_REFERENCE_LENGTH}")
    match = CREATE_REFERENCE_PATTERN.fullmatch(reference)
    if match is None:
        v.add(reference, "functionName",
              f"Member must satisfy regular expression pattern: {FUNCTION_NAME}")
        return None
    return match.group("name"), match.group("qualifier")


def new_function_name(reference: str, parts: tuple[str, str | None]) -> str:
    """The name of the function to create, once the constraints of the model hold: AWS answers
    a name over 64 characters with an InvalidParameterValueException. A version or alias
    cannot be created with its function, so a qualified name is refused."""
    name, qualifier = parts
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidParameterValueException(
            f"1 validation error detected: Value '{reference}' at 'functionName' failed to "
            f"satisfy constraint: Member must have length less than or equal to "
            f"{MAX_NAME_LENGTH}")
    if qualifier is not None:
        raise InvalidParameterValueException(
            f"A function is created without a version or alias: {reference}")
    return name


def validate_function_settings(body: dict[str, Any], creating: bool,
                               package_type: str = "Zip",
                               current: FunctionConfig | None = None) -> dict[str, Any]:
    """Check the settable fields of CreateFunction/UpdateFunctionConfiguration; return them
    as `FunctionConfig` keyword arguments (only the fields present in `body`). An Image
    function has no Runtime or Handler: its image says what runs. `current`: the function
    an update changes, whose LoggingConfig a partial one keeps the rest of."""
    v = Violations()
    settings: dict[str, Any] = {}
    name_parts: tuple[str, str | None] | None = None
    if creating:
        name_parts = check_new_function_name(v, body.get("FunctionName"))
    if "Role" in body or creating:
        check_pattern(v, body.get("Role"), "role", ROLE_ARN_PATTERN)
        settings["role"] = body.get("Role")
    if "Handler" in body:
        check_pattern(v, body["Handler"], "handler", HANDLER_PATTERN)
        if isinstance(body["Handler"], str):
            check_length(v, body["Handler"], "handler", 128)
        settings["handler"] = body["Handler"]
    if "Description" in body:
        check_length(v, body["Description"], "description", 256)
        settings["description"] = body["Description"]
    if "Timeout" in body:
        check_range(v, body["Timeout"], "timeout", 1, MAX_TIMEOUT)
        settings["timeout"] = body["Timeout"]
    if "MemorySize" in body:
        check_range(v, body["MemorySize"], "memorySize", MIN_MEMORY, MAX_MEMORY)
        settings["memory_size"] = body["MemorySize"]
    if "EphemeralStorage" in body:
        size = (body["EphemeralStorage"] or {}).get("Size")
        check_range(v, size, "ephemeralStorage.size", 512, 10240)
        settings["ephemeral_storage"] = size
    if "DeadLetterConfig" in body:
        target = (body["DeadLetterConfig"] or {}).get("TargetArn") or None
        if target is not None and not re.fullmatch(r"arn:aws[a-zA-Z-]*:(sqs|sns):.+", target):
            raise InvalidParameterValueException(
                "The provided target ARN is invalid: a dead-letter target must be an SQS queue "
                "or an SNS topic"
            )
        settings["dead_letter_target"] = target
    if "TracingConfig" in body:
        mode = (body["TracingConfig"] or {}).get("Mode", "PassThrough")
        if mode not in TRACING_MODES:
            v.add(mode, "tracingConfig.mode",
                  f"Member must satisfy enum value set: [{', '.join(TRACING_MODES)}]")
        settings["tracing_mode"] = mode
    if "SnapStart" in body:
        settings["snap_start"] = check_snap_start(v, body["SnapStart"])
    if "DurableConfig" in body:
        settings["durable_config"] = check_durable_config(v, body["DurableConfig"])
    if "Architectures" in body:
        settings["architectures"] = check_architectures(v, body["Architectures"])
    if "VpcConfig" in body:
        settings["vpc_config"] = check_vpc_config(v, body["VpcConfig"])
    if "ImageConfig" in body:
        settings["image_config"] = check_image_config(v, body["ImageConfig"])
    if creating and body.get("TenancyConfig") is not None:
        settings["tenant_isolation_mode"] = check_tenancy_config(v, body["TenancyConfig"])
    if body.get("LoggingConfig") is not None:
        given = check_logging_config(v, body["LoggingConfig"])
        settings.update(logging_settings(given, None if creating else current))
    v.raise_if_any()
    if creating and name_parts is not None:
        settings["name"] = new_function_name(body["FunctionName"], name_parts)
    if package_type == "Image":
        if body.get("Runtime") or body.get("Handler") or body.get("Layers"):
            raise InvalidParameterValueException(
                "Please don't provide Handler or Runtime or Layer when the intended function "
                "PackageType is Image.")
        if creating:
            settings.update(runtime="", handler="")
    else:
        if "Runtime" in body or creating:
            settings["runtime"] = validate_runtime(body.get("Runtime"))
        if creating and not body.get("Handler"):
            raise InvalidParameterValueException(
                "Handler and Runtime must be set when PackageType is Zip"
            )
        if settings.get("image_config"):
            raise InvalidParameterValueException(
                "ImageConfig is not supported for functions with PackageType Zip.")
    if "Environment" in body:
        settings["environment"] = validate_environment(body["Environment"])
        settings["has_environment"] = True
    return settings


PACKAGE_TYPES = ("Zip", "Image")
ARCHITECTURES = ("x86_64", "arm64")
MAX_SUBNETS, MAX_SECURITY_GROUPS = 16, 5


def validate_package_type(value: Any) -> str:
    if value is None:
        return "Zip"
    if value not in PACKAGE_TYPES:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at 'packageType' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(PACKAGE_TYPES)}]")
    return str(value)


def validate_image_uri(code: dict[str, Any], package_type: str) -> str | None:
    """The ImageUri of an Image function's code; None for a Zip function, which has none."""
    uri = code.get("ImageUri")
    if package_type == "Zip":
        if uri:
            raise InvalidParameterValueException(
                "Please don't provide ImageUri when the intended function PackageType is Zip.")
        return None
    if code.get("ZipFile") or code.get("S3Bucket") or code.get("S3Key"):
        raise InvalidParameterValueException(
            "Please don't provide ZipFile or S3Bucket or S3Key when the intended function "
            "PackageType is Image.")
    if not isinstance(uri, str) or not uri.strip():
        raise InvalidParameterValueException(
            "Please provide ImageUri when the intended function PackageType is Image.")
    return uri.strip()


def _java_list(values: Any) -> str:
    """How AWS's messages print a list: `[x86_64, arm64]`."""
    return "[" + ", ".join(str(item) for item in values) + "]" if isinstance(values, list) \
        else str(values)


def check_durable_config(v: Violations, value: Any) -> dict[str, Any] | None:
    """AWS's ranges; the retention it reports when none is given is 14 days."""
    if not value:
        return None
    config: dict[str, Any] = {"RetentionPeriodInDays": DEFAULT_DURABLE_RETENTION_DAYS}
    if "ExecutionTimeout" in value:
        check_range(v, value["ExecutionTimeout"], "durableConfig.executionTimeout", 1,
                    MAX_DURABLE_EXECUTION_TIMEOUT)
        config["ExecutionTimeout"] = value["ExecutionTimeout"]
    if "RetentionPeriodInDays" in value:
        check_range(v, value["RetentionPeriodInDays"], "durableConfig.retentionPeriodInDays",
                    1, MAX_DURABLE_RETENTION_DAYS)
        config["RetentionPeriodInDays"] = value["RetentionPeriodInDays"]
    return config


def check_snap_start(v: Violations, value: Any) -> str:
    """SnapStart's ApplyOn, checked as AWS checks it before the runtime is looked at."""
    apply_on = (value or {}).get("ApplyOn", "None") if isinstance(value, dict) else value
    if apply_on not in SNAP_START_APPLY_ON:
        v.add(apply_on, "snapStart.applyOn",
              f"Member must satisfy enum value set: [{', '.join(SNAP_START_APPLY_ON)}]")
    return str(apply_on)


def check_tenancy_config(v: Violations, value: Any) -> str | None:
    """CreateFunction's TenancyConfig: its TenantIsolationMode is required, and one of the
    model's enum. Only a new function has one (UpdateFunctionConfiguration has no such
    member): the mode never changes."""
    mode = value.get("TenantIsolationMode") if isinstance(value, dict) else None
    if mode is None:
        v.messages.append("Value null at 'tenancyConfig.tenantIsolationMode' failed to "
                          "satisfy constraint: Member must not be null")
        return None
    if mode not in TENANT_ISOLATION_MODES:
        v.add(mode, "tenancyConfig.tenantIsolationMode",
              f"Member must satisfy enum value set: [{', '.join(TENANT_ISOLATION_MODES)}]")
        return None
    return str(mode)


def check_logging_config(v: Violations, value: Any) -> dict[str, str]:
    """The LoggingConfig members given (the model's names), each within the model's enum or,
    for the log group, its length and pattern."""
    config = value if isinstance(value, dict) else {}
    given: dict[str, str] = {}
    for member, path, allowed in (
            ("LogFormat", "loggingConfig.logFormat", LOG_FORMATS),
            ("ApplicationLogLevel", "loggingConfig.applicationLogLevel",
             APPLICATION_LOG_LEVELS),
            ("SystemLogLevel", "loggingConfig.systemLogLevel", SYSTEM_LOG_LEVELS)):
        if config.get(member) is None:
            continue
        if config[member] in allowed:
            given[member] = str(config[member])
        else:
            v.add(config[member], path,
                  f"Member must satisfy enum value set: [{', '.join(allowed)}]")
    group = config.get("LogGroup")
    if group is not None:
        check_pattern(v, group, "loggingConfig.logGroup", LOG_GROUP_PATTERN)
        if isinstance(group, str):
            check_length(v, group, "loggingConfig.logGroup", MAX_LOG_GROUP_LENGTH)
        given["LogGroup"] = str(group)
    return given


def logging_settings(given: dict[str, str], current: FunctionConfig | None
                     ) -> dict[str, str]:
    """The `FunctionConfig` logging fields once `given` is applied: what is not given stays
    as `current` has it (a new function's: Text, the default group). JSON logs have both
    levels, INFO unless given or kept; Text logs have none, so a switch back to Text drops
    them. AWS refuses levels given with Text; its message was not recorded, so here they are
    dropped."""
    log_format = given.get("LogFormat", current.log_format if current else "Text")
    settings = {"log_format": log_format,
                "log_group": given.get("LogGroup", current.log_group if current else ""),
                "application_log_level": "", "system_log_level": ""}
    if log_format == "JSON":
        kept_application = current.application_log_level if current else ""
        kept_system = current.system_log_level if current else ""
        settings["application_log_level"] = (given.get("ApplicationLogLevel")
                                             or kept_application or DEFAULT_LOG_LEVEL)
        settings["system_log_level"] = (given.get("SystemLogLevel") or kept_system
                                        or DEFAULT_LOG_LEVEL)
    return settings


def check_tenant_id(tenant_id: str) -> None:
    """An invoke's TenantId (X-Amz-Tenant-Id), within the model's length and pattern."""
    v = Violations()
    if len(tenant_id) > MAX_TENANT_ID_LENGTH:
        check_length(v, tenant_id, "tenantId", MAX_TENANT_ID_LENGTH)
    else:
        check_pattern(v, tenant_id, "tenantId", TENANT_ID_PATTERN)
    v.raise_if_any()


def check_architectures(v: Violations, value: Any) -> tuple[str, ...]:
    """Exactly one of x86_64 and arm64, as the model's list bounds and enum say."""
    if not isinstance(value, list) or len(value) != 1:
        bound = "greater than or equal to 1" if value == [] else "less than or equal to 1"
        v.add(_java_list(value), "architectures", f"Member must have length {bound}")
        return ("x86_64",)
    if value[0] not in ARCHITECTURES:
        v.add(_java_list(value), "architectures", "Member must satisfy constraint: [Member "
              f"must satisfy enum value set: [{', '.join(ARCHITECTURES)}], Member must not be "
              "null]")
        return ("x86_64",)
    return (str(value[0]),)


def check_vpc_config(v: Violations, value: Any) -> dict[str, Any] | None:
    """Subnets and security groups, within AWS's counts; no subnets means no VPC."""
    config = value or {}
    subnets = config.get("SubnetIds") or []
    groups = config.get("SecurityGroupIds") or []
    if len(subnets) > MAX_SUBNETS:
        v.add(_java_list(subnets), "vpcConfig.subnetIds",
              f"Member must have length less than or equal to {MAX_SUBNETS}")
    if len(groups) > MAX_SECURITY_GROUPS:
        v.add(_java_list(groups), "vpcConfig.securityGroupIds",
              f"Member must have length less than or equal to {MAX_SECURITY_GROUPS}")
    if not subnets and not groups:
        return None
    return {"SubnetIds": list(subnets), "SecurityGroupIds": list(groups),
            "Ipv6AllowedForDualStack": bool(config.get("Ipv6AllowedForDualStack") or False)}


def check_image_config(v: Violations, value: Any) -> dict[str, Any] | None:
    """The overrides of an image's ENTRYPOINT, CMD and WORKDIR; only the ones given."""
    config = {key: item for key, item in (value or {}).items()
              if key in ("EntryPoint", "Command", "WorkingDirectory") and item is not None}
    for key in ("EntryPoint", "Command"):
        if key in config and len(config[key]) > 1500:
            v.add(_java_list(config[key]), f"imageConfig.{key[0].lower()}{key[1:]}",
                  "Member must have length less than or equal to 1500")
    if "WorkingDirectory" in config:
        check_length(v, config["WorkingDirectory"], "imageConfig.workingDirectory", 1000)
    return config or None


def validate_runtime(runtime: Any) -> str:
    """A value AWS takes for Runtime, with AWS's answer to one it does not."""
    if runtime is None:
        raise InvalidParameterValueException(
            "Handler and Runtime must be set when PackageType is Zip"
        )
    if runtime in DEPRECATED_RUNTIMES:
        raise InvalidParameterValueException(
            f"The runtime parameter of {runtime} is no longer supported for creating or "
            "updating AWS Lambda functions. We recommend you use a supported runtime while "
            "creating or updating functions.")
    if runtime not in KNOWN_RUNTIMES:
        raise InvalidParameterValueException(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy "
            f"enum value set: [{', '.join(AWS_RUNTIME_ENUM)}] or be a valid ARN"
        )
    return str(runtime)


def unsupported_runtime_message(runtime: str) -> str:
    """What the simulator says of a runtime AWS takes but it cannot run."""
    return (f"The runtime parameter of {runtime} is not supported by this simulator yet; "
            f"supported runtimes: {', '.join(SUPPORTED_RUNTIMES)}")


def check_runnable(runtime: str) -> None:
    """A runtime AWS takes but the simulator cannot run is refused, after AWS's own checks
    (of the code among them), so that those answer as AWS does."""
    if runtime and runtime not in SUPPORTED_RUNTIMES:
        raise InvalidParameterValueException(unsupported_runtime_message(runtime))


def validate_environment(environment: Any) -> dict[str, str]:
    if not isinstance(environment, dict | None):
        raise InvalidParameterValueException("Environment must be an object with Variables")
    variables = (environment or {}).get("Variables") or {}
    if not isinstance(variables, dict):
        raise InvalidParameterValueException("Environment variables must be a map")
    for key, value in variables.items():
        if not isinstance(key, str) or not ENV_VAR_NAME_PATTERN.fullmatch(key):
            raise ValidationException(
                "1 validation error detected: Value at 'environment.variables' failed to "
                "satisfy constraint: Map keys must satisfy constraint: [Member must satisfy "
                f"regular expression pattern: {ENV_VAR_NAME_PATTERN.pattern}]"
            )
        if not isinstance(value, str):
            raise InvalidParameterValueException(f"Environment variable {key} must be a string")
    size = len(json.dumps(variables, separators=(",", ":")).encode())
    if size > MAX_ENVIRONMENT_BYTES:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment "
            f"variables you have provided exceeded the 4KB limit. String measured: "
            f"{json.dumps(variables, separators=(',', ':'))}"
        )
    return dict(variables)


def validate_event_invoke_config(body: dict[str, Any]) -> dict[str, Any]:
    """PutFunctionEventInvokeConfig's fields, checked with AWS's limits."""
    v = Violations()
    config: dict[str, Any] = {}
    if body.get("MaximumRetryAttempts") is not None:
        check_range(v, body["MaximumRetryAttempts"], "maximumRetryAttempts", 0, 2)
        config["MaximumRetryAttempts"] = body["MaximumRetryAttempts"]
    if body.get("MaximumEventAgeInSeconds") is not None:
        check_range(v, body["MaximumEventAgeInSeconds"], "maximumEventAgeInSeconds", 60, 21600)
        config["MaximumEventAgeInSeconds"] = body["MaximumEventAgeInSeconds"]
    v.raise_if_any()
    destinations = body.get("DestinationConfig")
    if destinations:
        for kind in ("OnSuccess", "OnFailure"):
            target = (destinations.get(kind) or {}).get("Destination")
            if target and not re.fullmatch(r"arn:aws[a-zA-Z-]*:(sqs|sns|lambda|events):.+",
                                           target):
                raise InvalidParameterValueException(
                    f"The destination ARN {target} is invalid.")
        config["DestinationConfig"] = {
            kind: {"Destination": (destinations.get(kind) or {}).get("Destination")}
            for kind in ("OnSuccess", "OnFailure")
            if (destinations.get(kind) or {}).get("Destination")
        }
    return config


def validate_function_version(value: str | None) -> bool:
    """ListFunctions' FunctionVersion: absent, or ALL (True: list every version too)."""
    if value is None:
        return False
    if value != "ALL":
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at 'functionVersion' failed to "
            "satisfy constraint: Member must satisfy enum value set: [ALL]")
    return True


def validate_max_items(raw: str | None) -> int:
    if raw is None:
        return MAX_LIST_ITEMS
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameterValueException(f"Invalid MaxItems: {raw}") from None
    v = Violations()
    check_range(v, value, "maxItems", 1, 10000)
    v.raise_if_any()
    return min(value, MAX_LIST_ITEMS)


MAX_TAGS = 50


def validate_tags(tags: Any, existing: dict[str, str] | None = None) -> dict[str, str]:
    """Tags to add (to `existing`, for TagResource): AWS's key and value limits, keys under
    `aws:` reserved, at most 50 on a function. Returns the merged tags."""
    if not isinstance(tags, dict):
        raise InvalidParameterValueException("Tags must be a map of strings")
    for key, value in tags.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 128:
            raise InvalidParameterValueException(
                f"Tag key {key!r} must be between 1 and 128 characters long")
        if not isinstance(value, str) or len(value) > 256:
            raise InvalidParameterValueException(
                f"Tag value for key {key!r} must be at most 256 characters long")
        if key.lower().startswith("aws:"):
            raise InvalidParameterValueException(
                f"Tag key {key!r} uses the reserved prefix aws:")
    merged = {**(existing or {}), **tags}
    if len(merged) > MAX_TAGS:
        raise InvalidParameterValueException(
            "Number of tags exceeds resource tag limit.")
    return merged
