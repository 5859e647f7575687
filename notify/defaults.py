"""The default Vietnamese templates shipped for every event and channel (loaded, active, by
``notify`` migration 0002; the city office edits them in the admin). SMS and Zalo are short:
the code, the status, the one thing to know, the link. None names the applicant."""

_SMS = {
    "submitted": "Ho so truc tuyen {{ code }} da gui den {{ unit }}: {{ status }}. "
    "Tra cuu: {{ link }}",
    "refused": "Ho so {{ code }}: {{ status }}. Ly do: {{ reason }}. Tra cuu: {{ link }}",
    "received": "Ho so {{ code }} da tiep nhan. Hen tra ket qua {{ appointment_date }}. "
    "Tra cuu: {{ link }}",
    "supplement": "Ho so {{ code }} can bo sung: {{ reason }}. Tra cuu: {{ link }}",
    "payment": "Ho so {{ code }}: {{ status }}{% if amount %}, so tien {{ amount }} dong"
    "{% endif %}. Tra cuu: {{ link }}",
    "result_ready": "Ho so {{ code }} da co ket qua. Noi nhan: {{ place }}. Tra cuu: {{ link }}",
    "returned": "Ho so {{ code }}: da tra ket qua. Cam on ong/ba. Tra cuu: {{ link }}",
    "extended": "Xin loi ong/ba: ho so {{ code }} duoc hen lai ngay {{ extended_date }}. "
    "Ly do: {{ reason }}. Tra cuu: {{ link }}",
}

_ZALO = {
    "submitted": "Hồ sơ trực tuyến {{ code }} ({{ procedure }}) đã được gửi đến {{ unit }}: "
    "{{ status }}. Tra cứu: {{ link }}",
    "refused": "Hồ sơ {{ code }} ({{ procedure }}): {{ status }}. Lý do: {{ reason }}. "
    "Tra cứu: {{ link }}",
    "received": "{{ unit }} đã tiếp nhận hồ sơ {{ code }} ({{ procedure }}). "
    "Ngày hẹn trả kết quả: {{ appointment_date }}. Tra cứu: {{ link }}",
    "supplement": "Hồ sơ {{ code }} cần bổ sung: {{ reason }}. Tra cứu: {{ link }}",
    "payment": "Hồ sơ {{ code }}: {{ status }}{% if amount %}, số tiền {{ amount }} đồng"
    "{% endif %}. Tra cứu: {{ link }}",
    "result_ready": "Hồ sơ {{ code }} đã có kết quả. Nơi nhận: {{ place }}. Tra cứu: {{ link }}",
    "returned": "Hồ sơ {{ code }}: {{ status }}. Cảm ơn ông/bà đã sử dụng dịch vụ. "
    "Tra cứu: {{ link }}",
    "extended": "{{ unit }} xin lỗi ông/bà: hồ sơ {{ code }} được hẹn lại ngày "
    "{{ extended_date }}. Lý do: {{ reason }}. Tra cứu: {{ link }}",
}

_EMAIL_SUBJECTS = {
    "submitted": "Hồ sơ trực tuyến {{ code }} đã được gửi",
    "refused": "Hồ sơ {{ code }} không được tiếp nhận",
    "received": "Hồ sơ {{ code }} đã được tiếp nhận, hẹn trả {{ appointment_date }}",
    "supplement": "Hồ sơ {{ code }} cần bổ sung",
    "payment": "Hồ sơ {{ code }}: phí, lệ phí cần nộp",
    "result_ready": "Hồ sơ {{ code }} đã có kết quả",
    "returned": "Hồ sơ {{ code }} đã trả kết quả",
    "extended": "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {{ code }}",
}

_EMAIL_LINES = {
    "submitted": "Hồ sơ trực tuyến {{ code }} của ông/bà đã được gửi đến {{ unit }}.",
    "refused": "Hồ sơ {{ code }} không được tiếp nhận. Lý do: {{ reason }}",
    "received": "{{ unit }} đã tiếp nhận hồ sơ {{ code }}. "
    "Ngày hẹn trả kết quả: {{ appointment_date }}.",
    "supplement": "Hồ sơ {{ code }} cần được bổ sung: {{ reason }}",
    "payment": "Hồ sơ {{ code }} đang chờ nộp phí, lệ phí{% if amount %}: {{ amount }} đồng"
    "{% endif %}.",
    "result_ready": "Hồ sơ {{ code }} đã có kết quả. Nơi nhận kết quả: {{ place }}.",
    "returned": "Kết quả hồ sơ {{ code }} đã được trao. Cảm ơn ông/bà đã sử dụng dịch vụ.",
    "extended": "{{ unit }} thành thật xin lỗi ông/bà: hồ sơ {{ code }} chưa giải quyết kịp "
    "ngày hẹn {{ appointment_date }} và được hẹn lại ngày {{ extended_date }}. "
    "Lý do: {{ reason }}",
}

_EMAIL_BODY = """Kính gửi ông/bà,

{line}

Thủ tục: {{{{ procedure }}}}
Trạng thái: {{{{ status }}}}
Tra cứu tình trạng hồ sơ: {{{{ link }}}}

Bộ phận Một cửa - {{{{ unit }}}}
(Thư gửi tự động, xin đừng trả lời thư này.)"""


def default_templates() -> list[dict]:
    """Every event × channel, as ``NotificationTemplate`` field values."""
    rows = []
    for event in _SMS:
        rows.append({"event": event, "channel": "sms", "subject": "", "body": _SMS[event]})
        rows.append({"event": event, "channel": "zalo", "subject": "", "body": _ZALO[event]})
        rows.append(
            {
                "event": event,
                "channel": "email",
                "subject": _EMAIL_SUBJECTS[event],
                "body": _EMAIL_BODY.format(line=_EMAIL_LINES[event]),
            }
        )
    return rows
