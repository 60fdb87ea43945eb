//! Output formats of `chidu check`: one function per format, chosen by `render`.

use crate::check::Format;

/// Renders a batch in the chosen format.
pub(crate) fn render(
    format: Format,
    batch: &chidu::Batch,
    lang: chidu::Lang,
    color: bool,
) -> Result<Vec<u8>, String> {
    Ok(match format {
        Format::Json => (batch.to_json() + "\n").into_bytes(),
        Format::Jsonl => jsonl(batch).into_bytes(),
        Format::Md => chidu::render::batch_markdown(batch, lang).into_bytes(),
        Format::Text => chidu::render::batch_text(batch, lang, color).into_bytes(),
        Format::Xlsx => {
            // `color` is true exactly when stdout is a terminal and there is no --output.
            if color {
                return Err("--format xlsx writes a binary workbook: give --output PATH".to_owned());
            }
            batch.to_xlsx(lang)?
        }
        Format::Html => chidu::batch_html(batch, lang).into_bytes(),
        Format::Sarif => {
            let mut s = serde_json::to_string_pretty(&chidu::batch_sarif(batch, lang))
                .map_err(|e| format!("--format {}: {e}", format_name(format)))?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Junit => chidu::batch_junit(batch, lang).into_bytes(),
        Format::Csv => csv(batch)?,
    })
}

/// One row per record: id, name, one column per group field, score, grade, vetoed, then
/// `ratio.<section>` per section, and `error` for records that could not be evaluated.
fn csv(batch: &chidu::Batch) -> Result<Vec<u8>, String> {
    let reports: Vec<serde_json::Value> = batch
        .entries
        .iter()
        .map(|e| serde_json::to_value(e).unwrap_or_default())
        .collect();
    let first = reports.iter().find(|r| r.get("error").is_none());
    let groups: Vec<String> = first
        .and_then(|r| r.pointer("/record/groups"))
        .and_then(serde_json::Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let sections: Vec<String> = first
        .and_then(|r| r.get("sections"))
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.get("id").and_then(serde_json::Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let cell = |v: Option<&serde_json::Value>| -> String {
        match v {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["id".into(), "name".into()];
    header.extend(groups.iter().cloned());
    header.extend(["score", "grade", "vetoed"].map(String::from));
    header.extend(sections.iter().map(|s| format!("ratio.{s}")));
    header.push("error".into());
    w.write_record(&header).map_err(|e| e.to_string())?;
    for r in &reports {
        let mut row = vec![
            cell(r.pointer("/record/id")),
            cell(r.pointer("/record/name")),
        ];
        for g in &groups {
            row.push(cell(r.pointer("/record/groups").and_then(|x| x.get(g))));
        }
        row.push(cell(r.get("score")));
        row.push(cell(r.get("grade")));
        row.push(cell(r.get("vetoed")));
        for s in &sections {
            let ratio = r
                .get("sections")
                .and_then(serde_json::Value::as_array)
                .and_then(|a| {
                    a.iter()
                        .find(|x| x.get("id").and_then(serde_json::Value::as_str) == Some(s))
                })
                .and_then(|x| x.get("ratio"));
            row.push(cell(ratio));
        }
        row.push(cell(r.pointer("/error/message")));
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

fn jsonl(batch: &chidu::Batch) -> String {
    let mut s = String::new();
    for e in &batch.entries {
        s.push_str(&serde_json::to_string(e).unwrap_or_default());
        s.push('\n');
    }
    s
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Text => "text",
        Format::Json => "json",
        Format::Jsonl => "jsonl",
        Format::Md => "md",
        Format::Html => "html",
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
        Format::Sarif => "sarif",
        Format::Junit => "junit",
    }
}
