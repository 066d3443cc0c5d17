"""Programme rules: the requested amount per financing type, one message per violated rule, call times."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.funding.domain import rules
from services.funding.domain.rules import Line, Plan, Rules
from shared.languages import invalid_languages

SHORTFALL = Rules(max_amount_cents=2_500_000)
SHARE_80 = Rules(max_amount_cents=2_500_000, financing_type="share", funding_rate_bp=8_000)
FIXED = Rules(max_amount_cents=2_500_000, financing_type="fixed", fixed_amount_cents=500_000)
TEN_PERCENT_OWN = Rules(
    max_amount_cents=2_500_000, min_own_contribution_bp=1_000, volunteer_hour_rate_cents=1_500
)


def plan(*amounts: int, own: int = 0, other: int = 0, hours: int = 0, category: str = "personnel") -> Plan:
    return Plan(tuple(Line(category, amount) for amount in amounts), own, hours, other)


# --- the requested amount per financing type -----------------------------------------------------


def test_shortfall_financing_requests_costs_minus_own_and_other_funding() -> None:
    assert rules.requested_amount(plan(400_000, 100_000, own=50_000, other=20_000), SHORTFALL) == 430_000


def test_share_financing_requests_the_set_share_of_the_costs() -> None:
    assert rules.requested_amount(plan(400_000, 100_000, own=100_000), SHARE_80) == 400_000


def test_share_financing_funds_only_the_eligible_categories() -> None:
    rules_ = Rules(2_500_000, "share", funding_rate_bp=5_000, eligible_categories=("personnel",))
    mixed = Plan((Line("personnel", 200_000), Line("catering", 100_000)), own_cents=100_000)

    assert rules.requested_amount(mixed, rules_) == 100_000


def test_share_financing_never_pays_more_than_the_shortfall() -> None:
    # 80 % of 500.000 would be 400.000, but own and other funding leave only 300.000 uncovered.
    assert rules.requested_amount(plan(500_000, own=150_000, other=50_000), SHARE_80) == 300_000


def test_fixed_financing_requests_the_fixed_amount() -> None:
    assert rules.requested_amount(plan(800_000, own=80_000), FIXED) == 500_000


def test_fixed_financing_never_pays_more_than_the_shortfall() -> None:
    assert rules.requested_amount(plan(300_000, own=30_000), FIXED) == 270_000


def test_an_over_financed_plan_requests_nothing_and_says_why() -> None:
    over = plan(100_000, own=80_000, other=30_000)

    assert rules.requested_amount(over, SHORTFALL) == 0
    assert "exceed the total costs" in rules.violations(over, SHORTFALL)["own_contribution_cents"][0]
    assert "requested_cents" not in rules.violations(over, SHORTFALL)


# --- one message per violated rule ---------------------------------------------------------------


def test_a_plan_within_every_rule_violates_none() -> None:
    assert rules.violations(plan(500_000, own=50_000), TEN_PERCENT_OWN) == {}


def test_more_than_the_maximum_is_refused_naming_the_maximum_in_euro() -> None:
    errors = rules.violations(plan(3_000_000), SHORTFALL)

    assert "25.000,00 €" in errors["requested_cents"][0]


def test_each_ineligible_cost_line_is_named_by_its_position() -> None:
    rules_ = Rules(2_500_000, eligible_categories=("personnel", "material"))
    lines = (
        Line("personnel", 100_000),
        Line("catering", 5_000),
        Line("material", 1_000),
        Line("travel", 500),
    )

    errors = rules.violations(Plan(lines), rules_)

    assert set(errors) == {"cost_lines[1].category", "cost_lines[3].category"}
    assert "'catering'" in errors["cost_lines[1].category"][0]
    assert "personnel, material" in errors["cost_lines[1].category"][0]


def test_an_own_contribution_below_the_minimum_share_is_refused_with_the_required_sum() -> None:
    errors = rules.violations(plan(500_000, own=40_000), TEN_PERCENT_OWN)

    message = errors["own_contribution_cents"][0]
    assert "10 %" in message and "500,00 €" in message and "400,00 €" in message


def test_volunteer_hours_at_the_programme_rate_make_up_the_missing_own_contribution() -> None:
    # 5.000 € costs, 500 € required: 400 € in money + 6 h × 15 € = 490 € fall short, 7 h (105 €) do not.
    assert "own_contribution_cents" in rules.violations(plan(500_000, own=40_000, hours=6), TEN_PERCENT_OWN)
    assert rules.violations(plan(500_000, own=40_000, hours=7), TEN_PERCENT_OWN) == {}


def test_volunteer_hours_cover_only_the_part_of_the_minimum_the_programme_allows() -> None:
    half = Rules(
        2_500_000,
        min_own_contribution_bp=1_000,
        volunteer_hour_rate_cents=1_500,
        volunteer_max_share_bp=5_000,
    )

    # 500 € required, at most 250 € of it in hours: 1.000 h (15.000 €) count as 250 €, the rest is money.
    assert rules.counted_own_cents(plan(500_000, own=20_000, hours=1_000), half) == 45_000
    assert "own_contribution_cents" in rules.violations(plan(500_000, own=20_000, hours=1_000), half)
    assert rules.violations(plan(500_000, own=25_000, hours=1_000), half) == {}


def test_volunteer_hours_are_refused_where_the_programme_does_not_count_them() -> None:
    errors = rules.violations(plan(100_000, hours=10), SHORTFALL)

    assert "does not count volunteer hours" in errors["volunteer_hours"][0]


def test_a_plan_without_costs_asks_for_more_than_nothing() -> None:
    assert "greater than zero" in rules.violations(plan(), SHORTFALL)["requested_cents"][0]


def test_share_financing_without_a_rate_is_an_inconsistent_programme() -> None:
    assert set(rules.rules_errors(Rules(100, "share"))) == {"funding_rate_bp"}
    assert set(rules.rules_errors(Rules(100, "fixed"))) == {"fixed_amount_cents"}
    assert set(rules.rules_errors(Rules(100, "fixed", fixed_amount_cents=101))) == {"fixed_amount_cents"}
    assert rules.rules_errors(SHARE_80) == {} and rules.rules_errors(FIXED) == {}


# --- completeness ------------------------------------------------------------------------------


def test_an_empty_application_names_every_missing_part() -> None:
    empty = rules.Content(title=" ", summary="", goals="", district="", start_date=None, end_date=None)

    assert set(rules.missing(empty)) == {
        "title",
        "summary",
        "goals",
        "target_groups",
        "languages",
        "district",
        "start_date",
        "end_date",
        "cost_lines",
    }


def test_a_project_ending_before_it_starts_is_refused_naming_the_end_date() -> None:
    assert set(rules.date_errors(date(2027, 3, 1), date(2027, 2, 28))) == {"end_date"}
    assert rules.date_errors(date(2027, 3, 1), date(2027, 3, 1)) == {}


def test_iso_639_codes_count_as_languages_including_community_languages_without_two_letters() -> None:
    assert invalid_languages(["de", "tr", "ar", "uk", "kmr", "xx", "deu", "DE"]) == ["xx", "deu", "DE"]


def test_a_district_outside_the_calls_districts_is_refused() -> None:
    assert set(rules.district_errors("Köln-Kalk", ["Köln-Mülheim"])) == {"district"}
    assert rules.district_errors("Köln-Kalk", []) == {}


# --- call times in Berlin ----------------------------------------------------------------------


def test_a_berlin_winter_time_is_stored_one_hour_earlier_in_utc() -> None:
    assert rules.berlin_to_utc(datetime(2027, 1, 31, 23, 59)) == datetime(2027, 1, 31, 22, 59, tzinfo=UTC)


def test_a_berlin_summer_time_is_stored_two_hours_earlier_in_utc() -> None:
    assert rules.berlin_to_utc(datetime(2027, 7, 1, 12, 0)) == datetime(2027, 7, 1, 10, 0, tzinfo=UTC)


def test_a_time_with_an_offset_is_refused_as_not_a_berlin_local_time() -> None:
    with pytest.raises(ValueError, match="without an offset"):
        rules.berlin_to_utc(datetime(2027, 1, 31, 23, 59, tzinfo=UTC))


@pytest.mark.parametrize(
    ("local", "why"),
    [(datetime(2027, 3, 28, 2, 30), "does not exist"), (datetime(2027, 10, 31, 2, 30), "occurs twice")],
)
def test_a_time_summer_time_skips_or_repeats_is_refused(local: datetime, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        rules.berlin_to_utc(local)


def test_a_late_submission_is_told_when_the_call_closed_in_berlin_time() -> None:
    closes = datetime(2027, 1, 31, 22, 59, tzinfo=UTC)

    message = rules.window_error(closes, datetime(2026, 12, 1, tzinfo=UTC), closes, "Ankommen")

    assert message == (
        "the call 'Ankommen' closed on 31.01.2027, 23:59 Uhr (CET, Berlin time); "
        "late applications cannot be accepted"
    )


# --- comparing budget plan versions ------------------------------------------------------------


def test_comparing_two_plans_gives_the_cents_difference_per_line_and_category() -> None:
    before = [
        {"category": "personnel", "description": "Honorar", "amount_cents": 400_000},
        {"category": "material", "description": "Bücher", "amount_cents": 20_000},
    ]
    after = [
        {"category": "personnel", "description": "Honorar", "amount_cents": 350_000},
        {"category": "rent", "description": "Raummiete", "amount_cents": 30_000},
    ]

    lines = rules.compare_lines(before, after)
    categories = rules.compare_categories(before, after)

    assert [(line["description"], line["difference_cents"]) for line in lines] == [
        ("Honorar", -50_000),
        ("Bücher", -20_000),
        ("Raummiete", 30_000),
    ]
    assert {c["category"]: (c["from_cents"], c["to_cents"]) for c in categories} == {
        "personnel": (400_000, 350_000),
        "material": (20_000, 0),
        "rent": (0, 30_000),
    }


# --- the money arithmetic, for any plan --------------------------------------------------------

amounts = st.integers(min_value=1, max_value=10**10)
lines = st.lists(
    st.builds(Line, st.sampled_from(["personnel", "material", "rent", "catering"]), amounts), max_size=30
)
plans = st.builds(
    Plan,
    lines.map(tuple),
    st.integers(min_value=0, max_value=10**11),
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=10**11),
)
programme_rules = st.builds(
    Rules,
    max_amount_cents=st.integers(min_value=1, max_value=10**11),
    financing_type=st.sampled_from(rules.FINANCING_TYPES),
    funding_rate_bp=st.integers(min_value=1, max_value=rules.FULL),
    fixed_amount_cents=st.integers(min_value=1, max_value=10**10),
    min_own_contribution_bp=st.integers(min_value=0, max_value=rules.FULL),
    volunteer_hour_rate_cents=st.integers(min_value=0, max_value=10_000),
    volunteer_max_share_bp=st.integers(min_value=0, max_value=rules.FULL),
    eligible_categories=st.sampled_from([(), ("personnel",), ("personnel", "material", "rent")]),
)


@given(plans, programme_rules)
def test_every_amount_stays_in_whole_cents_and_the_request_is_never_negative(
    plan_: Plan, rules_: Rules
) -> None:
    requested = rules.requested_amount(plan_, rules_)
    derived = (
        requested,
        rules.required_own_cents(plan_, rules_),
        rules.counted_own_cents(plan_, rules_),
        rules.volunteer_value(plan_.volunteer_hours, rules_),
    )

    assert all(type(value) is int for value in derived)
    assert requested >= 0


@given(plans, programme_rules)
def test_no_financing_type_requests_more_than_the_shortfall(plan_: Plan, rules_: Rules) -> None:
    assert rules.requested_amount(plan_, rules_) <= max(rules.shortfall(plan_), 0)


@given(plans)
def test_shortfall_financing_requests_exactly_what_costs_leave_after_own_and_other(plan_: Plan) -> None:
    requested = rules.requested_amount(plan_, SHORTFALL)

    if plan_.own_cents + plan_.other_cents <= plan_.total_cents:
        assert requested + plan_.own_cents + plan_.other_cents == plan_.total_cents
    else:
        assert requested == 0 and "own_contribution_cents" in rules.violations(plan_, SHORTFALL)


@given(plans, st.integers(min_value=1, max_value=rules.FULL))
def test_a_rounded_share_never_exceeds_the_exact_share_and_misses_it_by_less_than_a_cent(
    plan_: Plan, rate: int
) -> None:
    rules_ = Rules(10**12, "share", funding_rate_bp=rate)
    unlimited = Plan(plan_.lines)  # no own or other funding: the share alone decides

    requested = rules.requested_amount(unlimited, rules_)

    assert requested <= rules.exact_share(unlimited, rules_) < requested + 1


@given(plans, programme_rules)
def test_the_required_own_contribution_is_never_below_the_exact_percentage(
    plan_: Plan, rules_: Rules
) -> None:
    required = rules.required_own_cents(plan_, rules_)
    exact = Fraction(plan_.total_cents * rules_.min_own_contribution_bp, rules.FULL)

    assert exact <= required < exact + 1


@given(plans, programme_rules)
def test_a_plan_meeting_every_rule_requests_a_positive_amount_within_the_maximum(
    plan_: Plan, rules_: Rules
) -> None:
    if rules.violations(plan_, rules_) == {}:
        assert 0 < rules.requested_amount(plan_, rules_) <= rules_.max_amount_cents
        assert rules.counted_own_cents(plan_, rules_) >= rules.required_own_cents(plan_, rules_)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "category": st.sampled_from("abc"),
                "description": st.sampled_from("xy"),
                "amount_cents": amounts,
            }
        ),
        max_size=10,
    ),
    st.lists(
        st.fixed_dictionaries(
            {
                "category": st.sampled_from("abc"),
                "description": st.sampled_from("xy"),
                "amount_cents": amounts,
            }
        ),
        max_size=10,
    ),
)
def test_line_and_category_differences_add_up_to_the_change_in_total_costs(
    before: list[dict[str, object]], after: list[dict[str, object]]
) -> None:
    change = sum(int(line["amount_cents"]) for line in after) - sum(
        int(line["amount_cents"]) for line in before
    )  # type: ignore[call-overload]

    assert sum(line["difference_cents"] for line in rules.compare_lines(before, after)) == change  # type: ignore[misc]
    assert sum(c["difference_cents"] for c in rules.compare_categories(before, after)) == change  # type: ignore[misc]
