"""Mail: composing messages, SMTP, delivery through the ledger, the IMAP mailbox, and the mail jobs
(collect, acknowledge, remind, send_report).

Thư: soạn thư, gửi qua SMTP và sổ theo dõi, nhận từ hộp thư IMAP, và các việc hằng ngày.
"""
