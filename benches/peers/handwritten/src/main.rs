//! The hand-written limit of the peer benchmark: what a Rust programmer writes for one fixed
//! standard, with no engine. serde typed structs borrowing from the input, and the 40 checks of
//! `bench.py`'s `checks` as Rust expressions.
//!
//! Prints the same JSON object as chidu's `examples/peers.rs` (timings, records/s, digest), so
//! `bench.py` can set chidu's rows against it in the same run.
//!
//! Run: `cargo run --release -- [--e2e-only] DATA.jsonl [runs]`

use std::borrow::Cow;
use std::time::Instant;

use serde::Deserialize;

const AS_OF: &str = "2026-06-30";
const CUT_12M: &str = "2025-06-30";
const WEIGHTS: [u32; 40] = [
    2, 1, 2, 1, 1, 1, 1, 2, 1, 1, 2, 1, 3, 2, 1, 3, 2, 1, 2, 1, 3, 2, 2, 3, 2, 2, 3, 2, 2, 1, 1, 1,
    1, 2, 2, 2, 2, 2, 1, 1,
];

#[derive(Deserialize)]
struct Staff<'a> {
    #[serde(borrow)]
    role: Cow<'a, str>,
    #[serde(borrow)]
    certificate: Cow<'a, str>,
    training_hours: f64,
    full_time: bool,
}

#[derive(Deserialize)]
struct Service<'a> {
    #[serde(borrow)]
    date: Cow<'a, str>,
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    beneficiaries: f64,
}

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    expiry: Option<Cow<'a, str>>,
    verified: bool,
}

#[derive(Deserialize)]
struct Station<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    address: Option<Cow<'a, str>>,
    #[serde(borrow)]
    manager: Option<Cow<'a, str>>,
    #[serde(borrow)]
    phone: Option<Cow<'a, str>>,
    #[serde(borrow)]
    email: Option<Cow<'a, str>>,
    #[serde(borrow)]
    license_no: Option<Cow<'a, str>>,
    #[serde(borrow)]
    county: Option<Cow<'a, str>>,
    #[serde(borrow)]
    level: Cow<'a, str>,
    #[serde(borrow)]
    org_type: Cow<'a, str>,
    #[serde(borrow)]
    funding_source: Cow<'a, str>,
    #[serde(borrow)]
    last_inspection: Cow<'a, str>,
    #[serde(borrow)]
    plan_updated: Cow<'a, str>,
    #[serde(borrow)]
    fire_drill_date: Cow<'a, str>,
    area_m2: f64,
    indoor_m2: f64,
    rooms: f64,
    open_days_week: f64,
    open_hours_week: f64,
    population: f64,
    elderly: f64,
    children: f64,
    budget: f64,
    gov_funding: f64,
    social_workers: f64,
    volunteers: f64,
    complaints: f64,
    resolved: f64,
    satisfaction: f64,
    accessible: bool,
    #[serde(borrow)]
    staff: Vec<Staff<'a>>,
    #[serde(borrow)]
    services: Vec<Service<'a>>,
    #[serde(borrow)]
    documents: Vec<Document<'a>>,
}

struct Patterns {
    phone: regex::Regex,
    email: regex::Regex,
}

fn nonempty(s: &Option<Cow<str>>) -> bool {
    s.as_deref().is_some_and(|s| !s.is_empty())
}

fn checks(r: &Station, p: &Patterns) -> [bool; 40] {
    let recent = || r.services.iter().filter(|s| *s.date >= *CUT_12M);
    let n_cp = r
        .services
        .iter()
        .filter(|s| s.kind == "child_protection")
        .count();
    let township = r.level == "township";
    [
        nonempty(&r.name),
        nonempty(&r.address),
        nonempty(&r.manager),
        r.phone.as_deref().is_some_and(|s| p.phone.is_match(s)),
        r.email.as_deref().is_some_and(|s| p.email.is_match(s)),
        nonempty(&r.license_no),
        nonempty(&r.county),
        matches!(&*r.level, "township" | "street" | "community"),
        matches!(&*r.org_type, "gov" | "ngo" | "mixed"),
        matches!(&*r.funding_source, "gov" | "charity" | "mixed" | "self"),
        r.staff.iter().all(|s| {
            matches!(
                &*s.role,
                "social_worker" | "assistant" | "manager" | "volunteer_coord"
            )
        }),
        r.documents.iter().all(|d| {
            matches!(
                &*d.kind,
                "license" | "fire_safety" | "lease" | "insurance" | "plan"
            )
        }),
        r.area_m2 >= 60.0,
        r.open_days_week >= 5.0,
        r.open_hours_week >= 40.0,
        r.staff.len() >= 3,
        r.services.len() >= 10,
        r.documents.len() >= 4,
        r.satisfaction >= 0.8,
        r.rooms >= 3.0,
        r.staff
            .iter()
            .filter(|s| matches!(&*s.certificate, "intermediate" | "senior"))
            .count()
            >= 2,
        r.staff.iter().map(|s| s.training_hours).sum::<f64>() >= 120.0,
        r.staff
            .iter()
            .all(|s| !s.full_time || s.training_hours >= 20.0),
        recent().count() >= 12,
        recent().map(|s| s.beneficiaries).sum::<f64>() >= 300.0,
        recent().any(|s| s.kind == "child_protection"),
        r.documents
            .iter()
            .any(|d| d.kind == "fire_safety" && d.verified),
        r.documents
            .iter()
            .all(|d| d.expiry.as_deref().is_none_or(|e| e >= AS_OF)),
        r.social_workers / r.population * 10000.0 >= 1.5,
        r.gov_funding / r.budget >= 0.5,
        r.resolved / r.complaints >= 0.9,
        r.indoor_m2 / r.area_m2 >= 0.6,
        r.volunteers / r.population * 1000.0 >= 2.0,
        !township || r.area_m2 >= 300.0,
        !township || r.staff.iter().any(|s| s.certificate == "senior"),
        r.elderly <= 500.0 || r.accessible,
        r.children <= 800.0 || n_cp >= 3,
        *r.last_inspection >= *CUT_12M,
        *r.plan_updated >= *"2026-01-01",
        *r.fire_drill_date >= *"2025-12-30",
    ]
}

/// The score (100 × passed weight ÷ total weight), with the failed checks' indexes in `failed`.
fn score(r: &Station, p: &Patterns, failed: &mut Vec<usize>) -> f64 {
    failed.clear();
    let mut passed = 0;
    for (i, ok) in checks(r, p).into_iter().enumerate() {
        if ok {
            passed += WEIGHTS[i];
        } else {
            failed.push(i);
        }
    }
    100.0 * f64::from(passed) / f64::from(WEIGHTS.iter().sum::<u32>())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `--e2e-only` skips the evaluation-only pass (bench.py's cold start and peak memory runs).
    let e2e_only = std::env::args().any(|a| a == "--e2e-only");
    let args: Vec<String> = std::env::args().filter(|a| a != "--e2e-only").collect();
    let data = args
        .get(1)
        .ok_or("usage: peers-handwritten DATA.jsonl [runs]")?;
    let runs: usize = args.get(2).map_or(Ok(3), |s| s.parse())?;
    let text = std::fs::read_to_string(data)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let n = lines.len();
    let patterns = Patterns {
        phone: regex::Regex::new(r"^0[0-9]{3}-[0-9]{7}$")?,
        email: regex::Regex::new(r"^[^@ ]+@[^@ ]+\.[a-z]+$")?,
    };

    let mut fails = [0u64; 40];
    let mut score_sum = 0.0f64;
    let mut failed = Vec::with_capacity(40);
    let mut e2e = Vec::new();
    for run in 0..runs {
        let t = Instant::now();
        let mut check = 0.0;
        for line in &lines {
            let station: Station = serde_json::from_str(line)?;
            let s = score(&station, &patterns, &mut failed);
            check += s;
            if run == 0 {
                for &i in &failed {
                    fails[i] += 1;
                }
                score_sum += (s * 1e6).round() / 1e6;
            }
        }
        e2e.push(t.elapsed().as_secs_f64());
        std::hint::black_box(check);
    }

    let stations: Vec<Station> = if e2e_only {
        Vec::new()
    } else {
        lines
            .iter()
            .map(|l| serde_json::from_str(l))
            .collect::<Result<_, _>>()?
    };
    let mut eval = Vec::new();
    for _ in 0..if e2e_only { 0 } else { runs } {
        let t = Instant::now();
        let mut check = 0usize;
        for station in &stations {
            score(station, &patterns, &mut failed);
            check += failed.len();
        }
        eval.push(t.elapsed().as_secs_f64());
        std::hint::black_box(check);
    }
    let (e2e_s, eval_s) = (median(e2e), median(eval));
    let fail_map: serde_json::Map<String, serde_json::Value> = fails
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("R{:02}", i + 1), (*c).into()))
        .collect();
    let out = serde_json::json!({
        "n": n,
        "load_ms": 0.0,
        "e2e_s": e2e_s,
        "eval_s": eval_s,
        "e2e_rps": n as f64 / e2e_s,
        "eval_rps": n as f64 / eval_s,
        "digest": {"fails": fail_map, "score_sum": format!("{score_sum:.2}")},
    });
    println!("{out}");
    Ok(())
}
