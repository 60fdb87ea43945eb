//! Per-item deduction (每缺一项扣d分，扣完为止): `items: [{id, title, check}]` with `deduct: d`,
//! or, for a bonus, `add: d` per passing item.

use crate::expr::Ir;
use crate::expr::eval::{Cx, eval};
use crate::pack::build::IndCx;
use crate::pack::read::Text;
use crate::report::Deduction;
use crate::value::V;
use crate::yaml::Node;

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub(crate) id: String,
    pub(crate) title: Option<Text>,
    pub(crate) check: Ir,
    pub(crate) src: String,
}

#[derive(Debug, Clone)]
pub(crate) struct PerItem {
    pub(crate) items: Vec<Item>,
    /// Points deducted per failing item (or added per passing item for a bonus).
    pub(crate) per: f64,
}

impl PerItem {
    pub(crate) fn read(node: &Node, cx: &mut IndCx) -> Option<Self> {
        let per = cx.per_amount(node)?;
        let list = node.get("items")?;
        let Some(entries) = list.as_seq() else {
            cx.error(
                crate::diag::Code::InvalidValue,
                list,
                "`items` must be a list of {id, title, check}",
            );
            return None;
        };
        let mut items = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for entry in entries {
            cx.reader()
                .map(entry, "an item", &["id", "title", "check"])?;
            let id_node = cx.reader().required(entry, "id", "an item")?;
            let id = cx.reader().string(id_node, "item `id`")?;
            if !seen.insert(id.clone()) {
                cx.error(
                    crate::diag::Code::DuplicateId,
                    id_node,
                    format!("item id `{id}` appears twice in this indicator"),
                );
            }
            let title = entry
                .get("title")
                .and_then(|t| cx.reader().text(t, "item `title`"));
            let Some((check, src)) = cx.boolean(entry, "check") else {
                continue;
            };
            items.push(Item {
                id,
                title,
                check,
                src,
            });
        }
        Some(PerItem { items, per })
    }

    pub(crate) fn score<'a>(&'a self, points: f64, bonus: bool, cx: &mut Cx<'a>) -> super::Scored {
        let mut out = super::Scored::default();
        let mut passing = 0usize;
        for (index, item) in self.items.iter().enumerate() {
            let mark = cx.missing.len();
            let v = eval(&item.check, cx);
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
                out.deductions.push(Deduction {
                    points: self.per,
                    item: Some(index as u32),
                    path: None,
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
        let names: Vec<String> =
            self.items
                .iter()
                .map(|i| {
                    i.title.as_ref().map_or(i.id.clone(), |t| {
                        if zh { t.zh.clone() } else { t.en.clone() }
                    })
                })
                .collect();
        match (bonus, zh) {
            (false, true) => format!(
                "共 {} 项（{}），每缺一项扣 {d} 分，扣完 {p} 分为止",
                names.len(),
                names.join("、")
            ),
            (false, false) => format!(
                "{} items ({}); {d} deducted per missing item, down to 0 of {p}",
                names.len(),
                names.join(", ")
            ),
            (true, true) => format!(
                "共 {} 项（{}），每满足一项加 {d} 分，最多 {p} 分",
                names.len(),
                names.join("、")
            ),
            (true, false) => format!(
                "{} items ({}); {d} added per item met, up to {p}",
                names.len(),
                names.join(", ")
            ),
        }
    }
}
