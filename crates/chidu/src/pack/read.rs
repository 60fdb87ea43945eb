//! Structural reading of rule-file nodes: unknown keys, missing keys and wrong shapes are
//! collected as diagnostics while reading goes on.

use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic, Diags, SourceFile, Span, did_you_mean};
use crate::yaml::{Key, Node, NodeKind};

/// Text in both languages. A plain string in YAML fills both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Text {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// The text in `lang`, falling back to the other language when empty.
    pub fn get(&self, lang: crate::Lang) -> &str {
        let (first, second) = match lang {
            crate::Lang::Zh => (&self.zh, &self.en),
            crate::Lang::En => (&self.en, &self.zh),
        };
        if first.is_empty() { second } else { first }
    }
}

/// The files a pack was read from, indexed by the `file` of each node.
#[derive(Debug, Default, Clone)]
pub(crate) struct FileTable {
    pub(crate) files: Vec<SourceFile>,
}

impl FileTable {
    pub(crate) fn add(&mut self, file: SourceFile) -> u32 {
        self.files.push(file);
        (self.files.len() - 1) as u32
    }
    pub(crate) fn get(&self, id: u32) -> Option<&SourceFile> {
        self.files.get(id as usize)
    }
}

/// Reads nodes, pushing diagnostics for what is wrong.
pub(crate) struct Reader<'a> {
    pub(crate) files: &'a FileTable,
    pub(crate) diags: &'a mut Diags,
}

impl Reader<'_> {
    pub(crate) fn diag_at(
        &self,
        code: Code,
        file: u32,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let d = Diagnostic::new(code, message);
        match self.files.get(file) {
            Some(f) if span != Span::default() => d.at(f, span),
            Some(f) => d.in_file(f),
            None => d,
        }
    }
    pub(crate) fn err(&mut self, code: Code, node: &Node, message: impl Into<String>) {
        let d = self.diag_at(code, node.file, node.span, message);
        self.diags.push(d);
    }
    pub(crate) fn err_key(&mut self, code: Code, key: &Key, message: impl Into<String>) {
        let d = self.diag_at(code, key.file, key.span, message);
        self.diags.push(d);
    }
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// The entries of a mapping, reporting keys outside `allowed`.
    pub(crate) fn map<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Option<&'n [(Key, Node)]> {
        let Some(entries) = node.as_map() else {
            self.err(
                Code::InvalidValue,
                node,
                format!("{what} must be a mapping, found {}", node.type_name()),
            );
            return None;
        };
        for (k, _) in entries {
            if !allowed.contains(&k.name.as_str()) {
                let mut d = self.diag_at(
                    Code::UnknownKey,
                    k.file,
                    k.span,
                    format!("unknown key `{}` in {what}", k.name),
                );
                d = match did_you_mean(&k.name, allowed.iter().copied()) {
                    Some(h) => d.with_help(h),
                    None => d.with_help(format!("expected one of: {}", allowed.join(", "))),
                };
                self.diags.push(d);
            }
        }
        Some(entries)
    }

    pub(crate) fn required<'n>(
        &mut self,
        parent: &'n Node,
        key: &str,
        what: &str,
    ) -> Option<&'n Node> {
        let found = parent.get(key);
        if found.is_none() {
            self.err(Code::MissingKey, parent, format!("{what} has no `{key}`"));
        }
        found
    }

    pub(crate) fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::Float(f) => Some(f.to_string()),
            _ => {
                self.err(
                    Code::InvalidValue,
                    node,
                    format!("{what} must be a string, found {}", node.type_name()),
                );
                None
            }
        }
    }

    pub(crate) fn number(&mut self, node: &Node, what: &str) -> Option<f64> {
        match node.as_f64() {
            Some(f) if f.is_finite() => Some(f),
            _ => {
                self.err(
                    Code::InvalidValue,
                    node,
                    format!("{what} must be a number, found {}", node.type_name()),
                );
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.kind {
            NodeKind::Bool(b) => Some(b),
            _ => {
                self.err(
                    Code::InvalidValue,
                    node,
                    format!("{what} must be true or false, found {}", node.type_name()),
                );
                None
            }
        }
    }

    pub(crate) fn text(&mut self, node: &Node, what: &str) -> Option<Text> {
        match &node.kind {
            NodeKind::Str(s) => Some(Text {
                zh: s.clone(),
                en: s.clone(),
            }),
            NodeKind::Map(_) => {
                let entries = self.map(node, what, &["zh", "en"])?;
                let mut t = Text::default();
                for (k, v) in entries {
                    let s = self.string(v, what)?;
                    match k.name.as_str() {
                        "zh" => t.zh = s,
                        "en" => t.en = s,
                        _ => {}
                    }
                }
                Some(t)
            }
            _ => {
                self.err(
                    Code::InvalidValue,
                    node,
                    format!(
                        "{what} must be text or {{zh, en}}, found {}",
                        node.type_name()
                    ),
                );
                None
            }
        }
    }

    pub(crate) fn string_list(&mut self, node: &Node, what: &str) -> Vec<(String, Node)> {
        let Some(items) = node.as_seq() else {
            self.err(
                Code::InvalidValue,
                node,
                format!("{what} must be a list, found {}", node.type_name()),
            );
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|n| self.string(n, what).map(|s| (s, n.clone())))
            .collect()
    }
}
