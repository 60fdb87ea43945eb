//! A batch's results: one [`Entry`] per record in input order, and the fleet summary.

use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};

use crate::model::Model;
use crate::record::RecordError;
use crate::report::Report;
use crate::report::summary::{Summary, SummaryJson};

/// One record's outcome in a batch.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Evaluated.
    Report(Arc<Report>),
    /// Could not be evaluated (it breaks the record schema).
    Invalid {
        /// Where the record came from.
        origin: String,
        /// Why.
        error: RecordError,
    },
}

impl Entry {
    /// The entry as JSON text: the report, or the error entry of an invalid record.
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(16 * 1024);
        self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }
    /// Appends the entry's JSON text to `out`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Entry::Report(r) => r.write_json(out),
            Entry::Invalid { .. } => {
                let _ = serde_json::to_writer(out, self);
            }
        }
    }
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
    pub(crate) model: Arc<Model>,
    pub(crate) as_of: i32,
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
    /// The evaluation date of the batch, `YYYY-MM-DD`.
    pub fn as_of(&self) -> String {
        crate::value::format_date(self.as_of)
    }
    /// The batch as JSON text.
    pub fn to_json(&self) -> String {
        let mut out: Vec<u8> = Vec::with_capacity(16 * 1024 * (self.entries.len() + 1));
        out.extend_from_slice(b"{\"format\":\"chidu.batch/1\",\"standard\":");
        let _ = serde_json::to_writer(&mut out, &crate::report::json_standard(&self.model));
        out.extend_from_slice(b",\"as_of\":");
        let _ = serde_json::to_writer(&mut out, &crate::value::format_date(self.as_of));
        out.extend_from_slice(b",\"reports\":[");
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            e.write_json(&mut out);
        }
        out.extend_from_slice(b"],\"summary\":");
        let _ = serde_json::to_writer(&mut out, &SummaryJson(&self.summary, &self.model));
        out.push(b'}');
        String::from_utf8(out).unwrap_or_default()
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
