"""A harness's section of a page is replaced in place, the page's own text kept."""

from __future__ import annotations

from pathlib import Path

from bench.doc_sections import replace_section


def test_a_section_is_added_then_replaced_in_place(tmp_path: Path) -> None:
    page = tmp_path / "PAGE.md"
    page.write_text("# Page\n\nHand-written.\n")
    replace_section(page, "soak-docker", "- first run")
    replace_section(page, "load-docker", "| a |")
    replace_section(page, "soak-docker", "- second run")
    text = page.read_text()
    assert text.startswith("# Page\n\nHand-written.\n")
    assert "- second run" in text and "- first run" not in text
    assert text.count("<!-- begin soak-docker -->") == 1
    assert text.index("soak-docker") < text.index("load-docker")
    assert "Generated on" in text
