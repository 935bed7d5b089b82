"""What the funding-needs catalogue publishes, as data: the open needs and what was left out.

Danh mục kêu gọi tài trợ: các nhu cầu đang mở và những gì không được đăng.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import schema
from ..consolidation.result import SourceFile
from ..errors import AidkitError

OPEN_STATUSES = schema.OPEN_NEEDS  # Mới đề xuất, Đang vận động: the report's "đang vận động" too
#: Aid form → the slug of the page's `hinh_thuc` query parameter.
FORM_SLUGS = {"Chương trình": "chuong-trinh", "Dự án": "du-an", "Phi dự án": "phi-du-an"}
#: Slug → (Vietnamese, English) as donors read the aid form.
FORM_LABELS = {
    "chuong-trinh": ("Chương trình", "Programme"),
    "du-an": ("Dự án", "Project"),
    "phi-du-an": ("Phi dự án", "Non-project aid"),
}
PAGE_NAME, WORKBOOK_NAME = "index.html", "danh-muc.xlsx"
#: The bulletin of each language.
BULLETIN_NAMES = {"vi": "ban-tin.pdf", "en": "ban-tin-en.pdf"}


class CatalogueError(AidkitError):
    """The catalogue cannot be built: no source, a bad period, an unusable control workbook."""


@dataclass(frozen=True)
class Need:
    """One open funding need as donors read it."""

    id: str
    title_vi: str
    title_en: str
    province_code: str
    province: str
    location: str
    sector: str  # code of sectors.csv
    form: str  # slug of FORM_SLUGS
    months: int | None
    total_usd: float | None
    requested_usd: float | None
    counterpart_usd: float | None
    beneficiaries: int | None
    beneficiary_groups: str
    objectives: str
    agency: str
    contact: str
    email: str
    status: str
    # in English: the workbook's English columns, else the glossary's; "" where neither has it
    objectives_en: str = ""
    groups_en: str = ""
    agency_en: str = ""
    location_en: str = ""
    contact_en: str = ""
    province_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class CatalogueResult:
    """What was published, and what was not."""

    folder: Path
    title: str
    period: str | None
    needs: list[Need]
    files: list[SourceFile]  # the latest file of each province, the ones listed
    left_out: list[tuple[str, int]] = field(default_factory=list)  # (file, row) of open needs with errors
    refused: list[SourceFile] = field(default_factory=list)
    unattributed: list[SourceFile] = field(default_factory=list)  # readable, but whose province or period is unknown
    title_en: str = ""  # the cluster's English name; "" when the control workbook gives none

    @property
    def page(self) -> Path:
        return self.folder / PAGE_NAME

    @property
    def bulletin(self) -> Path:
        return self.folder / BULLETIN_NAMES["vi"]

    @property
    def bulletin_en(self) -> Path:
        return self.folder / BULLETIN_NAMES["en"]

    @property
    def workbook(self) -> Path:
        return self.folder / WORKBOOK_NAME

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": str(self.page),
            "bulletin": str(self.bulletin),
            "bulletin_en": str(self.bulletin_en),
            "workbook": str(self.workbook),
            "title": self.title,
            "title_en": self.title_en,
            "period": self.period,
            "needs": len(self.needs),
            "provinces": sorted({n.province_code for n in self.needs}),
            "files": [f.name for f in self.files],
            "left_out": [{"file": name, "row": row} for name, row in self.left_out],
            "refused": [f.as_refusal().to_dict() for f in self.refused],
            "unattributed": [f.name for f in self.unattributed],
        }

    def to_text(self) -> str:
        lines = [
            (
                f"Danh mục kêu gọi tài trợ / funding-needs catalogue: {len(self.needs)} nhu cầu / needs, "
                f"{len(self.files)} tỉnh / provinces"
            ),
            f"  Trang web / web page: {self.page}",
            f"  Bản tin / bulletin:   {self.bulletin}, {self.bulletin_en.name}",
            f"  Bảng tính / workbook: {self.workbook}",
        ]
        for name, row in self.left_out:
            lines.append(f"  ! {name} dòng / row {row}: có lỗi nên không đăng / has errors, not published")
        for f in self.unattributed:
            lines.append(
                f"  ! {f.name}: không xác định được tỉnh hoặc kỳ báo cáo nên không đăng / "
                "province or period could not be determined, not published"
            )
        for f in self.refused:
            r = f.as_refusal()
            lines += [f"  ✘ {f.name}", f"    {r.vi}", f"    {r.en}"]
        return "\n".join(lines)
