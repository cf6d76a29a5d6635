with

reviews as (

    select * from {{ ref('stg_shop__reviews') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

final as (

    select
        reviews.review_id,
        reviews.order_id,
        reviews.product_id,
        products.category,
        reviews.customer_id,
        reviews.rating,
        reviews.reviewed_date,
        reviews.reviewed_at

    from reviews
    left join products
        on reviews.product_id = products.product_id

)

select * from final
