"""Social media marts: ranges, subsets and the day's posts reconciled with ``fct_social_posts``."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, critical
from opspulse.quality.thresholds import Thresholds

POST_COUNTS = ("posts_published", "impressions", "engagements", "clicks")


def posts_reconciliation(limits: Thresholds) -> Expectation:
    mismatches = " or ".join(
        f"day_row.{c} is distinct from coalesce(posts.{c}, 0)" for c in POST_COUNTS
    )
    query = f"""
with day_row as (
    select report_date, {", ".join(POST_COUNTS)} from {{batch}}
),
posts as (
    select
        published_date,
        count(*) as posts_published,
        sum(impressions) as impressions,
        sum(engagements) as engagements,
        sum(clicks) as clicks,
    from marts.fct_social_posts
    where published_date in (select report_date from day_row)
    group by published_date
)
select day_row.*, posts.* exclude (published_date)
from day_row
left join posts on posts.published_date = day_row.report_date
where {mismatches}
"""
    rule = "posts, impressions, engagements and clicks equal the day's posts in fct_social_posts"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "impressions"},
    )


SUBSETS = (
    ("impressions", "reach", "reach never exceeds impressions"),
    ("impressions", "clicks", "clicks never exceed impressions"),
)

MARTS = (
    MartSpec(
        name="rpt_social__daily",
        headline=("pct_engagement", "impressions", "net_follower_growth", "pct_click_through"),
        ratios=("pct_engagement", "pct_click_through"),
        counts=(
            "followers",
            "followers_gained",
            "followers_lost",
            "posts_published",
            "impressions",
            "reach",
            "engagements",
            "clicks",
        ),
        ordered_pairs=SUBSETS,
        # net growth may be negative, and so may its attainment
        no_attainment=frozenset({"net_follower_growth"}),
        extras=(posts_reconciliation,),
    ),
    MartSpec(
        name="rpt_social__by_platform",
        headline=(),
        grain=("platform",),
        # every platform the company follows has a row every day
        min_rows=1,
        ratios=("pct_engagement", "pct_click_through"),
        counts=("followers", "posts_published", "impressions", "reach", "engagements", "clicks"),
        ordered_pairs=SUBSETS,
    ),
    MartSpec(
        name="rpt_social__top_posts",
        headline=(),
        grain=("post_rank",),
        # a day without posts has no top posts
        usual_rows=0,
        ratios=("pct_click_through",),
        counts=("impressions", "reach", "engagements", "clicks"),
        bounded={"post_rank": (1, 10, "the top 10 posts of a day are ranked 1 to 10")},
        ordered_pairs=SUBSETS,
    ),
)
