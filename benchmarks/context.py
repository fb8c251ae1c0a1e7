"""What every benchmark module receives."""

from __future__ import annotations

import dataclasses
from pathlib import Path


@dataclasses.dataclass
class BenchContext:
    """A scratch directory for this run, the chosen repository (or None), the worker count."""

    scratch: Path
    repo: Path | None
    workers: int
