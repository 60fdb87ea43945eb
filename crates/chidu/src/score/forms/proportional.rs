//! Proportional: `measure: EXPR`, `target: EXPR` earns `points × clamp(measure / target, 0, 1)`.

use crate::expr::Ir;
use crate::expr::eval::{Cx, eval};
use crate::pack::build::IndCx;
use crate::value::V;
use crate::yaml::Node;

#[derive(Debug, Clone)]
pub(crate) struct Proportional {
    pub(crate) measure: Ir,
    pub(crate) target: Ir,
    pub(crate) measure_src: String,
    pub(crate) target_src: String,
}

impl Proportional {
    pub(crate) fn read(node: &Node, cx: &mut IndCx) -> Option<Self> {
        let (measure, measure_src) = cx.numeric(node, "measure")?;
        let (target, target_src) = cx.numeric(node, "target")?;
        Some(Proportional {
            measure,
            target,
            measure_src,
            target_src,
        })
    }

    pub(crate) fn score<'a>(&'a self, points: f64, cx: &mut Cx<'a>) -> super::Scored {
        let mut out = super::Scored::default();
        let (V::Num(m), V::Num(t)) = (eval(&self.measure, cx), eval(&self.target, cx)) else {
            return out;
        };
        out.measure = Some(m);
        if t <= 0.0 {
            out.error = Some(format!("target is {t}; it must be above 0"));
            return out;
        }
        out.earned = Some(points * (m / t).clamp(0.0, 1.0));
        out.comparison = Some(crate::report::Comparison {
            left: crate::report::Shown::Num(m),
            op: ">=",
            right: crate::report::Shown::Num(t),
        });
        out
    }

    pub(crate) fn describe(&self, p: &str, zh: bool) -> String {
        if zh {
            format!(
                "按 `{}` ÷ `{}` 的比例得分，满分 {p} 分",
                self.measure_src, self.target_src
            )
        } else {
            format!(
                "{p} × `{}` ÷ `{}`, capped at {p}",
                self.measure_src, self.target_src
            )
        }
    }
}
