"""The one number formatter behind every email: HTML part, text part, subject and hash.

Values are formatted here once and the strings are handed to both templates, so the text
and the HTML part of an email can never disagree. Marts keep money unrounded and ratios as
fractions 0-1; rounding (half away from zero) happens only here. How a number is written is
the company's: its currency and locale (``Settings.currency``, ``Settings.locale``), applied
by babel with the locale's own symbols, grouping and patterns:

| kind      | en_US, USD       | de_DE, EUR       | pt_BR, BRL        | ja_JP, JPY   |
|-----------|------------------|------------------|-------------------|--------------|
| money     | ``$12,345.67``   | ``12.345,67 €``  | ``R$ 12.345,67``  | ``￥12,346`` |
| count     | ``1,234``        | ``1.234``        | ``1.234``         | ``1,234``    |
| pct       | ``12.3%``        | ``12,3 %``       | ``12,3%``         | ``12.3%``    |
| decimal   | ``4.27``         | ``4,27``         | ``4,27``          | ``4.27``     |
| hours     | ``36.5 h``       | ``36,5 h``       | ``36,5 h``        | ``36.5 h``   |
| text      | as is            |                  |                   |              |
| NULL/NaN  | ``n/a``          |                  |                   |              |

Money has the currency's own number of decimals (none for JPY). The space babel puts
between a number and its symbol is a no-break space (U+00A0, or U+202F in some locales), so
an amount never wraps in a mail client; :func:`plain` turns those into plain spaces for a
subject line.

Changes: a ``pct`` KPI changes by percentage points (``▲ 1.2 pp``), every other kind by a
relative change (``▼ 3.2%``). A change that rounds to zero is flat (``= 0.0%``). Whether a
change is good or bad depends on the tile's ``up_is_good``.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberPattern,
    UnknownCurrencyError,
    format_currency,
    get_currency_precision,
    validate_currency,
)

from opspulse.reports.roles import Kind

if TYPE_CHECKING:
    from opspulse.settings import Settings

NA = "n/a"
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


def _exact(value: object, number: float) -> Decimal:
    """The decimal a value reads as: a Decimal as is, a float by its shortest repr."""
    return value if isinstance(value, Decimal) else Decimal(repr(number))


def _half_up(exact: Decimal, places: int) -> Decimal:
    """Round half away from zero (12345.675 -> 12345.68); never a negative zero."""
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded.is_zero() else rounded


_EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    """Mask e-mail addresses: customer contact data never reaches an email body."""
    return _EMAIL_ADDRESS.sub("[redacted email]", text)


_NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})


def plain(text: str) -> str:
    """``text`` with babel's no-break spaces as plain spaces: for subjects and headers."""
    return text.translate(_NO_BREAK_SPACES)


def needs_source(source: str) -> str:
    """What a KPI shows when it is NULL because the company does not deliver ``source``."""
    return f"{NA}: needs {source}"


def _with_decimals(pattern: NumberPattern, places: int) -> NumberPattern:
    """The locale's pattern (its grouping, symbols, affixes) with exactly ``places`` decimals."""
    fixed = copy.copy(pattern)
    fixed.frac_prec = (places, places)
    return fixed


def _tone(direction: int, up_is_good: bool) -> Tone:
    if direction == 0:
        return "neutral"
    return "good" if (direction > 0) == up_is_good else "bad"


@dataclass(frozen=True)
class NumberFormat:
    """How one company writes numbers: its ISO 4217 currency and its locale (``de_DE``).

    Build it from the settings (:meth:`of`) when a run starts; an unknown currency or locale
    raises ``ValueError`` here, before anything is rendered."""

    currency: str = "USD"
    locale: str = "en_US"
    _babel: Locale = field(init=False, repr=False, compare=False)
    _patterns: dict[str, NumberPattern] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            validate_currency(self.currency)
        except UnknownCurrencyError:
            raise ValueError(f"unknown currency {self.currency!r} (expected ISO 4217)") from None
        try:
            babel_locale = Locale.parse(self.locale)
        except (UnknownLocaleError, ValueError, TypeError):
            raise ValueError(f"unknown locale {self.locale!r} (expected e.g. de_DE)") from None
        decimal = babel_locale.decimal_formats[None]
        percent = babel_locale.percent_formats[None]
        object.__setattr__(self, "_babel", babel_locale)
        object.__setattr__(
            self,
            "_patterns",
            {
                "decimal0": _with_decimals(decimal, 0),
                "decimal1": _with_decimals(decimal, 1),
                "decimal2": _with_decimals(decimal, 2),
                "percent0": _with_decimals(percent, 0),
                "percent1": _with_decimals(percent, 1),
            },
        )

    @classmethod
    def of(cls, cfg: Settings) -> NumberFormat:
        """The company's format (``Settings.currency`` and ``Settings.locale``)."""
        return cls(currency=cfg.currency, locale=cfg.locale)

    # --- the building blocks, each rounding half up first -------------------------------

    def _apply(self, pattern: str, rounded: Decimal) -> str:
        return self._patterns[pattern].apply(rounded, self._babel)

    def number(self, value: object, places: int) -> str:
        """``value`` with ``places`` decimals in the locale (``1.234,5`` in de_DE)."""
        number = as_number(value)
        if number is None:
            return NA
        return self._apply(f"decimal{places}", _half_up(_exact(value, number), places))

    def percent(self, fraction: object, places: int) -> str:
        """A 0-1 fraction as a percentage with ``places`` decimals (``12,3 %`` in de_DE)."""
        number = as_number(fraction)
        if number is None:
            return NA
        return self._points(_exact(fraction, number) * 100, places)

    def _points(self, points: Decimal, places: int) -> str:
        """``points`` percent (12.34 -> ``12.3%``), rounded to ``places`` decimals."""
        return self._apply(f"percent{places}", _half_up(points, places) / 100)

    def money(self, value: object) -> str:
        number = as_number(value)
        if number is None:
            return NA
        rounded = _half_up(_exact(value, number), get_currency_precision(self.currency))
        return format_currency(rounded, self.currency, locale=self._babel)

    # --- what the emails call -----------------------------------------------------------

    def value(self, value: object, kind: Kind) -> str:
        if kind == "text":
            return NA if value is None else redact(str(value))
        number = as_number(value)
        if number is None:
            return NA
        if kind == "money":
            return self.money(value)
        if kind == "count":
            return self.number(value, 0 if number.is_integer() else 1)
        if kind == "pct":
            return self.percent(value, 1)
        if kind == "decimal":
            return self.number(value, 2)
        if kind == "hours":
            return f"{self.number(value, 1)} h"
        raise ValueError(f"unknown format kind {kind!r}")

    def change(self, current: object, reference: object, kind: Kind, *, up_is_good: bool) -> Change:
        """``current`` against ``reference``: points for a pct KPI, relative change otherwise."""
        now, then = as_number(current), as_number(reference)
        if kind == "text" or now is None or then is None:
            return NO_CHANGE
        if kind == "pct":
            amount = (now - then) * 100
            shown = self.number(abs(amount), 1) + " pp"
        elif then == 0:
            return (
                Change(f"{FLAT} {self._points(Decimal(0), 1)}", "neutral")
                if now == 0
                else NO_CHANGE
            )
        else:
            amount = (now - then) / abs(then) * 100
            shown = self._points(_exact(None, abs(amount)), 1)
        if _half_up(_exact(None, abs(amount)), 1).is_zero():
            return Change(f"{FLAT} {shown}", "neutral")
        direction = 1 if amount > 0 else -1
        arrow = UP if direction > 0 else DOWN
        return Change(f"{arrow} {shown}", _tone(direction, up_is_good))

    def attainment(self, fraction: object, *, up_is_good: bool) -> Change:
        """Attainment vs target (``pct_<kpi>_of_target``, a fraction) as ``98%``."""
        number = as_number(fraction)
        if number is None:
            return NO_CHANGE
        points = _half_up(_exact(fraction, number) * 100, 0)
        on_target = points >= 100 if up_is_good else points <= 100
        return Change(self.percent(number, 0), "good" if on_target else "bad")


EN_US_USD = NumberFormat("USD", "en_US")
"""The demo company's format; the default of the functions below."""


def format_value(value: object, kind: Kind, numbers: NumberFormat = EN_US_USD) -> str:
    return numbers.value(value, kind)


def format_change(
    current: object,
    reference: object,
    kind: Kind,
    *,
    up_is_good: bool,
    numbers: NumberFormat = EN_US_USD,
) -> Change:
    return numbers.change(current, reference, kind, up_is_good=up_is_good)


def format_attainment(
    fraction: object, *, up_is_good: bool, numbers: NumberFormat = EN_US_USD
) -> Change:
    return numbers.attainment(fraction, up_is_good=up_is_good)
