//! Record files: YAML, JSON, JSONL, CSV (with `<stem>.<list>.csv` sidecars) and Excel workbooks
//! (`xlsx.rs`), from files and directories (sorted). A bad record becomes an error entry; the
//! rest are still read.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value as J};

use crate::diag::SourceFile;
use crate::model::Model;
use crate::schema::FieldTy;
use crate::yaml;

/// One record as read from a file, before it is checked against a schema.
#[derive(Debug, Clone)]
pub struct RawRecord {
    /// Where it came from: `file`, `file:line` or `file[index]`.
    pub origin: String,
    /// The record, or why it could not be read.
    pub data: RawData,
}

/// The content of a raw record.
#[derive(Debug, Clone)]
pub enum RawData {
    /// JSON text of one record (parsed straight into typed slots).
    Json(Vec<u8>),
    /// A JSON value (from YAML, CSV or a JSON array).
    Value(J),
    /// The record could not be read at all.
    Unreadable(String),
}

impl RawRecord {
    /// The record as a JSON value (parsing JSON text if needed).
    pub fn to_value(&self) -> Result<J, String> {
        match &self.data {
            RawData::Json(b) => serde_json::from_slice(b).map_err(|e| e.to_string()),
            RawData::Value(v) => Ok(v.clone()),
            RawData::Unreadable(e) => Err(e.clone()),
        }
    }
}

/// A path that could not be read at all (the command exits 2).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    /// The path.
    pub path: String,
    /// Why.
    pub message: String,
}

const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "jsonl", "csv", "xlsx"];

/// Reads every record under `path` (a file or a directory, read in sorted path order).
pub fn read_path(
    path: &Path,
    standard: Option<&crate::Standard>,
) -> Result<Vec<RawRecord>, InputError> {
    let model = standard.map(crate::Standard::model);
    let err = |m: String| InputError {
        path: path.display().to_string(),
        message: m,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
    if meta.is_dir() {
        let mut files = Vec::new();
        collect(path, &mut files).map_err(|e| err(e.to_string()))?;
        files.sort();
        let mut out = Vec::new();
        for f in files {
            if is_sidecar(&f) {
                continue;
            }
            out.extend(read_file_with(&f, model)?);
        }
        return Ok(out);
    }
    read_file_with(path, model)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
        {
            out.push(p);
        }
    }
    Ok(())
}

/// `stations.staff.csv` next to `stations.csv` is a list sidecar, not a records file.
fn is_sidecar(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some(stem) = name.strip_suffix(".csv") else {
        return false;
    };
    match stem.rsplit_once('.') {
        Some((base, _)) => p.with_file_name(format!("{base}.csv")).exists(),
        None => false,
    }
}

/// Reads one file by its extension (CSV cells are typed by the standard's record schema).
pub fn read_file(
    path: &Path,
    standard: Option<&crate::Standard>,
) -> Result<Vec<RawRecord>, InputError> {
    read_file_with(path, standard.map(crate::Standard::model))
}

fn read_file_with(path: &Path, model: Option<&Model>) -> Result<Vec<RawRecord>, InputError> {
    let display = path.display().to_string();
    let err = |m: String| InputError {
        path: display.clone(),
        message: m,
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !EXTENSIONS.contains(&ext.as_str()) {
        return Err(err(format!(
            "unsupported file type `.{ext}` (expected .yaml, .yml, .json, .jsonl, .csv or .xlsx)"
        )));
    }
    if ext == "xlsx" {
        return super::xlsx::read_xlsx(path, &display, model).map_err(err);
    }
    let text = crate::pack::source::read_limited(path).map_err(err)?;
    Ok(match ext.as_str() {
        "jsonl" => read_jsonl(&text, &display),
        "json" => read_json(&text, &display),
        "csv" => read_csv(&text, &display, path, model).map_err(err)?,
        _ => read_yaml(&text, &display),
    })
}

/// JSON Lines: one record per non-empty line.
pub fn read_jsonl(text: &str, origin: &str) -> Vec<RawRecord> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !is_blank_jsonl_line(l.as_bytes()))
        .map(|(i, l)| RawRecord {
            origin: format!("{origin}:{}", i + 1),
            data: RawData::Json(l.as_bytes().to_vec()),
        })
        .collect()
}

/// The longest JSON Lines line read from a stream (a station record is a few KB). Longer
/// lines are skipped, not held, and reported as unreadable, so memory stays bounded.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// One step of [`read_jsonl_line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonlLine {
    /// The stream is spent.
    End,
    /// A line (with its line break) was appended to the buffer.
    Line,
    /// A line longer than the limit was skipped; the buffer holds none of it. Its length.
    TooLong(usize),
}

impl JsonlLine {
    /// The error message for a skipped line of `bytes` bytes.
    pub fn too_long(bytes: usize) -> String {
        format!(
            "line of {bytes} bytes is longer than the {} MiB a record may take; skipped",
            MAX_LINE_BYTES >> 20
        )
    }
}

/// The lines of JSON Lines bytes, numbered from 0, without their `\r\n` or `\n`, blank lines
/// left out. Found with memchr: splitting byte by byte cost as much as a tenth of reading the
/// records (about 5 instructions a byte).
pub(crate) fn jsonl_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let r = rest?;
        let line = match memchr::memchr(b'\n', r) {
            Some(i) => {
                let (line, tail) = r.split_at(i);
                rest = tail.get(1..);
                line
            }
            None => {
                rest = None;
                r
            }
        };
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    })
    .enumerate()
    .filter(|(_, l)| !is_blank_jsonl_line(l))
}

/// Whether a JSON Lines line holds only whitespace (as `str::trim` counts it, so a line of
/// ideographic spaces too): every reader of JSON Lines, loaded or streamed, skips such lines.
pub fn is_blank_jsonl_line(line: &[u8]) -> bool {
    // ASCII first: a record line starts with `{` after at most a few spaces.
    match line.iter().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(&b) if b < 0x80 => false,
        Some(_) => std::str::from_utf8(line).is_ok_and(|l| l.trim().is_empty()),
    }
}

/// Reads the next line of a JSON Lines stream into `buf` (appended, line break included),
/// holding at most `limit` bytes of it: a longer line is read to its end and dropped.
pub fn read_jsonl_line(
    reader: &mut impl std::io::BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<JsonlLine> {
    use std::io::{BufRead as _, Read as _};
    let start = buf.len();
    let read = (&mut *reader)
        .take(limit as u64 + 1)
        .read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(JsonlLine::End);
    }
    if read <= limit || buf.last() == Some(&b'\n') {
        return Ok(JsonlLine::Line);
    }
    buf.truncate(start);
    let skipped = read + reader.skip_until(b'\n')?;
    Ok(JsonlLine::TooLong(skipped))
}

/// A JSON file: one object, or a list of objects.
pub fn read_json(text: &str, origin: &str) -> Vec<RawRecord> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return vec![RawRecord {
            origin: origin.to_owned(),
            data: RawData::Json(trimmed.as_bytes().to_vec()),
        }];
    }
    match serde_json::from_str::<J>(trimmed) {
        Ok(J::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| RawRecord {
                origin: format!("{origin}[{i}]"),
                data: RawData::Value(v),
            })
            .collect(),
        Ok(_) => vec![RawRecord {
            origin: origin.to_owned(),
            data: RawData::Unreadable(
                "a records file holds one mapping or a list of mappings".into(),
            ),
        }],
        Err(e) => vec![RawRecord {
            origin: origin.to_owned(),
            data: RawData::Unreadable(format!("invalid JSON: {e}")),
        }],
    }
}

/// A YAML file: one mapping, or a list of mappings.
pub fn read_yaml(text: &str, origin: &str) -> Vec<RawRecord> {
    let file = SourceFile {
        name: origin.to_owned(),
        text: Arc::from(text),
    };
    match yaml::parse(&file, 0) {
        Ok(node) => match node.as_seq() {
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| RawRecord {
                    origin: format!("{origin}[{i}]"),
                    data: RawData::Value(n.to_json()),
                })
                .collect(),
            None => vec![RawRecord {
                origin: origin.to_owned(),
                data: RawData::Value(node.to_json()),
            }],
        },
        Err(d) => {
            let at = d
                .line_col()
                .map(|(l, c)| format!(":{l}:{c}"))
                .unwrap_or_default();
            vec![RawRecord {
                origin: format!("{origin}{at}"),
                data: RawData::Unreadable(format!("invalid YAML: {}", d.message)),
            }]
        }
    }
}

/// CSV: nested object fields are dotted column names; list fields come from sidecar files
/// `<stem>.<list>.csv` joined on the id column. An empty cell is absent.
pub(crate) fn read_csv(
    text: &str,
    origin: &str,
    path: &Path,
    model: Option<&Model>,
) -> Result<Vec<RawRecord>, String> {
    let id_field = model
        .map_or("id", |m| m.schema.id_field.as_str())
        .to_owned();
    let rows = csv_rows(text).map_err(|e| format!("invalid CSV: {e}"))?;
    let mut records: Vec<(String, CsvRecord)> = Vec::new();
    for (line, row) in rows {
        let mut obj = Map::new();
        let mut error = None;
        for (col, cell) in row {
            if cell.is_empty() {
                continue;
            }
            let segs: Vec<&str> = col.split('.').collect();
            match convert_cell(model, &segs, &cell) {
                Ok(v) => insert_path(&mut obj, &segs, v),
                Err(e) => {
                    error.get_or_insert(format!("column `{col}`: {e}"));
                }
            }
        }
        records.push((format!("{origin}:{line}"), error.map_or(Ok(obj), Err)));
    }
    // Sidecars: stations.staff.csv → field `staff` of the record with the same id.
    if let (Some(stem), Some(dir)) = (path.file_stem().and_then(|s| s.to_str()), path.parent()) {
        let prefix = format!("{stem}.");
        let mut sidecars: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        sidecars.retain(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(&prefix) && n.ends_with(".csv") && n.len() > prefix.len() + 4
            })
        });
        sidecars.sort();
        for side in sidecars {
            let Some(name) = side.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let list = name[prefix.len()..name.len() - 4].to_owned();
            let text = crate::pack::source::read_limited(&side)?;
            let rows =
                csv_rows(&text).map_err(|e| format!("{}: invalid CSV: {e}", side.display()))?;
            for (line, row) in rows {
                let mut item = Map::new();
                let mut owner = None;
                for (col, cell) in row {
                    if col == id_field {
                        owner = Some(cell);
                        continue;
                    }
                    if cell.is_empty() {
                        continue;
                    }
                    let mut segs = vec![list.as_str()];
                    segs.extend(col.split('.'));
                    match convert_item_cell(model, &segs, &cell) {
                        Ok(v) => insert_path(&mut item, &segs[1..], v),
                        Err(e) => {
                            if let Some(rec) = records.iter_mut().find(|(_, r)| {
                                r.as_ref()
                                    .ok()
                                    .and_then(|o| o.get(&id_field))
                                    .and_then(cell_text)
                                    .as_deref()
                                    == owner.as_deref()
                            }) {
                                rec.1 =
                                    Err(format!("{}:{line}: column `{col}`: {e}", side.display()));
                            }
                        }
                    }
                }
                let Some(owner) = owner else { continue };
                if let Some((_, Ok(obj))) = records.iter_mut().find(|(_, r)| {
                    r.as_ref()
                        .ok()
                        .and_then(|o| o.get(&id_field))
                        .and_then(cell_text)
                        .as_deref()
                        == Some(owner.as_str())
                }) {
                    let entry = obj
                        .entry(list.clone())
                        .or_insert_with(|| J::Array(Vec::new()));
                    if let J::Array(a) = entry {
                        a.push(J::Object(item));
                    }
                }
            }
        }
    }
    Ok(records
        .into_iter()
        .map(|(origin, r)| RawRecord {
            origin,
            data: match r {
                Ok(obj) => RawData::Value(J::Object(obj)),
                Err(e) => RawData::Unreadable(e),
            },
        })
        .collect())
}

fn cell_text(v: &J) -> Option<String> {
    match v {
        J::String(s) => Some(s.clone()),
        J::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

type Row = Vec<(String, String)>;
/// A CSV record as a JSON object, or why its row cannot be read.
type CsvRecord = Result<Map<String, J>, String>;

fn csv_rows(text: &str) -> Result<Vec<(u64, Row)>, csv::Error> {
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers()?.iter().map(|h| h.trim().to_owned()).collect();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        let line = rec.position().map_or(0, |p| p.line());
        out.push((
            line,
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(|c| c.trim().to_owned()))
                .collect(),
        ));
    }
    Ok(out)
}

fn insert_path(obj: &mut Map<String, J>, segs: &[&str], v: J) {
    match segs {
        [] => {}
        [last] => {
            obj.insert((*last).to_owned(), v);
        }
        [first, rest @ ..] => {
            let entry = obj
                .entry((*first).to_owned())
                .or_insert_with(|| J::Object(Map::new()));
            if let J::Object(inner) = entry {
                insert_path(inner, rest, v);
            }
        }
    }
}

fn field_type<'m>(model: &'m Model, segs: &[&str]) -> Option<&'m FieldTy> {
    let mut obj = crate::schema::ROOT;
    let mut ty = None;
    for (i, seg) in segs.iter().enumerate() {
        let (_, f) = model.schema.obj(obj).field(seg)?;
        ty = Some(&f.ty);
        match &f.ty {
            FieldTy::Object(o) => obj = *o,
            FieldTy::List(item) if i + 1 < segs.len() => match &**item {
                FieldTy::Object(o) => obj = *o,
                _ => return None,
            },
            _ => {}
        }
    }
    ty
}

fn convert_item_cell(model: Option<&Model>, segs: &[&str], cell: &str) -> Result<J, String> {
    convert_cell(model, segs, cell)
}

/// Converts a cell by the schema's type for the column (heuristically without a schema).
fn convert_cell(model: Option<&Model>, segs: &[&str], cell: &str) -> Result<J, String> {
    let ty = model.and_then(|m| field_type(m, segs));
    match ty {
        Some(FieldTy::Int) | Some(FieldTy::Number) => {
            let n: f64 = cell
                .parse()
                .map_err(|_| format!("{cell:?} is not a number"))?;
            if !n.is_finite() {
                return Err(format!("{cell:?} is not a finite number"));
            }
            Ok(match crate::value::whole(n) {
                Some(i) => J::from(i),
                None => serde_json::Number::from_f64(n).map_or(J::Null, J::Number),
            })
        }
        Some(FieldTy::Bool) => match cell.to_ascii_lowercase().as_str() {
            "true" | "是" | "yes" | "1" => Ok(J::Bool(true)),
            "false" | "否" | "no" | "0" => Ok(J::Bool(false)),
            _ => Err(format!("{cell:?} is not true/false")),
        },
        Some(FieldTy::List(item)) => {
            // A scalar list in one cell: values separated by `;` or `、`.
            let parts = cell
                .split([';', '、'])
                .map(str::trim)
                .filter(|s| !s.is_empty());
            let conv: Result<Vec<J>, String> = parts
                .map(|p| match &**item {
                    FieldTy::Int | FieldTy::Number => p
                        .parse::<f64>()
                        .map(|n| serde_json::Number::from_f64(n).map_or(J::Null, J::Number))
                        .map_err(|_| format!("{p:?} is not a number")),
                    _ => Ok(J::String(p.to_owned())),
                })
                .collect();
            conv.map(J::Array)
        }
        Some(_) => Ok(J::String(cell.to_owned())),
        None => Ok(match cell {
            "true" => J::Bool(true),
            "false" => J::Bool(false),
            _ => cell
                .parse::<i64>()
                .map(J::from)
                .or_else(|_| {
                    cell.parse::<f64>().map(|f| {
                        serde_json::Number::from_f64(f)
                            .map_or(J::String(cell.to_owned()), J::Number)
                    })
                })
                .unwrap_or_else(|_| J::String(cell.to_owned())),
        }),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The splitting `jsonl_lines` replaced, byte by byte.
    fn reference(bytes: &[u8]) -> Vec<(usize, &[u8])> {
        bytes
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .enumerate()
            .filter(|(_, l)| !super::is_blank_jsonl_line(l))
            .collect()
    }

    proptest! {
        #[test]
        fn jsonl_lines_split_as_byte_by_byte(
            parts in prop::collection::vec(
                prop::sample::select(vec!["\n", "\r\n", "\r", " ", "{}", "a", "\u{3000}", "\n\n"]),
                0..40,
            )
        ) {
            let text = parts.concat();
            let got: Vec<_> = super::jsonl_lines(text.as_bytes()).collect();
            prop_assert_eq!(got, reference(text.as_bytes()));
        }
    }
}
