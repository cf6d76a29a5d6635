"""Read the headline lines of a plain-text email back into numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

LINE = re.compile(r"^(?P<label>[^:\n]+): (?P<value>\S+) \((?P<trends>[^)]*)\)$", re.MULTILINE)


@dataclass
class TileLine:
    label: str
    value: str
    vs_day: str
    vs_7d: str
    attainment: str | None


def parse_tile_lines(text: str) -> dict[str, TileLine]:
    out = {}
    for m in LINE.finditer(text):
        parts = m["trends"].split("; ")
        assert parts[0].endswith(" vs yesterday") and parts[1].endswith(" vs 7-day avg"), parts
        attainment = parts[2].removesuffix(" of target") if len(parts) > 2 else None
        out[m["label"]] = TileLine(
            m["label"],
            m["value"],
            parts[0].removesuffix(" vs yesterday"),
            parts[1].removesuffix(" vs 7-day avg"),
            attainment,
        )
    return out


def parse_number(text: str) -> float | None:
    """``$12,345.67`` -> 12345.67, ``29.9%`` -> 29.9, ``▼ 1.2 pp`` -> -1.2, ``n/a`` -> None."""
    if text == "n/a":
        return None
    sign = -1 if text.startswith(("▼", "-")) else 1
    digits = re.sub(r"[^0-9.]", "", text)
    return sign * float(digits)
