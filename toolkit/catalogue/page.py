"""``index.html`` of the catalogue: one self-contained page (inline CSS, script, data and logo).

The needs travel as compact JSON inside the page; its script draws one element per need
and hides those outside the view the URL query and the filters ask for.
"""

from __future__ import annotations

import base64
import json
import os
from importlib.resources import files
from pathlib import Path

from .. import schema
from ..numbers import format_number
from .result import BULLETIN_NAMES, FORM_LABELS, WORKBOOK_NAME, CatalogueError

PAGE_TEMPLATE = "danh-muc.html.j2"
#: The logo files a union may put in its templates folder, first found wins, and their media types.
LOGOS = {"logo.svg": "image/svg+xml", "logo.png": "image/png", "logo.jpg": "image/jpeg"}
#: The order of a need's values in the page's data (the script reads them by these names).
FIELDS = (
    "id",
    "title_vi",
    "title_en",
    "province_code",
    "location",
    "sector",
    "form",
    "months",
    "total_usd",
    "requested_usd",
    "counterpart_usd",
    "beneficiaries",
    "beneficiary_groups",
    "objectives",
    "agency",
    "contact",
    "email",
    "objectives_en",
    "groups_en",
    "agency_en",
    "location_en",
    "contact_en",
)
SHARED = (
    "location",
    "beneficiary_groups",
    "agency",
    "contact",
    "email",
    "groups_en",
    "agency_en",
    "location_en",
    "contact_en",
)
NUMBERS = ("months", "total_usd", "requested_usd", "counterpart_usd", "beneficiaries")


def template_bytes(name: str, templates: str | os.PathLike | None = None) -> bytes:
    """A template file: the union's own copy in `templates` when there is one, else the shipped one."""
    if templates is not None and (Path(templates) / name).is_file():
        return (Path(templates) / name).read_bytes()
    return files("toolkit.templates").joinpath(name).read_bytes()


def template_error(name: str, templates: str | os.PathLike | None, exc: Exception):
    """The CatalogueError saying which template is wrong and what its engine said."""
    where = Path(templates) / name if templates is not None and (Path(templates) / name).is_file() else name
    detail = " ".join(str(exc).split())[:500]
    return CatalogueError.of("catalogue-template-error", file=str(where), detail=detail)


def logo(templates: str | os.PathLike | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the union's logo in `templates`, else of the shipped logo.svg."""
    for name in LOGOS:
        if templates is not None and (Path(templates) / name).is_file():
            return name, (Path(templates) / name).read_bytes()
    return "logo.svg", template_bytes("logo.svg")


def logo_uri(templates: str | os.PathLike | None = None) -> str:
    """The logo as a data: URI, so the page fetches nothing."""
    name, data = logo(templates)
    return f"data:{LOGOS[name]};base64," + base64.b64encode(data).decode("ascii")


def page_data(result, intro: dict) -> dict:
    """What the page's script needs: the vocabularies, the period in words, and each need as a list in FIELDS order.

    Values of SHARED fields, which repeat from need to need, are indices into `strings`; the
    numbers come as they are (for the filters and the download) and as `format_number` writes
    them in Vietnamese (for reading; the page swaps the separators for English).
    """
    provinces = {n.province_code: (n.province, n.province_en) for n in result.needs}
    strings: dict[str, int] = {}

    def value(need, name):
        v = getattr(need, name)
        return strings.setdefault(v, len(strings)) if name in SHARED else v

    needs = [[value(n, f) for f in FIELDS] for n in result.needs]
    return {
        "title": result.title,
        "title_en": result.title_en,
        "fields": FIELDS,
        "shared": SHARED,
        "strings": list(strings),
        "provinces": [[code, vi, en] for code, (vi, en) in sorted(provinces.items())],
        "sectors": [[s.code, s.vi, s.en] for s in schema.sectors()],
        "forms": [[slug, vi, en] for slug, (vi, en) in FORM_LABELS.items()],
        "needs": needs,
        "shown": [[format_number(getattr(n, f), "vi") for f in NUMBERS] for n in result.needs],
        "period": {lang: intro[lang]["period"] for lang in ("vi", "en")},
    }


def render_page(result, intro: dict, templates: str | os.PathLike | None = None) -> str:
    """The page's HTML."""
    import jinja2
    from markupsafe import Markup

    from ..mail.compose import environment

    loader = jinja2.FunctionLoader(lambda name: template_bytes(name, templates).decode("utf-8"))
    env = environment().overlay(loader=loader)
    data = json.dumps(page_data(result, intro), ensure_ascii=False, separators=(",", ":"))
    # inside <script>: no "</script>" or "<!--" can be formed by workbook text
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    try:
        return env.get_template(PAGE_TEMPLATE).render(
            result=result,
            intro=intro,
            contact=intro["contact"],
            data=Markup(data),
            logo=logo_uri(templates),
            needs=len(result.needs),
            bulletins=BULLETIN_NAMES,
            workbook=WORKBOOK_NAME,
            style=Markup(template_bytes("danh-muc.css", templates).decode("utf-8")),
            script=Markup(template_bytes("danh-muc.js", templates).decode("utf-8")),
        )
    except jinja2.TemplateError as exc:
        raise template_error(PAGE_TEMPLATE, templates, exc) from None
