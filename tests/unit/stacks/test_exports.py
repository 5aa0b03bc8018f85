"""Cross-stack exports: ImportValue, ListExports, ListImports, and what an import blocks."""

from __future__ import annotations

import pytest

from simulator.stacks.cloudformation import CloudFormation
from simulator.stacks.errors import (
    ValidationError,
)
from tests.unit.stacks.fakes import (
    FakeCloud,
    call,
    exporter,
    importer,
    stack,
)


def test_an_imported_value_comes_from_the_exporting_stack(service: CloudFormation,
                                                          cloud: FakeCloud) -> None:
    call(service, "CreateStack", StackName="producer", TemplateBody=exporter())
    exports = call(service, "ListExports")["Exports"]
    assert [(e["Name"], e["Value"]) for e in exports] == [("shared-name", "shared")]
    call(service, "CreateStack", StackName="consumer", TemplateBody=importer())
    assert stack(service, "consumer")["StackStatus"] == "CREATE_COMPLETE"
    assert any(props.get("Source") == "shared" for props in cloud.things.values())
    assert call(service, "ListImports", ExportName="shared-name")["Imports"] == ["consumer"]


def test_an_export_in_use_blocks_the_exporters_delete_and_change(
        service: CloudFormation, cloud: FakeCloud) -> None:
    call(service, "CreateStack", StackName="producer", TemplateBody=exporter())
    call(service, "CreateStack", StackName="consumer", TemplateBody=importer())
    call(service, "DeleteStack", StackName="producer")
    assert stack(service, "producer")["StackStatus"] == "CREATE_COMPLETE"
    events = call(service, "DescribeStackEvents", StackName="producer")["StackEvents"]
    assert events[0]["ResourceStatusReason"] == ("Export shared-name cannot be deleted as it is "
                                                 "in use by consumer")
    call(service, "UpdateStack", StackName="producer", TemplateBody=exporter("other"))
    described = stack(service, "producer")
    assert described["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert "shared" in cloud.things
    call(service, "DeleteStack", StackName="consumer")
    call(service, "DeleteStack", StackName="producer")
    assert cloud.things == {}
    with pytest.raises(ValidationError, match="is not imported by any stack"):
        call(service, "ListImports", ExportName="shared-name")


def test_an_import_of_nothing_fails_the_resource(service: CloudFormation) -> None:
    call(service, "CreateStack", StackName="consumer", TemplateBody=importer())
    events = call(service, "DescribeStackEvents", StackName="consumer")["StackEvents"]
    failed = next(e for e in events if e["ResourceStatus"] == "CREATE_FAILED")
    assert failed["ResourceStatusReason"] == "No export named shared-name found."


def test_one_export_name_has_one_exporter(service: CloudFormation) -> None:
    call(service, "CreateStack", StackName="first", TemplateBody=exporter("one"))
    call(service, "CreateStack", StackName="second", TemplateBody=exporter("two"))
    described = stack(service, "second")
    assert described["StackStatus"] == "ROLLBACK_COMPLETE"
    events = call(service, "DescribeStackEvents", StackName="second")["StackEvents"]
    assert any("Export with name shared-name is already exported by stack first"
               in (e.get("ResourceStatusReason") or "") for e in events)
