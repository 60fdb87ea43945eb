//! Reads a pack's files and resolves overlays (`extends`, `set_params`, `remove`, `modify`,
//! added sections) on the node trees, before anything is type-checked.

use std::sync::Arc;

use super::read::{FileTable, Reader};
use super::source::{Files, join};
use crate::diag::{Code, Diagnostic, Diags, SourceFile, Span, did_you_mean};
use crate::yaml::{self, Key, Node, NodeKind};

/// Longest chain of `extends`.
const MAX_EXTENDS: usize = 8;

/// A pack with overlays applied: still YAML nodes, each remembering its file.
#[derive(Debug, Clone)]
pub(crate) struct RawPack {
    pub(crate) standard: Node,
    pub(crate) record: Node,
    pub(crate) sections: Vec<Node>,
    /// Ids of the packs this one extends, base first.
    pub(crate) bases: Vec<String>,
}

pub(crate) struct Resolver<'a> {
    pub(crate) files: &'a mut FileTable,
    pub(crate) diags: &'a mut Diags,
}

const STANDARD_KEYS: &[&str] = &[
    "chidu",
    "id",
    "version",
    "title",
    "description",
    "record",
    "total",
    "not_applicable",
    "bonus_cap",
    "params",
    "grades",
    "veto_grade",
    "sections",
    "aggregates",
    "extends",
    "set_params",
    "remove",
    "modify",
    "source",
];

impl Resolver<'_> {
    fn load_file(
        &mut self,
        fs: &Files,
        path: &str,
        display: &str,
        from: Option<&Node>,
    ) -> Option<Node> {
        let text = match fs.read(path) {
            Ok(t) => t,
            Err(e) => {
                let mut d =
                    Diagnostic::new(Code::FileNotFound, format!("cannot read `{display}`: {e}"));
                if let Some(n) = from
                    && let Some(f) = self.files.get(n.file)
                {
                    d = d.at(f, n.span);
                }
                self.diags.push(d);
                return None;
            }
        };
        let file = SourceFile {
            name: display.to_owned(),
            text: Arc::from(text),
        };
        let id = self.files.add(file.clone());
        match yaml::parse(&file, id) {
            Ok(n) => Some(n),
            Err(d) => {
                self.diags.push(d);
                None
            }
        }
    }

    fn reader(&mut self) -> Reader<'_> {
        Reader {
            files: self.files,
            diags: self.diags,
        }
    }

    /// Resolves the pack in `dir` (display names are relative to `display_dir`).
    pub(crate) fn resolve(
        &mut self,
        fs: &Files,
        dir: &str,
        display_dir: &str,
        depth: usize,
    ) -> Option<RawPack> {
        let std_path = join(dir, "standard.yaml");
        let standard = self.load_file(fs, &std_path, &join(display_dir, "standard.yaml"), None)?;
        self.reader()
            .map(&standard, "standard.yaml", STANDARD_KEYS)?;
        let extends = standard.get("extends").cloned();
        let Some(ext) = extends else {
            return self.resolve_base(fs, dir, display_dir, standard);
        };
        if depth >= MAX_EXTENDS {
            self.reader().err(
                Code::LimitExceeded,
                &ext,
                format!("`extends` chain longer than {MAX_EXTENDS} (a cycle?)"),
            );
            return None;
        }
        let target = self.reader().string(&ext, "`extends`")?;
        let mut base = if let Some(id) = target.strip_prefix("builtin:") {
            self.resolve(&Files::Builtin, id, &format!("builtin:{id}"), depth + 1)?
        } else {
            let base_dir = join(dir, &target);
            let base_display = join(display_dir, &target);
            if fs.read(&join(&base_dir, "standard.yaml")).is_err() {
                self.reader().err(
                    Code::FileNotFound,
                    &ext,
                    format!("`extends` names `{target}`, which has no standard.yaml"),
                );
                return None;
            }
            self.resolve(fs, &base_dir, &base_display, depth + 1)?
        };
        if let Some(id) = base.standard.get("id").and_then(Node::as_str) {
            base.bases.push(id.to_owned());
        }
        self.apply_overlay(fs, dir, display_dir, &standard, &mut base);
        Some(base)
    }

    fn resolve_base(
        &mut self,
        fs: &Files,
        dir: &str,
        display_dir: &str,
        standard: Node,
    ) -> Option<RawPack> {
        for key in ["set_params", "remove", "modify"] {
            if let Some(n) = standard.get(key) {
                self.reader().err(
                    Code::InvalidValue,
                    n,
                    format!("`{key}` only applies to a pack with `extends`"),
                );
            }
        }
        let record_rel = match standard.get("record") {
            Some(n) => self.reader().string(n, "`record`")?,
            None => "record.yaml".to_owned(),
        };
        let record = self.load_file(
            fs,
            &join(dir, &record_rel),
            &join(display_dir, &record_rel),
            standard.get("record"),
        )?;
        let sections = self.section_files(fs, dir, display_dir, &standard);
        Some(RawPack {
            standard,
            record,
            sections,
            bases: Vec::new(),
        })
    }

    fn section_files(
        &mut self,
        fs: &Files,
        dir: &str,
        display_dir: &str,
        standard: &Node,
    ) -> Vec<Node> {
        let Some(list) = standard.get("sections") else {
            return Vec::new();
        };
        let names = self.reader().string_list(list, "`sections`");
        let mut out = Vec::new();
        for (rel, node) in names {
            if let Some(n) =
                self.load_file(fs, &join(dir, &rel), &join(display_dir, &rel), Some(&node))
            {
                out.push(n);
            }
        }
        out
    }

    fn apply_overlay(
        &mut self,
        fs: &Files,
        dir: &str,
        display_dir: &str,
        overlay: &Node,
        base: &mut RawPack,
    ) {
        let Some(entries) = overlay.as_map() else {
            return;
        };
        // record.yaml: the overlay's fields are added to the base's.
        if let Some(rec) = overlay.get("record")
            && let Some(rel) = self.reader().string(rec, "`record`")
            && let Some(node) =
                self.load_file(fs, &join(dir, &rel), &join(display_dir, &rel), Some(rec))
        {
            base.record.merge_patch(&node);
        }
        for (key, value) in entries {
            match key.name.as_str() {
                "extends" | "record" | "sections" | "remove" | "modify" => {}
                "params" => self.add_params(&mut base.standard, value),
                "set_params" => self.set_params(&mut base.standard, value),
                _ => set_key(&mut base.standard, key, value),
            }
        }
        if let Some(remove) = overlay.get("remove") {
            for (id, node) in self.reader().string_list(remove, "`remove`") {
                if !remove_id(&mut base.sections, &id) {
                    self.unknown_id(&id, &node, &base.sections);
                }
            }
        }
        if let Some(modify) = overlay.get("modify") {
            let Some(patches) = modify.as_map() else {
                self.reader().err(
                    Code::InvalidValue,
                    modify,
                    "`modify` must map ids to changes",
                );
                return;
            };
            for (k, patch) in patches {
                if !modify_id(&mut base.sections, &k.name, patch) {
                    let node = Node {
                        kind: NodeKind::Null,
                        span: k.span,
                        file: k.file,
                    };
                    self.unknown_id(&k.name, &node, &base.sections);
                }
            }
        }
        for section in self.section_files(fs, dir, display_dir, overlay) {
            let id = section.get("id").and_then(Node::as_str).map(str::to_owned);
            let existing = id.as_deref().and_then(|id| {
                base.sections
                    .iter_mut()
                    .find(|s| s.get("id").and_then(Node::as_str) == Some(id))
            });
            match existing {
                Some(target) => append_indicators(target, &section),
                None => base.sections.push(section),
            }
        }
    }

    fn unknown_id(&mut self, id: &str, node: &Node, sections: &[Node]) {
        let ids = all_ids(sections);
        let mut d = self.reader().diag_at(
            Code::UnknownIndicator,
            node.file,
            node.span,
            format!("no indicator or section `{id}` in the base pack"),
        );
        if let Some(h) = did_you_mean(id, ids.iter().map(String::as_str)) {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    fn add_params(&mut self, standard: &mut Node, value: &Node) {
        let Some(entries) = value.as_map() else {
            self.reader()
                .err(Code::InvalidValue, value, "`params` must be a mapping");
            return;
        };
        let Some(params) = ensure_map_entry(standard, "params") else {
            return;
        };
        for (k, v) in entries {
            if params.iter().any(|(pk, _)| pk.name == k.name) {
                let d = Reader {
                    files: self.files,
                    diags: self.diags,
                }
                .diag_at(
                    Code::InvalidValue,
                    k.file,
                    k.span,
                    format!("param `{}` already exists in the base pack", k.name),
                );
                self.diags
                    .push(d.with_help("use `set_params` to change a base param"));
            } else {
                params.push((k.clone(), v.clone()));
            }
        }
    }

    fn set_params(&mut self, standard: &mut Node, value: &Node) {
        let Some(entries) = value.as_map() else {
            self.reader()
                .err(Code::InvalidValue, value, "`set_params` must be a mapping");
            return;
        };
        let Some(params) = ensure_map_entry(standard, "params") else {
            return;
        };
        let mut errors = Vec::new();
        for (k, v) in entries {
            match params.iter_mut().find(|(pk, _)| pk.name == k.name) {
                Some((_, existing)) => {
                    let old = existing.get("value").unwrap_or(existing).clone();
                    let new = v.get("value").unwrap_or(v);
                    let same_kind = scalar_class(&old.kind) == scalar_class(&new.kind);
                    if !same_kind {
                        errors.push((
                            k.clone(),
                            format!(
                                "`set_params` changes `{}` from {} to {}",
                                k.name,
                                old.type_name(),
                                new.type_name()
                            ),
                        ));
                    }
                    if existing.as_map().is_some() && v.as_map().is_none() {
                        let patch = Node {
                            kind: NodeKind::Map(vec![(
                                Key {
                                    name: "value".into(),
                                    span: k.span,
                                    file: k.file,
                                },
                                v.clone(),
                            )]),
                            span: v.span,
                            file: v.file,
                        };
                        existing.merge_patch(&patch);
                    } else {
                        *existing = v.clone();
                    }
                }
                None => {
                    let names: Vec<String> = params.iter().map(|(pk, _)| pk.name.clone()).collect();
                    let help = did_you_mean(&k.name, names.iter().map(String::as_str));
                    errors.push((
                        k.clone(),
                        format!(
                            "`set_params` names `{}`, which the base pack does not define{}",
                            k.name,
                            help.map(|h| format!("; {h}")).unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        for (k, msg) in errors {
            let code = if msg.contains("does not define") {
                Code::UndefinedParam
            } else {
                Code::TypeMismatch
            };
            let d = Reader {
                files: self.files,
                diags: self.diags,
            }
            .diag_at(code, k.file, k.span, msg);
            self.diags.push(d);
        }
    }
}

/// Params keep their kind across `set_params`: ints and floats are both numbers.
fn scalar_class(k: &NodeKind) -> u8 {
    match k {
        NodeKind::Int(_) | NodeKind::Float(_) => 0,
        NodeKind::Str(_) => 1,
        NodeKind::Bool(_) => 2,
        NodeKind::Seq(_) => 3,
        NodeKind::Map(_) => 4,
        NodeKind::Null => 5,
    }
}

fn set_key(node: &mut Node, key: &Key, value: &Node) {
    if let NodeKind::Map(entries) = &mut node.kind {
        match entries.iter_mut().find(|(k, _)| k.name == key.name) {
            Some((_, v)) => *v = value.clone(),
            None => entries.push((key.clone(), value.clone())),
        }
    }
}

fn ensure_map_entry<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Vec<(Key, Node)>> {
    let (file, span) = (node.file, node.span);
    let NodeKind::Map(entries) = &mut node.kind else {
        return None;
    };
    let pos = match entries.iter().position(|(k, _)| k.name == key) {
        Some(i) => i,
        None => {
            entries.push((
                Key {
                    name: key.to_owned(),
                    span,
                    file,
                },
                Node {
                    kind: NodeKind::Map(Vec::new()),
                    span,
                    file,
                },
            ));
            entries.len() - 1
        }
    };
    let slot = &mut entries.get_mut(pos)?.1;
    if !matches!(slot.kind, NodeKind::Map(_)) {
        slot.kind = NodeKind::Map(Vec::new());
    }
    match &mut slot.kind {
        NodeKind::Map(m) => Some(m),
        _ => None,
    }
}

fn indicators_mut(section: &mut Node) -> Option<&mut Vec<Node>> {
    let NodeKind::Map(entries) = &mut section.kind else {
        return None;
    };
    entries
        .iter_mut()
        .find(|(k, _)| k.name == "indicators")
        .and_then(|(_, v)| match &mut v.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        })
}

fn remove_id(sections: &mut Vec<Node>, id: &str) -> bool {
    let before = sections.len();
    sections.retain(|s| s.get("id").and_then(Node::as_str) != Some(id));
    if sections.len() != before {
        return true;
    }
    for s in sections.iter_mut() {
        if let Some(items) = indicators_mut(s) {
            let n = items.len();
            items.retain(|i| i.get("id").and_then(Node::as_str) != Some(id));
            if items.len() != n {
                return true;
            }
        }
    }
    false
}

fn modify_id(sections: &mut [Node], id: &str, patch: &Node) -> bool {
    for s in sections.iter_mut() {
        if s.get("id").and_then(Node::as_str) == Some(id) {
            s.merge_patch(patch);
            return true;
        }
        if let Some(items) = indicators_mut(s)
            && let Some(ind) = items
                .iter_mut()
                .find(|i| i.get("id").and_then(Node::as_str) == Some(id))
        {
            ind.merge_patch(patch);
            return true;
        }
    }
    false
}

fn append_indicators(target: &mut Node, section: &Node) {
    let Some(new) = section.get("indicators").and_then(Node::as_seq) else {
        return;
    };
    let new = new.to_vec();
    match indicators_mut(target) {
        Some(items) => items.extend(new),
        None => {
            if let NodeKind::Map(entries) = &mut target.kind {
                entries.push((
                    Key {
                        name: "indicators".into(),
                        span: Span::default(),
                        file: section.file,
                    },
                    Node {
                        kind: NodeKind::Seq(new),
                        span: section.span,
                        file: section.file,
                    },
                ));
            }
        }
    }
}

fn all_ids(sections: &[Node]) -> Vec<String> {
    let mut ids = Vec::new();
    for s in sections {
        if let Some(id) = s.get("id").and_then(Node::as_str) {
            ids.push(id.to_owned());
        }
        for i in s.get("indicators").and_then(Node::as_seq).unwrap_or(&[]) {
            if let Some(id) = i.get("id").and_then(Node::as_str) {
                ids.push(id.to_owned());
            }
        }
    }
    ids
}
