with

budgets as (

    select * from {{ ref('stg_finance__budgets') }}

),

final as (

    select
        budget_id,
        department,
        category as expense_category,
        amount as monthly_budget_amount,
        cast(date_trunc('month', month) as date) as month_start_date,
        cast(date_trunc('month', month) + interval 1 month - interval 1 day as date)
            as month_end_date,
        day(last_day(month)) as days_in_month,
        amount / day(last_day(month)) as daily_budget_amount

    from budgets

)

select * from final
