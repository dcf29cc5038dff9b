{#
    Spark: the pre-hook that empties the days an incremental run rebuilds.
    Parquet tables have no DELETE; their days are partitions, so the
    rebuilt days' partitions are dropped (one partition spec per day of the
    window). The insert_overwrite that follows then writes the days that
    have rows; a day left without rows stays empty instead of keeping its
    old rows.
#}
{% macro spark__fxa_clear_rebuilt_days(day_column, kind) -%}
    {%- set window = fxa_run_window(kind, is_incremental()) -%}
    {%- if window is not none -%}
        {%- set first = modules.datetime.date.fromisoformat(window['write_from']) -%}
        {%- set last = modules.datetime.date.fromisoformat(window['write_to']) -%}
        {%- set specs = [] -%}
        {%- for offset in range((last - first).days + 1) -%}
            {%- set day = first + modules.datetime.timedelta(days=offset) -%}
            {%- do specs.append('partition (' ~ adapter.quote(day_column) ~ " = '" ~ day.isoformat() ~ "')") -%}
        {%- endfor -%}
        alter table {{ this }} drop if exists {{ specs | join(', ') }}
    {%- endif -%}
{%- endmacro %}

{# Databricks' tables are Delta, which deletes rows: the default applies. #}
{% macro databricks__fxa_clear_rebuilt_days(day_column, kind) -%}
    {{ return(default__fxa_clear_rebuilt_days(day_column, kind)) }}
{%- endmacro %}
