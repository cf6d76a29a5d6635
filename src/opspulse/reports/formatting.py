"""The one number formatter behind every email: HTML part, text part, subject and hash.

Values are formatted here once and the strings are handed to both templates, so the text
and the HTML part of an email can never disagree. Marts keep money unrounded and ratios as
fractions 0-1; rounding happens only here:

| kind      | example          |
|-----------|------------------|
| money     | ``$12,345.67``   |
| count     | ``1,234``        |
| pct       | ``12.3%``        |
| decimal   | ``4.27``         |
| hours     | ``36.5 h``       |
| text      | as is            |
| NULL/NaN  | ``n/a``          |

Changes: a ``pct`` KPI changes by percentage points (``▲ 1.2 pp``), every other kind by a
relative change (``▼ 3.2%``). A change that rounds to zero is flat (``= 0.0%``). Whether a
change is good or bad depends on the tile's ``up_is_good``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from opspulse.reports.roles import Kind

NA = "n/a"
CURRENCY_SYMBOL = "$"
UP, DOWN, FLAT = "▲", "▼", "="

Tone = Literal["good", "bad", "neutral"]


@dataclass(frozen=True)
class Change:
    """A formatted comparison, e.g. ``▲ 3.2%`` with its tone (good, bad or neutral)."""

    text: str
    tone: Tone

    @property
    def is_na(self) -> bool:
        return self.text == NA


NO_CHANGE = Change(NA, "neutral")


def as_number(value: object) -> float | None:
    """A float, or None for NULL and NaN."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, int | float):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    raise TypeError(f"not a number: {value!r}")


def _half_up(value: object, number: float, places: int) -> Decimal:
    """Round half away from zero, on the decimal the value reads as (12345.675 -> .68)."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(number))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


_EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    """Mask e-mail addresses: customer contact data never reaches an email body."""
    return _EMAIL_ADDRESS.sub("[redacted email]", text)


def format_value(value: object, kind: Kind) -> str:
    if kind == "text":
        return NA if value is None else redact(str(value))
    number = as_number(value)
    if number is None:
        return NA
    if kind == "money":
        cents = _half_up(value, number, 2)
        sign = "-" if cents < 0 else ""
        return f"{sign}{CURRENCY_SYMBOL}{abs(cents):,.2f}"
    if kind == "count":
        return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"
    if kind == "pct":
        return f"{number * 100:.1f}%"
    if kind == "decimal":
        return f"{_half_up(value, number, 2):,.2f}"
    if kind == "hours":
        return f"{number:,.1f} h"
    raise ValueError(f"unknown format kind {kind!r}")


def _tone(direction: int, up_is_good: bool) -> Tone:
    if direction == 0:
        return "neutral"
    return "good" if (direction > 0) == up_is_good else "bad"


def format_change(current: object, reference: object, kind: Kind, *, up_is_good: bool) -> Change:
    """``current`` against ``reference``: points for a pct KPI, relative change otherwise."""
    now, then = as_number(current), as_number(reference)
    if kind == "text" or now is None or then is None:
        return NO_CHANGE
    if kind == "pct":
        amount, unit = (now - then) * 100, " pp"
    elif then == 0:
        return Change(f"{FLAT} 0.0%", "neutral") if now == 0 else NO_CHANGE
    else:
        amount, unit = (now - then) / abs(then) * 100, "%"
    shown = round(abs(amount), 1)
    if shown == 0:
        return Change(f"{FLAT} 0.0{unit}", "neutral")
    direction = 1 if amount > 0 else -1
    arrow = UP if direction > 0 else DOWN
    return Change(f"{arrow} {shown:.1f}{unit}", _tone(direction, up_is_good))


def format_attainment(fraction: object, *, up_is_good: bool) -> Change:
    """Attainment vs target (``pct_<kpi>_of_target``, a fraction) as ``98%``."""
    number = as_number(fraction)
    if number is None:
        return NO_CHANGE
    shown = round(number * 100)
    on_target = shown >= 100 if up_is_good else shown <= 100
    return Change(f"{shown:.0f}%", "good" if on_target else "bad")
