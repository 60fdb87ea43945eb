//! The `chidu` command line: a thin adapter over the `chidu` library.

/// Writes to stdout, ignoring a closed pipe (`chidu schema demo | head` must not panic).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}
/// Like `out!`, with a newline.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod check;
mod codegen;
mod diff;
mod doc;
mod formats;
mod output;
mod stream;
mod template;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// chidu (尺度): check social work stations against a standard, and test the standard itself.
#[derive(Parser, Debug)]
#[command(name = "chidu", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Evaluate records against a standard.
    Check(check::CheckArgs),
    /// Load, type-check and lint a standard pack.
    Lint {
        /// Pack directory or built-in id.
        standard: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = LintFormat::Text)]
        format: LintFormat,
    },
    /// Run the pack's rule tests (tests/*.yaml).
    Test {
        /// Pack directory or built-in id.
        standard: String,
        /// List indicators without both a met and a not-met case.
        #[arg(long)]
        coverage: bool,
    },
    /// What an indicator checks: title, clause, points, scoring in words, params, `when`.
    Explain {
        /// Pack directory or built-in id.
        standard: String,
        /// Indicator id; without it, the whole standard in outline.
        indicator: Option<String>,
        /// Language.
        #[arg(long, value_enum, default_value_t = LangArg::Zh, env = "CHIDU_LANG")]
        lang: LangArg,
    },
    /// JSON Schema of a pack's records, or (with --rules) of the rule files themselves.
    Schema {
        /// Pack directory or built-in id.
        standard: Option<String>,
        /// The schema of standard.yaml, record.yaml and section files.
        #[arg(long, conflicts_with = "standard")]
        rules: bool,
    },
    /// The standard as a readable document (Markdown or HTML), generated from its YAML.
    Doc(doc::DocArgs),
    /// What standard B (usually an overlay) changed against standard A.
    DiffStandard(doc::DiffStandardArgs),
    /// Two batch results compared (mid-term vs final): scores, grades, indicators, fleet.
    Diff(diff::DiffArgs),
    /// The empty data-entry workbook (xlsx) or CSV header files for a pack's records.
    Template(template::TemplateArgs),
    /// Rust source of the pack's checks (a module directory), for `chidu::compiled::Scorer`.
    Codegen(codegen::CodegenArgs),
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum LintFormat {
    Text,
    Json,
}

/// Report language.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub(crate) enum LangArg {
    /// 中文
    Zh,
    /// English
    En,
}

impl LangArg {
    pub(crate) fn lang(self) -> chidu::Lang {
        match self {
            LangArg::Zh => chidu::Lang::Zh,
            LangArg::En => chidu::Lang::En,
        }
    }
}

/// Exit codes (SPEC §5): 2 beats 3 beats 1 beats 0.
pub(crate) mod exit {
    pub const OK: u8 = 0;
    pub const GATE: u8 = 1;
    pub const INVALID_STANDARD: u8 = 2;
    pub const INVALID_RECORDS: u8 = 3;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Lint { standard, format } => lint(&standard, format),
        Command::Test { standard, coverage } => test(&standard, coverage),
        Command::Explain {
            standard,
            indicator,
            lang,
        } => explain(&standard, indicator.as_deref(), lang.lang()),
        Command::Schema { standard, rules } => schema(standard.as_deref(), rules),
        Command::Doc(args) => doc::doc(&args),
        Command::DiffStandard(args) => doc::diff_standard(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Template(args) => template::template(&args),
        Command::Codegen(args) => codegen::codegen(&args),
    };
    ExitCode::from(code)
}

pub(crate) fn load(spec: &str) -> Result<chidu::Standard, u8> {
    chidu::Standard::open(spec).map_err(|e| {
        output::print_diagnostics(&e.diagnostics);
        exit::INVALID_STANDARD
    })
}

fn lint(spec: &str, format: LintFormat) -> u8 {
    match chidu::Standard::open(spec) {
        Ok(std) => {
            if format == LintFormat::Json {
                outln!("[]");
            } else {
                outln!(
                    "ok: {} {} — {} indicators, no problems found",
                    std.id(),
                    std.version(),
                    std.indicator_ids().len()
                );
            }
            exit::OK
        }
        Err(e) => {
            if format == LintFormat::Json {
                let list: Vec<serde_json::Value> =
                    e.diagnostics.iter().map(output::diagnostic_json).collect();
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&list).unwrap_or_default()
                );
            } else {
                output::print_diagnostics(&e.diagnostics);
            }
            exit::INVALID_STANDARD
        }
    }
}

fn test(spec: &str, coverage: bool) -> u8 {
    let std = match load(spec) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (files, reader) = output::test_files(spec, &std);
    if files.is_empty() {
        eprintln!("no tests found (tests/*.yaml)");
        return exit::GATE;
    }
    let run = chidu::testing::run_tests(&std, &files, &*reader);
    for c in run.cases.iter().filter(|c| !c.failures.is_empty()) {
        outln!("FAIL {}: {}", c.file, c.name);
        for f in &c.failures {
            outln!("    {f}");
        }
    }
    if coverage {
        if run.uncovered.is_empty() {
            outln!("coverage: every indicator has a met and a not-met case");
        } else {
            outln!("coverage: {} indicator(s) lack a case", run.uncovered.len());
            for (id, met, not_met) in &run.uncovered {
                let mut lacks = Vec::new();
                if !met {
                    lacks.push("met");
                }
                if !not_met {
                    lacks.push("not_met");
                }
                outln!("    {id}: no {} case", lacks.join(" or "));
            }
        }
    }
    outln!("{} passed, {} failed", run.passed(), run.failed());
    if run.failed() > 0 {
        exit::GATE
    } else {
        exit::OK
    }
}

fn explain(spec: &str, indicator: Option<&str>, lang: chidu::Lang) -> u8 {
    let std = match load(spec) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match indicator {
        None => {
            out!("{}", std.outline(lang));
            exit::OK
        }
        Some(id) => match std.explain(id, lang) {
            Some(text) => {
                out!("{text}");
                exit::OK
            }
            None => {
                let ids = std.indicator_ids();
                eprintln!("error: no indicator `{id}` in {}", std.id());
                if let Some(close) = ids.iter().find(|i| {
                    i.eq_ignore_ascii_case(id) || i.replace('-', "") == id.replace('-', "")
                }) {
                    eprintln!("  = help: did you mean `{close}`?");
                }
                exit::INVALID_STANDARD
            }
        },
    }
}

fn schema(spec: Option<&str>, rules: bool) -> u8 {
    let value = if rules {
        chidu::rules_schema()
    } else {
        let Some(spec) = spec else {
            eprintln!("error: give a standard, or --rules for the schema of rule files");
            return exit::INVALID_STANDARD;
        };
        match load(spec) {
            Ok(s) => s.record_schema_json(),
            Err(code) => return code,
        }
    };
    outln!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
    exit::OK
}
