{#- Typed and renamed raw events; no deduplication (why: stg_flow_events.sql). -#}
with

source as (

    select * from {{ source('raw', 'activity_events') }}

),

final as (

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

)

select * from final
