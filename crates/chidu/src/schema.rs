//! The record schema read from `record.yaml`: typed fields, enums and slot indexes.

use std::collections::HashMap;

use crate::diag::Code;
use crate::pack::read::{Reader, Text};
use crate::yaml::Node;

/// Index of an object schema in [`RecordSchema::objects`].
pub(crate) type ObjId = u32;
/// Index of an enum in [`RecordSchema::enums`].
pub(crate) type EnumId = u32;

/// A field's type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldTy {
    String,
    Int,
    Number,
    Bool,
    Date,
    Enum(EnumId),
    Object(ObjId),
    List(Box<FieldTy>),
}

#[derive(Debug, Clone)]
pub(crate) struct FieldDef {
    pub(crate) name: String,
    /// `name` as words, to test a record's key against the expected field cheaply.
    words: NameWords,
    pub(crate) ty: FieldTy,
    pub(crate) required: bool,
    pub(crate) label: Option<Text>,
    pub(crate) description: Option<Text>,
    pub(crate) unit: Option<String>,
    pub(crate) pii: bool,
}

impl FieldDef {
    /// Whether a record's key names this field (a few word loads, no `memcmp` call: keys are
    /// tested once per field of every record).
    #[inline]
    pub(crate) fn is_named(&self, key: &str) -> bool {
        self.words.is(&self.name, key)
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ObjSchema {
    pub(crate) fields: Vec<FieldDef>,
    /// Field name to slot; foldhash because SipHash showed up in record parsing profiles.
    pub(crate) index: HashMap<String, u32, foldhash::fast::FixedState>,
    /// Slots of the required fields.
    pub(crate) required: Vec<u32>,
}

/// A field name as its length and two overlapping little-endian words that together cover every
/// byte of names up to 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NameWords {
    len: usize,
    head: u64,
    tail: u64,
}

impl NameWords {
    fn of(name: &[u8]) -> NameWords {
        let (head, tail) = NameWords::words(name);
        NameWords {
            len: name.len(),
            head,
            tail,
        }
    }

    /// Whether `key` is this name. Names beyond 16 bytes compare in full.
    #[inline]
    fn is(&self, name: &str, key: &str) -> bool {
        self.len == key.len()
            && if self.len <= 16 {
                NameWords::words(key.as_bytes()) == (self.head, self.tail)
            } else {
                name == key
            }
    }

    /// Two words that cover every byte of `b` when it has at most 16 (fixed-width loads).
    #[inline]
    fn words(b: &[u8]) -> (u64, u64) {
        let n = b.len();
        let load8 = |at: usize| {
            b.get(at..at + 8)
                .and_then(|s| <[u8; 8]>::try_from(s).ok())
                .map_or(0, u64::from_le_bytes)
        };
        let load4 = |at: usize| {
            b.get(at..at + 4)
                .and_then(|s| <[u8; 4]>::try_from(s).ok())
                .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
        };
        let byte = |at: usize| b.get(at).map_or(0, |&x| u64::from(x));
        match n {
            8.. => (load8(0), load8(n - 8)),
            4..8 => (load4(0), load4(n - 4)),
            1..4 => (byte(0) | (byte(n / 2) << 8), byte(n - 1)),
            0 => (0, 0),
        }
    }
}

impl ObjSchema {
    /// The slot of a field by name: a linear scan for small objects (cheaper than hashing
    /// every key of every record), the index beyond.
    #[inline]
    pub(crate) fn slot_of(&self, name: &str) -> Option<u32> {
        if self.fields.len() <= 24 {
            self.fields
                .iter()
                .position(|f| f.name == name)
                .map(|i| i as u32)
        } else {
            self.index.get(name).copied()
        }
    }

    pub(crate) fn field(&self, name: &str) -> Option<(u32, &FieldDef)> {
        let i = *self.index.get(name)?;
        self.fields.get(i as usize).map(|f| (i, f))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct EnumDef {
    pub(crate) values: Vec<String>,
}

/// What a record of the pack contains.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordSchema {
    pub(crate) objects: Vec<ObjSchema>,
    pub(crate) enums: Vec<EnumDef>,
    pub(crate) id_field: String,
    pub(crate) name_field: Option<String>,
    pub(crate) group_fields: Vec<String>,
}

pub(crate) const ROOT: ObjId = 0;

const FIELD_KEYS: &[&str] = &[
    "type",
    "required",
    "label",
    "description",
    "unit",
    "pii",
    "values",
    "fields",
    "item",
];
const RESERVED: &[&str] = &[
    "params", "as_of", "record", "it", "and", "or", "not", "in", "true", "false", "null",
];
const MAX_SCHEMA_DEPTH: usize = 16;

impl RecordSchema {
    pub(crate) fn root(&self) -> &ObjSchema {
        &self.objects[ROOT as usize]
    }
    pub(crate) fn obj(&self, id: ObjId) -> &ObjSchema {
        &self.objects[id as usize]
    }
    pub(crate) fn enum_values(&self, id: EnumId) -> &[String] {
        &self.enums[id as usize].values
    }

    /// The values of the enum field at a slot path from the root, if it is one.
    pub(crate) fn enum_names_at(&self, slots: &[u32]) -> Option<&[String]> {
        let mut obj = ROOT;
        let mut ty = None;
        for slot in slots {
            let f = self.objects.get(obj as usize)?.fields.get(*slot as usize)?;
            ty = Some(&f.ty);
            if let FieldTy::Object(o) = f.ty {
                obj = o;
            }
        }
        match ty? {
            FieldTy::Enum(e) => Some(self.enum_values(*e)),
            _ => None,
        }
    }

    /// Reads `record.yaml`.
    pub(crate) fn read(node: &Node, r: &mut Reader) -> Option<RecordSchema> {
        let entries = r.map(
            node,
            "record.yaml",
            &["id_field", "name_field", "group_fields", "fields"],
        )?;
        let mut schema = RecordSchema {
            objects: vec![ObjSchema::default()],
            ..Default::default()
        };
        let mut id_field = None;
        for (k, v) in entries {
            match k.name.as_str() {
                "id_field" => id_field = r.string(v, "`id_field`").map(|s| (s, v.clone())),
                "name_field" => schema.name_field = r.string(v, "`name_field`"),
                "group_fields" => {
                    schema.group_fields = r
                        .string_list(v, "`group_fields`")
                        .into_iter()
                        .map(|(s, _)| s)
                        .collect()
                }
                _ => {}
            }
        }
        match r.required(node, "fields", "record.yaml") {
            Some(fields) => {
                let root = schema.read_fields(fields, r, 0)?;
                schema.objects[ROOT as usize] = root;
            }
            None => return None,
        }
        match id_field {
            Some((id, n)) => {
                if schema.root().field(&id).is_none() {
                    r.err(
                        Code::UnknownField,
                        &n,
                        format!("`id_field` names `{id}`, which is not a field"),
                    );
                }
                schema.id_field = id;
            }
            None => schema.id_field = "id".to_owned(),
        }
        for name in schema.name_field.iter().chain(schema.group_fields.iter()) {
            if schema.root().field(name).is_none() {
                r.err(
                    Code::UnknownField,
                    node,
                    format!("`{name}` is named in record.yaml but is not a top-level field"),
                );
            }
        }
        Some(schema)
    }

    fn read_fields(&mut self, node: &Node, r: &mut Reader, depth: usize) -> Option<ObjSchema> {
        if depth > MAX_SCHEMA_DEPTH {
            r.err(
                Code::LimitExceeded,
                node,
                format!("record schema nested deeper than {MAX_SCHEMA_DEPTH}"),
            );
            return None;
        }
        let Some(entries) = node.as_map() else {
            r.err(
                Code::InvalidValue,
                node,
                format!("`fields` must be a mapping, found {}", node.type_name()),
            );
            return None;
        };
        let mut obj = ObjSchema::default();
        for (k, v) in entries {
            if RESERVED.contains(&k.name.as_str()) {
                r.err_key(
                    Code::InvalidValue,
                    k,
                    format!("`{}` is a reserved word and cannot name a field", k.name),
                );
                continue;
            }
            if !k
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                || k.name.starts_with(|c: char| c.is_ascii_digit())
            {
                r.err_key(
                    Code::InvalidValue,
                    k,
                    format!(
                        "field name `{}` must be an ASCII identifier (put Chinese in `label`)",
                        k.name
                    ),
                );
                continue;
            }
            let Some(def) = self.read_field(&k.name, v, r, depth) else {
                continue;
            };
            let slot = obj.fields.len() as u32;
            if def.required {
                obj.required.push(slot);
            }
            obj.index.insert(k.name.clone(), slot);
            obj.fields.push(def);
        }
        Some(obj)
    }

    fn read_field(
        &mut self,
        name: &str,
        node: &Node,
        r: &mut Reader,
        depth: usize,
    ) -> Option<FieldDef> {
        let what = format!("field `{name}`");
        let entries = r.map(node, &what, FIELD_KEYS)?;
        let mut def = FieldDef {
            name: name.to_owned(),
            words: NameWords::of(name.as_bytes()),
            ty: FieldTy::String,
            required: false,
            label: None,
            description: None,
            unit: None,
            pii: false,
        };
        for (k, v) in entries {
            match k.name.as_str() {
                "required" => def.required = r.boolean(v, "`required`").unwrap_or(false),
                "pii" => def.pii = r.boolean(v, "`pii`").unwrap_or(false),
                "label" => def.label = r.text(v, "`label`"),
                "description" => def.description = r.text(v, "`description`"),
                "unit" => def.unit = r.string(v, "`unit`"),
                _ => {}
            }
        }
        def.ty = self.read_type(node, &what, r, depth)?;
        Some(def)
    }

    fn read_type(
        &mut self,
        node: &Node,
        what: &str,
        r: &mut Reader,
        depth: usize,
    ) -> Option<FieldTy> {
        let ty_name = match node.get("type") {
            Some(t) => r.string(t, "`type`")?,
            None if node.get("fields").is_some() => "object".to_owned(),
            None => {
                r.err(Code::MissingKey, node, format!("{what} has no `type`"));
                return None;
            }
        };
        let ty = match ty_name.as_str() {
            "string" => FieldTy::String,
            "int" | "integer" => FieldTy::Int,
            "number" => FieldTy::Number,
            "bool" | "boolean" => FieldTy::Bool,
            "date" => FieldTy::Date,
            "enum" => {
                let values_node = r.required(node, "values", what)?;
                let values: Vec<String> = r
                    .string_list(values_node, "`values`")
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                if values.is_empty() {
                    r.err(
                        Code::InvalidValue,
                        values_node,
                        format!("{what}: an enum needs at least one value"),
                    );
                }
                self.enums.push(EnumDef { values });
                FieldTy::Enum((self.enums.len() - 1) as u32)
            }
            "object" => {
                let fields = r.required(node, "fields", what)?;
                let obj = self.read_fields(fields, r, depth + 1)?;
                self.objects.push(obj);
                FieldTy::Object((self.objects.len() - 1) as u32)
            }
            "list" => {
                let item = r.required(node, "item", what)?;
                let item_what = format!("{what} item");
                r.map(item, &item_what, FIELD_KEYS)?;
                FieldTy::List(Box::new(self.read_type(item, &item_what, r, depth + 1)?))
            }
            other => {
                let t = node.get("type").unwrap_or(node);
                let mut d = r.diag_at(
                    Code::InvalidValue,
                    t.file,
                    t.span,
                    format!("unknown type `{other}`"),
                );
                let types = [
                    "string", "int", "number", "bool", "date", "enum", "object", "list",
                ];
                d = d.with_help(
                    crate::diag::did_you_mean(other, types)
                        .unwrap_or_else(|| format!("expected one of: {}", types.join(", "))),
                );
                r.push(d);
                return None;
            }
        };
        Some(ty)
    }
}

#[cfg(test)]
mod tests {
    use super::NameWords;
    use proptest::prelude::*;

    /// Names of every length class, and keys that differ from them in one byte at every position.
    #[test]
    fn name_words_tell_every_byte() {
        let names = [
            "",
            "a",
            "ab",
            "abc",
            "role",
            "years",
            "expiry",
            "verified",
            "full_time",
            "open_hours_week",
            "fire_drill_date1",
            "a_name_longer_than_16",
            "名称",
            "负责人姓名",
        ];
        for name in names {
            let w = NameWords::of(name.as_bytes());
            assert!(w.is(name, name), "{name}");
            for i in 0..name.len() {
                let mut other = name.as_bytes().to_vec();
                other[i] ^= 1;
                if let Ok(other) = std::str::from_utf8(&other) {
                    assert!(!w.is(name, other), "{name} vs {other}");
                }
            }
            assert!(!w.is(name, &format!("{name}x")));
        }
    }

    proptest! {
        #[test]
        fn name_words_agree_with_string_equality(a in "[a-c_]{0,20}", b in "[a-c_]{0,20}") {
            prop_assert_eq!(NameWords::of(a.as_bytes()).is(&a, &b), a == b);
        }
    }
}
