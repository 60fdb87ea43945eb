//! JSON Schemas: of a pack's records (from record.yaml) and of the rule files themselves.

use serde_json::{Map, Value as J, json};

use crate::model::Model;
use crate::schema::{FieldTy, ObjId, RecordSchema};

/// JSON Schema (draft 2020-12) of a pack's records.
pub(crate) fn records(model: &Model) -> J {
    let schema = &model.schema;
    let mut root = object(schema, crate::schema::ROOT);
    if let J::Object(m) = &mut root {
        m.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        m.insert("title".into(), json!(format!("{} record", model.id)));
        m.insert(
            "description".into(),
            json!(format!("{} / {}", model.title.zh, model.title.en)),
        );
    }
    root
}

fn object(schema: &RecordSchema, obj: ObjId) -> J {
    let o = schema.obj(obj);
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in &o.fields {
        let mut p = field(schema, &f.ty);
        if let J::Object(m) = &mut p {
            if let Some(l) = &f.label {
                m.insert("title".into(), json!(format!("{} / {}", l.zh, l.en)));
            }
            if let Some(d) = &f.description {
                m.insert("description".into(), json!(format!("{} / {}", d.zh, d.en)));
            }
            if let Some(u) = &f.unit {
                m.insert("x-unit".into(), json!(u));
            }
            if f.pii {
                m.insert("x-pii".into(), json!(true));
            }
        }
        if f.required {
            required.push(json!(f.name));
        }
        props.insert(f.name.clone(), p);
    }
    json!({"type": "object", "properties": props, "required": required})
}

fn field(schema: &RecordSchema, ty: &FieldTy) -> J {
    match ty {
        FieldTy::String => json!({"type": ["string", "null"]}),
        FieldTy::Int => json!({"type": ["integer", "null"]}),
        FieldTy::Number => json!({"type": ["number", "null"]}),
        FieldTy::Bool => json!({"type": ["boolean", "null"]}),
        FieldTy::Date => json!({"type": ["string", "null"], "format": "date"}),
        FieldTy::Enum(e) => {
            let mut values: Vec<J> = schema.enum_values(*e).iter().map(|v| json!(v)).collect();
            values.push(J::Null);
            json!({"enum": values})
        }
        FieldTy::Object(o) => object(schema, *o),
        FieldTy::List(item) => json!({"type": ["array", "null"], "items": field(schema, item)}),
    }
}
