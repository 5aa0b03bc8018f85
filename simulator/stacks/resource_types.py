"""Which provisioner serves each CloudFormation resource type. Every provisioner is wrapped
so that a refused API call reaches the engine as `ResourceFailed` with the status reason
CloudFormation records, and deleting a resource that is already gone succeeds."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError, WaiterError

from simulator.stacks.provisioning import (
    Provisioned,
    ProvisioningContext,
    ResourceFailed,
    ResourceProvisioner,
)
from simulator.stacks.resources import (
    apigateway_resources,
    apigatewayv2_resources,
    cloudformation_resources,
    cognito_resources,
    dynamodb_resources,
    events_resources,
    iam_resources,
    kinesis_resources,
    lambda_event_sources,
    lambda_function,
    lambda_layers,
    lambda_resources,
    logs_resources,
    s3_resources,
    scheduler_resources,
    secretsmanager_resources,
    sns_resources,
    sqs_resources,
    ssm_resources,
)
from simulator.stacks.resources.custom_resources import CustomResourceProvisioner

log = logging.getLogger(__name__)

PROVISIONERS: dict[str, Callable[[], ResourceProvisioner]] = {
    "AWS::Lambda::Function": lambda_function.FunctionProvisioner,
    "AWS::Lambda::Permission": lambda_resources.PermissionProvisioner,
    "AWS::Lambda::Version": lambda_resources.VersionProvisioner,
    "AWS::Lambda::Alias": lambda_resources.AliasProvisioner,
    "AWS::Lambda::Url": lambda_resources.UrlProvisioner,
    "AWS::Lambda::EventInvokeConfig": lambda_resources.EventInvokeConfigProvisioner,
    "AWS::Lambda::EventSourceMapping": lambda_event_sources.EventSourceMappingProvisioner,
    "AWS::Lambda::LayerVersion": lambda_layers.LayerVersionProvisioner,
    "AWS::Lambda::LayerVersionPermission": lambda_layers.LayerVersionPermissionProvisioner,
    "AWS::IAM::Role": iam_resources.RoleProvisioner,
    "AWS::IAM::Policy": iam_resources.PolicyProvisioner,
    "AWS::IAM::ManagedPolicy": iam_resources.ManagedPolicyProvisioner,
    "AWS::SQS::Queue": sqs_resources.QueueProvisioner,
    "AWS::SQS::QueuePolicy": sqs_resources.QueuePolicyProvisioner,
    "AWS::S3::Bucket": s3_resources.BucketProvisioner,
    "AWS::S3::BucketPolicy": s3_resources.BucketPolicyProvisioner,
    "AWS::SNS::Topic": sns_resources.TopicProvisioner,
    "AWS::SNS::Subscription": sns_resources.SubscriptionProvisioner,
    "AWS::SNS::TopicPolicy": sns_resources.TopicPolicyProvisioner,
    "AWS::Events::Rule": events_resources.RuleProvisioner,
    "AWS::Events::EventBus": events_resources.EventBusProvisioner,
    "AWS::Logs::LogGroup": logs_resources.LogGroupProvisioner,
    "AWS::DynamoDB::Table": dynamodb_resources.TableProvisioner,
    **cognito_resources.PROVISIONERS,
    "AWS::Kinesis::Stream": kinesis_resources.StreamProvisioner,
    "AWS::Scheduler::Schedule": scheduler_resources.ScheduleProvisioner,
    "AWS::Scheduler::ScheduleGroup": scheduler_resources.ScheduleGroupProvisioner,
    "AWS::SSM::Parameter": ssm_resources.ParameterProvisioner,
    "AWS::SecretsManager::Secret": secretsmanager_resources.SecretProvisioner,
    "AWS::ApiGateway::RestApi": apigateway_resources.RestApiProvisioner,
    "AWS::ApiGateway::Resource": apigateway_resources.ResourceProvisioner,
    "AWS::ApiGateway::Method": apigateway_resources.MethodProvisioner,
    "AWS::ApiGateway::Deployment": apigateway_resources.DeploymentProvisioner,
    "AWS::ApiGateway::Stage": apigateway_resources.StageProvisioner,
    "AWS::ApiGatewayV2::Api": apigatewayv2_resources.ApiProvisioner,
    "AWS::ApiGatewayV2::Integration": apigatewayv2_resources.IntegrationProvisioner,
    "AWS::ApiGatewayV2::Route": apigatewayv2_resources.RouteProvisioner,
    "AWS::ApiGatewayV2::Stage": apigatewayv2_resources.StageProvisioner,
    "AWS::CDK::Metadata": cloudformation_resources.StackOnlyProvisioner,
    "AWS::CloudFormation::WaitConditionHandle": cloudformation_resources.StackOnlyProvisioner,
}
CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"

# Error codes meaning "no such resource": a delete that meets one has nothing left to do.
NOT_FOUND_CODES = frozenset({
    "ResourceNotFoundException", "NoSuchEntity", "NoSuchBucket", "NotFound", "NotFoundException",
    "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "NoSuchBucketPolicy",
    "ParameterNotFound",
})

HANDLER_ERROR_CODES = {
    "ResourceNotFoundException": "NotFound", "NoSuchEntity": "NotFound",
    "NoSuchBucket": "NotFound", "ResourceConflictException": "ResourceConflict",
    "EntityAlreadyExists": "AlreadyExists", "BucketAlreadyExists": "AlreadyExists",
    "BucketAlreadyOwnedByYou": "AlreadyExists", "ResourceInUseException": "AlreadyExists",
    "QueueAlreadyExists": "AlreadyExists", "TooManyRequestsException": "Throttling",
    "LimitExceeded": "ServiceLimitExceeded", "LimitExceededException": "ServiceLimitExceeded",
}


def provisioner_for(resource_type: str, function_endpoint: str = ""
                    ) -> ResourceProvisioner | None:
    """The provisioner of a type, or None for a type the simulator does not support.
    `function_endpoint` is where functions reach the simulator, when that is not the
    address the engine's clients use (functions in containers): custom resource functions
    answer there."""
    if is_custom_resource(resource_type):
        return ReportingFailures(CustomResourceProvisioner(resource_type, function_endpoint))
    factory = PROVISIONERS.get(resource_type)
    return None if factory is None else ReportingFailures(factory())


def is_custom_resource(resource_type: str) -> bool:
    return resource_type.startswith("Custom::") or resource_type == CUSTOM_RESOURCE


def failure_reason(error: ClientError) -> str:
    """A refused call as CloudFormation words it in a resource's status reason."""
    details = error.response.get("Error", {})
    code = details.get("Code", "")
    metadata = error.response.get("ResponseMetadata", {})
    message = details.get("Message") or code
    return (f'Resource handler returned message: "{message} (Status Code: '
            f'{metadata.get("HTTPStatusCode", 400)}, Request ID: {metadata.get("RequestId", "")})"'
            f' (HandlerErrorCode: {HANDLER_ERROR_CODES.get(code, "InvalidRequest")})')


@contextmanager
def reported_failures() -> Iterator[None]:
    try:
        yield
    except ClientError as error:
        raise ResourceFailed(failure_reason(error)) from error
    except WaiterError as error:
        raise ResourceFailed(f'Resource handler returned message: "{waiter_reason(error)}"'
                             " (HandlerErrorCode: NotStabilized)") from error


def waiter_reason(error: WaiterError) -> str:
    """Why a resource never became ready: Lambda gives the reason with the state."""
    response: Mapping[str, Any] = error.last_response or {}
    reason = response.get("StateReason") or response.get("LastUpdateStatusReason") or \
        response.get("Configuration", {}).get("StateReason")
    return str(reason or error.kwargs.get("reason") or error)


class ReportingFailures:
    """A provisioner whose API refusals become `ResourceFailed`."""

    def __init__(self, inner: ResourceProvisioner) -> None:
        self.inner = inner

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        self._validate(context, properties)
        with reported_failures():
            return self.inner.create(context, properties)

    def replaces(self, old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
                 ) -> bool:
        return self.inner.replaces(old_properties, new_properties)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        self._validate(context, new_properties)
        with reported_failures():
            return self.inner.update(context, physical_id, old_properties, new_properties)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        with reported_failures():
            try:
                self.inner.delete(context, physical_id, properties)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in NOT_FOUND_CODES:
                    raise
                log.info("%s %s was already gone: %s", context.logical_id, physical_id, error)

    def _validate(self, context: ProvisioningContext, properties: Mapping[str, Any]) -> None:
        """A type's required properties (its `required_properties`), checked before any
        call, with the reason CloudFormation gives."""
        required: frozenset[str] = getattr(self.inner, "required_properties", frozenset())
        missing = sorted(name for name in required if properties.get(name) is None)
        if missing:
            raise ResourceFailed(
                f"Properties validation failed for resource {context.logical_id} with "
                f"message: #: required key [{missing[0]}] not found")
