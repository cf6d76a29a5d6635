with

targets as (

    select * from {{ ref('stg_sales__targets') }}

),

final as (

    select
        target_id,
        target_level,
        sales_channel,
        region,
        sales_rep_id,
        target_month,
        cast(last_day(target_month) as date) as target_month_end_date,
        day(last_day(target_month)) as days_in_month,
        net_sales_target,
        new_customers_target,
        updated_at

    from targets

)

select * from final
