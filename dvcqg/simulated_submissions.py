"""The posting half of the national-portal simulator (``manage.py dvcqg_simulator --post N``):
realistic online submissions delivered to ``POST /api/v1/dvcqg/submissions/`` as the national
portal's connector would, with a share of exact repeats and of invalid bodies.

- Procedures: the active ones that can be filed online, weighted towards the civil-status
  extracts and certificates that lead online; units weighted by population; submission times
  over the last days at any hour (most in the day, some in the evening, at night and on the
  weekend); applicants with valid Hue personal IDs and mobile numbers; 1–4 components with file
  names, sizes and SHA-256 checksums, some digitised or reused from the national data; a share
  with one component missing (the desk will return them for completion).
- Repeats: the very same body posted again (the API answers 200 with the existing submission).
- Invalid: a body with a fault the API must refuse with 400 (no applicant name, an unknown
  procedure, a unit code of 4 digits, a date that is not one, an ID number of 11 digits).

Deterministic for a given ``seed``. Posting is sequential on one keep-alive connection per
thread; a 429 waits for ``Retry-After`` and posts again (as a connector does). Nothing here
calls the portal's services: only the reference rows are read, to name real procedures and
units.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from communes.models import Commune
from records.enums import OnlineLevel
from records.models import Procedure

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Hồ", "Ngô", "Huỳnh"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hữu", "Đức", "Thu", "Quang", "Kim"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Hùng Vương", "Nguyễn Huệ", "Điện Biên Phủ", "Lê Duẩn"]
DOCUMENTS = [
    ("Tờ khai theo mẫu", "original"),
    ("Bản sao giấy tờ tùy thân", "copy"),
    ("Giấy chứng sinh", "original"),
    ("Giấy ủy quyền", "original"),
    ("Bản sao giấy tờ chứng minh nơi cư trú", "copy"),
]
# Online weights by procedure key; a procedure not listed weighs 0.5.
ONLINE_WEIGHTS = {
    "ho-tich-trich-luc": 16,
    "ho-tich-xac-nhan-hon-nhan": 12,
    "chung-thuc-ban-sao": 18,
    "ho-tich-khai-sinh": 8,
    "lien-thong-khai-sinh": 7,
    "kinh-doanh-ho-kinh-doanh": 4,
    "ho-tich-khai-tu": 2.5,
}
INVALID_FAULTS = ("no_name", "unknown_procedure", "short_unit", "bad_date", "short_id")


@dataclass(frozen=True)
class Reference:
    """What the simulator names: procedures (code or key, weight) and units (code, weight)."""

    procedures: list[tuple[str, str, float]]  # (national code, key, weight)
    units: list[tuple[str, float]]

    @classmethod
    def from_database(cls, unit_codes: list[str] | None = None) -> Reference:
        rows = Procedure.objects.filter(active=True).exclude(online_level=OnlineLevel.NONE)
        procedures = [
            (p.national_code or "", p.key, ONLINE_WEIGHTS.get(p.key, 0.5))
            for p in rows.order_by("key")
        ]
        units = Commune.objects.filter(active=True).order_by("code")
        if unit_codes:
            units = units.filter(code__in=unit_codes)
        return cls(procedures, [(u.code, float(u.population or 1)) for u in units])


@dataclass
class Plan:
    """The bodies to post, in order, and what each is (``new``, ``repeat``, ``invalid``)."""

    bodies: list[tuple[str, dict]] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for k, _ in self.bodies if k == kind)


def _applicant(rng: random.Random) -> dict:
    born = rng.randint(1950, 2005)
    century_digit = (born // 100 - 19) * 2 + rng.randint(0, 1)
    id_number = f"046{century_digit}{born % 100:02d}{rng.randrange(10**6):06d}"
    return {
        "name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        "id_number": id_number,
        "phone": f"09{rng.randrange(10**8):08d}",
        "email": f"congdan{rng.randrange(10**6)}@example.vn" if rng.random() < 0.4 else "",
        "address": f"{rng.randint(1, 300)} {rng.choice(STREETS)}, thành phố Huế",
    }


def _components(rng: random.Random, number: str, *, incomplete: bool) -> list[dict]:
    chosen = rng.sample(DOCUMENTS, rng.randint(1, 4))
    if incomplete and len(chosen) > 1:
        chosen = chosen[:-1]
    rows = []
    for position, (name, kind) in enumerate(chosen, start=1):
        size = rng.randint(40_000, 2_500_000)
        file_name = f"{number.lower().replace('.', '-')}-{position}.pdf"
        checksum = hashlib.sha256(f"{file_name}:{size}".encode()).hexdigest()
        rows.append(
            {
                "name": name,
                "kind": kind,
                "count": 1,
                "file_name": file_name,
                "size": size,
                "checksum": checksum,
                "digitised": True,
                "reused": rng.random() < 0.2,
            }
        )
    return rows


def _submitted_at(rng: random.Random, now: datetime) -> datetime:
    """Within the last three days: mostly office hours, some evenings and nights."""
    moment = now - timedelta(days=rng.uniform(0, 3))
    hour = rng.choices([rng.randint(7, 16), rng.randint(17, 22), rng.randint(0, 6)], [7, 2, 1])[0]
    moment = moment.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
    return min(moment, now).replace(microsecond=0)


def _channels(draw: float, applicant: dict) -> list[str]:
    """The notification channels, from one draw (60 % want them: SMS, a quarter of those
    Zalo too, and e-mail when they gave an address, half of them)."""
    if draw >= 0.6:
        return []
    channels = ["sms"]
    if draw < 0.15:
        channels.append("zalo")
    if applicant["email"] and draw < 0.3:
        channels.append("email")
    return channels


def submission(rng: random.Random, reference: Reference, number: str, now: datetime) -> dict:
    code, key, _ = rng.choices(reference.procedures, [w for *_, w in reference.procedures])[0]
    unit = rng.choices(reference.units, [w for _, w in reference.units])[0][0]
    applicant = _applicant(rng)
    body = {
        "national_dossier_no": number,
        "receiving_unit": unit,
        "applicant": applicant,
        "submitted_at": _submitted_at(rng, now).isoformat(),
        "components": _components(rng, number, incomplete=rng.random() < 0.1),
        "notify": _channels(rng.random(), applicant),
        "result_by_post": rng.random() < 0.05,
    }
    if code and rng.random() < 0.7:
        body["procedure_code"] = code
    else:
        body["procedure_key"] = key
    return body


def _invalid(body: dict, fault: str) -> dict:
    broken = json.loads(json.dumps(body))
    if fault == "no_name":
        broken["applicant"]["name"] = ""
    elif fault == "unknown_procedure":
        broken.pop("procedure_code", None)
        broken["procedure_key"] = "khong-co-thu-tuc-nay"
    elif fault == "short_unit":
        broken["receiving_unit"] = broken["receiving_unit"][:4]
    elif fault == "bad_date":
        broken["submitted_at"] = "hôm qua"
    else:
        broken["applicant"]["id_number"] = broken["applicant"]["id_number"][:11]
    return broken


def build_plan(
    reference: Reference,
    total: int,
    *,
    repeat_share: float = 0.05,
    invalid_share: float = 0.05,
    seed: int = 1,
    now: datetime | None = None,
    prefix: str = "G22.SIM",
) -> Plan:
    """``total`` bodies: ``round(total × repeat_share)`` exact repeats of earlier ones,
    ``round(total × invalid_share)`` invalid ones, the rest new, shuffled deterministically."""
    rng = random.Random(f"dvcqg-simulator:{seed}")
    now = now or datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    repeats, invalid = round(total * repeat_share), round(total * invalid_share)
    fresh = total - repeats - invalid
    new = [submission(rng, reference, f"{prefix}-{seed}-{i + 1:06d}", now) for i in range(fresh)]
    kinds = ["repeat"] * repeats + ["invalid"] * invalid
    rng.shuffle(kinds)
    plan = Plan([("new", body) for body in new])
    for kind in kinds:  # a repeat or a fault goes after the body it copies
        position = rng.randint(1, len(plan.bodies))
        source = rng.choice([b for k, b in plan.bodies[:position] if k == "new"])
        if kind == "repeat":
            plan.bodies.insert(position, ("repeat", source))
        else:
            fault = INVALID_FAULTS[len(plan.bodies) % len(INVALID_FAULTS)]
            broken = _invalid(source, fault)
            broken["national_dossier_no"] = f"{prefix}-{seed}-X{position:06d}"
            plan.bodies.insert(position, ("invalid", broken))
    return plan


@dataclass
class Outcome:
    """What the posting saw: per body its kind, HTTP status, answer and time taken."""

    results: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = 0.0
    finished: float = 0.0
    done: bool = False

    def add(self, entry: dict) -> None:
        with self.lock:
            self.results.append(entry)

    def summary(self) -> dict:
        with self.lock:
            results = list(self.results)
        statuses = Counter(f"{r['kind']}:{r['status']}" for r in results)
        seconds = (self.finished or time.monotonic()) - self.started if self.started else 0.0
        accepted = sum(1 for r in results if r["status"] in (200, 201))
        return {
            "posted": len(results),
            "done": self.done,
            "by_kind_and_status": dict(sorted(statuses.items())),
            "seconds": round(seconds, 3),
            "accepted_per_second": round(accepted / seconds, 1) if seconds else None,
        }


class Poster:
    """Posts a plan's bodies to the inbound API with ``threads`` connections."""

    def __init__(self, api: str, token: str, *, threads: int = 1, timeout: float = 30):
        self.url = urlparse(api.rstrip("/") + "/api/v1/dvcqg/submissions/")
        self.token = token
        self.threads = threads
        self.timeout = timeout

    def run(self, plan: Plan, outcome: Outcome) -> Outcome:
        """Post everything (blocking); repeats follow their original in the same thread."""
        lanes: list[list[tuple[str, dict]]] = [[] for _ in range(self.threads)]
        lane_of: dict[str, int] = {}
        for index, (kind, body) in enumerate(plan.bodies):
            number = body["national_dossier_no"]
            lane = lane_of.setdefault(number, index % self.threads)
            lanes[lane].append((kind, body))
        outcome.started = time.monotonic()
        workers = [threading.Thread(target=self._lane, args=(lane, outcome)) for lane in lanes]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        outcome.finished, outcome.done = time.monotonic(), True
        return outcome

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=self.timeout)

    def _lane(self, bodies: list[tuple[str, dict]], outcome: Outcome) -> None:
        connection = self._connection()
        for kind, body in bodies:
            started = time.monotonic()
            status, answer, connection = self._post(connection, body)
            outcome.add(
                {
                    "kind": kind,
                    "national_dossier_no": body["national_dossier_no"],
                    "status": status,
                    "answer": answer,
                    "seconds": time.monotonic() - started,
                }
            )
        connection.close()

    def _post(self, connection, body: dict):
        data = json.dumps(body, ensure_ascii=False).encode()
        headers = {
            "Authorization": f"Token {self.token}",
            "Content-Type": "application/json; charset=utf-8",
        }
        for _ in range(20):  # throttled (429) or the connection dropped: try again
            try:
                connection.request("POST", self.url.path, body=data, headers=headers)
                response = connection.getresponse()
                text = response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = self._connection()
                time.sleep(0.5)
                continue
            if response.status == 429:
                time.sleep(min(float(response.getheader("Retry-After") or 1), 5))
                continue
            return response.status, _json(text), connection
        return 0, {"detail": "gave up"}, connection


def _json(text: bytes):
    try:
        return json.loads(text or b"null")
    except ValueError:
        return {"detail": text[:200].decode(errors="replace")}
