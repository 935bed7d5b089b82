"""Realistic synthetic provincial workbooks, optionally with planted defects.

Used by the tests, `make demo` and `bench/`. Everything is driven by a seed, so
the same call always writes the same workbook.
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from . import schema
from .atomic import atomic_path
from .glossary import agency_en, groups_en, plain
from .periods import Period
from .provinces import province as find_province
from .rates import Rates
from .text import fold

#: Cluster 5 (Mekong Delta) after the 2025 merger.
CLUSTER5 = ("82", "86", "91", "92", "96")

DONORS = (
    ("Save the Children", "Anh"),
    ("World Vision International", "Hoa Kỳ"),
    ("Plan International", "Anh"),
    ("CARE International", "Thụy Sĩ"),
    ("Oxfam", "Vương quốc Anh"),
    ("ActionAid", "GB"),
    ("Caritas Germany", "Đức"),
    ("Terre des Hommes Netherlands", "Hà Lan"),
    ("Good Neighbors International", "Hàn Quốc"),
    ("Korea Food for the Hungry International", "Hàn Quốc"),
    ("Pacific Links Foundation", "Hoa Kỳ"),
    ("East Meets West Foundation", "Mỹ"),
    ("Habitat for Humanity International", "Hoa Kỳ"),
    ("Helvetas", "Switzerland"),
    ("SNV", "Hà Lan"),
    ("Japan International Volunteer Center", "Nhật Bản"),
    ("AAR Japan", "JP"),
    ("Fred Hollows Foundation", "Úc"),
    ("Catholic Relief Services", "Hoa Kỳ"),
    ("The Asia Foundation", "US"),
    ("Room to Read", "Hoa Kỳ"),
    ("Operation Smile", "Hoa Kỳ"),
    ("Orbis International", "Hoa Kỳ"),
    ("Medisch Comité Nederland-Vietnam", "Hà Lan"),
    ("Friedrich Ebert Stiftung", "Đức"),
    ("Rosa Luxemburg Stiftung", "Đức"),
    ("Church World Service", "Hoa Kỳ"),
    ("Aide et Action", "Pháp"),
    ("Enfants du Mékong", "Pháp"),
    ("Kinderhilfe Vietnam", "Áo"),
    ("Blue Dragon Children's Foundation", "Úc"),
    ("Netherlands Leprosy Relief", "Hà Lan"),
    ("Handicap International", "Pháp"),
    ("Clear Path International", "Hoa Kỳ"),
    # as offices also write them: official and common English names
    ("Korea International Cooperation Agency", "Republic of Korea"),
    ("Kopernik", "Korea"),
    ("VinaCapital Foundation", "USA"),
    ("Global Fund for Children", "United States of America"),
    ("Leonard Cheshire", "United Kingdom of Great Britain and Northern Ireland"),
    ("Christian Aid", "Britain"),
)
#: Phone numbers as offices write them: mobile, landline, hotline, two numbers, an extension.
PHONE_FORMS = (
    "09{n8}",
    "09{n8}",
    "09{n8}",
    "0292 3{n3} {n3}",
    "1900 {n4}",
    "1800 {n3} {n3}",
    "0292 3820 {n3} - 09{n2} {n3} {n3}",
    "0292 3820{n3} (máy lẻ {n3})",
)
#: Official-form title block above the header, and the totals row under it.
TITLE_BLOCK = (
    "ỦY BAN NHÂN DÂN TỈNH {province}",
    "LIÊN HIỆP CÁC TỔ CHỨC HỮU NGHỊ",
    "BÁO CÁO VIỆN TRỢ PCPNN KỲ {period}",
)
PROJECTS = {  # sector → (Vietnamese title stem, English title stem)
    "NN": [
        ("Hỗ trợ sinh kế nuôi tôm bền vững", "Sustainable shrimp-farming livelihoods"),
        ("Phát triển chuỗi giá trị lúa gạo", "Rice value-chain development"),
    ],
    "YT": [
        ("Nâng cao năng lực trạm y tế xã", "Strengthening commune health stations"),
        ("Phẫu thuật mắt cho người nghèo", "Cataract surgery for the poor"),
    ],
    "GD": [
        ("Xây dựng phòng học mầm non", "Building kindergarten classrooms"),
        ("Thư viện thân thiện trường tiểu học", "Child-friendly primary school libraries"),
    ],
    "DN": [("Dạy nghề cho thanh niên nông thôn", "Vocational training for rural youth")],
    "XH": [
        ("Hỗ trợ người khuyết tật hòa nhập cộng đồng", "Community inclusion of people with disabilities"),
        ("Học bổng cho trẻ em nghèo vượt khó", "Scholarships for disadvantaged children"),
    ],
    "MT": [
        ("Cung cấp nước sạch và vệ sinh trường học", "Clean water and school sanitation"),
        ("Quản lý rác thải nhựa ven sông", "Riverside plastic waste management"),
    ],
    "BDKH": [("Trồng rừng ngập mặn ứng phó biến đổi khí hậu", "Mangrove planting for climate adaptation")],
    "CHT": [
        ("Xây nhà chống lũ cho hộ nghèo", "Flood-resilient houses for poor households"),
        ("Cứu trợ khẩn cấp sau bão", "Emergency relief after the storm"),
    ],
    "KPHQ": [("Hỗ trợ nạn nhân chất độc da cam", "Support for Agent Orange victims")],
    "VH": [("Nhà văn hóa cộng đồng", "Community cultural house")],
    "NLTC": [("Nâng cao năng lực cán bộ xã", "Capacity building for commune officials")],
    "PTKT": [("Tín dụng vi mô cho phụ nữ", "Microcredit for women")],
}
COMMUNES = (
    "Tân Phú",
    "Long Hòa",
    "Mỹ Thuận",
    "Phú Tân",
    "An Bình",
    "Thạnh Lợi",
    "Vĩnh Thuận",
    "Hòa An",
    "Tân Lộc",
    "Phong Điền",
    "Thới Lai",
    "Cờ Đỏ",
    "Mỹ Xuyên",
    "Trần Đề",
    "Hồng Dân",
    "Năm Căn",
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi", "Dương", "Lâm")
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Quốc", "Thu")
GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hạnh",
    "Hùng",
    "Lan",
    "Mai",
    "Nam",
    "Phúc",
    "Quân",
    "Thảo",
    "Trang",
    "Tuấn",
    "Yến",
    "Khoa",
    "Nhung",
)
AGENCIES = (
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Nông nghiệp và Môi trường",
    "Hội Chữ thập đỏ tỉnh",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "UBND xã {commune}",
    "Tỉnh đoàn",
    "Hội Người mù tỉnh",
)
CURRENCIES = (("USD", 0.6), ("EUR", 0.2), ("AUD", 0.06), ("JPY", 0.05), ("KRW", 0.05), ("GBP", 0.04))

#: Defects that can be planted, each with the rule its finding carries.
DEFECTS = {
    "missing-value": "missing-value",
    "ambiguous-number": "ambiguous-number",
    "duplicate-id": "duplicate-id",
    "id-province-mismatch": "id-province-mismatch",
    "invalid-date": "invalid-date",
    "invalid-choice": "invalid-choice",
    "approval-before-dossier": "approval-before-dossier",
    "requested-over-total": "requested-over-total",
    "invalid-email": "invalid-email",
    "linked-proposal-missing": "linked-proposal-missing",
    "placeholder-value": "placeholder-value",
    "legacy-tcvn3": "legacy-encoding",
}


@dataclass
class Sample:
    """What was written: the path, the records, and the planted defects as (rule, sheet, cell)."""

    path: Path
    province: str
    period: str
    rows: dict[str, list[dict]]
    planted: list[tuple[str, str, str]] = field(default_factory=list)


def sample_workbook(
    out: str | os.PathLike,
    province: str = "92",
    period: str = "2026-H1",
    *,
    needs: int | None = None,
    register: int | None = None,
    activities: int | None = None,
    seed: int = 1,
    defects: tuple[str, ...] = (),
    also: tuple[dict, ...] = (),
    title_block: bool = False,
    totals_row: bool = False,
    english: bool = False,
) -> Sample:
    """Write a realistic provincial workbook; plant the named `defects` (keys of DEFECTS).

    :param activities: how many people-to-people activities (default 10–40; their own random stream, so
        the needs and register of a seed are the same with or without them).
    :param also: extra register rows, each a generated row with these fields replaced.
    :param title_block: an official form's title rows above each table's header, as offices send them.
    :param totals_row: a `Tổng cộng` row of sums under each table.
    :param english: fill the needs' optional English columns (template 1.2) as a careful office would.
    """
    rng = random.Random(f"{province}/{period}/{seed}")
    parsed = Period.parse(period)
    found = find_province(province, parsed.end)
    if found is None:
        raise ValueError(f"no province {province} in period {period}")
    rows = sample_records(found.code, str(parsed), needs, register, rng)
    rows["activities"] = sample_activities(found.code, str(parsed), activities, f"{province}/{period}/{seed}")
    for fields in also:
        i = len(rows["register"]) + 1
        rows["register"].append({**_aid(rng, found, parsed, i, []), **fields})
    if english:
        for row in rows["needs"]:
            row.update(_english(row))
    sample = Sample(Path(out), found.code, str(parsed), rows)
    for defect in defects:
        _plant(sample, defect, rng)
    person = _person(rng)
    import xlsxwriter

    from .template import fill_template

    with atomic_path(out) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        title = tuple(t.format(province=found.short.upper(), period=parsed) for t in TITLE_BLOCK) if title_block else ()
        fill_template(
            book,
            found.code,
            str(parsed),
            rows=rows,
            preparer=person,
            email=_email(person, found),
            phone="0292 3821 456",
            prepared_on=min(parsed.end + timedelta(days=5), date(2026, 11, 20)),
            title=title,
            totals=totals_row,
        )
        book.close()
    return sample


# --- records ----------------------------------------------------------------------


def sample_records(
    province: str, period: str, needs: int | None = None, register: int | None = None, rng: random.Random | int = 1
) -> dict[str, list[dict]]:
    """Clean NEEDS and REGISTER records (dicts by column key) for a province and period."""
    rng = rng if isinstance(rng, random.Random) else random.Random(rng)
    parsed = Period.parse(period)
    found = _known_province(province, parsed.end)
    n_needs = rng.randint(10, 40) if needs is None else needs
    n_register = rng.randint(10, 60) if register is None else register
    rows = {"needs": [_need(rng, found, parsed, i) for i in range(1, n_needs + 1)]}
    proposal_ids = [r["ma_de_xuat"] for r in rows["needs"]]
    rows["register"] = [_aid(rng, found, parsed, i, proposal_ids) for i in range(1, n_register + 1)]
    return rows


#: People-to-people partners as offices name them: (partner, country).
PARTNERS = (
    ("Hội Hữu nghị Nhật - Việt tỉnh Gunma", "Nhật Bản"),
    ("Đại sứ quán Hoa Kỳ tại Việt Nam", "Hoa Kỳ"),
    ("Tổng Lãnh sự quán Pháp tại TP. Hồ Chí Minh", "Pháp"),
    ("Hội Hữu nghị Campuchia - Việt Nam", "Campuchia"),
    ("Hội Hữu nghị Lào - Việt Nam tỉnh Champasak", "Lào"),
    ("Tổng Lãnh sự quán Hàn Quốc tại TP. Hồ Chí Minh", "Hàn Quốc"),
    ("Hội Hữu nghị Đức - Việt", "Đức"),
    ("Tổng Lãnh sự quán Úc tại TP. Hồ Chí Minh", "Úc"),
    ("Hội Hữu nghị Hà Lan - Việt Nam", "Hà Lan"),
    ("Tổng Lãnh sự quán Cu-ba tại TP. Hồ Chí Minh", "Cu-ba"),
    ("Tổng Lãnh sự quán Trung Quốc tại TP. Hồ Chí Minh", "Trung Quốc"),
    ("Hội Hữu nghị Thái Lan - Việt Nam", "Thái Lan"),
)
#: (activity type, what happened) as offices write it; {partner}, {country}, {year}, {n} are filled in.
ACTIVITY_TEXTS = (
    ("Đón đoàn vào", "Đón và làm việc với đoàn {partner} về hợp tác hỗ trợ {topic}"),
    ("Đón đoàn vào", "Tiếp xã giao đoàn {partner} đến thăm và khảo sát dự án {topic}"),
    ("Đoàn ra", "Đoàn công tác của tỉnh thăm, làm việc tại {country}, trao đổi hợp tác về {topic}"),
    ("Hội nghị, hội thảo", "Hội nghị xúc tiến vận động viện trợ phi chính phủ nước ngoài năm {year}"),
    ("Hội nghị, hội thảo", "Hội thảo chia sẻ kinh nghiệm quản lý dự án {topic} cùng {partner}"),
    (
        "Giao lưu, kỷ niệm, sự kiện",
        "Giao lưu hữu nghị kỷ niệm {n} năm thiết lập quan hệ ngoại giao Việt Nam - {country}",
    ),
    ("Giao lưu, kỷ niệm, sự kiện", "Chương trình giao lưu văn hóa, thể thao với {partner}"),
    ("Thông tin, tuyên truyền", "Cung cấp thông tin về tình hình kinh tế - xã hội của tỉnh cho đoàn {partner}"),
    ("Thông tin, tuyên truyền", "Đăng tin, bài về hoạt động hữu nghị với {country} trên trang thông tin điện tử"),
    ("Khác", "Phối hợp với {partner} trao quà cho học sinh nghèo vượt khó"),
)
TOPICS = (
    "y tế cộng đồng",
    "giáo dục mầm non",
    "nước sạch nông thôn",
    "sinh kế ven biển",
    "ứng phó biến đổi khí hậu",
    "người khuyết tật",
    "nạn nhân chất độc da cam",
    "dạy nghề cho thanh niên",
)
#: The member associations of a provincial union that lead activities besides the union itself.
HOSTS = (
    "Hội Hữu nghị Việt Nam - Campuchia",
    "Hội Hữu nghị Việt - Nhật",
    "Hội Hữu nghị Việt Nam - Lào",
    "Hội Hữu nghị Việt - Pháp",
)


def sample_activities(province: str, period: str, n: int | None = None, seed: object = 1) -> list[dict]:
    """People-to-people activity records (dicts by column key) for a province and period."""
    rng = random.Random(f"{seed}/activities")
    parsed = Period.parse(period)
    found = _known_province(province, parsed.end)
    count = rng.randint(10, 40) if n is None else n
    span = (parsed.end - parsed.start).days
    place = f"{found.name[0].lower()}{found.name[1:]}"
    union = f"Liên hiệp các tổ chức hữu nghị {place}"
    out, seen = [], set()
    first = 500 if parsed.half == 2 else 0  # the year's numbering goes on in its second half
    for i in range(1, count + 1):
        kind, text = rng.choices(ACTIVITY_TEXTS, (3, 3, 2, 1, 2, 2, 2, 2, 1, 1))[0]
        partner, country = rng.choice(PARTNERS)
        start = parsed.start + timedelta(days=rng.randint(0, span))
        while (start, kind, partner) in seen:  # the same activity typed twice is a warning
            start += timedelta(days=1)
        seen.add((start, kind, partner))
        days = rng.choice((0, 0, 0, 1, 2, 4)) if kind in ("Đón đoàn vào", "Đoàn ra") else 0
        out.append(
            {
                "stt": i,
                "ma_hoat_dong": f"{found.code}-H{parsed.year}-{i + first:03d}",
                "ngay_bat_dau": start,
                "ngay_ket_thuc": start + timedelta(days=days) if days else None,
                "loai_hoat_dong": kind,
                "quoc_gia": country,
                "doi_tac": partner,
                "noi_dung": text.format(
                    partner=partner,
                    country=country,
                    year=parsed.year,
                    topic=rng.choice(TOPICS),
                    n=rng.choice((30, 35, 45, 50, 55)),
                ),
                "so_nguoi": rng.randint(8, 40) if kind != "Giao lưu, kỷ niệm, sự kiện" else rng.randint(50, 400),
                "don_vi_chu_tri": rng.choice((union, union, f"{rng.choice(HOSTS)} {place}")),
                "ghi_chu": None,
            }
        )
    return out


def _known_province(code: str, day: date) -> schema.Province:
    found = find_province(code, day)
    if found is None:
        raise ValueError(f"no province {code} on {day}")
    return found


def _amount(rng: random.Random) -> float:
    """USD 5k–3M, log-normal around 60k."""
    return round(min(3_000_000, max(5_000, rng.lognormvariate(math.log(60_000), 1.1))), -2)


def _phone(rng) -> str:
    return rng.choice(PHONE_FORMS).format(
        n8=rng.randint(10_000_000, 99_999_999),
        n4=rng.randint(1000, 9999),
        n3=rng.randint(100, 999),
        n2=rng.randint(10, 99),
    )


def _person(rng) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _email(person: str, found: schema.Province) -> str:
    parts = fold(person.replace(" ", "x")).split("x")
    return f"{parts[-1]}.{parts[0]}@lhh{fold(found.short)}.org.vn"


def _title(rng, sector: str, found) -> tuple[str, str, str]:
    vi, en = rng.choice(PROJECTS[sector])
    commune = rng.choice(COMMUNES)
    return f"{vi} tại xã {commune}", f"{en} in {plain(commune)} Commune", f"Xã {commune}, {found.short}"


def _need(rng, found, period: Period, i: int) -> dict:
    sector = rng.choice(list(PROJECTS))
    vi, en, where = _title(rng, sector, found)
    total = _amount(rng)
    counterpart = round(total * rng.choice((0, 0.05, 0.1, 0.2)), 2)
    person = _person(rng)
    form = rng.choices(schema.AID_FORMS, (1, 6, 2))[0]
    return {
        "stt": i,
        "ma_de_xuat": f"{found.code}-N{period.year}-{i:03d}",
        "ten_vi": vi,
        "ten_en": en,
        "hinh_thuc": form,
        "linh_vuc": next(s.vi for s in schema.sectors() if s.code == sector),
        "dia_ban": where,
        "don_vi_de_xuat": rng.choice(AGENCIES).format(commune=rng.choice(COMMUNES)),
        "muc_tieu": f"Cải thiện đời sống người dân: {vi[0].lower()}{vi[1:]}",
        "doi_tuong": "Hộ nghèo, trẻ em, phụ nữ",
        "so_nguoi_huong_loi": rng.randint(50, 20_000),
        "thoi_gian_thang": rng.randint(3, 12) if form == schema.NON_PROJECT else rng.randint(6, 48),
        "tong_kinh_phi_usd": total,
        "de_nghi_tai_tro_usd": round(total - counterpart, 2),
        "von_doi_ung_usd": counterpart,
        "uu_tien": str(rng.randint(1, 3)),
        "trang_thai": rng.choice(schema.NEEDS_STATUSES[:3]),
        "nha_tai_tro_du_kien": rng.choice(DONORS)[0] if rng.random() < 0.4 else None,
        "nguoi_lien_he": person,
        "email_lien_he": _email(person, found),
        "dien_thoai": _phone(rng),
    }


def _english(row: dict) -> dict:
    """The English columns of a need row, written from its other values."""
    title = row["ten_en"]
    return {
        "muc_tieu_en": f"Better lives for local people: {title[0].lower()}{title[1:]}",
        "doi_tuong_en": groups_en(row["doi_tuong"]),
        "don_vi_de_xuat_en": agency_en(row["don_vi_de_xuat"]),
    }


def _aid(rng, found, period: Period, i: int, proposal_ids: list[str]) -> dict:
    sector = rng.choice(list(PROJECTS))
    vi, en, where = _title(rng, sector, found)
    donor, country = rng.choice(DONORS)
    usd = _amount(rng)
    currency = rng.choices([c for c, _ in CURRENCIES], [w for _, w in CURRENCIES])[0]
    status = rng.choices(schema.REGISTER_STATUSES, (2, 2, 8, 1, 3, 0.3))[0]
    span = (period.end - period.start).days
    dossier = period.start + timedelta(days=rng.randint(0, max(1, span - 40)))
    if status == schema.APPROVED:  # approved recently: older undisbursed approvals are a warning
        dossier = max(period.start, period.end - timedelta(days=rng.randint(30, 150)))
    approved = dossier + timedelta(days=rng.randint(5, 20))
    start = approved + timedelta(days=rng.randint(1, 20))
    end = start + timedelta(days=30 * rng.randint(6, 36))
    decided = status in schema.APPROVED_STATUSES or status == "Bị thu hồi"
    has_dossier = decided or rng.random() < 0.5
    # converted at the market rate of the decision date, else the dossier date, else the period's end
    rated_on = approved if decided else dossier if has_dossier else period.end
    market = Rates().rate(currency, rated_on)
    if market is None:
        raise ValueError(f"no {currency} rate on {rated_on}")
    rate = market.usd_per_unit
    record = {
        "stt": i,
        "ma_khoan": f"{found.code}-V{period.year}-{i:03d}",
        "ten_vi": vi,
        "ten_en": en,
        "hinh_thuc": rng.choices(schema.AID_FORMS, (1, 6, 2))[0],
        "nha_tai_tro": donor,
        "quoc_gia": country,
        "so_gdk": f"{rng.randint(100, 999)}/CNV-UBCTPCP",
        "het_han_gdk": end + timedelta(days=365 * 2),
        "linh_vuc": rng.choice((sector, next(s.vi for s in schema.sectors() if s.code == sector))),
        "dia_ban": where,
        "chu_khoan": rng.choice(AGENCIES).format(commune=rng.choice(COMMUNES)),
        "co_quan_chu_quan": f"UBND {found.name[0].lower()}{found.name[1:]}",
        "tien_te": currency,
        "gia_tri_nguyen_te": round(usd / rate * rng.uniform(0.98, 1.02), 0 if currency in ("JPY", "KRW") else 2),
        "gia_tri_usd": usd,
        "von_doi_ung_vnd": rng.choice((0, 50_000_000, 120_000_000, 300_000_000)),
        "trang_thai": status,
        "ma_de_xuat": rng.choice(proposal_ids) if proposal_ids and rng.random() < 0.3 else None,
        "ghi_chu": None,
    }
    if decided:
        number = rng.randint(100, 3999)
        decision = rng.choice((f"{number}/QĐ-UBND", f"{number}/{approved.year}/QĐ-UBND", f"{number:02d}/QĐ-UBND"))
        record.update(ngay_nhan_hs=dossier, so_qd=decision, ngay_qd=approved, ngay_bat_dau=start, ngay_ket_thuc=end)
        if status != schema.APPROVED:
            to_date = round(usd * rng.uniform(0.1, 1.0), 2)
            record.update(giai_ngan_ky_usd=round(to_date * rng.uniform(0.2, 1.0), 2), giai_ngan_luy_ke_usd=to_date)
    else:
        record.update(ngay_nhan_hs=dossier if has_dossier else None)
    return record


# --- planted defects ----------------------------------------------------------------
#: Defects planted by writing one bad value into one cell: table, column, value.
_ONE_CELL = {
    "missing-value": (schema.NEEDS, "dia_ban", None),
    "ambiguous-number": (schema.NEEDS, "tong_kinh_phi_usd", "47,272"),
    "invalid-date": (schema.REGISTER, "ngay_bat_dau", "31/02/2026"),
    "invalid-choice": (schema.REGISTER, "trang_thai", "Đang triển khai"),
    "invalid-email": (schema.NEEDS, "email_lien_he", "lienhe@@gmail"),
    "placeholder-value": (schema.REGISTER, "gia_tri_usd", "n/a"),
}


def _plant(sample: Sample, defect: str, rng: random.Random) -> None:
    needs, register = sample.rows["needs"], sample.rows["register"]
    approved = [r for r in register if r["trang_thai"] in schema.APPROVED_STATUSES]

    def mark(table: schema.Table, index: int, key: str) -> None:
        col = [c.key for c in table.columns].index(key)
        sample.planted.append((DEFECTS[defect], table.sheet.vi, f"{chr(65 + col)}{index + 2}"))

    i = rng.randrange(len(needs)) if needs else 0
    j = rng.randrange(len(register)) if register else 0
    if defect in _ONE_CELL:
        table, key, value = _ONE_CELL[defect]
        index = i if table is schema.NEEDS else j
        sample.rows[table.key][index][key] = value
        mark(table, index, key)
    elif defect == "duplicate-id":
        k = (i + 1) % len(needs)
        for row in register:  # keep the register's links valid: only the duplicate is planted
            if row["ma_de_xuat"] == needs[k]["ma_de_xuat"]:
                row["ma_de_xuat"] = None
        needs[k]["ma_de_xuat"] = needs[i]["ma_de_xuat"]
        mark(schema.NEEDS, max(i, k), "ma_de_xuat")
    elif defect == "id-province-mismatch":
        wrong = "01" if sample.province != "01" else "79"
        register[j]["ma_khoan"] = wrong + register[j]["ma_khoan"][2:]
        mark(schema.REGISTER, j, "ma_khoan")
    elif defect == "approval-before-dossier":
        row = approved[0]
        row["ngay_qd"] = row["ngay_nhan_hs"] - timedelta(days=3)
        mark(schema.REGISTER, register.index(row), "ngay_qd")
    elif defect == "requested-over-total":
        needs[i]["de_nghi_tai_tro_usd"] = needs[i]["tong_kinh_phi_usd"] * 2
        needs[i]["von_doi_ung_usd"] = 0
        mark(schema.NEEDS, i, "de_nghi_tai_tro_usd")
    elif defect == "linked-proposal-missing":
        register[j]["ma_de_xuat"] = f"{sample.province}-N1999-999"
        mark(schema.REGISTER, j, "ma_de_xuat")
    elif defect == "legacy-tcvn3":
        from .legacy_encodings import from_unicode

        needs[i]["muc_tieu"] = from_unicode(needs[i]["muc_tieu"], "tcvn3")
        mark(schema.NEEDS, i, "muc_tieu")
    else:
        raise ValueError(f"unknown defect {defect!r}; known: {', '.join(DEFECTS)}")


def sample_control(
    out: str | os.PathLike,
    periods: tuple[str, ...] = ("2026-H1",),
    provinces: tuple[str, ...] = CLUSTER5,
    smtp: dict | None = None,
    targets: tuple = (),
) -> Path:
    """A control workbook for a cluster: members with focal persons, schedule and settings (and `targets`,
    control.Target rows for its `Chỉ tiêu` sheet)."""
    from .control import Deadline, Member, write_control

    rng = random.Random("control")
    members = []
    for code in provinces:
        found = _known_province(code, date(2026, 1, 1))
        slug = fold(found.short)
        person = _person(rng)
        title = "Bà" if person.split()[1] in ("Thị", "Thu", "Ngọc") else "Ông"  # the middle name tells, roughly
        members.append(
            Member(code, found.short, person, f"lhh.{slug}@example.vn", (f"vanphong.{slug}@example.vn",), title=title)
        )
    schedule = []
    for text in periods:
        period = Period.parse(text)
        schedule.append(Deadline(period, period.end + timedelta(days=15), (7, 3, 1), (1, 3, 7), (7,)))
    settings = {
        "ten_cum": "Cụm thi đua số 5 — Đồng bằng sông Cửu Long",
        "thu_muc_nhan": "nop",
        "thu_muc_ket_qua": "ket-qua",
        "may_chu_smtp": "127.0.0.1",
        "cong": 2525,
        "bao_mat": "Không",
        "tai_khoan_gui": "",
        "ten_nguoi_gui": "Văn phòng Cụm 5",
        "email_truong_cum": "truongcum5@example.vn",
        "nguong_ngay_phe_duyet": 20,
        "ten_cum_en": "Cluster 5 — Mekong Delta",
        "ten_nguoi_gui_en": "Cluster 5 Office",
        "dia_chi_lien_he": "12 Hòa Bình, Ninh Kiều, Cần Thơ",
        "dien_thoai_lien_he": "0292 3821 456",
        **(smtp or {}),
    }
    return write_control(out, settings["ten_cum"], members, schedule, settings, targets=tuple(targets))


def sample_targets(provinces: tuple[str, ...] = CLUSTER5, year: int = 2026) -> tuple:
    """Each member's targets for a year, as a cluster sets them: aid USD 1–6M, 15–60 projects, 20–70 activities."""
    from .control import Target

    rng = random.Random(f"targets/{year}")
    return tuple(
        Target(code, year, float(rng.randint(10, 60) * 100_000), rng.randint(15, 60), rng.randint(20, 70))
        for code in provinces
    )
