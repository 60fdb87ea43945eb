#!/usr/bin/env python3
"""Synthetic station records for the peer benchmark (performance-anchors.md §2).

Usage: gen.py N out.jsonl [seed]      (seed defaults to 20260630; output is deterministic)

Each line is one station (~5 KB of JSON):

* 43 scalar fields
  - strings (13): id, name, county, town, address, manager, phone, email, license_no,
    postal_code, website, wechat, credit_code. Optional strings (name, county, address,
    manager, phone, email, license_no): ~2% absent, another ~2% empty ("").
  - enums stored as strings, with some invalid values on purpose (3): level, org_type,
    funding_source
  - dates, YYYY-MM-DD (5): opened, last_inspection, last_audit, plan_updated, fire_drill_date
  - numbers (20): area_m2, indoor_m2, rooms, open_days_week, open_hours_week, population,
    elderly, children, disabled, households, budget, gov_funding, social_workers,
    volunteers, complaints, resolved, satisfaction, lat, lon, cases_closed
  - booleans (2): accessible, hotline
* staff[2..14]: role, certificate, cert_date, training_hours, full_time, years
* services[5..40]: id, date, type, beneficiaries, duration
* documents[3..8]: type, issued, expiry (date or null), verified

Numbers are integers or multiples of 0.5 so that sums are exact whatever the order.
"""
import json
import random
import sys

AS_OF = "2026-06-30"
OPTIONAL_STR = ["name", "county", "address", "manager", "phone", "email", "license_no"]
COUNTIES = ["太仓市", "昆山市", "常熟市", "张家港市", "吴江区", "吴中区", "相城区", "姑苏区"]
ROLES = ["social_worker", "assistant", "manager", "volunteer_coord"]
CERTS = ["none", "junior", "intermediate", "senior"]
SERVICE_TYPES = ["case", "group", "community", "child_protection", "elderly_care", "referral"]
DOC_TYPES = ["license", "fire_safety", "lease", "insurance", "plan"]


def date(rng, y0, y1):
    y = rng.randint(y0, y1)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    s = f"{y:04d}-{m:02d}-{d:02d}"
    return min(s, AS_OF)


def station(rng, i):
    r = {}
    r["id"] = f"S-{i:07d}"
    r["name"] = f"{rng.choice(['城厢', '浏河', '沙溪', '璜泾', '双凤', '陆渡'])}镇第{i}社工站"
    r["county"] = rng.choice(COUNTIES)
    r["town"] = f"town-{rng.randint(1, 400):03d}"
    r["address"] = f"江苏省苏州市{r['county']}{r['name'][:2]}镇人民路{rng.randint(1, 999)}号 Building {rng.randint(1, 30)}, Room {rng.randint(100, 999)}, Community Service Centre"
    r["manager"] = rng.choice(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]) + str(rng.randint(1, 99))
    r["phone"] = (
        f"0{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}"
        if rng.random() < 0.9
        else rng.choice([f"{rng.randint(10000, 99999)}", f"0512 {rng.randint(1000000, 9999999)}"])
    )
    r["email"] = (
        f"station{i}@{rng.choice(['mz.gov.cn', 'sg.org.cn', 'mail.com'])}"
        if rng.random() < 0.93
        else rng.choice([f"station{i}", f"station {i}@mail"])
    )
    r["license_no"] = f"51{rng.randint(10**15, 10**16 - 1)}"
    r["postal_code"] = f"{rng.randint(100000, 999999)}"
    r["website"] = f"https://station{i}.social-work.example.gov.cn/stations/{i}/about/index.html"
    r["wechat"] = f"wx_station_{i}"
    r["credit_code"] = f"52{rng.randint(10**15, 10**16 - 1)}X"
    for f in OPTIONAL_STR:
        u = rng.random()
        if u < 0.02:
            del r[f]
        elif u < 0.04:
            r[f] = ""
    r["level"] = rng.choices(["township", "street", "community", "village"], [45, 30, 22, 3])[0]
    r["org_type"] = rng.choices(["gov", "ngo", "mixed", "private"], [40, 40, 15, 5])[0]
    r["funding_source"] = rng.choices(["gov", "charity", "mixed", "self", "unknown"], [50, 15, 25, 8, 2])[0]
    r["opened"] = date(rng, 2015, 2024)
    r["last_inspection"] = date(rng, 2024, 2026)
    r["last_audit"] = date(rng, 2023, 2026)
    r["plan_updated"] = date(rng, 2025, 2026)
    r["fire_drill_date"] = date(rng, 2025, 2026)
    area = rng.randint(40, 600) + rng.choice([0, 0.5])
    r["area_m2"] = area
    r["indoor_m2"] = round(area * rng.uniform(0.4, 1.0) * 2) / 2
    r["rooms"] = rng.randint(1, 9)
    r["open_days_week"] = rng.choices([3, 4, 5, 6, 7], [3, 7, 60, 20, 10])[0]
    r["open_hours_week"] = rng.randint(20, 60)
    pop = rng.randint(3000, 80000)
    r["population"] = pop
    r["elderly"] = rng.randint(50, 1500)
    r["children"] = rng.randint(50, 1500)
    r["disabled"] = rng.randint(0, 300)
    r["households"] = pop // rng.randint(2, 4)
    budget = rng.randint(50, 2000) * 1000
    r["budget"] = budget
    r["gov_funding"] = int(budget * rng.uniform(0.2, 1.0)) // 100 * 100
    r["social_workers"] = rng.randint(0, 20)
    r["volunteers"] = rng.randint(0, 400)
    c = rng.randint(1, 60)
    r["complaints"] = c
    r["resolved"] = c if rng.random() < 0.6 else rng.randint(0, c)
    r["satisfaction"] = rng.randint(60, 100) / 100
    r["accessible"] = rng.random() < 0.7
    r["hotline"] = rng.random() < 0.8
    r["lat"] = round(rng.uniform(30.8, 32.0), 6)
    r["lon"] = round(rng.uniform(120.5, 121.5), 6)
    r["cases_closed"] = rng.randint(0, 400)
    staff = []
    for _ in range(rng.randint(2, 14)):
        staff.append(
            {
                "role": rng.choices(ROLES + ["intern"], [50, 25, 12, 12, 1])[0],
                "certificate": rng.choices(CERTS, [30, 30, 30, 10])[0],
                "cert_date": date(rng, 2012, 2026),
                "training_hours": rng.randint(14, 60) + rng.choice([0, 0.5]),
                "full_time": rng.random() < 0.6,
                "years": rng.randint(0, 25),
            }
        )
    r["staff"] = staff
    services = []
    for k in range(rng.randint(5, 40)):
        services.append(
            {
                "id": f"SV-{r['id']}-{k:04d}-{rng.randint(10**7, 10**8 - 1)}",
                "date": date(rng, 2024, 2026),
                "type": rng.choices(SERVICE_TYPES, [30, 20, 20, 10, 15, 5])[0],
                "beneficiaries": rng.randint(1, 80),
                "duration": rng.randint(1, 16) * 0.5,
            }
        )
    r["services"] = services
    docs = []
    for _ in range(rng.randint(3, 8)):
        t = rng.choices(DOC_TYPES + ["other"], [20, 25, 20, 15, 19, 1])[0]
        issued = date(rng, 2018, 2026)
        expiry = None if rng.random() < 0.4 else date(rng, 2026, 2030) if rng.random() < 0.97 else date(rng, 2022, 2026)
        docs.append({"type": t, "issued": issued, "expiry": expiry, "verified": rng.random() < 0.8})
    r["documents"] = docs
    return r


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20260630
    rng = random.Random(seed)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(station(rng, i), ensure_ascii=False, separators=(",", ":")))
            f.write("\n")


if __name__ == "__main__":
    main()
