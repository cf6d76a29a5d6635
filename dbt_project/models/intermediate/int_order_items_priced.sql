with

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

priced as (

    select
        order_item_id,
        order_id,
        product_id,
        quantity,
        unit_price,
        quantity * unit_price as gmv,
        loaded_at

    from order_items

)

select * from priced
