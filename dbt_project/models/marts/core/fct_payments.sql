with

payments as (

    select * from {{ ref('stg_shop__payments') }}
    where {{ loaded_since_last_run('loaded_at') }}

),

final as (

    select
        payment_id,
        order_id,
        payment_type,
        {# an optional label the company left empty is reported as unknown in breakdowns #}
        coalesce(payment_method, 'unknown') as payment_method,
        payment_type = 'refund' as is_refund,
        amount,
        case when payment_type = 'charge' then amount else 0 end as charge_amount,
        case when payment_type = 'refund' then amount else 0 end as refund_amount,
        paid_date,
        paid_at,
        loaded_at as source_loaded_at

    from payments

)

select * from final
