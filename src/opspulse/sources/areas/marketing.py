"""Contracts of the marketing area: campaigns, ad_spend, social_posts, social_followers, livestreams."""

from __future__ import annotations

from opspulse.sources.model import Source, col
from opspulse.sources.vocabulary import CATEGORIES

CAMPAIGN_CHANNELS = ("paid_search", "social", "email")
CAMPAIGN_STATUSES = ("active", "completed")
SOCIAL_PLATFORMS = ("instagram", "tiktok", "facebook", "youtube")
POST_TYPES = ("image", "video", "carousel", "story")

SOURCES: tuple[Source, ...] = (
    Source(
        name="campaigns",
        area="marketing",
        format="csv",
        cadence="on_change",
        description=(
            "Marketing campaigns (weekly flights), one change record per campaign created or "
            "changed that day (launched, completed)."
        ),
        key=("campaign_id",),
        updated_at="updated_at",
        columns=(
            col("campaign_id", "VARCHAR", "Stable campaign identifier (CMP-nnnn).", nullable=False),
            col("campaign_name", "VARCHAR", "Internal campaign name."),
            col(
                "channel",
                "VARCHAR",
                "Marketing channel the campaign buys or sends on.",
                example_values=CAMPAIGN_CHANNELS,
            ),
            col(
                "platform",
                "VARCHAR",
                "Social platform of a social campaign; empty for search and email.",
                example_values=SOCIAL_PLATFORMS,
            ),
            col("budget", "DECIMAL(18,4)", "Total budget for the whole flight.", nullable=False),
            col("start_date", "DATE", "First day of the flight.", nullable=False),
            col("end_date", "DATE", "Last day of the flight (inclusive).", nullable=False),
            col(
                "co_marketing_brand",
                "VARCHAR",
                "Partner brand that co-funds the campaign (co-marketing); empty otherwise.",
            ),
            col(
                "status",
                "VARCHAR",
                "Status at the end of the export day.",
                nullable=False,
                accepted_values=CAMPAIGN_STATUSES,
            ),
            col("created_at", "TIMESTAMP", "When the campaign was set up (UTC).", nullable=False),
            col("updated_at", "TIMESTAMP", "When this version was written (UTC).", nullable=False),
        ),
    ),
    Source(
        name="ad_spend",
        area="marketing",
        format="parquet",
        description="Daily delivery and cost per campaign as reported by the ad platforms.",
        key=("ad_spend_id",),
        columns=(
            col(
                "ad_spend_id",
                "VARCHAR",
                "Stable row identifier: the campaign and the day (CMP-nnnn-YYYYMMDD).",
                nullable=False,
            ),
            col("campaign_id", "VARCHAR", "Campaign the spend belongs to.", nullable=False),
            col("spend_date", "DATE", "Day of delivery (UTC).", nullable=False),
            col("impressions", "INTEGER", "Ads shown (emails opened for email).", nullable=False),
            col("clicks", "INTEGER", "Clicks to the site (<= impressions).", nullable=False),
            col("spend", "DECIMAL(18,4)", "Cost of the day's delivery.", nullable=False),
        ),
    ),
    Source(
        name="social_posts",
        area="marketing",
        format="ndjson",
        description=(
            "Posts on the company's social accounts, written on the day they are published "
            "with their engagement up to the end of that day."
        ),
        key=("post_id",),
        columns=(
            col("post_id", "VARCHAR", "Stable post identifier.", nullable=False),
            col(
                "platform",
                "VARCHAR",
                "Social platform.",
                nullable=False,
                example_values=SOCIAL_PLATFORMS,
            ),
            col(
                "post_type",
                "VARCHAR",
                "Format of the post.",
                example_values=POST_TYPES,
            ),
            col("campaign_id", "VARCHAR", "Campaign the post promotes, if any."),
            col("published_at", "TIMESTAMP", "When the post went live (UTC).", nullable=False),
            col("impressions", "INTEGER", "Times the post was shown.", nullable=False),
            col("reach", "INTEGER", "Distinct accounts reached (<= impressions).", nullable=False),
            col("likes", "INTEGER", "Likes and reactions.", nullable=False),
            col("comments", "INTEGER", "Comments.", nullable=False),
            col("shares", "INTEGER", "Shares and reposts.", nullable=False),
            col("clicks", "INTEGER", "Link clicks to the site.", nullable=False),
        ),
    ),
    Source(
        name="social_followers",
        area="marketing",
        format="csv",
        description="Follower count of each company account at the end of each day.",
        key=("snapshot_id",),
        columns=(
            col(
                "snapshot_id",
                "VARCHAR",
                "Stable row identifier: the platform and the day (<platform>-YYYYMMDD).",
                nullable=False,
            ),
            col(
                "platform",
                "VARCHAR",
                "Social platform.",
                nullable=False,
                example_values=SOCIAL_PLATFORMS,
            ),
            col("snapshot_date", "DATE", "Day the count closes (UTC).", nullable=False),
            col("followers", "INTEGER", "Followers at the end of the day.", nullable=False),
            col("followers_gained", "INTEGER", "New followers during the day.", nullable=False),
            col("followers_lost", "INTEGER", "Unfollows during the day.", nullable=False),
        ),
    ),
    Source(
        name="livestreams",
        area="marketing",
        format="parquet",
        description="Livestream shopping shows, one row per stream written on the day it aired.",
        key=("livestream_id",),
        columns=(
            col("livestream_id", "VARCHAR", "Stable stream identifier (LS-nnnn).", nullable=False),
            col(
                "platform",
                "VARCHAR",
                "Where it was streamed.",
                nullable=False,
                example_values=SOCIAL_PLATFORMS,
            ),
            col(
                "featured_category",
                "VARCHAR",
                "Product category the show featured.",
                example_values=CATEGORIES,
            ),
            col("started_at", "TIMESTAMP", "Stream start (UTC).", nullable=False),
            col("ended_at", "TIMESTAMP", "Stream end (UTC).", nullable=False),
            col("peak_concurrent_viewers", "INTEGER", "Most viewers at once.", nullable=False),
            col("avg_concurrent_viewers", "INTEGER", "Average viewers at once.", nullable=False),
            col("unique_viewers", "INTEGER", "Distinct viewers over the stream.", nullable=False),
            col("watch_minutes", "INTEGER", "Minutes watched, all viewers.", nullable=False),
            col("comments", "INTEGER", "Chat comments.", nullable=False),
            col("likes", "INTEGER", "Likes and hearts.", nullable=False),
            col("new_followers", "INTEGER", "Accounts that followed during it.", nullable=False),
            col("buffering_seconds", "INTEGER", "Viewer-side buffering, summed.", nullable=False),
            col("interruptions", "INTEGER", "Times the stream dropped.", nullable=False),
        ),
    ),
)
