//! `chidu codegen`: Rust checks generated for one pack (`chidu::compiled`).

use std::path::PathBuf;

use crate::{exit, load, output};

#[derive(clap::Args, Debug)]
pub(crate) struct CodegenArgs {
    /// Pack directory or built-in id.
    standard: String,
    /// Write the Rust source to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
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
    match &args.output {
        Some(path) => {
            if let Err(e) = output::write_atomic(path, code.as_bytes()) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return exit::INVALID_STANDARD;
            }
        }
        None => out!("{code}"),
    }
    exit::OK
}
