"""Lines break where measuring the line up to every space in turn breaks them: the quicker
search (words measured alone to guess, the line measured exactly at the guess) gives the
same lines, in every script, at every width."""

import pytest

from app.printing import text
from app.printing.bidi import resolve
from app.printing.fonts import register_fonts

TEXTS = [
    "Repair of the roof and windows of the family house before winter, and a small stock "
    "of goods to start selling in the market of the home town.",
    "إصلاح سقف منزل العائلة ونوافذه قبل الشتاء، وشراء بضاعة قليلة للبيع في سوق المدينة.",
    "مبلغ 1,500 EUR للمورد Local builder (فاتورة رقم 2024-17) يدفع مباشرة",
    "დაბრუნებული პირი და მისი ოჯახი სახლში ბრუნდება ზამთრამდე, ახალი საქმის დასაწყებად.",
    "Nguyễn Văn Hùng – 1.510,00 € – „Đầu tư vào cửa hàng nhỏ“ ở quê nhà sau khi trở về.",
    "DEMO-2024-00023  ·  \u2068صفحة \u20681\u2069 من \u20682\u2069\u2069  ·  Page 1 of 2",
    "Averylongwordwithoutanyspacethatmustbecutbycharacters and then a short tail",
    "a  b   c    d  trailing spaces   ",
]


def _scanned(paragraph_text: str, width: float, size: float, bold: bool, rtl: bool):
    """The lines of one paragraph as a scan from the start of each line breaks them."""
    paragraph = resolve(paragraph_text, rtl)
    length = len(paragraph_text)
    breaks = [i + 1 for i, char in enumerate(paragraph_text) if char == " "] + [length]
    lines, start = [], 0
    while True:
        end = None
        for candidate in breaks:
            if candidate <= start:
                continue
            if text._width(paragraph, start, candidate, size, bold) > width:
                break
            end = candidate
        if end is None:
            word_end = next(b for b in breaks if b > start) if start < length else length
            end = text._longest_fit(paragraph, start, word_end, width, size, bold)
        lines.append((start, end))
        start = end
        if start >= length:
            return lines


@pytest.mark.parametrize("sample", TEXTS)
def test_lines_break_where_a_scan_from_the_start_breaks_them(sample):
    register_fonts()
    rtl = sample[0] in "إمد"
    for size, bold in ((8, False), (9.5, True), (12.5, False)):
        for width in (40, 75.5, 120, 180.25, 260, 400, 1000):
            laid = text.lay_out(sample, width, size, bold, rtl)
            assert [(line.start, line.end) for line in laid] == _scanned(
                sample, width, size, bold, rtl
            ), (width, size, bold)
