//! The pack-level parts of standard.yaml: params (with their basis), grade bands and named
//! fleet aggregates.

use super::*;

fn param_from_node(node: &Node) -> Option<(Value, Ty)> {
    Some(match &node.kind {
        NodeKind::Int(i) => (Value::Int(*i), Ty::Int),
        NodeKind::Float(f) => (Value::Num(*f), Ty::Num),
        NodeKind::Str(s) => (Value::Str(s.as_str().into()), Ty::Str),
        NodeKind::Bool(b) => (Value::Bool(*b), Ty::Bool),
        NodeKind::Seq(items) => {
            let mut values = Vec::new();
            let mut ty = None;
            for i in items {
                let (v, t) = param_from_node(i)?;
                let t = if t == Ty::Int { Ty::Num } else { t };
                if matches!(t, Ty::List(_)) || ty.as_ref().is_some_and(|p| *p != t) {
                    return None;
                }
                ty = Some(t);
                values.push(v);
            }
            (
                Value::Consts(values.into()),
                Ty::List(Box::new(ty.unwrap_or(Ty::Str))),
            )
        }
        _ => return None,
    })
}

pub(super) fn read_params(node: Option<&Node>, r: &mut Reader) -> IndexMap<String, Param> {
    let mut out = IndexMap::new();
    let Some(node) = node else { return out };
    let Some(entries) = node.as_map() else {
        r.err(
            Code::InvalidValue,
            node,
            "`params` must be a mapping of name → value",
        );
        return out;
    };
    for (k, v) in entries {
        let (value_node, unit, basis, source) = if v.as_map().is_some() {
            if r.map(v, &format!("param `{}`", k.name), PARAM_KEYS)
                .is_none()
            {
                continue;
            }
            let Some(value) = r.required(v, "value", &format!("param `{}`", k.name)) else {
                continue;
            };
            let unit = v.get("unit").and_then(|n| r.string(n, "`unit`"));
            let basis = v.get("basis").and_then(|n| r.text(n, "`basis`"));
            let source = v.get("source").and_then(|n| r.string(n, "`source`"));
            (value.clone(), unit, basis, source)
        } else {
            (v.clone(), None, None, None)
        };
        let Some((value, ty)) = param_from_node(&value_node) else {
            r.err(
                Code::InvalidValue,
                &value_node,
                format!(
                    "param `{}` must be a number, string, boolean or a list of one of those",
                    k.name
                ),
            );
            continue;
        };
        let shown = match &value_node.kind {
            NodeKind::Seq(items) => items
                .iter()
                .map(crate::report::node_scalar)
                .collect::<Vec<_>>()
                .join(", "),
            _ => crate::report::node_scalar(&value_node),
        };
        out.insert(
            k.name.clone(),
            Param {
                value: ParamValue { value, ty },
                unit,
                basis,
                source,
                shown,
            },
        );
    }
    out
}

pub(super) fn read_grades(node: Option<&Node>, r: &mut Reader) -> Vec<Grade> {
    let mut grades = Vec::new();
    let Some(node) = node else { return grades };
    let Some(items) = node.as_seq() else {
        r.err(
            Code::InvalidValue,
            node,
            "`grades` must be a list, best first",
        );
        return grades;
    };
    for g in items {
        if r.map(g, "a grade", GRADE_KEYS).is_none() {
            continue;
        }
        let Some(id) = r
            .required(g, "id", "a grade")
            .and_then(|n| r.string(n, "grade `id`"))
        else {
            continue;
        };
        let label = g
            .get("label")
            .and_then(|n| r.text(n, "`label`"))
            .unwrap_or_else(|| Text {
                zh: id.clone(),
                en: id.clone(),
            });
        let min_score = g.get("min_score").and_then(|n| r.number(n, "`min_score`"));
        let min_section_ratio = g
            .get("min_section_ratio")
            .and_then(|n| r.number(n, "`min_section_ratio`"));
        grades.push(Grade {
            id,
            label,
            min_score,
            min_section_ratio,
        });
    }
    if let (Some(last), Some(last_node)) = (grades.last(), items.last())
        && (last.min_score.is_some() || last.min_section_ratio.is_some())
    {
        let d = r.diag_at(
            Code::GradesNoCatchAll,
            last_node.file,
            last_node.span,
            format!(
                "the last grade `{}` has conditions, so some records would get no grade",
                last.id
            ),
        );
        r.push(d.with_help("add a last band without `min_score`/`min_section_ratio`, e.g. {id: fail, label: {zh: 不合格, en: Fail}}"));
    }
    grades
}

pub(super) fn read_aggregates(
    node: Option<&Node>,
    files: &FileTable,
    diags: &mut Diags,
    schema: &RecordSchema,
    params: &IndexMap<String, ParamValue>,
    used: &mut Used,
) -> Vec<AggregateDef> {
    let mut out = Vec::new();
    let Some(node) = node else { return out };
    let mut r = Reader { files, diags };
    let Some(entries) = node.as_map() else {
        r.err(
            Code::InvalidValue,
            node,
            "`aggregates` must map names to {label, agg, of}",
        );
        return out;
    };
    for (k, v) in entries {
        let mut r = Reader { files, diags };
        if r.map(
            v,
            &format!("aggregate `{}`", k.name),
            &["label", "agg", "of"],
        )
        .is_none()
        {
            continue;
        }
        let label = v
            .get("label")
            .and_then(|n| r.text(n, "`label`"))
            .unwrap_or_else(|| Text {
                zh: k.name.clone(),
                en: k.name.clone(),
            });
        let Some(agg_node) = r.required(v, "agg", &format!("aggregate `{}`", k.name)) else {
            continue;
        };
        let kind = match agg_node.as_str() {
            Some("ratio") => AggregateKind::Ratio,
            Some("sum") => AggregateKind::Sum,
            Some("mean") => AggregateKind::Mean,
            Some("count") => AggregateKind::Count,
            _ => {
                r.err(
                    Code::InvalidValue,
                    agg_node,
                    "`agg` must be one of ratio, sum, mean, count",
                );
                continue;
            }
        };
        let want = if kind == AggregateKind::Ratio || kind == AggregateKind::Count {
            Want::Bool
        } else {
            Want::Num
        };
        let mut cx = IndCx {
            files,
            diags,
            schema,
            params,
            used,
            lets: Vec::new(),
            items: Vec::new(),
            id_node: agg_node.clone(),
            points: 0.0,
            bonus: false,
        };
        let of = if v.get("of").is_some() {
            cx.compile(v, "of", want).map(|(t, _)| t.ir)
        } else {
            None
        };
        if of.is_none() && kind != AggregateKind::Count {
            continue;
        }
        out.push(AggregateDef {
            id: k.name.clone(),
            label,
            kind,
            of,
        });
    }
    out
}
