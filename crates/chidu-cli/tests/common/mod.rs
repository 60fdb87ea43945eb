//! Helpers shared by the CLI's integration tests: run the built `chidu`, read its output, and
//! a scratch directory per test binary.
#![allow(dead_code, reason = "each test file uses part of it")]

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `chidu` binary with `args` (language from the arguments only, not the env).
pub fn chidu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chidu"))
        .args(args)
        .env_remove("CHIDU_LANG")
        .output()
        .unwrap()
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard output and standard error as text.
pub fn text(o: &Output) -> (String, String) {
    (stdout(o), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// A fresh scratch directory, removed when the returned guard drops (so repeated runs do not
/// fill the disk: one test writes a 64 MiB line).
pub fn temp(name: &str) -> Scratch {
    Scratch(
        tempfile::Builder::new()
            .prefix(&format!("chidu-cli-{}-{name}-", env!("CARGO_CRATE_NAME")))
            .tempdir()
            .unwrap(),
    )
}

/// A scratch directory that is deleted on drop; derefs to its path.
pub struct Scratch(tempfile::TempDir);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.path()
    }
}
