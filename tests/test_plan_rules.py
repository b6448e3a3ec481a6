from decimal import Decimal

from app.domain.plan import PriorityLevel, assess_priority, check_budget


def test_priority_needs_all_three_ratings():
    priority = assess_priority({"feasibility": 4, "urgency": None}, ["serious_illness"])
    assert priority.level is None
    assert priority.missing == ("urgency", "motivation")


def test_urgency_counts_double_and_vulnerabilities_raise_priority():
    ratings = {"feasibility": 3, "urgency": 3, "motivation": 3}
    plain = assess_priority(ratings, [])
    assert plain.score == 12 and plain.level is PriorityLevel.LOW
    vulnerable = assess_priority(ratings, ["single_parent", "conflict_area"])
    assert vulnerable.score == 18 and vulnerable.level is PriorityLevel.MEDIUM
    assert [r.points for r in vulnerable.reasons] == [3, 6, 3, 3, 3]
    assert vulnerable.reasons[-1].params == {
        "situation": "Return to a war-, conflict- or disaster-affected area"
    }
    urgent = assess_priority({"feasibility": 4, "urgency": 5, "motivation": 4}, ["serious_illness"])
    assert urgent.level is PriorityLevel.HIGH and urgent.score == 21


def test_vulnerability_points_are_capped_and_unknown_codes_ignored():
    ratings = {"feasibility": 1, "urgency": 1, "motivation": 1}
    many = [
        "serious_illness",
        "unaccompanied_minor",
        "single_parent",
        "large_family",
        "conflict_area",
        "elderly",
        "made_up",
    ]
    priority = assess_priority(ratings, many)
    assert priority.score == 4 + 9
    assert sum(r.points for r in priority.reasons[3:]) == 9


def test_budget_totals_per_currency_and_cap():
    costs = [(Decimal("800"), "EUR"), (Decimal("500"), "USD"), (Decimal("100.50"), "EUR")]
    check = check_budget(costs, Decimal(1500), {"USD": Decimal("0.9")})
    assert check.totals == {"EUR": Decimal("900.50"), "USD": Decimal("500")}
    assert check.eur_equivalent == Decimal("1350.50")
    assert not check.over_cap and check.remaining_eur == Decimal("149.50")
    over = check_budget([*costs, (Decimal(200), "EUR")], Decimal(1500), {"USD": Decimal("0.9")})
    assert over.over_cap


def test_budget_without_a_rate_cannot_be_checked():
    check = check_budget([(Decimal(1), "GEL")], Decimal(1500), {})
    assert check.missing_rates == ("GEL",) and check.eur_equivalent is None
    assert not check.over_cap
