//! Per-instance deduction: `for_each: LIST`, optional `where: PRED`, `check: PRED`, `deduct: d`
//! (or `add: d` for a bonus). Each failing instance is listed with its path, e.g. `staff[2]`.

use crate::expr::Ir;
use crate::expr::eval::{Cx, eval};
use crate::pack::build::IndCx;
use crate::report::Deduction;
use crate::value::V;
use crate::yaml::Node;

#[derive(Debug, Clone)]
pub(crate) struct PerInstance {
    pub(crate) list: Ir,
    pub(crate) list_name: Box<str>,
    pub(crate) filter: Option<Ir>,
    pub(crate) filter_src: Option<String>,
    pub(crate) check: Ir,
    pub(crate) per: f64,
    pub(crate) src: String,
    pub(crate) list_src: String,
}

impl PerInstance {
    pub(crate) fn read(node: &Node, cx: &mut IndCx) -> Option<Self> {
        let per = cx.per_amount(node)?;
        let (list, item_ty, list_src) = cx.list(node, "for_each")?;
        let list_name: Box<str> = match &list {
            Ir::Field { name, .. } => name.clone(),
            _ => "".into(),
        };
        let (filter, check) = cx.with_item(item_ty, |cx| {
            let filter = if node.get("where").is_some() {
                cx.boolean(node, "where")
            } else {
                None
            };
            if node.get("check").is_none() {
                cx.error_at_id(
                    crate::diag::Code::MissingKey,
                    "`for_each` needs a `check` for each instance".to_owned(),
                );
                return (filter, None);
            }
            (filter, cx.boolean(node, "check"))
        });
        let (check, src) = check?;
        let (filter, filter_src) = filter.map_or((None, None), |(ir, s)| (Some(ir), Some(s)));
        Some(PerInstance {
            list,
            list_name,
            filter,
            filter_src,
            check,
            per,
            src,
            list_src,
        })
    }

    pub(crate) fn score<'a>(&'a self, points: f64, bonus: bool, cx: &mut Cx<'a>) -> super::Scored {
        let mut out = super::Scored::default();
        let items = match eval(&self.list, cx) {
            V::List(items) => items,
            _ => return out, // absent list: no evidence
        };
        let mut passing = 0usize;
        for (i, item) in items.iter().enumerate() {
            cx.set_item(1, item.view(cx.arena), i as u32, &self.list_name, 0);
            if let Some(filter) = &self.filter {
                let mark = cx.missing.len();
                let keep = eval(filter, cx) == V::Bool(true);
                cx.missing.truncate(mark);
                if !keep {
                    continue;
                }
            }
            let mark = cx.missing.len();
            let v = eval(&self.check, cx);
            if v == V::Bool(true) {
                passing += 1;
                cx.missing.truncate(mark);
                continue;
            }
            out.failed += 1;
            let missing = v.is_missing();
            if !missing {
                cx.missing.truncate(mark);
            }
            if !bonus {
                let path = cx.item_path(1);
                out.deductions.push(Deduction {
                    points: self.per,
                    item: None,
                    path: Some(path),
                    missing,
                });
            }
        }
        let earned = if bonus {
            (self.per * passing as f64).min(points)
        } else {
            (points - self.per * out.failed as f64).max(0.0)
        };
        out.earned = Some(earned);
        out
    }

    pub(crate) fn describe(&self, p: &str, bonus: bool, zh: bool) -> String {
        let d = crate::report::fmt_num(self.per);
        match (bonus, zh) {
            (false, true) => format!(
                "对 `{}` 中每一项检查 `{}`，每个不满足扣 {d} 分，扣完 {p} 分为止",
                self.list_src, self.src
            ),
            (false, false) => format!(
                "for each of `{}`, `{}`; {d} deducted per failing instance, down to 0 of {p}",
                self.list_src, self.src
            ),
            (true, true) => format!(
                "对 `{}` 中每一项检查 `{}`，每个满足加 {d} 分，最多 {p} 分",
                self.list_src, self.src
            ),
            (true, false) => format!(
                "for each of `{}`, `{}`; {d} added per passing instance, up to {p}",
                self.list_src, self.src
            ),
        }
    }
}
