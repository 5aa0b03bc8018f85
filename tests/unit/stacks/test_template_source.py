"""A call's template text: its body, or an object of the simulator's S3 named by URL."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.stacks.errors import ValidationError
from simulator.stacks.template_source import s3_location, template_text


@pytest.mark.parametrize(("url", "location"), [
    ("https://bucket.s3.amazonaws.com/dir/t.yaml", ("bucket", "dir/t.yaml")),
    ("https://my.bucket.s3.eu-west-1.amazonaws.com/t.json", ("my.bucket", "t.json")),
    ("https://s3.amazonaws.com/bucket/t.yaml", ("bucket", "t.yaml")),
    ("https://s3-eu-west-1.amazonaws.com/bucket/a%20b.yaml", ("bucket", "a b.yaml")),
    ("http://127.0.0.1:9000/bucket/key.yaml", ("bucket", "key.yaml")),
])
def test_virtual_hosted_and_path_style_urls(url: str, location: tuple[str, str]) -> None:
    assert s3_location(url) == location


def test_a_url_naming_no_object_is_refused() -> None:
    with pytest.raises(ValidationError, match="^TemplateURL must be a supported URL.$"):
        s3_location("ftp://bucket/key")
    with pytest.raises(ValidationError):
        s3_location("https://s3.amazonaws.com/bucket-only")


class FakeS3:
    def __init__(self, objects: dict[tuple[str, str], bytes]) -> None:
        self.objects = objects

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803 (boto3's names)
        import io

        if (Bucket, Key) not in self.objects:
            raise ClientError({"Error": {"Code": "NoSuchKey",
                                         "Message": "The specified key does not exist."}},
                              "GetObject")
        return {"Body": io.BytesIO(self.objects[(Bucket, Key)])}


def test_body_or_url() -> None:
    s3 = FakeS3({("b", "t.json"): b'{"Resources": {}}'})
    assert template_text({"TemplateBody": "x"}, lambda: s3) == "x"
    assert template_text({"TemplateURL": "https://b.s3.amazonaws.com/t.json"},
                         lambda: s3) == '{"Resources": {}}'
    with pytest.raises(ValidationError, match="^S3 error: The specified key does not exist.$"):
        template_text({"TemplateURL": "https://b.s3.amazonaws.com/other"}, lambda: s3)
    with pytest.raises(ValidationError, match="^Either Template URL or Template Body must be "
                                              "specified.$"):
        template_text({}, lambda: s3)
    with pytest.raises(ValidationError, match="Exactly one"):
        template_text({"TemplateBody": "x", "TemplateURL": "https://b.s3.amazonaws.com/t"},
                      lambda: s3)
