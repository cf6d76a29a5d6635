with

suppliers as (

    select * from {{ ref('stg_supply__suppliers') }}

),

final as (

    select
        supplier_id,
        supplier_name,
        country,
        lead_time_days,
        payment_terms_days,
        is_active,
        created_date,
        created_at,
        updated_at

    from suppliers

)

select * from final
