"""What an area writer is given: where to write, the dates, the scale and the seed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class AreaContext:
    out_dir: Path
    start: date
    end: date
    scale: float
    seed: int
    progress: Callable[[str], None]

    def rng_seed(self, area: str) -> int:
        """A seed of this area's own, so areas never share a random stream."""
        return self.seed * 1_000_003 + sum(ord(c) * 31**i for i, c in enumerate(area)) % 999_983
