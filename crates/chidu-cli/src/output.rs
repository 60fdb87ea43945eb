//! Printing diagnostics, finding test files, writing outputs atomically.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Prints diagnostics to stderr as `file:line:col: error[code]: message` with a snippet.
pub(crate) fn print_diagnostics(diags: &[chidu::Diagnostic]) {
    let mut err = anstream::stderr();
    for d in diags {
        let _ = writeln!(err, "{}\n", d.render());
    }
    let n = diags.len();
    let _ = writeln!(err, "{n} error{} found", if n == 1 { "" } else { "s" });
}

pub(crate) fn diagnostic_json(d: &chidu::Diagnostic) -> serde_json::Value {
    let (line, column) = d
        .line_col()
        .map_or((None, None), |(l, c)| (Some(l), Some(c)));
    serde_json::json!({
        "code": d.code.as_str(),
        "file": d.file_name(),
        "line": line,
        "column": column,
        "message": d.message,
        "help": d.help,
    })
}

type Reader = Box<dyn Fn(&str, &str) -> Result<String, String>>;

/// The pack's test files and a reader for `record_file` paths relative to them.
pub(crate) fn test_files(spec: &str, std: &chidu::Standard) -> (Vec<(String, String)>, Reader) {
    let dir = Path::new(spec);
    if dir.is_dir() {
        let tests = dir.join("tests");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&tests)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        let files = paths
            .iter()
            .filter_map(|p| {
                std::fs::read_to_string(p)
                    .ok()
                    .map(|t| (p.display().to_string(), t))
            })
            .collect();
        let reader: Reader = Box::new(|file: &str, rel: &str| {
            let base = Path::new(file)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            std::fs::read_to_string(base.join(rel)).map_err(|e| format!("cannot read `{rel}`: {e}"))
        });
        return (files, reader);
    }
    let id = std.id().to_owned();
    let files = chidu::builtin_files_under(&format!("{id}/tests/"))
        .into_iter()
        .filter_map(|p| chidu::builtin_file(p).map(|t| (p.to_owned(), t.to_owned())))
        .collect();
    let reader: Reader = Box::new(|file: &str, rel: &str| {
        chidu::builtin_file_relative(file, rel).map(str::to_owned)
    });
    (files, reader)
}

/// A buffered writer to a temporary file next to `path`; rename it over `path` when done, so
/// readers never see a half-written report.
pub(crate) fn temp_writer(
    path: &Path,
) -> std::io::Result<(PathBuf, std::io::BufWriter<std::fs::File>)> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let f = std::fs::File::create(&tmp)?;
    Ok((tmp, std::io::BufWriter::with_capacity(1 << 20, f)))
}

/// [`write_atomic`], reporting a failure on stderr as every command does; `Err` carries the
/// exit code to return.
pub(crate) fn write_reported(path: &Path, bytes: &[u8]) -> Result<(), u8> {
    write_atomic(path, bytes).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", path.display());
        crate::exit::INVALID_STANDARD
    })
}

/// Writes a file so that readers never see it half-written: a temporary file, then rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
