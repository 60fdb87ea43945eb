//! Portable random draws and calendar helpers.
//!
//! Only the raw `u64` stream of ChaCha12 is used; every range, ratio and pick is computed here with
//! integer arithmetic (and exact IEEE operations for ratios), so the output does not depend on the
//! sampling algorithms of a particular `rand` release or on the platform's pointer width.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;

/// SplitMix64 finaliser: a bijective mix of a 64-bit word.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Fractional parts of irrational numbers scaled to 2^64 (golden ratio, √2, √3). A Weyl
/// sequence `offset + i·K` with one of them spreads a quota evenly over consecutive indices.
const WEYL: [u64; 3] = [
    0x9E37_79B9_7F4A_7C15,
    0x6A09_E667_F3BC_C909,
    0xBB67_AE85_84CA_A73B,
];

/// Quota streams drawn with a Weyl sequence (one per fleet-level proportion).
#[derive(Clone, Copy)]
pub(crate) enum Quota {
    /// Strong / middling / weak tier.
    Tier = 0,
    /// A veto trigger.
    Veto = 1,
    /// Premises shared with another body.
    Premises = 2,
}

/// A point in [0, 1) for `index` in the quota stream: low-discrepancy over consecutive indices and
/// depending only on (profile, seed, index), so stations stay independent of each other.
pub(crate) fn quota(tag: u64, seed: u64, stream: Quota, index: u64) -> f64 {
    let k = WEYL[stream as usize];
    let offset = mix(seed ^ mix(tag.wrapping_mul(31).wrapping_add(stream as u64 + 1)));
    let u = offset.wrapping_add(index.wrapping_mul(k));
    to_unit(u)
}

fn to_unit(u: u64) -> f64 {
    // 53 high bits: exactly representable, identical on every IEEE-754 platform.
    (u >> 11) as f64 / (1u64 << 53) as f64
}

/// The per-station random stream.
pub(crate) struct Draw {
    rng: ChaCha12Rng,
}

impl Draw {
    /// A stream keyed by profile tag, seed and station index.
    pub(crate) fn new(tag: u64, seed: u64, index: u64) -> Draw {
        let mut key = [0u8; 32];
        key[0..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&index.to_le_bytes());
        key[16..24].copy_from_slice(&tag.to_le_bytes());
        key[24..32].copy_from_slice(b"chidu-sy");
        Draw {
            rng: ChaCha12Rng::from_seed(key),
        }
    }

    fn next(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        let u = self.next();
        to_unit(u)
    }

    /// Uniform integer in [0, n) (0 when n is 0), unbiased by rejection.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % n) - 1;
        loop {
            let v = self.next();
            if v <= zone {
                return v % n;
            }
        }
    }

    /// Uniform integer in [lo, hi] (lo when hi < lo).
    pub(crate) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.abs_diff(lo) + 1;
        lo.wrapping_add(self.below(span) as i64)
    }

    /// Uniform count in [lo, hi].
    pub(crate) fn count(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as usize
    }

    /// Uniform real in [lo, hi).
    pub(crate) fn real(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// True with a probability that moves linearly from `lo` (quality 0) to `hi` (quality 1).
    pub(crate) fn by(&mut self, q: f64, lo: f64, hi: f64) -> bool {
        self.chance(lo + (hi - lo) * q)
    }

    /// One element of a slice; the pools passed in are never empty.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = self.below(items.len() as u64) as usize;
        items[i]
    }

    /// An index chosen with the given weights.
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// `k` distinct indices of `0..n`, in increasing order.
    pub(crate) fn subset(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below((n - i) as u64) as usize;
            idx.swap(i, j);
        }
        let mut out = idx[..k].to_vec();
        out.sort_unstable();
        out
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub(crate) fn day(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub(crate) fn civil(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DD`.
pub(crate) fn iso(z: i32) -> String {
    let (y, m, d) = civil(z);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for z in day(1999, 12, 25)..day(2031, 3, 1) {
            let (y, m, d) = civil(z);
            assert_eq!(day(y, m, d), z);
        }
        assert_eq!(iso(day(2024, 2, 29)), "2024-02-29");
        assert_eq!(iso(day(2025, 12, 31) + 1), "2026-01-01");
        assert_eq!(day(1970, 1, 1), 0);
    }

    #[test]
    fn draws_are_in_range_and_stable() {
        let mut a = Draw::new(1, 7, 3);
        let mut b = Draw::new(1, 7, 3);
        for _ in 0..1000 {
            let x = a.int(-3, 9);
            assert!((-3..=9).contains(&x));
            assert_eq!(x, b.int(-3, 9));
        }
        let s = a.subset(10, 4);
        assert_eq!(s.len(), 4);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn quota_is_even() {
        let hits = (0..141u64)
            .filter(|&i| quota(3, 1, Quota::Premises, i) < 0.05)
            .count();
        assert!((6..=8).contains(&hits), "{hits}");
    }
}
