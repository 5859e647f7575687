"""Text helpers for Vietnamese: search that ignores diacritics."""

import re
import unicodedata

from django.db.models import Q


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics: "Phường Phú Xuân" -> "phuong phu xuan".

    The letter đ/Đ has no decomposition in Unicode and is mapped to d explicitly.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def words_q(field: str, query: str):
    """A filter on the folded ``field`` matching every word of ``query`` without diacritics.

    Words are matched whole, except the last one, which may be the start of a word (the user
    is still typing): "khai sinh giay" finds "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ
    cá nhân", and "phu xuan" finds Phú Xuân but not Thủy Xuân.
    """
    words = fold(query).split()[:10]
    condition = Q()
    for index, word in enumerate(words):
        end = "" if index == len(words) - 1 else "([ ,.;:-]|$)"
        condition &= Q(**{f"{field}__regex": rf"(^|[ ,.;:(-]){re.escape(word)}{end}"})
    return condition
