"""Website operations: traffic, conversion, channels, landing pages and A/B tests (KPIS.md §4)."""

from opspulse.reports.roles import Field, Role, TableSection, Tile

ROLE = Role(
    name="website",
    title="Website",
    mart="rpt_website__daily",
    tiles=(
        Tile("sessions", "Sessions", "count"),
        Tile("pct_conversion", "Conversion rate", "pct"),
        Tile("pct_bounce", "Bounce rate", "pct", up_is_good=False),
        Tile("unique_visitors", "Unique visitors", "count"),
    ),
    sections=(
        TableSection(
            title="Sessions by channel and device",
            mart="rpt_website__by_channel",
            label=Field("segment", "Channel / device", "text"),
            columns=(
                Field("sessions", "Sessions", "count"),
                Field("pct_sessions", "Share", "pct"),
                Field("pct_conversion", "Conversion", "pct"),
            ),
            order_by="sessions",
            limit=12,
        ),
        TableSection(
            title="Top landing pages",
            mart="rpt_website__landing_pages",
            label=Field("landing_page", "Page", "text"),
            columns=(
                Field("sessions", "Sessions", "count"),
                Field("pct_conversion", "Conversion", "pct"),
            ),
            order_by="sessions",
            limit=5,
        ),
        TableSection(
            title="A/B tests (treatment vs control)",
            mart="rpt_experiments__results",
            label=Field("experiment_variant", "Experiment", "text"),
            columns=(
                Field("experiment_name", "Change", "text"),
                Field("visitors", "Visitors", "count"),
                Field("pct_conversion", "Conversion", "pct"),
                Field("lift_rel", "Lift", "pct"),
                Field("verdict", "Verdict", "text"),
            ),
            order_by="experiment_id",
            limit=8,
        ),
    ),
)
