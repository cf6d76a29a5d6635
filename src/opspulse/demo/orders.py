"""Orders, their lines and their payments, from placement to the end of their life.

An order's whole future is drawn when it is placed:

* about 1.5 % turn out ``unavailable`` within hours (never charged);
* 1-6 % (by channel) are ``cancelled`` before they ship, refunded in full the same day;
* the rest ship after a lognormal handling time (median 18 h) from a warehouse that works
  06:00-22:00 and not on Sundays, so Saturday orders often miss a 48 h shipping SLA;
* they are delivered after a transit time that depends on the customer's region; the
  promised delivery date is fixed at checkout from the same region, so most deliveries
  land before or on the promised date and about one in ten is late;
* 3-11 % of delivered orders (more for apparel) are ``returned`` 1-25 days later and
  refunded in full (70 %) or in part.

The orders file of a day holds every order placed or changed that day as it stood at the
end of the day. Order lines are written once, on the day the order is placed, at the
product's list price at that moment (3 % of lines carry a small line markdown).

Payment amounts: a ``charge`` is the order's goods value minus its discount
(Σ quantity × unit_price − discount_amount). Shipping is free for the customer, there is no
separate tax line, and ``shipping_cost`` is what shipping cost the company. Refunds go back
to the payment method of the charge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opspulse.demo.catalogue import Catalogue
from opspulse.demo.changes import change_records
from opspulse.demo.draws import categorical, shares
from opspulse.demo.encoding import NO_MONEY, Count, Day, Ident, Label, Money, Timestamp
from opspulse.demo.records import Batch
from opspulse.demo.timeline import DAY, HOUR, MINUTE, NEVER, Timeline, end_of_day, weekday_of
from opspulse.demo.vocabulary import REGIONS
from opspulse.sources.contracts import CATEGORIES, ORDER_STATUSES, PAYMENT_METHODS, SALES_CHANNELS

ORDER_ID = Ident("O", 7)
ORDER_CODECS = {
    "order_id": ORDER_ID,
    "customer_id": Ident("C", 6),
    "ordered_at": Timestamp(),
    "status": Label(ORDER_STATUSES),
    "sales_channel": Label(SALES_CHANNELS),
    "session_id": Ident("S", 9),
    "campaign_id": Ident("CMP-", 4),
    "livestream_id": Ident("LS-", 4),
    "partner_id": Ident("PTN-", 3),
    "sales_rep_id": Ident("REP-", 3),
    "discount_amount": Money(),
    "shipping_cost": Money(),
    "promised_delivery_date": Day(),
    "shipped_at": Timestamp(),
    "delivered_at": Timestamp(),
    "cancelled_at": Timestamp(),
    "updated_at": Timestamp(),
}
ITEM_CODECS = {
    "order_item_id": Ident("OI", 8),
    "order_id": ORDER_ID,
    "product_id": Ident("P", 4),
    "quantity": Count(),
    "unit_price": Money(),
}
PAYMENT_TYPES = ("charge", "refund")
CHARGE, REFUND = 0, 1
PAYMENT_CODECS = {
    "payment_id": Ident("PAY", 8),
    "order_id": ORDER_ID,
    "payment_type": Label(PAYMENT_TYPES),
    "payment_method": Label(PAYMENT_METHODS),
    "amount": Money(),
    "paid_at": Timestamp(),
}

# lifecycle events, one column each in the event matrix, and the status each one sets
EVENTS = ("placed", "shipped", "delivered", "cancelled", "unavailable", "returned")
PLACED, SHIPPED, DELIVERED, CANCELLED, UNAVAILABLE, RETURNED = range(len(EVENTS))
EVENT_STATUS = np.array([ORDER_STATUSES.index(e) for e in EVENTS])

UNAVAILABLE_RATE = 0.015
CANCEL_RATE = np.array(
    [
        {"web": 0.045, "app": 0.04, "livestream": 0.06, "marketplace": 0.02, "partner": 0.01}[c]
        for c in SALES_CHANNELS
    ]
)
DISCOUNT_RATE = np.array(
    [
        {"web": 0.15, "app": 0.20, "livestream": 0.35, "marketplace": 0.05, "partner": 0.60}[c]
        for c in SALES_CHANNELS
    ]
)
EMAIL_CAMPAIGN_DISCOUNT_RATE = 0.5
DISCOUNT_PERCENTS = np.array([5, 10, 15, 20])
LINES = np.array([0.55, 0.27, 0.12, 0.06])  # 1-4 lines
QUANTITY = np.array([0.80, 0.15, 0.05])  # 1-3 units
MARKDOWN_RATE = 0.03
HANDLING_MEDIAN_HOURS = 18
RETURN_RATE = 0.03
APPAREL_RETURN_RATE = 0.11
FULL_REFUND_SHARE = 0.7

PROMISED_DAYS = np.array(
    [{"north_america": 5, "latam": 9, "europe": 4, "apac": 7}[r] for r in REGIONS]
)
TRANSIT_DAYS = np.array(
    [{"north_america": 2, "latam": 4, "europe": 1, "apac": 3}[r] for r in REGIONS]
)
TRANSIT_SPREAD = np.array(
    [{"north_america": 3, "latam": 4, "europe": 3, "apac": 4}[r] for r in REGIONS]
)
SHIPPING_CENTS = np.array(
    [{"north_america": 650, "latam": 1200, "europe": 520, "apac": 1100}[r] for r in REGIONS]
)
SHIPPING_CENTS_PER_EXTRA_UNIT = 80

_METHOD_MIX = {
    "default": {"card": 55, "paypal": 18, "apple_pay": 14, "gift_card": 6, "bank_transfer": 7},
    "marketplace": {"card": 70, "paypal": 30, "apple_pay": 0, "gift_card": 0, "bank_transfer": 0},
    "partner": {"card": 20, "paypal": 0, "apple_pay": 0, "gift_card": 0, "bank_transfer": 80},
}
METHOD_MIX = np.array(
    [shares(_METHOD_MIX.get(c, _METHOD_MIX["default"]), PAYMENT_METHODS) for c in SALES_CHANNELS]
)
_PARTNER = SALES_CHANNELS.index("partner")
_APPAREL = CATEGORIES.index("apparel")


@dataclass(frozen=True)
class OrderDraft:
    """The day's orders before their future is drawn, sorted by ``ordered_at``."""

    number: np.ndarray
    customer: np.ndarray
    region: np.ndarray
    ordered_at: np.ndarray
    sales_channel: np.ndarray
    session: np.ndarray
    campaign: np.ndarray
    livestream: np.ndarray
    partner: np.ndarray
    sales_rep: np.ndarray
    landing_product: np.ndarray
    """Product a web session landed on (it becomes the first line), else -1."""
    email_campaign: np.ndarray

    def __len__(self) -> int:
        return len(self.number)


@dataclass(frozen=True)
class OrderFates:
    """What will happen to each order (for the support desk), aligned with the draft."""

    number: np.ndarray
    customer: np.ndarray
    ordered_at: np.ndarray
    events: np.ndarray
    """``(orders, EVENTS)`` timestamps, -1 when the event never happens."""
    late: np.ndarray
    promised_end: np.ndarray
    """First second after the promised delivery date."""


@dataclass(frozen=True)
class PlacedOrders:
    orders: Batch
    items: Batch
    payments: Batch
    fates: OrderFates


def _lognormal_seconds(
    rng: np.random.Generator, median_hours: float, sigma: float, n: int
) -> np.ndarray:
    return 1 + (rng.lognormal(np.log(median_hours), sigma, n) * HOUR).astype(np.int64)


def _ship_times(rng: np.random.Generator, ordered_at: np.ndarray) -> np.ndarray:
    """Handling time, then the warehouse's hours: 06:00-22:00, closed on Sundays."""
    n = len(ordered_at)
    shipped = ordered_at + _lognormal_seconds(rng, HANDLING_MEDIAN_HOURS, 0.6, n)
    hour = shipped % DAY // HOUR
    opening = shipped // DAY * DAY + 6 * HOUR + rng.integers(0, 2 * HOUR, n)
    shipped = np.where(hour < 6, opening, np.where(hour >= 22, opening + DAY, shipped))
    return np.where(weekday_of(shipped) == 6, shipped + DAY, shipped)


def place_orders(
    rng: np.random.Generator,
    t: int,
    timeline: Timeline,
    catalogue: Catalogue,
    on_sale: tuple[np.ndarray, np.ndarray],
    draft: OrderDraft,
    first_item: int,
) -> PlacedOrders:
    n = len(draft)
    ordered_at = draft.ordered_at
    channel = draft.sales_channel

    # lines
    lines = 1 + categorical(rng, LINES, n)
    first_line = np.cumsum(lines) - lines
    line_order = np.repeat(np.arange(n), lines)
    product = catalogue.pick(rng, on_sale, len(line_order))
    from_landing = draft.landing_product >= 0
    product[first_line[from_landing]] = draft.landing_product[from_landing]
    quantity = np.where(
        channel[line_order] == _PARTNER,
        1 + rng.binomial(5, 0.3, len(line_order)),
        1 + categorical(rng, QUANTITY, len(line_order)),
    )
    unit_price = catalogue.price_at(product, ordered_at[line_order])
    markdown = rng.random(len(line_order)) < MARKDOWN_RATE
    unit_price = np.where(
        markdown,
        np.maximum(1, np.round(unit_price * (1 - rng.uniform(0.05, 0.2, len(line_order))))),
        unit_price,
    ).astype(np.int64)
    goods = np.add.reduceat(quantity * unit_price, first_line) if n else np.empty(0, np.int64)

    discount_rate = np.where(
        draft.email_campaign, EMAIL_CAMPAIGN_DISCOUNT_RATE, DISCOUNT_RATE[channel]
    )
    percent = np.where(
        channel == _PARTNER, rng.integers(5, 13, n), rng.choice(DISCOUNT_PERCENTS, n)
    )
    discount = np.where(rng.random(n) < discount_rate, np.round(goods * percent / 100), 0).astype(
        np.int64
    )
    amount = goods - discount

    # the future
    unavailable = rng.random(n) < UNAVAILABLE_RATE
    cancelled = ~unavailable & (rng.random(n) < CANCEL_RATE[channel])
    fulfilled = ~unavailable & ~cancelled
    shipped_at = _ship_times(rng, ordered_at)
    region = draft.region
    transit = TRANSIT_DAYS[region] + rng.binomial(TRANSIT_SPREAD[region], 0.35)
    delivered_at = (shipped_at // DAY + transit) * DAY + rng.integers(9 * HOUR, 20 * HOUR, n)
    promised = (ordered_at // DAY + PROMISED_DAYS[region]) * DAY
    return_rate = np.where(
        catalogue.category[product[first_line]] == _APPAREL, APPAREL_RETURN_RATE, RETURN_RATE
    )
    returned = fulfilled & (rng.random(n) < return_rate)

    events = np.full((n, len(EVENTS)), NEVER, dtype=np.int64)
    events[:, PLACED] = ordered_at
    events[:, SHIPPED] = np.where(fulfilled, shipped_at, NEVER)
    events[:, DELIVERED] = np.where(fulfilled, delivered_at, NEVER)
    events[:, CANCELLED] = np.where(
        cancelled,
        ordered_at + 1 + (rng.uniform(0.05, 0.9, n) * (shipped_at - ordered_at)).astype(np.int64),
        NEVER,
    )
    events[:, UNAVAILABLE] = np.where(
        unavailable, ordered_at + rng.integers(20 * MINUTE, 16 * HOUR, n), NEVER
    )
    events[:, RETURNED] = np.where(
        returned, delivered_at + rng.integers(1 * DAY, 25 * DAY, n), NEVER
    )

    units = np.add.reduceat(quantity, first_line) if n else np.empty(0, np.int64)
    shipping = np.round(
        (SHIPPING_CENTS[region] + SHIPPING_CENTS_PER_EXTRA_UNIT * (units - 1))
        * rng.uniform(0.85, 1.15, n)
    ).astype(np.int64)

    orders = _order_records(timeline, draft, events, discount, shipping, promised)
    items = Batch(
        np.full(len(line_order), t),
        {
            "order_item_id": first_item + np.arange(len(line_order)),
            "order_id": draft.number[line_order],
            "product_id": product + 1,
            "quantity": quantity,
            "unit_price": unit_price,
        },
    )
    payments = _payments(rng, timeline, draft, events, amount)
    fates = OrderFates(
        draft.number,
        draft.customer,
        ordered_at,
        events,
        late=fulfilled & (delivered_at >= promised + DAY),
        promised_end=promised + DAY,
    )
    return PlacedOrders(orders, items, payments, fates)


def _order_records(
    timeline: Timeline,
    draft: OrderDraft,
    events: np.ndarray,
    discount: np.ndarray,
    shipping: np.ndarray,
    promised: np.ndarray,
) -> Batch:
    rec = change_records(events, timeline)
    e = rec.entity
    return Batch(
        rec.day,
        {
            "order_id": draft.number[e],
            "customer_id": draft.customer[e] + 1,
            "ordered_at": draft.ordered_at[e],
            "status": EVENT_STATUS[rec.last_event],
            "sales_channel": draft.sales_channel[e],
            "session_id": draft.session[e],
            "campaign_id": draft.campaign[e],
            "livestream_id": draft.livestream[e],
            "partner_id": draft.partner[e],
            "sales_rep_id": draft.sales_rep[e],
            "discount_amount": discount[e],
            "shipping_cost": np.where(rec.happened[:, SHIPPED], shipping[e], NO_MONEY),
            "promised_delivery_date": promised[e],
            "shipped_at": rec.as_of_day_end(events[:, SHIPPED]),
            "delivered_at": rec.as_of_day_end(events[:, DELIVERED]),
            "cancelled_at": rec.as_of_day_end(events[:, CANCELLED]),
            "updated_at": rec.updated_at,
        },
    )


def _payments(
    rng: np.random.Generator,
    timeline: Timeline,
    draft: OrderDraft,
    events: np.ndarray,
    amount: np.ndarray,
) -> Batch:
    """Charges at checkout, refunds on the day of a cancellation or a return."""
    n = len(draft)
    method = (rng.random(n)[:, None] > np.cumsum(METHOD_MIX[draft.sales_channel], axis=1)).sum(
        axis=1
    )
    charged = events[:, UNAVAILABLE] == NEVER
    cancelled = events[:, CANCELLED] != NEVER
    returned = events[:, RETURNED] != NEVER
    partial = np.maximum(1, np.round(amount * rng.uniform(0.3, 0.8, n))).astype(np.int64)
    return_refund = np.where(rng.random(n) < FULL_REFUND_SHARE, amount, partial)

    def refund_time(at: np.ndarray) -> np.ndarray:
        return np.minimum(at + rng.integers(MINUTE, 4 * HOUR, n), end_of_day(at))

    parts = (
        (charged, CHARGE, draft.ordered_at + rng.integers(2, 90, n), amount),
        (cancelled, REFUND, refund_time(events[:, CANCELLED]), amount),
        (returned, REFUND, refund_time(events[:, RETURNED]), return_refund),
    )
    order, kind, paid_at, value = [], [], [], []
    for mask, payment_type, when, how_much in parts:
        index = np.flatnonzero(mask)
        order.append(index)
        kind.append(np.full(len(index), payment_type))
        paid_at.append(when[index])
        value.append(how_much[index])
    order, paid_at = np.concatenate(order), np.concatenate(paid_at)
    return Batch(
        timeline.day_index(paid_at),
        {
            "order_id": draft.number[order],
            "payment_type": np.concatenate(kind),
            "payment_method": method[order],
            "amount": np.concatenate(value),
            "paid_at": paid_at,
        },
    )
