//! Waivers (SPEC §2.4): approved exemptions of one indicator for one record, with expiry.

use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic, LoadError, SourceFile};
use crate::value::parse_date;

/// One waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// Record id it applies to.
    pub record: String,
    /// Indicator id it applies to.
    pub indicator: String,
    /// Why.
    #[serde(default)]
    pub justification: String,
    /// Who approved it.
    #[serde(default)]
    pub approved_by: String,
    /// Last day it is valid (days since 1970-01-01).
    #[serde(skip)]
    pub expires: Option<i32>,
}

impl Waiver {
    /// Whether the waiver is for the record with this id (a record without one has none).
    pub(crate) fn is_for(&self, record: Option<&str>) -> bool {
        Some(self.record.as_str()) == record
    }

    /// Reads waivers from JSON values (a list, or `{waivers: [...]}`), checking them against
    /// the standard: unknown indicators and veto indicators are errors.
    pub fn from_json(
        value: &serde_json::Value,
        standard: &crate::Standard,
        file_name: &str,
    ) -> Result<Vec<Waiver>, LoadError> {
        let list = match value {
            serde_json::Value::Object(o) => {
                o.get("waivers").cloned().unwrap_or(serde_json::Value::Null)
            }
            other => other.clone(),
        };
        let file = SourceFile {
            name: file_name.to_owned(),
            text: std::sync::Arc::from(""),
        };
        let serde_json::Value::Array(items) = list else {
            return Err(LoadError::one(Diagnostic::new(Code::InvalidValue, "waivers must be a list of {record, indicator, justification, approved_by, expires}").in_file(&file)));
        };
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let mut w: Waiver = match serde_json::from_value(item.clone()) {
                Ok(w) => w,
                Err(e) => {
                    errors.push(
                        Diagnostic::new(Code::InvalidValue, format!("waiver {i}: {e}"))
                            .in_file(&file),
                    );
                    continue;
                }
            };
            if let Some(exp) = item.get("expires").filter(|e| !e.is_null()) {
                match exp.as_str().and_then(parse_date) {
                    Some(d) => w.expires = Some(d),
                    None => {
                        errors.push(
                            Diagnostic::new(
                                Code::InvalidValue,
                                format!("waiver {i}: `expires` must be a YYYY-MM-DD date"),
                            )
                            .in_file(&file),
                        );
                        continue;
                    }
                }
            }
            match standard
                .model()
                .indicators
                .iter()
                .find(|ind| *ind.id == *w.indicator)
            {
                None => {
                    let ids = standard.model().indicators.iter().map(|i| &*i.id);
                    let mut d = Diagnostic::new(
                        Code::UnknownIndicator,
                        format!(
                            "waiver {i} names indicator `{}`, which the standard does not have",
                            w.indicator
                        ),
                    )
                    .in_file(&file);
                    if let Some(h) = crate::diag::did_you_mean(&w.indicator, ids) {
                        d = d.with_help(h);
                    }
                    errors.push(d);
                }
                Some(ind) if ind.veto => {
                    errors.push(Diagnostic::new(Code::InvalidValue, format!("waiver {i} names veto indicator `{}`; veto indicators cannot be waived", w.indicator)).in_file(&file));
                }
                Some(_) => out.push(w),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(LoadError {
                diagnostics: errors,
            })
        }
    }
}
