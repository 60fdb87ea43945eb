//! The public entry points: load a standard, compile it, evaluate records.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::batch::{Batch, Entry};
use crate::diag::{Code, Diagnostic, Diags, LoadError};
use crate::model::Model;
use crate::pack::read::FileTable;
use crate::pack::read::Text;
use crate::pack::resolve::Resolver;
use crate::pack::source::normalize;
use crate::pack::source::{Files, builtin_ids};
use crate::record::input::{RawData, RawRecord};
use crate::record::{Record, RecordError};
use crate::report::Report;
use crate::report::summary::{Summary, SummaryJson};
use crate::waiver::Waiver;

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文
    #[default]
    Zh,
    /// English
    En,
}

/// A loaded, type-checked standard pack. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Standard {
    model: Arc<Model>,
}

/// The compiled form of a standard: `Send + Sync`, compile once and evaluate many.
#[derive(Debug, Clone)]
pub struct Engine {
    model: Arc<Model>,
}

/// How to evaluate.
#[derive(Debug, Clone)]
pub struct Options {
    as_of: Option<i32>,
    /// Waivers (already checked against the standard, see [`Waiver::from_json`]).
    pub waivers: Vec<Waiver>,
    /// Mask values derived from `pii` fields in serialised output (default true).
    pub mask_pii: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            as_of: None,
            waivers: Vec::new(),
            mask_pii: true,
        }
    }
}

impl Options {
    /// Sets the evaluation date (`YYYY-MM-DD`).
    pub fn with_as_of(mut self, date: &str) -> Result<Options, String> {
        self.as_of = Some(
            crate::value::parse_date(date)
                .ok_or_else(|| format!("`{date}` is not a valid YYYY-MM-DD date"))?,
        );
        Ok(self)
    }
    /// The evaluation date: the one set, else today (UTC).
    pub fn as_of_days(&self) -> i32 {
        self.as_of.unwrap_or_else(today)
    }
    /// The evaluation date as `YYYY-MM-DD`.
    pub fn as_of_string(&self) -> String {
        crate::value::format_date(self.as_of_days())
    }
}

fn today() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    (secs / 86_400) as i32
}

impl Standard {
    /// Loads a pack directory.
    pub fn load(dir: impl AsRef<Path>) -> Result<Standard, LoadError> {
        let dir = dir.as_ref().to_string_lossy().replace('\\', "/");
        let dir = normalize(&dir);
        Self::resolve(&Files::Dir, &dir, &dir)
    }

    /// Loads a built-in pack by id (see [`builtins`]).
    pub fn builtin(id: &str) -> Result<Standard, LoadError> {
        let id = id.strip_prefix("builtin:").unwrap_or(id);
        if !builtin_ids().contains(&id) {
            let mut d = Diagnostic::new(Code::FileNotFound, format!("no built-in standard `{id}`"));
            d = d.with_help(
                crate::diag::did_you_mean(id, builtin_ids())
                    .unwrap_or_else(|| format!("built-in standards: {}", builtin_ids().join(", "))),
            );
            return Err(LoadError::one(d));
        }
        Self::resolve(&Files::Builtin, id, &format!("builtin:{id}"))
    }

    /// Loads a pack from file texts keyed by path; `root` is the pack's directory among them
    /// (other directories may hold packs it `extends`).
    pub fn from_strings<I, K, V>(files: I, root: &str) -> Result<Standard, LoadError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let map: BTreeMap<String, String> = files
            .into_iter()
            .map(|(k, v)| (crate::pack::source::normalize(&k.into()), v.into()))
            .collect();
        let root = normalize(root);
        Self::resolve(&Files::Memory(map), &root, &root)
    }

    /// A directory if one exists at `spec`, else a built-in id (`taicang` or `builtin:taicang`).
    pub fn open(spec: &str) -> Result<Standard, LoadError> {
        if let Some(id) = spec.strip_prefix("builtin:") {
            return Self::builtin(id);
        }
        let p = Path::new(spec);
        if p.is_dir() {
            return Self::load(p);
        }
        if builtin_ids().contains(&spec) {
            return Self::builtin(spec);
        }
        let mut d = Diagnostic::new(
            Code::FileNotFound,
            format!("`{spec}` is neither a pack directory nor a built-in standard"),
        );
        d = d.with_help(format!("built-in standards: {}", builtin_ids().join(", ")));
        Err(LoadError::one(d))
    }

    fn resolve(files: &Files, dir: &str, display: &str) -> Result<Standard, LoadError> {
        let mut table = FileTable::default();
        let mut diags = Diags::default();
        let raw = Resolver {
            files: &mut table,
            diags: &mut diags,
        }
        .resolve(files, dir, if display.is_empty() { "" } else { display }, 0);
        let Some(raw) = raw else {
            if diags.is_empty() {
                diags.push(Diagnostic::new(
                    Code::FileNotFound,
                    format!("cannot load the standard at `{display}`"),
                ));
            }
            return Err(LoadError {
                diagnostics: diags.list,
            });
        };
        let model = crate::pack::build::build(raw, table, dir, &mut diags);
        match model {
            Some(m) if diags.is_empty() => Ok(Standard { model: Arc::new(m) }),
            _ => {
                if diags.is_empty() {
                    diags.push(Diagnostic::new(
                        Code::InvalidValue,
                        "the standard could not be built",
                    ));
                }
                Err(LoadError {
                    diagnostics: diags.list,
                })
            }
        }
    }

    /// Packages the standard for evaluation.
    pub fn compile(&self) -> Result<Engine, LoadError> {
        Ok(Engine {
            model: Arc::clone(&self.model),
        })
    }

    pub(crate) fn model(&self) -> &Model {
        &self.model
    }
    /// Pack id.
    pub fn id(&self) -> &str {
        &self.model.id
    }
    /// Pack version.
    pub fn version(&self) -> &str {
        &self.model.version
    }
    /// `sha256:` digest of the pack's source files.
    pub fn digest(&self) -> &str {
        &self.model.digest
    }
    /// Indicator ids in pack order.
    pub fn indicator_ids(&self) -> Vec<&str> {
        self.model.indicators.iter().map(|i| &*i.id).collect()
    }
    /// The pack's title.
    pub fn title(&self) -> &Text {
        &self.model.title
    }
    /// The score scale (`total`).
    pub fn total(&self) -> f64 {
        self.model.total
    }
    /// Grade bands with their labels in both languages, in the order they are tried (a record
    /// gets the first band whose conditions it meets: best first, the catch-all last).
    pub fn grades(&self) -> Vec<GradeInfo> {
        self.model
            .grades
            .iter()
            .map(|g| GradeInfo {
                id: g.id.clone(),
                label: g.label.clone(),
                min_score: g.min_score,
                min_section_ratio: g.min_section_ratio,
            })
            .collect()
    }
    /// The label of grade `id` in `lang`, or `None` when the standard has no such grade.
    pub fn grade_label(&self, id: &str, lang: Lang) -> Option<&str> {
        self.model
            .grades
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.label.get(lang))
    }
    /// Sections in pack order.
    pub fn sections(&self) -> Vec<SectionInfo> {
        self.model
            .sections
            .iter()
            .map(|s| SectionInfo {
                id: s.id.clone(),
                title: s.title.clone(),
                points: s.points,
                indicators: s
                    .indicators
                    .iter()
                    .filter_map(|&i| self.model.indicators.get(i))
                    .map(|i| i.id.to_string())
                    .collect(),
            })
            .collect()
    }
    /// Indicators in pack order (the order of [`Standard::indicator_ids`] and of reports).
    pub fn indicators(&self) -> Vec<IndicatorInfo> {
        self.model
            .indicators
            .iter()
            .map(|i| IndicatorInfo {
                id: i.id.to_string(),
                section: self
                    .model
                    .sections
                    .get(i.section)
                    .map(|s| s.id.clone())
                    .unwrap_or_default(),
                title: i.title.clone(),
                clause: i.clause.clone(),
                points: i.points,
                veto: i.veto,
                bonus: i.bonus,
            })
            .collect()
    }
    /// The record field holding a record's id (`id_field` of record.yaml).
    pub fn id_field(&self) -> &str {
        &self.model.schema.id_field
    }
    /// The record field holding a record's name (`name_field`), if the pack names one.
    pub fn name_field(&self) -> Option<&str> {
        self.model.schema.name_field.as_deref()
    }
    /// The record fields reports and summaries group by (`group_fields`), in record.yaml order.
    pub fn group_fields(&self) -> Vec<&str> {
        self.model
            .schema
            .group_fields
            .iter()
            .map(String::as_str)
            .collect()
    }
    /// True when the top-level record field `name` is personal data (`pii: true`): its values
    /// show as `***` in reports evaluated with [`Options::mask_pii`].
    pub fn is_pii_field(&self, name: &str) -> bool {
        self.model
            .schema
            .root()
            .field(name)
            .is_some_and(|(_, f)| f.pii)
    }
    /// Source files (name, text) of the pack and its bases, for re-compiling elsewhere.
    pub fn sources(&self) -> Vec<(String, String)> {
        self.model
            .files
            .files
            .iter()
            .map(|f| (f.name.clone(), f.text.to_string()))
            .collect()
    }
    /// What an indicator checks, in words (`chidu explain`).
    pub fn explain(&self, indicator: &str, lang: Lang) -> Option<String> {
        crate::report::render::explain(&self.model, indicator, lang)
    }
    /// A summary of the standard: sections, points and indicators.
    pub fn outline(&self, lang: Lang) -> String {
        crate::report::render::outline(&self.model, lang)
    }
    /// Reads waivers from a YAML or JSON text (a list, or `{waivers: [...]}`).
    pub fn waivers_from_str(&self, text: &str, file_name: &str) -> Result<Vec<Waiver>, LoadError> {
        let file = crate::diag::SourceFile {
            name: file_name.to_owned(),
            text: Arc::from(text),
        };
        let node = crate::yaml::parse(&file, 0).map_err(LoadError::one)?;
        Waiver::from_json(&node.to_json(), self, file_name)
    }
    /// JSON Schema of the pack's records, generated from record.yaml.
    pub fn record_schema_json(&self) -> serde_json::Value {
        crate::json_schema::records(&self.model)
    }
    /// The standard as a readable document (`chidu doc`): Markdown or a self-contained HTML page.
    pub fn doc(&self, format: crate::report::doc::DocFormat, lang: Lang) -> String {
        crate::report::doc::render(&self.model, format, lang)
    }
    /// The empty data-entry workbook (`.xlsx`) for the pack's records (`chidu template`): a
    /// `records` sheet and one sheet per list field, with zh labels, drop-downs and date formats.
    pub fn template_xlsx(&self) -> Result<Vec<u8>, String> {
        crate::report::template::xlsx(&self.model)
    }
    /// The CSV data-entry headers: the records file's header line, and `(list field, header)`
    /// for each sidecar file `<stem>.<list>.csv`.
    pub fn template_csv(&self) -> (String, Vec<(String, String)>) {
        crate::report::template::csv(&self.model)
    }
}

impl Engine {
    pub(crate) fn model(&self) -> &Model {
        &self.model
    }
    /// Reads a record from JSON text straight into the pack's typed layout.
    pub fn parse_json(&self, bytes: &[u8]) -> Result<Record, RecordError> {
        crate::record::from_json_slice(&self.model, bytes)
    }
    /// [`Engine::parse_json`] for text that is already a `str`: the UTF-8 check is skipped.
    pub fn parse_json_str(&self, text: &str) -> Result<Record, RecordError> {
        crate::record::from_json_str(&self.model, text)
    }
    /// Reads a record from a JSON value.
    pub fn record_from_value(&self, value: &serde_json::Value) -> Result<Record, RecordError> {
        crate::record::from_json_value(&self.model, value)
    }
    /// Reads a record from any self-describing serde deserializer (a Python object through
    /// `pythonize::Depythonizer`, a YAML or MessagePack document…) straight into the pack's
    /// typed layout, as [`Engine::parse_json`] does for JSON text: no intermediate value tree.
    ///
    /// The error names the record id when the id field was read before the offending value
    /// (the deserializer is consumed, so it cannot be looked at again), and `None` otherwise.
    pub fn record_from_deserializer<'de, D: serde::Deserializer<'de>>(
        &self,
        de: D,
    ) -> Result<Record, RecordError> {
        crate::record::from_deserializer(&self.model, de)
    }
    /// Evaluates a record given as a JSON value.
    pub fn evaluate(
        &self,
        record: &serde_json::Value,
        options: &Options,
    ) -> Result<Report, RecordError> {
        let r = self.record_from_value(record)?;
        Ok(self.evaluate_record(&r, options))
    }
    /// Evaluates a parsed record.
    pub fn evaluate_record(&self, record: &Record, options: &Options) -> Report {
        crate::score::evaluate(
            &self.model,
            record,
            options.as_of_days(),
            &options.waivers,
            options.mask_pii,
        )
    }
    /// Score, grade, veto and each indicator's status of a parsed record, without its report:
    /// the same answer as [`Scorecard::of_report`] of [`Engine::evaluate_record`], for less
    /// work (no comparisons, let values, missing paths or gaps are built). For services and
    /// triage that need the grade of many records rather than their gap reports.
    ///
    /// [`Scorecard::of_report`]: crate::Scorecard::of_report
    pub fn scorecard(&self, record: &Record, options: &Options) -> crate::Scorecard {
        // Waivers change statuses and scores; one rule for them, the report's.
        if options.waivers.iter().any(|w| w.is_for(record.id())) {
            return crate::Scorecard::of_report(&self.evaluate_record(record, options));
        }
        crate::score::engine_scorecard(&self.model, record, options.as_of_days())
    }
    /// Evaluates one raw record (JSON text or value) into a batch entry.
    pub fn evaluate_raw(&self, raw: &RawRecord, options: &Options) -> Entry {
        let parsed = match &raw.data {
            RawData::Json(b) => self.parse_json(b),
            RawData::Value(v) => self.record_from_value(v),
            RawData::Unreadable(e) => Err(RecordError::whole(e.clone())),
        };
        match parsed {
            Ok(r) => Entry::Report(Arc::new(self.evaluate_record(&r, options))),
            Err(error) => Entry::Invalid {
                origin: raw.origin.clone(),
                error,
            },
        }
    }
    /// Evaluates many records in parallel, in input order, with a summary.
    pub fn evaluate_batch(&self, inputs: &[RawRecord], options: &Options) -> Batch {
        let entries: Vec<Entry> = inputs
            .par_iter()
            .map(|raw| self.evaluate_raw(raw, options))
            .collect();
        self.batch(entries, options)
    }
    /// Evaluates JSON Lines text in parallel, in input order: each non-blank line is read
    /// straight into typed slots (no copy of the line); a bad line becomes an error entry whose
    /// origin is `{origin}:{line number}`, as [`read_jsonl`](crate::read_jsonl) names it.
    pub fn evaluate_jsonl(&self, text: &str, origin: &str, options: &Options) -> Vec<Entry> {
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !crate::record::input::is_blank_jsonl_line(l.as_bytes()))
            .collect();
        self.evaluate_lines(&lines, 1, origin, options, |l| self.parse_json_str(l))
    }
    /// [`Engine::evaluate_jsonl`] for one part of a larger JSON Lines input, as bytes: its
    /// first line is line `first_line` of the whole (1 for the whole), so bad lines are named
    /// as in the whole. A line that is not UTF-8 becomes an error entry like any bad line.
    /// For evaluating a large input part by part, keeping only one part's reports at a time.
    pub fn evaluate_jsonl_part(
        &self,
        part: &[u8],
        origin: &str,
        first_line: usize,
        options: &Options,
    ) -> Vec<Entry> {
        let lines: Vec<(usize, &[u8])> = crate::record::input::jsonl_lines(part).collect();
        self.evaluate_lines(&lines, first_line, origin, options, |l| self.parse_json(l))
    }
    /// Reads and evaluates numbered lines in parallel (on the calling thread when rayon has one);
    /// `first_line` numbers index 0.
    fn evaluate_lines<L: Copy + Sync>(
        &self,
        lines: &[(usize, L)],
        first_line: usize,
        origin: &str,
        options: &Options,
        parse: impl Fn(L) -> Result<Record, RecordError> + Sync,
    ) -> Vec<Entry> {
        let entry = |&(i, line): &(usize, L)| match parse(line) {
            Ok(r) => Entry::Report(Arc::new(self.evaluate_record(&r, options))),
            Err(error) => Entry::Invalid {
                origin: format!("{origin}:{}", i + first_line),
                error,
            },
        };
        // With one thread, rayon would hand the work to its worker and wait: the reports would
        // be made by one thread and freed by the caller, costing malloc more and the caller's
        // cache. Run on the caller instead.
        if rayon::current_num_threads() <= 1 {
            lines.iter().map(entry).collect()
        } else {
            lines.par_iter().map(entry).collect()
        }
    }
    /// Wraps evaluated entries into a batch with its summary.
    pub fn batch(&self, entries: Vec<Entry>, options: &Options) -> Batch {
        let mut summary = self.new_summary();
        for e in &entries {
            self.add_to_summary(&mut summary, e);
        }
        Batch {
            model: Arc::clone(&self.model),
            as_of: options.as_of_days(),
            entries,
            summary,
        }
    }
    /// An empty summary for this standard (for streaming).
    pub fn new_summary(&self) -> Summary {
        Summary::new(&self.model)
    }
    /// Adds one entry to a summary.
    pub fn add_to_summary(&self, summary: &mut Summary, entry: &Entry) {
        match entry {
            Entry::Report(r) => summary.add(r),
            Entry::Invalid { .. } => summary.add_invalid(),
        }
    }
    /// The summary as JSON.
    pub fn summary_json(&self, summary: &Summary) -> serde_json::Value {
        serde_json::to_value(SummaryJson(summary, &self.model)).unwrap_or_default()
    }
    /// The standard this engine evaluates.
    pub fn standard(&self) -> Standard {
        Standard {
            model: Arc::clone(&self.model),
        }
    }
}

/// A grade band of a standard (等级), as [`Standard::grades`] lists them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeInfo {
    /// Grade id (`excellent`), as in [`Report::grade`].
    pub id: String,
    /// Label in both languages (优秀 / Excellent).
    pub label: Text,
    /// Lowest score of the band, if it sets one.
    pub min_score: Option<f64>,
    /// Lowest ratio every section must reach for the band, if it sets one.
    pub min_section_ratio: Option<f64>,
}

/// A section of a standard, as [`Standard::sections`] lists them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionInfo {
    /// Section id (`CS`).
    pub id: String,
    /// Title in both languages.
    pub title: Text,
    /// Points the section carries.
    pub points: f64,
    /// Ids of its indicators, in pack order.
    pub indicators: Vec<String>,
}

/// An indicator of a standard, as [`Standard::indicators`] lists them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorInfo {
    /// Indicator id (`CS-01`).
    pub id: String,
    /// Id of its section.
    pub section: String,
    /// Title in both languages.
    pub title: Text,
    /// The clause of the source document it implements, if given.
    pub clause: Option<String>,
    /// Points it carries (for a bonus indicator, the bonus points it can add).
    pub points: f64,
    /// A veto indicator (一票否决): failing it vetoes the record.
    pub veto: bool,
    /// A bonus indicator (加分项): its points come on top of the score, within the cap.
    pub bonus: bool,
}

/// Ids of the built-in standards.
pub fn builtins() -> Vec<&'static str> {
    builtin_ids()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Standard {
        match Standard::builtin("demo") {
            Ok(s) => s,
            Err(e) => panic!("demo pack: {e:?}"),
        }
    }

    /// The demo pack compiled, and options for 2026-06-30.
    fn demo_engine() -> (Engine, Options) {
        let engine = match demo().compile() {
            Ok(e) => e,
            Err(e) => panic!("{e:?}"),
        };
        match Options::default().with_as_of("2026-06-30") {
            Ok(o) => (engine, o),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn evaluate_jsonl_keeps_order_and_names_bad_lines() {
        let (engine, options) = demo_engine();
        let text = "{\"id\": \"A\"}\n\n{\"id\": 5, \"staff\": 1}\n{\"id\": \"C\"}\n";
        let entries = engine.evaluate_jsonl(text, "in.jsonl", &options);
        assert_eq!(entries.len(), 3);
        match (&entries[0], &entries[1], &entries[2]) {
            (Entry::Report(a), Entry::Invalid { origin, .. }, Entry::Report(c)) => {
                assert_eq!(a.record.id.as_deref(), Some("A"));
                assert_eq!(origin, "in.jsonl:3");
                assert_eq!(c.record.id.as_deref(), Some("C"));
            }
            other => panic!("unexpected entries: {other:?}"),
        }
        // The same entries as reading the lines first and evaluating them one by one.
        let raws = crate::read_jsonl(text, "in.jsonl");
        let one_by_one: Vec<String> = raws
            .iter()
            .map(|r| engine.evaluate_raw(r, &options).to_json())
            .collect();
        let direct: Vec<String> = entries.iter().map(Entry::to_json).collect();
        assert_eq!(one_by_one, direct);
    }

    #[test]
    fn one_thread_evaluates_on_the_caller_with_the_same_entries() {
        let (engine, options) = demo_engine();
        let text = "{\"id\": \"A\"}\n{\"id\": 5, \"staff\": 1}\n\nnot json\n{\"id\": \"C\"}\n";
        let pooled: Vec<String> = engine
            .evaluate_jsonl_part(text.as_bytes(), "in.jsonl", 1, &options)
            .iter()
            .map(Entry::to_json)
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        // Inside the pool rayon reports one thread, so the lines take the serial branch.
        let serial = pool.install(|| engine.evaluate_jsonl(text, "in.jsonl", &options));
        let serial: Vec<String> = serial.iter().map(Entry::to_json).collect();
        assert_eq!(serial.len(), 4);
        assert_eq!(serial, pooled);
    }

    #[test]
    fn jsonl_parts_name_lines_as_the_whole_does() {
        let (engine, options) = demo_engine();
        // Blank lines (one of an ideographic space), CRLF, a bad record, a line that is not JSON.
        let text = "{\"id\": \"A\"}\n\n{\"id\": 5, \"staff\": 1}\r\n\u{3000}\n{\"id\": \"C\"}\r\nnot json\n{\"id\": \"E\"}";
        let whole: Vec<String> = engine
            .evaluate_jsonl(text, "in.jsonl", &options)
            .iter()
            .map(Entry::to_json)
            .collect();
        assert_eq!(whole.len(), 5);
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for size in 1..=lines.len() {
            let mut parts = Vec::new();
            for (k, chunk) in lines.chunks(size).enumerate() {
                let part = chunk.concat();
                parts.extend(engine.evaluate_jsonl_part(
                    part.as_bytes(),
                    "in.jsonl",
                    1 + k * size,
                    &options,
                ));
            }
            let parts: Vec<String> = parts.iter().map(Entry::to_json).collect();
            assert_eq!(parts, whole, "parts of {size} lines");
        }
        // A line that is not UTF-8 is one error entry, named by its line; the rest evaluate.
        let mut bytes = b"{\"id\": \"A\"}\n".to_vec();
        bytes.extend_from_slice(b"{\"id\": \"\xff\"}\n{\"id\": \"C\"}\n");
        let entries = engine.evaluate_jsonl_part(&bytes, "in.jsonl", 10, &options);
        match entries.as_slice() {
            [
                Entry::Report(a),
                Entry::Invalid { origin, .. },
                Entry::Report(c),
            ] => {
                assert_eq!(a.record.id.as_deref(), Some("A"));
                assert_eq!(origin, "in.jsonl:11");
                assert_eq!(c.record.id.as_deref(), Some("C"));
            }
            other => panic!("unexpected entries: {other:?}"),
        }
    }

    #[test]
    fn metadata_of_the_demo_pack() {
        let std = demo();
        let grades = std.grades();
        let ids: Vec<&str> = grades.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["excellent", "good", "pass", "fail"]);
        assert_eq!(grades[0].label.zh, "优秀");
        assert_eq!(grades[0].label.en, "Excellent");
        assert_eq!(grades[0].min_score, Some(90.0));
        assert_eq!(grades[0].min_section_ratio, Some(0.7));
        assert_eq!(grades[3].min_score, None);
        assert_eq!(std.grade_label("pass", Lang::Zh), Some("合格"));
        assert_eq!(std.grade_label("pass", Lang::En), Some("Pass"));
        assert_eq!(std.grade_label("nope", Lang::En), None);

        let sections = std.sections();
        let indicators = std.indicators();
        assert_eq!(
            indicators.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            std.indicator_ids()
        );
        let listed: Vec<&str> = sections
            .iter()
            .flat_map(|s| s.indicators.iter().map(String::as_str))
            .collect();
        assert_eq!(listed, std.indicator_ids());
        for i in &indicators {
            assert!(
                sections
                    .iter()
                    .any(|s| s.id == i.section && s.indicators.contains(&i.id))
            );
            assert!(!i.title.zh.is_empty());
        }
        assert!(indicators.iter().any(|i| i.veto));
        assert!(indicators.iter().any(|i| i.bonus));
        let scored: f64 = sections.iter().map(|s| s.points).sum();
        assert_eq!(scored, std.total());
        assert!(!std.title().zh.is_empty());

        assert_eq!(std.id_field(), "id");
        assert_eq!(std.name_field(), Some("name"));
        assert_eq!(std.group_fields(), ["county", "town"]);
        assert!(!std.is_pii_field("name"));
        assert!(!std.is_pii_field("no_such_field"));
    }

    #[test]
    fn a_batch_knows_its_date() {
        let std = demo();
        let engine = match std.compile() {
            Ok(e) => e,
            Err(e) => panic!("{e:?}"),
        };
        let Ok(options) = Options::default().with_as_of("2026-06-30") else {
            panic!("as_of")
        };
        let batch = engine.evaluate_batch(&[], &options);
        assert_eq!(batch.as_of(), "2026-06-30");
    }
}
