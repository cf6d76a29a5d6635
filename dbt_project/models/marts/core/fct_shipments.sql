with

shipments as (

    select * from {{ ref('stg_supply__shipments') }}

),

final as (

    select
        shipment_id,
        order_id,
        carrier,
        status,
        delivered_date is not null as is_delivered,
        shipping_cost,

        shipped_date,
        delivered_date,
        promised_delivery_date,
        delivered_date <= promised_delivery_date as is_delivered_on_time,
        date_diff('second', shipped_at, delivered_at) / 3600.0 as transit_hours,

        shipped_at,
        delivered_at,
        updated_at

    from shipments

)

select * from final
