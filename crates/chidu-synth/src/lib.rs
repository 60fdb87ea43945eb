//! Deterministic synthetic fleets of township social work stations (乡镇（街道）社工站) for chidu
//! benchmarks and demos.
//!
//! Every record is **synthetic** (合成数据): its `name` ends with `（合成数据）`, people are
//! pseudonyms such as 张某某, and township names are invented (the county-level divisions are
//! real). Records follow the national record schema (`standards/national/record.yaml`), which the
//! Taicang, Shiyan and Honghe packs share.
//!
//! A station depends only on `(profile, seed, index)`: fleets can be generated in parallel, streamed,
//! or sampled at any index, and the same seed gives the same bytes on every platform (ChaCha12 raw
//! output with integer-only sampling). The reporting period is calendar year 2025; evaluate with an
//! as-of date in the first half of 2026 (the tests use 2026-06-30).
//!
//! Fleet shapes follow the seed figures:
//!
//! * [`Profile::Honghe`]: 141 stations (135 township + 6 community/farm stations) across the 13
//!   county-level divisions of 红河州; about 95% independent premises and 5% shared with the
//!   civil-affairs office; three-level leadership groups, plaques, few certified staff.
//! * [`Profile::Shiyan`]: 124 stations across 十堰市's ten county-level units; about two full-time
//!   social workers per station (248 in all) and about 300,000 person-times, weighted by the
//!   county totals the seed reports.
//! * [`Profile::Taicang`]: a strong pilot fleet (太仓市).
//! * [`Profile::Generic`]: a mix of strong, middling and weak stations in eight provinces.
//!
//! Each fleet has strong, middling and weak stations, and a few percent carry a veto trigger (no
//! full-time social worker, found unattended twice, a substantiated incident).
//!
//! ```
//! let first = chidu_synth::station(&chidu_synth::Profile::Honghe, 1, 0);
//! assert_eq!(first["id"], "HH-0001");
//! assert!(first["name"].as_str().is_some_and(|n| n.ends_with("（合成数据）")));
//! let n = chidu_synth::fleet(&chidu_synth::Profile::Shiyan, 1, 124).count();
//! assert_eq!(n, 124);
//! ```
#![forbid(unsafe_code)]

mod draw;
mod geo;
mod pools;
mod station;

use std::fmt;
use std::str::FromStr;

/// A fleet profile: the jurisdiction and the seed figures a fleet is shaped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    /// 红河州 (Yunnan): 141 stations, ~95% independent premises.
    Honghe,
    /// 十堰市 (Hubei): 124 stations, ~248 full-time social workers, ~300,000 person-times.
    Shiyan,
    /// 太仓市 (Jiangsu): the standardisation pilot, mostly strong stations.
    Taicang,
    /// A mix of jurisdictions and quality levels.
    Generic,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 4] = [
        Profile::Honghe,
        Profile::Shiyan,
        Profile::Taicang,
        Profile::Generic,
    ];

    /// Lower-case name (`honghe`, `shiyan`, `taicang`, `generic`).
    pub fn name(self) -> &'static str {
        match self {
            Profile::Honghe => "honghe",
            Profile::Shiyan => "shiyan",
            Profile::Taicang => "taicang",
            Profile::Generic => "generic",
        }
    }

    /// The built-in chidu pack that checks this profile's stations.
    pub fn pack(self) -> &'static str {
        match self {
            Profile::Generic => "national",
            other => other.name(),
        }
    }

    /// Stations in the reference fleet: 141 (Honghe), 124 (Shiyan), 9 (Taicang), 134 (Generic).
    /// Larger counts repeat the county layout with new stations.
    pub fn default_count(self) -> usize {
        geo::fleet_size(self)
    }

    /// Id prefix of the profile's stations (`HH`, `SY`, `TC`, `GN`).
    pub fn id_prefix(self) -> &'static str {
        match self {
            Profile::Honghe => "HH",
            Profile::Shiyan => "SY",
            Profile::Taicang => "TC",
            Profile::Generic => "GN",
        }
    }

    /// A constant that separates the random streams of the profiles.
    fn tag(self) -> u64 {
        match self {
            Profile::Honghe => 0x4848,
            Profile::Shiyan => 0x5359,
            Profile::Taicang => 0x5443,
            Profile::Generic => 0x474E,
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown profile name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProfile(pub String);

impl fmt::Display for UnknownProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown profile `{}` (expected honghe, shiyan, taicang or generic)",
            self.0
        )
    }
}

impl std::error::Error for UnknownProfile {}

impl FromStr for Profile {
    type Err = UnknownProfile;
    fn from_str(s: &str) -> Result<Profile, UnknownProfile> {
        match s.trim().to_ascii_lowercase().as_str() {
            "honghe" | "红河" => Ok(Profile::Honghe),
            "shiyan" | "十堰" => Ok(Profile::Shiyan),
            "taicang" | "太仓" => Ok(Profile::Taicang),
            "generic" | "national" => Ok(Profile::Generic),
            _ => Err(UnknownProfile(s.to_owned())),
        }
    }
}

/// The record of station `index` (0-based; its id is `index + 1`, e.g. `HH-0001`) in the fleet of
/// `profile` generated with `seed`. It depends on nothing else.
pub fn station(profile: &Profile, seed: u64, index: usize) -> serde_json::Value {
    station::build(*profile, seed, index)
}

/// Stations `0..count` of a fleet, generated lazily in index order.
pub fn fleet(
    profile: &Profile,
    seed: u64,
    count: usize,
) -> impl Iterator<Item = serde_json::Value> + use<> {
    let profile = *profile;
    (0..count).map(move |i| station::build(profile, seed, i))
}
