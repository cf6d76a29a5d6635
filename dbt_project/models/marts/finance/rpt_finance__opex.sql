{%- set history_days = 0 -%}

with

gl_entries as (

    select * from {{ ref('fct_gl_entries') }}
    where
        account_type = 'opex'
        and posted_date >= {{ report_read_from(history_days) }}

),

opex_daily as (

    select
        posted_date as report_date,
        department,
        expense_category,
        sum(amount) as opex,
        count(*) as ledger_lines

    from gl_entries
    group by posted_date, department, expense_category

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(department as varchar) as department,
        cast(expense_category as varchar) as expense_category,
        cast(opex as decimal(18, 2)) as opex,
        cast(ledger_lines as bigint) as ledger_lines,
        cast({{ safe_divide('opex', 'sum(opex) over (partition by report_date)') }} as double)
            as pct_day_opex

    from opex_daily
    where report_date >= {{ report_start_date() }}

)

select * from final
