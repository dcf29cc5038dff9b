{#-
    Typed and renamed raw events. The loader has already normalised the
    event names and stored each duplicate key once (docs/contract.md#normalisation);
    this model does neither again, and the tests in its YAML fail the build
    should the raw zone ever break either rule. (A dedup window here made
    every mart re-run it over the whole source:
    bench/README.md#measured-changes-to-the-models.)
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
    from source

)

select * from final
