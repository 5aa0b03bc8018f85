"""The `AWS::Serverless-2016-10-31` transform, applied by AWS's own translator
(aws-sam-translator) as CloudFormation applies it. AWS managed policy names resolve from the
map bundled with the translator, so nothing calls IAM."""

from __future__ import annotations

import copy
from typing import Any

from simulator.stacks.errors import ValidationError
from simulator.stacks.intrinsic_functions import StackIdentity

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def declared_transforms(template: dict[str, Any]) -> list[str]:
    transform = template.get("Transform")
    if transform is None:
        return []
    return [transform] if isinstance(transform, str) else [str(item) for item in transform]


def apply_transforms(template: dict[str, Any], identity: StackIdentity,
                     parameters: dict[str, str]) -> dict[str, Any]:
    """The template CloudFormation deploys: the SAM transform applied when declared; another
    transform (a macro) is refused, as CloudFormation refuses one it does not know."""
    transforms = declared_transforms(template)
    unknown = [name for name in transforms if name != SAM_TRANSFORM]
    if unknown:
        raise ValidationError(f"Template format error: Unrecognized transform {unknown[0]}: "
                              "the simulator applies only AWS::Serverless-2016-10-31")
    if not transforms:
        return template
    return _translate(copy.deepcopy(template), identity, parameters)


def _translate(template: dict[str, Any], identity: StackIdentity, parameters: dict[str, str]
               ) -> dict[str, Any]:
    import boto3
    from samtranslator.model.exceptions import (  # type: ignore[import-untyped]
        InvalidDocumentException,
    )
    from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
    from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

    values: dict[str, Any] = {**parameters, "AWS::Region": identity.region,
                              "AWS::AccountId": identity.account_id,
                              "AWS::StackName": identity.name, "AWS::StackId": identity.stack_id,
                              "AWS::Partition": identity.partition}
    # The translator reads the region from a boto3 session; this one is the stack's.
    session = boto3.session.Session(region_name=identity.region)
    translator = Translator(None, Parser(), boto_session=session)
    try:
        translated: dict[str, Any] = translator.translate(
            template, parameter_values=values, get_managed_policy_map=dict)
    except InvalidDocumentException as error:
        causes = " ".join(cause.message for cause in error.causes)
        raise ValidationError(f"Transform AWS::Serverless-2016-10-31 failed with: "
                              f"Invalid Serverless Application Specification document. Number "
                              f"of errors found: {len(error.causes)}. {causes}") from None
    finally:
        translator.metrics.publish()  # the translator's own no-op publisher; else it warns
    return translated
