//! Where pack files come from: a directory, a map of strings, or the packs built into the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));

/// Ids of the built-in packs.
pub fn builtin_ids() -> Vec<&'static str> {
    let mut ids: Vec<&str> = BUILTIN_FILES
        .iter()
        .filter_map(|(p, _)| p.strip_suffix("/standard.yaml"))
        .filter(|id| !id.contains('/'))
        .collect();
    ids.sort_unstable();
    ids
}

/// A file system a pack is read from; paths use `/` and may contain `..`.
#[derive(Debug, Clone)]
pub(crate) enum Files {
    Dir,
    Memory(BTreeMap<String, String>),
    Builtin,
}

/// Lexically normalises `a/b/../c` → `a/c` (keeps leading `..` that cannot be resolved).
pub(crate) fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

pub(crate) fn join(dir: &str, rel: &str) -> String {
    if rel.starts_with('/') || dir.is_empty() {
        normalize(rel)
    } else {
        normalize(&format!("{dir}/{rel}"))
    }
}

impl Files {
    pub(crate) fn read(&self, path: &str) -> Result<String, String> {
        match self {
            Files::Dir => {
                let p = PathBuf::from(path);
                read_limited(&p)
            }
            Files::Memory(map) => map
                .get(&normalize(path))
                .cloned()
                .ok_or_else(|| "no such file".to_owned()),
            Files::Builtin => BUILTIN_FILES
                .iter()
                .find(|(p, _)| *p == normalize(path))
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| "no such built-in file".to_owned()),
        }
    }
}

/// Largest single file read from disk.
pub(crate) const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

pub(crate) fn read_limited(p: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(p).map_err(|e| e.to_string())?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "file is {} bytes; the limit is {MAX_FILE_BYTES}",
            meta.len()
        ));
    }
    let bytes = std::fs::read(p).map_err(|e| e.to_string())?;
    String::from_utf8(bytes)
        .map_err(|e| format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()))
}

/// Text of a built-in file such as `taicang/examples/strong.yaml`.
pub fn builtin_file(path: &str) -> Option<&'static str> {
    BUILTIN_FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, t)| *t)
}

/// The built-in file at `rel`, relative to the built-in file `from` (a rule test's
/// `record_file: ../examples/strong.yaml`), with `.` and `..` resolved.
pub fn builtin_file_relative(from: &str, rel: &str) -> Result<&'static str, String> {
    let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    let path = join(dir, rel);
    builtin_file(&path).ok_or_else(|| format!("no built-in file `{path}`"))
}

/// Paths of every built-in file under `prefix`.
pub fn builtin_files_under(prefix: &str) -> Vec<&'static str> {
    BUILTIN_FILES
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| p.starts_with(prefix))
        .collect()
}
