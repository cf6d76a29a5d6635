with

purchase_orders as (

    select * from {{ ref('stg_supply__purchase_orders') }}

),

final as (

    select
        po_id,
        supplier_id,
        product_id,
        status,
        received_date is not null as is_received,

        qty_ordered,
        qty_received,
        unit_cost,
        qty_ordered * unit_cost as ordered_value,

        ordered_date,
        expected_date,
        received_date,
        {# on time and in full compare calendar dates and units; NULL until received #}
        received_date <= expected_date as is_on_time,
        qty_received >= qty_ordered as is_in_full,
        coalesce(received_date <= expected_date and qty_received >= qty_ordered, false) as is_otif,
        date_diff('day', ordered_date, received_date) as lead_time_days,

        ordered_at,
        received_at,
        updated_at

    from purchase_orders

)

select * from final
