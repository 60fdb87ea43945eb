//! Builds one station record.
//!
//! Each station first gets a plan (tier, quality, veto trigger, place, staffing) and is then
//! written section by section in the order of `standards/national/record.yaml`. Summaries are
//! consistent with the detail lists they sample, and reported person-times are derived from the
//! recomputable volumes, so only stations planned to over-report trip the integrity check.

use serde_json::{Value, json};

use crate::Profile;
use crate::draw::{Draw, Quota, day, iso, mix, quota};
use crate::geo::{self, Model, Place};
use crate::pools::*;

/// Quality tier of a station.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Tier {
    Strong,
    Middling,
    Weak,
}

/// What sets a planned veto off.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Veto {
    /// No full-time social worker left in post (V05).
    NoFullTime,
    /// Found unattended at two unannounced inspections (V05).
    Unattended,
    /// No premises at all (V05).
    NoPremises,
    /// Substantiated financial violation, misappropriation in the audit (V02).
    Financial,
    /// Substantiated data falsification (V03, Taicang).
    Falsification,
    /// Reported person-times far above what the records support (V03, Taicang).
    OverReported,
    /// Substantiated privacy breach (V04, Taicang).
    Privacy,
    /// Substantiated major safety incident (V01, Taicang).
    Safety,
    /// Other substantiated serious violation (V06, Taicang).
    OtherSerious,
}

/// Figures that shape a profile's fleet.
struct Shape {
    /// Quota thresholds: below the first strong, below the second middling, else weak.
    tiers: [f64; 2],
    veto: f64,
    /// Quota thresholds for premises shared with the civil-affairs office, then shared otherwise.
    shared: [f64; 2],
    /// Mean yearly person-times before tier and county factors.
    person_times: f64,
    /// Budget ranges (yuan) for strong, middling and weak stations.
    budget: [(i64, i64); 3],
    /// Probability that a full-time social worker holds a valid certificate, by tier.
    certified: [f64; 3],
    /// Full-time social worker count weights (for 1, 2, 3, 4, 5), by tier.
    ftsw: [[f64; 5]; 3],
    vetoes: &'static [Veto],
}

/// Veto triggers the national baseline (and so Honghe and Shiyan) can see: V02 and V05. Listed
/// twice, the V05 triggers are drawn twice as often.
const NATIONAL_VETOES: &[Veto] = &[
    Veto::NoFullTime,
    Veto::Unattended,
    Veto::Financial,
    Veto::NoFullTime,
    Veto::Unattended,
];
/// The generic fleet adds stations without premises.
const GENERIC_VETOES: &[Veto] = &[
    Veto::NoFullTime,
    Veto::Unattended,
    Veto::Financial,
    Veto::NoPremises,
];
/// Taicang's pack has all six veto items (V01–V06).
const TAICANG_VETOES: &[Veto] = &[
    Veto::Financial,
    Veto::Falsification,
    Veto::OverReported,
    Veto::Privacy,
    Veto::Safety,
    Veto::OtherSerious,
    Veto::Unattended,
];

fn shape(p: Profile) -> Shape {
    match p {
        Profile::Honghe => Shape {
            tiers: [0.2, 0.72],
            veto: 0.04,
            shared: [0.05, 0.05],
            person_times: 1650.0,
            budget: [(130_000, 200_000), (85_000, 130_000), (45_000, 85_000)],
            certified: [0.45, 0.22, 0.05],
            ftsw: [
                [0.0, 0.6, 0.4, 0.0, 0.0],
                [0.35, 0.65, 0.0, 0.0, 0.0],
                [0.8, 0.2, 0.0, 0.0, 0.0],
            ],
            vetoes: NATIONAL_VETOES,
        },
        Profile::Shiyan => Shape {
            tiers: [0.3, 0.8],
            veto: 0.03,
            shared: [0.12, 0.17],
            person_times: 2330.0,
            budget: [(140_000, 180_000), (100_000, 135_000), (55_000, 90_000)],
            certified: [0.75, 0.5, 0.2],
            ftsw: [
                [0.0, 0.7, 0.25, 0.05, 0.0],
                [0.1, 0.85, 0.05, 0.0, 0.0],
                [0.45, 0.55, 0.0, 0.0, 0.0],
            ],
            vetoes: NATIONAL_VETOES,
        },
        Profile::Taicang => Shape {
            tiers: [0.7, 0.97],
            veto: 0.015,
            shared: [0.0, 0.0],
            person_times: 3200.0,
            budget: [(350_000, 520_000), (220_000, 340_000), (120_000, 200_000)],
            certified: [0.9, 0.7, 0.4],
            ftsw: [
                [0.0, 0.0, 0.4, 0.4, 0.2],
                [0.0, 0.5, 0.5, 0.0, 0.0],
                [0.5, 0.5, 0.0, 0.0, 0.0],
            ],
            vetoes: TAICANG_VETOES,
        },
        Profile::Generic => Shape {
            tiers: [0.3, 0.7],
            veto: 0.05,
            shared: [0.2, 0.3],
            person_times: 2000.0,
            budget: [(150_000, 260_000), (90_000, 150_000), (40_000, 90_000)],
            certified: [0.7, 0.45, 0.15],
            ftsw: [
                [0.0, 0.4, 0.4, 0.2, 0.0],
                [0.3, 0.5, 0.2, 0.0, 0.0],
                [0.6, 0.4, 0.0, 0.0, 0.0],
            ],
            vetoes: GENERIC_VETOES,
        },
    }
}

const DOMAINS: [&str; 6] = [
    "social_assistance",
    "child_welfare",
    "elderly_care",
    "disability",
    "social_affairs",
    "grassroots_governance",
];

/// One staff member as planned (the JSON is written from it).
struct Person {
    id: String,
    role: &'static str,
    full_time: bool,
    /// Left during the period (a date), else in post.
    end: Option<i32>,
    certified: bool,
}

/// Generator state for one station.
struct Gen {
    d: Draw,
    p: Profile,
    s: Shape,
    seed: u64,
    index: usize,
    place: Place,
    tier: Tier,
    /// Quality in [0, 1]: drives every "is this in place" draw.
    q: f64,
    veto: Option<Veto>,
    model: &'static str,
    staff: Vec<Person>,
    /// Full-time social workers in post.
    ftsw: usize,
    partners: Vec<String>,
    villages: Vec<String>,
    domains: Vec<&'static str>,
    /// Pseudonyms already used in the station.
    names: Vec<String>,
    /// Yearly budget in yuan (0 until drawn).
    budget_cny: i64,
}

/// Period under assessment: calendar year 2025, assessed early 2026 (before an as-of of
/// 2026-06-30, the date the tests and demos use).
const YEAR: i32 = 2025;

fn p0() -> i32 {
    day(YEAR, 1, 1)
}
fn p1() -> i32 {
    day(YEAR, 12, 31)
}

/// Builds the record of station `index`.
pub(crate) fn build(profile: Profile, seed: u64, index: usize) -> Value {
    let tag = profile.tag();
    let i = index as u64;
    let s = shape(profile);
    let mut d = Draw::new(tag, seed, i);
    let u = quota(tag, seed, Quota::Tier, i);
    let mut tier = if u < s.tiers[0] {
        Tier::Strong
    } else if u < s.tiers[1] {
        Tier::Middling
    } else {
        Tier::Weak
    };
    let veto = if quota(tag, seed, Quota::Veto, i) < s.veto {
        Some(d.pick(s.vetoes))
    } else {
        None
    };
    if veto.is_some() && tier == Tier::Strong {
        tier = Tier::Middling;
    }
    let q = match tier {
        Tier::Strong => d.real(0.76, 1.0),
        Tier::Middling => d.real(0.5, 0.8),
        Tier::Weak => d.real(0.28, 0.52),
    };
    let place = geo::place(profile, tag, seed, i, &mut d);
    let model = match place.county.model {
        Model::Purchased => "purchased_service",
        Model::Hybrid => "hybrid",
        Model::Mixed => {
            if d.chance(0.3) {
                "government_direct"
            } else {
                "purchased_service"
            }
        }
    };
    let mut g = Gen {
        d,
        p: profile,
        s,
        seed,
        index,
        place,
        tier,
        q,
        veto,
        model,
        staff: Vec::new(),
        ftsw: 0,
        partners: Vec::new(),
        villages: Vec::new(),
        domains: Vec::new(),
        names: Vec::new(),
        budget_cny: 0,
    };
    g.record()
}

impl Gen {
    fn t(&self) -> usize {
        match self.tier {
            Tier::Strong => 0,
            Tier::Middling => 1,
            Tier::Weak => 2,
        }
    }

    fn has(&self, v: Veto) -> bool {
        self.veto == Some(v)
    }

    /// A date uniformly in [a, b].
    fn date(&mut self, a: i32, b: i32) -> String {
        let z = self.d.int(a as i64, b as i64) as i32;
        iso(z)
    }

    fn dz(&mut self, a: i32, b: i32) -> i32 {
        self.d.int(a as i64, b as i64) as i32
    }

    /// A pseudonym such as 张某 or 李某某, distinct within the station.
    fn person_name(&mut self) -> String {
        loop {
            let surname = if self.p == Profile::Honghe && self.d.chance(0.35) {
                self.d.pick(&SURNAMES_YUNNAN)
            } else {
                self.d.pick(&SURNAMES)
            };
            let name = if self.d.chance(0.5) {
                format!("{surname}某")
            } else {
                format!("{surname}某某")
            };
            // About a hundred pseudonyms exist and a station names at most a dozen people.
            if !self.names.contains(&name) {
                self.names.push(name.clone());
                return name;
            }
        }
    }

    /// A village (community) name not yet used in the station.
    fn village(&mut self) -> String {
        loop {
            let a = self.d.pick(&VILLAGE_FIRST);
            let b = self.d.pick(&VILLAGE_SECOND);
            let stem = format!("{a}{b}");
            if self.villages.iter().any(|v| v.starts_with(&stem)) {
                continue;
            }
            return if self.d.chance(0.2) {
                format!("{stem}社区")
            } else {
                format!("{stem}村")
            };
        }
    }

    fn record(&mut self) -> Value {
        let id = format!("{}-{:04}", self.p.id_prefix(), self.index + 1);
        let station_type = if self.place.farm {
            "community_farm_station"
        } else {
            "township_station"
        };
        let name = format!("{}社会工作服务站（合成数据）", self.place.township);
        let villages_total = match self.p {
            Profile::Taicang => self.d.count(8, 16),
            Profile::Shiyan => self.d.count(5, 11),
            _ if self.place.farm => self.d.count(3, 6),
            _ => self.d.count(6, 15),
        };
        for _ in 0..villages_total {
            let v = self.village();
            self.villages.push(v);
        }
        let population = villages_total as i64
            * match self.p {
                Profile::Taicang => self.d.int(4_500, 7_000),
                _ => self.d.int(1_800, 4_200),
            };
        let (atype, assessor) = match self.p {
            Profile::Shiyan => ("mid_term", "十堰市民政局中期评估工作专班"),
            Profile::Taicang => ("annual", "第三方评估机构（合成）"),
            Profile::Honghe => ("annual", "州民政局委托第三方评估机构（合成）"),
            Profile::Generic => ("annual", "县民政局委托第三方评估机构（合成）"),
        };
        let assessed = self.date(day(YEAR + 1, 1, 8), day(YEAR + 1, 2, 20));
        let mut r = json!({
            "id": id,
            "name": name,
            "schema_version": "0.1",
            "station_type": station_type,
            "status": "active",
            "province": self.place.region.province,
            "prefecture": self.place.region.prefecture,
            "county": self.place.county.name,
            "township": self.place.township,
            "admin": {
                "township_code": self.place.township_code,
                "villages_total": villages_total,
                "population": population,
            },
            "reporting_period": {"start": iso(p0()), "end": iso(p1())},
            "assessment": {"type": atype, "assessor": assessor, "date": assessed},
        });
        self.plan_staff();
        let sections: Vec<(&str, Value)> = vec![
            ("governance", self.governance()),
            ("operator", self.operator()),
            ("contract", self.contract()),
            ("premises", self.premises()),
            ("five_unifications", self.five_unifications()),
            ("service_equipment", self.service_equipment()),
            ("staff", self.staff_json()),
            ("rules", self.rules()),
            ("archives", self.archives()),
            ("finance", self.finance()),
            ("planning", self.planning()),
            ("disclosure", self.disclosure()),
            ("volunteers", self.volunteers()),
            ("cooperation", self.cooperation()),
            ("service_catalogue", self.catalogue()),
            ("beneficiary_registry", self.registry()),
            ("services", self.services()),
        ];
        if let Value::Object(m) = &mut r {
            for (k, v) in sections {
                if !v.is_null() {
                    m.insert(k.to_owned(), v);
                }
            }
            let (rooms, summary) = self.rooms();
            m.insert("rooms".to_owned(), rooms);
            m.insert("rooms_summary".to_owned(), summary);
            m.insert("brand".to_owned(), self.brand());
            m.insert("onsite".to_owned(), self.onsite());
            m.insert("evaluation".to_owned(), self.evaluation());
            m.insert("digital".to_owned(), self.digital());
            m.insert("incidents".to_owned(), self.incidents());
        }
        r
    }

    // ---- staffing -------------------------------------------------------------------------

    fn plan_staff(&mut self) {
        let t = self.t();
        let q = self.q;
        let mut ftsw = 1 + self.d.weighted(&self.s.ftsw[t]);
        // Shiyan: where professional organisations run the stations (郧西, 郧阳, 茅箭, 武当山,
        // 竹溪), every station has at least two full-time social workers.
        if self.p == Profile::Shiyan && self.place.county.model == Model::Purchased {
            ftsw = ftsw.max(2);
        }
        if self.has(Veto::NoFullTime) {
            ftsw = 0;
        }
        let mut people: Vec<(&'static str, bool, Option<i32>)> = Vec::new();
        let head = ftsw > 0 && self.d.by(q, 0.3, 1.0);
        for k in 0..ftsw {
            let role = if k == 0 && head {
                "station_head"
            } else {
                "social_worker"
            };
            people.push((role, true, None));
        }
        // A social worker who left during the period (turnover), or the only one (veto).
        if self.has(Veto::NoFullTime) || self.d.by(q, 0.45, 0.08) {
            let left = self.dz(day(YEAR, 3, 1), day(YEAR, 11, 30));
            people.push(("social_worker", true, Some(left)));
        }
        let assistants = match self.p {
            // Honghe integrates township assistance officers and village assistants (700+ people).
            Profile::Honghe => self.d.count(1, 3),
            Profile::Taicang => 1,
            _ => self.d.count(0, 1),
        };
        for _ in 0..assistants {
            people.push(("assistant", self.d.chance(0.7), None));
        }
        if self.d.by(q, 0.05, 0.35) {
            people.push(("admin", false, None));
        }
        // External supervisors are scarce in remote prefectures.
        let sup = if self.p == Profile::Honghe { 0.6 } else { 0.9 };
        if self.d.by(q, -0.6, sup) && ftsw > 0 {
            people.push(("supervisor_external", false, None));
        }
        while people.len() < 2 {
            people.push(("assistant", false, None));
        }
        people.truncate(8);
        let cert_p = self.s.certified[t];
        let mut out = Vec::new();
        for (k, (role, full_time, end)) in people.into_iter().enumerate() {
            let certified = match role {
                "station_head" => self.d.chance((cert_p + 0.25).min(0.98)),
                "social_worker" => self.d.chance(cert_p),
                "supervisor_external" => true,
                _ => self.d.chance(if self.p == Profile::Honghe {
                    0.04
                } else {
                    0.12
                }),
            };
            let id = if role == "supervisor_external" {
                "SUP1".to_owned()
            } else {
                format!("S{:02}", k + 1)
            };
            out.push(Person {
                id,
                role,
                full_time,
                end,
                certified,
            });
        }
        self.ftsw = out
            .iter()
            .filter(|p| {
                p.full_time && p.end.is_none() && matches!(p.role, "station_head" | "social_worker")
            })
            .count();
        self.staff = out;
    }

    fn worker_ids(&self) -> Vec<String> {
        let ids: Vec<String> = self
            .staff
            .iter()
            .filter(|p| matches!(p.role, "station_head" | "social_worker") && p.end.is_none())
            .map(|p| p.id.clone())
            .collect();
        if ids.is_empty() {
            self.staff.iter().take(1).map(|p| p.id.clone()).collect()
        } else {
            ids
        }
    }

    fn staff_json(&mut self) -> Value {
        let q = self.q;
        let n = self.staff.len();
        let mut list = Vec::with_capacity(n);
        for k in 0..n {
            let (id, role, full_time, end, certified) = {
                let p = &self.staff[k];
                (p.id.clone(), p.role, p.full_time, p.end, p.certified)
            };
            let name = self.person_name();
            let employer = match (role, self.model) {
                ("assistant", _) if self.p == Profile::Honghe => {
                    if self.d.chance(0.6) {
                        "government"
                    } else {
                        "village"
                    }
                }
                ("assistant", _) => {
                    if self.d.chance(0.5) {
                        "operator"
                    } else {
                        "village"
                    }
                }
                (_, "government_direct") => "government",
                _ => "operator",
            };
            let start = match end {
                Some(e) => self.dz(day(2021, 6, 1), e - 120),
                None => self.dz(day(2021, 5, 1), day(YEAR, 4, 30)),
            };
            let level = match role {
                "supervisor_external" => self.d.pick(&["master", "doctor"]),
                "station_head" => {
                    self.d
                        .pick(&["bachelor", "bachelor", "master", "junior_college"])
                }
                "social_worker" => {
                    self.d
                        .pick(&["bachelor", "junior_college", "bachelor", "master"])
                }
                _ => self
                    .d
                    .pick(&["secondary", "junior_college", "junior_college", "bachelor"]),
            };
            let sw_major = match role {
                "supervisor_external" => true,
                "station_head" | "social_worker" => self.d.by(q, 0.2, 0.7),
                _ => self.d.chance(0.1),
            };
            let mut certs = Vec::new();
            if certified {
                let lvl = match role {
                    "supervisor_external" => "senior_sw",
                    "station_head" => self.d.pick(&["sw", "sw", "assistant_sw"]),
                    _ => self
                        .d
                        .pick(&["assistant_sw", "assistant_sw", "assistant_sw", "sw"]),
                };
                let new = self.d.chance(0.2) && role != "supervisor_external";
                let obtained = if new {
                    self.dz(day(YEAR, 1, 10), day(YEAR, 11, 30))
                } else {
                    self.dz(day(2018, 6, 1), day(YEAR - 1, 12, 31))
                };
                // Registration runs three years and is renewed; weak stations let some lapse.
                let lapsed = end.is_none() && !new && self.d.by(q, 0.35, 0.02);
                let valid_until = if lapsed {
                    self.dz(day(YEAR, 3, 31), day(YEAR + 1, 3, 31))
                } else {
                    day(self.d.int(2026, 2028) as i32, 12, 31)
                };
                let (code, (y, _, _)) = (
                    match lvl {
                        "assistant_sw" => "ASW",
                        "sw" => "SW",
                        _ => "SSW",
                    },
                    crate::draw::civil(obtained),
                );
                certs.push(json!({
                    "level": lvl,
                    "cert_no": format!("{code}-{y}-{:05}", self.d.below(100_000)),
                    "obtained": iso(obtained),
                    "registration_valid_until": iso(valid_until),
                }));
            }
            let core = matches!(role, "station_head" | "social_worker");
            let mut training = Vec::new();
            if role != "supervisor_external" {
                let sessions = if core {
                    match self.tier {
                        Tier::Strong => 1 + usize::from(self.d.chance(0.3)),
                        Tier::Middling => 1,
                        Tier::Weak => self.d.count(0, 1),
                    }
                } else {
                    self.d.count(0, 1)
                };
                for _ in 0..sessions {
                    let hours = match self.tier {
                        // Continuing education: 24 hours a year for certified social workers.
                        Tier::Strong if core && sessions == 1 => self.d.int(24, 32),
                        Tier::Strong if core => self.d.int(12, 18),
                        Tier::Middling if core => self.d.int(18, 36),
                        Tier::Weak if core => self.d.int(10, 30),
                        _ => self.d.int(3, 8),
                    };
                    let lo = day(YEAR, 1, 8).max(start);
                    let hi = end.map_or(day(YEAR, 11, 30), |e| e - 7).max(lo);
                    let date = self.date(lo, hi);
                    let topic = self.d.pick(&TRAINING_TOPICS);
                    let mut entry = json!({"date": date, "hours_h": hours, "topic": topic});
                    if core && let Value::Object(o) = &mut entry {
                        o.insert(
                            "provider".to_owned(),
                            json!(self.d.pick(&TRAINING_PROVIDERS)),
                        );
                    }
                    training.push(entry);
                }
            }
            let attendance = if role == "supervisor_external" {
                1.0
            } else {
                let lo = (70.0 + 26.0 * q) as i64;
                self.d.int(lo, (lo + 6).min(100)) as f64 / 100.0
            };
            let mut m = json!({
                "id": id,
                "name": name,
                "role": role,
                "employment": if full_time { "full_time" } else { "part_time" },
                "employer": employer,
                "start": iso(start),
            });
            if let (Value::Object(o), Some(e)) = (&mut m, end) {
                o.insert("end".to_owned(), json!(iso(e)));
            }
            let rest = json!({
                "local_hire": self.d.by(q, 0.55, 0.75) || role == "assistant",
                "education": {"level": level, "sw_major": sw_major},
                "certificates": certs,
                "duty_statement": self.d.by(q, 0.1, 1.05),
                "attendance_rate": attendance,
                "training": training,
            });
            if let (Value::Object(o), Value::Object(r)) = (&mut m, rest) {
                o.extend(r);
                // Honghe pays one-off awards of 2,000 / 1,000 yuan for certificates won in the
                // period.
                let award = m_award(&o["certificates"]);
                if self.p == Profile::Honghe && award > 0 {
                    let paid = self.d.by(q, 0.5, 0.95);
                    o.insert(
                        "incentive_received_cny".to_owned(),
                        json!(if paid { award } else { 0 }),
                    );
                }
            }
            list.push(m);
        }
        Value::Array(list)
    }

    // ---- framework, operator, premises ------------------------------------------------------

    fn governance(&mut self) -> Value {
        let q = self.q;
        let mut groups = Vec::new();
        let region = self.place.region;
        let county = self.place.county;
        let pref_no = 10 + mix(self.seed ^ 0xD0C) % 40;
        let county_no = 10 + mix(self.seed ^ fnv(county.code)) % 60;
        let honghe = self.p == Profile::Honghe;
        if (honghe && self.d.by(q, 0.8, 1.0)) || (!honghe && self.d.chance(0.4)) {
            groups.push(json!({
                "level": "prefecture",
                "established": iso(day(2021, 5, 20)),
                "doc_ref": format!("{}民发〔2021〕{}号", region.abbr, pref_no),
            }));
        }
        if self.d.by(q, 0.6, 1.0) {
            groups.push(json!({
                "level": "county",
                "established": iso(day(2021, 6, 15)),
                "doc_ref": format!("{}民发〔2021〕{}号", county.abbr, county_no),
            }));
        }
        if self.d.by(q, 0.15, 1.0) {
            let est = self.date(day(2021, 7, 1), day(2022, 3, 31));
            let first = self.place.stem.chars().next().unwrap_or('某');
            groups.push(json!({
                "level": "township",
                "established": est,
                "doc_ref": format!("{first}政发〔2021〕{}号", self.d.int(3, 60)),
            }));
        }
        let liaison = if self.d.by(q, 0.4, 1.0) {
            Value::String(format!(
                "{}民政办 {}",
                self.township_short(),
                self.person_name()
            ))
        } else {
            Value::Null
        };
        let branch = self.d.by(q, 0.2, 0.95);
        json!({
            "operating_model": self.model,
            "leadership_groups": groups,
            "civil_affairs_liaison": liaison,
            "party_building": {
                "branch_established": branch,
                "party_members": if branch { self.d.int(3, 6) } else { self.d.int(0, 2) },
            },
        })
    }

    /// 镇 / 乡 / 街道 as used in office names (乡民政办, 街道民政办).
    fn township_short(&self) -> &'static str {
        if self.place.township.ends_with('乡') {
            "乡"
        } else if self.place.township.ends_with("街道") {
            "街道"
        } else {
            "镇"
        }
    }

    fn operator(&mut self) -> Value {
        let county = self.place.county;
        if self.model == "government_direct" {
            let uscc = uscc(&mut self.d, "11", county.code);
            return json!({
                "name": format!("{}人民政府", self.place.township),
                "uscc": uscc,
                "org_type": "government",
                "rating": "none",
            });
        }
        // Operators are shared between stations: Honghe has about 40 organisations for 141
        // stations, so each county draws from three, fixed by (seed, county, k).
        let k = self.d.below(3);
        let key = mix(self.seed ^ fnv(county.code) ^ (k + 1).wrapping_mul(0x9E37));
        let mut od = Draw::new(self.p.tag() ^ 0x0_0E7A, self.seed, key);
        // Distinct words for the county's three organisations.
        let base = (fnv(county.code) ^ self.seed) % ORG_WORDS.len() as u64;
        let word = ORG_WORDS[((base + k * 5) % ORG_WORDS.len() as u64) as usize];
        let name = format!("{}{}社会工作服务中心", county.short, word);
        let mut code = uscc(&mut od, "52", county.code);
        let rating = od.pick(&["5A", "4A", "3A", "3A", "2A", "none", "none"]);
        let established = iso(od.int(day(2012, 1, 1) as i64, day(2021, 6, 30) as i64) as i32);
        if self.d.by(self.q, 0.25, 0.0) {
            // An entry that lost two characters on the way into the ledger.
            code.truncate(16);
        }
        json!({
            "name": name,
            "uscc": code,
            "org_type": "social_service_org",
            "rating": rating,
            "established": established,
        })
    }

    /// The station's yearly budget, drawn once and shared by the contract and the finance section.
    fn budget(&mut self) -> i64 {
        if self.budget_cny == 0 {
            let (lo, hi) = self.s.budget[self.t()];
            let b = self.d.int(lo, hi);
            self.budget_cny = b - b % 1000;
        }
        self.budget_cny
    }

    fn contract(&mut self) -> Value {
        if self.model == "government_direct" {
            return Value::Null;
        }
        let two_year = self.d.chance(0.4);
        let start = if two_year && self.d.chance(0.5) {
            day(YEAR - 1, 7, 1)
        } else {
            p0()
        };
        let mut end = if two_year && start == p0() {
            day(YEAR + 1, 12, 31)
        } else if two_year {
            day(YEAR + 1, 6, 30)
        } else {
            p1()
        };
        if self.d.by(self.q, 0.3, 0.0) {
            // The contract ran out mid-year and renewal is pending.
            end = day(YEAR, 6, 30);
        }
        let years = if two_year { 2 } else { 1 };
        let amount = self.budget() * years;
        let sources: &[&str] = match self.p {
            Profile::Honghe => &["州级财政", "县级财政", "福彩公益金"],
            Profile::Shiyan => &["省级拨付资金", "社会救助资金", "福彩公益金", "本级财政预算"],
            Profile::Taicang => &["市级财政", "镇级财政", "福彩公益金", "慈善资金"],
            Profile::Generic => &["省级财政", "县级财政", "福彩公益金"],
        };
        let k = self.d.count(1, sources.len());
        let funding: Vec<&str> = sources[..k].to_vec();
        let (y, _, _) = crate::draw::civil(start);
        json!({
            "id": format!("{}-{}-SG-{:04}", self.p.id_prefix(), y, self.index + 1),
            "start": iso(start),
            "end": iso(end),
            "amount_cny": amount,
            "funding_sources": funding,
        })
    }

    fn premises(&mut self) -> Value {
        let tag = self.p.tag();
        let u = quota(tag, self.seed, Quota::Premises, self.index as u64);
        let mode = if self.has(Veto::NoPremises) {
            "none"
        } else if u < self.s.shared[0] {
            "shared_with_civil_affairs_office"
        } else if u < self.s.shared[1] {
            "shared_other"
        } else {
            "independent"
        };
        if mode == "none" {
            return json!({"mode": "none", "office_in_use": false, "rooms": []});
        }
        let q = self.q;
        let mut area = match self.tier {
            Tier::Strong => self.d.int(90, 200),
            Tier::Middling => self.d.int(55, 110),
            Tier::Weak => self.d.int(18, 60),
        };
        if mode != "independent" {
            area = area * 6 / 10;
        }
        if self.p == Profile::Taicang {
            area += 40;
        }
        let mut kinds = vec!["office"];
        for (kind, lo, hi) in [
            ("reception", 0.3, 1.0),
            ("case_room", 0.1, 1.0),
            ("group_room", 0.15, 1.0),
            ("archive", 0.1, 0.95),
            ("activity", 0.05, 0.8),
        ] {
            if self.d.by(q, lo, hi) {
                kinds.push(kind);
            }
        }
        let mut rooms = Vec::new();
        let mut left = area;
        for (k, kind) in kinds.iter().enumerate() {
            let a = if k + 1 == kinds.len() {
                left.max(6)
            } else {
                let share = match *kind {
                    "group_room" | "activity" => 0.3,
                    "office" => 0.25,
                    _ => 0.12,
                };
                ((area as f64 * share) as i64).max(6)
            };
            left -= a;
            rooms.push(json!({
                "type": kind,
                "area_m2": a,
                "private": matches!(*kind, "case_room" | "archive") && self.d.by(q, 0.4, 1.0),
            }));
        }
        let road = self.d.pick(&ROADS);
        let floor = if mode == "independent" {
            self.d.int(1, 2)
        } else {
            self.d.int(1, 3)
        };
        let address = match mode {
            "shared_with_civil_affairs_office" => format!(
                "{}人民政府{}楼民政办内",
                self.place.township,
                ["一", "二", "三"][(floor - 1) as usize]
            ),
            _ => format!("{}{}{}号", self.place.township, road, self.d.int(1, 188)),
        };
        json!({
            "mode": mode,
            "address": address,
            "total_area_m2": area,
            "floor": floor,
            "barrier_free": floor == 1 || self.d.by(q, 0.0, 0.8),
            "office_in_use": !self.has(Veto::Unattended) && self.d.by(q, 0.8, 1.0),
            "rooms": rooms,
        })
    }

    fn five_unifications(&mut self) -> Value {
        let q = self.q;
        let honghe = self.p == Profile::Honghe;
        let present = self.d.by(q, if honghe { 0.9 } else { 0.7 }, 1.0);
        let conforming = present && self.d.by(q, 0.3, 1.0);
        let installed = self.date(day(2021, 6, 1), day(2023, 6, 30));
        let mut equipment = Vec::new();
        for (e, lo) in [
            ("computer", 0.8),
            ("printer", 0.5),
            ("telephone", 0.5),
            ("lockable_file_cabinet", 0.3),
            ("network", 0.6),
            ("desks_chairs", 0.95),
            ("camera", 0.0),
        ] {
            if self.d.by(q, lo, 1.0) {
                equipment.push(e);
            }
        }
        let mut wall = Vec::new();
        // Honghe hangs the station sign and the plaques for rules, model and services everywhere.
        let plaque = if honghe { 0.8 } else { 0.35 };
        for (rule, lo) in [
            ("management_rules", plaque + 0.1),
            ("operating_model", plaque),
            ("service_contents", plaque),
            ("staff_duties", 0.2),
            ("service_process", 0.2),
            ("opening_hours", 0.3),
            ("complaint_channel", 0.1),
        ] {
            if self.d.by(q, lo, 1.02) {
                wall.push(rule);
            }
        }
        let issued = if self.d.by(q, 0.2, 1.0) {
            self.ftsw.max(1) + self.d.count(0, 1)
        } else {
            self.d.count(0, self.ftsw)
        };
        json!({
            "sign": {
                "present": present,
                "template_conforming": conforming,
                "installed": if present { Value::String(installed) } else { Value::Null },
                "photo": if present && self.d.by(q, 0.3, 1.0) {
                    Value::String(format!("evidence/{}-{:04}/sign.jpg", self.p.id_prefix(), self.index + 1))
                } else {
                    Value::Null
                },
            },
            "office_equipment": equipment,
            "rules_on_wall": wall,
            "uniform": {"issued_staff": issued, "worn_on_last_inspection": issued > 0 && self.d.by(q, 0.1, 0.9)},
        })
    }

    fn service_equipment(&mut self) -> Value {
        let q = self.q;
        let mut out = Vec::new();
        for (e, lo, hi) in [
            ("activity_supplies", 0.4, 1.0),
            ("assessment_scales", 0.05, 1.0),
            ("first_aid_kit", 0.2, 1.0),
            ("projector", 0.1, 0.9),
            ("sand_tray", 0.0, 0.5),
        ] {
            if self.d.by(q, lo, hi) {
                out.push(e);
            }
        }
        json!(out)
    }

    // ---- management -------------------------------------------------------------------------

    fn rules(&mut self) -> Value {
        let q = self.q;
        let mut out = Vec::new();
        let base = self.date(day(2021, 6, 1), day(2022, 12, 31));
        for (k, (code, name)) in RULES.iter().enumerate() {
            let p = if k < 3 { 0.7 } else { 0.1 };
            if self.d.by(q, p, 1.03) {
                // Most rules are issued together when the station opens; a few later.
                let adopted = if self.d.chance(0.7) {
                    base.clone()
                } else {
                    self.date(day(2021, 6, 1), day(YEAR, 3, 31))
                };
                out.push(json!({"code": code, "name": name, "adopted": adopted}));
            }
        }
        json!(out)
    }

    fn archives(&mut self) -> Value {
        let q = self.q;
        json!({
            "locked_cabinet": self.d.by(q, 0.2, 1.0),
            "consent_forms": self.d.by(q, 0.0, 1.0),
            "access_control": self.d.by(q, 0.0, 0.95),
        })
    }

    fn finance(&mut self) -> Value {
        let q = self.q;
        let budget = self.budget();
        let rate = if self.d.by(q, 0.2, 1.0) {
            self.d.real(0.86, 1.02)
        } else {
            self.d.real(0.45, 0.84)
        };
        let spent = ((budget as f64 * rate) as i64) / 100 * 100;
        let personnel = spent * self.d.int(62, 74) / 100;
        let activities = spent * self.d.int(12, 20) / 100;
        let training = spent * self.d.int(2, 7) / 100;
        let admin = spent - personnel - activities - training;
        let audited = self.d.by(q, 0.1, 1.0);
        let mut findings = Vec::new();
        if self.has(Veto::Financial) {
            findings.push("misappropriation");
        } else if audited {
            findings.push(if self.d.by(q, 0.5, 0.95) {
                "none"
            } else {
                "minor"
            });
        }
        let audit_date = if audited || self.has(Veto::Financial) {
            Value::String(self.date(day(YEAR + 1, 1, 5), day(YEAR + 1, 2, 28)))
        } else {
            Value::Null
        };
        json!({
            "budget_cny": budget,
            "spent_cny": spent,
            "separate_ledger": self.d.by(q, 0.2, 1.0),
            "spent_by_category_cny": {
                "personnel": personnel,
                "activities": activities,
                "supervision_training": training,
                "admin": admin,
            },
            "audit": {"date": audit_date, "findings": findings},
        })
    }

    fn planning(&mut self) -> Value {
        let q = self.q;
        // Taicang asks for monthly reports; elsewhere most stations report quarterly.
        let monthly = if self.p == Profile::Taicang {
            self.d.by(q, 0.0, 1.1)
        } else {
            self.d.by(q, 0.0, 0.5)
        };
        let mut reports = Vec::new();
        if monthly {
            for m in 1..=12u32 {
                let due = if m == 12 {
                    day(YEAR + 1, 1, 5)
                } else {
                    day(YEAR, m + 1, 5)
                };
                let late = self.d.int(0, 3) as i32;
                reports.push(
                    json!({"period": format!("{YEAR}-{m:02}"), "submitted": iso(due + late)}),
                );
            }
        } else {
            let k = self.d.count(1, 4);
            for quarter in 1..=k as u32 {
                let due = if quarter == 4 {
                    day(YEAR + 1, 1, 15)
                } else {
                    day(YEAR, quarter * 3 + 1, 15)
                };
                let late = self.d.int(0, 20) as i32;
                reports.push(
                    json!({"period": format!("{YEAR}Q{quarter}"), "submitted": iso(due + late)}),
                );
            }
        }
        let needs = if self.d.by(q, 0.0, 1.05) {
            let date = self.date(day(YEAR - 1, 11, 1), day(YEAR, 3, 31));
            let method = self.d.pick(&NEEDS_METHODS);
            json!({"date": date, "method": method, "sample": self.d.int(80, 400)})
        } else if self.d.chance(0.5) {
            let date = self.date(day(YEAR - 3, 1, 1), day(YEAR - 2, 10, 31));
            json!({"date": date, "method": "座谈", "sample": self.d.int(10, 40)})
        } else {
            json!({"date": null, "method": "", "sample": 0})
        };
        json!({"annual_plan": self.d.by(q, 0.2, 1.0), "reports": reports, "needs_assessment": needs})
    }

    fn disclosure(&mut self) -> Value {
        let q = self.q;
        let mut out = Vec::new();
        for (k, lo) in [
            ("service_list", 0.3),
            ("staff_roster", 0.2),
            ("funding_source", 0.0),
            ("complaint_channel", 0.1),
        ] {
            if self.d.by(q, lo, 1.02) {
                out.push(k);
            }
        }
        json!(out)
    }

    fn volunteers(&mut self) -> Value {
        let q = self.q;
        let registry = self.d.by(q, 0.1, 1.0);
        let registered = if registry {
            self.d.int(10 + (60.0 * q) as i64, 40 + (120.0 * q) as i64)
        } else {
            self.d.int(0, 8)
        };
        let hours = if registered > 0 {
            registered * self.d.int(4, 18)
        } else {
            0
        };
        json!({"registry": registry, "registered": registered, "hours_h": hours})
    }

    // ---- cooperation ------------------------------------------------------------------------

    fn cooperation(&mut self) -> Value {
        let q = self.q;
        let county = self.place.county;
        let office = format!("{}民政办", self.township_short());
        let mut partners = Vec::new();
        let since =
            |d: &mut Draw| iso(d.int(day(2021, 6, 1) as i64, day(YEAR, 5, 31) as i64) as i32);
        let ca_name = if self.d.chance(0.5) {
            format!("{}民政局", county.name)
        } else {
            office.clone()
        };
        let s0 = since(&mut self.d);
        let agreement = self.d.by(q, 0.2, 1.0);
        partners.push(partner(&ca_name, "civil_affairs", agreement, s0));
        self.partners.push(ca_name);
        let short = self.township_short();
        // Taicang's "1+3+N" mechanism brings research institutes, charities and firms in.
        let rich = self.p == Profile::Taicang;
        let mut wanted: Vec<(String, &str, f64)> = vec![
            (
                format!("{}某青少年事务服务中心", county.short),
                "sw_org",
                0.0,
            ),
            (
                "某高校社会工作系".to_owned(),
                "research_institute",
                if rich { -0.4 } else { -1.0 },
            ),
        ];
        let depts = if rich { 3 } else { 2 };
        for (n, k) in self
            .d
            .subset(LIVELIHOOD.len(), depts)
            .into_iter()
            .enumerate()
        {
            wanted.push((
                format!("{short}{}", LIVELIHOOD[k]),
                "livelihood_dept",
                0.3 - 0.25 * n as f64,
            ));
        }
        if let Some(v) = self.villages.first() {
            let committee = match v.strip_suffix('村') {
                Some(stem) => format!("{stem}村民委员会"),
                None => format!("{v}居民委员会"),
            };
            wanted.push((committee, "village_committee", 0.4));
        }
        let org = self.d.pick(&COMMUNITY_ORGS);
        wanted.push((
            format!("{}{org}", self.place.stem),
            "community_social_org",
            0.0,
        ));
        wanted.push((
            format!("{}志愿服务队", self.place.stem),
            "volunteer_team",
            0.1,
        ));
        wanted.push((
            format!("{}慈善总会", county.short),
            "charity",
            if rich { -0.3 } else { -1.0 },
        ));
        wanted.push((
            "某企业爱心基金".to_owned(),
            "enterprise",
            if rich { -0.5 } else { -1.2 },
        ));
        for (name, kind, lo) in wanted {
            if self.d.by(q, lo, 1.0) {
                let s = since(&mut self.d);
                let agreement = self.d.by(q, 0.2, 1.03);
                partners.push(partner(&name, kind, agreement, s));
                self.partners.push(name);
            }
        }

        let ca_meetings = match self.tier {
            Tier::Strong => self.d.count(4, 6),
            Tier::Middling => self.d.count(2, 4),
            Tier::Weak => self.d.count(0, 2),
        };
        let mut meetings: Vec<i32> = (0..ca_meetings)
            .map(|k| {
                let span = 365 / ca_meetings.max(1) as i32;
                p0() + k as i32 * span + (self.d.below(span.max(1) as u64) as i32)
            })
            .collect();
        meetings.sort_unstable();
        let joint_n = match self.tier {
            Tier::Strong => 4,
            Tier::Middling => self.d.count(1, 3),
            Tier::Weak => self.d.count(0, 1),
        };
        let mut joint = Vec::new();
        for k in 0..joint_n {
            let date = p0() + 70 + k as i32 * 91 + self.d.int(-10, 10) as i32;
            joint.push(json!({
                "date": iso(date),
                "participants": self.d.int(6, 16),
                "minutes": self.d.by(q, 0.2, 1.05),
            }));
        }
        let refs_n = match self.tier {
            Tier::Strong => self.d.count(1, 3),
            Tier::Middling => self.d.count(0, 1),
            Tier::Weak => 0,
        };
        let mut referrals = Vec::new();
        for _ in 0..refs_n {
            let date = self.date(p0() + 30, p1() - 20);
            let to = self.d.pick(&REFERRAL_TARGETS);
            referrals.push(json!({
                "date": date,
                "to": format!("{}{}", if to.starts_with('县') { county.short } else { "" }, to),
                "beneficiary_id": format!("B{:04}", self.d.int(1, 600)),
                "feedback_received": self.d.by(q, 0.2, 1.05),
            }));
        }
        let cultivated = match self.tier {
            Tier::Strong => self.d.int(2, 4),
            Tier::Middling => self.d.int(0, 2),
            Tier::Weak => 0,
        };
        let scale = if self.p == Profile::Taicang { 2 } else { 1 };
        let cash = (self.d.int(0, (30_000.0 * q * q) as i64) * scale) / 100 * 100;
        let kind = (self.d.int(500, (25_000.0 * q) as i64 + 600) * scale) / 100 * 100;
        json!({
            "partners": partners,
            "civil_affairs_meetings": meetings.into_iter().map(iso).collect::<Vec<_>>(),
            "joint_meetings": joint,
            "referrals": referrals,
            "community_orgs_cultivated": cultivated,
            "resources_linked": {"cash_cny": cash, "in_kind_cny": kind},
        })
    }

    // ---- services ---------------------------------------------------------------------------

    fn catalogue(&mut self) -> Value {
        let q = self.q;
        let main = [
            "social_assistance",
            "child_welfare",
            "elderly_care",
            "social_affairs",
            "grassroots_governance",
        ];
        // Every station assists with social assistance; the others depend on the station.
        let mut domains = vec!["social_assistance"];
        let k = match self.tier {
            Tier::Strong => 4,
            Tier::Middling => self.d.count(3, 4),
            Tier::Weak => self.d.count(1, 2),
        };
        for i in self.d.subset(4, k) {
            domains.push(main[i + 1]);
        }
        if self.d.by(q, 0.1, 0.9) {
            domains.push("disability");
        }
        domains.sort_by_key(|d| DOMAINS.iter().position(|x| x == d).unwrap_or(0));
        self.domains = domains.clone();
        let mut basic = Vec::new();
        for (n, dom) in domains.iter().enumerate() {
            let names = basic_services(dom);
            basic.push(json!({"code": format!("B{:02}", n + 1), "name": self.d.pick(names), "domain": dom}));
        }
        let mut personalised = Vec::new();
        let np = match self.tier {
            Tier::Strong => 1,
            Tier::Middling => 0,
            Tier::Weak => 0,
        };
        for k in self.d.subset(PERSONALISED.len(), np) {
            let (cat, items) = PERSONALISED[k];
            personalised.push(json!({"category": cat, "items": items}));
        }
        json!({"basic": basic, "personalised": personalised})
    }

    fn registry(&mut self) -> Value {
        let q = self.q;
        let cats: &[&str] = match self.p {
            Profile::Honghe => &[
                "dibao",
                "tekun",
                "left_behind_child",
                "left_behind_elderly",
                "severe_disability",
                "child_in_distress",
                "de_facto_unsupported_child",
            ],
            Profile::Shiyan => &[
                "dibao",
                "tekun",
                "left_behind_child",
                "left_behind_elderly",
                "left_behind_women",
                "disability",
                "child_in_distress",
            ],
            Profile::Taicang => &[
                "dibao",
                "tekun",
                "living_alone_elderly",
                "empty_nest_elderly",
                "child_in_distress",
                "severe_disability",
                "family_planning_special",
            ],
            Profile::Generic => &[
                "dibao",
                "dibao_marginal",
                "tekun",
                "left_behind_child",
                "living_alone_elderly",
                "severe_disability",
                "expenditure_hardship",
            ],
        };
        let n = match self.tier {
            Tier::Strong => self.d.count(4, 5),
            Tier::Middling => self.d.count(3, 4),
            Tier::Weak => self.d.count(2, 3),
        };
        let mut pick = vec![0usize, 1];
        for k in self.d.subset(cats.len() - 2, n.saturating_sub(2)) {
            pick.push(k + 2);
        }
        let mut rows = Vec::new();
        let mut total = 0i64;
        for k in pick {
            let cat = cats[k];
            let registered = match cat {
                "dibao" => self.d.int(60, 200),
                "tekun" => self.d.int(15, 60),
                _ => self.d.int(10, 120),
            };
            total += registered;
            let served =
                (registered as f64 * self.d.real(0.25 + 0.72 * q, 0.3 + 0.72 * q).min(1.0)) as i64;
            let visited =
                (served as f64 * self.d.real(0.3 + 0.7 * q, 0.4 + 0.65 * q).min(1.0)) as i64;
            let high = (registered as f64 * self.d.real(0.03, 0.15)) as i64;
            let with_plan = (high as f64 * (q * 1.1).min(1.0)).round() as i64;
            rows.push(json!({
                "category": cat,
                "registered": registered,
                "served": served,
                "visited_per_cycle": visited,
                "high_risk": high,
                "high_risk_with_plan": with_plan.min(high),
            }));
        }
        let coverage = self.d.real(0.55 + 0.45 * q, 0.6 + 0.42 * q).min(1.0);
        let roll = (total as f64 / coverage).round() as i64;
        let updated = if self.d.by(q, 0.0, 1.05) {
            self.date(day(YEAR, 10, 8), day(YEAR, 12, 28))
        } else {
            self.date(day(YEAR - 1, 9, 1), day(YEAR, 7, 31))
        };
        json!({"official_roll_count": roll, "last_updated": updated, "categories": rows})
    }

    fn services(&mut self) -> Value {
        let q = self.q;
        let workers = self.worker_ids();
        let f = self.ftsw.max(1) as i64;
        // Cases.
        let per = match self.tier {
            Tier::Strong => self.d.int(10, 14),
            Tier::Middling => self.d.int(6, 10),
            Tier::Weak => self.d.int(1, 4),
        };
        let case_total = if self.ftsw == 0 {
            self.d.int(0, 2)
        } else {
            per * f
        };
        let closed = case_total * self.d.int(55, 80) / 100;
        let all_steps =
            (closed as f64 * self.d.real(0.2 + 0.75 * q, 0.25 + 0.75 * q).min(1.0)) as i64;
        let complete =
            (case_total as f64 * self.d.real(0.1 + 0.9 * q, 0.15 + 0.85 * q).min(1.0)) as i64;
        let measured = (closed as f64 * self.d.real(0.1 + 0.8 * q, 0.2 + 0.8 * q).min(1.0)) as i64;
        let n_cases = match self.tier {
            Tier::Strong => 1,
            Tier::Middling => self.d.count(0, 1),
            Tier::Weak => 0,
        }
        .min(case_total as usize);
        let mut cases = Vec::new();
        for k in 0..n_cases {
            let dom = self.d.pick(&self.domains);
            let closed_case = k == 0 && closed > 0;
            // Closed cases start early enough to close in the period; open ones are mid-way.
            let intake = if closed_case {
                self.dz(p0() + 5, p0() + 150)
            } else {
                self.dz(p0() + 60, p1() - 150)
            };
            let full = self.d.by(q, 0.1, 1.05);
            let assess = intake + self.dz(2, 10);
            let plan = assess + self.dz(3, 12);
            let nint = self.d.count(2, 4);
            let mut ints = Vec::new();
            let mut last = plan;
            for _ in 0..nint {
                last += self.dz(10, 28);
                ints.push(iso(last));
            }
            let eval = last + self.dz(10, 30);
            let close = eval + self.dz(2, 10);
            cases.push(json!({
                "id": format!("C{YEAR}-{:03}", self.d.int(1, case_total.max(1))),
                "beneficiary_id": format!("B{:04}", self.d.int(1, 600)),
                "domain": dom,
                "worker_id": self.d.pick(&workers.iter().map(String::as_str).collect::<Vec<_>>()),
                "steps": {
                    "intake": iso(intake),
                    "assessment": iso(assess),
                    "plan": if full { Value::String(iso(plan)) } else { Value::Null },
                    "interventions": ints,
                    "evaluation": if closed_case { Value::String(iso(eval)) } else { Value::Null },
                    "closure": if closed_case { Value::String(iso(close)) } else { Value::Null },
                },
                "status": if closed_case { "closed" } else { "open" },
                "outcome_measured": closed_case && self.d.by(q, 0.2, 1.0),
                "supervisor_reviewed": self.d.by(q, 0.0, 1.05),
            }));
        }
        // Groups.
        let gper = match self.tier {
            Tier::Strong => self.d.int(2, 3),
            Tier::Middling => self.d.int(1, 2),
            Tier::Weak => self.d.int(0, 1),
        };
        let group_total = if self.ftsw == 0 { 0 } else { gper * f };
        let with_min = if self.tier == Tier::Strong {
            group_total
        } else {
            (group_total as f64 * self.d.real(0.3 + 0.6 * q, 0.4 + 0.6 * q).min(1.0)) as i64
        };
        let evaluated =
            (group_total as f64 * self.d.real(0.1 + 0.85 * q, 0.2 + 0.8 * q).min(1.0)) as i64;
        let n_groups = match self.tier {
            Tier::Strong => 1,
            Tier::Middling => self.d.count(0, 1),
            Tier::Weak => self.d.count(0, 1),
        }
        .min(group_total as usize);
        let mut groups = Vec::new();
        let mut group_attendance = 0i64;
        for k in 0..n_groups {
            let (title, dom, target) = self.d.pick(&GROUPS);
            let planned = self.d.count(4, 6);
            let held = if (k as i64) < with_min {
                planned
            } else {
                self.d.count(1, 3)
            };
            let start = self.dz(p0() + 40, p1() - 90);
            let gap = self.dz(6, 14);
            let size = self.d.int(6, 14);
            let mut sessions = Vec::new();
            for s in 0..held {
                let att = (size - self.d.int(0, 3)).max(3);
                group_attendance += att;
                sessions.push(json!({"date": iso(start + s as i32 * gap), "attendance": att}));
            }
            groups.push(json!({
                "id": format!("G{YEAR}-{:02}", k + 1),
                "title": title,
                "domain": dom,
                "target": target,
                "planned_sessions": planned,
                "sessions": sessions,
                "evaluation_done": (k as i64) < evaluated,
            }));
        }
        // Volume: reported person-times follow what the records support.
        let tier_factor = match self.tier {
            Tier::Strong => 1.4,
            Tier::Middling => 0.95,
            Tier::Weak => 0.5,
        };
        let target = self.s.person_times
            * tier_factor
            * self.place.county.volume
            * self.d.real(0.82, 1.18)
            * if self.ftsw == 0 { 0.4 } else { 1.0 };
        let ratio = if self.has(Veto::OverReported) {
            self.d.real(1.9, 2.6)
        } else {
            self.d.real(1.0, 1.2)
        };
        let recomputed = (target / ratio).round() as i64;
        let act_total = match self.tier {
            Tier::Strong => self.d.int(14, 24),
            Tier::Middling => self.d.int(8, 14),
            Tier::Weak => self.d.int(2, 6),
        };
        let act_participants = ((recomputed as f64) * self.d.real(0.35, 0.5)) as i64;
        let act_participants = act_participants.max(act_total * 15);
        let visits_total =
            (recomputed - act_participants - group_attendance - case_total).max(act_total);
        let home =
            (visits_total as f64 * self.d.real(0.35 + 0.3 * q, 0.45 + 0.3 * q).min(0.95)) as i64;
        let recomputed = act_participants + group_attendance + case_total + visits_total;
        let person_times = (recomputed as f64 * ratio).round() as i64;
        let act_volunteers = act_total * self.d.int(1, (4.0 + 10.0 * q) as i64);
        let n_acts = match self.tier {
            Tier::Strong => 3,
            Tier::Middling => 2,
            Tier::Weak => 1,
        }
        .min(act_total as usize);
        let mut acts = Vec::new();
        let mut seen = Vec::new();
        let mean = (act_participants / act_total.max(1)).max(10);
        let months = self.d.subset(12, n_acts);
        for (k, month) in months.into_iter().enumerate() {
            let (title, dom) = loop {
                let a = self.d.pick(&ACTIVITIES);
                let local = self.p == Profile::Honghe && self.d.chance(0.3);
                let a = if local {
                    self.d.pick(&ACTIVITIES_YUNNAN)
                } else {
                    a
                };
                if !seen.contains(&a.0) || seen.len() >= 8 {
                    break a;
                }
            };
            seen.push(title);
            let date = day(YEAR, month as u32 + 1, 1) + self.dz(0, 26);
            let partner = if !self.partners.is_empty() && self.d.by(q, 0.2, 0.8) {
                let i = self.d.below(self.partners.len() as u64) as usize;
                vec![self.partners[i].clone()]
            } else {
                Vec::new()
            };
            let participants = (mean as f64 * self.d.real(0.6, 1.4)) as i64;
            acts.push(json!({
                "id": format!("A{YEAR}-{:02}", k + 1),
                "date": iso(date),
                "title": title,
                "domain": dom,
                "participants": participants.max(8),
                "volunteers": self.d.int(0, (2.0 + 14.0 * q) as i64),
                "partner_ids": partner,
            }));
        }
        let crisis_n = match self.tier {
            Tier::Strong => self.d.count(0, 2),
            Tier::Middling => self.d.count(0, 1),
            Tier::Weak => 0,
        };
        let mut crisis = Vec::new();
        for k in 0..crisis_n {
            let hours = if self.d.by(q, 0.2, 1.05) {
                self.d.int(1, 12)
            } else {
                self.d.int(26, 72)
            };
            crisis.push(json!({"id": format!("K{YEAR}-{:02}", k + 1), "reported": self.date(p0() + 20, p1() - 10), "hours_to_response": hours}));
        }
        let total_h =
            ((f * self.d.int(1300, 1750)) as f64 * (0.5 + 0.5 * q) / 10.0).round() as i64 * 10;
        let outreach = (total_h as f64 * self.d.real(0.3 + 0.4 * q, 0.35 + 0.4 * q) / 10.0).round()
            as i64
            * 10;
        let by_domain = split(&mut self.d, person_times, &self.domains);
        json!({
            "cases": cases,
            "case_summary": {
                "total": case_total,
                "closed": closed,
                "closed_all_steps": all_steps,
                "complete_files": complete,
                "outcome_measured": measured,
            },
            "groups": groups,
            "group_summary": {"total": group_total, "with_min_sessions": with_min, "evaluation_done": evaluated},
            "activities": acts,
            "activity_summary": {"total": act_total, "participants": act_participants, "volunteers": act_volunteers},
            "visit_summary": {"total": visits_total, "home_visit": home, "phone": visits_total - home},
            "crisis": crisis,
            "policy_publicity_events": match self.tier {
                Tier::Strong => self.d.int(5, 12),
                Tier::Middling => self.d.int(2, 6),
                Tier::Weak => self.d.int(0, 2),
            },
            "casework_assistance_count": self.d.int((40.0 * q * q) as i64, (60.0 * q) as i64 + 1),
            "service_hours": {"total_h": total_h, "community_household_h": outreach},
            "person_times": person_times,
            "person_times_by_domain": by_domain,
        })
    }

    fn rooms(&mut self) -> (Value, Value) {
        let q = self.q;
        let total = self.villages.len();
        let coverage = match self.tier {
            Tier::Strong => 1.0,
            Tier::Middling => self.d.real(0.6, 0.95),
            Tier::Weak => self.d.real(0.1, 0.45),
        };
        let with_room = ((total as f64 * coverage).round() as usize).min(total);
        let delivering =
            ((with_room as f64) * self.d.real(0.2 + 0.75 * q, 0.3 + 0.7 * q).min(1.0)) as usize;
        let sample = match self.tier {
            Tier::Strong => 2,
            Tier::Middling => 1,
            Tier::Weak => 0,
        }
        .min(with_room);
        let workers = self.worker_ids();
        let codes: Vec<String> = (1..=5).map(|k| format!("B{k:02}")).collect();
        let mut rooms = Vec::new();
        for k in 0..sample {
            let v = self.villages[k].clone();
            let good = k < delivering;
            let delivered: Vec<&String> = if good {
                codes.iter().take(self.d.count(4, 5)).collect()
            } else {
                codes.iter().take(self.d.count(0, 2)).collect()
            };
            let assigned = if good || self.d.chance(0.5) {
                Value::String(workers[k % workers.len().max(1)].clone())
            } else {
                Value::Null
            };
            rooms.push(json!({
                "id": format!("R{:02}", k + 1),
                "name": format!("{v}社工室"),
                "village_code": format!("{}{:03}", self.place.township_code, k + 1),
                "has_room": true,
                "area_m2": if good { self.d.int(16, 36) } else { self.d.int(6, 16) },
                "sign": good || self.d.chance(0.5),
                "assigned_staff_id": assigned,
                "basic_services_delivered": delivered,
            }));
        }
        (
            json!(rooms),
            json!({"total": total, "with_room": with_room, "delivering_min_items": delivering}),
        )
    }

    fn brand(&mut self) -> Value {
        let q = self.q;
        if !self.d.by(q, 0.0, 1.1) {
            return json!({"documented": false});
        }
        let (suffix, description) = if self.p == Profile::Honghe && self.d.chance(0.5) {
            self.d.pick(&BRANDS_YUNNAN)
        } else {
            self.d.pick(&BRANDS)
        };
        let started = if self.d.by(q, 0.0, 1.0) {
            self.date(day(2022, 3, 1), day(YEAR, 5, 31))
        } else {
            self.date(day(YEAR, 7, 1), day(YEAR, 10, 31))
        };
        json!({
            "name": format!("{}{}", self.place.stem, suffix),
            "description": description,
            "started": started,
            "documented": self.d.by(q, 0.0, 1.1),
        })
    }

    fn onsite(&mut self) -> Value {
        let q = self.q;
        let (days, hours, schedule) = if self.d.by(q, 0.1, 1.05) {
            (5, 40, "周一至周五 8:30-12:00，14:30-18:00")
        } else if self.d.chance(0.6) {
            (5, 35, "周一至周五 9:00-12:00，14:30-17:30")
        } else {
            (3, 18, "每周一、三、五上午")
        };
        let unattended = self.has(Veto::Unattended);
        let n = match self.tier {
            Tier::Strong => self.d.count(1, 2),
            _ => 1,
        }
        .max(if unattended { 2 } else { 1 });
        let inspectors: &[&str] = &[
            match self.p {
                Profile::Honghe => "州民政局",
                Profile::Shiyan | Profile::Taicang => "市民政局",
                Profile::Generic => "县民政局",
            },
            "县民政局",
            "第三方评估机构",
        ];
        let mut inspections = Vec::new();
        let expected = (self.ftsw as i64).max(1);
        for k in 0..n {
            let date = p0() + 60 + (k as i32) * (280 / n as i32) + self.dz(0, 30);
            let by = inspectors[k % inspectors.len()];
            if unattended {
                inspections.push(json!({
                    "date": iso(date), "by": by, "unannounced": true, "staff_expected": expected,
                    "staff_present": 0, "hours_match": false, "findings": ["unattended"],
                }));
                continue;
            }
            let present = if self.d.by(q, 0.3, 1.05) {
                expected
            } else {
                (expected - 1).max(0)
            };
            let mut findings = Vec::new();
            if present == 0 {
                findings.push("unattended");
            }
            if self.d.by(q, 0.25, 0.0) {
                findings.push(self.d.pick(&["misuse", "unclean"]));
            }
            if findings.is_empty() {
                findings.push("none");
            }
            inspections.push(json!({
                "date": iso(date),
                "by": by,
                "unannounced": self.d.chance(0.7),
                "staff_expected": expected,
                "staff_present": present,
                "hours_match": self.d.by(q, 0.3, 1.05),
                "findings": findings,
            }));
        }
        let drills = if self.d.by(q, 0.05, 1.05) {
            vec![self.date(day(YEAR, 7, 10), day(YEAR, 12, 10))]
        } else if self.d.chance(0.5) {
            vec![self.date(day(YEAR - 1, 9, 1), day(YEAR, 5, 31))]
        } else {
            Vec::new()
        };
        let ext = if self.d.by(q, 0.2, 1.05) {
            self.date(day(YEAR + 1, 8, 31), day(YEAR + 2, 6, 30))
        } else {
            self.date(day(YEAR - 1, 6, 30), day(YEAR + 1, 5, 31))
        };
        json!({
            "opening_hours": {
                "days_per_week": days,
                "weekly_hours": hours,
                "schedule": schedule,
                "publicly_displayed": self.d.by(q, 0.1, 1.05),
            },
            "reception_log_months": if unattended { self.d.int(0, 3) } else { self.d.int((4.0 + 8.0 * q) as i64, 12) },
            "safety": {
                "extinguisher_valid_until": ext,
                "emergency_plan": self.d.by(q, 0.1, 1.05),
                "drills": drills,
                "first_aid_kit": self.d.by(q, 0.2, 1.0),
            },
            "inspections": inspections,
        })
    }

    fn evaluation(&mut self) -> Value {
        let q = self.q;
        let self_eval = if self.d.by(q, 0.2, 1.05) {
            json!({"date": self.date(day(YEAR, 12, 10), day(YEAR + 1, 1, 5)), "score": (55.0 + 40.0 * q).round()})
        } else {
            json!({"date": null, "score": null})
        };
        let n_surveys = match self.tier {
            Tier::Strong => 1 + usize::from(self.d.chance(0.5)),
            _ => 1,
        };
        let mut surveys = Vec::new();
        for k in 0..n_surveys {
            let sample = match self.tier {
                Tier::Strong => self.d.int(30, 60),
                Tier::Middling => self.d.int(30, 50),
                Tier::Weak => self.d.int(18, 40),
            };
            let rate = self.d.real(0.78 + 0.2 * q, 0.82 + 0.18 * q).min(1.0);
            let date = if n_surveys == 2 && k == 0 {
                self.date(day(YEAR, 6, 1), day(YEAR, 6, 30))
            } else {
                self.date(day(YEAR, 11, 20), day(YEAR, 12, 20))
            };
            surveys.push(json!({
                "date": date,
                "method": self.d.pick(&["paper", "phone", "online", "field"]),
                "sample": sample,
                "satisfied": (sample as f64 * rate).floor() as i64,
            }));
        }
        let aware_sample = if self.d.by(q, 0.0, 1.0) {
            self.d.int(50, 80)
        } else {
            0
        };
        let aware = (aware_sample as f64 * self.d.real(0.3 + 0.4 * q, 0.4 + 0.4 * q)) as i64;
        let mut complaints = Vec::new();
        for _ in 0..self.d.count(0, if self.tier == Tier::Weak { 2 } else { 1 }) {
            let date = self.dz(p0() + 30, p1() - 30);
            let substantiated = self.d.chance(0.5);
            let resolved = if self.d.by(q, 0.2, 1.05) {
                Value::String(iso(date + self.dz(2, 12)))
            } else {
                Value::Null
            };
            complaints.push(
                json!({"date": iso(date), "substantiated": substantiated, "resolved": resolved}),
            );
        }
        let attendees: Vec<String> = self.worker_ids();
        let (n_sup, hours) = match self.tier {
            // Quarterly group supervision of 6.5 hours: 2 hours per worker a month.
            Tier::Strong => (4, 6.5),
            Tier::Middling => (self.d.count(3, 4), 4.5),
            Tier::Weak => (self.d.count(0, 2), 3.0),
        };
        let has_sup = self.staff.iter().any(|p| p.role == "supervisor_external");
        let mut supervision = Vec::new();
        for k in 0..n_sup {
            let date = day(YEAR, (k * 12 / n_sup.max(1)) as u32 + 1, 1) + self.dz(8, 20);
            supervision.push(json!({
                "date": iso(date),
                "supervisor": if has_sup { "SUP1".to_owned() } else { self.person_name() },
                "type": if attendees.len() == 1 { "individual" } else { "group" },
                "hours_h": hours,
                "attendee_ids": attendees.clone(),
            }));
        }
        let mut external = Vec::new();
        if self.d.by(q, 0.3, 1.0) {
            let score: f64 = ((58.0 + 36.0 * q + self.d.real(-3.0, 3.0)) * 2.0).round() / 2.0;
            let grade = if score >= 90.0 {
                "优秀"
            } else if score >= 80.0 {
                "良好"
            } else if score >= 60.0 {
                "合格"
            } else {
                "不合格"
            };
            let by = match self.p {
                Profile::Shiyan => "十堰市民政局中期评估工作专班",
                _ => "第三方评估机构（合成）",
            };
            external.push(json!({
                "type": if self.p == Profile::Shiyan { "mid_term" } else { "annual" },
                "date": self.date(day(YEAR, 6, 15), day(YEAR, 8, 31)),
                "by": by,
                "score": score,
                "grade": grade,
            }));
        }
        let mut rect = Vec::new();
        for _ in 0..self.d.count(0, 2) {
            let deadline = self.dz(day(YEAR, 3, 31), day(YEAR, 10, 31));
            let closed = if self.d.by(q, 0.0, 1.05) {
                Value::String(iso(deadline - self.dz(0, 25)))
            } else if self.d.chance(0.4) {
                Value::String(iso(deadline + self.dz(5, 40)))
            } else {
                Value::Null
            };
            let issue = self.d.pick(&RECTIFICATION);
            rect.push(json!({"issue": issue, "deadline": iso(deadline), "closed": closed}));
        }
        json!({
            "self_evaluation": self_eval,
            "satisfaction_surveys": surveys,
            "awareness_survey": {"sample": aware_sample, "aware": aware},
            "complaints": complaints,
            "supervision": supervision,
            "external_evaluations": external,
            "rectification": rect,
        })
    }

    fn digital(&mut self) -> Value {
        let q = self.q;
        let connected = self
            .d
            .by(q, if self.p == Profile::Taicang { 0.6 } else { 0.1 }, 1.05);
        let name = match self.p {
            Profile::Taicang => "太仓市社会工作智慧平台",
            Profile::Honghe => "红河州社会工作服务信息平台",
            Profile::Shiyan => "十堰市社会工作服务信息平台",
            Profile::Generic => "社会工作服务信息平台",
        };
        let total = self.d.int(200, 2400);
        let share = self.d.real(0.5 + 0.5 * q, 0.55 + 0.45 * q).min(1.0);
        if !connected {
            return json!({"platform_connected": false});
        }
        json!({
            "platform_connected": true,
            "platform_name": name,
            "records_total": total,
            "records_digitised": (total as f64 * share) as i64,
        })
    }

    fn incidents(&mut self) -> Value {
        let mut out = Vec::new();
        let kind = match self.veto {
            Some(Veto::Financial) => Some((
                "financial_violation",
                "审计发现挪用活动经费用于机构日常开支",
            )),
            Some(Veto::Falsification) => {
                Some(("data_falsification", "多场活动使用同一签到表及照片"))
            }
            Some(Veto::Privacy) => Some(("privacy_breach", "服务对象个人信息在工作群中外泄")),
            Some(Veto::Safety) => Some(("major_safety", "户外活动中发生服务对象严重受伤事故")),
            Some(Veto::OtherSerious) => Some(("other_serious", "站点被查实违规收费并引发负面舆情")),
            _ => None,
        };
        if let Some((t, note)) = kind {
            let date = self.date(p0() + 60, p1() - 20);
            out.push(json!({"date": date, "type": t, "substantiated": true, "note": note}));
        } else if self.tier == Tier::Weak && self.d.chance(0.15) {
            let date = self.date(p0() + 60, p1() - 20);
            out.push(json!({"date": date, "type": "other_serious", "substantiated": false, "note": "群众反映站点长期关门，经核查不属实"}));
        }
        json!(out)
    }
}

/// A partner entry; the start date is kept only where a written agreement fixes it.
fn partner(name: &str, kind: &str, agreement: bool, since: String) -> Value {
    if agreement {
        json!({"name": name, "type": kind, "agreement": true, "since": since})
    } else {
        json!({"name": name, "type": kind, "agreement": false})
    }
}

/// The award due for certificates obtained in the period (2,000 yuan for 社会工作师, 1,000 for
/// 助理社会工作师), read back from the certificates just written.
fn m_award(certs: &Value) -> i64 {
    let start = iso(p0());
    let end = iso(p1());
    certs
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|c| {
                    c["obtained"]
                        .as_str()
                        .is_some_and(|o| o >= start.as_str() && o <= end.as_str())
                })
                .map(|c| match c["level"].as_str() {
                    Some("assistant_sw") => 1000,
                    Some(_) => 2000,
                    None => 0,
                })
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// Splits `total` person-times over `domains`, every domain getting at least one.
fn split(d: &mut Draw, total: i64, domains: &[&str]) -> Value {
    let weights: Vec<f64> = domains
        .iter()
        .map(|dom| {
            let base = match *dom {
                "social_assistance" => 3.0,
                "elderly_care" => 2.2,
                "child_welfare" => 1.8,
                "grassroots_governance" => 1.0,
                "social_affairs" => 0.7,
                _ => 0.6,
            };
            base * d.real(0.7, 1.3)
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let n = domains.len() as i64;
    let spread = (total - n).max(0);
    let mut parts: Vec<i64> = weights
        .iter()
        .map(|w| 1 + (spread as f64 * w / sum).floor() as i64)
        .collect();
    let assigned: i64 = parts.iter().sum();
    if let Some(first) = parts.first_mut() {
        *first += total - assigned;
    }
    Value::Array(
        domains
            .iter()
            .zip(parts)
            .map(|(dom, pt)| json!({"domain": dom, "person_times": pt}))
            .collect(),
    )
}

/// FNV-1a of a string: a platform-independent key for county-level constants.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A unified social credit code (GB 32100-2015) with a valid check character.
fn uscc(d: &mut Draw, dept_and_kind: &str, region: &str) -> String {
    const CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u64; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let mut body: String = format!("{dept_and_kind}{region}");
    for _ in 0..9 {
        let k = if d.chance(0.8) {
            d.below(10)
        } else {
            d.below(31)
        };
        body.push(CHARS[k as usize] as char);
    }
    let sum: u64 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(c, w)| CHARS.iter().position(|x| *x == c).unwrap_or(0) as u64 * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    body.push(CHARS[check as usize] as char);
    body
}
