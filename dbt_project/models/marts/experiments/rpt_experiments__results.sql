{#-
    erfc(x) for x >= 0 by the Chebyshev fit of Numerical Recipes (erfcc, fractional error
    below 1.2e-7 everywhere): t * exp(-x² + P(t)), t = 1 / (1 + x / 2), P in Horner form.
    The fit gives 1.00000003 at x = 0: p-values are capped at 1.
-#}
{%- set erfc_coefficients = [
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
] -%}
{%- set erfc_exponent = {} -%}
{%- for t, x in [('t_p_value', 'x_p_value'), ('t_srm', 'x_srm')] -%}
    {%- set horner = namespace(sql=erfc_coefficients[-1] | string) -%}
    {%- for coefficient in erfc_coefficients[:-1] | reverse -%}
        {%- set horner.sql = coefficient ~ ' + ' ~ t ~ ' * (' ~ horner.sql ~ ')' -%}
    {%- endfor -%}
    {%- do erfc_exponent.update({t: '-' ~ x ~ ' * ' ~ x ~ ' + ' ~ horner.sql}) -%}
{%- endfor -%}

{#- two-sided 95 % normal quantile and the decision thresholds -#}
{%- set z_95 = 1.959963984540054 -%}
{%- set alpha = 0.05 -%}
{%- set srm_alpha = 0.001 -%}

with

experiments as (

    select * from {{ ref('stg_experiments__experiments') }}

),

assignments as (

    select * from {{ ref('fct_experiment_assignments') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

report_day as (

    select max({{ as_of_day_or('date_day') }}) as report_date
    from dates

),

per_variant as (

    select
        report_day.report_date,
        assignments.experiment_id,
        assignments.variant,
        count(*) as visitors,
        count(*) filter (
            where assignments.is_converted and assignments.converted_date <= report_day.report_date
        ) as conversions

    from assignments
    cross join report_day
    where assignments.assigned_date <= report_day.report_date
    group by all

),

with_control as (

    select
        treatment.*,
        control.visitors as control_visitors,
        control.conversions as control_conversions,
        experiments.experiment_name,
        experiments.status,
        experiments.primary_metric,
        experiments.started_date,
        experiments.ended_date,
        cast(experiments.planned_treatment_share as double) as planned_treatment_share,
        treatment.variant = 'control' as is_control,
        sum(treatment.visitors) over (partition by treatment.experiment_id) as experiment_visitors

    from per_variant as treatment
    inner join experiments
        on treatment.experiment_id = experiments.experiment_id
    left join per_variant as control
        on
            treatment.experiment_id = control.experiment_id
            and control.variant = 'control'

),

rates as (

    select
        *,
        {{ safe_divide('conversions', 'visitors') }} as pct_conversion,
        {{ safe_divide('control_conversions', 'control_visitors') }} as control_pct_conversion,
        {{ safe_divide(
            'conversions + control_conversions', 'visitors + control_visitors'
        ) }} as pooled_pct_conversion,
        experiment_visitors * case
            when is_control then 1 - planned_treatment_share else planned_treatment_share
        end as expected_visitors

    from with_control

),

srm as (

    {# the SRM chi-square over both variants: Σ (observed − expected)² ÷ expected #}
    select
        experiment_id,
        sum(power(visitors - expected_visitors, 2) / nullif(expected_visitors, 0))
            as srm_chi_square

    from rates
    group by experiment_id

),

tests as (

    select
        rates.*,
        srm.srm_chi_square,
        rates.pct_conversion - rates.control_pct_conversion as lift_abs,
        {{ safe_divide(
            'rates.pct_conversion - rates.control_pct_conversion', 'rates.control_pct_conversion'
        ) }} as lift_rel,
        sqrt(
            rates.pct_conversion * (1 - rates.pct_conversion) / rates.visitors
            + rates.control_pct_conversion * (1 - rates.control_pct_conversion)
            / rates.control_visitors
        ) as standard_error,
        {{ safe_divide(
            'rates.pct_conversion - rates.control_pct_conversion',
            'sqrt(rates.pooled_pct_conversion * (1 - rates.pooled_pct_conversion)'
            ~ ' * (1.0 / rates.visitors + 1.0 / rates.control_visitors))'
        ) }} as z_score

    from rates
    inner join srm
        on rates.experiment_id = srm.experiment_id

),

erfc_arguments as (

    select
        *,
        1 / (1 + 0.5 * abs(z_score) / sqrt(2)) as t_p_value,
        abs(z_score) / sqrt(2) as x_p_value,
        1 / (1 + 0.5 * sqrt(srm_chi_square / 2)) as t_srm,
        sqrt(srm_chi_square / 2) as x_srm

    from tests

),

p_values as (

    select
        *,
        {#- least() skips NULLs: an undefined z-score must stay a NULL p-value -#}
        case
            when not is_control and z_score is not null
                then least(1.0, t_p_value * exp({{ erfc_exponent['t_p_value'] }}))
        end as p_value,
        case
            when srm_chi_square is not null
                then least(1.0, t_srm * exp({{ erfc_exponent['t_srm'] }}))
        end as srm_p_value

    from erfc_arguments

),

verdicts as (

    select
        *,
        srm_p_value < {{ srm_alpha }} as is_srm,
        case
            when is_control then null
            when srm_p_value < {{ srm_alpha }} then 'srm'
            when p_value < {{ alpha }} and lift_abs > 0 then 'winner'
            when p_value < {{ alpha }} and lift_abs < 0 then 'loser'
            else 'inconclusive'
        end as verdict

    from p_values

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(experiment_id as varchar) as experiment_id,
        cast(experiment_name as varchar) as experiment_name,
        cast(variant as varchar) as variant,
        cast(experiment_id || ' ' || variant as varchar) as experiment_variant,
        cast(is_control as boolean) as is_control,
        cast(status as varchar) as status,
        cast(primary_metric as varchar) as primary_metric,
        cast(started_date as date) as started_date,
        cast(ended_date as date) as ended_date,
        cast(visitors as bigint) as visitors,
        cast(conversions as bigint) as conversions,
        cast(pct_conversion as double) as pct_conversion,
        cast(case when not is_control then lift_abs end as double) as lift_abs,
        cast(case when not is_control then lift_rel end as double) as lift_rel,
        cast(
            case when not is_control then lift_abs - {{ z_95 }} * standard_error end as double
        ) as lift_abs_ci_low,
        cast(
            case when not is_control then lift_abs + {{ z_95 }} * standard_error end as double
        ) as lift_abs_ci_high,
        cast(case when not is_control then z_score end as double) as z_score,
        cast(p_value as double) as p_value,
        cast(planned_treatment_share as double) as planned_treatment_share,
        cast(srm_chi_square as double) as srm_chi_square,
        cast(srm_p_value as double) as srm_p_value,
        cast(is_srm as boolean) as is_srm,
        cast(verdict as varchar) as verdict

    from verdicts

)

select * from final
