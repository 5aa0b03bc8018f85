"""The service's `resources:` merged into the template as the CloudFormation it is: its
Resources, Outputs, Conditions and Mappings, a resource of its own replacing or extending
(`Properties` key by key) one the conversion generated under the same logical id, as the
framework lets `resources` override what it generates."""

from __future__ import annotations

from typing import Any

from simulator.templates.errors import TemplateError

SECTIONS = ("Resources", "Outputs", "Conditions", "Mappings")


def merge_resources(template: dict[str, Any], declared: Any, warnings: list[str]) -> None:
    """Add `declared` (the `resources` value: a mapping, or a list of them, as files are
    included) to `template` in place."""
    parts = declared if isinstance(declared, list) else [declared] if declared else []
    for index, part in enumerate(parts):
        where = f"resources[{index}]" if isinstance(declared, list) else "resources"
        if not isinstance(part, dict):
            raise TemplateError(f"{where} must be a mapping with Resources, Outputs ...")
        for section, value in part.items():
            if section == "Description":
                template["Description"] = value
            elif section in SECTIONS and isinstance(value, dict):
                merge_section(template.setdefault(section, {}), section, value)
            else:
                warnings.append(f"{where}.{section} is not merged (only {', '.join(SECTIONS)} "
                                "and Description are); it is ignored.")


def merge_section(target: dict[str, Any], section: str, declared: dict[str, Any]) -> None:
    for name, value in declared.items():
        existing = target.get(name)
        if section == "Resources" and isinstance(existing, dict) and isinstance(value, dict):
            target[name] = overridden(existing, value)
        else:
            target[name] = value


def overridden(generated: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """A generated resource with the service's keys over it, its Properties merged."""
    merged = {**generated, **own}
    if isinstance(generated.get("Properties"), dict) and isinstance(own.get("Properties"), dict):
        merged["Properties"] = {**generated["Properties"], **own["Properties"]}
    return merged
