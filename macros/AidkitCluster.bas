Attribute VB_Name = "AidkitCluster"
' aidkit: the buttons of the cluster control workbook (workbooks/aidkit-cum.xlsm).
' Each Sub is one RunPython call into toolkit/macros.py; the Python side reads and
' writes the open workbook through xlwings. Captions live on the buttons, not here:
' this file must stay within code page 1252.
Option Explicit

Sub TongHop()
    RunPython "import toolkit.macros as m; m.consolidate()"
End Sub

Sub TinhTrangNop()
    RunPython "import toolkit.macros as m; m.submission_status()"
End Sub

Sub GuiNhacNho()
    RunPython "import toolkit.macros as m; m.send_reminders_now()"
End Sub

Sub NhanBaiNop()
    RunPython "import toolkit.macros as m; m.collect_submissions()"
End Sub

Sub XuatDanhMucTaiTro()
    RunPython "import toolkit.macros as m; m.cluster_catalogue()"
End Sub

Sub BaoCaoSoKet()
    RunPython "import toolkit.macros as m; m.review_report()"
End Sub

Sub MoKyBaoCao()
    RunPython "import toolkit.macros as m; m.open_reporting_period()"
End Sub

Sub CaiViecHangNgay()
    RunPython "import toolkit.macros as m; m.install_daily_job()"
End Sub
