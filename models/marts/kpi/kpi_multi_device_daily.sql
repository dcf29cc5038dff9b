{{ config(**fxa_day_partitioned('day', 'kpi_activity')) }}

{%- set window = fxa_run_window('kpi_activity', is_incremental()) %}

with

engagement as (

    -- Rebuilt for the same days just before this model.
    select * from {{ ref('kpi_engagement_daily') }}
    where {{ fxa_days_between('day', window, 'write') }}

),

all_users as (

    select * from engagement
    where breakdown = 'all'

),

multi_device as (

    select * from engagement
    where breakdown = 'devices' and segment = 'multi-device'

),

final as (

    -- A day without multi-device users has no multi-device row: 0.
    select
        all_users.day,
        all_users.dau,
        coalesce(multi_device.dau, 0) as multi_device_dau,
        cast(coalesce(multi_device.dau, 0) as double) / nullif(all_users.dau, 0) as multi_device_dau_share,
        all_users.mau,
        coalesce(multi_device.mau, 0) as multi_device_mau,
        cast(coalesce(multi_device.mau, 0) as double) / nullif(all_users.mau, 0) as multi_device_mau_share
    from all_users
    left join multi_device on all_users.day = multi_device.day

)

select * from final
