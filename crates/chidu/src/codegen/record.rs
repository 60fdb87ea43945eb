//! The record half of generated code: one serde-derived struct per object of the record
//! schema (`record.rs`) and the values of each enum (`values.rs`), next to the checks.

use std::fmt::Write as _;

use crate::model::Model;
use crate::schema::{FieldTy, ObjId};

/// `record.rs`: the header, then every object's struct.
pub(super) fn structs(model: &Model, header: &str) -> String {
    let mut out = format!("{header}\nuse chidu::compiled as rt;\nuse super::values::*;\n");
    for (id, _) in model.schema.objects.iter().enumerate() {
        record_struct(&mut out, model, id as ObjId);
    }
    out
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
