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

mod organisation;
mod oversight;
mod people;
mod services;

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
