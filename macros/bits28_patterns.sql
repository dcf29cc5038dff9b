{#
    The CTEs that turn seen days into 28-day bit patterns, for the
    *_last_seen models: `offsets`, `last_day`, `marks` and `patterns`.

      seen_days  a CTE of one row per (keys..., day) seen, with a 0/1
                 column per flag
      keys       the columns a pattern belongs to, e.g. ['uid']
      flags      [flag column, pattern column] pairs, e.g.
                 [['seen', 'days_seen_bits']]
      window     fxa_run_window('last_seen', ...): none on a full build

    `patterns` holds (keys..., day_number, one integer per pattern column)
    for every day up to the last day with activity events (on a night, at
    most the window's last day, so that later days keep their rows). A full
    build spreads each seen day over the 28 days it is a bit of (bit k on
    day + k). A night does the same for the days it rebuilds and adds the
    model's own partition of `from - 1` (window.read_from) shifted by the
    days since: that one day holds everything older.
#}
{% macro bits28_patterns(seen_days, keys, flags, window) -%}

offsets as (

    -- 0 .. 27: how many days after a seen day its bit lands.
    select offsets.days_after
    from (
        values
        {%- for k in range(28) %}
        ({{ k }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as offsets (days_after)

),

last_day as (

    {%- if window is none %}
    select {{ day_number('max(day)') }} as day_number
    from {{ ref('activity_events') }}
    {%- else %}
    select {{ day_number("least(max(day), cast('" ~ window['write_to'] ~ "' as date))") }} as day_number
    from {{ ref('activity_events') }}
    where day >= cast('{{ window["write_from"] }}' as date)
    {%- endif %}

),

marks as (

    select
        {%- for key in keys %}
        seen.{{ key }},
        {%- endfor %}
        {{ day_number('seen.day') }} + offsets.days_after as day_number,
        {%- for flag, column in flags %}
        case when seen.{{ flag }} = 1 then {{ bits28_day('offsets.days_after') }} else 0 end as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ seen_days }} as seen
    cross join last_day
    inner join offsets
        on {{ day_number('seen.day') }} + offsets.days_after <= last_day.day_number

    {%- if window is not none %}

    union all

    select
        {%- for key in keys %}
        previous.{{ key }},
        {%- endfor %}
        {{ day_number('previous.day') }} + offsets.days_after as day_number,
        {%- for flag, column in flags %}
        {{ bits28_shift('previous.' ~ column, 'offsets.days_after') }} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ this }} as previous
    cross join last_day
    inner join offsets
        on
            offsets.days_after > 0
            and {{ day_number('previous.day') }} + offsets.days_after <= last_day.day_number
    where previous.day = cast('{{ window["read_from"] }}' as date)
    {%- endif %}

),

patterns as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        day_number,
        {%- for flag, column in flags %}
        {{ bits28_or(column) }} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from marks
    group by {% for key in keys %}{{ key }}, {% endfor %}day_number
    having {% for flag, column in flags %}{{ bits28_or(column) }} <> 0{{ ' or ' if not loop.last }}{% endfor %}

)

{%- endmacro %}
