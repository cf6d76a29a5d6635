"""The product catalogue: an initial range, then launches, price changes and deactivations.

The whole catalogue is delivered in the first day's products file (launched and last
updated before the start). Each later day's file holds the products launched, repriced or
deactivated that day, during office hours. A product sells from the day after its launch
and stops selling on the day it is deactivated. Prices end in ``.99`` and always stay above
the unit cost.
"""

from __future__ import annotations

import numpy as np

from opspulse.demo.draws import categorical, weighted
from opspulse.demo.encoding import Flag, Ident, Label, Money, Text, Timestamp
from opspulse.demo.records import Batch
from opspulse.demo.timeline import DAY, NEVER, OFFICE_HOURS, Timeline, times_in_day
from opspulse.demo.vocabulary import ADJECTIVES, CATEGORY_PROFILES
from opspulse.sources.contracts import CATEGORIES

PRODUCTS_AT_SCALE_1 = 320
MIN_PRODUCTS = 60
LAUNCHES_PER_PRODUCT_DAY = 0.0015  # about 3 a week at scale 1
PRICE_CHANGES_PER_PRODUCT_DAY = 0.004
DEACTIVATIONS_PER_PRODUCT_DAY = 0.0006
SUPPLIERS = 24
MARKUP = (1.5, 2.6)
MIN_MARGIN = 1.15

PRODUCT_ID = Ident("P", 4)
CODECS = {
    "product_id": PRODUCT_ID,
    "sku": Text(),
    "product_name": Text(),
    "category": Label(CATEGORIES),
    "brand": Text(),
    "supplier_id": Ident("SUP-", 3),
    "unit_cost": Money(),
    "list_price": Money(),
    "is_active": Flag(),
    "launched_at": Timestamp(),
    "updated_at": Timestamp(),
}

_PROFILES = [CATEGORY_PROFILES[c] for c in CATEGORIES]
_SHARES = np.array([p.share for p in _PROFILES])
_MEDIAN_COST = np.array([p.median_cost for p in _PROFILES])
_SKU_CODES = np.array([p.sku_code + "-" for p in _PROFILES])


def product_ids(numbers: np.ndarray) -> np.ndarray:
    """Product ids as numpy strings (for landing pages), formatted by the contract codec."""
    return PRODUCT_ID.text(numbers)


def _to_price(cents: np.ndarray) -> np.ndarray:
    """Round up to the next whole unit, minus one cent (19.99)."""
    return np.ceil(cents / 100).astype(np.int64) * 100 - 1


class Catalogue:
    """Every product ever listed, as parallel arrays indexed by product number - 1."""

    def __init__(self, timeline: Timeline, rng: np.random.Generator, scale: float) -> None:
        self.timeline = timeline
        self.initial_size = max(MIN_PRODUCTS, round(PRODUCTS_AT_SCALE_1 * scale))
        n = self.initial_size
        self.category = np.empty(0, dtype=np.int64)
        self.sku = np.empty(0, dtype=str)
        self.name = np.empty(0, dtype=str)
        self.brand = np.empty(0, dtype=str)
        self.supplier = np.empty(0, dtype=np.int64)
        self.cost = np.empty(0, dtype=np.int64)
        self.price = np.empty(0, dtype=np.int64)
        self.active = np.empty(0, dtype=np.int8)
        self.launched_at = np.empty(0, dtype=np.int64)
        self.updated_at = np.empty(0, dtype=np.int64)
        self.popularity = np.empty(0, dtype=float)
        launched = np.sort(
            timeline.epoch0 - rng.integers(1, 730, n) * DAY + times_in_day(rng, n, 0, OFFICE_HOURS)
        )
        self._launch(rng, launched)
        repriced = rng.random(n) < 0.3
        self.updated_at[repriced] = launched[repriced] + (
            rng.random(repriced.sum()) * (timeline.epoch0 - launched[repriced])
        ).astype(np.int64)
        self._repriced_at = np.full(n, NEVER)
        self._price_before = self.price.copy()

    def __len__(self) -> int:
        return len(self.category)

    def _launch(self, rng: np.random.Generator, launched_at: np.ndarray) -> np.ndarray:
        k = len(launched_at)
        if k == 0:
            return np.empty(0, dtype=np.int64)
        first = len(self)
        numbers = np.arange(first + 1, first + k + 1)
        category = categorical(rng, _SHARES, k)
        brand = np.empty(k, dtype=object)
        noun = np.empty(k, dtype=object)
        for code, profile in enumerate(_PROFILES):
            mine = category == code
            brand[mine] = rng.choice(profile.brands, mine.sum())
            noun[mine] = rng.choice(profile.nouns, mine.sum())
        brand = brand.astype(str)
        adjective = rng.choice(ADJECTIVES, k)
        name = np.strings.add(
            np.strings.add(np.strings.add(brand, " "), adjective),
            np.strings.add(" ", noun.astype(str)),
        )
        cost = np.maximum(
            100, np.round(_MEDIAN_COST[category] * 100 * rng.lognormal(0, 0.5, k))
        ).astype(np.int64)
        price = _to_price(cost * rng.uniform(*MARKUP, k))
        sku = np.strings.add(_SKU_CODES[category], np.strings.zfill(numbers.astype(str), 5))
        self.category = np.r_[self.category, category]
        self.sku = np.r_[self.sku, sku]
        self.name = np.r_[self.name, name]
        self.brand = np.r_[self.brand, brand]
        self.supplier = np.r_[self.supplier, rng.integers(1, SUPPLIERS + 1, k)]
        self.cost = np.r_[self.cost, cost]
        self.price = np.r_[self.price, price]
        self.active = np.r_[self.active, np.ones(k, dtype=np.int8)]
        self.launched_at = np.r_[self.launched_at, launched_at]
        self.updated_at = np.r_[self.updated_at, launched_at]
        self.popularity = np.r_[self.popularity, rng.lognormal(0, 1.0, k)]
        return numbers - 1

    def initial_records(self) -> Batch:
        return self.records(np.arange(len(self)), day=0)

    def records(self, index: np.ndarray, day: int) -> Batch:
        columns = {
            "product_id": index + 1,
            "sku": self.sku[index],
            "product_name": self.name[index],
            "category": self.category[index],
            "brand": self.brand[index],
            "supplier_id": self.supplier[index],
            "unit_cost": self.cost[index],
            "list_price": self.price[index],
            "is_active": self.active[index],
            "launched_at": self.launched_at[index],
            "updated_at": self.updated_at[index],
        }
        return Batch(np.full(len(index), day), columns)

    def simulate_day(self, t: int, rng: np.random.Generator) -> Batch:
        """Today's launches, price changes and deactivations, as change records."""
        day_start = self.timeline.day_start(t)
        size = self.initial_size
        self._repriced_at = np.full(len(self), NEVER)
        self._price_before = self.price.copy()
        listed = np.flatnonzero((self.active == 1) & (self.launched_at < day_start))
        n_repriced = rng.poisson(PRICE_CHANGES_PER_PRODUCT_DAY * size)
        n_dropped = rng.poisson(DEACTIVATIONS_PER_PRODUCT_DAY * size)
        touched = rng.choice(listed, min(n_repriced + n_dropped, len(listed)), replace=False)
        repriced, dropped = touched[:n_repriced], touched[n_repriced:]

        when = times_in_day(rng, len(repriced), day_start, OFFICE_HOURS)
        new_price = np.maximum(
            _to_price(self.price[repriced] * rng.uniform(0.85, 1.12, len(repriced))),
            _to_price(self.cost[repriced] * MIN_MARGIN),
        )
        new_price = np.where(new_price == self.price[repriced], new_price + 100, new_price)
        self._repriced_at[repriced] = when
        self.price[repriced] = new_price
        self.updated_at[repriced] = when

        self.active[dropped] = 0
        self.updated_at[dropped] = times_in_day(rng, len(dropped), day_start, OFFICE_HOURS)

        launched = np.sort(
            times_in_day(rng, rng.poisson(LAUNCHES_PER_PRODUCT_DAY * size), day_start, OFFICE_HOURS)
        )
        new = self._launch(rng, launched)
        self._repriced_at = np.r_[self._repriced_at, np.full(len(new), NEVER)]
        self._price_before = np.r_[self._price_before, self.price[new]]
        return self.records(np.sort(np.r_[touched, new]), day=t)

    def cumulative_popularity(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Products on sale all through day ``t`` and their running popularity sum."""
        on_sale = np.flatnonzero(
            (self.active == 1) & (self.launched_at < self.timeline.day_start(t))
        )
        return on_sale, np.cumsum(self.popularity[on_sale])

    def pick(
        self, rng: np.random.Generator, on_sale: tuple[np.ndarray, np.ndarray], n: int
    ) -> np.ndarray:
        """``n`` products drawn by popularity from ``on_sale``."""
        index, cumulative = on_sale
        return index[weighted(rng, cumulative, n)]

    def price_at(self, product: np.ndarray, when: np.ndarray) -> np.ndarray:
        """List price (cents) of each product at ``when`` (a time on the simulated day)."""
        before = self._repriced_at[product] > when
        return np.where(before, self._price_before[product], self.price[product])
