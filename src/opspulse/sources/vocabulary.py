"""Value lists shared by several sources (and the demo company that writes them).

``ORDER_STATUSES`` and ``TICKET_STATUSES`` are closed (``Column.accepted_values``): the KPI
conventions are defined on them. The others are the demo company's values, documented as
examples (``Column.example_values``): a company's own values load as well.
"""

ORDER_STATUSES = ("placed", "shipped", "delivered", "cancelled", "unavailable", "returned")
SALES_CHANNELS = ("web", "app", "livestream", "marketplace", "partner")
PAYMENT_METHODS = ("card", "paypal", "apple_pay", "gift_card", "bank_transfer")
DEVICES = ("desktop", "mobile", "tablet")
TRAFFIC_CHANNELS = ("organic", "paid_search", "social", "email", "direct", "referral", "livestream")
CATEGORIES = ("apparel", "beauty", "electronics", "home", "kitchen", "outdoor", "toys", "books")
TICKET_CATEGORIES = ("delivery", "refund", "product", "account", "payment", "complaint")
TICKET_STATUSES = ("open", "pending", "resolved")
