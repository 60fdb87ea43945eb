//! Runs the shared data-driven cases in `tests/cases/*.yaml` (also run by pytest).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::path::PathBuf;

#[test]
fn shared_cases() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let filter = std::env::var("CHIDU_CASE").unwrap_or_default();
    let (mut total, mut failed) = (0, Vec::new());
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for c in chidu::testing::run_shared_cases(&text, &name) {
            if !filter.is_empty() && !c.name.contains(&filter) {
                continue;
            }
            total += 1;
            if !c.failures.is_empty() {
                failed.push(format!(
                    "{} :: {}\n    {}",
                    c.file,
                    c.name,
                    c.failures.join("\n    ")
                ));
            }
        }
    }
    assert!(
        total >= 60 || !filter.is_empty(),
        "expected at least 60 shared cases, found {total}"
    );
    assert!(
        failed.is_empty(),
        "{} of {total} cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
