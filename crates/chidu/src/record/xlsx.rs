//! Excel workbooks (`.xlsx`, read with calamine) in the CSV sidecar layout: one sheet of records
//! (the first, or one named `records`, `stations` or `站点`) and one sheet per list field (named
//! after the field or its zh label) joined on the `id_field` column. Headers are field names
//! (dotted for nested objects), zh labels, or both on two lines (`站点编号⏎id`, as written by
//! `chidu template`). An empty cell is absent; cells are typed by the record schema, native date
//! cells become `YYYY-MM-DD` and integral floats are ints. A bad cell makes its record invalid,
//! with the sheet, row and column named; the other records are still read.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use serde_json::{Map, Value as J};

use super::input::{RawData, RawRecord};
use crate::model::Model;
use crate::schema::{FieldTy, ObjId, RecordSchema};

/// One column of a data-entry sheet: a scalar field (or a list of scalars) by its path.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    /// Field names from the sheet's object down (`premises.mode` → `[premises, mode]`).
    pub(crate) path: Vec<String>,
    /// zh label of each path segment (the field name where there is none).
    pub(crate) labels: Vec<String>,
    /// The field's type.
    pub(crate) ty: FieldTy,
    /// Whether the field is required.
    pub(crate) required: bool,
}

impl Column {
    /// `premises.mode`.
    pub(crate) fn name(&self) -> String {
        self.path.join(".")
    }
    /// `服务场所.场所使用方式`.
    pub(crate) fn label(&self) -> String {
        self.labels.join(".")
    }
}

/// A list field of the record root whose items are objects: one sheet each.
#[derive(Debug, Clone)]
pub(crate) struct ListSheet {
    /// The list field's name (`staff`).
    pub(crate) field: String,
    /// Its zh label (`工作人员`), when it has one.
    pub(crate) label: Option<String>,
    /// The item's columns (the id column is not among them).
    pub(crate) columns: Vec<Column>,
}

fn zh_label(f: &crate::schema::FieldDef) -> String {
    match &f.label {
        Some(t) if !t.zh.is_empty() => t.zh.clone(),
        Some(t) if !t.en.is_empty() => t.en.clone(),
        _ => f.name.clone(),
    }
}

/// The columns of an object's sheet, in schema order. With `root`, lists of objects are left
/// out (they have sheets of their own); lists of objects deeper down cannot be entered.
pub(crate) fn columns(schema: &RecordSchema, obj: ObjId) -> Vec<Column> {
    let mut out = Vec::new();
    push_columns(schema, obj, &mut Vec::new(), &mut Vec::new(), &mut out, 0);
    out
}

fn push_columns(
    schema: &RecordSchema,
    obj: ObjId,
    path: &mut Vec<String>,
    labels: &mut Vec<String>,
    out: &mut Vec<Column>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    for f in &schema.obj(obj).fields {
        path.push(f.name.clone());
        labels.push(zh_label(f));
        match &f.ty {
            FieldTy::Object(o) => push_columns(schema, *o, path, labels, out, depth + 1),
            FieldTy::List(item) if matches!(**item, FieldTy::Object(_) | FieldTy::List(_)) => {}
            ty => out.push(Column {
                path: path.clone(),
                labels: labels.clone(),
                ty: ty.clone(),
                required: f.required,
            }),
        }
        path.pop();
        labels.pop();
    }
}

/// The root's lists of objects, in schema order.
pub(crate) fn list_sheets(schema: &RecordSchema) -> Vec<ListSheet> {
    schema
        .root()
        .fields
        .iter()
        .filter_map(|f| match &f.ty {
            FieldTy::List(item) => match **item {
                FieldTy::Object(o) => Some(ListSheet {
                    field: f.name.clone(),
                    label: f.label.as_ref().map(|_| zh_label(f)),
                    columns: columns(schema, o),
                }),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Excel's column letters for a 0-based column index (`0` → `A`, `27` → `AB`).
pub(crate) fn column_letters(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Names a records sheet may have (compared without case).
const RECORD_SHEETS: &[&str] = &["records", "stations", "站点"];

/// A header resolved to where its cells go.
#[derive(Debug, Clone)]
enum Target {
    /// The record id column of a list sheet.
    Owner,
    /// A field path, with the column's type when the schema knows it.
    Field(Vec<String>, Option<FieldTy>),
}

/// A cell with its 0-based absolute position.
struct Cell<'a> {
    col: u32,
    data: &'a Data,
}

/// A sheet's header and non-empty rows (1-based Excel row numbers).
struct Sheet<'a> {
    header: Vec<(u32, String)>,
    rows: Vec<(u32, Vec<Cell<'a>>)>,
}

fn read_sheet(range: &calamine::Range<Data>) -> Sheet<'_> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows().enumerate();
    let mut header = Vec::new();
    for (_, row) in rows.by_ref() {
        if row.iter().all(is_empty) {
            continue;
        }
        header = row
            .iter()
            .enumerate()
            .filter(|(_, d)| !is_empty(d))
            .map(|(i, d)| (c0 + i as u32, text_of(d).unwrap_or_default()))
            .collect();
        break;
    }
    let data = rows
        .filter(|(_, row)| !row.iter().all(is_empty))
        .map(|(i, row)| {
            (
                r0 + i as u32 + 1,
                row.iter()
                    .enumerate()
                    .filter(|(_, d)| !is_empty(d))
                    .map(|(j, d)| Cell {
                        col: c0 + j as u32,
                        data: d,
                    })
                    .collect(),
            )
        })
        .collect();
    Sheet { header, rows: data }
}

fn is_empty(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The text of an id or header cell (integral numbers without `.0`).
fn text_of(d: &Data) -> Option<String> {
    match d {
        Data::String(s) => Some(s.trim().to_owned()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => {
            Some(crate::value::whole(*f).map_or_else(|| f.to_string(), |i| i.to_string()))
        }
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(dt) => Some(excel_date(dt)),
        Data::DateTimeIso(s) => Some(s.chars().take(10).collect()),
        _ => None,
    }
}

fn excel_date(dt: &calamine::ExcelDateTime) -> String {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    format!("{y:04}-{m:02}-{d:02}")
}

/// Resolves a header against the sheet's columns: a field path, a zh label path, a unique leaf
/// label, or both on two lines / as `label (path)`. Unknown headers are kept as dotted paths, so
/// the record reader lists them as unknown fields.
fn resolve(header: &str, columns: Option<&[Column]>, owner: Option<(&str, &str)>) -> Target {
    let h = header.trim();
    let mut candidates: Vec<&str> = vec![h];
    candidates.extend(h.lines().map(str::trim).filter(|l| !l.is_empty()).rev());
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let (Some(i), true) = (h.rfind(open), h.ends_with(close)) {
            let inner = &h[i + open.len_utf8()..h.len() - close.len_utf8()];
            candidates.push(inner.trim());
            candidates.push(h[..i].trim());
        }
    }
    for c in &candidates {
        if let Some((name, label)) = owner
            && (*c == name || *c == label)
        {
            return Target::Owner;
        }
        let Some(cols) = columns else { continue };
        if let Some(col) = cols.iter().find(|col| col.name() == *c) {
            return Target::Field(col.path.clone(), Some(col.ty.clone()));
        }
        if let Some(col) = cols.iter().find(|col| col.label() == *c) {
            return Target::Field(col.path.clone(), Some(col.ty.clone()));
        }
        let mut leaf = cols
            .iter()
            .filter(|col| col.labels.last().map(String::as_str) == Some(*c));
        if let (Some(col), None) = (leaf.next(), leaf.next()) {
            return Target::Field(col.path.clone(), Some(col.ty.clone()));
        }
    }
    let name = h
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or(h);
    Target::Field(name.split('.').map(str::to_owned).collect(), None)
}

fn number(n: f64) -> Result<J, String> {
    if !n.is_finite() {
        return Err(format!("{n} is not a finite number"));
    }
    Ok(match crate::value::whole(n) {
        Some(i) => J::from(i),
        None => serde_json::Number::from_f64(n).map_or(J::Null, J::Number),
    })
}

/// Converts a cell by the column's type (by the cell's own type without a schema).
fn convert(d: &Data, ty: Option<&FieldTy>, schema: Option<&RecordSchema>) -> Result<J, String> {
    let Some(ty) = ty else {
        return Ok(match d {
            Data::Int(i) => J::from(*i),
            Data::Float(f) => number(*f)?,
            Data::Bool(b) => J::Bool(*b),
            Data::DateTime(dt) => J::String(excel_date(dt)),
            other => J::String(text_of(other).unwrap_or_default()),
        });
    };
    if let Data::Error(e) = d {
        return Err(format!("the cell holds the error {e:?}"));
    }
    if let Data::DurationIso(s) = d {
        return Err(format!("{s:?} is a duration, not a value"));
    }
    match ty {
        FieldTy::Int | FieldTy::Number => match d {
            Data::Int(i) => Ok(J::from(*i)),
            Data::Float(f) => {
                if *ty == FieldTy::Int && f.fract() != 0.0 {
                    return Err(format!("{f} is not a whole number"));
                }
                number(*f)
            }
            Data::String(s) => {
                let n: f64 = s
                    .trim()
                    .parse()
                    .map_err(|_| format!("{:?} is not a number", s.trim()))?;
                if *ty == FieldTy::Int && n.fract() != 0.0 {
                    return Err(format!("{n} is not a whole number"));
                }
                number(n)
            }
            Data::Bool(b) => Err(format!("{b} is not a number")),
            Data::DateTime(dt) => Err(format!("{} is a date, not a number", excel_date(dt))),
            _ => Err("not a number".to_owned()),
        },
        FieldTy::Bool => match d {
            Data::Bool(b) => Ok(J::Bool(*b)),
            Data::Int(1) => Ok(J::Bool(true)),
            Data::Int(0) => Ok(J::Bool(false)),
            Data::Float(f) if *f == 1.0 || *f == 0.0 => Ok(J::Bool(*f == 1.0)),
            Data::String(s) => match s.trim().to_lowercase().as_str() {
                "true" | "是" | "yes" | "1" | "√" | "✓" => Ok(J::Bool(true)),
                "false" | "否" | "no" | "0" | "×" => Ok(J::Bool(false)),
                t => Err(format!("{t:?} is not true/false (是/否)")),
            },
            other => Err(format!(
                "{:?} is not true/false (是/否)",
                text_of(other).unwrap_or_default()
            )),
        },
        FieldTy::Date => match d {
            Data::DateTime(dt) if dt.is_datetime() => Ok(J::String(excel_date(dt))),
            Data::String(s) | Data::DateTimeIso(s) => {
                let t: String = s.trim().chars().take(10).collect();
                let rest = s.trim().get(t.len()..).unwrap_or("");
                if crate::value::parse_date(&t).is_some()
                    && (rest.is_empty() || rest.starts_with(['T', ' ']))
                {
                    Ok(J::String(t))
                } else {
                    Err(format!("{:?} is not a date (YYYY-MM-DD)", s.trim()))
                }
            }
            other => Err(format!(
                "{:?} is not a date (YYYY-MM-DD or a date cell)",
                text_of(other).unwrap_or_default()
            )),
        },
        FieldTy::Enum(id) => {
            let t = match d {
                Data::String(s) => s.trim().to_owned(),
                other => text_of(other).unwrap_or_default(),
            };
            let values = schema.map(|s| s.enum_values(*id)).unwrap_or(&[]);
            if values.contains(&t) {
                Ok(J::String(t))
            } else {
                Err(format!("{t:?} is not one of: {}", values.join(", ")))
            }
        }
        FieldTy::String => Ok(J::String(text_of(d).unwrap_or_default())),
        FieldTy::List(item) => match d {
            Data::String(s) => s
                .split([';', '；', '、'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| convert(&Data::String(p.to_owned()), Some(item), schema))
                .collect::<Result<Vec<J>, String>>()
                .map(J::Array),
            other => convert(other, Some(item), schema).map(|v| J::Array(vec![v])),
        },
        FieldTy::Object(_) => Err("an object cannot be entered in one cell".to_owned()),
    }
}

fn insert_path(obj: &mut Map<String, J>, segs: &[String], v: J) {
    match segs {
        [] => {}
        [last] => {
            obj.insert(last.clone(), v);
        }
        [first, rest @ ..] => {
            let entry = obj
                .entry(first.clone())
                .or_insert_with(|| J::Object(Map::new()));
            if let J::Object(inner) = entry {
                insert_path(inner, rest, v);
            }
        }
    }
}

/// A record being assembled: where it came from, its id, and its object or first error.
struct Building {
    origin: String,
    data: Result<Map<String, J>, String>,
}

/// Reads a workbook's records (see the module documentation).
pub(crate) fn read_xlsx(
    path: &Path,
    display: &str,
    model: Option<&Model>,
) -> Result<Vec<RawRecord>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > crate::pack::source::MAX_FILE_BYTES {
        return Err(format!(
            "file is {} bytes; the limit is {}",
            meta.len(),
            crate::pack::source::MAX_FILE_BYTES
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    read_xlsx_bytes(bytes, display, model)
}

/// Reads a workbook from its bytes; `display` names it in origins and errors.
pub(crate) fn read_xlsx_bytes(
    bytes: Vec<u8>,
    display: &str,
    model: Option<&Model>,
) -> Result<Vec<RawRecord>, String> {
    let mut wb: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("not a readable .xlsx workbook: {e}"))?;
    let names = wb.sheet_names();
    let records_sheet = names
        .iter()
        .find(|n| {
            RECORD_SHEETS
                .iter()
                .any(|r| n.trim().eq_ignore_ascii_case(r))
        })
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| "the workbook has no sheets".to_owned())?;
    let schema = model.map(|m| &m.schema);
    let id_field = schema.map_or("id", |s| s.id_field.as_str()).to_owned();
    let id_label = schema
        .and_then(|s| s.root().field(&id_field))
        .map_or_else(|| id_field.clone(), |(_, f)| zh_label(f));
    let root_columns = schema.map(|s| columns(s, crate::schema::ROOT));
    let lists = schema.map(list_sheets).unwrap_or_default();

    let range = wb
        .worksheet_range(&records_sheet)
        .map_err(|e| format!("sheet {records_sheet}: {e}"))?;
    let sheet = read_sheet(&range);
    let targets: HashMap<u32, (String, Target)> = sheet
        .header
        .iter()
        .map(|(c, h)| (*c, (h.clone(), resolve(h, root_columns.as_deref(), None))))
        .collect();
    let mut records: Vec<Building> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &sheet.rows {
        let mut obj = Map::new();
        let mut error = None;
        for cell in cells {
            let Some((_, Target::Field(path, ty))) = targets.get(&cell.col) else {
                continue;
            };
            match convert(cell.data, ty.as_ref(), schema) {
                Ok(v) => insert_path(&mut obj, path, v),
                Err(e) => {
                    error.get_or_insert_with(|| {
                        cell_error(display, &records_sheet, *row, cell.col, path, &e)
                    });
                }
            }
        }
        if let Some(id) = obj.get(&id_field).and_then(json_text) {
            by_id.entry(id).or_insert(records.len());
        }
        records.push(Building {
            origin: format!("{display}: sheet {records_sheet}, row {row}"),
            data: error.map_or(Ok(obj), Err),
        });
    }

    let mut orphans = Vec::new();
    for name in names.iter().filter(|n| **n != records_sheet) {
        let trimmed = name.trim();
        let (field, cols) = match schema {
            Some(_) => match lists
                .iter()
                .find(|l| l.field == trimmed || l.label.as_deref() == Some(trimmed))
            {
                Some(l) => (l.field.clone(), Some(l.columns.as_slice())),
                None => continue, // not a list sheet (notes, lookups): ignored
            },
            None => (trimmed.to_owned(), None),
        };
        let range = wb
            .worksheet_range(name)
            .map_err(|e| format!("sheet {name}: {e}"))?;
        let sheet = read_sheet(&range);
        let targets: HashMap<u32, Target> = sheet
            .header
            .iter()
            .map(|(c, h)| (*c, resolve(h, cols, Some((&id_field, &id_label)))))
            .collect();
        for (row, cells) in &sheet.rows {
            let mut item = Map::new();
            let mut owner = None;
            let mut error = None;
            for cell in cells {
                match targets.get(&cell.col) {
                    Some(Target::Owner) => owner = text_of(cell.data),
                    Some(Target::Field(path, ty)) => {
                        match convert(cell.data, ty.as_ref(), schema) {
                            Ok(v) => insert_path(&mut item, path, v),
                            Err(e) => {
                                error.get_or_insert_with(|| {
                                    cell_error(display, name, *row, cell.col, path, &e)
                                });
                            }
                        }
                    }
                    None => {}
                }
            }
            let target = owner.as_ref().and_then(|o| by_id.get(o)).copied();
            let Some(rec) = target.and_then(|i| records.get_mut(i)) else {
                let why = match &owner {
                    Some(o) => format!(
                        "{display}: sheet {name}, row {row}: {id_field} {o:?} matches no record on sheet {records_sheet}"
                    ),
                    None => format!(
                        "{display}: sheet {name}, row {row}: no {id_field} ({id_label}) to join the row to a record"
                    ),
                };
                orphans.push(RawRecord {
                    origin: format!("{display}: sheet {name}, row {row}"),
                    data: RawData::Unreadable(why),
                });
                continue;
            };
            match (&mut rec.data, error) {
                (Ok(_), Some(e)) => rec.data = Err(e),
                (Ok(obj), None) => {
                    let entry = obj
                        .entry(field.clone())
                        .or_insert_with(|| J::Array(Vec::new()));
                    if let J::Array(a) = entry {
                        a.push(J::Object(item));
                    }
                }
                (Err(_), _) => {}
            }
        }
    }
    let mut out: Vec<RawRecord> = records
        .into_iter()
        .map(|b| RawRecord {
            origin: b.origin,
            data: match b.data {
                Ok(obj) => RawData::Value(J::Object(obj)),
                Err(e) => RawData::Unreadable(e),
            },
        })
        .collect();
    out.append(&mut orphans);
    Ok(out)
}

fn cell_error(display: &str, sheet: &str, row: u32, col: u32, path: &[String], e: &str) -> String {
    format!(
        "{display}: sheet {sheet}, row {row}, column {} ({}): {e}",
        column_letters(col),
        path.join(".")
    )
}

fn json_text(v: &J) -> Option<String> {
    match v {
        J::String(s) => Some(s.clone()),
        J::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        reason = "tests"
    )]
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
