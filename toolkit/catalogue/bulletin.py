"""``ban-tin.pdf`` of the catalogue: the printable bulletin, typeset by typst.

typst's Python wheel carries the whole compiler and its own fonts (Libertinus Serif covers
Vietnamese), so the bulletin builds on a provincial Windows PC after ``pip install`` alone and
looks the same everywhere: system fonts are ignored and the fonts used are embedded.
The layout is ``templates/ban-tin.typ``; it reads the needs as JSON from ``sys.inputs``. There is one
edition per language (``ban-tin.pdf``, ``ban-tin-en.pdf``), each in its own number and date style.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path

from .. import schema
from ..numbers import format_number
from .page import logo, template_bytes, template_error
from .result import FORM_LABELS

BULLETIN_TEMPLATE = "ban-tin.typ"
_SECTORS = {s.code: s for s in schema.sectors()}
#: a need's text fields in Vietnamese → their English counterpart on Need
_ENGLISH = {
    "title_vi": "title_en",
    "location": "location_en",
    "beneficiary_groups": "groups_en",
    "objectives": "objectives_en",
    "agency": "agency_en",
    "contact": "contact_en",
    "province": "province_en",
}


def bulletin_data(result, intro: dict, lang: str = "vi") -> dict:
    """The bulletin's content in `lang`: the cover, the summary by province and sector, then the needs
    grouped by province and by sector. Numbers and dates are written as `lang` writes them."""
    groups: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for n in result.needs:
        groups[(n.province_code, _text(n, "province", lang)[0])][n.sector].append(n)
    order = {s.code: i for i, s in enumerate(schema.sectors())}
    provinces, summary = [], []
    for (code, name), by_sector in sorted(groups.items()):
        sectors = []
        for s in sorted(by_sector, key=order.__getitem__):
            label = getattr(_SECTORS[s], lang)
            sectors.append({"name": label, "needs": [_need(n, lang) for n in by_sector[s]]})
            summary.append(
                {
                    "province": f"{code} · {name}",
                    "sector": label,
                    "count": len(by_sector[s]),
                    "requested": format_number(_requested(by_sector[s]), lang),
                }
            )
        mine = [n for s in by_sector.values() for n in s]
        provinces.append(
            {
                "code": code,
                "name": name,
                "count": len(mine),
                "requested": format_number(_requested(mine), lang),
                "sectors": sectors,
            }
        )
    title = result.title if lang == "vi" else result.title_en
    return {
        "lang": lang,
        "title": title or result.title,
        "title_vi": "" if title else "vi",
        "period": intro[lang]["period"],
        "built": intro[lang]["built"],
        "intro": intro[lang],
        "contact": _contact(intro["contact"], lang),
        "count": len(result.needs),
        "requested": format_number(_requested(result.needs), lang),
        "summary": summary,
        "provinces": provinces,
    }


def _requested(needs) -> float:
    return sum(n.requested_usd or 0 for n in needs)


def _text(n, field: str, lang: str) -> tuple[str, str]:
    """(value, "vi" when the English edition has only the Vietnamese)."""
    vi = getattr(n, field)
    if lang == "vi" or not vi:
        return vi, ""
    en = getattr(n, _ENGLISH[field])
    return (en, "") if en else (vi, "vi")


def _contact(contact: dict, lang: str) -> list[dict]:
    lines = []
    for key in ("name", "sender", "address"):
        vi, en = contact[f"{key}_vi"], contact[f"{key}_en"]
        if vi:
            lines.append({"text": en if lang == "en" and en else vi, "vi": lang == "en" and not en})
    for label, key in ((("Điện thoại", "Phone"), "phone"), (("Email", "Email"), "email")):
        if contact[key]:
            lines.append({"text": f"{label[lang == 'en']}: {contact[key]}", "vi": False})
    return lines


def _need(n, lang: str) -> dict:
    form = FORM_LABELS[n.form][lang == "en"]
    out = {
        "id": n.id,
        "form": form,
        "months": format_number(n.months, lang),
        "total": format_number(n.total_usd, lang),
        "requested": format_number(n.requested_usd, lang),
        "counterpart": format_number(n.counterpart_usd, lang),
        "beneficiaries": format_number(n.beneficiaries, lang),
        "email": n.email,
        "alt": (n.title_en if lang == "vi" else n.title_vi) if n.title_en != n.title_vi else "",
    }
    for field, name in (
        ("title_vi", "title"),
        ("location", "location"),
        ("beneficiary_groups", "groups"),
        ("objectives", "objectives"),
        ("agency", "agency"),
        ("contact", "contact"),
    ):
        out[name], out[name + "_vi"] = _text(n, field, lang)
    return out


def render_bulletin(result, intro: dict, templates: str | os.PathLike | None = None, lang: str = "vi") -> bytes:
    """The bulletin in `lang` (``vi``: ban-tin.pdf, ``en``: ban-tin-en.pdf) as PDF bytes."""
    import typst

    logo_name, logo_data = logo(templates)
    data = json.dumps(bulletin_data(result, intro, lang) | {"logo": logo_name}, ensure_ascii=False)
    with tempfile.TemporaryDirectory() as tmp:  # typst reads the template and the logo from its root
        root = Path(tmp)
        (root / BULLETIN_TEMPLATE).write_bytes(template_bytes(BULLETIN_TEMPLATE, templates))
        (root / logo_name).write_bytes(logo_data)
        try:
            return typst.compile(
                str(root / BULLETIN_TEMPLATE), root=str(root), ignore_system_fonts=True, sys_inputs={"data": data}
            )
        except typst.TypstError as exc:  # its message names the line of the template that is wrong
            raise template_error(BULLETIN_TEMPLATE, templates, exc) from None
