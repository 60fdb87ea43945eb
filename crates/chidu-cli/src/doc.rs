//! `chidu doc` (the standard as a document) and `chidu diff-standard` (what an overlay changed).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::{LangArg, exit, load, output};

/// Arguments of `chidu doc`.
#[derive(Args, Debug)]
pub(crate) struct DocArgs {
    /// Pack directory or built-in id.
    standard: String,
    /// Document format.
    #[arg(long, value_enum, default_value_t = DocFormatArg::Md)]
    format: DocFormatArg,
    /// Language.
    #[arg(long, value_enum, default_value_t = LangArg::Zh, env = "CHIDU_LANG")]
    lang: LangArg,
    /// Write the document to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum DocFormatArg {
    /// Markdown.
    Md,
    /// A self-contained HTML page.
    Html,
}

/// Arguments of `chidu diff-standard`.
#[derive(Args, Debug)]
pub(crate) struct DiffStandardArgs {
    /// The base standard (pack directory or built-in id).
    a: String,
    /// The standard compared against it, usually an overlay of A.
    b: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Language of the text view.
    #[arg(long, value_enum, default_value_t = LangArg::Zh, env = "CHIDU_LANG")]
    lang: LangArg,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum DiffFormat {
    Text,
    Json,
}

pub(crate) fn doc(args: &DocArgs) -> u8 {
    let std = match load(&args.standard) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let format = match args.format {
        DocFormatArg::Md => chidu::DocFormat::Markdown,
        DocFormatArg::Html => chidu::DocFormat::Html,
    };
    let text = std.doc(format, args.lang.lang());
    match &args.output {
        Some(path) => {
            if let Err(code) = output::write_reported(path, text.as_bytes()) {
                return code;
            }
        }
        None => out!("{text}"),
    }
    exit::OK
}

pub(crate) fn diff_standard(args: &DiffStandardArgs) -> u8 {
    let a = match load(&args.a) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let b = match load(&args.b) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let diff = chidu::diff_standards(&a, &b);
    match args.format {
        DiffFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&diff.to_json()).unwrap_or_default()
        ),
        DiffFormat::Text => out!("{}", diff.to_text(args.lang.lang())),
    }
    exit::OK
}
