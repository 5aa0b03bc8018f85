"""A generated section of a hand-written page: the text between `<!-- begin NAME -->` and
`<!-- end NAME -->`, replaced by a harness's own output so its figures are never retyped."""

from __future__ import annotations

from datetime import date
from pathlib import Path


def replace_section(page: Path, name: str, text: str) -> None:
    """Replaces the section, or adds it at the end of the page when it has none yet."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    body = f"{begin}\n_Generated on {date.today().isoformat()} by the harness; do not edit._\n\n" \
        f"{text.rstrip()}\n{end}"
    content = page.read_text() if page.exists() else ""
    start, stop = content.find(begin), content.find(end)
    if start >= 0 and stop > start:
        content = content[:start] + body + content[stop + len(end):]
    else:
        content = content.rstrip("\n") + "\n\n" + body + "\n"
    page.write_text(content)
