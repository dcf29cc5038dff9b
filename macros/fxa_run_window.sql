{#
    The days one incremental run reads and rebuilds, for one kind of model,
    from the vars `from` / `to` (the days whose raw data changed) and the
    look-back vars. Returns none on a full build (first run, --full-refresh,
    or no `from`): then models read and write everything.

      kind          rebuilds (write)              reads
      day           [from, to]                    [from, to]
      flow          [from - F, to + F]            [from - 2F, to + 2F]
      multi_device  [from, to + M]                [from - M, to + M]
      last_seen     [from, to + M + 27]           [from - 1, to + M + 27]
      kpi_activity  [from, to + M + K - 1]        [from, to + M + K - 1]

    F = flow_lookback_days, M = multi_device_lookback_days, K = kpi_mau_days.
    Why `last_seen` (users_last_seen, 28-day bit patterns) reaches M + 27
    days past `to`: a changed day changes the multi-device users of up to M
    days later, and each changed day is a bit of the 27 days after it. Every
    day is the day before shifted by one and OR-ed with the day itself, so
    a rebuild starts from the partition of `from - 1`, which it reads.
    Why `kpi_activity` (the engagement KPIs, bit tests on users_last_seen)
    reaches M + K - 1 days past `to`: the same reason, with the K - 1 days
    after a changed day whose MAU it is in. Each rebuilt day reads only its
    own users_last_seen partition, which holds its 28 days.
    Why `flow` reaches F days past `to`: a late begin event can move a
    flow's begin (and its export_date) up to F days earlier, and a late uid
    changes the uid of the flow's experiment rows on other days. It reads a
    further F days on each side so that every flow it rebuilds is seen
    whole (flows last < F days).
    The model passes its own is_incremental(): in dbt unit tests only the
    model's copy of it can be overridden.
#}
{% macro fxa_run_window(kind, incremental) %}
    {%- if not incremental or var('from', none) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set first = fxa_parse_day('from', var('from')) -%}
    {%- set last = fxa_parse_day('to', var('to', none) if var('to', none) is not none else var('from')) -%}
    {%- if last < first -%}
        {{ exceptions.raise_compiler_error("var 'to' (" ~ last ~ ") is before var 'from' (" ~ first ~ ")") }}
    {%- endif -%}
    {%- set flow = modules.datetime.timedelta(days=var('flow_lookback_days') | int) -%}
    {%- set multi = modules.datetime.timedelta(days=var('multi_device_lookback_days') | int) -%}
    {%- if kind == 'day' -%}
        {%- set bounds = [first, last, first, last] -%}
    {%- elif kind == 'flow' -%}
        {%- set bounds = [first - flow, last + flow, first - flow - flow, last + flow + flow] -%}
    {%- elif kind == 'multi_device' -%}
        {%- set bounds = [first, last + multi, first - multi, last + multi] -%}
    {%- elif kind == 'last_seen' -%}
        {%- set bits = modules.datetime.timedelta(days=27) -%}
        {%- set bounds = [first, last + multi + bits, first - modules.datetime.timedelta(days=1), last + multi + bits] -%}
    {%- elif kind == 'kpi_activity' -%}
        {%- set mau = modules.datetime.timedelta(days=(var('kpi_mau_days') | int) - 1) -%}
        {%- set bounds = [first, last + multi + mau, first, last + multi + mau] -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("fxa_run_window: unknown kind '" ~ kind ~ "'") }}
    {%- endif -%}
    {{ return({
        'write_from': bounds[0].isoformat(), 'write_to': bounds[1].isoformat(),
        'read_from': bounds[2].isoformat(), 'read_to': bounds[3].isoformat(),
    }) }}
{% endmacro %}

{# A YYYY-MM-DD var as a date, or a compile error that names the var. #}
{% macro fxa_parse_day(name, value) %}
    {%- set text = value | string -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a day YYYY-MM-DD, got '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return(modules.datetime.date.fromisoformat(text)) }}
{% endmacro %}

{#
    A filter on a date column: within the window's `read` or `write` days, or
    `true` on a full build.
#}
{% macro fxa_days_between(column, window, side) -%}
    {%- if window is none -%}
        true
    {%- else -%}
        {{ column }} between cast('{{ window[side ~ "_from"] }}' as date) and cast('{{ window[side ~ "_to"] }}' as date)
    {%- endif -%}
{%- endmacro %}
