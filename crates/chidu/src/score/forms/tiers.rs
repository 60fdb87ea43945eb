//! Tiers: `measure: EXPR`, `tiers: [{min: x, points: p}, …]` by descending `min`; the first tier
//! the measure reaches wins, else 0.

use crate::diag::Code;
use crate::expr::Ir;
use crate::expr::eval::{Cx, eval};
use crate::pack::build::IndCx;
use crate::value::V;
use crate::yaml::Node;

#[derive(Debug, Clone)]
pub(crate) struct Tiers {
    pub(crate) measure: Ir,
    /// (min, points), descending by min.
    pub(crate) tiers: Vec<(f64, f64)>,
    pub(crate) measure_src: String,
}

impl Tiers {
    pub(crate) fn read(node: &Node, cx: &mut IndCx) -> Option<Self> {
        let (measure, measure_src) = cx.numeric(node, "measure")?;
        let list = node.get("tiers")?;
        let Some(entries) = list.as_seq() else {
            cx.error(
                Code::InvalidValue,
                list,
                "`tiers` must be a list of {min, points}",
            );
            return None;
        };
        let mut tiers = Vec::new();
        for entry in entries {
            cx.reader().map(entry, "a tier", &["min", "points"])?;
            let min_node = cx.reader().required(entry, "min", "a tier")?;
            let points_node = cx.reader().required(entry, "points", "a tier")?;
            let min = cx.amount(min_node, "`min`")?;
            let points = cx.reader().number(points_node, "tier `points`")?;
            if let Some(&(prev, _)) = tiers.last()
                && min >= prev
            {
                cx.error(
                    Code::InvalidValue,
                    min_node,
                    format!("tiers must be listed by descending `min`; {min} follows {prev}"),
                );
            }
            if points > cx.points + 1e-9 || points < 0.0 {
                cx.error(
                    Code::InvalidValue,
                    points_node,
                    format!("tier points {points} are outside 0..{}", cx.points),
                );
            }
            tiers.push((min, points));
        }
        if tiers.is_empty() {
            cx.error(Code::InvalidValue, list, "`tiers` is empty");
            return None;
        }
        Some(Tiers {
            measure,
            tiers,
            measure_src,
        })
    }

    pub(crate) fn score<'a>(&'a self, _points: f64, cx: &mut Cx<'a>) -> super::Scored {
        let mut out = super::Scored::default();
        let V::Num(m) = eval(&self.measure, cx) else {
            return out;
        };
        out.measure = Some(m);
        let tier = self.tiers.iter().find(|(min, _)| m >= *min);
        out.earned = Some(tier.map_or(0.0, |(_, p)| *p));
        if let Some((top, _)) = self.tiers.first() {
            out.comparison = Some(crate::report::Comparison {
                left: crate::report::Shown::Num(m),
                op: ">=",
                right: crate::report::Shown::Num(*top),
            });
        }
        out
    }

    pub(crate) fn describe(&self, p: &str, zh: bool) -> String {
        let parts: Vec<String> = self
            .tiers
            .iter()
            .map(|(min, pts)| {
                let (min, pts) = (crate::report::fmt_num(*min), crate::report::fmt_num(*pts));
                if zh {
                    format!("≥{min} 得 {pts} 分")
                } else {
                    format!("≥ {min}: {pts}")
                }
            })
            .collect();
        if zh {
            format!(
                "`{}` 分档计分（满分 {p} 分）：{}，否则 0 分",
                self.measure_src,
                parts.join("；")
            )
        } else {
            format!(
                "`{}` in tiers (of {p}): {}; else 0",
                self.measure_src,
                parts.join("; ")
            )
        }
    }
}
