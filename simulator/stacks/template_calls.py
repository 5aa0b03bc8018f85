"""The calls that read templates and exports rather than change stacks: GetTemplate,
GetTemplateSummary, ValidateTemplate, ListExports and ListImports."""

from __future__ import annotations

import json
from typing import Any

from simulator.stacks.errors import ChangeSetNotFound, ValidationError
from simulator.stacks.sam_transform import declared_transforms
from simulator.stacks.stack_operations import Request, StackOperations
from simulator.stacks.template_parsing import check_sections, parse_template
from simulator.stacks.template_preparation import capabilities_reason, required_capabilities
from simulator.stacks.template_source import template_text


class TemplateCalls:
    def __init__(self, stacks: StackOperations) -> None:
        self._stacks = stacks

    def get_template(self, region: str, request: Request) -> Request:
        if request.get("ChangeSetName"):
            change_set = next((item for stack in self._stacks.store.all()
                               for item in self._stacks.store.change_sets(stack.stack_id)
                               if request["ChangeSetName"] in (item["ChangeSetId"],
                                                               item["ChangeSetName"])), None)
            if change_set is None:
                raise ChangeSetNotFound(f"ChangeSet [{request['ChangeSetName']}] does not exist")
            body, processed = change_set["TemplateBody"], change_set["Template"]
        else:
            stack = self._stacks.find(region, str(request.get("StackName", "")))
            body, processed = stack.template_body, stack.template
        if request.get("TemplateStage") == "Processed":
            return {"TemplateBody": json.dumps(processed), "StagesAvailable": ["Original",
                                                                                 "Processed"]}
        return {"TemplateBody": body, "StagesAvailable": ["Original", "Processed"]}

    def get_template_summary(self, region: str, request: Request) -> Request:
        if request.get("StackName"):
            stack = self._stacks.find(region, str(request["StackName"]))
            template = parse_template(stack.template_body)
        else:
            template = self._read(region, request)
        summary = self._described(template)
        summary["ResourceTypes"] = sorted({str(resource.get("Type")) for resource in
                                           (template.get("Resources") or {}).values()
                                           if isinstance(resource, dict)})
        summary["Version"] = template.get("AWSTemplateFormatVersion")
        if "Metadata" in template:
            summary["Metadata"] = json.dumps(template["Metadata"])
        summary["Parameters"] = [{
            "ParameterKey": name, "DefaultValue": _text(declaration.get("Default")),
            "ParameterType": declaration.get("Type"),
            "NoEcho": str(declaration.get("NoEcho", "false")).lower() == "true",
            "Description": declaration.get("Description"),
            "ParameterConstraints": {"AllowedValues": [_text(value) for value in
                                                       declaration.get("AllowedValues", [])]},
        } for name, declaration in (template.get("Parameters") or {}).items()]
        return summary

    def validate_template(self, region: str, request: Request) -> Request:
        template = self._read(region, request)
        summary = self._described(template)
        summary["Parameters"] = [{
            "ParameterKey": name, "DefaultValue": _text(declaration.get("Default")),
            "NoEcho": str(declaration.get("NoEcho", "false")).lower() == "true",
            "Description": declaration.get("Description"),
        } for name, declaration in (template.get("Parameters") or {}).items()]
        return summary

    def list_exports(self, region: str, request: Request) -> Request:
        return {"Exports": [{"ExportingStackId": export.stack_id, "Name": export.name,
                             "Value": export.value}
                            for export in self._stacks.exports.all(region)]}

    def list_imports(self, region: str, request: Request) -> Request:
        name = str(request.get("ExportName", ""))
        importers = self._stacks.exports.importers(region, name)
        if not importers:
            raise ValidationError(f"Export '{name}' is not imported by any stack.")
        return {"Imports": importers}

    def _read(self, region: str, request: Request) -> dict[str, Any]:
        template = parse_template(template_text(
            request, lambda: self._stacks.clients("s3", region)))
        check_sections(template)
        return template

    @staticmethod
    def _described(template: dict[str, Any]) -> dict[str, Any]:
        needed = required_capabilities(template)
        transforms = declared_transforms(template)
        return {"Description": template.get("Description"),
                "Capabilities": [needed] if needed else [],
                "CapabilitiesReason": capabilities_reason(template),
                "DeclaredTransforms": transforms}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value).lower() if isinstance(value, bool) else str(value)
