//! Records read straight into the layout record.yaml defines: typed slots, dates parsed once,
//! fields no rule reads validated but not stored.

pub mod input;
mod seed;

use serde::Serialize;

use crate::model::Model;
use crate::report::{RecordInfo, RecordWarning};
use crate::schema::{FieldTy, ROOT};
use crate::value::Value;

/// A record ready for evaluation.
#[derive(Debug, Clone)]
pub struct Record {
    pub(crate) root: Box<[Value]>,
    pub(crate) warnings: Vec<RecordWarning>,
    pub(crate) info: std::sync::Arc<RecordInfo>,
}

impl Record {
    /// The record's id.
    pub fn id(&self) -> Option<&str> {
        self.info.id.as_deref()
    }
    /// Fields the schema does not know.
    pub fn warnings(&self) -> &[RecordWarning] {
        &self.warnings
    }
}

/// Why a record could not be evaluated: it breaks the record schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("invalid record{}: {path}: {message}", .record.as_ref().map(|r| format!(" `{r}`")).unwrap_or_default())]
pub struct RecordError {
    /// The record's id, when it could be read.
    pub record: Option<String>,
    /// Where in the record (`staff[2].employment`), or empty for the whole record.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl RecordError {
    pub(crate) fn whole(message: impl Into<String>) -> RecordError {
        RecordError {
            record: None,
            path: String::new(),
            message: message.into(),
        }
    }
}

/// Parses one record from JSON bytes.
pub(crate) fn from_json_slice(model: &Model, bytes: &[u8]) -> Result<Record, RecordError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut ctx = seed::Ctx::new(model);
    let root = seed::read_root(&mut ctx, &mut de);
    let root = match root {
        Ok(r) => {
            if let Err(e) = de.end() {
                return Err(RecordError::whole(format!("trailing characters: {e}")));
            }
            r
        }
        Err(e) => return Err(ctx.into_error(e.to_string(), bytes_id(model, bytes))),
    };
    finish(model, root, ctx)
}

/// Reads a record from a JSON value (YAML, CSV and Python inputs come this way).
pub(crate) fn from_json_value(
    model: &Model,
    value: &serde_json::Value,
) -> Result<Record, RecordError> {
    let mut ctx = seed::Ctx::new(model);
    let id = value.get(&model.schema.id_field).and_then(id_text);
    match seed::read_root(&mut ctx, value) {
        Ok(root) => finish(model, root, ctx),
        Err(e) => Err(ctx.into_error(e.to_string(), id)),
    }
}

fn finish(model: &Model, root: Box<[Value]>, ctx: seed::Ctx) -> Result<Record, RecordError> {
    let schema = &model.schema;
    let text_of = |name: &str| -> Option<String> {
        let (slot, _) = schema.root().field(name)?;
        match root.get(slot as usize)? {
            Value::Str(s) => Some(s.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Num(n) => Some(crate::report::fmt_num(*n)),
            Value::Bool(b) => Some(b.to_string()),
            Value::Date(d) => Some(crate::value::format_date(*d)),
            Value::Enum(e) => match &schema.root().field(name)?.1.ty {
                FieldTy::Enum(id) => schema.enum_values(*id).get(*e as usize).cloned(),
                _ => None,
            },
            _ => None,
        }
    };
    let info = RecordInfo {
        id: text_of(&schema.id_field),
        name: schema.name_field.as_deref().and_then(text_of),
        groups: schema
            .group_fields
            .iter()
            .map(|g| (g.clone(), text_of(g)))
            .collect(),
    };
    let _ = ROOT;
    Ok(Record {
        root,
        warnings: ctx.warnings,
        info: std::sync::Arc::new(info),
    })
}

fn id_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Best-effort id of a record that failed to parse, for the error entry.
fn bytes_id(model: &Model, bytes: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    v.get(&model.schema.id_field).and_then(id_text)
}
