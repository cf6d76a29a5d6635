"""Social media operations: audience, reach and engagement of the company's posts (KPIS.md §6)."""

from opspulse.reports.roles import DetailsSection, Field, Role, TableSection, Tile

ROLE = Role(
    name="social",
    title="Social media",
    mart="rpt_social__daily",
    tiles=(
        Tile("pct_engagement", "Engagement rate", "pct"),
        Tile("impressions", "Impressions", "count"),
        Tile("net_follower_growth", "Net follower growth", "count"),
        Tile("pct_click_through", "Click-through rate", "pct"),
    ),
    sections=(
        TableSection(
            title="By platform",
            mart="rpt_social__by_platform",
            label=Field("platform", "Platform", "text"),
            columns=(
                Field("followers", "Followers", "count"),
                Field("net_follower_growth", "Growth", "count"),
                Field("impressions", "Impressions", "count"),
                Field("pct_engagement", "Engagement", "pct"),
            ),
            order_by="impressions",
        ),
        TableSection(
            title="Top posts by engagement",
            mart="rpt_social__top_posts",
            label=Field("post_id", "Post", "text"),
            columns=(
                Field("platform", "Platform", "text"),
                Field("engagements", "Engagements", "count"),
                Field("pct_engagement", "Engagement", "pct"),
            ),
            order_by="post_rank",
            descending=False,
            limit=5,
        ),
        DetailsSection(
            title="More of the day",
            fields=(
                Field("followers", "Followers (all platforms)", "count"),
                Field("posts_published", "Posts published", "count"),
                Field("reach", "Reach", "count"),
                Field("engagements", "Engagements", "count"),
                Field("clicks", "Link clicks", "count"),
            ),
        ),
    ),
)
