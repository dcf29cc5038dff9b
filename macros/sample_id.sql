{#
    sample_id (0 .. 99) of a user, from the HMACed uid only: the uid's first
    8 hex digits read as a number, mod 100. The HMAC spreads them evenly, so
    `sample_id < 10` is a 10 % sample of users, the same users in every
    table and on every night. Null when the uid is null (or not hex).
#}
{% macro sample_id(uid) -%}
    {{ return(adapter.dispatch('sample_id', 'fxa_metrics')(uid)) }}
{%- endmacro %}

{% macro default__sample_id(uid) -%}
    cast(try_cast('0x' || substr({{ uid }}, 1, 8) as bigint) % 100 as integer)
{%- endmacro %}

{#
    Where DuckDB should keep a table's rows together: an `order by` of the
    rows a model writes, so that each row group's min/max (zonemaps) of
    these columns lets a filter such as `sample_id < 10` skip the others.
    Nothing on Spark and Databricks, whose files are partitioned by day and
    whose writers do not keep a row order.
#}
{% macro fxa_cluster_by(columns) -%}
    {{ return(adapter.dispatch('fxa_cluster_by', 'fxa_metrics')(columns)) }}
{%- endmacro %}

{% macro default__fxa_cluster_by(columns) -%}
    order by {{ columns | join(', ') }}
{%- endmacro %}

{% macro spark__fxa_cluster_by(columns) -%}{%- endmacro %}
