//! Fleet-level checks: determinism, validity against the built-in packs, and the seed figures.

use chidu_synth::{Profile, fleet, station};
use serde_json::Value;

const AS_OF: &str = "2026-06-30";

fn options() -> Result<chidu::Options, String> {
    chidu::Options::default().with_as_of(AS_OF)
}

fn engine(pack: &str) -> Result<chidu::Engine, chidu::LoadError> {
    chidu::Standard::builtin(pack)?.compile()
}

fn bytes(v: &Value) -> Vec<u8> {
    // Serialising a `Value` cannot fail.
    serde_json::to_vec(v).unwrap_or_default()
}

/// FNV-1a over the serialised records: a platform-independent digest for the golden test.
fn digest(records: impl Iterator<Item = Value>) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for r in records {
        for b in bytes(&r) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h = (h ^ 0x0a).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Full-time social workers in post, as the packs' `fulltime_social_workers` aggregate counts them.
fn ftsw(r: &Value) -> usize {
    r["staff"].as_array().map_or(0, |staff| {
        staff
            .iter()
            .filter(|s| {
                s["employment"] == "full_time"
                    && (s["role"] == "station_head" || s["role"] == "social_worker")
                    && s.get("end")
                        .and_then(Value::as_str)
                        .is_none_or(|e| e >= AS_OF)
            })
            .count()
    })
}

#[test]
fn same_seed_same_bytes() {
    for p in Profile::ALL {
        let a: Vec<Vec<u8>> = fleet(&p, 7, 40).map(|r| bytes(&r)).collect();
        let b: Vec<Vec<u8>> = (0..40).map(|i| bytes(&station(&p, 7, i))).collect();
        assert_eq!(
            a, b,
            "{p}: fleet() and station() disagree or are not deterministic"
        );
        // Generating out of order (as a parallel or sliced run would) changes nothing.
        for i in (0..40).rev() {
            assert_eq!(bytes(&station(&p, 7, i)), a[i], "{p} station {i}");
        }
    }
}

#[test]
fn golden_digest() {
    // The same seed must give the same bytes on every platform and toolchain. If the generator is
    // changed on purpose, update these digests in the same change.
    let got: Vec<(Profile, u64)> = Profile::ALL
        .iter()
        .map(|p| (*p, digest(fleet(p, 1, 12))))
        .collect();
    let want = [
        (Profile::Honghe, GOLDEN[0]),
        (Profile::Shiyan, GOLDEN[1]),
        (Profile::Taicang, GOLDEN[2]),
        (Profile::Generic, GOLDEN[3]),
    ];
    assert_eq!(
        got,
        want,
        "digests: {:#x?}",
        got.iter().map(|g| g.1).collect::<Vec<_>>()
    );
}

/// FNV-1a of stations 0..12 with seed 1, per profile (Honghe, Shiyan, Taicang, Generic).
const GOLDEN: [u64; 4] = [
    0xd178_d01a_ad2f_ec98,
    0x9a7a_5432_9f09_219c,
    0xe57e_a6de_2577_59f1,
    0x0bf5_53d4_d7e6_6332,
];

#[test]
fn stations_differ() {
    for p in Profile::ALL {
        let a = station(&p, 1, 0);
        let b = station(&p, 1, 1);
        assert_ne!(a["id"], b["id"]);
        let strip = |mut v: Value| {
            v.as_object_mut().unwrap().remove("id");
            v
        };
        assert_ne!(
            strip(a.clone()),
            strip(b),
            "{p}: stations 0 and 1 differ only by id"
        );
        assert_ne!(
            bytes(&a),
            bytes(&station(&p, 2, 0)),
            "{p}: seeds 1 and 2 agree"
        );
    }
}

#[test]
fn ids_names_and_labels() {
    for p in Profile::ALL {
        let prefix = p.id_prefix();
        let records: Vec<Value> = fleet(&p, 3, 300).collect();
        let mut ids = std::collections::HashSet::new();
        for (i, r) in records.iter().enumerate() {
            let id = r["id"].as_str().unwrap();
            assert_eq!(id, format!("{prefix}-{:04}", i + 1));
            assert!(ids.insert(id.to_owned()));
            let name = r["name"].as_str().unwrap();
            assert!(name.ends_with("（合成数据）"), "{name}");
            let staff = r["staff"].as_array().unwrap();
            assert!(
                (2..=8).contains(&staff.len()),
                "{id}: {} staff",
                staff.len()
            );
            for s in staff {
                let n = s["name"].as_str().unwrap();
                assert!(n.ends_with('某'), "{id}: staff name {n} is not a pseudonym");
            }
        }
    }
}

#[test]
fn every_record_is_valid_against_its_pack() {
    let opts = options().unwrap();
    // Every profile also fits the national schema the overlays share.
    let national = engine("national").unwrap();
    for p in Profile::ALL {
        let engine = engine(p.pack()).unwrap();
        for (i, r) in fleet(&p, 1, 300).enumerate() {
            let report = engine
                .evaluate(&r, &opts)
                .unwrap_or_else(|e| panic!("{p} station {i} is invalid for {}: {e}", p.pack()));
            assert!(
                report.warnings.is_empty(),
                "{p} station {i}: {:?}",
                report.warnings
            );
            assert!(report.score.is_some(), "{p} station {i} has no score");
            national
                .evaluate(&r, &opts)
                .unwrap_or_else(|e| panic!("{p} station {i} is invalid for national: {e}"));
        }
    }
}

#[test]
fn honghe_fleet_shape() {
    let records: Vec<Value> = fleet(&Profile::Honghe, 1, Profile::Honghe.default_count()).collect();
    assert_eq!(records.len(), 141);
    let independent = records
        .iter()
        .filter(|r| r["premises"]["mode"] == "independent")
        .count() as f64
        / records.len() as f64;
    let shared = records
        .iter()
        .filter(|r| r["premises"]["mode"] == "shared_with_civil_affairs_office")
        .count();
    assert!(
        (0.85..=1.0).contains(&independent),
        "independent premises share {independent}"
    );
    assert!(shared > 0, "no station shares the civil-affairs office");
    let counties: std::collections::BTreeSet<&str> = records
        .iter()
        .map(|r| r["county"].as_str().unwrap())
        .collect();
    assert_eq!(counties.len(), 13);
    assert!(counties.contains("泸西县") && counties.contains("弥勒市"));
    let farms = records
        .iter()
        .filter(|r| r["station_type"] == "community_farm_station")
        .count();
    assert_eq!(farms, 6);

    let engine = engine("honghe").unwrap();
    let opts = options().unwrap();
    let mut grades = std::collections::BTreeMap::new();
    let mut vetoed = 0;
    for r in &records {
        let report = engine.evaluate(r, &opts).unwrap();
        *grades
            .entry(report.grade.clone().unwrap_or_default())
            .or_insert(0) += 1;
        if report.vetoed() {
            vetoed += 1;
        }
    }
    assert!(grades.len() >= 2, "grades {grades:?}");
    assert!(vetoed >= 1, "no vetoed station in {grades:?}");
    assert!(
        vetoed <= 14,
        "{vetoed} vetoed stations is more than a few percent"
    );
}

#[test]
fn shiyan_fleet_shape() {
    for seed in [1, 2, 3] {
        let records: Vec<Value> =
            fleet(&Profile::Shiyan, seed, Profile::Shiyan.default_count()).collect();
        assert_eq!(records.len(), 124);
        let workers: usize = records.iter().map(ftsw).sum();
        assert!(
            (248.0 * 0.85..=248.0 * 1.15).contains(&(workers as f64)),
            "seed {seed}: {workers} full-time social workers"
        );
        let person_times: i64 = records
            .iter()
            .map(|r| r["services"]["person_times"].as_i64().unwrap())
            .sum();
        assert!(
            (240_000..=360_000).contains(&person_times),
            "seed {seed}: {person_times} person-times"
        );
        // Person-times by domain add up to the reported total.
        for r in &records {
            let by_domain: i64 = r["services"]["person_times_by_domain"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["person_times"].as_i64().unwrap())
                .sum();
            assert_eq!(by_domain, r["services"]["person_times"].as_i64().unwrap());
        }
    }
}

#[test]
fn taicang_is_a_strong_fleet() {
    let engine = engine("taicang").unwrap();
    let opts = options().unwrap();
    let mut good = 0;
    let n = 100;
    for r in fleet(&Profile::Taicang, 1, n) {
        let report = engine.evaluate(&r, &opts).unwrap();
        if matches!(report.grade.as_deref(), Some("excellent" | "good")) {
            good += 1;
        }
    }
    assert!(
        good * 10 >= n * 6,
        "only {good} of {n} Taicang stations are good or excellent"
    );
}
