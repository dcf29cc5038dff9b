{#
    dbt's cast() on Spark (and Databricks, which falls back to spark__):
    a bare `varchar` is not a Spark type (it needs a length), `string` is
    its unbounded equivalent. The model contracts declare `varchar`, the
    DuckDB name, and dbt checks them with cast(null as <data_type>).
#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ fxa_spark_type(type) }})
{%- endmacro %}

{% macro fxa_spark_type(type) -%}
    {%- if type | trim | lower in ('varchar', 'text') -%} string
    {%- else -%} {{ type }}
    {%- endif -%}
{%- endmacro %}
