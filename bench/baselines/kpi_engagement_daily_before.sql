{#-
    The bench's "before" of the engagement KPI's nightly cost: the model as
    it was until it became a group-by over users_last_seen (same rows,
    tests/integration/kpi-last-seen.test.ts at that change). It reads 33 days
    of activity_events for a night. bench/stages/kpi-nightly.ts runs it, in a
    copy of the project, in place of models/marts/kpi/kpi_engagement_daily.sql.
-#}
{{ config(**fxa_day_partitioned('day', 'kpi_activity')) }}

{%- set mau_days = var('kpi_mau_days') | int %}
{%- set window = fxa_run_window('kpi_activity', is_incremental()) %}
{#- This model read the activity of the K - 1 + M days before the window too. #}
{%- if window is not none %}
    {%- set back = modules.datetime.timedelta(days=mau_days - 1 + (var('multi_device_lookback_days') | int)) %}
    {%- do window.update({'read_from': (modules.datetime.date.fromisoformat(window['write_from']) - back).isoformat()}) %}
{%- endif %}

{#-
    DAU, its 7-day mean and MAU per segment without repeating a user's
    activity for every day it counts on: from the distinct (segment, uid,
    day), each active day keeps its user in the MAU up to the day before
    the user's next active day, at most mau_days - 1 days on (so the
    periods of one user never overlap). A +1 where a period (or a day's DAU
    in the 7-day sum) starts and a -1 the day after it ends, summed in day
    order, give every day's totals. Day arithmetic is on day numbers: the
    same integers on every engine.
-#}

with

activity as (

    select distinct
        uid,
        day,
        coalesce(ua_os, 'unknown') as ua_os
    from {{ ref('activity_events') }}
    where {{ fxa_days_between('day', window, 'read') }}

),

report_days as (

    -- The days that get rows: those with any activity event.
    select distinct
        day,
        {{ day_number('day') }} as day_number
    from activity
    where {{ fxa_days_between('day', window, 'write') }}

),

user_days as (

    select distinct
        'all' as breakdown,
        'all' as segment,
        uid,
        day
    from activity

    union all

    select
        'ua_os' as breakdown,
        ua_os as segment,
        uid,
        day
    from activity

    union all

    select
        'devices' as breakdown,
        'multi-device' as segment,
        uid,
        day
    from {{ ref('daily_multi_device_users') }}
    where {{ fxa_days_between('day', window, 'read') }}

),

numbered as (

    select
        breakdown,
        segment,
        uid,
        {{ day_number('day') }} as day_number
    from user_days

),

periods as (

    -- The days [day_number, covered_to] in which this active day keeps the
    -- user in the segment's MAU.
    select
        breakdown,
        segment,
        day_number,
        least(
            day_number + {{ mau_days - 1 }},
            coalesce(
                lead(day_number) over (partition by breakdown, segment, uid order by day_number) - 1,
                day_number + {{ mau_days - 1 }}
            )
        ) as covered_to
    from numbered

),

daily_active as (

    select
        breakdown,
        segment,
        day_number,
        count(*) as dau
    from periods
    group by breakdown, segment, day_number

),

period_ends as (

    select
        breakdown,
        segment,
        covered_to + 1 as day_number,
        count(*) as leaving
    from periods
    group by breakdown, segment, covered_to

),

segments as (

    select distinct
        breakdown,
        segment
    from daily_active

),

changes as (

    select
        breakdown,
        segment,
        day_number,
        dau,
        dau as week_change,
        dau as month_change
    from daily_active

    union all

    -- A day's DAU leaves the 7-day sum 7 days later.
    select
        breakdown,
        segment,
        day_number + 7 as day_number,
        0 as dau,
        -dau as week_change,
        0 as month_change
    from daily_active

    union all

    select
        breakdown,
        segment,
        day_number,
        0 as dau,
        0 as week_change,
        -leaving as month_change
    from period_ends

    union all

    -- Every segment on every report day, so each gets a running total there.
    select
        segments.breakdown,
        segments.segment,
        report_days.day_number,
        0 as dau,
        0 as week_change,
        0 as month_change
    from segments
    cross join report_days

),

per_day as (

    select
        breakdown,
        segment,
        day_number,
        sum(dau) as dau,
        sum(week_change) as week_change,
        sum(month_change) as month_change
    from changes
    group by breakdown, segment, day_number

),

totals as (

    select
        breakdown,
        segment,
        day_number,
        dau,
        sum(week_change) over running as dau_7day_sum,
        sum(month_change) over running as mau
    from per_day
    window running as (
        partition by breakdown, segment
        order by day_number
        rows between unbounded preceding and current row
    )

),

reported as (

    select
        report_days.day,
        totals.breakdown,
        totals.segment,
        cast(totals.dau as bigint) as dau,
        cast(totals.dau_7day_sum as bigint) as dau_7day_sum,
        cast(totals.mau as bigint) as mau
    from totals
    inner join report_days on totals.day_number = report_days.day_number

),

single_device as (

    -- Multi-device users are active on their multi-device days, so the
    -- single-device users are all users less the multi-device ones.
    select
        all_users.day,
        'devices' as breakdown,
        'single-device' as segment,
        all_users.dau - coalesce(multi.dau, 0) as dau,
        all_users.dau_7day_sum - coalesce(multi.dau_7day_sum, 0) as dau_7day_sum,
        all_users.mau - coalesce(multi.mau, 0) as mau
    from reported as all_users
    left join reported as multi
        on
            all_users.day = multi.day
            and multi.breakdown = 'devices'
            and multi.segment = 'multi-device'
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
