"""Optional peers for bench.py: datalogic-py (JSONLogic). Each is skipped when not installed.

JSONLogic has no regex: R04 and R05 are written with length/substr/in, which agree with the
regexes on the generator's data (checked by the digest).
"""
import orjson

from bench import AS_OF, CUT_12M, IDS, TOTAL_W, WEIGHTS, Engine

V = lambda p, d=None: {"var": [p, d]} if d is not None else {"var": p}
NONEMPTY = lambda f: {"!!": [{"var": [f, ""]}]}
IN = lambda x, xs: {"in": [x, xs]}
ALL = lambda lst, cond: {"all": [V(lst), cond]}
SOME = lambda lst, cond: {"some": [V(lst), cond]}
COUNT = lambda lst, cond: {"length": [{"filter": [V(lst), cond]}]}
OR = lambda *a: {"or": list(a)}
AND = lambda *a: {"and": list(a)}

RULES = [
    NONEMPTY("name"), NONEMPTY("address"), NONEMPTY("manager"),
    AND({"==": [{"length": [V("phone", "")]}, 12]}, {"==": [{"substr": [V("phone", ""), 0, 1]}, "0"]},
        {"==": [{"substr": [V("phone", ""), 4, 1]}, "-"]}),
    AND(IN("@", V("email", "")), {"!": IN(" ", V("email", ""))}),
    NONEMPTY("license_no"), NONEMPTY("county"),
    IN(V("level"), ["township", "street", "community"]),
    IN(V("org_type"), ["gov", "ngo", "mixed"]),
    IN(V("funding_source"), ["gov", "charity", "mixed", "self"]),
    ALL("staff", IN(V("role"), ["social_worker", "assistant", "manager", "volunteer_coord"])),
    ALL("documents", IN(V("type"), ["license", "fire_safety", "lease", "insurance", "plan"])),
    {">=": [V("area_m2"), 60]}, {">=": [V("open_days_week"), 5]}, {">=": [V("open_hours_week"), 40]},
    {">=": [{"length": [V("staff")]}, 3]}, {">=": [{"length": [V("services")]}, 10]},
    {">=": [{"length": [V("documents")]}, 4]}, {">=": [V("satisfaction"), 0.8]}, {">=": [V("rooms"), 3]},
    {">=": [COUNT("staff", IN(V("certificate"), ["intermediate", "senior"])), 2]},
    {">=": [{"reduce": [V("staff"), {"+": [V("accumulator"), V("current.training_hours")]}, 0]}, 120]},
    ALL("staff", OR({"!": V("full_time")}, {">=": [V("training_hours"), 20]})),
    {">=": [COUNT("services", {">=": [V("date"), CUT_12M]}), 12]},
    {">=": [{"reduce": [{"filter": [V("services"), {">=": [V("date"), CUT_12M]}]},
                        {"+": [V("accumulator"), V("current.beneficiaries")]}, 0]}, 300]},
    SOME("services", AND({"==": [V("type"), "child_protection"]}, {">=": [V("date"), CUT_12M]})),
    SOME("documents", AND({"==": [V("type"), "fire_safety"]}, {"==": [V("verified"), True]})),
    ALL("documents", OR({"==": [V("expiry"), None]}, {">=": [V("expiry"), AS_OF]})),
    {">=": [{"*": [{"/": [V("social_workers"), V("population")]}, 10000]}, 1.5]},
    {">=": [{"/": [V("gov_funding"), V("budget")]}, 0.5]},
    {">=": [{"/": [V("resolved"), V("complaints")]}, 0.9]},
    {">=": [{"/": [V("indoor_m2"), V("area_m2")]}, 0.6]},
    {">=": [{"*": [{"/": [V("volunteers"), V("population")]}, 1000]}, 2]},
    OR({"!=": [V("level"), "township"]}, {">=": [V("area_m2"), 300]}),
    OR({"!=": [V("level"), "township"]}, SOME("staff", {"==": [V("certificate"), "senior"]})),
    OR({"<=": [V("elderly"), 500]}, {"==": [V("accessible"), True]}),
    OR({"<=": [V("children"), 800]}, {">=": [COUNT("services", {"==": [V("type"), "child_protection"]}), 3]}),
    {">=": [V("last_inspection"), CUT_12M]},
    {">=": [V("plan_updated"), "2026-01-01"]},
    {">=": [V("fire_drill_date"), "2025-12-30"]},
]
assert len(RULES) == 40


def _score(res):
    passed = 0
    failed = []
    for i, (c, w) in enumerate(zip(res, WEIGHTS)):
        if c is True:
            passed += w
        else:
            failed.append(IDS[i])
    return 100.0 * passed / TOTAL_W, failed


class Datalogic(Engine):
    name = "datalogic-py (JSONLogic)"
    note = "one array rule; e2e Session.evaluate(rule, str); eval-only DataHandle"

    def __init__(self):
        import datalogic_py as dl

        self.dl = dl
        self.engine = dl.Engine()
        self.rule = self.engine.compile(RULES)
        self.session = self.engine.session()

    def prepare(self, lines, blob):
        return [self.dl.DataHandle(orjson.loads(l)) for l in lines]

    def e2e(self, lines, blob):
        ev, rule = self.session.evaluate, self.rule
        return [_score(ev(rule, l.decode())) for l in lines]

    def eval(self, native):
        ev, rule = self.session.evaluate_data, self.rule
        return [_score(ev(rule, h)) for h in native]


ENGINES = [("datalogic", Datalogic)]
