"""A/B test results: ranges, confidence intervals around the lift, verdicts that follow."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, critical
from opspulse.quality.thresholds import Thresholds


def verdict_follows_statistics(limits: Thresholds) -> Expectation:
    query = """
with expected as (
    select
        experiment_id,
        variant,
        verdict,
        case
            when is_control then null
            when srm_p_value < 0.001 then 'srm'
            when p_value < 0.05 and lift_abs > 0 then 'winner'
            when p_value < 0.05 and lift_abs < 0 then 'loser'
            else 'inconclusive'
        end as expected_verdict,
    from {batch}
)
select * from expected
where verdict is distinct from expected_verdict
"""
    rule = "the verdict follows the SRM check, the p-value and the sign of the lift"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "verdict"},
    )


def one_control_per_experiment(limits: Thresholds) -> Expectation:
    query = """
select experiment_id, count(*) filter (where is_control) as controls,
from {batch}
group by experiment_id
having count(*) filter (where is_control) <> 1
"""
    rule = "every experiment has exactly one control row to compare with"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "is_control"},
    )


MARTS = (
    MartSpec(
        name="rpt_experiments__results",
        as_of_publication=True,
        headline=(),
        grain=("experiment_id", "variant"),
        # a control and a variant per running experiment; none may be running
        usual_rows=2,
        ratios=("pct_conversion", "p_value", "srm_p_value", "planned_treatment_share"),
        counts=("visitors", "conversions", "srm_chi_square"),
        bounded={"lift_abs": (-1, 1, "a difference of two rates lies between -1 and 1")},
        ordered_pairs=(
            ("visitors", "conversions", "converted visitors are a subset of visitors"),
            ("lift_abs_ci_high", "lift_abs", "the lift lies inside its confidence interval"),
            ("lift_abs", "lift_abs_ci_low", "the lift lies inside its confidence interval"),
        ),
        extras=(verdict_follows_statistics, one_control_per_experiment),
    ),
)
