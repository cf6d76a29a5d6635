"""Livestream marts: ranges, subsets and stream GMV reconciled with ``fct_livestreams``."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, critical
from opspulse.quality.thresholds import Thresholds


def stream_gmv_reconciliation(limits: Thresholds) -> Expectation:
    query = f"""
with day_row as (
    select report_date, stream_gmv from {{batch}}
),
streams as (
    select
        fct_livestreams.started_date,
        sum(fct_livestreams.attributed_net_sales) as streams_net_sales,
    from marts.fct_livestreams as fct_livestreams
    where fct_livestreams.started_date in (select report_date from day_row)
    group by fct_livestreams.started_date
),
reconciled as (
    select
        day_row.report_date,
        day_row.stream_gmv as report_stream_gmv,
        coalesce(streams.streams_net_sales, 0) as streams_net_sales,
    from day_row
    left join streams on streams.started_date = day_row.report_date
)
select * from reconciled
where report_stream_gmv is null
   or abs(report_stream_gmv - streams_net_sales) > {limits.reconciliation_tolerance}
"""
    rule = "stream_gmv equals the attributed net sales of the day's streams in fct_livestreams"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "stream_gmv"},
    )


_STREAM_COUNTS = (
    "peak_concurrent_viewers",
    "avg_concurrent_viewers",
    "unique_viewers",
    "watch_minutes",
    "avg_watch_minutes",
    "engagement_per_viewer",
    "new_followers",
    "attributed_orders",
    "attributed_valid_orders",
    "buffering_seconds",
    "buffering_seconds_per_hour",
    "interruptions",
)
_STREAM_PAIRS = (
    ("attributed_orders", "attributed_valid_orders", "valid orders are a subset of orders"),
    ("peak_concurrent_viewers", "avg_concurrent_viewers", "the peak is at least the average"),
)

MARTS = (
    MartSpec(
        name="rpt_livestream__daily",
        headline=("stream_gmv", "unique_viewers", "pct_conversion", "avg_watch_minutes"),
        ratios=("pct_conversion",),
        money=("stream_gmv",),
        counts=("streams_held", "hours_streamed", *_STREAM_COUNTS),
        ordered_pairs=_STREAM_PAIRS,
        extras=(stream_gmv_reconciliation,),
    ),
    MartSpec(
        name="rpt_livestream__streams",
        headline=(),
        grain=("livestream_id",),
        # a day without a stream has no rows
        usual_rows=0,
        ratios=("pct_conversion",),
        money=("stream_gmv",),
        counts=("stream_hours", *_STREAM_COUNTS),
        ordered_pairs=_STREAM_PAIRS,
    ),
)
