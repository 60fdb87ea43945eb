//! Helpers shared by the CLI's integration tests: run the built `chidu`, read its output, and
//! a scratch directory per test binary.
#![allow(dead_code, reason = "each test file uses part of it")]

use std::path::PathBuf;
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

/// A fresh-enough scratch directory, unique to this test binary and process.
pub fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "chidu-cli-{}-{}-{name}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}
