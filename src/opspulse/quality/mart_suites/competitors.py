"""Competitor monitoring mart: price index ranges and subsets of observed products."""

from opspulse.quality.suites import MartSpec, Usual

MARTS = (
    MartSpec(
        name="rpt_competitors__price_index",
        headline=(),
        grain=("competitor", "category"),
        ratios=("pct_competitor_in_stock",),
        counts=("observations", "products_observed", "products_over_10pct_more_expensive"),
        bounded={"avg_price_index": (0, None, "price indices are never negative")},
        usual=(Usual("avg_price_index", "max_price_index", "price indices are unusual"),),
        ordered_pairs=(
            (
                "observations",
                "products_observed",
                "observed products never outnumber observations",
            ),
            (
                "products_observed",
                "products_over_10pct_more_expensive",
                "products over 10 % dearer are a subset of observed products",
            ),
        ),
    ),
)
