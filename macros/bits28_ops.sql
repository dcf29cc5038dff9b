{#
    28-day activity bit patterns (users_last_seen): an integer whose bit k
    (k = 0 .. 27) means "seen k days before the row's day". Tomorrow's
    pattern is today's shifted left by one and masked at 28 bits, OR-ed
    with tomorrow's own bit. Bit 0 is the day itself (DAU), any of bits
    0 .. 6 the 7 days ending it (WAU), any of 0 .. 27 the 28 days (MAU).
    Values are `integer`; shifts go through bigint so that no bit is lost
    before the mask.
#}

{# The 28 low bits: 2^28 - 1. #}
{% macro bits28_mask() -%}
    268435455
{%- endmacro %}

{# The pattern with only the bit of `days_ago` (an integer expression, 0 .. 27) set. #}
{% macro bits28_day(days_ago) -%}
    {{ return(adapter.dispatch('bits28_day', 'fxa_metrics')(days_ago)) }}
{%- endmacro %}

{% macro default__bits28_day(days_ago) -%}
    cast(cast(1 as bigint) << ({{ days_ago }}) as integer)
{%- endmacro %}

{# A pattern as seen `days` days later (an integer expression >= 0): shifted left, bits past 27 dropped. #}
{% macro bits28_shift(bits, days) -%}
    {{ return(adapter.dispatch('bits28_shift', 'fxa_metrics')(bits, days)) }}
{%- endmacro %}

{% macro default__bits28_shift(bits, days) -%}
    cast((cast({{ bits }} as bigint) << ({{ days }})) & {{ bits28_mask() }} as integer)
{%- endmacro %}

{# The OR of a group's patterns (an aggregate). #}
{% macro bits28_or(bits) -%}
    {{ return(adapter.dispatch('bits28_or', 'fxa_metrics')(bits)) }}
{%- endmacro %}

{% macro default__bits28_or(bits) -%}
    cast(bit_or({{ bits }}) as integer)
{%- endmacro %}

{#
    Days since the most recent set bit (the lowest one), null when none is:
    bits & -bits keeps only the lowest set bit, a power of two whose log2
    is exact in a double.
#}
{% macro bits28_days_since(bits) -%}
    {{ return(adapter.dispatch('bits28_days_since', 'fxa_metrics')(bits)) }}
{%- endmacro %}

{% macro default__bits28_days_since(bits) -%}
    case
        when {{ bits }} & {{ bits28_mask() }} <> 0
            then cast(log2(cast({{ bits }} & -({{ bits }}) as double)) as integer)
    end
{%- endmacro %}

{# The bits of the `days` days ending the row's day (days is a number, 1 .. 28, known when compiling). #}
{% macro bits28_window(bits, days) -%}
    {%- set n = days | int -%}
    {%- if n < 1 or n > 28 -%}
        {{ exceptions.raise_compiler_error("bits28: a window of " ~ n ~ " days; the patterns hold 1 .. 28") }}
    {%- endif -%}
    ({{ bits }} & {{ 2 ** n - 1 }})
{%- endmacro %}

{# Seen on any of the `days` days ending the row's day: a boolean. #}
{% macro bits28_active_in(bits, days) -%}
    {{ bits28_window(bits, days) }} <> 0
{%- endmacro %}

{# On how many of the `days` days ending the row's day the pattern has a bit: an integer. #}
{% macro bits28_count(bits, days) -%}
    {{ return(adapter.dispatch('bits28_count', 'fxa_metrics')(bits, days)) }}
{%- endmacro %}

{% macro default__bits28_count(bits, days) -%}
    cast(bit_count({{ bits28_window(bits, days) }}) as integer)
{%- endmacro %}
