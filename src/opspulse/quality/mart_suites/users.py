"""User operations marts: ranges and subsets of customers."""

from opspulse.quality.suites import MartSpec

MARTS = (
    MartSpec(
        name="rpt_users__daily",
        headline=("new_customers", "active_customers", "pct_repeat_purchase", "avg_csat_score"),
        ratios=("pct_repeat_purchase", "pct_churn"),
        money=("avg_customer_lifetime_value",),
        counts=(
            "new_customers",
            "active_customers",
            "customers_with_order",
            "repeat_customers",
            "churned_customers",
            "tickets_opened",
            "tickets_resolved",
        ),
        bounded={"avg_csat_score": (1, 5, "CSAT averages run from 1 to 5")},
        ordered_pairs=(
            ("customers_with_order", "repeat_customers", "repeat customers are a subset of buyers"),
            ("active_customers", "new_customers", "new customers are active customers"),
        ),
    ),
)
