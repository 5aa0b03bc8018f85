"""`python bench/run.py`: the same as `python -m bench`, from a checkout."""

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the checkout, not bench/ itself

from bench.cli import main  # noqa: E402 - needs the path above

sys.exit(main())
