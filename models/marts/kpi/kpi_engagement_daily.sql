{{ config(**fxa_day_partitioned('day', 'kpi_activity')) }}

{%- set mau_days = var('kpi_mau_days') | int %}
{%- set window = fxa_run_window('kpi_activity', is_incremental()) %}

{#-
    Bit tests on each day's users_last_seen partition: DAU = bit 0, the
    7-day DAU sum = the bits among 0 .. 6, MAU = any bit among the
    kpi_mau_days (at most 28) ending the day.
-#}

with

last_seen as (

    select * from {{ ref('users_last_seen') }}
    where {{ fxa_days_between('day', window, 'write') }}

),

report_days as (

    -- The days that get rows: those with any activity event.
    select distinct day
    from last_seen
    where {{ bits28_active_in('days_seen_bits', 1) }}

),

os_patterns as (

    -- One pattern per OS segment: a user's patterns of null and of a
    -- literal 'unknown' OS are one user of the segment `unknown`.
    select
        day,
        coalesce(ua_os, 'unknown') as segment,
        {{ bits28_or('days_seen_bits') }} as bits
    from {{ ref('users_os_last_seen') }}
    where {{ fxa_days_between('day', window, 'write') }}
    group by day, uid, coalesce(ua_os, 'unknown')

),

patterns as (

    select
        day,
        'all' as breakdown,
        'all' as segment,
        days_seen_bits as bits
    from last_seen

    union all

    select
        day,
        'devices' as breakdown,
        'multi-device' as segment,
        days_seen_multi_device_bits as bits
    from last_seen

    union all

    select
        day,
        'ua_os' as breakdown,
        segment,
        bits
    from os_patterns

),

reported as (

    select
        patterns.day,
        patterns.breakdown,
        patterns.segment,
        cast(sum(case when {{ bits28_active_in('patterns.bits', 1) }} then 1 else 0 end) as bigint) as dau,
        cast(sum({{ bits28_count('patterns.bits', 7) }}) as bigint) as dau_7day_sum,
        cast(sum(case when {{ bits28_active_in('patterns.bits', mau_days) }} then 1 else 0 end) as bigint) as mau
    from patterns
    inner join report_days on patterns.day = report_days.day
    group by patterns.day, patterns.breakdown, patterns.segment

),

single_device as (

    -- Multi-device users are active on their multi-device days, so the
    -- single-device users are all users less the multi-device ones.
    select
        all_users.day,
        'devices' as breakdown,
        'single-device' as segment,
        all_users.dau - multi.dau as dau,
        all_users.dau_7day_sum - multi.dau_7day_sum as dau_7day_sum,
        all_users.mau - multi.mau as mau
    from reported as all_users
    inner join reported as multi
        on
            all_users.day = multi.day
            and multi.breakdown = 'devices'
    where all_users.breakdown = 'all'

),

segment_rows as (

    select * from reported
    union all
    select * from single_device

),

final as (

    select
        day,
        breakdown,
        segment,
        dau,
        cast(dau_7day_sum as double) / 7 as dau_7day_mean,
        mau,
        case when mau > 0 then cast(dau_7day_sum as double) / 7 / mau end as engagement_ratio
    from segment_rows
    where mau > 0

)

select * from final
