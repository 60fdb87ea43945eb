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
        Format::Html | Format::Csv | Format::Xlsx | Format::Sarif | Format::Junit => {
            return Err(format!(
                "--format {} is not supported yet",
                format_name(format)
            ));
        }
    })
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
