"""The period report as CSV (one table: the units and a total row, or the daily series) and as
XLSX (sheet "Tổng hợp": totals and the units; sheet "Theo ngày": the daily series)."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from records.stats.reports import DAILY_COUNTS, RATE_FIELDS, REPORT_COUNTS

UNIT_COLUMNS = ["code", "name", *REPORT_COUNTS, *RATE_FIELDS]
DAILY_COLUMNS = ["date", *DAILY_COUNTS, "online_rate"]
SUMMARY_SHEET = "Tổng hợp"
DAILY_SHEET = "Theo ngày"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LABELS_VI = {
    "code": "Mã đơn vị",
    "name": "Đơn vị",
    "date": "Ngày",
    "received": "Tiếp nhận",
    "received_in_person": "Trực tiếp",
    "received_online": "Trực tuyến",
    "received_postal": "Bưu chính công ích",
    "digitised": "Đã số hóa",
    "not_accepted": "Chưa tiếp nhận (nộp trực tuyến)",
    "refused": "Từ chối tiếp nhận",
    "finished": "Đã giải quyết",
    "finished_early": "Trước hạn",
    "finished_on_time": "Đúng hạn",
    "finished_late": "Quá hạn",
    "stopped": "Dừng xử lý",
    "returned": "Đã trả kết quả",
    "returned_counter": "Trả tại bộ phận một cửa",
    "returned_post": "Trả qua bưu điện",
    "returned_online": "Trả trực tuyến",
    "carried_over": "Kỳ trước chuyển sang",
    "to_handle": "Phải giải quyết",
    "open_end": "Đang giải quyết cuối kỳ",
    "overdue_end": "Quá hạn cuối kỳ",
    "overdue_original_end": "Quá hạn so với ngày hẹn ban đầu cuối kỳ",
    "online_rate": "Tỷ lệ trực tuyến (%)",
    "handling_rate": "Tỷ lệ giải quyết (%)",
    "on_time_rate": "Tỷ lệ đúng hạn (%)",
    "on_time_rate_766": "Tỷ lệ đúng hạn theo QĐ 766 (%)",
    "digitisation_rate": "Tỷ lệ số hóa (%)",
}
TOTAL_VI = "Tổng cộng"


def report_csv(data: dict, *, table: str = "units") -> str:
    """CSV of ``report_as_dict`` data: ``table="units"`` the units then a total row (code
    ``total``), ``table="daily"`` the daily series. Header: the JSON field names; rates with a
    dot and two decimals, empty when undefined."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if table == "daily":
        writer.writerow(DAILY_COLUMNS)
        for row in data["daily"]:
            writer.writerow([_text(row.get(name)) for name in DAILY_COLUMNS])
        return out.getvalue()
    writer.writerow(UNIT_COLUMNS)
    for row in data["communes"]:
        writer.writerow([_text(row.get(name)) for name in UNIT_COLUMNS])
    total = {"code": "total", "name": TOTAL_VI, **data["totals"]}
    writer.writerow([_text(total.get(name)) for name in UNIT_COLUMNS])
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def report_xlsx(data: dict) -> bytes:
    """XLSX workbook of ``report_as_dict`` data. Numbers are numbers; an undefined rate is
    "—"."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = SUMMARY_SHEET
    bold = Font(bold=True)
    summary.append(["Báo cáo", f"{data['date_from']:%d/%m/%Y} – {data['date_to']:%d/%m/%Y}"])
    summary.append(["Tóm tắt", data["summary_vi"]])
    summary.append(["Summary", data["summary_en"]])
    summary.append([])
    summary.append([LABELS_VI[name] for name in UNIT_COLUMNS])
    for cell in summary[summary.max_row]:
        cell.font = bold
    for row in data["communes"]:
        summary.append([_xlsx(row.get(name)) for name in UNIT_COLUMNS])
    total = {"code": "", "name": TOTAL_VI, **data["totals"]}
    summary.append([_xlsx(total.get(name)) for name in UNIT_COLUMNS])
    for cell in summary[summary.max_row]:
        cell.font = bold
    summary.column_dimensions["B"].width = 28

    daily = workbook.create_sheet(DAILY_SHEET)
    daily.append([LABELS_VI.get(name, name) for name in DAILY_COLUMNS])
    for cell in daily[1]:
        cell.font = bold
    for row in data["daily"]:
        daily.append([_xlsx(row.get(name)) for name in DAILY_COLUMNS])
    for cell in daily["A"][1:]:
        cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx(value):
    return "—" if value is None else value
