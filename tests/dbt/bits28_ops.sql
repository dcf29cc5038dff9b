-- The bits28_* macros on known patterns (macros/bits28_ops.sql): a row is a
-- failure. Run by `dbt test` on every engine, so the dispatched versions
-- must agree.
with

cases as (

    select
        cases.bits,
        cases.shift_days,
        cases.shifted,
        cases.days_since,
        cases.days_in_week,
        cases.active_in_week
    from (
        values
        (1, 1, 2, 0, 1, true),
        (134217728, 1, 0, 27, 0, false),
        (67108864, 1, 134217728, 26, 0, false),
        (268435455, 1, 268435454, 0, 7, true),
        (5, 26, 67108864, 0, 2, true),
        (192, 0, 192, 6, 1, true),
        (128, 3, 1024, 7, 0, false),
        (0, 3, 0, cast(null as integer), 0, false)
    ) as cases (bits, shift_days, shifted, days_since, days_in_week, active_in_week)

),

computed as (

    select
        bits,
        shifted,
        days_since,
        days_in_week,
        active_in_week,
        {{ bits28_shift('bits', 'shift_days') }} as got_shifted,
        {{ bits28_days_since('bits') }} as got_days_since,
        {{ bits28_count('bits', 7) }} as got_days_in_week,
        {{ bits28_active_in('bits', 7) }} as got_active_in_week,
        {{ bits28_day('shift_days') }} as got_day_bit,
        {{ bits28_shift(bits28_day('0'), 'shift_days') }} as got_day_bit_shifted
    from cases

)

select * from computed
where
    got_shifted <> shifted
    or got_days_since is distinct from days_since
    or got_days_in_week <> days_in_week
    or got_active_in_week <> active_in_week
    or got_day_bit <> got_day_bit_shifted
