"""``ban-tin.pdf`` of the catalogue: the printable bulletin, typeset by typst.

typst's Python wheel carries the whole compiler and its own fonts (Libertinus Serif covers
Vietnamese), so the bulletin builds on a provincial Windows PC after ``pip install`` alone and
looks the same everywhere: system fonts are ignored and the fonts used are embedded.
The layout is ``templates/ban-tin.typ``; it reads the needs as JSON from ``sys.inputs``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

from . import schema
from .catalogue_page import logo, template_bytes, template_error
from .numbers import format_number

BULLETIN_TEMPLATE = "ban-tin.typ"
_SECTORS = {s.code: s for s in schema.sectors()}
_FORMS = {"chuong-trinh": (schema.AID_FORMS[0], schema.AID_FORMS_EN[0]),
          "du-an": (schema.AID_FORMS[1], schema.AID_FORMS_EN[1]),
          "phi-du-an": (schema.AID_FORMS[2], schema.AID_FORMS_EN[2])}


def bulletin_data(result, contact: dict[str, str]) -> dict:
    """The bulletin's content: the cover, then the needs grouped by province and by sector."""
    groups: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for n in result.needs:
        groups[(n.province_code, n.province)][n.sector].append(n)
    order = {s.code: i for i, s in enumerate(schema.sectors())}
    provinces = []
    for (code, name), by_sector in sorted(groups.items()):
        sectors = [{"vi": _SECTORS[s].vi, "en": _SECTORS[s].en, "needs": [_need(n) for n in by_sector[s]]}
                   for s in sorted(by_sector, key=order.get)]
        requested = sum(n.requested_usd or 0 for s in by_sector.values() for n in s)
        provinces.append({"code": code, "name": name, "count": sum(len(s["needs"]) for s in sectors),
                          "requested_vi": format_number(requested, "vi"), "sectors": sectors})
    total = sum(n.requested_usd or 0 for n in result.needs)
    return {"title": result.title, "period": result.period or "", "built": date.today().strftime("%d/%m/%Y"),
            "contact": contact, "count": len(result.needs), "requested_vi": format_number(total, "vi"),
            "requested_en": format_number(total, "en"), "provinces": provinces}


def _need(n) -> dict:
    form_vi, form_en = _FORMS[n.form]

    return {"id": n.id, "title_vi": n.title_vi, "title_en": n.title_en, "location": n.location,
            "form_vi": form_vi, "form_en": form_en, "months": format_number(n.months, "vi"),
            "total": format_number(n.total_usd, "vi"), "requested": format_number(n.requested_usd, "vi"),
            "requested_en": format_number(n.requested_usd, "en"), "counterpart": format_number(n.counterpart_usd, "vi"),
            "beneficiaries": format_number(n.beneficiaries,
                                           "vi"), "groups": n.beneficiary_groups, "objectives": n.objectives,
            "agency": n.agency, "contact": n.contact, "email": n.email}


def render_bulletin(result, contact: dict[str, str], templates: str | os.PathLike | None = None) -> bytes:
    """The bulletin as PDF bytes."""
    import typst

    logo_name, logo_data = logo(templates)
    data = json.dumps(bulletin_data(result, contact) | {"logo": logo_name}, ensure_ascii=False)
    with tempfile.TemporaryDirectory() as tmp:  # typst reads the template and the logo from its root
        root = Path(tmp)
        (root / BULLETIN_TEMPLATE).write_bytes(template_bytes(BULLETIN_TEMPLATE, templates))
        (root / logo_name).write_bytes(logo_data)
        try:
            return typst.compile(str(root / BULLETIN_TEMPLATE), root=str(root), ignore_system_fonts=True,
                                 sys_inputs={"data": data})
        except typst.TypstError as exc:  # its message names the line of the template that is wrong
            raise template_error(BULLETIN_TEMPLATE, templates, exc) from None

