//! Load errors: diagnostics pointing into rule files, collected rather than first-fail.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// What a diagnostic is about; stable identifiers that tools and tests can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Code {
    /// The file is not valid YAML (including duplicate keys).
    YamlSyntax,
    /// A key the rule format does not define.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value of the wrong shape.
    InvalidValue,
    /// An expression does not parse.
    ExpressionSyntax,
    /// An expression names a field the record schema does not have.
    UnknownField,
    /// A string literal compared with an enum is not among its values.
    UnknownEnumValue,
    /// Operand types do not fit the operator or function.
    TypeMismatch,
    /// A `check`, `when` or `where` is not boolean.
    NonBooleanCheck,
    /// Two sections or indicators share an id.
    DuplicateId,
    /// A section's points differ from the sum of its indicators.
    SectionPointsMismatch,
    /// The section points do not sum to `total`.
    TotalMismatch,
    /// An indicator has more than one scoring form.
    MultipleScoringForms,
    /// An indicator has no scoring form.
    NoScoringForm,
    /// The last grade band has conditions.
    GradesNoCatchAll,
    /// `params.x` is referenced but not defined.
    UndefinedParam,
    /// A message placeholder names nothing.
    UnknownPlaceholder,
    /// `remove`, `modify` or a waiver names no indicator.
    UnknownIndicator,
    /// `veto_grade` names no grade.
    UnknownGrade,
    /// A file cannot be read.
    FileNotFound,
    /// Input size, nesting depth or alias expansion beyond the limits.
    LimitExceeded,
}

impl Code {
    /// The snake_case name used in JSON output and test expectations.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "yaml_syntax",
            Code::UnknownKey => "unknown_key",
            Code::MissingKey => "missing_key",
            Code::InvalidValue => "invalid_value",
            Code::ExpressionSyntax => "expression_syntax",
            Code::UnknownField => "unknown_field",
            Code::UnknownEnumValue => "unknown_enum_value",
            Code::TypeMismatch => "type_mismatch",
            Code::NonBooleanCheck => "non_boolean_check",
            Code::DuplicateId => "duplicate_id",
            Code::SectionPointsMismatch => "section_points_mismatch",
            Code::TotalMismatch => "total_mismatch",
            Code::MultipleScoringForms => "multiple_scoring_forms",
            Code::NoScoringForm => "no_scoring_form",
            Code::GradesNoCatchAll => "grades_no_catch_all",
            Code::UndefinedParam => "undefined_param",
            Code::UnknownPlaceholder => "unknown_placeholder",
            Code::UnknownIndicator => "unknown_indicator",
            Code::UnknownGrade => "unknown_grade",
            Code::FileNotFound => "file_not_found",
            Code::LimitExceeded => "limit_exceeded",
        }
    }
}

/// A source file as the diagnostics see it: its display name and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to users (relative to the pack where possible).
    pub name: String,
    /// The full text.
    pub text: Arc<str>,
}

/// A place in a source file: byte offset and length, plus 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset into the file text.
    pub offset: usize,
    /// Length in bytes (at least 1 when rendered).
    pub len: usize,
}

/// One load or lint error.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// One-line message: lowercase, user input in backticks.
    pub message: String,
    /// Optional help line (e.g. "did you mean `staff`?").
    pub help: Option<String>,
    /// The file, when the error has a place.
    pub file: Option<SourceFile>,
    /// Where in the file.
    pub span: Option<Span>,
}

impl Diagnostic {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            help: None,
            file: None,
            span: None,
        }
    }

    pub(crate) fn at(mut self, file: &SourceFile, span: Span) -> Self {
        self.file = Some(file.clone());
        self.span = Some(span);
        self
    }

    pub(crate) fn in_file(mut self, file: &SourceFile) -> Self {
        self.file = Some(file.clone());
        self
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// 1-based line and character column of the start of the span.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let file = self.file.as_ref()?;
        let span = self.span?;
        Some(line_col(&file.text, span.offset))
    }

    /// File name, if the diagnostic has one.
    pub fn file_name(&self) -> Option<&str> {
        self.file.as_ref().map(|f| f.name.as_str())
    }

    /// The source line the diagnostic points at, with a caret line under the span
    /// (columns counted in display width so carets align under Chinese text).
    pub fn snippet(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        let span = self.span?;
        let (line, _) = line_col(&file.text, span.offset);
        let start = file.text[..span.offset.min(file.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let end = file.text[start..]
            .find('\n')
            .map_or(file.text.len(), |i| start + i);
        let text = &file.text[start..end];
        let before = &file.text[start..span.offset.min(end).max(start)];
        let marked_end = (span.offset + span.len.max(1))
            .min(end)
            .max(span.offset.min(end));
        let marked = &file.text[span.offset.min(end)..marked_end];
        let pad = " ".repeat(display_width(before));
        let carets = "^".repeat(display_width(marked).max(1));
        let gutter = line.to_string();
        let blank = " ".repeat(gutter.len());
        Some(format!(
            "{blank} |\n{gutter} | {text}\n{blank} | {pad}{carets}"
        ))
    }
}

/// The message alone (miette renders the place, snippet and help around it).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Plain rendering: `file:line:col: error[code]: message`, the snippet and the help line.
pub(crate) struct Plain<'a>(pub(crate) &'a Diagnostic);

impl Diagnostic {
    /// The diagnostic as plain text for terminals and logs: `file:line:col: error[code]:
    /// message`, the source line with a caret under the place, and the help line.
    pub fn render(&self) -> String {
        Plain(self).to_string()
    }
}

impl fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let this = self.0;
        match (this.file_name(), this.line_col()) {
            (Some(name), Some((l, c))) => write!(f, "{name}:{l}:{c}: ")?,
            (Some(name), None) => write!(f, "{name}: ")?,
            _ => {}
        }
        write!(f, "error[{}]: {}", this.code.as_str(), this.message)?;
        if let Some(snippet) = this.snippet() {
            write!(f, "\n{snippet}")?;
        }
        if let Some(help) = &this.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Byte offset → (line, character column), both 1-based.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

pub(crate) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// East Asian wide characters take two terminal columns.
pub(crate) fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let c = c as u32;
            let wide = (0x1100..=0x115F).contains(&c)
                || (0x2E80..=0xA4CF).contains(&c)
                || (0xAC00..=0xD7A3).contains(&c)
                || (0xF900..=0xFAFF).contains(&c)
                || (0xFE30..=0xFE4F).contains(&c)
                || (0xFF00..=0xFF60).contains(&c)
                || (0xFFE0..=0xFFE6).contains(&c)
                || (0x20000..=0x3FFFD).contains(&c);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// The suggestion for a misspelt name, if one is close enough.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Everything that stopped a standard from loading, in the order found.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render_all(.diagnostics))]
pub struct LoadError {
    /// All diagnostics, never empty.
    pub diagnostics: Vec<Diagnostic>,
}

fn render_all(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&d.render());
        out.push('\n');
    }
    let n = diags.len();
    out.push_str(&format!("{n} error{} found", if n == 1 { "" } else { "s" }));
    out
}

impl LoadError {
    pub(crate) fn one(d: Diagnostic) -> Self {
        LoadError {
            diagnostics: vec![d],
        }
    }
}

/// Collects diagnostics while a pack is loaded and checked.
#[derive(Debug, Default)]
pub(crate) struct Diags {
    pub(crate) list: Vec<Diagnostic>,
}

impl Diags {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl std::error::Error for Diagnostic {}

impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Diagnostics render with miette (graphical or narrated) in tools that embed chidu.
impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.file.as_ref().map(|f| f as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        let label =
            miette::LabeledSpan::new_primary_with_span(None, (span.offset, span.len.max(1)));
        Some(Box::new(std::iter::once(label)))
    }
}

impl miette::Diagnostic for LoadError {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.diagnostics
                .iter()
                .map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}
