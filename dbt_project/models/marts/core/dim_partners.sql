with

partners as (

    select * from {{ ref('stg_sales__partners') }}

),

final as (

    select
        partner_id,
        partner_name,
        partner_type,
        region,
        sales_rep_id,
        commission_rate,
        signed_date,
        is_active,
        updated_at

    from partners

)

select * from final
