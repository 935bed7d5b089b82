"""The submissions folder as the daily job sees it."""

import shutil
from datetime import datetime

from cluster import make_cluster
from toolkit.control import load_control
from toolkit.inbox import receive
from toolkit.ledger import Ledger
from toolkit.sample import sample_workbook


def test_a_submissions_folder_not_made_yet_means_nothing_received_and_no_complaint(tmp_path):
    control = load_control(make_cluster(tmp_path / "cum"))
    shutil.rmtree(control.inbox)  # `collect` makes it with the first file it takes
    skipped: list = []
    with Ledger.for_control(control.path) as ledger:
        assert receive(control, ledger, datetime(2026, 7, 10, 8, 0), skipped) == []
    assert skipped == []


def test_a_new_file_is_received_once(tmp_path):
    control = load_control(make_cluster(tmp_path / "cum"))
    sample_workbook(control.inbox / "92.xlsx", "92", "2026-H1", needs=3, register=3)
    with Ledger.for_control(control.path) as ledger:
        [first] = receive(control, ledger, datetime(2026, 7, 10, 8, 0))
        assert (first.province, first.period, first.status) == ("92", "2026-H1", "valid")
        assert receive(control, ledger, datetime(2026, 7, 11, 8, 0)) == []
