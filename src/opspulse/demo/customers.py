"""Customer accounts: an existing base, daily sign-ups and occasional profile updates.

The base that exists before the start (accounts opened over the previous three years, more of
them recently) is delivered in full in the first day's customers file, each row with its
real ``created_at`` and ``updated_at`` (both before the start). Every later file holds that
day's sign-ups and the existing customers who changed their profile that day (marketing
consent, phone, email or country), as they stand at the end of the day.

Each customer has a fixed, gamma-distributed purchase propensity: returning customers are
drawn in proportion to it, which gives a believable mix of one-off and repeat buyers.
"""

from __future__ import annotations

import numpy as np

from opspulse.demo.draws import categorical, shares, weighted
from opspulse.demo.encoding import Flag, Ident, Label, Text, Timestamp
from opspulse.demo.records import Batch
from opspulse.demo.timeline import DAY, NEVER, SHOPPING_HOURS, Timeline, times_in_day
from opspulse.demo.vocabulary import COUNTRIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, REGIONS
from opspulse.sources.contracts import TRAFFIC_CHANNELS

CUSTOMERS_AT_SCALE_1 = 32_000
MIN_CUSTOMERS = 200
HISTORY_DAYS = 1_095
PROFILE_UPDATES_PER_CUSTOMER_DAY = 0.0012
MARKETING_CONSENT = 0.55
HAS_PHONE = 0.65
NO_EMAIL = 0.01
PROPENSITY_SHAPE = 0.6
SIGNUP_CHANNELS = shares(
    {
        "organic": 30,
        "paid_search": 18,
        "social": 15,
        "email": 4,
        "direct": 20,
        "referral": 8,
        "livestream": 5,
    },
    TRAFFIC_CHANNELS,
)

_COUNTRY_CODES = tuple(c[0] for c in COUNTRIES)
_COUNTRY_SHARES = np.array([c[1] for c in COUNTRIES], dtype=float)
_COUNTRY_REGION = np.array([c[2] for c in COUNTRIES])
_CALLING_CODES = np.array(["+" + c[3] + " " for c in COUNTRIES])
_FIRST = np.array(FIRST_NAMES)
_LAST = np.array(LAST_NAMES)
_DOMAINS = np.array(["@" + d for d in EMAIL_DOMAINS])

CODECS = {
    "customer_id": Ident("C", 6),
    "email": Text(),
    "phone": Text(),
    "country": Label(_COUNTRY_CODES),
    "region": Label(REGIONS),
    "signup_channel": Label(TRAFFIC_CHANNELS),
    "marketing_consent": Flag(),
    "created_at": Timestamp(),
    "updated_at": Timestamp(),
}


class Customers:
    """Every account, as parallel arrays indexed by customer number - 1 (in creation order)."""

    def __init__(self, timeline: Timeline, rng: np.random.Generator, scale: float) -> None:
        self.timeline = timeline
        n = max(MIN_CUSTOMERS, round(CUSTOMERS_AT_SCALE_1 * scale))
        self.created_at = np.empty(0, dtype=np.int64)
        self.updated_at = np.empty(0, dtype=np.int64)
        self.channel = np.empty(0, dtype=np.int64)
        self.country = np.empty(0, dtype=np.int64)
        self.consent = np.empty(0, dtype=np.int8)
        self.first_name = np.empty(0, dtype=np.int64)
        self.last_name = np.empty(0, dtype=np.int64)
        self.email_style = np.empty(0, dtype=np.int64)
        self.email_domain = np.empty(0, dtype=np.int64)
        self.phone = np.empty(0, dtype=np.int64)
        self.visitor = np.empty(0, dtype=np.int64)
        self._cumulative_propensity = np.empty(0, dtype=float)

        days_ago = np.ceil(HISTORY_DAYS * rng.random(n) ** 1.6)
        created = np.sort(
            timeline.epoch0
            - days_ago.astype(np.int64) * DAY
            + times_in_day(rng, n, 0, SHOPPING_HOURS)
        )
        channel = categorical(rng, SIGNUP_CHANNELS, n)
        channel[rng.random(n) < 0.05] = NEVER  # accounts older than channel tracking
        self.sign_up(rng, created, channel, visitors=np.arange(1, n + 1))
        edited = rng.random(n) < 0.25
        self.updated_at[edited] += (
            rng.random(edited.sum()) * (timeline.epoch0 - created[edited])
        ).astype(np.int64)

    def __len__(self) -> int:
        return len(self.created_at)

    @property
    def region(self) -> np.ndarray:
        return _COUNTRY_REGION[self.country]

    def sign_up(
        self,
        rng: np.random.Generator,
        created_at: np.ndarray,
        channel: np.ndarray,
        visitors: np.ndarray,
    ) -> np.ndarray:
        """Open accounts; returns each new customer's index, in the order given.

        Customer numbers follow ``created_at``, so ids increase with sign-up time.
        """
        order = np.argsort(created_at, kind="stable")
        k = len(created_at)
        first = len(self)
        self.created_at = np.r_[self.created_at, created_at[order]]
        self.updated_at = np.r_[self.updated_at, created_at[order]]
        self.channel = np.r_[self.channel, channel[order]]
        self.country = np.r_[self.country, categorical(rng, _COUNTRY_SHARES, k)]
        self.consent = np.r_[self.consent, (rng.random(k) < MARKETING_CONSENT).astype(np.int8)]
        self.first_name = np.r_[self.first_name, rng.integers(0, len(_FIRST), k)]
        self.last_name = np.r_[self.last_name, rng.integers(0, len(_LAST), k)]
        self.email_style = np.r_[self.email_style, rng.integers(0, 2, k)]
        self.email_domain = np.r_[
            self.email_domain,
            np.where(rng.random(k) < NO_EMAIL, NEVER, rng.integers(0, len(_DOMAINS), k)),
        ]
        self.phone = np.r_[
            self.phone,
            np.where(rng.random(k) < HAS_PHONE, rng.integers(100_000_000, 999_999_999, k), NEVER),
        ]
        self.visitor = np.r_[self.visitor, visitors[order]]
        base = self._cumulative_propensity[-1] if first else 0.0
        self._cumulative_propensity = np.r_[
            self._cumulative_propensity, base + np.cumsum(rng.gamma(PROPENSITY_SHAPE, 1.0, k))
        ]
        index = np.empty(k, dtype=np.int64)
        index[order] = np.arange(first, first + k)
        return index

    def created_before(self, when: int) -> int:
        """How many customers existed before ``when``."""
        return int(np.searchsorted(self.created_at, when, side="left"))

    def pick(self, rng: np.random.Generator, n: int, among_first: int) -> np.ndarray:
        """``n`` customers among the first ``among_first``, drawn by purchase propensity."""
        if n == 0:
            return np.empty(0, dtype=np.int64)
        return weighted(rng, self._cumulative_propensity[:among_first], n)

    def update_profiles(self, rng: np.random.Generator, t: int) -> np.ndarray:
        """Change some existing customers' profiles during day ``t``; returns who changed."""
        day_start = self.timeline.day_start(t)
        existing = self.created_before(day_start)
        n = min(existing, rng.poisson(PROFILE_UPDATES_PER_CUSTOMER_DAY * existing))
        who = np.sort(rng.choice(existing, n, replace=False))
        what = rng.choice(4, n, p=[0.55, 0.25, 0.15, 0.05])
        consent, phone, email, moved = (who[what == k] for k in range(4))
        self.consent[consent] = 1 - self.consent[consent]
        self.phone[phone] = rng.integers(100_000_000, 999_999_999, len(phone))
        self.email_domain[email] = (self.email_domain[email] + 1) % len(_DOMAINS)
        self.email_style[email] = 1 - self.email_style[email]
        self.country[moved] = categorical(rng, _COUNTRY_SHARES, len(moved))
        self.updated_at[who] = times_in_day(rng, n, day_start, SHOPPING_HOURS)
        return who

    def _emails(self, index: np.ndarray) -> np.ndarray:
        first = _FIRST[self.first_name[index]]
        last = _LAST[self.last_name[index]]
        local = np.where(
            self.email_style[index] == 0,
            np.strings.add(np.strings.add(first, "."), last),
            np.strings.add(np.strings.slice(first, 0, 1), last),
        )
        domain = self.email_domain[index]
        email = np.strings.add(
            np.strings.add(local, (index + 1).astype(str)), _DOMAINS[np.maximum(domain, 0)]
        )
        return np.where(domain == NEVER, "", email)

    def _phones(self, index: np.ndarray) -> np.ndarray:
        number = self.phone[index]
        phone = np.strings.add(_CALLING_CODES[self.country[index]], number.astype(str))
        return np.where(number == NEVER, "", phone)

    def records(self, index: np.ndarray, day: int) -> Batch:
        columns = {
            "customer_id": index + 1,
            "email": self._emails(index),
            "phone": self._phones(index),
            "country": self.country[index],
            "region": self.region[index],
            "signup_channel": self.channel[index],
            "marketing_consent": self.consent[index],
            "created_at": self.created_at[index],
            "updated_at": self.updated_at[index],
        }
        return Batch(np.full(len(index), day), columns)
