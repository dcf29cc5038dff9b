{{ config(**fxa_day_partitioned('day', 'last_seen')) }}

{%- set window = fxa_run_window('last_seen', is_incremental()) %}

{#-
    Each day's 28-day bit patterns are the day before's shifted by one, OR-ed
    with the day's own bit (bits28_patterns: a night starts from the
    partition of `from - 1`). The OS is that of the most recent active day:
    on a night, a user not active on the rebuilt days keeps the one of the
    day before's row.
-#}

with

activity_days as (

    -- One row per day a user had an activity event, with the day's OS (the
    -- largest name, of several).
    select
        uid,
        day,
        max(ua_os) as ua_os
    from {{ ref('activity_events') }}
    where {{ fxa_days_between('day', window, 'write') }}
    group by uid, day

),

seen_days as (

    select
        uid,
        day,
        1 as seen,
        0 as multi_device,
        0 as flow
    from activity_days

    union all

    select
        uid,
        day,
        0 as seen,
        1 as multi_device,
        0 as flow
    from {{ ref('daily_multi_device_users') }}
    where {{ fxa_days_between('day', window, 'write') }}

    union all

    select distinct
        uid,
        day,
        0 as seen,
        0 as multi_device,
        1 as flow
    from {{ ref('flow_events') }}
    where
        uid is not null
        and {{ fxa_days_between('day', window, 'write') }}

),

{{ bits28_patterns('seen_days', ['uid'], [
    ['seen', 'days_seen_bits'],
    ['multi_device', 'days_seen_multi_device_bits'],
    ['flow', 'days_seen_flow_bits'],
], window) }},

os_days as (

    -- The OS of each day a user was last seen on, by day number.
    select
        uid,
        {{ day_number('day') }} as day_number,
        ua_os
    from activity_days

    {%- if window is not none %}

    union all

    select
        uid,
        {{ day_number('day') }} - days_since_seen as day_number,
        ua_os
    from {{ this }}
    where
        day = cast('{{ window["read_from"] }}' as date)
        and days_since_seen is not null
    {%- endif %}

),

final as (

    select
        {{ add_days("cast('1970-01-01' as date)", 'patterns.day_number') }} as day,
        patterns.uid,
        {{ sample_id('patterns.uid') }} as sample_id,
        patterns.days_seen_bits,
        patterns.days_seen_multi_device_bits,
        patterns.days_seen_flow_bits,
        {{ bits28_days_since('patterns.days_seen_bits') }} as days_since_seen,
        {{ bits28_days_since('patterns.days_seen_multi_device_bits') }} as days_since_multi_device,
        os_days.ua_os
    from patterns
    left join os_days
        on
            patterns.uid = os_days.uid
            and patterns.day_number - {{ bits28_days_since('patterns.days_seen_bits') }} = os_days.day_number

)

select * from final
{{ fxa_cluster_by(['day', 'sample_id']) }}
