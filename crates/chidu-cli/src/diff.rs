//! `chidu diff OLD NEW`: two batch results (`chidu check … --format json`) compared.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::{LangArg, exit};

#[derive(Args, Debug)]
pub(crate) struct DiffArgs {
    /// The earlier batch result (e.g. the mid-term evaluation), JSON.
    old: PathBuf,
    /// The later batch result (e.g. the final evaluation), JSON.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Language of the text output.
    #[arg(long, value_enum, default_value_t = LangArg::Zh, env = "CHIDU_LANG")]
    lang: LangArg,
    /// The standard (pack directory or built-in id) whose grade labels to show; by default the
    /// built-in pack the new batch was evaluated against, when its digest matches.
    #[arg(long)]
    standard: Option<String>,
}

/// The standard for grade labels: `--standard`, else the matching built-in pack.
fn labels_from(args: &DiffArgs, new: &serde_json::Value) -> Result<Option<chidu::Standard>, u8> {
    if let Some(spec) = &args.standard {
        return crate::load(spec).map(Some);
    }
    let field = |k: &str| {
        new.pointer(&format!("/standard/{k}"))
            .and_then(|v| v.as_str())
    };
    let (Some(id), Some(digest)) = (field("id"), field("digest")) else {
        return Ok(None);
    };
    Ok(chidu::Standard::builtin(id)
        .ok()
        .filter(|s| s.digest() == digest))
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum DiffFormat {
    Text,
    Json,
    Html,
}

fn read(path: &PathBuf) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))
}

pub(crate) fn run(args: &DiffArgs) -> u8 {
    let (old, new) = match (read(&args.old), read(&args.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return exit::INVALID_STANDARD;
        }
    };
    let mut diff = match chidu::diff_batches(&old, &new) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INVALID_STANDARD;
        }
    };
    match labels_from(args, &new) {
        Ok(Some(standard)) => diff = diff.with_grade_labels(&standard),
        Ok(None) => {}
        Err(code) => return code,
    }
    match args.format {
        DiffFormat::Text => out!("{}", diff.to_text(args.lang.lang())),
        DiffFormat::Html => out!("{}", diff.to_html(args.lang.lang())),
        DiffFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&diff.to_json()).unwrap_or_default()
        ),
    }
    exit::OK
}
