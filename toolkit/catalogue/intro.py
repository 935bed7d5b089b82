"""What the catalogue says to a donor before the list, in both languages: who the cluster and its members
are, how to express interest, the approval procedure, whom to write to.

Drawn from the control workbook's `Cấu hình` (``ten_cum_en``, ``gioi_thieu``, ``gioi_thieu_en``,
``dia_chi_lien_he``, ``dien_thoai_lien_he``…); a setting left empty gets the default paragraph.
The page and the bulletin both show what `introduction` returns.
"""

from __future__ import annotations

from datetime import date

from ..glossary import date_words, period_words, plain, proper_name
from ..periods import BadPeriod, Period

DECREE_VI = "Nghị định 313/2025/NĐ-CP ngày 08/12/2025"
DECREE_EN = "Decree 313/2025/ND-CP of 8 December 2025"


def _names(names: list[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + (" và " if lang == "vi" else " and ") + names[-1]


def introduction(ctrl, provinces: list[str], period: str | None) -> dict:
    """The donor introduction and contacts: {"vi": {...}, "en": {...}} of the same keys.

    :param ctrl: the control workbook (None: the defaults, without a cluster office to write to).
    :param provinces: the members' province names (Vietnamese), as listed.
    :param period: the catalogue's period(s), ``2026-H1`` or ``2025-H2, 2026-H1``.
    """
    values = ctrl.values if ctrl is not None else {}
    today = date.today()
    if ctrl is not None:
        provinces = [m.name for m in ctrl.members_on(today)] or provinces
    name_vi = ctrl.cluster if ctrl is not None and ctrl.cluster else ""
    name_en = str(values.get("ten_cum_en") or "")
    email = ctrl.lead_email if ctrl is not None else ""
    sender_vi = str(values.get("ten_nguoi_gui") or "")
    address = str(values.get("dia_chi_lien_he") or "")
    out = {}
    for lang in ("vi", "en"):
        members = _names([p if lang == "vi" else plain(p) for p in provinces], lang)
        out[lang] = {
            "who": str(
                values.get("gioi_thieu" if lang == "vi" else "gioi_thieu_en") or _who(lang, name_vi, name_en, members)
            ),
            "interest": _interest(lang, email),
            "approval": _approval(lang),
            "period": _period(period, lang),
            "built": date_words(today, lang),
        }
    out["contact"] = {
        "name_vi": name_vi,
        "name_en": name_en,
        "email": email,
        "sender_vi": sender_vi,
        "sender_en": str(values.get("ten_nguoi_gui_en") or ""),
        "address_vi": address,
        "address_en": proper_name(address) or "",
        "phone": str(values.get("dien_thoai_lien_he") or ""),
    }
    return out


def _who(lang: str, name_vi: str, name_en: str, members: str) -> str:
    if lang == "vi":
        who = name_vi or "Cụm"
        return (
            f"{who} gồm Liên hiệp các tổ chức hữu nghị (LHH) các tỉnh, thành phố {members}. LHH mỗi tỉnh là "
            "đầu mối vận động viện trợ phi chính phủ nước ngoài của tỉnh, kết nối nhà tài trợ với các sở, "
            "ngành, đoàn thể và xã, phường nơi thực hiện dự án."
        )
    who = name_en or "The cluster"
    return (
        f"{who} brings together the Unions of Friendship Organisations of {members}. Each union is its "
        "province's focal point for aid from foreign non-governmental organisations: it puts donors in touch "
        "with the provincial departments, mass organisations and communes where projects take place."
    )


def _interest(lang: str, email: str) -> str:
    if lang == "vi":
        office = f" hoặc văn phòng cụm ({email})" if email else ""
        return (
            f"Nhà tài trợ quan tâm đến một chương trình, dự án xin liên hệ người liên hệ ghi dưới mục đó{office}, "
            "nêu mã đề xuất; LHH của tỉnh sẽ sắp xếp làm việc với đơn vị đề xuất và đi khảo sát địa bàn."
        )
    office = f" or the cluster office ({email})" if email else ""
    return (
        f"To express interest in a project, write to the contact person named under it{office}, quoting its "
        "proposal ID; the province's union will arrange a meeting with the proposing agency and a site visit."
    )


def _approval(lang: str) -> str:
    if lang == "vi":
        return (
            f"Thủ tục: khoản viện trợ được tiếp nhận theo {DECREE_VI} về quản lý và sử dụng viện trợ không "
            "hoàn lại không thuộc hỗ trợ phát triển chính thức. Khi nhà tài trợ và đơn vị đề xuất thống nhất "
            "văn kiện dự án, đơn vị lập hồ sơ gửi cơ quan có thẩm quyền (với cơ quan, tổ chức cấp tỉnh là Ủy ban "
            "nhân dân tỉnh) thẩm định và quyết định phê duyệt; dự án triển khai sau khi có quyết định phê duyệt, "
            "LHH hỗ trợ đơn vị trong suốt quá trình."
        )
    return (
        f"Procedure: aid is received under {DECREE_EN} on non-refundable aid outside official development "
        "assistance. Once the donor and the proposing agency agree on the project document, the agency submits "
        "the dossier to the competent authority (for provincial bodies, the Provincial People's Committee), "
        "which appraises it and issues an approval decision; work starts once the project is approved, and "
        "the union supports the agency throughout."
    )


def _period(text: str | None, lang: str) -> str:
    """``2026-H1`` → ``first half of 2026`` / ``6 tháng đầu năm 2026``; several are joined."""
    if not text:
        return ""
    try:
        return ", ".join(period_words(Period.parse(p), lang) for p in text.split(", "))
    except BadPeriod:
        return text
