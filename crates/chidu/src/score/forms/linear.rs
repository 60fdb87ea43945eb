//! Linear band: `measure: EXPR`, `linear: {zero_at: a, full_at: b}` earns
//! `points × clamp((m − a) / (b − a), 0, 1)`; a > b means lower is better.

use crate::diag::Code;
use crate::expr::Ir;
use crate::expr::eval::{Cx, eval};
use crate::pack::build::IndCx;
use crate::value::V;
use crate::yaml::Node;

#[derive(Debug, Clone)]
pub(crate) struct Linear {
    pub(crate) measure: Ir,
    pub(crate) zero_at: f64,
    pub(crate) full_at: f64,
    pub(crate) measure_src: String,
}

impl Linear {
    pub(crate) fn read(node: &Node, cx: &mut IndCx) -> Option<Self> {
        let (measure, measure_src) = cx.numeric(node, "measure")?;
        let band = node.get("linear")?;
        cx.reader().map(band, "`linear`", &["zero_at", "full_at"])?;
        let zero_node = cx.reader().required(band, "zero_at", "`linear`")?;
        let full_node = cx.reader().required(band, "full_at", "`linear`")?;
        let zero_at = cx.amount(zero_node, "`zero_at`")?;
        let full_at = cx.amount(full_node, "`full_at`")?;
        if zero_at == full_at {
            cx.error(
                Code::InvalidValue,
                full_node,
                "`zero_at` and `full_at` are equal; the band needs two different bounds",
            );
            return None;
        }
        Some(Linear {
            measure,
            zero_at,
            full_at,
            measure_src,
        })
    }

    pub(crate) fn score<'a>(&'a self, points: f64, cx: &mut Cx<'a>) -> super::Scored {
        let mut out = super::Scored::default();
        let V::Num(m) = eval(&self.measure, cx) else {
            return out;
        };
        out.measure = Some(m);
        out.earned =
            Some(points * ((m - self.zero_at) / (self.full_at - self.zero_at)).clamp(0.0, 1.0));
        let op = if self.full_at > self.zero_at {
            ">="
        } else {
            "<="
        };
        out.comparison = Some(crate::report::Comparison {
            left: crate::report::Shown::Num(m),
            op,
            right: crate::report::Shown::Num(self.full_at),
        });
        out
    }

    pub(crate) fn describe(&self, p: &str, zh: bool) -> String {
        let (a, b) = (
            crate::report::fmt_num(self.zero_at),
            crate::report::fmt_num(self.full_at),
        );
        if zh {
            format!(
                "`{}` 为 {a} 时 0 分，达到 {b} 时满分 {p} 分，其间线性计分",
                self.measure_src
            )
        } else {
            format!(
                "`{}`: 0 points at {a}, full {p} at {b}, linear in between",
                self.measure_src
            )
        }
    }
}
