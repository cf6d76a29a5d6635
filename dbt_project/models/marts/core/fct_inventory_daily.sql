with

snapshots as (

    select * from {{ ref('stg_supply__inventory_snapshots') }}
    where snapshot_date >= {{ report_start_date('snapshot_date') }}

),

product_changes as (

    select * from {{ ref('fct_product_changes') }}

),

final as (

    select
        snapshots.snapshot_date,
        snapshots.product_id,
        snapshots.snapshot_id,
        coalesce(product_changes.is_active, false) as is_active_product,
        snapshots.on_hand <= 0 as is_stocked_out,

        snapshots.on_hand,
        snapshots.on_order,
        snapshots.units_received,
        snapshots.units_returned,
        snapshots.units_shipped,

        snapshots.unit_cost,
        snapshots.on_hand * snapshots.unit_cost as inventory_value,
        snapshots.units_shipped * snapshots.unit_cost as cogs_amount,

        snapshots.loaded_at as source_loaded_at

    from snapshots
    left join product_changes
        on
            snapshots.product_id = product_changes.product_id
            and snapshots.snapshot_date >= product_changes.valid_from_date
            and snapshots.snapshot_date < coalesce(product_changes.valid_to_date, date '9999-12-31')

)

select * from final
