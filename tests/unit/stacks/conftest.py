"""The stack tests' fake cloud, and the CloudFormation service over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.stacks.cloudformation import CloudFormation
from tests.unit.stacks.fakes import FakeCloud, cloudformation


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud()


@pytest.fixture
def service(tmp_path: Path, cloud: FakeCloud) -> Iterator[CloudFormation]:
    service = cloudformation(tmp_path, cloud)
    yield service
    service.close()
