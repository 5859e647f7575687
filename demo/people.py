"""Synthetic applicants: plausible Vietnamese names, and personal ID numbers, mobile numbers
and addresses that pass ``records.validation`` but belong to nobody in particular."""

from __future__ import annotations

import random

from records.validation import PROVINCE_CODES

SURNAMES = (
    ["Nguyễn"] * 30
    + ["Trần"] * 10
    + ["Lê"] * 10
    + ["Phan"] * 5
    + ["Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Trương"] * 2
    + ["Phạm", "Văn", "Mai", "Đoàn", "Lương", "Cao", "Tôn Nữ", "Tôn Thất", "Nguyễn Phước"]
)
# Tà Ôi, Pa Kô and Cơ Tu family names of the western communes, with common Kinh ones.
MOUNTAIN_SURNAMES = ["Hồ", "Hồ", "Kăn", "Nhâm", "Quỳnh", "Căn", "A Viết", "Lê", "Nguyễn", "Trần"]
MOUNTAIN_UNITS = frozenset({"20044", "20050", "20056", "20071", "20101", "20161", "20179", "20182"})
MALE_MIDDLE = ["Văn", "Đức", "Hữu", "Minh", "Quang", "Công", "Xuân", "Thanh", "Đình", "Ngọc"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Hoài", "Diệu", "Phương", "Kim"]
MALE_GIVEN = (
    "An Bảo Bình Cường Dũng Duy Đạt Đông Hải Hiếu Hoàng Hùng Huy Khang Khánh Khoa Lâm Long "
    "Lợi Minh Nam Nghĩa Nhân Phong Phúc Quân Quang Sơn Tài Tâm Thắng Thành Thiện Thịnh Tiến "
    "Toàn Trung Tuấn Tùng Việt Vinh Vũ"
).split()
FEMALE_GIVEN = (
    "Anh Châu Chi Diễm Dung Giang Hà Hạnh Hằng Hiền Hoa Hồng Huyền Hương Lan Liên Linh Loan Mai "
    "My Nga Ngân Ngọc Nhi Nhung Oanh Phương Quyên Quỳnh Tâm Thảo Thủy Thư Trang Trâm Uyên Vân "
    "Vy Xuân Yến"
).split()
STREETS = (
    "Lê Lợi, Hùng Vương, Trần Hưng Đạo, Lê Duẩn, Nguyễn Huệ, Điện Biên Phủ, Phan Đình Phùng, "
    "Bà Triệu, Nguyễn Sinh Cung, Chi Lăng, Kim Long, Tố Hữu, Võ Văn Kiệt, Ngự Bình, Đặng Huy Trứ"
).split(", ")
PHONE_PREFIXES = (
    "032 033 034 035 036 037 038 039 056 058 070 076 077 078 079 081 082 083 084 085 086 088 089 "
    "090 091 093 094 096 097 098 099"
).split()
OTHER_PROVINCES = sorted(PROVINCE_CODES - {"046"})


def applicant(
    rng: random.Random, *, unit_code: str, unit_name: str, unit_kind: str
) -> dict[str, str]:
    """A synthetic applicant living in the unit: name, ID number (046 for most), mobile number
    and address, as ``records.validation.clean_applicant`` returns them (normalised)."""
    female = rng.random() < 0.55
    surnames = MOUNTAIN_SURNAMES if unit_code in MOUNTAIN_UNITS else SURNAMES
    surname = rng.choice(surnames)
    if surname == "Tôn Nữ":
        female = True
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    name = f"{surname} {given}" if surname == "Tôn Nữ" else f"{surname} {middle} {given}"
    return {
        "applicant_name": name,
        "applicant_id_number": personal_id(rng, female=female),
        "applicant_phone": mobile_number(rng),
        "applicant_address": address(rng, unit_name=unit_name, unit_kind=unit_kind),
    }


def personal_id(rng: random.Random, *, female: bool) -> str:
    """12 digits: province of birth registration (Hue 046 for 85 %), century and sex, birth
    year (1945–2006, adults), then six random digits."""
    province = "046" if rng.random() < 0.85 else rng.choice(OTHER_PROVINCES)
    year = rng.randint(1945, 2006)
    century_sex = (0 if year < 2000 else 2) + (1 if female else 0)
    return f"{province}{century_sex}{year % 100:02d}{rng.randrange(1_000_000):06d}"


def mobile_number(rng: random.Random) -> str:
    return f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10_000_000):07d}"


def address(rng: random.Random, *, unit_name: str, unit_kind: str) -> str:
    """A street address or a residential group in a ward, a village (thôn) in a commune."""
    unit = unit_name[0].lower() + unit_name[1:]  # "phường Phú Xuân", as addresses write it
    if unit_kind == "ward":
        if rng.random() < 0.7:
            return f"{rng.randint(1, 250)} {rng.choice(STREETS)}, {unit}"
        return f"Tổ dân phố {rng.randint(1, 20)}, {unit}"
    return f"Thôn {rng.randint(1, 12)}, {unit}"
