{#
    on-run-start: the raw zone's Parquet files (docs/raw-zone.md) as the
    tables of the `raw` source. DuckDB reads the files directly (the
    sources' external_location), and on Databricks COPY INTO fills real raw
    tables (scripts/lib/warehouse/databricks.ts uploadRawZone), so only
    plain Spark needs this.

    Each run re-creates an external table per source over
    <FXA_DATA_DIR>/raw/<table>, partitioned by `day` from the directory
    names, and registers the partitions present now. Dropping an external
    table never deletes its files. The schema is explicit (fxa_raw_columns,
    generated from the loader's raw schema): Spark skips
    files whose names start with `_`, so it cannot infer it from the
    zero-row `_empty.parquet` before the first load of a kind of event.
#}
{% macro fxa_register_raw_sources() %}
    {{ return(adapter.dispatch('fxa_register_raw_sources', 'fxa_metrics')()) }}
{% endmacro %}

{% macro default__fxa_register_raw_sources() %}{% endmacro %}

{# dbt-databricks falls back to spark__ macros: its raw tables exist already. #}
{% macro databricks__fxa_register_raw_sources() %}{% endmacro %}

{% macro spark__fxa_register_raw_sources() %}
    {%- if execute -%}
        {%- set raw_dir = env_var('FXA_DATA_DIR', 'data') ~ '/raw' -%}
        {%- set schemas = [] -%}
        {%- for node in graph.sources.values() if node.source_name == 'raw' -%}
            {%- if node.schema not in schemas -%}
                {% do run_query('create database if not exists ' ~ adapter.quote(node.schema)) %}
                {% do schemas.append(node.schema) %}
            {%- endif -%}
            {%- set relation = adapter.quote(node.schema) ~ '.' ~ adapter.quote(node.identifier) -%}
            {%- set columns = [] -%}
            {%- for name, type in fxa_raw_columns(node.identifier) -%}
                {% do columns.append(adapter.quote(name) ~ ' ' ~ type) %}
            {%- endfor -%}
            {% do run_query('drop table if exists ' ~ relation) %}
            {% do run_query(
                'create table ' ~ relation ~ ' (' ~ columns | join(', ') ~ ', `day` date)'
                ~ ' using parquet partitioned by (`day`)'
                ~ ' location ' ~ fxa_spark_string(raw_dir ~ '/' ~ node.identifier)
            ) %}
            {% do run_query('msck repair table ' ~ relation) %}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}

{# A Spark SQL string literal for a path the project builds (backslash escapes). #}
{% macro fxa_spark_string(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
