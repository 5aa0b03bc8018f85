"""Headless Chromium for the dashboard's tests: the `browser` fixture, skipped without
Chromium, failed instead when LAMBDA_SIM_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


def chromium_unavailable_reason() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[test]'"
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        return "no headless Chromium: apt-get install chromium chromium-driver"
    return None


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium; skipped without it, failed when LAMBDA_SIM_REQUIRE_BROWSER=1."""
    reason = chromium_unavailable_reason()
    if reason is not None:
        if os.environ.get("LAMBDA_SIM_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1500,1200"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or ""),
                              options=options)
    try:
        yield driver
    finally:
        driver.quit()
