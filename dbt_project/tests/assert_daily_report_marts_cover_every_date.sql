{#
    each daily report mart of the business roles has exactly one row per dim_dates day, no more
    and no fewer (rpt_data__daily reports pipeline runs, not business days, and is left out)
#}
{%- set daily_marts = [
    'rpt_product__daily',
    'rpt_process__daily',
    'rpt_supply_chain__daily',
    'rpt_website__daily',
    'rpt_ecommerce__daily',
    'rpt_social__daily',
    'rpt_livestream__daily',
    'rpt_sales__daily',
    'rpt_users__daily',
    'rpt_content__daily',
    'rpt_marketing__daily',
    'rpt_privacy__daily',
    'rpt_finance__daily',
    'rpt_service__daily',
] -%}

with

dates as (

    select * from {{ ref('dim_dates') }}

),

report_dates as (

    {% for mart in daily_marts %}
        select
            '{{ mart }}' as report_mart,
            report_date
        from {{ ref(mart) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

report_marts as (

    {% for mart in daily_marts %}
        select '{{ mart }}' as report_mart
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

expected as (

    select
        report_marts.report_mart,
        dates.date_day as report_date

    from dates
    cross join report_marts

),

counted as (

    select
        coalesce(expected.report_mart, report_dates.report_mart) as report_mart,
        coalesce(expected.report_date, report_dates.report_date) as report_date,
        count(report_dates.report_date) as rows_in_mart,
        count(expected.report_date) as rows_expected

    from expected
    full outer join report_dates
        on
            expected.report_mart = report_dates.report_mart
            and expected.report_date = report_dates.report_date
    group by all

),

final as (

    select * from counted
    where rows_in_mart <> 1 or rows_expected <> 1

)

select * from final
