"""The KPI table as a file: one row for the whole period, one per group; the columns are
the API's figure names (rates as fractions 0-1, times in hours)."""

import csv
import io

from flask_babel import gettext

from app.services.reporting.kpis import KPI_NAMES

COLUMNS = ("key", "label", *KPI_NAMES)


def table(result: dict) -> list[list]:
    rows = [["total", gettext("All"), *(result["kpis"][n] for n in KPI_NAMES)]]
    for group in result["groups"]:
        rows.append([group["key"], group["label"], *(group["kpis"][n] for n in KPI_NAMES)])
    return rows


def as_csv(result: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([["" if v is None else v for v in row] for row in table(result)])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel read Chinese labels


def as_xlsx(result: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"{result['from']}_{result['to']}"
    sheet.append(COLUMNS)
    for row in table(result):
        sheet.append(row)
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(result: dict, extension: str) -> str:
    return f"kpis_{result['from']}_{result['to']}.{extension}"
