{#-
    Typed and renamed raw events. No deduplication here: the loader stores
    each spec key once (docs/raw-zone.md), and the unique_combination test
    in this model's YAML fails the build if the raw zone ever holds a key
    twice. (A dedup window here cost about half of a full build: every
    mart re-ran it over the whole source; see bench/README.md.)
-#}
with

source as (

    select * from {{ source('raw', 'flow_events') }}

),

final as (

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

)

select * from final
