{{ config(**fxa_day_partitioned('day', 'multi_device')) }}

{%- set lookback = var('multi_device_lookback_days') | int %}
{%- set window = fxa_run_window('multi_device', is_incremental()) %}

{#-
    A user is multi-device on `day` when active that day and the devices
    seen in [day - lookback, day] are not all one device, i.e. their
    smallest and largest device differ. Two plans give the same rows, each
    cheap where the other is not (measured in bench/README.md):
    - a full build visits every (uid, day): one pass per user ordered by day
      with a sliding frame;
    - a night rebuilds a few days: only the users active on those days, each
      joined with their own activity of the frame's days.
#}

with

activity as (

    select
        uid,
        day,
        device_id
    from {{ ref('daily_activity_per_device') }}
    where
        {{ fxa_days_between('day', window, 'read') }}
        and device_id is not null

),

{%- if window is none %}

devices as (

    -- A number per device: frame aggregates over integers cost far less
    -- than over 32-character strings, and the order keeps min/max exact.
    select
        device_id,
        row_number() over (order by device_id) as device_number
    from (select distinct device_id from activity) as distinct_devices

),

user_days as (

    -- One row per day a user was active: that row is the "active on day"
    -- condition.
    select
        activity.uid,
        activity.day,
        {{ day_number('activity.day') }} as day_number,
        min(devices.device_number) as lowest_device,
        max(devices.device_number) as highest_device
    from activity
    inner join devices on activity.device_id = devices.device_id
    group by activity.uid, activity.day

),

framed as (

    select
        day,
        uid,
        min(lowest_device) over recent_days as lowest_in_frame,
        max(highest_device) over recent_days as highest_in_frame
    from user_days
    window recent_days as (
        partition by uid
        order by day_number
        range between {{ lookback }} preceding and current row
    )

),

final as (

    select
        day,
        uid,
        {{ sample_id('uid') }} as sample_id
    from framed
    where lowest_in_frame <> highest_in_frame

)

{%- else %}

active_days as (

    -- The (uid, day) the run rebuilds: no other user can have a row.
    select distinct
        uid,
        day,
        {{ add_days('day', -lookback) }} as frame_start
    from activity
    where {{ fxa_days_between('day', window, 'write') }}

),

final as (

    select
        active_days.day,
        active_days.uid,
        {{ sample_id('active_days.uid') }} as sample_id
    from active_days
    inner join activity
        on
            active_days.uid = activity.uid
            and activity.day between active_days.frame_start and active_days.day
    group by active_days.day, active_days.uid
    having min(activity.device_id) <> max(activity.device_id)

)

{%- endif %}

select * from final
