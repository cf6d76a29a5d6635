"""Livestream operations: audience, engagement, sales and stability of the shows (KPIS.md §8)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="livestream",
    title="Livestream",
    mart="rpt_livestream__daily",
    tiles=(
        Tile("stream_gmv", "Stream GMV", "money"),
        Tile("unique_viewers", "Unique viewers", "count"),
        Tile("pct_conversion", "Conversion", "pct"),
        Tile("avg_watch_minutes", "Average watch minutes", "decimal"),
    ),
    sections=(
        TableSection(
            title="The day's streams",
            mart="rpt_livestream__streams",
            label=Field("livestream_id", "Stream", "text"),
            columns=(
                Field("featured_category", "Featured", "text"),
                Field("unique_viewers", "Viewers", "count"),
                Field("stream_gmv", "GMV", "money"),
                Field("pct_conversion", "Conversion", "pct"),
            ),
            order_by="stream_gmv",
            limit=5,
        ),
        DetailsSection(
            title="More of the day",
            fields=(
                Field("streams_held", "Streams held", "count"),
                Field("hours_streamed", "Hours streamed", "hours"),
                Field("peak_concurrent_viewers", "Peak concurrent viewers", "count"),
                Field("avg_concurrent_viewers", "Average concurrent viewers", "decimal"),
                Field("engagement_per_viewer", "Comments and likes per viewer", "decimal"),
                Field("new_followers", "New followers", "count"),
                Field("buffering_seconds_per_hour", "Buffering seconds per hour", "decimal"),
                Field("interruptions", "Interruptions", "count"),
            ),
        ),
    ),
)
