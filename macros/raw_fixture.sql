{#
    Unit-test input for a raw source: rows given as lists of values for some
    columns; every other raw column is a typed null. dbt can only infer a
    fixture's column types from a relation in the catalog, which the raw
    zone (Parquet files) is not, so the staging unit tests use
    `format: sql` with this macro, wrapped in {% raw %} so that it is
    rendered with the model, not when the YAML is read:
      rows: |
        {% raw %}{{ raw_fixture('flow_events', ['time_ms', 'type', 'day'],
            [[1, "'flow.begin'", "'2024-01-01'"]]) }}{% endraw %}
    Values are SQL literals.
#}
{% macro raw_fixture(table, columns, rows) %}
    {%- set types = {
        'flow_events': [
            ('time_ms', 'bigint'), ('flow_time', 'bigint'), ('flow_id', 'string'), ('type', 'string'),
            ('uid', 'string'), ('locale', 'string'), ('ua_browser', 'string'), ('ua_version', 'string'),
            ('ua_os', 'string'), ('context', 'string'), ('entrypoint', 'string'), ('migration', 'string'),
            ('service', 'string'), ('utm_campaign', 'string'), ('utm_content', 'string'),
            ('utm_medium', 'string'), ('utm_source', 'string'), ('utm_term', 'string'), ('dnt', 'boolean'),
            ('source_file', 'string'), ('source_line', 'bigint'), ('load_id', 'string'), ('day', 'date'),
        ],
        'activity_events': [
            ('time_ms', 'bigint'), ('type', 'string'), ('uid', 'string'), ('device_id', 'string'),
            ('service', 'string'), ('ua_browser', 'string'), ('ua_version', 'string'), ('ua_os', 'string'),
            ('source_file', 'string'), ('source_line', 'bigint'), ('load_id', 'string'), ('day', 'date'),
        ],
    }[table] -%}
    {%- for row in rows %}
    select
        {%- for name, type in types %}
        cast({{ row[columns.index(name)] if name in columns else 'null' }} as {{ type }}) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{% endmacro %}
