//! `chidu codegen`: Rust checks generated for one pack (`chidu::compiled`), as a module
//! directory.

use std::path::PathBuf;

use crate::{exit, load, output};

#[derive(clap::Args, Debug)]
pub(crate) struct CodegenArgs {
    /// Pack directory or built-in id.
    standard: String,
    /// The module directory to write (created if needed): `mod.rs`, one `section{k}.rs` per
    /// section with its checks, `record.rs`, `record_{field}.rs` and `values.rs` with the record
    /// types, each
    /// written atomically.
    #[arg(long, short)]
    output: PathBuf,
}

pub(crate) fn codegen(args: &CodegenArgs) -> u8 {
    let std = match load(&args.standard) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let code = match std.compile().map(|e| e.generate_rust()) {
        Ok(Ok(code)) => code,
        Ok(Err(unsupported)) => {
            eprintln!("error: {unsupported}");
            return exit::INVALID_STANDARD;
        }
        Err(e) => {
            output::print_diagnostics(&e.diagnostics);
            return exit::INVALID_STANDARD;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.output) {
        eprintln!("error: cannot create {}: {e}", args.output.display());
        return exit::INVALID_STANDARD;
    }
    for (name, text) in code.files() {
        let path = args.output.join(name);
        if let Err(code) = output::write_reported(&path, text.as_bytes()) {
            return code;
        }
    }
    exit::OK
}
