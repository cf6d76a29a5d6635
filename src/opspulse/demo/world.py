"""The demo company, simulated one day at a time.

:class:`World` keeps the state that lasts (catalogue, customers, id counters, rows waiting
for a later export day) and, for each day, draws the catalogue changes, profile updates,
web sessions, orders from every sales channel, their lines, payments and lifecycle, and the
support tickets they cause. :meth:`World.export` then hands out that day's rows of every
source as Arrow tables shaped by the source contract.

Randomness: day ``t`` draws from its own stream, ``SeedSequence(seed, spawn_key=(t + 1,))``
(the starting population from stream 0), and nothing a day draws depends on the end date.
So the files of a day are the same whether the run stops on that day or months later: a
longer run extends a shorter one.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from opspulse.demo import catalogue as catalogue_module
from opspulse.demo import customers as customers_module
from opspulse.demo import orders as orders_module
from opspulse.demo import support
from opspulse.demo.catalogue import Catalogue
from opspulse.demo.customers import SIGNUP_CHANNELS, Customers
from opspulse.demo.draws import categorical
from opspulse.demo.encoding import (
    Codec,
    Count,
    Ident,
    Label,
    Text,
    Timestamp,
    empty_table,
    to_table,
)
from opspulse.demo.orders import OrderDraft, place_orders
from opspulse.demo.records import Backlog, Batch
from opspulse.demo.sales_channels import ChannelOrders, simulate_channel_orders
from opspulse.demo.timeline import MINUTE, NEVER, SHOPPING_HOURS, Timeline, times_in_day
from opspulse.demo.traffic import PRODUCT, Sessions, landing_pages, simulate_sessions
from opspulse.sources.contracts import CORE_SOURCES, DEVICES, SALES_CHANNELS, TRAFFIC_CHANNELS

SIGNED_IN_SHARE = 0.22
"""Share of non-buying sessions where a customer is signed in."""
NEW_BUYER_SHARE = 0.33
"""Share of web and app buyers who open their account during the session."""
BROWSING_SIGNUPS_AT_SCALE_1 = 40
"""Daily sign-ups that do not buy the same day (newsletter, wish lists)."""
RETURNING_VISITOR_SHARE = 0.3
"""Share of anonymous sessions from a browser seen before."""

SESSION_CODECS: dict[str, Codec] = {
    "session_id": Ident("S", 9),
    "visitor_id": Ident("V", 8),
    "customer_id": Ident("C", 6),
    "started_at": Timestamp(),
    "ended_at": Timestamp(),
    "device": Label(DEVICES),
    "traffic_channel": Label(TRAFFIC_CHANNELS),
    "campaign_id": Ident("CMP-", 4),
    "landing_page": Text(),
    "page_views": Count(),
    "add_to_cart_events": Count(),
}
CODECS: dict[str, dict[str, Codec]] = {
    "customers": customers_module.CODECS,
    "products": catalogue_module.CODECS,
    "orders": orders_module.ORDER_CODECS,
    "order_items": orders_module.ITEM_CODECS,
    "payments": orders_module.PAYMENT_CODECS,
    "web_sessions": SESSION_CODECS,
    "support_tickets": support.CODECS,
}
# rows of a day's file are sorted by these columns
SORT_KEYS = {
    "customers": ("customer_id",),
    "products": ("product_id",),
    "orders": ("order_id",),
    "order_items": ("order_item_id",),
    "payments": ("paid_at", "order_id", "payment_type"),
    "web_sessions": ("session_id",),
    "support_tickets": ("ticket_id",),
}
_WEB, _APP = SALES_CHANNELS.index("web"), SALES_CHANNELS.index("app")
_LIVESTREAM_TRAFFIC = TRAFFIC_CHANNELS.index("livestream")
_EMAIL_TRAFFIC = TRAFFIC_CHANNELS.index("email")
_LIVESTREAM_SALES = SALES_CHANNELS.index("livestream")


def _latest_per_key(columns, order: np.ndarray, key: str, updated_at: str) -> np.ndarray:
    """A change-record file holds one row per key: the last version written that day."""
    by_key_then_time = np.lexsort([columns[updated_at], columns[key]])
    keys = columns[key][by_key_then_time]
    last = np.r_[keys[1:] != keys[:-1], True]
    keep = np.zeros(len(keys), dtype=bool)
    keep[by_key_then_time[last]] = True
    return order[keep[order]]


class World:
    """The simulated company over ``days`` days from ``start``."""

    def __init__(self, start: date, days: int, *, scale: float, seed: int) -> None:
        self.timeline = Timeline(start, days)
        self.scale = scale
        self.seed = seed
        rng = self._rng(0)
        self.catalogue = Catalogue(self.timeline, rng, scale)
        self.customers = Customers(self.timeline, rng, scale)
        self.backlog = Backlog(days)
        self.backlog.add("products", self.catalogue.initial_records())
        self.backlog.add("customers", self.customers.records(np.arange(len(self.customers)), 0))
        self.next_visitor = len(self.customers) + 1
        self.next_session = 1
        self.next_order = 1
        self.next_item = 1
        self.next_payment = 1
        self.next_ticket = 1
        self.ticket_numbers = np.empty(0, dtype=np.int64)
        """Public number of each ticket (by internal number - 1), -1 until first written."""

    def _rng(self, stream: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(stream,)))

    def _new_visitors(self, n: int) -> np.ndarray:
        numbers = self.next_visitor + np.arange(n)
        self.next_visitor += n
        return numbers

    def simulate_day(self, t: int) -> None:
        """Draw day ``t`` and queue its rows (and the later rows it causes) for export."""
        rng = self._rng(t + 1)
        timeline, catalogue, customers = self.timeline, self.catalogue, self.customers
        existing = customers.created_before(timeline.day_start(t))

        self.backlog.add("products", catalogue.simulate_day(t, rng))
        updated = customers.update_profiles(rng, t)
        on_sale = catalogue.cumulative_popularity(t)
        sessions = simulate_sessions(
            rng, t, timeline, self.scale, lambda n: catalogue.pick(rng, on_sale, n)
        )
        channel_orders = simulate_channel_orders(rng, t, timeline, self.scale)
        new, session_customer, order_customer = self._sign_up_and_match(
            rng, t, sessions, channel_orders, existing
        )
        self.backlog.add("customers", customers.records(np.sort(np.r_[updated, new]), t))
        session_number = self._record_sessions(rng, t, sessions, session_customer)

        draft = self._draft_orders(
            sessions, session_number, session_customer, channel_orders, order_customer
        )
        placed = place_orders(rng, t, timeline, catalogue, on_sale, draft, self.next_item)
        self.next_item += len(placed.items)
        self.backlog.add("orders", placed.orders)
        self.backlog.add("order_items", placed.items)
        self.backlog.add("payments", placed.payments)

        about_accounts = support.account_tickets(
            rng, timeline.day_start(t), len(draft), lambda n: customers.pick(rng, n, existing)
        )
        for tickets in (support.tickets_about_orders(rng, placed.fates), about_accounts):
            first = len(self.ticket_numbers) + 1
            self.ticket_numbers = np.r_[self.ticket_numbers, np.full(len(tickets), NEVER)]
            self.backlog.add("support_tickets", support.open_tickets(rng, timeline, tickets, first))

    def _sign_up_and_match(
        self,
        rng: np.random.Generator,
        t: int,
        sessions: Sessions,
        channel_orders: ChannelOrders,
        existing: int,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Open today's accounts, then say who is behind each session and channel order.

        New accounts: a third of web and app buyers sign up during their session, some
        livestream, marketplace and partner buyers sign up just before ordering, and some
        visitors sign up without buying. Everyone else is an existing customer (or, for most
        sessions that do not buy, nobody signed in). Returns the new accounts, the customer
        of each session (-1 if anonymous) and the customer of each channel order.
        """
        customers = self.customers
        day_start = self.timeline.day_start(t)
        n_sessions = len(sessions)
        new_buyer = sessions.converts & (rng.random(n_sessions) < NEW_BUYER_SHARE)
        signed_in = sessions.converts | (rng.random(n_sessions) < SIGNED_IN_SHARE)
        web_new = np.flatnonzero(new_buyer)
        web_created = sessions.started_at[web_new] + (
            rng.random(len(web_new)) * (sessions.ordered_at[web_new] - sessions.started_at[web_new])
        ).astype(np.int64)
        channel_new = np.flatnonzero(channel_orders.new_customer)
        channel_created = np.maximum(
            day_start,
            channel_orders.ordered_at[channel_new]
            - rng.integers(MINUTE, 20 * MINUTE, len(channel_new)),
        )
        channel_signup = np.where(
            channel_orders.sales_channel[channel_new] == _LIVESTREAM_SALES,
            _LIVESTREAM_TRAFFIC,
            NEVER,
        )
        n_browsing = rng.poisson(BROWSING_SIGNUPS_AT_SCALE_1 * self.scale * self.timeline.demand(t))
        created = np.r_[
            web_created, channel_created, times_in_day(rng, n_browsing, day_start, SHOPPING_HOURS)
        ]
        signup_channel = np.r_[
            sessions.channel[web_new], channel_signup, categorical(rng, SIGNUP_CHANNELS, n_browsing)
        ]
        new = customers.sign_up(rng, created, signup_channel, self._new_visitors(len(created)))

        session_customer = np.full(n_sessions, NEVER)
        session_customer[web_new] = new[: len(web_new)]
        returning = signed_in & ~new_buyer
        session_customer[returning] = customers.pick(rng, int(returning.sum()), existing)
        order_customer = np.full(len(channel_orders.ordered_at), NEVER)
        order_customer[channel_new] = new[len(web_new) : len(web_new) + len(channel_new)]
        walk_in = order_customer == NEVER
        order_customer[walk_in] = customers.pick(rng, int(walk_in.sum()), existing)
        return new, session_customer, order_customer

    def _record_sessions(
        self, rng: np.random.Generator, t: int, sessions: Sessions, session_customer: np.ndarray
    ) -> np.ndarray:
        """Number the day's sessions, give each a visitor id and queue them; returns numbers."""
        visitor = np.where(
            session_customer >= 0, self.customers.visitor[np.maximum(session_customer, 0)], NEVER
        )
        anonymous = np.flatnonzero(visitor == NEVER)
        seen = rng.random(len(anonymous)) < RETURNING_VISITOR_SHARE
        visitor[anonymous[seen]] = rng.integers(1, self.next_visitor, int(seen.sum()))
        visitor[anonymous[~seen]] = self._new_visitors(int((~seen).sum()))

        number = self.next_session + np.arange(len(sessions))
        self.next_session += len(sessions)
        columns = {
            "session_id": number,
            "visitor_id": visitor,
            "customer_id": np.where(session_customer >= 0, session_customer + 1, NEVER),
            "started_at": sessions.started_at,
            "ended_at": sessions.ended_at,
            "device": sessions.device,
            "traffic_channel": sessions.channel,
            "campaign_id": sessions.campaign,
            "landing_page": landing_pages(
                sessions.landing_kind, sessions.landing_ref, catalogue_module.product_ids
            ),
            "page_views": sessions.page_views,
            "add_to_cart_events": sessions.add_to_cart,
        }
        self.backlog.add("web_sessions", Batch(np.full(len(sessions), t), columns))
        return number

    def _draft_orders(
        self,
        sessions: Sessions,
        session_number: np.ndarray,
        session_customer: np.ndarray,
        channel_orders: ChannelOrders,
        order_customer: np.ndarray,
    ) -> OrderDraft:
        """The day's web, app and channel orders together, numbered in order of placement."""
        buy = np.flatnonzero(sessions.converts)
        web = np.full(len(buy), NEVER)
        other = np.full(len(channel_orders.ordered_at), NEVER)
        ordered_at = np.r_[sessions.ordered_at[buy], channel_orders.ordered_at]
        order = np.argsort(ordered_at, kind="stable")
        customer = np.r_[session_customer[buy], order_customer][order]
        campaign = np.r_[sessions.campaign[buy], other][order]
        via_email = np.r_[sessions.channel[buy] == _EMAIL_TRAFFIC, np.zeros(len(other), bool)][
            order
        ]
        landing_product = np.where(
            sessions.landing_kind[buy] == PRODUCT, sessions.landing_ref[buy], NEVER
        )
        number = self.next_order + np.arange(len(order))
        self.next_order += len(order)
        return OrderDraft(
            number=number,
            customer=customer,
            region=self.customers.region[customer],
            ordered_at=ordered_at[order],
            sales_channel=np.r_[
                np.where(sessions.in_app[buy], _APP, _WEB), channel_orders.sales_channel
            ][order],
            session=np.r_[session_number[buy], other][order],
            campaign=campaign,
            livestream=np.r_[web, channel_orders.livestream][order],
            partner=np.r_[web, channel_orders.partner][order],
            sales_rep=np.r_[web, channel_orders.sales_rep][order],
            landing_product=np.r_[landing_product, other][order],
            email_campaign=via_email & (campaign != NEVER),
        )

    def export(self, t: int) -> dict[str, pa.Table]:
        """Every source's rows for day ``t``, as contract-shaped tables (possibly empty)."""
        tables = {}
        for source in CORE_SOURCES:
            batch = self.backlog.release(source.name, t)
            if batch is None:
                tables[source.name] = empty_table(source)
                continue
            columns = dict(batch.columns)
            if source.name == "support_tickets":
                columns["ticket_id"] = self._ticket_numbers(
                    columns.pop("ticket"), columns["opened_at"]
                )
            order = np.lexsort([columns[k] for k in reversed(SORT_KEYS[source.name])])
            if source.updated_at is not None:
                order = _latest_per_key(
                    columns, order, SORT_KEYS[source.name][0], source.updated_at
                )
            columns = {k: v[order] for k, v in columns.items()}
            if source.name == "payments":
                columns["payment_id"] = self.next_payment + np.arange(len(order))
                self.next_payment += len(order)
            tables[source.name] = to_table(source, columns, CODECS[source.name])
        return tables

    def _ticket_numbers(self, internal: np.ndarray, opened_at: np.ndarray) -> np.ndarray:
        """Public ticket numbers; tickets first written today get theirs in order of opening."""
        tickets, first_row = np.unique(internal, return_index=True)
        unseen = self.ticket_numbers[tickets - 1] == NEVER
        tickets, opened = tickets[unseen], opened_at[first_row[unseen]]
        tickets = tickets[np.lexsort([tickets, opened])]
        self.ticket_numbers[tickets - 1] = self.next_ticket + np.arange(len(tickets))
        self.next_ticket += len(tickets)
        return self.ticket_numbers[internal - 1]
