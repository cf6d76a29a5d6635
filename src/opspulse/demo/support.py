"""The support desk: tickets raised about orders (and a few about accounts), and their fate.

Whether an order leads to a ticket depends on what happens to it: one in five late
deliveries, a quarter of unavailable and returned orders, one in eight cancellations and
1.5 % of smooth deliveries, which gives about 5 tickets per 100 orders. The ticket is
opened some hours after the event that annoyed the customer, first answered within hours
(faster for high priority: status ``pending``), resolved about a day later, and 6 % are
reopened once and resolved again. 80 % of customers leave a CSAT score (1-5) at the final
resolution; late deliveries and complaints score lower. Account questions (no order) come
in at about 0.4 per 100 orders.

A ticket's id is given when its first record is written, in order of ``opened_at``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opspulse.demo.changes import change_records
from opspulse.demo.draws import categorical
from opspulse.demo.encoding import Count, Ident, Label, Text, Timestamp
from opspulse.demo.orders import (
    CANCELLED,
    DELIVERED,
    ORDER_ID,
    RETURNED,
    UNAVAILABLE,
    OrderFates,
)
from opspulse.demo.records import Batch
from opspulse.demo.timeline import DAY, HOUR, NEVER, SHOPPING_HOURS, Timeline, times_in_day
from opspulse.demo.vocabulary import TICKET_SUBJECTS
from opspulse.sources.contracts import TICKET_CATEGORIES, TICKET_STATUSES

PRIORITIES = ("low", "normal", "high")
CODECS = {
    "ticket_id": Ident("T", 6),
    "customer_id": Ident("C", 6),
    "order_id": ORDER_ID,
    "category": Label(TICKET_CATEGORIES),
    "priority": Label(PRIORITIES),
    "status": Label(TICKET_STATUSES),
    "subject": Text(),
    "opened_at": Timestamp(),
    "first_response_at": Timestamp(),
    "resolved_at": Timestamp(),
    "csat_score": Count(),
    "reopen_count": Count(),
    "updated_at": Timestamp(),
}

EVENTS = ("opened", "answered", "resolved", "reopened", "resolved_again")
OPENED, ANSWERED, RESOLVED, REOPENED, RESOLVED_AGAIN = range(len(EVENTS))
EVENT_STATUS = np.array(
    [TICKET_STATUSES.index(s) for s in ("open", "pending", "resolved", "open", "resolved")]
)
_CATEGORY = {name: i for i, name in enumerate(TICKET_CATEGORIES)}


def _mix(**weights: float) -> np.ndarray:
    p = np.zeros(len(TICKET_CATEGORIES))
    for name, w in weights.items():
        p[_CATEGORY[name]] = w
    return p / p.sum()


# reason: ticket probability, category mix, mean hours from the event to the ticket
REASONS = (
    ("unavailable", 0.25, _mix(complaint=1, refund=1), 3),
    ("cancelled", 0.12, _mix(refund=3, payment=2), 4),
    ("returned", 0.25, _mix(refund=1, product=1), 12),
    ("late", 0.20, _mix(delivery=1), 10),
    ("delivered", 0.015, _mix(product=9, delivery=3, complaint=3, payment=5), 30),
)
ACCOUNT_TICKETS_PER_ORDER = 0.004
ACCOUNT_MIX = _mix(account=4, payment=1)
HIGH_PRIORITY = np.array(
    [
        {
            "delivery": 0.3,
            "refund": 0.2,
            "product": 0.15,
            "account": 0.05,
            "payment": 0.25,
            "complaint": 0.4,
        }[c]
        for c in TICKET_CATEGORIES
    ]
)
LOW_PRIORITY = 0.2
FIRST_RESPONSE_MEDIAN_HOURS = np.array([6.0, 3.0, 1.0])  # low, normal, high
RESOLUTION_MEDIAN_HOURS = 16
REOPEN_RATE = 0.06
CSAT_RATE = 0.8
_UNHAPPY = {_CATEGORY["delivery"], _CATEGORY["complaint"]}
CSAT_UNHAPPY = np.array([0.15, 0.15, 0.25, 0.25, 0.20])
CSAT_HAPPY = np.array([0.05, 0.07, 0.18, 0.35, 0.35])

_TEMPLATES = [tuple(TICKET_SUBJECTS[c]) for c in TICKET_CATEGORIES]


@dataclass(frozen=True)
class NewTickets:
    """Tickets decided today (opened today or later), as parallel arrays."""

    customer: np.ndarray
    order: np.ndarray
    category: np.ndarray
    opened_at: np.ndarray

    def __len__(self) -> int:
        return len(self.customer)


def tickets_about_orders(rng: np.random.Generator, fates: OrderFates) -> NewTickets:
    """Which of today's orders will lead to a ticket, about what, and when."""
    events = fates.events
    anchors = (
        events[:, UNAVAILABLE],
        events[:, CANCELLED],
        events[:, RETURNED],
        np.where(fates.late, fates.promised_end + 8 * HOUR, NEVER),
        events[:, DELIVERED],
    )
    reason = np.full(len(fates.number), -1)
    anchor = np.full(len(fates.number), NEVER)
    for code, at in reversed(list(enumerate(anchors))):  # the first matching reason wins
        mine = at != NEVER
        reason[mine], anchor[mine] = code, at[mine]
    raised = np.zeros(len(reason), dtype=bool)
    category = np.full(len(reason), -1)
    delay = np.zeros(len(reason), dtype=np.int64)
    for code, (_, probability, mix, mean_hours) in enumerate(REASONS):
        mine = np.flatnonzero(reason == code)
        raised[mine] = rng.random(len(mine)) < probability
        category[mine] = categorical(rng, mix, len(mine))
        delay[mine] = 60 + (rng.exponential(mean_hours, len(mine)) * HOUR).astype(np.int64)
    who = np.flatnonzero(raised)
    return NewTickets(
        fates.customer[who], fates.number[who], category[who], anchor[who] + delay[who]
    )


def account_tickets(
    rng: np.random.Generator, day_start: int, orders_today: int, pick_customers
) -> NewTickets:
    n = rng.poisson(ACCOUNT_TICKETS_PER_ORDER * orders_today)
    return NewTickets(
        pick_customers(n),
        np.full(n, NEVER),
        categorical(rng, ACCOUNT_MIX, n),
        times_in_day(rng, n, day_start, SHOPPING_HOURS),
    )


def _subjects(rng: np.random.Generator, category: np.ndarray, order: np.ndarray) -> np.ndarray:
    subject = np.empty(len(category), dtype=object)
    order_text = np.where(order == NEVER, "my order", ORDER_ID.text(np.maximum(order, 0)))
    for code, templates in enumerate(_TEMPLATES):
        mine = np.flatnonzero(category == code)
        pick = rng.integers(0, len(templates), len(mine))
        for i, template in enumerate(templates):
            rows = mine[pick == i]
            before, _, after = template.partition("{order}")
            text = (
                np.strings.add(np.strings.add(before, order_text[rows]), after)
                if ("{order}" in template)
                else np.full(len(rows), before)
            )
            subject[rows] = text
    return subject.astype(str) if len(subject) else np.empty(0, dtype=str)


def open_tickets(
    rng: np.random.Generator, timeline: Timeline, tickets: NewTickets, first_internal: int
) -> Batch:
    """Draw each ticket's life and return its change records.

    Rows carry ``ticket`` (an internal number, mapped to the public id when the first
    record is written) instead of ``ticket_id``.
    """
    n = len(tickets)
    category = tickets.category
    u = rng.random(n)
    priority = np.where(u < HIGH_PRIORITY[category], 2, np.where(u > 1 - LOW_PRIORITY, 0, 1))
    opened = tickets.opened_at
    answered = (
        opened
        + 1
        + (rng.lognormal(0, 0.8, n) * FIRST_RESPONSE_MEDIAN_HOURS[priority] * HOUR).astype(np.int64)
    )
    resolved = (
        answered
        + 1
        + (rng.lognormal(np.log(RESOLUTION_MEDIAN_HOURS), 1.0, n) * HOUR).astype(np.int64)
    )
    reopen = rng.random(n) < REOPEN_RATE
    reopened = resolved + rng.integers(2 * HOUR, 3 * DAY, n)
    resolved_again = reopened + 1 + (rng.lognormal(np.log(8), 0.8, n) * HOUR).astype(np.int64)
    unhappy = np.isin(category, list(_UNHAPPY))
    score = (
        np.where(unhappy, categorical(rng, CSAT_UNHAPPY, n), categorical(rng, CSAT_HAPPY, n)) + 1
    )
    score = np.where(reopen, np.maximum(1, score - 1), score)
    score = np.where(rng.random(n) < CSAT_RATE, score, NEVER)
    subject = _subjects(rng, category, tickets.order)

    events = np.column_stack(
        [
            opened,
            answered,
            resolved,
            np.where(reopen, reopened, NEVER),
            np.where(reopen, resolved_again, NEVER),
        ]
    )
    rec = change_records(events, timeline)
    e = rec.entity
    status = EVENT_STATUS[rec.last_event]
    is_resolved = status == TICKET_STATUSES.index("resolved")
    final = rec.last_event == np.where(reopen[e], RESOLVED_AGAIN, RESOLVED)
    return Batch(
        rec.day,
        {
            "ticket": first_internal + e,
            "customer_id": tickets.customer[e] + 1,
            "order_id": tickets.order[e],
            "category": category[e],
            "priority": priority[e],
            "status": status,
            "subject": subject[e],
            "opened_at": opened[e],
            "first_response_at": rec.as_of_day_end(answered),
            "resolved_at": np.where(is_resolved, rec.updated_at, NEVER),
            "csat_score": np.where(is_resolved & final, score[e], NEVER),
            "reopen_count": rec.happened[:, REOPENED].astype(np.int64),
            "updated_at": rec.updated_at,
        },
    )
