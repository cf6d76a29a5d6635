with

product_versions as (

    select * from {{ ref('stg_shop__product_versions') }}

),

latest as (

    select * from product_versions
    qualify row_number() over (
        partition by product_id
        order by updated_at desc, exported_date desc
    ) = 1

)

select * from latest
