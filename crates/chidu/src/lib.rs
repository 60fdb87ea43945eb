//! chidu (尺度): a standards-compliance rule engine.
//!
//! A standardization team writes a standard (sections, indicators, points, scoring methods,
//! veto items, grade bands) as declarative YAML; chidu checks the standard, evaluates records
//! against it and produces scored gap reports in Chinese and English.
//!
//! ```no_run
//! let standard = chidu::Standard::builtin("demo")?;
//! let engine = standard.compile()?; // Send + Sync: compile once, evaluate many
//! let record = serde_json::json!({"id": "S-1", "name": "城厢镇社工站"});
//! let options = chidu::Options::default().with_as_of("2026-06-30").map_err(std::io::Error::other)?;
//! let report = engine.evaluate(&record, &options)?;
//! println!("{:?} {:?}", report.score, report.grade);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod batch;
mod codegen;
pub mod compiled;
mod diag;
mod expr;
mod json_schema;
mod model;
mod pack;
mod record;
mod report;
mod schema;
mod score;
mod standard;
pub mod testing;
mod value;
mod waiver;
mod yaml;

pub use batch::{Batch, Entry};
/// The outcome of [`Engine::scorecard`] and of generated checks.
pub use compiled::Scorecard;
pub use diag::{Code, Diagnostic, LoadError, SourceFile, Span};
pub use pack::read::Text;
pub use pack::source::{builtin_file, builtin_file_relative, builtin_files_under};
pub use record::input::{
    InputError, JsonlLine, MAX_LINE_BYTES, RawData, RawRecord, is_blank_jsonl_line, read_file,
    read_json, read_jsonl, read_jsonl_line, read_path, read_yaml,
};
pub use record::{Record, RecordError};
pub use report::ci::{batch_junit, batch_sarif};
pub use report::diff_batch::{BatchDiff, FigureChange, FleetDiff, StationDiff, diff_batches};
pub use report::html::batch_html;
pub use report::render;
pub use report::summary::{GroupSummary, IndicatorSummary};
pub use report::{
    Comparison, Deduction, Gap, IndicatorResult, RecordInfo, RecordWarning, Report, SectionResult,
    Shown, Status, Summary, WaiverUse, fmt_num, round2,
};
pub use report::{
    diff_standard::{
        Change, GradeChange, IndicatorChange, IndicatorEntry, ParamChange, ParamEntry,
        SectionChange, SectionEntry, StandardDiff, StandardTotals, diff_standards,
    },
    doc::DocFormat,
};
pub use rules_schema::rules_schema;
pub use score::next_grade::NextGrade;
pub use standard::{
    Engine, GradeInfo, IndicatorInfo, Lang, Options, SectionInfo, Standard, builtins,
};
pub use value::whole;
pub use waiver::Waiver;
mod rules_schema;
