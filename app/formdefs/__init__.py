"""Declarative forms: loading and checking definitions, conditions, typed answers."""

from app.formdefs.loader import FormDefinitionError, FormRegistry, load_form, load_forms
from app.formdefs.model import Choice, FieldDef, FieldType, FormDef, Section
from app.formdefs.values import Answers, Money, Problem, validate

__all__ = [
    "Answers",
    "Choice",
    "FieldDef",
    "FieldType",
    "FormDef",
    "FormDefinitionError",
    "FormRegistry",
    "Money",
    "Problem",
    "Section",
    "load_form",
    "load_forms",
    "validate",
]
