//! All or nothing (default): `check: EXPR` earns the points when true. Also veto and bonus checks.

use crate::expr::Ir;
use crate::expr::eval::{Cx, compare, eval};
use crate::pack::build::IndCx;
use crate::report::{Comparison, Shown};
use crate::value::V;
use crate::yaml::Node;

#[derive(Debug, Clone)]
pub(crate) struct AllOrNothing {
    pub(crate) check: Ir,
    pub(crate) src: String,
    /// Value names when the top-level comparison is on an enum field (reports show names).
    pub(crate) enum_names: Option<Box<[String]>>,
}

impl AllOrNothing {
    pub(crate) fn read(node: &Node, cx: &mut IndCx) -> Option<Self> {
        let (check, src) = cx.boolean(node, "check")?;
        let field = match &check {
            Ir::Cmp(_, a, b) => [&**a, &**b].into_iter().find_map(|x| match x {
                Ir::Field {
                    depth: 0, slots, ..
                } => Some(&slots[..]),
                _ => None,
            }),
            Ir::CmpFieldConst(c) if c.depth == 0 => Some(&c.slots[..]),
            _ => None,
        };
        let enum_names = field
            .and_then(|slots| cx.schema.enum_names_at(slots))
            .map(Into::into);
        Some(AllOrNothing {
            check,
            src,
            enum_names,
        })
    }

    pub(crate) fn score<'a>(&'a self, points: f64, cx: &mut Cx<'a>) -> super::Scored {
        let (v, comparison) = eval_explained(&self.check, cx, self.enum_names.as_deref());
        let passed = match v {
            V::Bool(b) => Some(b),
            _ => None,
        };
        super::Scored {
            earned: passed.map(|p| if p { points } else { 0.0 }),
            passed,
            comparison,
            ..Default::default()
        }
    }

    pub(crate) fn describe(&self, p: &str, zh: bool) -> String {
        if zh {
            format!("满足 `{}` 得 {p} 分，否则 0 分", self.src)
        } else {
            format!("{p} points if `{}`, else 0", self.src)
        }
    }
}

/// Evaluates a condition; when it is a comparison, also returns both sides' values.
pub(crate) fn eval_explained<'a>(
    ir: &'a Ir,
    cx: &mut Cx<'a>,
    enum_names: Option<&[String]>,
) -> (V<'a>, Option<Comparison>) {
    if !cx.explain {
        return (eval(ir, cx), None);
    }
    if let Ir::Cmp(op, a, b) = ir {
        let left = eval(a, cx);
        let right = eval(b, cx);
        let v = compare(*op, left, right);
        let cmp = Comparison {
            left: Shown::from_view(left, enum_names, cx.arena),
            op: op.as_str(),
            right: Shown::from_view(right, enum_names, cx.arena),
        };
        return (v, Some(cmp));
    }
    if let Ir::CmpFieldConst(c) = ir {
        let left = crate::expr::eval::field(c.depth, &c.slots, &c.name, cx);
        let right = c.value.view_const();
        let v = compare(c.op, left, right);
        let cmp = Comparison {
            left: Shown::from_view(left, enum_names, cx.arena),
            op: c.op.as_str(),
            right: Shown::from_view(right, enum_names, cx.arena),
        };
        return (v, Some(cmp));
    }
    (eval(ir, cx), None)
}
