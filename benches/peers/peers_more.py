"""More optional peers for bench.py (performance-anchors.md §3): pandas, jsonschema-rs, GoRules
ZEN (JDM decision and compile_expression) and Rego through regorus. Each is skipped when its
package is not installed. The rule semantics are bench.checks(); the digest checks each peer.
"""
import itertools
import json
import re

import orjson

from bench import AS_OF, CERT_OK, CUT_12M, DOCS, EMAIL, FUND, IDS, LEVELS, ORG, PHONE, ROLES, TOTAL_W, WEIGHTS, Engine
from peers_extra import _score

PLAN_CUT, DRILL_CUT = "2026-01-01", "2025-12-30"  # R39, R40
STATION_COLS = ["name", "address", "manager", "phone", "email", "license_no", "county", "level", "org_type",
                "funding_source", "area_m2", "indoor_m2", "open_days_week", "open_hours_week", "satisfaction",
                "rooms", "social_workers", "population", "gov_funding", "budget", "resolved", "complaints",
                "volunteers", "elderly", "accessible", "children", "last_inspection", "plan_updated",
                "fire_drill_date"]


# ---------------------------------------------------------------- pandas
class Pandas(Engine):
    name = "pandas"
    note = "4 frames (station, staff, services, docs) from orjson dicts + one groupby-sum per child frame"

    def __init__(self):
        import numpy as np
        import pandas as pd

        self.np, self.pd = np, pd
        self.w = np.array(WEIGHTS, dtype=np.int64)

    def frames(self, recs):
        pd, np = self.pd, self.np
        n = len(recs)

        def child(key):  # one row per item, rid = the station's row
            df = pd.DataFrame.from_records([x for r in recs for x in r[key]])
            df["rid"] = np.repeat(np.arange(n), [len(r[key]) for r in recs])
            return df

        return pd.DataFrame.from_records(recs, columns=STATION_COLS), child("staff"), child("services"), child("documents")

    def checks(self, st, sf, sv, dc):
        pd, np = self.pd, self.np
        idx = pd.RangeIndex(len(st))

        def per_station(cols, rid):  # counts and sums per station; stations without items get 0
            return pd.DataFrame(cols).groupby(rid.to_numpy()).sum().reindex(idx, fill_value=0)

        recent = sv["date"] >= CUT_12M
        cp = sv["type"] == "child_protection"
        f = per_station({
            "bad_role": ~sf["role"].isin(ROLES), "cert_ok": sf["certificate"].isin(CERT_OK),
            "hours": sf["training_hours"], "undertrained": sf["full_time"] & (sf["training_hours"] < 20),
            "senior": sf["certificate"] == "senior", "n": np.ones(len(sf), dtype=np.int64)}, sf["rid"])
        s = per_station({
            "recent": recent, "ben": sv["beneficiaries"].where(recent, 0), "cp_recent": cp & recent, "cp": cp,
            "n": np.ones(len(sv), dtype=np.int64)}, sv["rid"])
        exp = dc["expiry"]
        d = per_station({
            "bad_type": ~dc["type"].isin(DOCS), "fire_ok": (dc["type"] == "fire_safety") & dc["verified"],
            # null expiry never expires; fillna first because None does not compare with a string
            "expired": ~(exp.isna() | (exp.fillna("") >= AS_OF)), "n": np.ones(len(dc), dtype=np.int64)}, dc["rid"])

        def nonempty(c):
            return st[c].fillna("").str.len() > 0

        township = st["level"] == "township"
        return [
            nonempty("name"), nonempty("address"), nonempty("manager"),
            st["phone"].str.contains(PHONE.pattern, na=False), st["email"].str.contains(EMAIL.pattern, na=False),
            nonempty("license_no"), nonempty("county"),
            st["level"].isin(LEVELS), st["org_type"].isin(ORG), st["funding_source"].isin(FUND),
            f["bad_role"] == 0, d["bad_type"] == 0,
            st["area_m2"] >= 60, st["open_days_week"] >= 5, st["open_hours_week"] >= 40,
            f["n"] >= 3, s["n"] >= 10, d["n"] >= 4, st["satisfaction"] >= 0.8, st["rooms"] >= 3,
            f["cert_ok"] >= 2, f["hours"] >= 120, f["undertrained"] == 0,
            s["recent"] >= 12, s["ben"] >= 300, s["cp_recent"] > 0, d["fire_ok"] > 0, d["expired"] == 0,
            # same operation order as bench.checks, so the float results are bit-identical
            st["social_workers"] / st["population"] * 10000 >= 1.5,
            st["gov_funding"] / st["budget"] >= 0.5,
            st["resolved"] / st["complaints"] >= 0.9,
            st["indoor_m2"] / st["area_m2"] >= 0.6,
            st["volunteers"] / st["population"] * 1000 >= 2,
            ~township | (st["area_m2"] >= 300), ~township | (f["senior"] > 0),
            (st["elderly"] <= 500) | st["accessible"], (st["children"] <= 800) | (s["cp"] >= 3),
            st["last_inspection"] >= CUT_12M, st["plan_updated"] >= PLAN_CUT, st["fire_drill_date"] >= DRILL_CUT,
        ]

    def report(self, cols):  # 40 bool columns -> [(score, failed ids)]
        np = self.np
        m = np.column_stack([np.asarray(c, dtype=bool) for c in cols])
        scores = (100.0 * (m.astype(np.int64) @ self.w) / TOTAL_W).tolist()
        return [(sc, list(itertools.compress(IDS, row))) for sc, row in zip(scores, (~m).tolist())]

    def prepare(self, lines, blob):
        return self.frames([orjson.loads(l) for l in lines])

    def e2e(self, lines, blob):
        loads = orjson.loads
        return self.report(self.checks(*self.frames([loads(l) for l in lines])))

    def eval(self, native):
        return self.report(self.checks(*native))


# ---------------------------------------------------------------- jsonschema-rs
def ge(s):
    """Regex for "string >= s" on ISO dates: JSON Schema cannot compare strings, so the first
    differing digit must be larger (or the whole prefix equal)."""
    alts = [re.escape(s)] + [re.escape(s[:k]) + f"[{int(c) + 1}-9]" for k, c in enumerate(s) if c.isdigit() and c != "9"]
    return "^(?:" + "|".join(alts) + ")"


def req(f, s):
    return {"required": [f], "properties": {f: s}}


def items(f, s):
    return req(f, {"items": {"properties": s}})


def contains(f, s, n=1):
    return req(f, {"contains": {"properties": s}, "minContains": n})


def when(f, s, then):
    return {"if": req(f, s), "then": then}


NONEMPTY = {"type": "string", "minLength": 1}
CP = {"type": {"const": "child_protection"}}
# R22, R25 (sums) and R29–R33 (ratios of two fields) have no JSON Schema keyword: done in Python.
SCHEMAS = {
    "R01": req("name", NONEMPTY), "R02": req("address", NONEMPTY), "R03": req("manager", NONEMPTY),
    "R04": req("phone", {"type": "string", "pattern": PHONE.pattern}),
    "R05": req("email", {"type": "string", "pattern": EMAIL.pattern}),
    "R06": req("license_no", NONEMPTY), "R07": req("county", NONEMPTY),
    "R08": req("level", {"enum": sorted(LEVELS)}), "R09": req("org_type", {"enum": sorted(ORG)}),
    "R10": req("funding_source", {"enum": sorted(FUND)}),
    "R11": items("staff", {"role": {"enum": sorted(ROLES)}}),
    "R12": items("documents", {"type": {"enum": sorted(DOCS)}}),
    "R13": req("area_m2", {"minimum": 60}), "R14": req("open_days_week", {"minimum": 5}),
    "R15": req("open_hours_week", {"minimum": 40}),
    "R16": req("staff", {"minItems": 3}), "R17": req("services", {"minItems": 10}),
    "R18": req("documents", {"minItems": 4}),
    "R19": req("satisfaction", {"minimum": 0.8}), "R20": req("rooms", {"minimum": 3}),
    "R21": contains("staff", {"certificate": {"enum": sorted(CERT_OK)}}, 2),
    "R23": req("staff", {"items": {"if": {"properties": {"full_time": {"const": True}}},
                                   "then": {"properties": {"training_hours": {"minimum": 20}}}}}),
    "R24": contains("services", {"date": {"pattern": ge(CUT_12M)}}, 12),
    "R26": contains("services", {**CP, "date": {"pattern": ge(CUT_12M)}}),
    "R27": contains("documents", {"type": {"const": "fire_safety"}, "verified": {"const": True}}),
    "R28": items("documents", {"expiry": {"pattern": ge(AS_OF)}}),  # pattern ignores null
    "R34": when("level", {"const": "township"}, req("area_m2", {"minimum": 300})),
    "R35": when("level", {"const": "township"}, contains("staff", {"certificate": {"const": "senior"}})),
    "R36": when("elderly", {"exclusiveMinimum": 500}, req("accessible", {"const": True})),
    "R37": when("children", {"exclusiveMinimum": 800}, contains("services", CP, 3)),
    "R38": req("last_inspection", {"pattern": ge(CUT_12M)}),
    "R39": req("plan_updated", {"pattern": ge(PLAN_CUT)}),
    "R40": req("fire_drill_date", {"pattern": ge(DRILL_CUT)}),
}


def python_rest(r, ok):  # the 7 rules JSON Schema cannot express
    recent = [s for s in r["services"] if s["date"] >= CUT_12M]
    ok[21] = sum(s["training_hours"] for s in r["staff"]) >= 120
    ok[24] = sum(s["beneficiaries"] for s in recent) >= 300
    ok[28] = r["social_workers"] / r["population"] * 10000 >= 1.5
    ok[29] = r["gov_funding"] / r["budget"] >= 0.5
    ok[30] = r["resolved"] / r["complaints"] >= 0.9
    ok[31] = r["indoor_m2"] / r["area_m2"] >= 0.6
    ok[32] = r["volunteers"] / r["population"] * 1000 >= 2
    return ok


class JsonSchemaRs(Engine):
    name = "jsonschema-rs (Python) + 7 rules in Python"
    note = f"draft 2020-12 allOf, {len(SCHEMAS)}/40 native; failed rule from schema_path; R22, R25, R29–R33 in Python"

    def __init__(self):
        import jsonschema_rs

        ids = list(SCHEMAS)
        self.pos = [IDS.index(i) for i in ids]  # allOf index -> rule index
        self.v = jsonschema_rs.Draft202012Validator(
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "allOf": [SCHEMAS[i] for i in ids]})

    def _one(self, r):
        ok = [True] * 40
        for e in self.v.iter_errors(r):
            ok[self.pos[e.schema_path[1]]] = False
        return _score(python_rest(r, ok))

    def prepare(self, lines, blob):
        return [orjson.loads(l) for l in lines]

    def e2e(self, lines, blob):
        loads, one = orjson.loads, self._one
        return [one(loads(l)) for l in lines]

    def eval(self, native):
        return [self._one(r) for r in native]


# ---------------------------------------------------------------- GoRules ZEN
# ZEN cannot compare strings ("Unsupported type"), so dates go through date(); numbers are decimals.
def zd(x, cut):
    return f'date({x}) >= date("{cut}")'


def zin(x, xs):
    return f"{x} in {json.dumps(sorted(xs))}"


def zne(f):
    return f'({f} != null and len({f}) > 0)'


RECENT = zd("#.date", CUT_12M)
ZEN = [
    zne("name"), zne("address"), zne("manager"),
    f'(phone != null and matches(phone, "{PHONE.pattern}"))',
    # "[.]" instead of "\." keeps the pattern free of string escapes
    f'(email != null and matches(email, "{EMAIL.pattern.replace(chr(92) + ".", "[.]")}"))',
    zne("license_no"), zne("county"),
    zin("level", LEVELS), zin("org_type", ORG), zin("funding_source", FUND),
    f"all(staff, {zin('#.role', ROLES)})", f"all(documents, {zin('#.type', DOCS)})",
    "area_m2 >= 60", "open_days_week >= 5", "open_hours_week >= 40",
    "len(staff) >= 3", "len(services) >= 10", "len(documents) >= 4", "satisfaction >= 0.8", "rooms >= 3",
    f"count(staff, {zin('#.certificate', CERT_OK)}) >= 2",
    "sum(map(staff, #.training_hours)) >= 120",
    "all(staff, not #.full_time or #.training_hours >= 20)",
    f"count(services, {RECENT}) >= 12",
    f"sum(map(filter(services, {RECENT}), #.beneficiaries)) >= 300",
    f'some(services, #.type == "child_protection" and {RECENT})',
    'some(documents, #.type == "fire_safety" and #.verified)',
    f"all(documents, #.expiry == null or {zd('#.expiry', AS_OF)})",
    "social_workers / population * 10000 >= 1.5",
    "gov_funding / budget >= 0.5",
    "resolved / complaints >= 0.9",
    "indoor_m2 / area_m2 >= 0.6",
    "volunteers / population * 1000 >= 2",
    'level != "township" or area_m2 >= 300',
    'level != "township" or some(staff, #.certificate == "senior")',
    "elderly <= 500 or accessible",
    'children <= 800 or count(services, #.type == "child_protection") >= 3',
    zd("last_inspection", CUT_12M), zd("plan_updated", PLAN_CUT), zd("fire_drill_date", DRILL_CUT),
]
assert len(ZEN) == 40


class ZenExpression(Engine):
    name = "zen-engine (Python), compile_expression"
    note = "one compiled array expression of 40 checks; e2e: JSONL bytes as context, eval-only: dicts"

    def __init__(self):
        import zen

        self.expr = zen.compile_expression("[" + ", ".join(ZEN) + "]")

    def prepare(self, lines, blob):
        return [orjson.loads(l) for l in lines]

    def e2e(self, lines, blob):
        ev = self.expr.evaluate
        return [_score(ev(l)) for l in lines]

    def eval(self, native):
        ev = self.expr.evaluate
        return [_score(ev(r)) for r in native]


class ZenDecision(ZenExpression):
    name = "zen-engine (Python), JDM decision"
    note = "input → one expression node (40 keyed expressions) → output; e2e: JSONL bytes, eval-only: dicts"

    def __init__(self):
        import zen

        node = lambda i, t, **kw: {"id": i, "type": t, "name": i, "position": {"x": 0, "y": 0}, **kw}
        jdm = {
            "nodes": [node("in", "inputNode"), node("out", "outputNode"),
                      node("checks", "expressionNode", content={
                          "expressions": [{"id": i, "key": i, "value": e} for i, e in zip(IDS, ZEN)]})],
            "edges": [{"id": "a", "sourceId": "in", "targetId": "checks", "type": "edge"},
                      {"id": "b", "sourceId": "checks", "targetId": "out", "type": "edge"}],
        }
        self.decision = zen.ZenEngine().create_decision(json.dumps(jdm))

    def _one(self, ctx):
        res = self.decision.evaluate(ctx)["result"]
        return _score([res[i] for i in IDS])

    def e2e(self, lines, blob):
        return [self._one(l) for l in lines]

    def eval(self, native):
        return [self._one(r) for r in native]


# ---------------------------------------------------------------- Rego (regorus)
# One boolean rule per check: "default false" plus one body per "or" branch (Rego has no "or").
REGO_RULES = [
    ['input.name != ""'], ['input.address != ""'], ['input.manager != ""'],
    [f"regex.match(`{PHONE.pattern}`, input.phone)"], [f"regex.match(`{EMAIL.pattern}`, input.email)"],
    ['input.license_no != ""'], ['input.county != ""'],
    ["input.level in levels"], ["input.org_type in orgs"], ["input.funding_source in funds"],
    ["every s in input.staff { s.role in roles }"], ["every d in input.documents { d.type in doc_types }"],
    ["input.area_m2 >= 60"], ["input.open_days_week >= 5"], ["input.open_hours_week >= 40"],
    ["count(input.staff) >= 3"], ["count(input.services) >= 10"], ["count(input.documents) >= 4"],
    ["input.satisfaction >= 0.8"], ["input.rooms >= 3"],
    ["count([s | some s in input.staff; s.certificate in cert_ok]) >= 2"],
    ["sum([s.training_hours | some s in input.staff]) >= 120"],
    ["every s in input.staff { trained(s) }"],
    ["count([s | some s in input.services; s.date >= cut]) >= 12"],
    ["sum([s.beneficiaries | some s in input.services; s.date >= cut]) >= 300"],
    ['some s in input.services; s.type == "child_protection"; s.date >= cut'],
    ['some d in input.documents; d.type == "fire_safety"; d.verified == true'],
    ["every d in input.documents { unexpired(d) }"],
    ["input.social_workers / input.population * 10000 >= 1.5"],
    ["input.gov_funding / input.budget >= 0.5"],
    ["input.resolved / input.complaints >= 0.9"],
    ["input.indoor_m2 / input.area_m2 >= 0.6"],
    ["input.volunteers / input.population * 1000 >= 2"],
    ['input.level != "township"', "input.area_m2 >= 300"],
    ['input.level != "township"', 'some s in input.staff; s.certificate == "senior"'],
    ["input.elderly <= 500", "input.accessible == true"],
    ["input.children <= 800", 'count([s | some s in input.services; s.type == "child_protection"]) >= 3'],
    ["input.last_inspection >= cut"], [f'input.plan_updated >= "{PLAN_CUT}"'],
    [f'input.fire_drill_date >= "{DRILL_CUT}"'],
]
assert len(REGO_RULES) == 40
REGO = "\n".join([
    "package station", "", "import rego.v1", "",
    f'cut := "{CUT_12M}"', f'as_of := "{AS_OF}"',
    *(f"{k} := {{{json.dumps(sorted(v))[1:-1]}}}" for k, v in
      [("levels", LEVELS), ("orgs", ORG), ("funds", FUND), ("roles", ROLES), ("doc_types", DOCS), ("cert_ok", CERT_OK)]),
    "trained(s) if not s.full_time", "trained(s) if s.training_hours >= 20",
    "unexpired(d) if d.expiry == null", "unexpired(d) if d.expiry >= as_of", "",
    *(line for i, bodies in zip(IDS, REGO_RULES) for line in
      [f"default {i.lower()} := false", *(f"{i.lower()} if {{ {b} }}" for b in bodies)]),
    "", "results := [" + ", ".join(i.lower() for i in IDS) + "]", "",
])


class Regorus(Engine):
    name = "regorus (Rego)"
    note = "one Rego module, eval_rule(data.station.results) = 40 booleans; e2e set_input_json(line), eval-only set_input(dict)"

    def __init__(self):
        import regorus

        standin = getattr(regorus, "__standin__", None)  # not on PyPI: run.sh builds regorus_py/
        if standin:
            self.note += f"; module from {standin}"
        self.eng = regorus.Engine()
        self.eng.add_policy("station.rego", REGO)

    def prepare(self, lines, blob):
        return [orjson.loads(l) for l in lines]

    def _run(self, items, set_input):
        ev = self.eng.eval_rule
        out = []
        for x in items:
            set_input(x)
            out.append(_score(ev("data.station.results")))
        return out

    def e2e(self, lines, blob):
        return self._run((l.decode() for l in lines), self.eng.set_input_json)

    def eval(self, native):
        return self._run(native, self.eng.set_input)


ENGINES = [("pandas", Pandas), ("jsonschema-rs", JsonSchemaRs), ("zen-expr", ZenExpression),
           ("zen-jdm", ZenDecision), ("regorus", Regorus)]
