"""Code uploads: the source a Code or Content field must name."""

from __future__ import annotations

import pytest

from simulator.errors import InvalidParameterValueException
from simulator.functions.code_upload import zip_from


def test_code_needs_a_source() -> None:
    with pytest.raises(InvalidParameterValueException, match="provide a source"):
        zip_from({})
    with pytest.raises(InvalidParameterValueException, match="provide a source"):
        zip_from({"S3Bucket": "only-a-bucket"})
    with pytest.raises(InvalidParameterValueException, match="Could not unzip"):
        zip_from({"ZipFile": "not base64!"})
