with

source as (

    select * from {{ source('raw', 'flow_events') }}

),

typed as (

    select
        {{ epoch_ms_to_timestamp('time_ms') }} as event_timestamp,
        time_ms,
        cast(day as date) as day,
        flow_time,
        flow_id,
        {{ normalise_event_type('type') }} as type,
        uid,
        locale,
        ua_browser,
        ua_version,
        ua_os,
        context,
        entrypoint,
        migration,
        service,
        utm_campaign,
        utm_content,
        utm_medium,
        utm_source,
        utm_term,
        dnt,
        load_id,
        source_file,
        source_line
    from source

),

ranked as (

    -- `day` is part of the key only so that a filter on day passes through
    -- the window function: duplicates share time_ms, hence their day.
    select
        *,
        row_number() over (
            partition by day, flow_id, type, flow_time, time_ms
            order by load_id, source_file, source_line
        ) as copy_number
    from typed

),

final as (

    select
        event_timestamp,
        time_ms,
        day,
        flow_time,
        flow_id,
        type,
        uid,
        locale,
        ua_browser,
        ua_version,
        ua_os,
        context,
        entrypoint,
        migration,
        service,
        utm_campaign,
        utm_content,
        utm_medium,
        utm_source,
        utm_term,
        dnt,
        load_id,
        source_file,
        source_line
    from ranked
    where copy_number = 1

)

select * from final
