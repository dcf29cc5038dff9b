with

source as (

    select * from {{ source('raw', 'activity_events') }}

),

typed as (

    select
        {{ epoch_ms_to_timestamp('time_ms') }} as event_timestamp,
        time_ms,
        cast(day as date) as day,
        type,
        uid,
        device_id,
        service,
        ua_browser,
        ua_version,
        ua_os,
        load_id,
        source_file,
        source_line
    from source

),

ranked as (

    -- `day` is part of the key only so that a filter on day passes through
    -- the window function: duplicates share time_ms, hence their day.
    -- Window partitions compare nulls as equal, as the spec's key does.
    select
        *,
        row_number() over (
            partition by day, uid, type, device_id, service, time_ms
            order by load_id, source_file, source_line
        ) as copy_number
    from typed

),

final as (

    select
        event_timestamp,
        time_ms,
        day,
        type,
        uid,
        device_id,
        service,
        ua_browser,
        ua_version,
        ua_os,
        load_id,
        source_file,
        source_line
    from ranked
    where copy_number = 1

)

select * from final
