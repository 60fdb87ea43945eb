//! One indicator read from its node: scoring form, `when`, lets, message template, pii.

use super::*;

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the borrows are disjoint"
)]
pub(super) fn read_indicator(
    node: &Node,
    section: usize,
    files: &FileTable,
    diags: &mut Diags,
    schema: &RecordSchema,
    param_values: &IndexMap<String, ParamValue>,
    params: &IndexMap<String, Param>,
    used: &mut Used,
    seen: &mut HashMap<String, ()>,
) -> Option<Indicator> {
    let mut r = Reader { files, diags };
    r.map(node, "an indicator", INDICATOR_KEYS)?;
    let id_node = r.required(node, "id", "an indicator")?.clone();
    let id = r.string(&id_node, "indicator `id`")?;
    if seen.insert(id.clone(), ()).is_some() {
        r.err(
            Code::DuplicateId,
            &id_node,
            format!("id `{id}` is used twice"),
        );
    }
    let title = r
        .required(node, "title", "an indicator")
        .and_then(|n| r.text(n, "`title`"))
        .unwrap_or_default();
    let description = node
        .get("description")
        .and_then(|n| r.text(n, "`description`"));
    let clause = node.get("clause").and_then(|n| r.string(n, "`clause`"));
    let veto = node
        .get("veto")
        .and_then(|n| r.boolean(n, "`veto`"))
        .unwrap_or(false);
    let bonus = node
        .get("bonus")
        .and_then(|n| r.boolean(n, "`bonus`"))
        .unwrap_or(false);
    if veto && bonus {
        r.err(
            Code::InvalidValue,
            &id_node,
            "an indicator cannot be both `veto` and `bonus`",
        );
    }
    let points = match node.get("points") {
        Some(n) => {
            let p = r.number(n, "`points`").unwrap_or(0.0);
            if p < 0.0 {
                r.err(Code::InvalidValue, n, "`points` cannot be negative");
            }
            if veto && p != 0.0 {
                r.err(Code::InvalidValue, n, "veto indicators carry no points");
            }
            p
        }
        None if veto => 0.0,
        None => {
            r.err(
                Code::MissingKey,
                &id_node,
                format!("indicator `{id}` has no `points`"),
            );
            0.0
        }
    };
    let method = node.get("method").and_then(|n| {
        let m = r.string(n, "`method`")?;
        if !METHODS.contains(&m.as_str()) {
            let d = r.diag_at(
                Code::InvalidValue,
                n.file,
                n.span,
                format!("unknown method `{m}`"),
            );
            r.push(
                d.with_help(
                    did_you_mean(&m, METHODS.iter().copied())
                        .unwrap_or_else(|| format!("expected one of: {}", METHODS.join(", "))),
                ),
            );
        }
        Some(m)
    });
    let remediation = node
        .get("remediation")
        .and_then(|n| r.text(n, "`remediation`"));
    let message_text = node
        .get("message")
        .and_then(|n| r.text(n, "`message`").map(|t| (t, n.clone())));
    let mut cx = IndCx {
        files,
        diags,
        schema,
        params: param_values,
        used,
        lets: Vec::new(),
        items: Vec::new(),
        id_node: id_node.clone(),
        points,
        bonus,
    };
    let when = if node.get("when").is_some() {
        cx.boolean(node, "when")
    } else {
        None
    };
    let mut lets = Vec::new();
    if let Some(let_node) = node.get("let") {
        match let_node.as_map() {
            Some(entries) => {
                for (k, _) in entries {
                    if schema.root().field(&k.name).is_some() {
                        let d = cx.reader().diag_at(
                            Code::InvalidValue,
                            k.file,
                            k.span,
                            format!("`let` name `{}` shadows a record field", k.name),
                        );
                        cx.diags.push(d);
                        continue;
                    }
                    let Some((typed, src)) = cx.compile(let_node, &k.name, Want::Any) else {
                        continue;
                    };
                    let def = LetDef {
                        name: k.name.clone(),
                        ty: typed.ty.clone(),
                        pii: typed.pii == Some(true),
                    };
                    cx.lets.push(def.clone());
                    lets.push(LetC {
                        def,
                        ir: typed.ir,
                        src,
                        shared: None,
                    });
                }
            }
            None => cx.error(
                Code::InvalidValue,
                let_node,
                "`let` must map names to expressions",
            ),
        }
    }
    let form = forms::read(node, &mut cx);
    if veto && !matches!(form, Some(forms::Form::AllOrNothing(_)) | None) {
        cx.error_at_id(
            Code::InvalidValue,
            "a veto indicator is scored by `check` only".to_owned(),
        );
    }
    let comparison_pii = comparison_is_pii(node, &mut cx);
    let let_names: Vec<String> = cx.lets.iter().map(|l| l.name.clone()).collect();
    let message = message_text.and_then(|(t, n)| template(&t, &n, &let_names, params, &mut cx));
    let form = form?;
    let title_json = serde_json::value::to_raw_value(&title).ok()?;
    let remediation_json = match &remediation {
        Some(r) => Some(serde_json::value::to_raw_value(r).ok()?),
        None => None,
    };
    Some(Indicator {
        title_json,
        remediation_json,
        id: id.into(),
        section,
        title,
        description,
        clause,
        points,
        method,
        veto,
        bonus,
        when,
        lets,
        form,
        message,
        remediation,
        comparison_pii,
    })
}

fn comparison_is_pii(node: &Node, cx: &mut IndCx) -> bool {
    let Some(src) = node.get("check").and_then(Node::as_str) else {
        return false;
    };
    if node.get("for_each").is_some() {
        return false;
    }
    let Ok(ast) = syntax::parse(src) else {
        return false;
    };
    let mut scratch = Used::default();
    let mut checker = Checker::new(cx.schema, cx.params, &cx.lets, &mut scratch);
    checker.expr(&ast).pii == Some(true)
}

fn template(
    text: &Text,
    node: &Node,
    lets: &[String],
    params: &IndexMap<String, Param>,
    cx: &mut IndCx,
) -> Option<Template> {
    let zh = pieces(&text.zh, node, lets, params, cx);
    // A plain-string message fills both languages: check it once, not twice.
    let en = if text.en == text.zh {
        zh.clone()
    } else {
        pieces(&text.en, node, lets, params, cx)
    };
    Some(Template { zh: zh?, en: en? })
}

fn pieces(
    s: &str,
    node: &Node,
    lets: &[String],
    params: &IndexMap<String, Param>,
    cx: &mut IndCx,
) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut ok = true;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Lit(rest[..open].to_owned()));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push(Piece::Lit(rest[open..].to_owned()));
            rest = "";
            break;
        };
        let name = after[..close].trim();
        let piece = if let Some(p) = name.strip_prefix("params.") {
            // Params are fixed once the pack is built: fill them in now, not per report.
            params.get(p).map(|param| Piece::Lit(param.shown.clone()))
        } else {
            match name {
                "earned" => Some(Piece::Earned),
                "possible" | "points" => Some(Piece::Possible),
                "measure" => Some(Piece::Measure),
                "failed" => Some(Piece::Failed),
                _ => lets.iter().position(|l| l == name).map(Piece::Let),
            }
        };
        match piece {
            Some(p) => out.push(p),
            None => {
                ok = false;
                let mut candidates: Vec<String> = lets.to_vec();
                candidates.extend(params.keys().map(|k| format!("params.{k}")));
                let help = did_you_mean(name, candidates.iter().map(String::as_str));
                let mut d = Diagnostic::new(
                    Code::UnknownPlaceholder,
                    format!("message placeholder `{{{name}}}` names no `let` value or param"),
                );
                if let Some(f) = cx.files.get(node.file) {
                    let offset = f
                        .text
                        .get(node.span.offset..)
                        .and_then(|t| t.find(&format!("{{{name}")))
                        .map_or(node.span.offset, |i| node.span.offset + i);
                    d = d.at(
                        f,
                        crate::diag::Span {
                            offset,
                            len: name.len() + 2,
                        },
                    );
                }
                cx.diags.push(match help {
                    Some(h) => d.with_help(h),
                    None => d.with_help("placeholders name `let` values, `params.<name>`, `earned`, `possible`, `measure` or `failed`"),
                });
            }
        }
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Lit(rest.to_owned()));
    }
    ok.then_some(out)
}
