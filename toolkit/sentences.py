"""Every message a person sees, keyed by rule code: Vietnamese first, English beside it."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from decimal import Decimal

SENTENCES: dict[str, tuple[str, str]] = {
    # files that cannot be read at all
    "file-not-found": ("Không tìm thấy tệp {file}.", "File {file} was not found."),
    "file-empty": (
        "Tệp {file} rỗng (0 byte); hãy gửi lại tệp Excel đầy đủ.",
        "File {file} is empty (0 bytes); please send the full Excel file again.",
    ),
    "file-too-large": (
        "Tệp {file} quá lớn ({detail}); mẫu chuẩn chỉ cần vài MB — hãy xóa trang tính thừa rồi gửi lại.",
        "File {file} is too large ({detail}); the standard workbook needs a few MB — remove extra sheets and send it again.",
    ),
    "file-not-workbook": (
        "Tệp {file} không phải là tệp Excel (.xlsx/.xlsm); hãy mở bằng Excel và lưu lại dạng .xlsx.",
        "File {file} is not an Excel workbook (.xlsx/.xlsm); open it in Excel and save it as .xlsx.",
    ),
    "file-damaged": (
        "Tệp {file} bị hỏng hoặc không đầy đủ (có thể tải về chưa xong); hãy gửi lại bản gốc.",
        "File {file} is damaged or truncated (perhaps an incomplete download); please send the original again.",
    ),
    "file-password-protected": (
        "Tệp {file} có mật khẩu nên không đọc được; hãy bỏ mật khẩu (File › Info › Protect Workbook) rồi gửi lại.",
        "File {file} is password-protected and cannot be read; remove the password (File › Info › Protect Workbook) and send it again.",
    ),
    "annotate-unsupported": (
        "Chỉ đánh dấu được tệp .xlsx/.xlsm; hãy lưu {file} dạng .xlsx rồi chạy lại.",
        "Only .xlsx/.xlsm files can be annotated; save {file} as .xlsx and run again.",
    ),
    "annotate-same-file": (
        "Không ghi đè tệp gốc {file}; hãy chọn tên tệp kết quả khác.",
        "Will not overwrite the original {file}; choose another output name.",
    ),
    "output-locked": (
        "Không ghi được {file}: tệp đang mở (trong Excel?) hoặc bị khóa. Hãy đóng tệp rồi chạy lại.",
        "Could not write {file}: it is open (in Excel?) or locked. Close it and run again.",
    ),
    "output-folder-unwritable": (
        "Không ghi được {file}: thư mục chứa nó không có hoặc không cho ghi ({detail}). Hãy tạo thư mục hoặc chọn thư mục khác rồi chạy lại.",
        "Could not write {file}: its folder is missing or read-only ({detail}). Create the folder or choose another one and run again.",
    ),
    "output-is-input": (
        "Không ghi kết quả đè lên {file}: đó là một tệp đầu vào (tệp đang được tổng hợp hoặc kiểm tra). Hãy chọn tên tệp khác.",
        "Will not write the output over {file}: it is one of the inputs (a file being merged or checked). Choose another file name.",
    ),
    "output-not-ours": (
        "Không ghi đè {file}: đây không phải tệp do aidkit tạo, hoặc đã có người sửa nó sau khi aidkit ghi. Hãy chọn tên tệp khác.",
        "Will not replace {file}: it is not a file aidkit wrote, or someone has changed it since aidkit wrote it. Choose another file name.",
    ),
    "output-not-a-folder": (
        "Không ghi kết quả vào {file}: đó là một tệp, không phải thư mục. Hãy chọn một thư mục.",
        "Will not write into {file}: it is a file, not a folder. Choose a folder.",
    ),
    "output-in-inbox": (
        "Không ghi kết quả vào {file}: đó là thư mục nộp báo cáo (hoặc nằm trong thư mục đang đọc). Hãy chọn thư mục khác.",
        "Will not write the output into {file}: it is the submissions folder (or inside a folder being read). Choose another folder.",
    ),
    "no-workbooks": (
        "Không có tệp bảng tính nào (.xlsx, .xlsm, .xls, .xlsb, .ods) trong {file}, nên không có gì để đọc và không ghi tệp kết quả nào.",
        "There is no workbook (.xlsx, .xlsm, .xls, .xlsb, .ods) in {file}, so there is nothing to read and no output was written.",
    ),
    "output-extension": (
        "Tên tệp kết quả {file} phải có đuôi {detail}.",
        "The output file {file} must end in {detail}.",
    ),
    "file-special": (
        "Bỏ qua {file}: không phải tệp thường ({detail}).",
        "Skipped {file}: not a regular file ({detail}).",
    ),
    "file-link-outside": (
        "Bỏ qua {file}: là liên kết (symlink) trỏ ra ngoài thư mục ({detail}).",
        "Skipped {file}: a symbolic link that leaves the folder ({detail}).",
    ),
    "file-not-readable": (
        "Không đọc được {file} ({detail}); nếu tệp đang mở trong Excel, lần chạy sau sẽ đọc lại.",
        "Could not read {file} ({detail}); if it is open in Excel, the next run reads it again.",
    ),
    "file-other-type": (
        "Bỏ qua {file}: không phải tệp bảng tính (.xlsx, .xlsm, .xls, .xlsb, .ods).",
        "Skipped {file}: not a spreadsheet file (.xlsx, .xlsm, .xls, .xlsb, .ods).",
    ),
    "ledger-locked": (
        "Sổ theo dõi {file} đang bị một chương trình khác khóa quá lâu ({detail}). Hãy chờ lần chạy kia xong (hoặc đóng chương trình đang mở sổ) rồi chạy lại.",
        "The ledger {file} has been locked by another program for too long ({detail}). Wait for that run to finish (or close the program holding it) and run again.",
    ),
    "ledger-damaged": (
        "Sổ theo dõi {file} bị hỏng hoặc không phải sổ của aidkit ({detail}). Hãy khôi phục bản sao lưu, hoặc đổi tên tệp này để aidkit tạo sổ mới (các tệp đã nộp vẫn còn trong aidkit-archive).",
        "The ledger {file} is damaged or not an aidkit ledger ({detail}). Restore a backup, or rename this file so that aidkit starts a new one (the submitted files remain in aidkit-archive).",
    ),
    # aidkit template --from: the next period's workbook from a submission of an earlier one
    "carry-invalid": (
        "Không tạo được mẫu kỳ sau từ {file}: tệp còn {errors} lỗi; hãy kiểm tra, sửa rồi chạy lại.",
        "Cannot start the next period from {file}: it still has {errors:error}; check it, fix it and run again.",
    ),
    "carry-other-province": (
        "Không tạo được mẫu kỳ sau từ {file}: đó là báo cáo của tỉnh {found}, không phải tỉnh {asked}.",
        "Cannot start the next period from {file}: it is province {found}'s report, not province {asked}'s.",
    ),
    "carry-not-earlier": (
        "Không tạo được mẫu kỳ {asked} từ {file}: đó là báo cáo kỳ {found}, không phải một kỳ trước {asked}.",
        "Cannot start period {asked} from {file}: it is the report of {found}, not of a period before {asked}.",
    ),
    "carry-needs-period": (
        "Cần kỳ báo cáo mới (--period) để tạo mẫu kỳ sau từ {file}.",
        "The new period (--period) is needed to start it from {file}.",
    ),
    "ledger-too-new": (
        "Sổ theo dõi {file} do phiên bản aidkit mới hơn tạo (lược đồ {found} > {known}); hãy cập nhật aidkit.",
        "Ledger {file} was written by a newer aidkit (schema {found} > {known}); please upgrade aidkit.",
    ),
    "control-unusable": (
        "Tệp điều hành {file} chưa dùng được: {detail}",
        "Control workbook {file} is not usable: {detail}",
    ),
    # what makes a control workbook unusable (the detail of control-unusable; toolkit/control.py)
    "control-no-sheet": ('thiếu trang "{sheet}".', 'it has no "{sheet_en}" sheet.'),
    "control-no-setting": ('Trang Cấu hình thiếu "{label}".', 'The Settings sheet lacks "{label_en}".'),
    "control-setting-not-integer": (
        'Ô {where} của {book} ("{label}") ghi "{raw}": phải là một số nguyên, ví dụ 587.',
        'Cell {where} of {book} ("{label_en}") holds "{raw}": it must be a whole number, e.g. 587.',
    ),
    "control-days-invalid": (
        'Ô {where} của {book} ("{label}") ghi "{raw}": "{part}" không phải số ngày; hãy ghi các số nguyên không âm cách nhau bằng dấu chấm phẩy, ví dụ 7;3;1.',
        'Cell {where} of {book} ("{label_en}") holds "{raw}": "{part}" is not a number of days; write whole numbers of 0 or more separated by semicolons, e.g. 7;3;1.',
    ),
    "control-member-twice": (
        'Tỉnh {code} có hai dòng trùng thời gian trong trang {sheet} của {book}; hãy xóa một dòng, hoặc ghi "Đến ngày" của dòng cũ trước "Từ ngày" của dòng mới.',
        "Province {code} is listed twice for the same time on the {sheet_en} sheet of {book}; delete one row, or give the older row an end date before the newer one's start.",
    ),
    "control-date-invalid": (
        'Ngày "{raw}" ({label}, dòng {row}) không hợp lệ.',
        'Date "{raw}" ({label}, row {row}) is not valid.',
    ),
    "control-member-incomplete": (
        "Thành viên dòng {row} thiếu mã tỉnh hoặc email.",
        "Member row {row} lacks a province code or email.",
    ),
    "control-rate-incomplete": (
        "Trang Tỷ giá, dòng {row}: cần Loại tiền (mã 3 chữ cái), Từ ngày và USD / 1 đơn vị lớn hơn 0.",
        "Exchange rates sheet, row {row}: a currency (3-letter code), a from-date and a USD per unit above 0 are needed.",
    ),
    "control-target-invalid": (
        'Ô {where} của {book} ("{label}") ghi "{raw}": cần một số không âm.',
        'Cell {where} of {book} ("{label_en}") holds "{raw}": a number of 0 or more is needed.',
    ),
    "control-target-no-province": (
        "Trang {sheet} của {book}, dòng {row}: thiếu mã tỉnh.",
        "{sheet_en} sheet of {book}, row {row}: the province code is missing.",
    ),
    "control-period-invalid": (
        'Kỳ báo cáo "{raw}" (Lịch nộp, dòng {row}) không hợp lệ.',
        'Period "{raw}" (Schedule, row {row}) is not valid.',
    ),
    "control-no-due-date": ("Kỳ {period} chưa có hạn nộp.", "Period {period} has no due date."),
    "period-not-scheduled": (
        'Kỳ "{period}" không có trong trang Lịch nộp của tệp điều hành.',
        'Period "{period}" is not in the control workbook\'s Schedule sheet.',
    ),
    "unexpected-error": (
        "Lỗi không mong muốn: {detail}. Hãy gửi thông báo này và tệp đang xử lý cho nhóm hỗ trợ.",
        "Unexpected error: {detail}. Please send this message and the file being processed to support.",
    ),
    # SMTP settings, building a message, connecting (toolkit/mail/settings.py, message.py, smtp.py)
    "smtp-security-invalid": (
        "Kiểu bảo mật SMTP không hợp lệ: {text}; hãy dùng STARTTLS, SSL hoặc Không",
        "invalid SMTP security {text}; use STARTTLS, SSL or NONE (Không)",
    ),
    "smtp-host-invalid": ("Máy chủ SMTP không hợp lệ: {host}", "invalid SMTP host {host}"),
    "smtp-port-invalid": ("Cổng SMTP không hợp lệ: {port}", "invalid SMTP port {port}"),
    "smtp-timeout-invalid": ("Thời gian chờ phải lớn hơn 0: {timeout}", "timeout must be positive: {timeout}"),
    "mail-header-control-char": (
        "Giá trị '{what}' chứa ký tự xuống dòng hoặc ký tự điều khiển ({bad}) -- không được phép trong tiêu đề thư",
        "{what} contains a line break or control character ({bad}), which is not allowed in a mail header",
    ),
    "mail-address-not-text": (
        "Địa chỉ thư ({what}) phải là chuỗi: {entry}",
        "{what} address must be a string: {entry}",
    ),
    "mail-address-invalid": ("Địa chỉ thư ({what}) không hợp lệ: {entry}", "invalid {what} address: {entry}"),
    "mail-attachment-unreadable": (
        "Không đọc được tệp đính kèm {item}: {reason}",
        "cannot read attachment {item}: {reason}",
    ),
    "mail-attachment-type": (
        "Tệp đính kèm phải là (tên, bytes) hoặc pathlib.Path, không phải {kind}",
        "an attachment must be (filename, bytes) or a pathlib.Path, not {kind}",
    ),
    "mail-no-sender": (
        'Chưa có địa chỉ người gửi: hãy điền "Tài khoản gửi" ở trang Cấu hình (hoặc "Email trưởng cụm" nếu máy chủ gửi thư không cần đăng nhập).',
        'No sender address: fill in "Tài khoản gửi" (sending account) on the Settings sheet (or "Email trưởng cụm", the cluster lead\'s e-mail, for a relay without login).',
    ),
    "mail-no-recipient": ("Thư chưa có người nhận", "the message has no recipient"),
    "mail-header-name-invalid": ("Tên tiêu đề thư không hợp lệ: {name}", "invalid header name {name}"),
    "mail-header-reserved": (
        "Không được đặt tiêu đề {name} qua 'headers'",
        "header {name} cannot be set through 'headers'",
    ),
    "mail-eml-name-invalid": ("Tên tệp .eml không hợp lệ: {name}", "invalid .eml file name {name}"),
    "smtp-cafile-unreadable": (
        "Không nạp được tệp chứng chỉ CA {cafile}: {detail}",
        "cannot load CA file {cafile}: {detail}",
    ),
    "smtp-tls-unverified": (
        "Không xác minh được chứng chỉ của máy chủ {where}: {detail}. Nếu là máy chủ nội bộ, hãy khai báo tệp CA (cafile)",
        "cannot verify the certificate of {where}: {detail}. For an internal server, configure its CA file (cafile)",
    ),
    "smtp-tls-failed": (
        "Bắt tay TLS với {where} thất bại ({security}): {detail}",
        "TLS handshake with {where} failed ({security}): {detail}",
    ),
    "smtp-no-starttls": (
        "Máy chủ {where} không hỗ trợ STARTTLS; không gửi thư khi chưa mã hoá",
        "{where} does not offer STARTTLS; refusing to continue unencrypted",
    ),
    "smtp-no-auth": (
        "Máy chủ {where} không cho phép đăng nhập (AUTH) trên kết nối này",
        "{where} offers no login (AUTH) on this connection",
    ),
    "smtp-login-rejected": (
        "Máy chủ {where} từ chối đăng nhập tài khoản {user} (sai tên đăng nhập hoặc mật khẩu?): {reply}",
        "{where} rejected the login for {user} (wrong user name or password?): {reply}",
    ),
    "smtp-login-failed": ("Không đăng nhập được vào {where}: {detail}", "cannot log in to {where}: {detail}"),
    "smtp-login-not-ascii": (
        "Tên đăng nhập hoặc mật khẩu SMTP có ký tự không phải ASCII (ví dụ chữ có dấu); smtplib không gửi được các ký tự này",
        "the SMTP user name or password contains non-ASCII characters (e.g. Vietnamese diacritics), which smtplib cannot send",
    ),
    "smtp-password-missing": (
        "Chưa có mật khẩu SMTP cho tài khoản {user} mà máy chủ yêu cầu đăng nhập: đặt biến môi trường {variable} hoặc lưu vào keyring (dịch vụ '{service}')",
        "no SMTP password for {user} and the server asks for a login: set {variable} or store it in the keyring (service '{service}')",
    ),
    # the daily job's installation (toolkit/schedule.py)
    "schedule-time-invalid": ('Giờ chạy "{at}" phải có dạng HH:MM', 'the time "{at}" must be HH:MM'),
    "schedule-command-missing": (
        "Không tìm thấy lệnh {name} trên máy này.",
        "The {name} command was not found on this computer.",
    ),
    "schedule-crontab-unreadable": ("Không đọc được crontab: {detail}", "Cannot read the crontab: {detail}"),
    "schedule-crontab-unwritable": ("Không ghi được crontab: {detail}", "Cannot write the crontab: {detail}"),
    "schedule-schtasks-failed": ("schtasks báo lỗi: {detail}", "schtasks failed: {detail}"),
    "now-invalid": (
        'Ngày "{text}" không hợp lệ; dùng dạng 2026-07-15, 2026-07-15T08:00 hoặc 15/07/2026.',
        'Date "{text}" is not valid; use 2026-07-15, 2026-07-15T08:00 or 15/07/2026.',
    ),
    # the receiving mailbox (toolkit/mail/imap.py)
    "imap-security-invalid": (
        '"Bảo mật IMAP" phải là SSL, STARTTLS hoặc Không, không phải "{text}".',
        '"IMAP security" must be SSL, STARTTLS or None, not "{text}".',
    ),
    "imap-password-missing": (
        "Chưa có mật khẩu IMAP cho tài khoản {user}: đặt biến môi trường {variable} hoặc lưu vào keyring (dịch vụ '{service}').",
        "No IMAP password for {user}: set {variable} or store it in the keyring (service '{service}').",
    ),
    "imap-no-starttls": (
        "Máy chủ {where} không hỗ trợ STARTTLS; không đọc thư khi chưa mã hoá.",
        "{where} does not offer STARTTLS; refusing to read mail unencrypted.",
    ),
    "imap-tls-unverified": (
        'Không xác minh được chứng chỉ của máy chủ IMAP {where}: {detail}. Nếu là máy chủ nội bộ, hãy khai báo "Tệp CA" ở trang Cấu hình.',
        'Cannot verify the certificate of the IMAP server {where}: {detail}. For an internal server, name its CA in "Tệp CA" on the Settings sheet.',
    ),
    "imap-tls-failed": (
        "Bắt tay TLS với {where} thất bại ({security}): {detail}",
        "TLS handshake with {where} failed ({security}): {detail}",
    ),
    "imap-unreachable": (
        "Không kết nối được máy chủ IMAP {where}: {detail}.",
        "Cannot reach the IMAP server {where}: {detail}.",
    ),
    "imap-dropped-at-login": (
        "Máy chủ {where} ngắt kết nối khi đăng nhập: {detail}",
        "{where} dropped the connection at login: {detail}",
    ),
    "imap-login-rejected": (
        "Máy chủ {where} từ chối đăng nhập tài khoản {user} (sai tên hoặc mật khẩu? Gmail/Outlook cần mật khẩu ứng dụng): {detail}",
        "{where} rejected the login for {user} (wrong user or password? Gmail/Outlook need an app password): {detail}",
    ),
    "imap-login-not-ascii": (
        "Tên đăng nhập hoặc mật khẩu IMAP có ký tự không phải ASCII (chữ có dấu).",
        "The IMAP user name or password contains non-ASCII characters.",
    ),
    "imap-connection-lost": ("Mất kết nối với {where}: {detail}", "Lost the connection to {where}: {detail}"),
    "imap-no-mailbox": (
        'Tài khoản {user} không có hộp thư "{mailbox}": {detail}',
        'Account {user} has no mailbox "{mailbox}": {detail}',
    ),
    "imap-connection-lost-server": (
        "Mất kết nối với máy chủ IMAP {where}: {detail}",
        "Lost the connection to the IMAP server {where}: {detail}",
    ),
    "imap-search-refused": ("Máy chủ từ chối tìm thư: {detail}", "The server refused the search: {detail}"),
    "imap-fetch-refused": (
        "Máy chủ không trả thư UID {uid}: {detail}",
        "The server did not return message UID {uid}: {detail}",
    ),
    "smtp-host-missing": ('Trang Cấu hình chưa có "Máy chủ SMTP".', 'The Settings sheet has no "SMTP server".'),
    "imap-host-missing": (
        'Trang Cấu hình chưa có "Máy chủ IMAP" và "Tài khoản nhận": chưa nhận thư được.',
        'The Settings sheet has no "IMAP server" and "Receiving account": cannot collect mail.',
    ),
    "imap-port-invalid": ('"Cổng IMAP" {port} không hợp lệ.', '"IMAP port" {port} is not valid.'),
    # what aidkit consolidate needs (toolkit/consolidation/consolidate.py)
    "consolidate-no-source": (
        "Cần thư mục nộp báo cáo hoặc tệp điều hành (--control).",
        "A submissions folder or a control workbook (--control) is needed.",
    ),
    "consolidate-source-missing": ("Không tìm thấy thư mục hoặc tệp {file}.", "Folder or file {file} was not found."),
    "consolidate-no-output": ("Cần tên tệp kết quả (-o).", "An output file (-o) is needed."),
    "consolidate-not-consolidated": (
        "Tệp {file} không phải là bảng tổng hợp do aidkit consolidate tạo ra (thiếu trang hoặc cột chuẩn).",
        "File {file} is not a workbook written by aidkit consolidate (standard sheets or columns missing).",
    ),
    # what aidkit catalogue needs (toolkit/catalogue/catalogue.py, toolkit/catalogue/page.py)
    "catalogue-no-source": (
        "Cần tệp hoặc thư mục báo cáo, hoặc tệp điều hành (--control).",
        "Workbooks or folders, or a control workbook (--control), are needed.",
    ),
    "catalogue-no-output": ("Cần thư mục kết quả (-o).", "An output folder (-o) is needed."),
    "catalogue-source-missing": ("Không tìm thấy {file}.", "{file} was not found."),
    "catalogue-output-is-file": ("{file} là một tệp, không phải thư mục.", "{file} is a file, not a folder."),
    "catalogue-template-error": (
        "Mẫu {file} có lỗi, chưa xuất được danh mục: {detail}",
        "Template {file} has an error; the catalogue was not written: {detail}",
    ),
    # aidkit template (toolkit/template.py)
    "template-unknown-province": (
        'Không có tỉnh mã (hoặc tên) "{province}" trong danh mục kỳ {period}; --province cần mã tỉnh, ví dụ 92 (Cần Thơ).',
        'No province with the code (or name) "{province}" for period {period}; --province takes the province code, e.g. 92 (Cần Thơ).',
    ),
    # aidkit password (toolkit/password.py)
    "password-empty": (
        "Cần tên tài khoản và mật khẩu (không để trống).",
        "An account name and a password are needed (neither may be empty).",
    ),
    "password-not-stored": (
        "Không lưu được mật khẩu vào kho mật khẩu của hệ điều hành ({kind}). Có thể đặt biến môi trường AIDKIT_SMTP_PASSWORD / AIDKIT_IMAP_PASSWORD thay thế.",
        "The operating system's keyring did not store the password ({kind}). The environment variables AIDKIT_SMTP_PASSWORD / AIDKIT_IMAP_PASSWORD can be used instead.",
    ),
    # the notes of a mail job's output (toolkit/mail/)
    "note-file-failed": (
        "{name}: lỗi khi xử lý tệp này ({detail}); các tệp khác vẫn được xử lý. Xin báo lỗi này cho người bảo trì aidkit.",
        "{name}: error while handling this file ({detail}); the other files go on. Please report it to aidkit's maintainers.",
    ),
    "note-replies-not-sent": ("Chưa gửi được thư trả lời: {detail_vi}", "Replies not sent: {detail_en}"),
    "note-preparer-email-invalid": (
        '{file}: email người lập "{address}" không hợp lệ.',
        '{file}: the preparer\'s email "{address}" is not valid.',
    ),
    "note-no-receipt-recipient": ("{file}: không có ai để gửi xác nhận.", "{file}: nobody to send a receipt to."),
    "note-addresses-skipped": (
        "{name}: bỏ qua địa chỉ không hợp lệ {addresses}",
        "{name}: skipped invalid address(es) {addresses}",
    ),
    "note-blank-workbook-sent": ("{name}: gửi mẫu trống ({reason_vi})", "{name}: blank workbook sent ({reason_en})"),
    "note-all-valid": (
        "Kỳ {period}: mọi tỉnh đã nộp hợp lệ, không cần báo trưởng cụm.",
        "{period}: every province is valid; no escalation needed.",
    ),
    "note-no-lead-email": (
        'Trang Cấu hình chưa có "Email trưởng cụm" hợp lệ; không gửi được thư tổng hợp.',
        'The Settings sheet has no valid "Cluster lead email"; the digest cannot be sent.',
    ),
    "note-no-member-address": (
        "{name}: không có địa chỉ email hợp lệ trong trang Thành viên.",
        "{name}: no valid email address on the Members sheet.",
    ),
    "note-unreadable-not-counted": (
        "Tệp không đọc được nên không được tính: {names}.",
        "{files_en} that could not be read, not counted: {names}.",
    ),
    "note-data-has-errors": ("Số liệu của {names} còn lỗi.", "The data of {names_en} still has errors."),
    "note-report-addresses-skipped": (
        "Bỏ qua địa chỉ không hợp lệ: {addresses}",
        "Skipped invalid address(es): {addresses}",
    ),
    "note-no-report-recipient": ("Không có địa chỉ nào để gửi báo cáo.", "There is no address to send the report to."),
    "note-report-already-sent": (
        "Báo cáo này (cùng các tệp) đã được gửi; dùng --force để gửi lại.",
        "This report (same files) was already sent; use --force to send it again.",
    ),
    # the Word review report's template (toolkit/report.py)
    "report-template-missing": (
        "Không tìm thấy mẫu báo cáo {file} (Cấu hình › Mẫu báo cáo).",
        "The report template {file} was not found (Settings › Report template).",
    ),
    "report-template-unusable": (
        "Mẫu báo cáo {file} không mở được bằng Word ({kind}).",
        "The report template {file} is not a usable Word file ({kind}).",
    ),
    "report-template-unsafe": (
        "Mẫu báo cáo {file} có thẻ tìm cách chạy lệnh trên máy; aidkit không dùng mẫu này.",
        "The report template {file} has a tag that tries to run code on this computer; aidkit will not use it.",
    ),
    "report-template-broken-tag": (
        "Mẫu báo cáo {file} có thẻ sai: {detail}.",
        "The report template {file} has a broken tag: {detail}.",
    ),
    # the Excel buttons (toolkit/macros.py): status bar while busy, then a message box
    "busy-validate": ("aidkit: đang kiểm tra dữ liệu…", "aidkit: checking the data…"),
    "busy-export": ("aidkit: đang xuất file nộp…", "aidkit: exporting the submission…"),
    "busy-consolidate": ("aidkit: đang tổng hợp báo cáo các tỉnh…", "aidkit: consolidating the provinces' workbooks…"),
    "busy-status": ("aidkit: đang cập nhật tình trạng nộp…", "aidkit: updating the submission status…"),
    "busy-catalogue": (
        "aidkit: đang xuất danh mục kêu gọi tài trợ…",
        "aidkit: publishing the funding-needs catalogue…",
    ),
    "busy-remind": ("aidkit: đang gửi thư nhắc nộp…", "aidkit: sending reminders…"),
    "busy-report": ("aidkit: đang soạn báo cáo sơ kết…", "aidkit: drafting the review report…"),
    "busy-next-period": ("aidkit: đang tạo mẫu kỳ sau…", "aidkit: writing the next period's workbook…"),
    "next-period-unsaved": (
        "Hãy lưu tệp này trước (File › Save): mẫu kỳ sau được tạo từ tệp đã lưu.",
        "Save this workbook first (File › Save): the next period's workbook is made from the saved file.",
    ),
    "next-period-done": (
        "Đã tạo mẫu kỳ {period}, điền sẵn các dự án chưa kết thúc và đề xuất còn kêu gọi (dòng tô xanh):\n{file}",
        "The {period} workbook is written, with the projects not finished and the needs still open filled in (blue rows):\n{file}",
    ),
    "busy-open-period": (
        "aidkit: đang gửi thư đề nghị báo cáo kèm mẫu điền sẵn…",
        "aidkit: sending the call for reports with the prefilled workbooks…",
    ),
    "open-period-none": (
        "Trang Lịch nộp không có kỳ nào chưa đến hạn: hãy thêm dòng cho kỳ mới (Kỳ báo cáo, Hạn nộp), lưu tệp rồi bấm lại.",
        "The Schedule sheet has no period still to come: add a row for the new period (period, due date), save and press again.",
    ),
    "open-period-done": (
        "Mở kỳ {period}: đã gửi {sent} thư đề nghị báo cáo, {skipped} tỉnh đã nhận trước đó, {failed} thư lỗi.{notes_vi}",
        "Opened {period}: {sent:call|calls} for reports sent, {skipped:province} already called, {failed} failed.{notes_en}",
    ),
    "busy-daily-job": (
        "aidkit: đang cài việc hằng ngày (nhận bài, gửi xác nhận, nhắc nộp)…",
        "aidkit: installing the daily job (collect, acknowledge, remind)…",
    ),
    "daily-job-done": (
        "Đã cài việc hằng ngày: mỗi ngày lúc {at}, máy này nhận bài nộp từ hộp thư, gửi xác nhận và thư nhắc. Tệp lệnh: {script}. Nhật ký: {log}. Máy cần bật và đăng nhập vào giờ đó.",
        "Daily job installed: every day at {at} this computer collects submissions from the mailbox, sends receipts and reminders. Script: {script}. Log: {log}. The computer must be on and signed in at that time.",
    ),
    "daily-job-unchanged": (
        "Việc hằng ngày đã được cài từ trước, không đổi: mỗi ngày lúc {at}. Tệp lệnh: {script}. Nhật ký: {log}.",
        "The daily job was already installed, unchanged: every day at {at}. Script: {script}. Log: {log}.",
    ),
    "validate-done": (
        'Kiểm tra xong: {errors} lỗi, {warnings} cảnh báo. Ô có lỗi tô đỏ, ô cần xem lại tô vàng; di chuột lên ô để đọc ghi chú. Danh sách đầy đủ ở trang "Phát hiện": bấm vào địa chỉ ô để đến chỗ cần sửa.',
        'Check done: {errors:error}, {warnings:warning}. Cells with errors are red, cells to review are yellow; hover over a cell to read its note. The full list is on the "Phát hiện" (Findings) sheet: click a cell address to go there.',
    ),
    "validate-clean": (
        'Kiểm tra xong: không có lỗi hay cảnh báo nào. Có thể bấm "Xuất file nộp".',
        'Check done: no errors or warnings. You can press "Xuất file nộp" (Export submission).',
    ),
    "marks-cleared": (
        'Đã xóa đánh dấu của aidkit ở {cells} ô và trang "Phát hiện"; màu tô và ghi chú của bạn được giữ nguyên.',
        'Removed aidkit\'s marks from {cells:cell} and the "Phát hiện" (Findings) sheet; your own fills and notes are kept.',
    ),
    "marks-none": ("Không có đánh dấu nào của aidkit để xóa.", "There are no aidkit marks to remove."),
    "export-has-errors": (
        'Chưa xuất file: dữ liệu còn {errors} lỗi. Bấm "Kiểm tra dữ liệu" để xem các ô tô đỏ, sửa rồi xuất lại.',
        'Not exported: the data still has {errors:error}. Press "Kiểm tra dữ liệu" (Check data) to see the red cells, fix them and export again.',
    ),
    "export-needs-info": (
        "Chưa xuất file: trang Thông tin cần Mã tỉnh và Kỳ báo cáo hợp lệ để đặt tên file.",
        "Not exported: the Info sheet needs a valid province code and period to name the file.",
    ),
    "export-no-folder": (
        'Chưa xuất file: tệp này chưa được lưu nên chưa biết lưu bản nộp vào đâu. Hãy lưu tệp (File › Save) hoặc ghi thư mục vào dòng "{key}" của trang xlwings.conf.',
        'Not exported: this workbook has never been saved, so there is no folder for the copy. Save it (File › Save) or enter a folder on the "{key}" row of the xlwings.conf sheet.',
    ),
    "export-done": (
        "Đã lưu bản nộp ({warnings} cảnh báo):\n{file}\nHãy gửi file này cho cụm.",
        "Saved the submission copy ({warnings:warning}):\n{file}\nSend this file to the cluster.",
    ),
    "control-unsaved": (
        "Hãy lưu tệp điều hành trước (File › Save): các thư mục trong trang Cấu hình được tính từ thư mục chứa tệp.",
        "Save the control workbook first (File › Save): the folders on the Settings sheet are relative to its folder.",
    ),
    "consolidate-done": (
        'Đã tổng hợp {counted} tệp ({refused} tệp không đọc được) vào:\n{file}\nTóm tắt ở trang "{sheet}".',
        'Consolidated {counted:file} ({refused} unreadable) into:\n{file}\nThe overview is on the "{sheet}" sheet.',
    ),
    "catalogue-unsaved": (
        "Hãy lưu tệp trước (File › Save): danh mục được lập từ tệp đã lưu và ghi vào thư mục danh-muc bên cạnh tệp.",
        "Save the workbook first (File › Save): the catalogue is made from the saved file and written to a danh-muc folder beside it.",
    ),
    "catalogue-done": (
        "Đã xuất {needs} nhu cầu kêu gọi tài trợ của {provinces} tỉnh ({left_out} dòng hoặc tệp có lỗi nên không đăng):\nTrang web: {page}\nBản tin: {bulletin}",
        "Published {needs:open funding need} of {provinces:province} ({left_out:row or file|rows or files} with errors left out):\nWeb page: {page}\nBulletin: {bulletin}",
    ),
    "status-done": (
        'Đã cập nhật trang "{sheet}": {missing} chưa nộp, {invalid} không hợp lệ, {valid} hợp lệ, {late} nộp muộn.',
        'Updated the "{sheet}" sheet: {missing} missing, {invalid} invalid, {valid} valid, {late} late.',
    ),
    "mail-not-configured": (
        'Chưa cấu hình gửi thư nên chưa gửi nhắc nhở nào. Hãy điền "Máy chủ SMTP", "Cổng", "Bảo mật" và "Tài khoản gửi" ở trang Cấu hình, lưu tệp rồi bấm lại. Mật khẩu không ghi vào tệp: lưu trong Windows Credential Manager (dịch vụ "aidkit") hoặc biến môi trường AIDKIT_SMTP_PASSWORD.',
        'Mail is not configured yet, so no reminder was sent. Fill in "SMTP server", "Port", "Security" and "Sender account" on the Settings (Cấu hình) sheet, save, and press the button again. The password is never stored in a workbook: keep it in Windows Credential Manager (service "aidkit") or the AIDKIT_SMTP_PASSWORD environment variable.',
    ),
    "report-done": (
        "Đã soạn dự thảo báo cáo kỳ {period}:\n{file}\nMở bằng Word, viết vào các chỗ tô vàng, rà soát các phần soạn sẵn rồi trình ký.",
        "The draft review report for {period} is written:\n{file}\nOpen it in Word, write in the yellow-highlighted places, review the drafted sections, then sign.",
    ),
    "report-draft-note": (
        "Báo cáo sơ kết đính kèm là bản dự thảo soạn tự động từ số liệu, trưởng cụm chưa sửa hay duyệt.",
        "The attached review report is a draft made from the figures; the cluster lead has not edited or approved it yet.",
    ),
    "report-kept": (
        "Bản {kept} đã được sửa nên được giữ nguyên; dự thảo mới ghi bên cạnh: {file}.",
        "{kept} was edited, so it is kept as it is; the new draft is written beside it: {file}.",
    ),
    "reminders-done": (
        "Nhắc nộp: {sent} thư đã gửi, {skipped} thư đã gửi trước đó, {failed} thư lỗi.{notes_vi}",
        "Reminders: {sent} sent, {skipped} already sent earlier, {failed} failed.{notes_en}",
    ),
    "busy-collect": ("aidkit: đang nhận bài nộp từ hộp thư…", "aidkit: collecting submissions from the mailbox…"),
    "mailbox-not-configured": (
        'Chưa cấu hình hộp thư nhận nên chưa nhận được bài nộp nào. Hãy điền "Máy chủ IMAP", "Cổng IMAP", "Bảo mật IMAP" và "Tài khoản nhận" ở trang Cấu hình, lưu tệp rồi bấm lại. Mật khẩu không ghi vào tệp: lưu trong Windows Credential Manager (dịch vụ "aidkit", tên là Tài khoản nhận) hoặc biến môi trường AIDKIT_IMAP_PASSWORD.',
        'The receiving mailbox is not configured yet, so nothing was collected. Fill in "IMAP server", "IMAP port", "IMAP security" and "Receiving account" on the Settings (Cấu hình) sheet, save, and press the button again. The password is never stored in a workbook: keep it in Windows Credential Manager (service "aidkit", user name = the receiving account) or the AIDKIT_IMAP_PASSWORD environment variable.',
    ),
    "collect-done": (
        "Nhận bài nộp: {messages} thư mới, {submitted} bài nộp mới, {aside} tệp để riêng (người gửi không phải thành viên), {replies} thư trả lời.{notes_vi}",
        "Collect: {messages:new message}, {submitted:new submission}, {aside:file} set aside (sender not a member), {replies:reply|replies}.{notes_en}",
    ),
    "build-tools-missing": (
        'Cần pyOpenVBA để dựng các tệp .xlsm: pip install "aidkit[build]"',
        'pyOpenVBA is needed to build the .xlsm workbooks: pip install "aidkit[build]"',
    ),
    # structure and reading
    "legacy-format": (
        "Tệp ở định dạng cũ/khác ({format}); hãy lưu lại dạng .xlsx theo mẫu chuẩn.",
        "The file is in an old or other format ({format}); save it as .xlsx from the standard template.",
    ),
    "missing-sheet": ('Thiếu trang tính "{expected}".', 'The "{expected_en}" sheet ({expected}) is missing.'),
    "optional-sheet-missing": (
        'Tệp theo mẫu {version} nhưng thiếu trang "{expected}"; hãy thêm trang này (có thể để trống) theo mẫu mới.',
        'The file is on template {version} but has no "{expected_en}" sheet ({expected}); add it (it may be empty) from the new template.',
    ),
    "no-table": (
        'Không có trang "{needs}" hoặc "{register}"; cần ít nhất một bảng.',
        "Neither the funding-needs nor the projects sheet is present; at least one is required.",
    ),
    "empty-table": ('Bảng "{table}" chưa có dòng dữ liệu nào.', "The {table_en} has no data rows."),
    "extra-sheet": (
        'Trang tính "{value}" không thuộc mẫu chuẩn nên không được đọc.',
        'Sheet "{value}" is not part of the standard and is not read.',
    ),
    "duplicate-sheet": (
        'Có hai trang tính cùng là "{expected}"; chỉ trang đầu tiên được đọc.',
        'Two sheets are both "{expected}"; only the first one is read.',
    ),
    "sheet-name-loose": (
        'Trang tính "{value}" được hiểu là "{expected}".',
        'Sheet "{value}" was taken to be "{expected}".',
    ),
    "header-loose-match": (
        'Tiêu đề cột "{value}" được hiểu là "{expected}".',
        'Column header "{value}" was taken to be "{expected}".',
    ),
    "unknown-column": (
        'Cột "{value}" không có trong mẫu chuẩn nên không được đọc.',
        'Column "{value}" is not in the standard and is not read.',
    ),
    "duplicate-column": (
        'Cột "{value}" bị lặp; chỉ cột đầu tiên được đọc.',
        'Column "{value}" appears twice; only the first is read.',
    ),
    "headers-english": (
        "Tiêu đề cột ghi bằng tiếng Anh hoặc mã cột ({count} cột) đã được hiểu theo mẫu chuẩn.",
        "Column headers written in English or as column keys ({count} columns) were read as the standard's.",
    ),
    "header-not-first-row": (
        "Dòng tiêu đề cột ở dòng {header_row}, dưới phần đầu của công văn; đã đọc dữ liệu bên dưới nó.",
        "The column header is on row {header_row}, under the form's heading; the data below it was read.",
    ),
    "totals-row": (
        'Dòng "{value}" là dòng tổng cộng nên không được tính là dữ liệu; aidkit tự tính tổng.',
        'The "{value}" row is a totals row and is not counted as data; aidkit computes the totals itself.',
    ),
    "data-without-header": (
        "Cột này có dữ liệu (từ ô {first}) nhưng không có tiêu đề (ô trống hoặc ô gộp) nên không được đọc; hãy ghi tiêu đề theo mẫu chuẩn.",
        "This column holds data (from cell {first}) but has no header (a blank or merged cell), so it is not read; give it a header of the standard.",
    ),
    "missing-column": ('Thiếu cột "{expected}".', 'Column "{expected_en}" ({expected}) is missing.'),
    "legacy-encoding": (
        "Chữ gõ bằng phông cũ {encoding} đã được chuyển sang Unicode; hãy kiểm tra và gõ lại bằng Unicode.",
        "Text typed in the legacy {encoding} font was converted to Unicode; please check it and retype it in Unicode.",
    ),
    # values
    "placeholder-value": (
        '"{value}" không phải là giá trị; để trống nếu không có, hoặc điền giá trị thật.',
        '"{value}" is not a value; leave the cell empty if there is none, or enter the real value.',
    ),
    "invalid-number": ('"{value}" không phải là số.', '"{value}" is not a number.'),
    "ambiguous-number": (
        'Số "{value}" không rõ nghĩa: là {as_thousands} hay số thập phân {whole},{frac}? Hãy nhập số không có dấu phân cách hàng nghìn, ví dụ {as_thousands}.',
        'Number "{value}" is ambiguous: {as_thousands}, or the decimal {whole}.{frac}? Type it without thousands separators, e.g. {as_thousands}.',
    ),
    "invalid-integer": ('"{value}" phải là số nguyên.', '"{value}" must be a whole number.'),
    "invalid-date": (
        '"{value}" không phải là ngày hợp lệ; nhập theo dạng dd/mm/yyyy.',
        '"{value}" is not a valid date; use dd/mm/yyyy.',
    ),
    "error-value": (
        "Ô chứa giá trị lỗi của Excel {value}; hãy sửa công thức hoặc nhập giá trị.",
        "The cell holds the Excel error value {value}; fix the formula or type the value.",
    ),
    "formula-not-computed": (
        "Ô có công thức {value} nhưng tệp không lưu kết quả tính (tệp được tạo bằng công cụ khác Excel); hãy mở tệp bằng Excel, lưu lại rồi gửi lại.",
        "The cell has the formula {value} but the file holds no computed value (it was written by a tool other than Excel); open the file in Excel, save it and send it again.",
    ),
    "currency-contradicts-column": (
        '"{value}" ghi đơn vị {typed} trong cột {expected}; hãy quy đổi sang {expected} và chỉ nhập số.',
        '"{value}" is written in {typed} in a {expected} column; convert it to {expected} and type only the number.',
    ),
    "phone-as-number": (
        "Số điện thoại được lưu dạng số nên mất số 0 đầu; hãy định dạng ô là văn bản (Text).",
        "The phone number is stored as a number and lost its leading 0; format the cell as Text.",
    ),
    "invalid-choice": ('"{value}" không có trong danh sách: {choices}.', '"{value}" is not one of: {choices}.'),
    "invalid-sector": (
        'Lĩnh vực "{value}" không có trong danh mục lĩnh vực.',
        'Sector "{value}" is not in the sector list.',
    ),
    "invalid-country": (
        'Không nhận ra quốc gia "{value}"; ghi tên nước hoặc mã ISO 2 chữ cái.',
        'Country "{value}" was not recognised; write the country name or its 2-letter ISO code.',
    ),
    "country-code-na": (
        '"NA" được hiểu là mã nước Namibia; nếu ý là "không có", hãy để trống.',
        '"NA" was read as the country code of Namibia; if you meant "not available", leave it empty.',
    ),
    "invalid-currency": (
        '"{value}" không phải là mã tiền tệ ISO 4217 (ví dụ USD, EUR, VND).',
        '"{value}" is not an ISO 4217 currency code (e.g. USD, EUR, VND).',
    ),
    # Info block
    "info-missing": ('Thiếu "{label}" trong trang Thông tin.', '"{label_en}" is missing from the Info sheet.'),
    "period-invalid": (
        'Kỳ báo cáo "{value}" không đúng dạng 2026-H1, 2026-H2 hoặc 2026.',
        'Period "{value}" is not of the form 2026-H1, 2026-H2 or 2026.',
    ),
    "province-code-invalid": (
        'Mã tỉnh "{value}" không có trong danh mục tỉnh áp dụng cho kỳ {period}.',
        'Province code "{value}" is not in the province list in force for period {period}.',
    ),
    "province-name-mismatch": (
        'Tên tỉnh "{value}" không khớp với mã tỉnh {code} ({expected}).',
        'Province name "{value}" does not match province code {code} ({expected}).',
    ),
    "template-version-old": (
        "Mẫu phiên bản {value} đã cũ (hiện hành: {current}); nên chuyển dữ liệu sang mẫu mới.",
        "Template version {value} is out of date (current: {current}); please move to the new template.",
    ),
    # cells
    "missing-value": ('Ô bắt buộc "{header}" đang trống.', 'Required cell "{header_en}" is empty.'),
    "missing-when-approved": (
        '"{header}" bắt buộc khi tình trạng là "{status}".',
        '"{header_en}" is required once the status is "{status}".',
    ),
    "out-of-range": (
        "Giá trị {value} nằm ngoài khoảng cho phép ({bounds}).",
        "Value {value} is out of range ({bounds}).",
    ),
    "invalid-email": ('"{value}" không phải là địa chỉ email hợp lệ.', '"{value}" is not a valid email address.'),
    "invalid-phone": (
        '"{value}" không giống số điện thoại Việt Nam (0xxx hoặc +84xxx).',
        '"{value}" does not look like a Vietnamese phone number (0xxx or +84xxx).',
    ),
    "too-long": (
        "Dài {length} ký tự, vượt mức tối đa {limit}.",
        "{length} characters long, over the limit of {limit}.",
    ),
    # tables
    "duplicate-id": ('Mã "{value}" bị trùng với ô {first}.', 'ID "{value}" duplicates cell {first}.'),
    "id-format": (
        'Mã "{value}" không đúng dạng, ví dụ đúng: {example}.',
        'ID "{value}" is malformed; a correct one: {example}.',
    ),
    "id-province-mismatch": (
        'Mã "{value}" mang mã tỉnh {code}, nhưng tệp là của tỉnh {expected}.',
        'ID "{value}" carries province code {code}, but the file is from province {expected}.',
    ),
    "linked-proposal-missing": (
        'Mã đề xuất "{value}" không có trong danh mục kêu gọi tài trợ của tỉnh.',
        'Proposal ID "{value}" is not in the province\'s funding-needs list.',
    ),
    # rows
    "title-en-missing": (
        "Chưa có tên tiếng Anh; nhà tài trợ đọc tiếng Anh.",
        "The English title is empty; donors read English.",
    ),
    "non-project-too-long": (
        "Khoản phi dự án kéo dài quá {limit} tháng.",
        "A non-project aid item lasting over {limit} months.",
    ),
    "requested-over-total": (
        "Số đề nghị tài trợ lớn hơn tổng kinh phí ({total}).",
        "The amount requested exceeds the total budget ({total}).",
    ),
    "budget-sum-mismatch": (
        "Đề nghị tài trợ + vốn đối ứng = {sum}, lệch quá {tolerance} so với tổng kinh phí {total}.",
        "Requested + counterpart = {sum}, off the total budget {total} by over {tolerance}.",
    ),
    "decision-number-format": (
        'Số quyết định "{value}" không theo dạng 1234/QĐ-UBND.',
        'Decision number "{value}" is not of the form 1234/QĐ-UBND.',
    ),
    "approval-before-dossier": (
        "Ngày quyết định trước ngày nhận đủ hồ sơ ({dossier}).",
        "The approval date is before the complete dossier was received ({dossier}).",
    ),
    "approval-slow": (
        "Phê duyệt sau {days} ngày kể từ khi nhận đủ hồ sơ (quy định: {limit} ngày).",
        "Approved {days} days after the complete dossier (limit: {limit} days).",
    ),
    "end-before-start": (
        "Ngày kết thúc trước ngày bắt đầu ({start}).",
        "The end date is before the start date ({start}).",
    ),
    "activity-outside-period": (
        "Hoạt động ngày {start} nằm ngoài kỳ báo cáo ({period_start}–{period_end}); kiểm tra lại ngày hoặc kỳ.",
        "The activity of {start} lies outside the period ({period_start}–{period_end}); check the date or the period.",
    ),
    "activity-repeated": (
        "Hoạt động trùng với dòng {first} (cùng ngày bắt đầu, loại và đối tác); có thể nhập hai lần.",
        "The activity repeats row {first} (same start date, type and partner); perhaps typed twice.",
    ),
    "certificate-expires-before-end": (
        "Giấy đăng ký hết hạn trước khi dự án kết thúc ({end}).",
        "The NGO registration certificate expires before the project ends ({end}).",
    ),
    "certificate-expiring": (
        "Giấy đăng ký hết hạn trong vòng {days} ngày sau cuối kỳ ({period_end}) hoặc đã hết hạn.",
        "The NGO registration certificate expires within {days} days of the period's end ({period_end}), or has expired.",
    ),
    "no-reference-rate": (
        "Chưa có tỷ giá tham chiếu cho {value}; không đối chiếu được giá trị USD.",
        "No reference rate for {value}; the USD amount was not cross-checked.",
    ),
    "usd-rate-mismatch": (
        "Giá trị USD lệch quá {tolerance} so với quy đổi theo tỷ giá tham chiếu ({currency} × {rate} = {expected} USD; tỷ giá áp dụng từ {since}, nguồn: {source_vi}).",
        "The USD amount is off the reference-rate conversion by over {tolerance} ({currency} × {rate} = {expected} USD; rate in force from {since}, source: {source_en}).",
    ),
    "usd-looks-like-vnd": (
        'Số tiền ghi "{word}" trong cột USD: thường là VNĐ; hãy quy đổi sang USD.',
        'An amount written with "{word}" in a USD column is usually VND; convert it to USD.',
    ),
    "usd-implausible": (
        "Số tiền {value} USD vượt mức {limit} USD của một dự án cấp tỉnh: có thể đã nhập VNĐ vào cột USD.",
        "An amount of {value} USD exceeds the {limit} USD of a provincial project: VND may have been typed in a USD column.",
    ),
    "disbursed-below-period": (
        "Giải ngân lũy kế nhỏ hơn giải ngân trong kỳ ({period_amount}).",
        "Disbursed to date is less than disbursed this period ({period_amount}).",
    ),
    "disbursed-over-amount": (
        "Giải ngân lũy kế vượt {tolerance} giá trị khoản viện trợ ({amount} USD).",
        "Disbursed to date exceeds {tolerance} of the aid amount ({amount} USD).",
    ),
    "approval-stale": (
        "Đã phê duyệt từ {approved} (hơn {months} tháng) mà chưa giải ngân; quyết định có thể bị thu hồi.",
        "Approved on {approved} (over {months} months ago) with nothing disbursed; the approval may be revoked.",
    ),
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(rule: str, language: str, context: dict[str, Any]) -> str:
    """The message for a rule code in "vi" or "en", filled from the finding's fields.

    Numbers are written the way the language reads them (`1.234.567,5` in Vietnamese, `1,234,567.5`
    in English; whole numbers without decimals); the value as found is quoted as it was typed.
    """
    vi, en = SENTENCES[rule]
    template = vi if language == "vi" else en
    return _counts()().vformat(template, (), _Blank({k: _shown(k, v, language) for k, v in context.items()}))


class _Count(str):
    """A number as shown, which remembers the number (for ``{n:error}``, see `_Counts`)."""

    number: int | float | Decimal

    def __new__(cls, text: str, number: int | float | Decimal) -> _Count:
        count = super().__new__(cls, text)
        count.number = number
        return count


@cache
def _counts() -> type:
    """The formatter, made at the first sentence rendered: `string` is imported then (a check that finds
    nothing renders none)."""
    import string

    class _Counts(string.Formatter):
        """``{n:error}`` writes "1 error" or "3 errors"; ``{n:reply|replies}`` names both forms."""

        def format_field(self, value, format_spec: str):
            if not format_spec[:1].isalpha():
                return super().format_field(value, format_spec)
            if value in ("", None):
                return ""
            one, _, many = format_spec.partition("|")
            return f"{value} {one if getattr(value, 'number', value) == 1 else (many or one + 's')}"

    return _Counts


def _shown(key: str, value: Any, language: str) -> Any:
    from decimal import Decimal

    from .numbers import format_number

    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    magnitude: float | Decimal = abs(value)  # type: ignore[assignment]  # mypy joins abs() of a union to object
    if key == "value" and float(value) == int(value) and magnitude < 100_000:
        return str(int(value))  # a code, count or date serial typed as a number: 92, 45693
    small = value and magnitude < 1
    return _Count(format_number(value, language, _significant(value) if small else None), value)


def _significant(value) -> int:
    """Decimals that show four significant digits of a small number (a rate such as 0.00003984)."""
    import math

    return min(10, max(2, 3 - math.floor(math.log10(abs(float(value))))))


def bilingual(rule: str, **context: Any) -> tuple[str, str]:
    """The (Vietnamese, English) texts of a rule code, filled from keyword arguments."""
    return render(rule, "vi", context), render(rule, "en", context)
