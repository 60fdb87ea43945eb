//! The one place YAML is read: a span-carrying node tree over serde-saphyr, with budgets.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::{Code, Diagnostic, SourceFile, Span};

/// Largest rule or record YAML file accepted, in bytes.
pub(crate) const MAX_YAML_BYTES: usize = 64 * 1024 * 1024;

/// A YAML value with the place it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) kind: NodeKind,
    pub(crate) span: Span,
    /// Index of the file in the pack's file table (nodes from overlays keep their own file).
    pub(crate) file: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    pub(crate) name: String,
    pub(crate) span: Span,
    pub(crate) file: u32,
}

impl Node {
    pub(crate) fn synthetic(kind: NodeKind) -> Node {
        Node {
            kind,
            span: Span::default(),
            file: u32::MAX,
        }
    }
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }
    pub(crate) fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }
    pub(crate) fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self.kind {
            NodeKind::Int(i) => Some(i as f64),
            NodeKind::Float(f) => Some(f),
            _ => None,
        }
    }
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }
    pub(crate) fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }
    pub(crate) fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    fn set_file(&mut self, id: u32) {
        self.file = id;
        match &mut self.kind {
            NodeKind::Seq(items) => items.iter_mut().for_each(|n| n.set_file(id)),
            NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.file = id;
                v.set_file(id);
            }),
            _ => {}
        }
    }

    /// RFC 7386 JSON merge patch: `patch` merged over `self`.
    pub(crate) fn merge_patch(&mut self, patch: &Node) {
        let NodeKind::Map(patch_entries) = &patch.kind else {
            *self = patch.clone();
            return;
        };
        if !matches!(self.kind, NodeKind::Map(_)) {
            self.kind = NodeKind::Map(Vec::new());
        }
        if let NodeKind::Map(entries) = &mut self.kind {
            for (k, v) in patch_entries {
                let pos = entries.iter().position(|(ek, _)| ek.name == k.name);
                match (pos, v.is_null()) {
                    (Some(i), true) => {
                        entries.remove(i);
                    }
                    (Some(i), false) => entries[i].1.merge_patch(v),
                    (None, true) => {}
                    (None, false) => {
                        let mut fresh = Node::synthetic(NodeKind::Null);
                        fresh.merge_patch(v);
                        // keep the patch's own location for diagnostics on new entries
                        fresh.span = v.span;
                        fresh.file = v.file;
                        entries.push((k.clone(), fresh));
                    }
                }
            }
        }
    }

    /// Converts to JSON (dates stay strings), for record input and test patches.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            NodeKind::Null => J::Null,
            NodeKind::Bool(b) => J::Bool(*b),
            NodeKind::Int(i) => J::from(*i),
            NodeKind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            NodeKind::Str(s) => J::String(s.clone()),
            NodeKind::Seq(s) => J::Array(s.iter().map(Node::to_json).collect()),
            NodeKind::Map(m) => J::Object(
                m.iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

fn span_of(loc: &serde_saphyr::Location) -> Span {
    let s = loc.span();
    match (s.byte_offset(), s.byte_len()) {
        (Some(o), Some(l)) => Span {
            offset: o as usize,
            len: l as usize,
        },
        _ => Span::default(),
    }
}

struct RawNode(NodeKind);

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = RawNode;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode(NodeKind::Null))
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode(NodeKind::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode(NodeKind::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode(NodeKind::Int(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(RawNode(
            i64::try_from(v).map_or(NodeKind::Float(v as f64), NodeKind::Int),
        ))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode(NodeKind::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode(NodeKind::Str(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode(NodeKind::Str(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = a.next_element::<Spanned<RawNode>>()? {
            items.push(Node {
                span: span_of(&item.referenced),
                kind: item.value.0,
                file: 0,
            });
        }
        Ok(RawNode(NodeKind::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = a.next_key::<Spanned<RawNode>>()? {
            let value = a.next_value::<Spanned<RawNode>>()?;
            let name = match key.value.0 {
                NodeKind::Str(s) => s,
                NodeKind::Int(i) => i.to_string(),
                NodeKind::Float(f) => f.to_string(),
                NodeKind::Bool(b) => b.to_string(),
                NodeKind::Null => "null".to_owned(),
                _ => return Err(serde::de::Error::custom("mapping keys must be scalars")),
            };
            entries.push((
                Key {
                    name,
                    span: span_of(&key.referenced),
                    file: 0,
                },
                Node {
                    span: span_of(&value.referenced),
                    kind: value.value.0,
                    file: 0,
                },
            ));
        }
        Ok(RawNode(NodeKind::Map(entries)))
    }
}

/// Parses a YAML document into a node tree. Strict scalars (YAML 1.2 booleans, `017` stays a
/// string), duplicate keys rejected, alias and depth budgets on.
pub(crate) fn parse(file: &SourceFile, file_id: u32) -> Result<Node, Diagnostic> {
    if file.text.len() > MAX_YAML_BYTES {
        return Err(Diagnostic::new(
            Code::LimitExceeded,
            format!(
                "file is {} bytes; the limit is {MAX_YAML_BYTES}",
                file.text.len()
            ),
        )
        .in_file(file));
    }
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        with_snippet: false,
    };
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(&file.text, options) {
        Ok(root) => {
            let mut node = Node {
                span: span_of(&root.referenced),
                kind: root.value.0,
                file: file_id,
            };
            node.set_file(file_id);
            Ok(node)
        }
        Err(e) => Err(yaml_error(file, &e)),
    }
}

fn yaml_error(file: &SourceFile, e: &serde_saphyr::Error) -> Diagnostic {
    let raw = e.without_snippet().to_string();
    let message = strip_location_prefix(raw.lines().next().unwrap_or("invalid YAML")).to_owned();
    let lower = message.to_lowercase();
    let code = if lower.contains("budget") || lower.contains("limit") || lower.contains("recursion")
    {
        Code::LimitExceeded
    } else {
        Code::YamlSyntax
    };
    let mut d = Diagnostic::new(code, message).in_file(file);
    if let Some(loc) = e.location() {
        d.span = Some(offset_of_line_col(
            &file.text,
            loc.line() as usize,
            loc.column() as usize,
        ));
    }
    d
}

fn strip_location_prefix(msg: &str) -> &str {
    let msg = msg.strip_prefix("error: ").unwrap_or(msg);
    if let Some(rest) = msg.strip_prefix("line ")
        && let Some(i) = rest.find(": ")
    {
        return &rest[i + 2..];
    }
    msg
}

/// 1-based line and character column → byte span of that character.
pub(crate) fn offset_of_line_col(text: &str, line: usize, col: usize) -> Span {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let within = l
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(l.trim_end_matches('\n').len(), |(b, _)| b);
            return Span {
                offset: offset + within,
                len: 1,
            };
        }
        offset += l.len();
    }
    Span {
        offset: text.len(),
        len: 0,
    }
}

/// Maps a byte offset inside a scalar's value to a byte offset in the file, so expression
/// errors point at the token. Plain and quoted single-line scalars map exactly; block scalars
/// map line by line; anything else falls back to the scalar's start.
pub(crate) fn scalar_offset(text: &str, node: &Node, value: &str, inner: usize) -> usize {
    let start = node.span.offset;
    let Some(first) = text.get(start..).and_then(|t| t.chars().next()) else {
        return start;
    };
    if first == '"' || first == '\'' {
        return start + 1 + inner;
    }
    if !value.contains('\n') {
        return start + inner;
    }
    // Block scalar: the span starts at the first content character; walk value lines.
    let indent_col = text[..start].rfind('\n').map_or(start, |nl| start - nl - 1);
    let before = &value[..inner.min(value.len())];
    let line_no = before.matches('\n').count();
    let col_in_line = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1);
    let mut offset = start;
    for _ in 0..line_no {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1 + indent_col,
            None => return start,
        }
    }
    (offset + col_in_line).min(text.len())
}
