//! Records read straight into the layout record.yaml defines: typed slots, dates parsed once,
//! fields no rule reads validated but not stored.

pub mod input;
mod seed;
pub(crate) mod xlsx;
pub(crate) use seed::MAX_LIST;

use serde::Serialize;

use crate::model::Model;
use crate::report::{RecordInfo, RecordWarning};
use crate::schema::FieldTy;
use crate::value::{Span, Value};

/// A record ready for evaluation.
#[derive(Debug, Clone)]
pub struct Record {
    /// Every object's slots and every list's items, in one allocation.
    pub(crate) arena: Vec<Value>,
    /// The root object's slots in `arena`.
    pub(crate) root: Span,
    pub(crate) warnings: Vec<RecordWarning>,
    pub(crate) info: std::sync::Arc<RecordInfo>,
    /// Where in `arena` the values that own heap memory (long strings) are: the seed notes
    /// them as it stores them. Every such value is listed (a clone owns heap memory at most
    /// where the original does, so its copy of the list holds too).
    heap: Vec<u32>,
}

impl Drop for Record {
    fn drop(&mut self) {
        let mut arena = std::mem::take(&mut self.arena);
        for &at in &self.heap {
            if let Some(v) = arena.get_mut(at as usize) {
                drop(std::mem::replace(v, Value::Missing));
            }
        }
        // What is left owns no heap memory: free the buffer without visiting each value (the
        // drop glue's visit was 4k instructions per peer station).
        arena.into_iter().for_each(std::mem::forget);
    }
}

impl Record {
    pub(crate) fn root(&self) -> &[Value] {
        self.root.slice(&self.arena)
    }
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
    // One UTF-8 check of the whole text is much cheaper than serde_json's check of every
    // string (most of them in fields no rule reads), which `from_str` then skips.
    match std::str::from_utf8(bytes) {
        Ok(text) => from_json_str(model, text),
        Err(e) => Err(RecordError {
            record: None,
            path: String::new(),
            message: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        }),
    }
}

/// Reads a record from JSON text (already UTF-8, so not checked again).
pub(crate) fn from_json_str(model: &Model, text: &str) -> Result<Record, RecordError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut ctx = seed::Ctx::new(model);
    let root = seed::read_root(&mut ctx, &mut de);
    let root = match root {
        Ok(r) => {
            if let Err(e) = de.end() {
                return Err(RecordError::whole(format!("trailing characters: {e}")));
            }
            r
        }
        Err(e) => return Err(ctx.into_error(e.to_string(), || bytes_id(model, text.as_bytes()))),
    };
    finish(model, root, ctx)
}

/// Reads a record from a JSON value (YAML, CSV and Python inputs come this way).
pub(crate) fn from_json_value(
    model: &Model,
    value: &serde_json::Value,
) -> Result<Record, RecordError> {
    let mut ctx = seed::Ctx::new(model);
    match seed::read_root(&mut ctx, value) {
        Ok(root) => finish(model, root, ctx),
        Err(e) => Err(ctx.into_error(e.to_string(), || {
            value.get(&model.schema.id_field).and_then(id_text)
        })),
    }
}

fn finish(model: &Model, root: Span, ctx: seed::Ctx) -> Result<Record, RecordError> {
    let schema = &model.schema;
    let (warnings, arena, heap) = ctx.finish();
    let slots = root.slice(&arena);
    let text_of = |name: &str| -> Option<String> {
        let (slot, _) = schema.root().field(name)?;
        match slots.get(slot as usize)? {
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
    Ok(Record {
        arena,
        root,
        warnings,
        info: std::sync::Arc::new(info),
        heap,
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

/// Reads a record from any self-describing serde deserializer (a Python object through
/// pythonize, a YAML document…) with the same schema-driven seed as JSON text.
///
/// On failure the record id is the one read before the failure: the seed notes the root's
/// `id_field` as it reads it, so the id is known when it comes before the bad value (as it
/// usually does), and `None` otherwise.
pub(crate) fn from_deserializer<'de, D: serde::Deserializer<'de>>(
    model: &Model,
    de: D,
) -> Result<Record, RecordError> {
    let mut ctx = seed::Ctx::new(model);
    match seed::read_root(&mut ctx, de) {
        Ok(root) => finish(model, root, ctx),
        Err(e) => Err(ctx.into_error(e.to_string(), || None)),
    }
}

#[cfg(test)]
mod tests {
    use crate::Standard;

    fn engine() -> crate::Engine {
        match Standard::builtin("demo").and_then(|s| s.compile()) {
            Ok(e) => e,
            Err(e) => panic!("demo pack: {e:?}"),
        }
    }

    /// The error reading JSON text must give.
    fn read_error(engine: &crate::Engine, json: &str) -> crate::RecordError {
        match engine.parse_json(json.as_bytes()) {
            Err(e) => e,
            Ok(_) => panic!("must fail: {json}"),
        }
    }

    /// The same through the deserializer entry point.
    fn de_error(engine: &crate::Engine, json: &str) -> crate::RecordError {
        let mut de = serde_json::Deserializer::from_str(json);
        match engine.record_from_deserializer(&mut de) {
            Err(e) => e,
            Ok(_) => panic!("must fail: {json}"),
        }
    }

    const GOOD: &str = r#"{"id": "S-1", "name": "城厢镇社工站", "county": "示例县",
        "opening_days_per_week": 5, "premises": {"mode": "independent", "area_m2": 72},
        "staff": [{"name": "王某", "role": "station_head", "employment": "full_time"}],
        "extra": [1, {"a": null}]}"#;

    #[test]
    fn a_deserializer_reads_like_json_text() {
        let engine = engine();
        let options = crate::Options::default().with_as_of("2026-06-30");
        let Ok(options) = options else {
            panic!("as_of")
        };
        let from_text = engine.parse_json(GOOD.as_bytes());
        let mut de = serde_json::Deserializer::from_str(GOOD);
        let from_de = engine.record_from_deserializer(&mut de);
        let (Ok(a), Ok(b)) = (from_text, from_de) else {
            panic!("both must read")
        };
        assert_eq!(b.id(), Some("S-1"));
        assert_eq!(a.warnings(), b.warnings());
        let (ra, rb) = (
            engine.evaluate_record(&a, &options),
            engine.evaluate_record(&b, &options),
        );
        assert_eq!(ra.to_json(), rb.to_json());
        // A JSON value is a deserializer too.
        let value: serde_json::Value = match serde_json::from_str(GOOD) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        assert!(engine.record_from_deserializer(&value).is_ok());
    }

    /// Paths are assembled as an error or a warning leaves each level: check deep ones.
    #[test]
    fn deep_paths_of_errors_and_warnings() {
        let record = "id_field: id\nfields:\n  id: {type: string, required: true}\n  groups:\n    type: list\n    item:\n      fields:\n        name: {type: string}\n        sessions:\n          type: list\n          item:\n            fields:\n              day: {type: date}\n        grid: {type: list, item: {type: list, item: {type: int}}}\n  meta:\n    fields:\n      note: {type: string}\n";
        let files = vec![
            ("standard.yaml".to_owned(), "chidu: 1\nid: t\ntitle: {zh: 测试, en: Test}\ntotal: 10\ngrades: [{id: pass, min_score: 60}, {id: fail}]\nsections: [s.yaml]\n".to_owned()),
            ("record.yaml".to_owned(), record.to_owned()),
            ("s.yaml".to_owned(), "id: S\ntitle: {zh: 节, en: S}\npoints: 10\nindicators:\n  - id: A\n    title: {zh: 甲, en: A}\n    points: 10\n    check: 'sum(groups, count(sessions)) >= 0'\n".to_owned()),
        ];
        let engine = match Standard::from_strings(files, "").and_then(|s| s.compile()) {
            Ok(e) => e,
            Err(e) => panic!("pack: {e:?}"),
        };
        let bad = r#"{"id": "S-1", "groups": [{"name": "a"}, {"sessions": [{"day": "2026-01-01"}, {"day": "2026-02-30"}]}]}"#;
        let e = read_error(&engine, bad);
        assert_eq!(e.path, "groups[1].sessions[1].day");
        assert_eq!(e.record.as_deref(), Some("S-1"));
        let grid = r#"{"id": "S-1", "groups": [{"grid": [[1, 2], [3, "x"]]}]}"#;
        let e = read_error(&engine, grid);
        assert_eq!(e.path, "groups[0].grid[1][1]");
        let missing_id = r#"{"groups": []}"#;
        let e = read_error(&engine, missing_id);
        assert_eq!(e.path, "id");
        // `meta` is read by no rule: its unknown fields are listed all the same.
        let odd = r#"{"id": "S-1", "x": 1, "groups": [{"sessions": [{}, {"day": "2026-01-01", "y": 2}], "z": 3}], "meta": {"note": "n", "q": 1}}"#;
        let Ok(r) = engine.parse_json(odd.as_bytes()) else {
            panic!("must read")
        };
        let paths: Vec<&str> = r.warnings().iter().map(|w| w.path.as_str()).collect();
        assert_eq!(
            paths,
            ["x", "groups[0].sessions[1].y", "groups[0].z", "meta.q"]
        );
    }

    /// Every value of a record that owns heap memory is listed for `Drop`: long strings at the
    /// root, in objects, in lists of objects, in lists of strings and lists of lists, with a
    /// duplicate key among them; and so in a clone.
    #[test]
    fn long_strings_are_listed_for_drop() {
        let record = "id_field: id\nfields:\n  id: {type: string, required: true}\n  note: {type: string}\n  meta:\n    fields:\n      text: {type: string}\n  tags: {type: list, item: {type: string}}\n  nested: {type: list, item: {type: list, item: {type: string}}}\n  people:\n    type: list\n    item:\n      fields:\n        name: {type: string}\n        aliases: {type: list, item: {type: string}}\n";
        let check = "'exists(note) and exists(meta.text) and count(tags) >= 0 and count(nested) >= 0 and any(people, exists(name) and count(aliases) >= 0)'";
        let files = vec![
            ("standard.yaml".to_owned(), "chidu: 1\nid: t\ntitle: {zh: 测试, en: Test}\ntotal: 10\ngrades: [{id: pass, min_score: 60}, {id: fail}]\nsections: [s.yaml]\n".to_owned()),
            ("record.yaml".to_owned(), record.to_owned()),
            ("s.yaml".to_owned(), format!("id: S\ntitle: {{zh: 节, en: S}}\npoints: 10\nindicators:\n  - id: A\n    title: {{zh: 甲, en: A}}\n    points: 10\n    check: {check}\n")),
        ];
        let engine = match Standard::from_strings(files, "").and_then(|s| s.compile()) {
            Ok(e) => e,
            Err(e) => panic!("pack: {e:?}"),
        };
        let long = |tag: &str| format!("{tag}: 红河哈尼族彝族自治州社会工作服务站");
        let json = serde_json::json!({
            "id": long("id"), "note": "short", "meta": {"text": long("meta")},
            "tags": [long("t0"), "s", long("t2")],
            "nested": [[long("n00")], [], ["s", long("n21")]],
            "people": [{"name": long("p0"), "aliases": [long("a00"), "s"]}, {"name": "s"},
                       {"name": long("p2")}],
        })
        .to_string()
        // A duplicate key: the long first value is replaced (and freed) by the second.
        .replacen(
            r#""note":"short""#,
            &format!(r#""note":"{}","note":"short""#, long("n")),
            1,
        );
        assert_eq!(json.matches(r#""note""#).count(), 2);
        let Ok(record) = engine.parse_json(json.as_bytes()) else {
            panic!("must read")
        };
        let listed = |r: &super::Record| {
            let owning: Vec<usize> = r
                .arena
                .iter()
                .enumerate()
                .filter(|(_, v)| super::seed::owns_heap(v))
                .map(|(i, _)| i)
                .collect();
            assert!(owning.len() >= 9, "{owning:?}");
            for i in owning {
                assert!(r.heap.contains(&(i as u32)), "{i} not listed: {:?}", r.heap);
            }
        };
        listed(&record);
        listed(&record.clone());
        let report = engine.evaluate_record(&record, &crate::Options::default());
        assert_eq!(report.indicators[0].status, crate::Status::Met);
    }

    #[test]
    fn errors_name_the_record_when_the_id_came_first() {
        let engine = engine();
        let bad = r#"{"id": "S-9", "premises": {"mode": "rented"}}"#;
        let e = de_error(&engine, bad);
        assert_eq!(e.record.as_deref(), Some("S-9"));
        assert_eq!(e.path, "premises.mode");
        assert_eq!(engine.parse_json(bad.as_bytes()).err(), Some(e));

        let numeric = r#"{"id": 42, "opening_days_per_week": "five"}"#;
        let e = de_error(&engine, numeric);
        assert_eq!(e.record.as_deref(), Some("42"));
        assert_eq!(e.path, "id");

        // The id after the bad value is not known to a reader that cannot go back.
        let late = r#"{"premises": {"mode": "rented"}, "id": "S-10"}"#;
        let e = de_error(&engine, late);
        assert_eq!((e.record, e.path.as_str()), (None, "premises.mode"));

        let missing = r#"{"name": "x"}"#;
        let e = de_error(&engine, missing);
        assert_eq!((e.record, e.path.as_str()), (None, "id"));

        let list = "[1, 2]";
        let mut de = serde_json::Deserializer::from_str(list);
        assert!(engine.record_from_deserializer(&mut de).is_err());
    }

    #[test]
    fn text_reads_as_its_bytes() {
        let engine = engine();
        let Ok(options) = crate::Options::default().with_as_of("2026-06-30") else {
            panic!("as_of")
        };
        let (Ok(a), Ok(b)) = (
            engine.parse_json(GOOD.as_bytes()),
            engine.parse_json_str(GOOD),
        ) else {
            panic!("both must read")
        };
        assert_eq!(a.warnings(), b.warnings());
        assert_eq!(
            engine.evaluate_record(&a, &options).to_json(),
            engine.evaluate_record(&b, &options).to_json()
        );
        // Failures too, named by the id read before them and by their path.
        for bad in [
            r#"{"id": "S-9", "premises": {"mode": "rented"}}"#,
            r#"{"premises": {"mode": "rented"}, "id": "S-10"}"#,
            r#"{"id": "S-11"} trailing"#,
        ] {
            let from_bytes = engine.parse_json(bad.as_bytes()).err();
            assert!(from_bytes.is_some(), "{bad}");
            assert_eq!(engine.parse_json_str(bad).err(), from_bytes, "{bad}");
        }
    }
}
