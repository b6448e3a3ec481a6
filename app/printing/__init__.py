"""Printed forms: the request form, the reintegration plan and the consent, bilingual,
with every script shaped and ordered correctly (ReportLab + HarfBuzz)."""
