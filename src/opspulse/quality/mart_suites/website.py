"""Website marts: ranges, subsets, and sessions reconciled with ``fct_web_sessions``."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, critical
from opspulse.quality.thresholds import Thresholds

SESSION_SUBSETS = (
    ("sessions", "converted_sessions", "converted sessions are a subset of sessions"),
    ("sessions", "bounced_sessions", "bounced sessions are a subset of sessions"),
)


def sessions_reconciliation(limits: Thresholds) -> Expectation:
    query = """
with day_row as (
    select report_date, sessions from {batch}
),
facts as (
    select session_date, count(*) as fact_sessions
    from marts.fct_web_sessions
    where session_date in (select report_date from day_row)
    group by session_date
)
select
    day_row.report_date,
    day_row.sessions as report_sessions,
    coalesce(facts.fact_sessions, 0) as fact_sessions,
from day_row
left join facts on facts.session_date = day_row.report_date
where coalesce(day_row.sessions, -1) <> coalesce(facts.fact_sessions, 0)
"""
    rule = "sessions equals the day's sessions in fct_web_sessions"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "sessions"},
    )


def breakdown_adds_up(limits: Thresholds) -> Expectation:
    query = """
with rows_of_day as (
    select report_date, dimension, sum(sessions) as breakdown_sessions
    from {batch}
    group by report_date, dimension
),
daily as (
    select report_date, sessions
    from marts.rpt_website__daily
    where report_date in (select report_date from rows_of_day)
)
select
    rows_of_day.report_date,
    rows_of_day.dimension,
    rows_of_day.breakdown_sessions,
    daily.sessions as daily_sessions,
from rows_of_day
left join daily on daily.report_date = rows_of_day.report_date
where rows_of_day.breakdown_sessions is distinct from daily.sessions
"""
    rule = "each dimension's sessions add up to the day's sessions in rpt_website__daily"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "sessions"},
    )


MARTS = (
    MartSpec(
        name="rpt_website__daily",
        headline=("sessions", "pct_conversion", "pct_bounce", "unique_visitors"),
        ratios=("pct_conversion", "pct_bounce"),
        counts=(
            "sessions",
            "unique_visitors",
            "bounced_sessions",
            "converted_sessions",
            "page_views",
            "pages_per_session",
            "avg_session_duration_seconds",
        ),
        ordered_pairs=(
            *SESSION_SUBSETS,
            ("sessions", "unique_visitors", "every visitor has a session"),
            ("page_views", "sessions", "every session views at least one page"),
        ),
        no_attainment=frozenset({"pct_bounce"}),
        extras=(sessions_reconciliation,),
    ),
    MartSpec(
        name="rpt_website__by_channel",
        headline=(),
        grain=("dimension", "dimension_value"),
        # a row per channel and device with sessions: a day without sessions has none
        usual_rows=2,
        ratios=("pct_sessions", "pct_conversion", "pct_bounce"),
        counts=("sessions", "converted_sessions", "bounced_sessions"),
        ordered_pairs=SESSION_SUBSETS,
        extras=(breakdown_adds_up,),
    ),
    MartSpec(
        name="rpt_website__landing_pages",
        headline=(),
        grain=("landing_page",),
        ratios=("pct_conversion", "pct_bounce"),
        counts=("page_rank", "sessions", "converted_sessions", "bounced_sessions"),
        bounded={"page_rank": (1, 20, "the top 20 landing pages of the day")},
        ordered_pairs=SESSION_SUBSETS,
    ),
)
