{#
    What both staging models are: a raw table's rows with the event time as
    a timestamp and the partition's day as a date, next to every raw column
    as the raw zone stores it. The columns come from fxa_raw_columns
    (generated from scripts/loader/raw-schema.ts), so a raw column reaches
    staging without a second list here.
#}
{% macro fxa_staged_raw_events(table) -%}
with

source as (

    select * from {{ source('raw', table) }}

),

final as (

    select
        {{ epoch_ms_to_timestamp('time_ms') }} as event_timestamp,
        cast(day as date) as day,
        {%- for name, type in fxa_raw_columns(table) %}
        {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from source

)

select * from final
{%- endmacro %}
