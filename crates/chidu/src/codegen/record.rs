//! The record half of generated code: one serde-derived struct per object of the record
//! schema (`record.rs` and a `record_{field}.rs` per part of the record) and the values of
//! each enum (`values.rs`), next to the checks.

use std::fmt::Write as _;

use crate::model::Model;
use crate::schema::{FieldTy, ObjId, ROOT};

/// The record's structs as (module name, text), split as the schema nests the record:
/// `record` holds the root object's struct and one `record_{field}` per root field that holds
/// objects has the structs of every object under it. Each file reaches the other structs
/// through the parent module, which imports them all.
pub(super) fn struct_files(model: &Model, header: &str) -> Vec<(String, String)> {
    let objects = &model.schema.objects;
    let mut placed = vec![false; objects.len()];
    let mut files = Vec::new();
    let mut part = |module: String, about: String, ids: Vec<ObjId>, placed: &mut Vec<bool>| {
        let mut out = format!(
            "{header}//! {about}\n\nuse chidu::compiled as rt;\nuse super::*;\nuse super::values::*;\n"
        );
        for id in ids {
            if let Some(p) = placed.get_mut(id as usize) {
                *p = true;
            }
            record_struct(&mut out, model, id);
        }
        files.push((module, out));
    };
    part(
        "record".into(),
        "The record's root object.".into(),
        vec![ROOT],
        &mut placed,
    );
    for (slot, f) in model.schema.root().fields.iter().enumerate() {
        let mut ids = Vec::new();
        under(&f.ty, &model.schema, &placed, &mut ids);
        if ids.is_empty() {
            continue;
        }
        // Module names are identifiers: a field name that is not one is named by its slot
        // (`record_3` cannot clash with a name, which cannot start with a digit).
        let ident = f.name.starts_with(|c: char| c.is_ascii_lowercase())
            && f.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        let module = if ident {
            format!("record_{}", f.name)
        } else {
            format!("record_{slot}")
        };
        part(
            module,
            format!("The objects under field `{}`.", f.name),
            ids,
            &mut placed,
        );
    }
    // Every object is under some root field; any other would still get its struct.
    let rest: Vec<ObjId> = (0..objects.len() as ObjId)
        .filter(|&id| !placed.get(id as usize).copied().unwrap_or(true))
        .collect();
    if !rest.is_empty() {
        part(
            "record_other".into(),
            "Objects under no root field.".into(),
            rest,
            &mut placed,
        );
    }
    files
}

/// The objects `ty` holds, depth first, that no earlier file has.
fn under(
    ty: &FieldTy,
    schema: &crate::schema::RecordSchema,
    placed: &[bool],
    ids: &mut Vec<ObjId>,
) {
    match ty {
        FieldTy::List(item) => under(item, schema, placed, ids),
        FieldTy::Object(o) => {
            if placed.get(*o as usize).copied().unwrap_or(true) || ids.contains(o) {
                return;
            }
            ids.push(*o);
            for f in &schema.obj(*o).fields {
                under(&f.ty, schema, placed, ids);
            }
        }
        _ => {}
    }
}

/// `values.rs`: the header, then every enum's values and field type.
pub(super) fn values(model: &Model, header: &str) -> String {
    let mut out = format!("{header}\nuse chidu::compiled as rt;\n");
    for (id, e) in model.schema.enums.iter().enumerate() {
        enum_type(&mut out, id, &e.values);
    }
    out
}

/// Whether the Rust type of `ty` borrows from the input.
fn borrows(ty: &FieldTy) -> bool {
    match ty {
        FieldTy::String | FieldTy::Object(_) => true,
        FieldTy::List(item) => borrows(item),
        _ => false,
    }
}

/// The Rust type a value of `ty` is read into.
fn rust_type(ty: &FieldTy) -> String {
    match ty {
        FieldTy::String => "rt::de::Text<'a>".into(),
        FieldTy::Int => "rt::de::Int".into(),
        FieldTy::Number => "rt::de::Num".into(),
        FieldTy::Bool => "bool".into(),
        FieldTy::Date => "rt::de::Date".into(),
        FieldTy::Enum(e) => format!("E{e}"),
        FieldTy::Object(o) => format!("rt::de::Obj<O{o}<'a>>"),
        FieldTy::List(item) => format!("rt::de::List<{}>", optional_type(item)),
    }
}

/// Whether `ty` is read by one [`crate::compiled::de::Nullable`] call.
fn scalar(ty: &FieldTy) -> bool {
    matches!(
        ty,
        FieldTy::String | FieldTy::Int | FieldTy::Number | FieldTy::Bool | FieldTy::Date
    )
}

/// The Rust type of an optional value of `ty` (absent or `null` is `None`; both have
/// `as_ref()`, which the checks call). Scalars read `null` in the same call as the value.
fn optional_type(ty: &FieldTy) -> String {
    if scalar(ty) {
        format!("rt::de::Opt<{}>", rust_type(ty))
    } else {
        format!("Option<{}>", rust_type(ty))
    }
}

fn record_struct(out: &mut String, model: &Model, id: ObjId) {
    let obj = model.schema.obj(id);
    let _ = write!(
        out,
        "\n#[derive(rt::serde::Deserialize)]\n\
         #[serde(crate = \"rt::serde\", deny_unknown_fields)]\n\
         pub struct O{id}<'a> {{\n"
    );
    for (slot, f) in obj.fields.iter().enumerate() {
        // A required field is read without `Option`: absent or null, the record goes to the
        // engine, which reports it.
        let used = model
            .used
            .slots
            .get(id as usize)
            .and_then(|u| u.get(slot))
            .copied()
            .unwrap_or(true);
        let (ty, default) = if f.required {
            (rust_type(&f.ty), "")
        } else if !used && scalar(&f.ty) {
            // Validated, not stored: smaller structs to move into their lists.
            (format!("rt::de::Seen<{}>", rust_type(&f.ty)), ", default")
        } else {
            (optional_type(&f.ty), ", default")
        };
        let borrow = if borrows(&f.ty) { ", borrow" } else { "" };
        // The checks, in the parent module, read the fields.
        let _ = writeln!(
            out,
            "    #[serde(rename = {:?}{default}{borrow})] pub(super) f{slot}: {ty},",
            f.name
        );
    }
    let _ = write!(
        out,
        "    #[serde(skip)] _input: std::marker::PhantomData<&'a str>,\n}}\n"
    );
}

/// An enum as its list of values (`V{id}`) and the field type reading one (`E{id}`).
fn enum_type(out: &mut String, id: usize, values: &[String]) {
    let _ = write!(
        out,
        "\npub struct V{id};\n\
         impl rt::de::Values for V{id} {{\n\
         \x20   const VALUES: &'static [&'static str] = &{values:?};\n\
         }}\n\
         pub type E{id} = rt::de::Enum<V{id}>;\n"
    );
}
