//! `chidu template`: the empty data-entry workbook (or CSV headers) for a pack's records.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::{exit, load, output};

/// Arguments of `chidu template`.
#[derive(Args, Debug)]
pub(crate) struct TemplateArgs {
    /// Pack directory or built-in id.
    standard: String,
    /// `xlsx`: one workbook; `csv`: the records file plus one `<stem>.<list>.csv` per list field.
    #[arg(long, value_enum, default_value_t = TemplateFormat::Xlsx)]
    format: TemplateFormat,
    /// Where to write (default `<standard id>.xlsx` or `<standard id>.csv` here).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum TemplateFormat {
    /// Excel workbook with drop-downs.
    Xlsx,
    /// CSV header files.
    Csv,
}

pub(crate) fn template(args: &TemplateArgs) -> u8 {
    let std = match load(&args.standard) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let ext = match args.format {
        TemplateFormat::Xlsx => "xlsx",
        TemplateFormat::Csv => "csv",
    };
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.{ext}", std.id())));
    let files: Vec<(PathBuf, Vec<u8>)> = match args.format {
        TemplateFormat::Xlsx => match std.template_xlsx() {
            Ok(bytes) => vec![(path, bytes)],
            Err(e) => {
                eprintln!("error: {e}");
                return exit::INVALID_STANDARD;
            }
        },
        TemplateFormat::Csv => {
            let (records, sidecars) = std.template_csv();
            let mut files = vec![(path.clone(), records.into_bytes())];
            for (list, header) in sidecars {
                files.push((sidecar(&path, &list), header.into_bytes()));
            }
            files
        }
    };
    for (p, bytes) in &files {
        if let Err(code) = output::write_reported(p, bytes) {
            return code;
        }
        outln!("wrote {}", p.display());
    }
    exit::OK
}

/// `dir/stations.csv` + `staff` → `dir/stations.staff.csv`.
fn sidecar(path: &Path, list: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("records");
    path.with_file_name(format!("{stem}.{list}.csv"))
}
