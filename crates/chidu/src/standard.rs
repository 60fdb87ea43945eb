//! The public entry points: load a standard, compile it, evaluate records.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};

use crate::diag::{Code, Diagnostic, Diags, LoadError};
use crate::model::Model;
use crate::pack::read::FileTable;
use crate::pack::resolve::{Resolver, normalize_dir};
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
        let dir = normalize_dir(&dir);
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
        let root = normalize_dir(root);
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
        let model = crate::pack::build::build(raw, table, &mut diags);
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
}

impl Engine {
    /// Reads a record from JSON text straight into the pack's typed layout.
    pub fn parse_json(&self, bytes: &[u8]) -> Result<Record, RecordError> {
        crate::record::from_json_slice(&self.model, bytes)
    }
    /// Reads a record from a JSON value.
    pub fn record_from_value(&self, value: &serde_json::Value) -> Result<Record, RecordError> {
        crate::record::from_json_value(&self.model, value)
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
    /// Evaluates one raw record (JSON text or value) into a batch entry.
    pub fn evaluate_raw(&self, raw: &RawRecord, options: &Options) -> Entry {
        let parsed = match &raw.data {
            RawData::Json(b) => self.parse_json(b),
            RawData::Value(v) => self.record_from_value(v),
            RawData::Unreadable(e) => Err(RecordError::whole(e.clone())),
        };
        match parsed {
            Ok(r) => Entry::Report(Box::new(self.evaluate_record(&r, options))),
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
            Entry::Report(r) => {
                let values = crate::report::summary::aggregate_inputs(&self.model, r);
                summary.add(r, &values);
            }
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

/// One record's outcome in a batch.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Evaluated.
    Report(Box<Report>),
    /// Could not be evaluated (it breaks the record schema).
    Invalid {
        /// Where the record came from.
        origin: String,
        /// Why.
        error: RecordError,
    },
}

impl Serialize for Entry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Entry::Report(r) => r.serialize(s),
            Entry::Invalid { origin, error } => {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("format", "chidu.report/1")?;
                m.serialize_entry("record", &serde_json::json!({"id": error.record}))?;
                m.serialize_entry("origin", origin)?;
                m.serialize_entry("error", &serde_json::json!({"kind": "invalid_record", "path": error.path, "message": error.message}))?;
                m.end()
            }
        }
    }
}

/// The results of many records (`chidu.batch/1`).
#[derive(Debug, Clone)]
pub struct Batch {
    model: Arc<Model>,
    as_of: i32,
    /// Entries in input order.
    pub entries: Vec<Entry>,
    /// Fleet summary.
    pub summary: Summary,
}

impl Batch {
    /// Number of invalid records.
    pub fn invalid(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e, Entry::Invalid { .. }))
            .count()
    }
    /// The batch as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

struct EntriesJson<'a>(&'a [Entry]);
impl Serialize for EntriesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for e in self.0 {
            seq.serialize_element(e)?;
        }
        seq.end()
    }
}

impl Serialize for Batch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("format", "chidu.batch/1")?;
        m.serialize_entry("standard", &crate::report::json_standard(&self.model))?;
        m.serialize_entry("as_of", &crate::value::format_date(self.as_of))?;
        m.serialize_entry("reports", &EntriesJson(&self.entries))?;
        m.serialize_entry("summary", &SummaryJson(&self.summary, &self.model))?;
        m.end()
    }
}

/// Ids of the built-in standards.
pub fn builtins() -> Vec<&'static str> {
    builtin_ids()
}
