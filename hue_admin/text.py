"""Text helpers for Vietnamese: search that ignores diacritics."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics: "Phường Phú Xuân" -> "phuong phu xuan".

    The letter đ/Đ has no decomposition in Unicode and is mapped to d explicitly.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
