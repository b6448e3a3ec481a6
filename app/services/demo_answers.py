"""Plausible answers to the consent, intake and plan forms for demo cases.

Texts are what a counsellor would type in the office language; activities and costs follow
what returnees most often ask for (micro-businesses first, then training and education).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from app.domain.money import DEFAULT_BUDGET_CAP_EUR
from app.services.demo_names import DemoCountry

_REASONS = (
    "Asylum application rejected; wants to go home before a removal order.",
    "Family reasons: parents are old and need care.",
    "Could not find legal work and savings are used up.",
    "Homesick; wife and children are waiting at home.",
    "Work permit expired and was not renewed.",
    "Health problems; treatment is easier near the family.",
)
_SKILLS = (
    "Driving (licence B and C), basic car mechanics.",
    "Sewing and tailoring, ten years' experience.",
    "Construction: bricklaying, plastering, tiling.",
    "Farming: vegetables, poultry and cattle.",
    "Cooking; worked in restaurant kitchens.",
    "Hairdressing and beauty care.",
    "Computer skills, office work, English.",
    "Welding and metal work.",
)
_JOBS = (
    ("Kitchen assistant", "Restaurant"), ("Construction worker", "Building sites"),
    ("Warehouse worker", "Logistics"), ("Seamstress", "Textile factory"),
    ("Farm worker", "Agriculture"), ("Driver", "Transport company"),
    ("Car mechanic", "Garage"), ("Cleaner", "Cleaning company"),
)  # fmt: skip
# (type, description, sector or course, supplier, cost range in EUR)
_ITEMS: tuple[tuple[str, str, str, str, tuple[int, int]], ...] = (
    ("business", "Equipment for a small car repair workshop: compressor, hydraulic jack, "
     "tool set.", "Car repair", "Local tool wholesaler", (600, 1200)),
    ("business", "Two sewing machines and fabric for a tailoring business at home.",
     "Tailoring", "Sewing machine dealer", (400, 900)),
    ("business", "Fifty laying hens, feed for three months and materials for a henhouse.",
     "Poultry farming", "Agricultural cooperative", (500, 1100)),
    ("business", "Shelves, a refrigerator and first stock for a small grocery shop.",
     "Retail", "Wholesale market", (700, 1300)),
    ("training", "Driving licence category C course and exam fees.", "Driving licence C",
     "Licensed driving school", (300, 600)),
    ("training", "Three-month hairdressing course with a starter tool kit.", "Hairdressing",
     "Vocational training centre", (250, 500)),
    ("education", "School fees, uniforms and books for two children for one school year.",
     "Primary school", "School", (150, 400)),
    ("material", "Repair of the roof and windows of the family house before winter.", "",
     "Local builder", (400, 1000)),
    ("material", "Basic furniture and a cooker for a rented flat.", "", "Furniture shop",
     (300, 700)),
    ("medical", "Medical examinations and three months of medication after arrival.", "",
     "Regional hospital pharmacy", (100, 400)),
    ("accommodation", "Rent for the first three months after arrival.", "",
     "Landlord (contract to be signed)", (200, 450)),
    ("job_placement", "Help with a CV and referral to employers; three months' salary "
     "support with a partner company.", "", "Employment agency", (300, 900)),
    ("legal", "Legal help to obtain property documents for the family land.", "",
     "Law office", (100, 300)),
)  # fmt: skip


def consent_answers(rng: random.Random, opened: dt.date) -> dict[str, Any]:
    interpreter = rng.random() < 0.6
    answers: dict[str, Any] = {
        "information_received": True,
        "voluntary_return_declaration": True,
        "data_processing_consent": True,
        "in_kind_understood": True,
        "follow_up_consent": rng.random() < 0.85,
        "consent_date": opened.isoformat(),
        "interpreter_present": interpreter,
    }
    if interpreter:
        answers["interpreter_name"] = rng.choice(("M. Horváth", "L. Novák", "A. Petrenko"))
    return answers


def intake_answers(
    rng: random.Random, country: DemoCountry, age: int, household_size: int, minor: bool
) -> dict[str, Any]:
    vulnerabilities = []
    if minor:
        vulnerabilities.append("unaccompanied_minor")
    if rng.random() < 0.08:
        vulnerabilities.append("serious_illness")
    if household_size >= 5:
        vulnerabilities.append("large_family")
    if rng.random() < 0.07:
        vulnerabilities.append("single_parent")
    if country.conflict_affected and rng.random() < 0.7:
        vulnerabilities.append("conflict_area")
    job, sector = rng.choice(_JOBS)
    answers: dict[str, Any] = {
        "marital_status": "single" if minor else rng.choice(("single", "married", "married",
                                                             "divorced", "widowed")),
        "dependants_count": max(0, household_size - 1),
        "is_main_provider": household_size > 1 and rng.random() < 0.7,
        "vulnerabilities": vulnerabilities,
        "education_level": rng.choice(("primary", "lower_secondary", "upper_secondary",
                                       "vocational", "university")),
        "skills": rng.choice(_SKILLS),
        "work_history": [{"job_title": job, "employer_or_sector": sector,
                          "years": rng.randint(1, max(1, min(20, age - 16)))}],
        "time_abroad_years": rng.randint(1, 12),
        "reason_for_return": rng.choice(_REASONS),
        "housing_on_return": rng.choice(("own_home", "family", "family", "rented", "none")),
        "family_support_at_home": rng.random() < 0.6,
        "intended_activity": "Start a small business and support the family.",
        "intended_activity_type": ["business"],
    }  # fmt: skip
    if "serious_illness" in vulnerabilities:
        answers["illness_details"] = "Chronic condition needing regular treatment."
    if minor:
        answers["guardian_arrangements"] = "An uncle will receive him at the airport; "
        answers["guardian_arrangements"] += "child protection services informed."
    return answers


def plan_answers(rng: random.Random, currency: str, rate_to_eur: float) -> dict[str, Any]:
    """A plan of one to three items, costed in EUR or partly in the local currency."""
    items = []
    total_eur = 0
    for index, (kind, text, detail, supplier, (low, high)) in enumerate(
        rng.sample(_ITEMS, rng.choice((1, 1, 2, 2, 3)))
    ):
        cost_eur = rng.randint(low // 10, high // 10) * 10
        total_eur += cost_eur
        local = index > 0 and currency != "EUR" and rng.random() < 0.5
        amount = round(cost_eur / rate_to_eur) if local else cost_eur
        item: dict[str, Any] = {
            "assistance_type": kind,
            "description": text,
            "supplier": supplier,
            "estimated_cost": {"amount": str(amount), "currency": currency if local else "EUR"},
        }
        if kind == "business":
            item["business_sector"] = detail
        elif kind in ("education", "training"):
            item["course_name"] = detail
        items.append(item)
    ratings = {name: str(rng.choice((2, 3, 3, 4, 4, 5))) for name in
               ("feasibility", "urgency", "motivation")}  # fmt: skip
    answers: dict[str, Any] = {
        "assistance_items": items,
        "objectives": "Earn a stable income within six months of return.",
        "skills_use": "Builds on the work experience and skills described in the intake.",
        "feasibility_rating": ratings["feasibility"],
        "feasibility_reasons": "Supplier offers obtained; market exists in the home town.",
        "urgency_rating": ratings["urgency"],
        "urgency_reasons": "The family has no regular income at the moment.",
        "motivation_rating": ratings["motivation"],
        "motivation_reasons": "Came prepared with a clear idea and own savings.",
    }
    if total_eur > DEFAULT_BUDGET_CAP_EUR:
        answers["budget_justification"] = (
            "The second item is needed for the first one to bring an income; the supplier's "
            "offer is the lowest of three."
        )
    return answers
