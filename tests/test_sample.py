from toolkit.reader import read_workbook
from toolkit.sample import DEFECTS, sample_records, sample_workbook
from toolkit.validate import validate


def test_samples_are_realistic_and_clean(tmp_path):
    for seed in range(4):
        sample = sample_workbook(tmp_path / f"{seed}.xlsx", "92", "2026-H1", seed=seed)
        assert 10 <= len(sample.rows["needs"]) + len(sample.rows["register"]) <= 100
        amounts = [r["gia_tri_usd"] for r in sample.rows["register"]]
        assert all(5_000 <= a <= 3_000_000 for a in amounts)
        report = validate(sample.path)
        assert [f.rule for f in report.findings if f.severity != "info"] == []


def test_every_planted_defect_is_found_exactly(tmp_path):
    sample = sample_workbook(tmp_path / "bad.xlsx", "91", "2026", seed=11, defects=tuple(DEFECTS))
    found = {(f.rule, f.sheet, f.cell) for f in validate(sample.path).findings if f.severity != "info"}
    assert found == set(sample.planted)
    assert len(sample.planted) == len(DEFECTS)


def test_same_seed_same_records():
    assert sample_records("92", "2026-H1", rng=4) == sample_records("92", "2026-H1", rng=4)
    assert sample_records("92", "2026-H1", rng=4) != sample_records("92", "2026-H1", rng=5)


def test_english_titles_write_place_names_apart_and_objectives_keep_their_capitals():
    rows = sample_records("92", "2026-H1", 40, 0, rng=3)["needs"]
    for r in rows:
        commune = r["dia_ban"].split(",")[0].removeprefix("Xã ")
        assert r["ten_vi"].endswith(f"tại xã {commune}") and f"xã {commune}" in r["muc_tieu"]
    more = sample_records("96", "2026-H1", 60, 0, 1)["needs"]
    assert any(r["ten_en"].endswith(" in Thoi Lai Commune") for r in rows + more)
    assert not any("Thoilai" in r["ten_en"] or "Anbinh" in r["ten_en"] for r in rows)


def test_english_columns_are_filled_on_request_and_read_back(tmp_path):
    sample = sample_workbook(tmp_path / "en.xlsx", "92", "2026-H1", needs=8, register=0, seed=2, english=True)
    first = read_workbook(sample.path).tables["needs"].records[0]
    row = sample.rows["needs"][0]
    assert first.get("muc_tieu_en") == row["muc_tieu_en"] and row["muc_tieu_en"].startswith("Better lives")
    assert first.get("doi_tuong_en") == "Poor households, children, women" and first.get("don_vi_de_xuat_en")
    assert validate(sample.path).valid
