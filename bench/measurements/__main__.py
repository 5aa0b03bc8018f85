"""`python -m bench.measurements`: measure every figure and write docs/MEASUREMENTS.md."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.machine import describe
from bench.measurements import document, engine, forking, imports, request_path, server
from bench.measurements.figures import Figure

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "MEASUREMENTS.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.measurements", description=__doc__)
    parser.add_argument("--output", type=Path, default=DOCUMENT,
                        help="where to write the report (default: docs/MEASUREMENTS.md)")
    parser.add_argument("--no-docker", action="store_true",
                        help="leave out the Docker engine's figures")
    options = parser.parse_args(argv)
    started, clock, load = datetime.now(UTC), time.monotonic(), os.getloadavg()[0]
    machine = describe()
    profile = server.profile()
    sections: list[Callable[[], list[Figure]]] = [
        lambda: request_path.figures(profile.cpu_seconds_per_invoke),
        lambda: server.figures(profile),
        forking.figures,
        imports.figures,
    ]
    if not options.no_docker:
        sections.append(engine.figures)
    figures: list[Figure] = []
    for section in sections:
        for figure in section():
            print(f"{figure.claim}: {figure.measured}", flush=True)
            figures.append(figure)
    seconds = time.monotonic() - clock
    document.write(options.output, figures, machine, started, seconds, load)
    print(f"wrote {options.output.name} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
