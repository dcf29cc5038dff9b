{# Spark and Databricks: days since 1970-01-01 of a date (Spark 3.1+). #}
{% macro spark__day_number(date_expr) -%}
    unix_date({{ date_expr }})
{%- endmacro %}
