//! HTML pages (`check --format html`, `doc --format html`, `diff --format html`): minijinja
//! templates with HTML auto-escaping and strict undefined values, rendered one way.

use serde::Serialize;

/// Escapes text for HTML (and SVG) element content and attribute values; for the few
/// fragments built in Rust (SVG charts, highlighted words) that a template marks safe.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

/// Renders `source` over `view`; `configure` adds the page's own filters.
pub(crate) fn render<T: Serialize>(
    name: &str,
    source: &str,
    view: &T,
    configure: impl FnOnce(&mut minijinja::Environment<'_>),
) -> String {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    configure(&mut env);
    let rendered = env
        .template_from_named_str(name, source)
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(view))));
    match rendered {
        Ok(s) => s,
        // The templates are fixed and tested; this is a guard, not a path users should see.
        Err(e) => format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>chidu</title></head><body><p>{}</p></body></html>\n",
            esc(&e.to_string())
        ),
    }
}
