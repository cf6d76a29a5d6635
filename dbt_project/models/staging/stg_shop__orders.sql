with

source as (

    select * from {{ source('shop', 'orders') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by order_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        order_id,
        customer_id,
        session_id,
        campaign_id,
        livestream_id,
        partner_id,
        sales_rep_id,

        status,
        sales_channel,

        discount_amount,
        shipping_cost,

        {{ to_local_date('ordered_at') }} as ordered_date,
        {{ to_local_date('shipped_at') }} as shipped_date,
        {{ to_local_date('delivered_at') }} as delivered_date,
        {{ to_local_date('cancelled_at') }} as cancelled_date,
        promised_delivery_date,

        ordered_at,
        shipped_at,
        delivered_at,
        cancelled_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
