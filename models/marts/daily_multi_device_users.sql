{{ config(**fxa_day_partitioned('day', 'multi_device')) }}

{%- set lookback = var('multi_device_lookback_days') | int %}
{%- set window = fxa_run_window('multi_device', is_incremental()) %}

with

activity as (

    select * from {{ ref('daily_activity_per_device') }}
    where {{ fxa_days_between('day', window, 'read') }}

),

device_days as (

    select distinct
        uid,
        device_id,
        day
    from activity

),

offsets as (

    {%- for offset in range(lookback + 1) %}
    select {{ offset }} as offset_days{{ ' union all' if not loop.last }}
    {%- endfor %}

),

covered as (

    -- A device seen on `day` counts for every day `day` .. `day` + lookback.
    -- Expanding the bounded input keeps the cost proportional to the days
    -- rebuilt, without a self-join over history.
    select
        device_days.uid,
        device_days.device_id,
        device_days.day as active_day,
        {{ add_days('device_days.day', 'offsets.offset_days') }} as day
    from device_days
    cross join offsets

),

final as (

    -- Active on `day` (on some device A) and at least two devices in the
    -- window: then one of them is a device B other than A.
    select
        day,
        uid
    from covered
    where {{ fxa_days_between('day', window, 'write') }}
    group by day, uid
    having
        count(distinct device_id) >= 2
        and max(case when active_day = day then 1 else 0 end) = 1

)

select * from final
