//! The scoring forms of SPEC §2.3, one file each, and the registry that finds an indicator's form.

mod all_or_nothing;
mod linear;
mod per_instance;
mod per_item;
mod proportional;
mod tiers;

pub(crate) use all_or_nothing::AllOrNothing;
pub(crate) use linear::Linear;
pub(crate) use per_instance::PerInstance;
pub(crate) use per_item::PerItem;
pub(crate) use proportional::Proportional;
pub(crate) use tiers::Tiers;

use crate::Lang;
use crate::diag::Code;
use crate::expr::eval::Cx;
use crate::pack::build::IndCx;
use crate::report::{Comparison, Deduction};
use crate::yaml::Node;

/// One indicator's scoring form.
#[derive(Debug, Clone)]
pub(crate) enum Form {
    AllOrNothing(AllOrNothing),
    PerItem(PerItem),
    PerInstance(PerInstance),
    Proportional(Proportional),
    Linear(Linear),
    Tiers(Tiers),
}

/// What a form computed for one record.
#[derive(Debug, Default)]
pub(crate) struct Scored {
    /// Points earned out of the indicator's points; `None` when evidence is missing.
    pub(crate) earned: Option<f64>,
    /// For check-based forms: whether the check held.
    pub(crate) passed: Option<bool>,
    pub(crate) comparison: Option<Comparison>,
    pub(crate) deductions: Vec<Deduction>,
    pub(crate) measure: Option<f64>,
    pub(crate) failed: u32,
    pub(crate) error: Option<String>,
}

/// A registry entry: the keys that select a form, and its names.
pub(crate) struct FormInfo {
    pub(crate) id: &'static str,
    /// The key whose presence selects the form.
    pub(crate) key: &'static str,
    pub(crate) zh: &'static str,
    pub(crate) en: &'static str,
}

/// Every form, in the order they are tried. `check` is last: the per-instance form uses it too.
pub(crate) const FORMS: &[FormInfo] = &[
    FormInfo {
        id: "per_item",
        key: "items",
        zh: "逐项扣分",
        en: "per-item deduction",
    },
    FormInfo {
        id: "per_instance",
        key: "for_each",
        zh: "逐个扣分",
        en: "per-instance deduction",
    },
    FormInfo {
        id: "proportional",
        key: "target",
        zh: "按比例计分",
        en: "proportional",
    },
    FormInfo {
        id: "linear",
        key: "linear",
        zh: "线性计分",
        en: "linear band",
    },
    FormInfo {
        id: "tiers",
        key: "tiers",
        zh: "分档计分",
        en: "tiers",
    },
    FormInfo {
        id: "all_or_nothing",
        key: "check",
        zh: "达标得分",
        en: "all or nothing",
    },
];

/// Finds and reads the one scoring form of an indicator.
pub(crate) fn read(node: &Node, cx: &mut IndCx) -> Option<Form> {
    let has = |k: &str| node.get(k).is_some();
    let mut found: Vec<&FormInfo> = FORMS.iter().filter(|f| has(f.key)).collect();
    // `check` belongs to `for_each`, and `measure` needs one of target/linear/tiers.
    if has("for_each") {
        found.retain(|f| f.key != "check");
    }
    if found.len() > 1 {
        let names: Vec<&str> = found.iter().map(|f| f.key).collect();
        cx.error_at_id(
            Code::MultipleScoringForms,
            format!(
                "indicator has more than one scoring form: {}",
                names.join(", ")
            ),
        );
        return None;
    }
    let Some(info) = found.first() else {
        let msg = if has("measure") {
            "`measure` needs `target`, `linear` or `tiers`"
        } else {
            "indicator has no scoring form (`check`, `items`, `for_each` or `measure`)"
        };
        cx.error_at_id(Code::NoScoringForm, msg.to_owned());
        return None;
    };
    if has("measure") && matches!(info.id, "per_item" | "per_instance" | "all_or_nothing") {
        cx.error_at_id(
            Code::MultipleScoringForms,
            format!(
                "indicator has more than one scoring form: measure, {}",
                info.key
            ),
        );
        return None;
    }
    match info.id {
        "per_item" => PerItem::read(node, cx).map(Form::PerItem),
        "per_instance" => PerInstance::read(node, cx).map(Form::PerInstance),
        "proportional" => Proportional::read(node, cx).map(Form::Proportional),
        "linear" => Linear::read(node, cx).map(Form::Linear),
        "tiers" => Tiers::read(node, cx).map(Form::Tiers),
        _ => AllOrNothing::read(node, cx).map(Form::AllOrNothing),
    }
}

impl Form {
    pub(crate) fn score<'a>(&'a self, points: f64, bonus: bool, cx: &mut Cx<'a>) -> Scored {
        match self {
            Form::AllOrNothing(f) => f.score(points, cx),
            Form::PerItem(f) => f.score(points, bonus, cx),
            Form::PerInstance(f) => f.score(points, bonus, cx),
            Form::Proportional(f) => f.score(points, cx),
            Form::Linear(f) => f.score(points, cx),
            Form::Tiers(f) => f.score(points, cx),
        }
    }

    pub(crate) fn id(&self) -> &'static str {
        match self {
            Form::AllOrNothing(_) => "all_or_nothing",
            Form::PerItem(_) => "per_item",
            Form::PerInstance(_) => "per_instance",
            Form::Proportional(_) => "proportional",
            Form::Linear(_) => "linear",
            Form::Tiers(_) => "tiers",
        }
    }

    /// Every compiled expression of the form, for whole-pack rewrites (shared aggregates).
    pub(crate) fn irs_mut(&mut self) -> Vec<&mut crate::expr::Ir> {
        match self {
            Form::AllOrNothing(f) => vec![&mut f.check],
            Form::PerItem(f) => f.items.iter_mut().map(|i| &mut i.check).collect(),
            Form::PerInstance(f) => {
                let mut v = vec![&mut f.list, &mut f.check];
                if let Some(x) = &mut f.filter {
                    v.push(x);
                }
                v
            }
            Form::Proportional(f) => vec![&mut f.measure, &mut f.target],
            Form::Linear(f) => vec![&mut f.measure],
            Form::Tiers(f) => vec![&mut f.measure],
        }
    }

    /// The expression sources of the form (for docs and param cross-references).
    pub(crate) fn sources(&self) -> Vec<&str> {
        match self {
            Form::AllOrNothing(f) => vec![f.src.as_str()],
            Form::PerItem(f) => f.items.iter().map(|i| i.src.as_str()).collect(),
            Form::PerInstance(f) => [
                Some(f.list_src.as_str()),
                f.filter_src.as_deref(),
                Some(f.src.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Form::Proportional(f) => vec![f.measure_src.as_str(), f.target_src.as_str()],
            Form::Linear(f) => vec![f.measure_src.as_str()],
            Form::Tiers(f) => vec![f.measure_src.as_str()],
        }
    }

    /// The scoring rule in words, for `explain` and generated docs.
    pub(crate) fn describe(&self, points: f64, bonus: bool, veto: bool, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        if veto {
            return if zh {
                "一票否决：不满足即判为否决".to_owned()
            } else {
                "veto: failing it vetoes the record".to_owned()
            };
        }
        let p = crate::report::fmt_num(points);
        match self {
            Form::AllOrNothing(f) => f.describe(&p, zh),
            Form::PerItem(f) => f.describe(&p, bonus, zh),
            Form::PerInstance(f) => f.describe(&p, bonus, zh),
            Form::Proportional(f) => f.describe(&p, zh),
            Form::Linear(f) => f.describe(&p, zh),
            Form::Tiers(f) => f.describe(&p, zh),
        }
    }
}
