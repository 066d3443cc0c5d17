"""Programme rules as pure functions: the requested amount, what a budget plan violates, call times.

Money is integer cents; percentages are basis points (``FULL`` = 100 %). Where a share must be
rounded, it is rounded down for what the programme pays and up for what it requires, so the
programme never pays more, nor asks less, than the exact figure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

Errors = dict[str, list[str]]
FULL = 10_000
FINANCING_TYPES = ("shortfall", "share", "fixed")
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Rules:
    """A programme's rules (see ``models.Programme``)."""

    max_amount_cents: int
    financing_type: str = "shortfall"
    funding_rate_bp: int | None = None
    fixed_amount_cents: int | None = None
    min_own_contribution_bp: int = 0
    volunteer_hour_rate_cents: int = 0
    volunteer_max_share_bp: int = FULL
    eligible_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    category: str
    amount_cents: int
    description: str = ""


@dataclass(frozen=True)
class Plan:
    """A budget plan: cost lines, own contribution in cash and volunteer hours, other funding."""

    lines: tuple[Line, ...]
    own_cents: int = 0
    volunteer_hours: int = 0
    other_cents: int = 0

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)


@dataclass(frozen=True)
class Content:
    """What a complete application states besides its budget plan."""

    title: str
    summary: str
    goals: str
    district: str
    start_date: date | None
    end_date: date | None
    target_groups: tuple[str, ...] = field(default=())
    languages: tuple[str, ...] = field(default=())
    cost_line_count: int = 0


def rules_errors(rules: Rules) -> Errors:
    """What makes a programme's rules inconsistent with its financing type."""
    errors: Errors = {}
    if rules.financing_type == "share" and not rules.funding_rate_bp:
        errors["funding_rate_bp"] = ["share financing needs the funded share of the eligible costs"]
    if rules.financing_type == "fixed" and not rules.fixed_amount_cents:
        errors["fixed_amount_cents"] = ["fixed-amount financing needs the fixed amount"]
    if (rules.fixed_amount_cents or 0) > rules.max_amount_cents:
        errors["fixed_amount_cents"] = ["the fixed amount cannot exceed the maximum amount per application"]
    return errors


# --- money ---------------------------------------------------------------------------------------


def format_euro(cents: int) -> str:
    """German notation: 1.234,56 €."""
    euros, rest = divmod(cents, 100)
    return f"{euros:,}".replace(",", ".") + f",{rest:02d} €"


def shortfall(plan: Plan) -> int:
    """Costs − own contribution (cash) − other funding; negative when the plan is over-financed."""
    return plan.total_cents - plan.own_cents - plan.other_cents


def eligible_cents(plan: Plan, rules: Rules) -> int:
    return sum(line.amount_cents for line in plan.lines if _eligible(line.category, rules))


def exact_share(plan: Plan, rules: Rules) -> Fraction:
    return Fraction(eligible_cents(plan, rules) * (rules.funding_rate_bp or 0), FULL)


def requested_amount(plan: Plan, rules: Rules) -> int:
    """What the application asks for under the programme's financing type, never below zero.

    No type funds more than the shortfall: volunteer work is unpaid, so it counts towards the own
    contribution rule but is no cash cost the programme could pay for.
    """
    cap = max(shortfall(plan), 0)
    if rules.financing_type == "share":
        return min(eligible_cents(plan, rules) * (rules.funding_rate_bp or 0) // FULL, cap)
    if rules.financing_type == "fixed":
        return min(rules.fixed_amount_cents or 0, cap)
    return cap


def volunteer_value(hours: int, rules: Rules) -> int:
    return hours * rules.volunteer_hour_rate_cents


def required_own_cents(plan: Plan, rules: Rules) -> int:
    return -(-plan.total_cents * rules.min_own_contribution_bp // FULL)


def counted_own_cents(plan: Plan, rules: Rules) -> int:
    """Cash plus volunteer hours, the hours covering at most their allowed part of the minimum."""
    volunteer_cap = required_own_cents(plan, rules) * rules.volunteer_max_share_bp // FULL
    return plan.own_cents + min(volunteer_value(plan.volunteer_hours, rules), volunteer_cap)


# --- what a plan violates ----------------------------------------------------------------------


def violations(plan: Plan, rules: Rules) -> Errors:
    """One message per violated rule, keyed by the field at fault."""
    found = [check(plan, rules) for check in (_financing, _categories, _own_contribution, _volunteer_hours)]
    if shortfall(plan) >= 0:  # else the over-financing message says it all
        found.append(amount_errors(requested_amount(plan, rules), rules.max_amount_cents))
    return merge(*found)


def merge(*found: Errors) -> Errors:
    """Several checks' errors in one mapping, keeping every message of a field named twice."""
    errors: Errors = {}
    for each in found:
        for name, messages in each.items():
            errors.setdefault(name, []).extend(message for message in messages if message not in errors[name])
    return errors


def amount_errors(requested_cents: int, max_amount_cents: int) -> Errors:
    if requested_cents <= 0:
        return {"requested_cents": ["the requested amount must be greater than zero"]}
    if requested_cents > max_amount_cents:
        return {
            "requested_cents": [
                f"the programme funds at most {format_euro(max_amount_cents)} per application; "
                f"this plan asks for {format_euro(requested_cents)}"
            ]
        }
    return {}


def _financing(plan: Plan, _rules: Rules) -> Errors:
    if shortfall(plan) < 0:
        return {
            "own_contribution_cents": ["own contribution and other funding together exceed the total costs"]
        }
    return {}


def _categories(plan: Plan, rules: Rules) -> Errors:
    allowed = ", ".join(rules.eligible_categories)
    return {
        f"cost_lines[{index}].category": [
            f"the programme does not fund the cost category {line.category!r}; eligible are: {allowed}"
        ]
        for index, line in enumerate(plan.lines)
        if not _eligible(line.category, rules)
    }


def _own_contribution(plan: Plan, rules: Rules) -> Errors:
    required = required_own_cents(plan, rules)
    counted = counted_own_cents(plan, rules)
    if counted >= required:
        return {}
    percent = Fraction(rules.min_own_contribution_bp, 100)
    volunteer = counted - plan.own_cents
    return {
        "own_contribution_cents": [
            f"the programme requires an own contribution of at least {float(percent):g} % of the total "
            f"costs, {format_euro(required)}; counted are {format_euro(counted)} "
            f"({format_euro(plan.own_cents)} in money, {format_euro(volunteer)} in volunteer hours)"
        ]
    }


def _volunteer_hours(plan: Plan, rules: Rules) -> Errors:
    if plan.volunteer_hours and not rules.volunteer_hour_rate_cents:
        return {"volunteer_hours": ["this programme does not count volunteer hours as own contribution"]}
    return {}


def _eligible(category: str, rules: Rules) -> bool:
    return not rules.eligible_categories or category in rules.eligible_categories


# --- completeness ------------------------------------------------------------------------------


def missing(content: Content) -> Errors:
    """Every part a complete application needs that this one lacks, keyed by field."""
    texts = {"summary": content.summary, "goals": content.goals}
    errors: Errors = {name: ["this is required"] for name, value in texts.items() if not value.strip()}
    if not content.title.strip():
        errors["title"] = ["a project title is required"]
    lists = {
        "target_groups": content.target_groups,
        "languages": content.languages,
    }
    errors.update({name: ["give at least one"] for name, value in lists.items() if not value})
    if not content.district.strip():
        errors["district"] = ["name the district where the project takes place"]
    for name in ("start_date", "end_date"):
        if getattr(content, name) is None:
            errors[name] = ["this is required"]
    if not content.cost_line_count:
        errors["cost_lines"] = ["the budget plan needs at least one cost line"]
    errors.update(date_errors(content.start_date, content.end_date))
    return errors


def date_errors(start: date | None, end: date | None) -> Errors:
    if start is not None and end is not None and end < start:
        return {"end_date": [f"the project cannot end before it starts ({start.isoformat()})"]}
    return {}


def district_errors(district: str, addressed: list[str]) -> Errors:
    if addressed and district.strip() and district not in addressed:
        return {"district": [f"the call is addressed to these districts only: {', '.join(addressed)}"]}
    return {}


# --- call times in Europe/Berlin ---------------------------------------------------------------


def berlin_to_utc(local: datetime) -> datetime:
    """A Berlin wall-clock time as UTC; refuses offsets and times DST skips or repeats."""
    if local.tzinfo is not None:
        raise ValueError(
            "give the local Berlin time without an offset or 'Z' (e.g. 2027-01-31T23:59); "
            "it is converted to UTC, summer time included"
        )
    first, second = local.replace(tzinfo=BERLIN, fold=0), local.replace(tzinfo=BERLIN, fold=1)
    if first.utcoffset() != second.utcoffset():
        skipped = first.astimezone(UTC).astimezone(BERLIN).replace(tzinfo=None) != local
        why = "does not exist (clocks jump forward)" if skipped else "occurs twice (clocks go back)"
        raise ValueError(f"{local.isoformat()} {why} in Berlin; choose another time")
    return first.astimezone(UTC)


def in_berlin(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def berlin_text(moment: datetime) -> str:
    """How a deadline reads to a user: 31.01.2027, 23:59 Uhr (Berlin time)."""
    local = in_berlin(moment)
    return local.strftime("%d.%m.%Y, %H:%M Uhr") + f" ({local.tzname()}, Berlin time)"


def window_error(now: datetime, opens_at: datetime, closes_at: datetime, title: str = "") -> str | None:
    call = f"the call {title!r}" if title else "the call"
    if now < opens_at:
        return f"{call} opens on {berlin_text(opens_at)}; applications can be submitted from then"
    if now >= closes_at:
        return f"{call} closed on {berlin_text(closes_at)}; late applications cannot be accepted"
    return None


# --- comparing budget plan versions ------------------------------------------------------------


def compare_lines(before: list[dict[str, object]], after: list[dict[str, object]]) -> list[dict[str, object]]:
    """Lines matched by (category, description), the n-th twin with the n-th; cents before/after."""
    old, new = _keyed(before), _keyed(after)
    keys = list(old) + [key for key in new if key not in old]
    return [_difference(key[0], key[1], old.get(key, 0), new.get(key, 0)) for key in keys]


def compare_categories(
    before: list[dict[str, object]], after: list[dict[str, object]]
) -> list[dict[str, object]]:
    old, new = _sums(before), _sums(after)
    categories = list(old) + [category for category in new if category not in old]
    return [{"category": name, **cents_difference(old.get(name, 0), new.get(name, 0))} for name in categories]


def _keyed(lines: list[dict[str, object]]) -> dict[tuple[str, str, int], int]:
    seen: Counter[tuple[str, str]] = Counter()
    keyed: dict[tuple[str, str, int], int] = {}
    for line in lines:
        pair = (str(line["category"]), str(line["description"]))
        keyed[(*pair, seen[pair])] = int(line["amount_cents"])  # type: ignore[call-overload]
        seen[pair] += 1
    return keyed


def _sums(lines: list[dict[str, object]]) -> dict[str, int]:
    sums: dict[str, int] = {}
    for line in lines:
        category = str(line["category"])
        sums[category] = sums.get(category, 0) + int(line["amount_cents"])  # type: ignore[call-overload]
    return sums


def _difference(category: str, description: str, before: int, after: int) -> dict[str, object]:
    return {"category": category, "description": description, **cents_difference(before, after)}


def cents_difference(before: int, after: int) -> dict[str, object]:
    return {"from_cents": before, "to_cents": after, "difference_cents": after - before}
