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
