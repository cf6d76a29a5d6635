{#- thresholds of the risk indicators (KPIS.md "Risk register") -#}
{%- set otif_floor = 0.85 -%}
{%- set stockout_ceiling = 0.05 -%}
{%- set reconciliation_ceiling = 0.005 -%}
{%- set spike_window_days = 28 -%}
{%- set spike_stddevs = 3 -%}
{%- set spike_min_history_days = 14 -%}

with

supply_chain as (

    select * from {{ ref('rpt_supply_chain__daily') }}

),

service as (

    select * from {{ ref('rpt_service__daily') }}

),

ecommerce as (

    select * from {{ ref('rpt_ecommerce__daily') }}

),

privacy as (

    select * from {{ ref('rpt_privacy__daily') }}

),

finance as (

    select * from {{ ref('rpt_finance__daily') }}

),

{# a spike: the day's value above the mean + 3 standard deviations of the 28 days before it #}
complaint_history as (

    select
        report_date,
        complaints_per_1000_orders as metric_value,
        avg(complaints_per_1000_orders) over prior_days as trailing_mean,
        stddev_samp(complaints_per_1000_orders) over prior_days as trailing_stddev,
        count(complaints_per_1000_orders) over prior_days as trailing_days

    from service
    window prior_days as (
        order by report_date
        range between interval {{ spike_window_days }} days preceding and interval 1 day preceding
    )

),

refund_ratios as (

    select
        report_date,
        {{ safe_divide('refund_amount', 'net_sales') }} as refund_ratio

    from ecommerce

),

refund_history as (

    select
        report_date,
        refund_ratio as metric_value,
        avg(refund_ratio) over prior_days as trailing_mean,
        stddev_samp(refund_ratio) over prior_days as trailing_stddev,
        count(refund_ratio) over prior_days as trailing_days

    from refund_ratios
    window prior_days as (
        order by report_date
        range between interval {{ spike_window_days }} days preceding and interval 1 day preceding
    )

),

triggered as (

    select
        report_date,
        'supply_chain' as role,
        'supplier_otif_below_85pct' as rule,
        'Supplier on-time in-full rate below {{ (otif_floor * 100) | int }} %' as description,
        pct_supplier_otif as metric_value,
        {{ otif_floor }} as threshold

    from supply_chain
    where pct_supplier_otif < {{ otif_floor }}

    union all

    select
        report_date,
        'supply_chain' as role,
        'stockout_rate_above_5pct' as rule,
        'Stockout rate above {{ (stockout_ceiling * 100) | int }} % of active products'
            as description,
        pct_stockout as metric_value,
        {{ stockout_ceiling }} as threshold

    from supply_chain
    where pct_stockout > {{ stockout_ceiling }}

    union all

    select
        report_date,
        'process' as role,
        'complaint_rate_spike' as rule,
        'Complaints per 1,000 orders above the trailing 28-day mean + 3 standard deviations'
            as description,
        metric_value,
        trailing_mean + {{ spike_stddevs }} * trailing_stddev as threshold

    from complaint_history
    where
        trailing_days >= {{ spike_min_history_days }}
        and metric_value > trailing_mean + {{ spike_stddevs }} * trailing_stddev

    union all

    select
        report_date,
        'ecommerce' as role,
        'refund_rate_spike' as rule,
        'Refunds paid ÷ net sales above the trailing 28-day mean + 3 standard deviations'
            as description,
        metric_value,
        trailing_mean + {{ spike_stddevs }} * trailing_stddev as threshold

    from refund_history
    where
        trailing_days >= {{ spike_min_history_days }}
        and metric_value > trailing_mean + {{ spike_stddevs }} * trailing_stddev

    union all

    select
        report_date,
        'privacy' as role,
        'critical_security_incident' as rule,
        'A security incident of severity critical was opened' as description,
        critical_incidents_opened as metric_value,
        0 as threshold

    from privacy
    where critical_incidents_opened > 0

    union all

    select
        report_date,
        'privacy' as role,
        'overdue_privacy_request' as rule,
        'Privacy requests open past their due date' as description,
        overdue_requests as metric_value,
        0 as threshold

    from privacy
    where overdue_requests > 0

    union all

    select
        report_date,
        'finance' as role,
        'reconciliation_difference_above_0_5pct' as rule,
        'Ledger revenue differs from e-commerce net sales by more than 0.5 %' as description,
        abs(pct_reconciliation_difference) as metric_value,
        {{ reconciliation_ceiling }} as threshold

    from finance
    where abs(pct_reconciliation_difference) > {{ reconciliation_ceiling }}

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(role as varchar) as role,
        cast(rule as varchar) as rule,
        cast(description as varchar) as description,
        cast(metric_value as double) as metric_value,
        cast(threshold as double) as threshold

    from triggered

)

select * from final
