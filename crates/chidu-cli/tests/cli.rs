//! The `chidu` binary: outputs and exit codes (0 ok, 1 gate, 2 invalid standard, 3 invalid records).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use common::*;
use std::process::Command;

#[test]
fn check_builtin_examples_prints_grades() {
    let o = chidu(&["check", "demo", "--as-of", "2026-06-30", "--lang", "en"]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("Excellent") && out.contains("Fail"), "{out}");
}

#[test]
fn gates_fail_with_exit_1() {
    assert_eq!(
        chidu(&[
            "check",
            "demo",
            "--as-of",
            "2026-06-30",
            "--fail-under",
            "90"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        chidu(&["check", "demo", "--as-of", "2026-06-30", "--fail-on-veto"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn invalid_records_exit_3_and_the_rest_are_reported() {
    let d = temp("invalid");
    let f = d.join("s.jsonl");
    let good = serde_json::to_string(&serde_json::json!({"id": "OK-1", "name": "好站"})).unwrap();
    std::fs::write(
        &f,
        format!("{good}\n{{\"id\": \"BAD-1\", \"premises\": {{\"mode\": \"castle\"}}}}\n"),
    )
    .unwrap();
    let out_path = d.join("out.json");
    let o = chidu(&[
        "check",
        "demo",
        f.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
        "--format",
        "json",
        "--output",
        out_path.to_str().unwrap(),
        "--fail-on-veto",
    ]);
    assert_eq!(o.status.code(), Some(3), "3 beats 1");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert_eq!(v["reports"].as_array().unwrap().len(), 2);
    assert_eq!(v["reports"][1]["error"]["kind"], "invalid_record");
    assert_eq!(v["summary"]["invalid"], 1);
    assert!(text(&o).1.contains("BAD-1"));
}

#[test]
fn broken_pack_lints_with_file_line_col_and_exit_2() {
    let d = temp("broken");
    std::fs::write(
        d.join("standard.yaml"),
        "chidu: 1\nid: b\ntitle: B\ntotal: 10\ngrades: [{id: ok}]\nsections: [s.yaml]\n",
    )
    .unwrap();
    std::fs::write(d.join("record.yaml"), "fields:\n  id: {type: string}\n  staff: {type: list, item: {fields: {name: {type: string}}}}\n").unwrap();
    std::fs::write(d.join("s.yaml"), "id: S\ntitle: S\npoints: 10\nindicators:\n  - id: A\n    title: A\n    points: 10\n    check: count(staf) >= 2\n").unwrap();
    let o = chidu(&["lint", d.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("s.yaml:8:18: error[unknown_field]"), "{err}");
    assert!(err.contains("did you mean `staff`?"), "{err}");
    let o = chidu(&["lint", d.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["code"], "unknown_field");
    assert_eq!(v[0]["line"], 8);
    assert_eq!(v[0]["column"], 18);
}

#[test]
fn unreadable_input_exits_2() {
    assert_eq!(
        chidu(&["check", "demo", "/nonexistent/records.yaml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(chidu(&["check", "no-such-standard"]).status.code(), Some(2));
}

#[test]
fn test_command_reports_counts_and_coverage() {
    let o = chidu(&["test", "demo", "--coverage"]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
    assert!(
        out.contains("every indicator has a met and a not-met case"),
        "{out}"
    );
}

#[test]
fn explain_and_schema() {
    let o = chidu(&["explain", "taicang", "PZ05", "--lang", "en"]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("Points") && out.contains("Scoring"), "{out}");
    let o = chidu(&["schema", "demo"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["type"], "object");
    assert!(v["properties"]["staff"]["items"]["properties"].is_object());
    let o = chidu(&["schema", "--rules"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for k in ["standard", "record", "section"] {
        assert!(v[k]["$schema"].is_string(), "{k}");
    }
}

#[test]
fn jsonl_and_markdown_formats() {
    let o = chidu(&[
        "check",
        "demo",
        "--as-of",
        "2026-06-30",
        "--format",
        "jsonl",
    ]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l["format"] == "chidu.report/1"));
    let o = chidu(&[
        "check",
        "demo",
        "--as-of",
        "2026-06-30",
        "--format",
        "md",
        "--lang",
        "en",
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("## Remediation list"));
}

#[test]
fn a_closed_stdout_pipe_is_not_a_crash() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_chidu"))
        .args(["schema", "taicang"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_ne!(status.code(), Some(101), "panicked on a closed pipe");
}

#[test]
fn streamed_json_equals_the_in_memory_batch() {
    let in_memory = chidu(&["check", "demo", "--as-of", "2026-06-30", "--format", "json"]);
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../standards/demo/examples");
    let streamed = chidu(&[
        "check",
        "demo",
        dir.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
        "--format",
        "json",
    ]);
    assert_eq!(in_memory.stdout, streamed.stdout);
    let d = temp("stream");
    let f = d.join("fleet.jsonl");
    let line = serde_json::to_string(&serde_json::json!({"id": "S", "name": "站"})).unwrap();
    let body: String = (0..1500)
        .map(|i| line.replace("\"S\"", &format!("\"S{i}\"")) + "\n")
        .collect();
    std::fs::write(&f, body).unwrap();
    let o = check_demo_jsonl(&f);
    let lines: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    assert_eq!(
        lines.len(),
        1500,
        "every record across several chunks, in order"
    );
    assert!(lines[1499].contains("\"S1499\""));
}

#[test]
fn an_overlong_jsonl_line_is_one_error_entry() {
    let d = temp("overlong");
    let f = d.join("fleet.jsonl");
    let mut body = b"{\"id\": \"A\"}\n".to_vec();
    body.extend(std::iter::repeat_n(b'x', chidu::MAX_LINE_BYTES + 1));
    body.extend_from_slice(b"\n{\"id\": \"C\"}\n");
    std::fs::write(&f, body).unwrap();
    let o = check_demo_jsonl(&f);
    assert_eq!(o.status.code(), Some(3), "an invalid record");
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].contains("\"A\"") && lines[2].contains("\"C\""));
    assert!(lines[1].contains("fleet.jsonl:2\"") && lines[1].contains("longer than the 64 MiB"));
}

#[test]
fn a_line_of_ideographic_spaces_is_blank_when_streamed_as_when_loaded() {
    let d = temp("blank");
    let f = d.join("fleet.jsonl");
    std::fs::write(
        &f,
        "{\"id\": \"A\"}\n\u{3000}\u{3000}\n \t\n{\"id\": \"B\"}\n",
    )
    .unwrap();
    let streamed = check_demo_jsonl(&f);
    let out = String::from_utf8(streamed.stdout).unwrap();
    assert_eq!(streamed.status.code(), Some(0), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].contains("\"A\"") && lines[1].contains("\"B\""),
        "{out}"
    );
    // Loaded (the text formats read the whole file first): the same two records.
    let loaded = chidu(&[
        "check",
        "demo",
        f.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
    ]);
    let (text_out, _) = text(&loaded);
    assert_eq!(loaded.status.code(), Some(0), "{text_out}");
}

/// `chidu check demo FILE --as-of 2026-06-30 --format jsonl` (streamed).
fn check_demo_jsonl(f: &std::path::Path) -> std::process::Output {
    chidu(&[
        "check",
        "demo",
        f.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
        "--format",
        "jsonl",
    ])
}

/// Every file of the committed module directory `committed` is in `out`, with the same text.
fn same_files(out: &std::path::Path, committed: &str) {
    let mut names = 0;
    for entry in std::fs::read_dir(committed).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join(name)).unwrap(),
            std::fs::read_to_string(&path).unwrap(),
            "{}",
            path.display()
        );
        names += 1;
    }
    assert!(names >= 4, "mod.rs, a section, record.rs and values.rs");
}

#[test]
fn codegen_writes_the_committed_modules_and_refuses_what_it_cannot_write() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let scratch = temp("codegen");
    let out = scratch.join("checks");
    let o = chidu(&[
        "codegen",
        &format!("{root}/benches/peers/pack"),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    same_files(&out, &format!("{root}/crates/chidu/tests/codegen/peers"));

    // A built-in pack by name: the module the core's tests compile and compare.
    let o = chidu(&["codegen", "taicang", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    same_files(
        &out,
        &format!("{root}/crates/chidu/tests/codegen/builtin/taicang"),
    );

    // `it` over a list of lists has no generated form.
    let pack = scratch.join("grid");
    std::fs::create_dir_all(&pack).unwrap();
    for (name, text) in [
        (
            "standard.yaml",
            "chidu: 1\nid: t\ntitle: {zh: 测试, en: Test}\ntotal: 1\ngrades: [{id: pass, min_score: 60}, {id: fail}]\nsections: [s.yaml]\n",
        ),
        (
            "record.yaml",
            "id_field: id\nfields:\n  id: {type: string, required: true}\n  grid: {type: list, item: {type: list, item: {type: int}}}\n",
        ),
        (
            "s.yaml",
            "id: S\ntitle: {zh: 节, en: S}\npoints: 1\nindicators:\n  - {id: A, title: {zh: 甲, en: A}, points: 1, check: 'any(grid, count(it) > 1)'}\n",
        ),
    ] {
        std::fs::write(pack.join(name), text).unwrap();
    }
    let o = chidu(&[
        "codegen",
        pack.to_str().unwrap(),
        "-o",
        temp("codegen-refused").to_str().unwrap(),
    ]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("cannot generate Rust")
            && err.contains("A: `it` over a list of objects or lists"),
        "{err}"
    );
}
