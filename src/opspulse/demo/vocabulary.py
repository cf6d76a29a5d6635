"""The demo company's fixed vocabulary: where customers live, what it sells, what people write.

Everything here is invented. Emails use the reserved ``example.*`` domains, so no generated
address can reach a real person. Values that the contract restricts (categories, channels,
statuses) are never restated here: the simulator takes them from
:mod:`opspulse.sources.contracts`; this module only adds the colour around them.
"""

from __future__ import annotations

from dataclasses import dataclass

from opspulse.sources.contracts import CATEGORIES, TICKET_CATEGORIES

REGIONS = ("north_america", "latam", "europe", "apac")

# country code, share of customers, region (index into REGIONS), calling code
COUNTRIES: tuple[tuple[str, float, int, str], ...] = (
    ("US", 30, 0, "1"),
    ("CA", 6, 0, "1"),
    ("MX", 2, 1, "52"),
    ("BR", 3, 1, "55"),
    ("GB", 12, 2, "44"),
    ("DE", 10, 2, "49"),
    ("FR", 7, 2, "33"),
    ("NL", 4, 2, "31"),
    ("ES", 4, 2, "34"),
    ("IT", 4, 2, "39"),
    ("SE", 3, 2, "46"),
    ("PL", 3, 2, "48"),
    ("AU", 6, 3, "61"),
    ("JP", 4, 3, "81"),
    ("SG", 2, 3, "65"),
)

FIRST_NAMES = tuple(
    (
        "ada alex amara ana ben carla chen chloe daniel diego elena emma farah felix grace "
        "hana hugo ines isaac jonas julia kai kofi lara leo lina lucas maja marco maria mei "
        "mila nadia noah olga omar priya rafael rosa sam sara sofia tariq theo uma vera yuki "
        "zoe"
    ).split()
)
LAST_NAMES = tuple(
    (
        "adams almeida andersson bauer becker brown costa dubois evans fischer garcia gomez "
        "hansen ito jansen kim kowalski lee lopez martin meyer moreau murphy nakamura nguyen "
        "novak oliveira patel petrov quinn rossi sanchez santos schmidt silva singh smith "
        "tanaka taylor thomas visser wagner walker wang weber williams wilson zhang"
    ).split()
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


@dataclass(frozen=True)
class CategoryProfile:
    """How one product category looks in the catalogue."""

    sku_code: str
    share: float
    median_cost: float
    brands: tuple[str, ...]
    nouns: tuple[str, ...]


CATEGORY_PROFILES: dict[str, CategoryProfile] = {
    "apparel": CategoryProfile(
        "APP",
        0.20,
        14.0,
        ("Northwind", "Loomcraft", "Urban Fold"),
        ("T-Shirt", "Hoodie", "Jeans", "Jacket", "Sneakers", "Dress"),
    ),
    "beauty": CategoryProfile(
        "BEA",
        0.12,
        7.0,
        ("Glowly", "Petal & Co", "Dermaline"),
        ("Serum", "Lip Balm", "Face Mask", "Shampoo", "Body Lotion"),
    ),
    "electronics": CategoryProfile(
        "ELE",
        0.12,
        55.0,
        ("Voltix", "Soundry", "Pixelon"),
        ("Earbuds", "Power Bank", "Speaker", "Smartwatch", "Charger"),
    ),
    "home": CategoryProfile(
        "HOM",
        0.14,
        18.0,
        ("Hearth", "Casa Nova", "Linenhouse"),
        ("Throw Blanket", "Cushion", "Lamp", "Vase", "Duvet Cover"),
    ),
    "kitchen": CategoryProfile(
        "KIT",
        0.12,
        15.0,
        ("Copperpot", "Chefline", "Brewhaus"),
        ("Chef Knife", "Pan", "Kettle", "Mug Set", "Cutting Board"),
    ),
    "outdoor": CategoryProfile(
        "OUT",
        0.10,
        24.0,
        ("Trailhead", "Summit", "Wildgrove"),
        ("Backpack", "Tent", "Water Bottle", "Headlamp", "Rain Shell"),
    ),
    "toys": CategoryProfile(
        "TOY",
        0.10,
        9.0,
        ("Tinker", "Playloop", "Kitebox"),
        ("Puzzle", "Building Set", "Plush Bear", "Board Game", "Kite"),
    ),
    "books": CategoryProfile(
        "BOO",
        0.10,
        6.0,
        ("Paperlane", "Inkwell Press", "Open Shelf"),
        ("Cookbook", "Novel", "Travel Guide", "Journal", "Atlas"),
    ),
}
assert tuple(CATEGORY_PROFILES) == CATEGORIES, "one profile per contract category, same order"

ADJECTIVES = tuple(
    (
        "Classic Essential Everyday Pro Lite Deluxe Eco Compact Soft Signature Vintage Modern "
        "Travel Premium Mini"
    ).split()
)

BLOG_SLUGS = tuple(
    (
        "how-to-choose-running-shoes spring-skincare-routine best-gifts-under-50 "
        "cosy-home-ideas one-pan-dinners weekend-hiking-checklist screen-free-play "
        "books-for-long-flights wireless-earbuds-compared capsule-wardrobe-basics "
        "coffee-brewing-guide camping-with-kids desk-setup-tips sustainable-kitchen"
    ).split()
)

# Ticket subjects per category; "{order}" is replaced by the order id (or "my order").
# Some carry commas and double quotes on purpose: the CSV dialect must survive them.
TICKET_SUBJECTS: dict[str, tuple[str, ...]] = {
    "delivery": (
        "Where is my order {order}?",
        "Order {order} is late",
        "Tracking has not updated for {order}",
        "Parcel marked delivered, not here",
    ),
    "refund": (
        "Refund for {order}",
        "When do I get my money back?",
        'Refund missing, order {order} says "cancelled"',
    ),
    "product": (
        'Item arrived damaged, "box crushed"',
        "Wrong size in {order}",
        "Product not as described",
        "Missing part in {order}",
    ),
    "account": (
        "Cannot log in",
        "Please update my email address",
        "Delete my account",
        "Password reset link not working",
    ),
    "payment": (
        "Charged twice for {order}",
        "Card declined but money taken",
        "Invoice needed for {order}",
    ),
    "complaint": (
        "Very disappointed with {order}",
        "Nobody answered my email, again",
        "Out of stock after I paid for {order}",
    ),
}
assert tuple(TICKET_SUBJECTS) == TICKET_CATEGORIES, "one subject list per contract category"
