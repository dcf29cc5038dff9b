{#
    A folder's `+schema` is the schema's whole name (`staging`,
    `intermediate`), not a suffix of the target schema: the marts stay in the
    target schema (`main`), where analysts query them by plain name.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
