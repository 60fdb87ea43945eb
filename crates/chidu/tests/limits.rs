//! Hostile and malformed inputs give clear errors, never panics or unbounded work.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use proptest::prelude::*;

const RECORD: &str = "id_field: id\nfields:\n  id: {type: string, required: true}\n  n: {type: int}\n  d: {type: date}\n  name: {type: string}\n  tags: {type: list, item: {type: string}}\n";

fn pack(check: &str) -> Vec<(String, String)> {
    vec![
        ("standard.yaml".into(), "chidu: 1\nid: t\ntitle: {zh: 测试, en: Test}\ntotal: 10\ngrades: [{id: pass, min_score: 60}, {id: fail}]\nsections: [s.yaml]\n".into()),
        ("record.yaml".into(), RECORD.into()),
        ("s.yaml".into(), format!("id: S\ntitle: {{zh: 节, en: S}}\npoints: 10\nindicators:\n  - id: A\n    title: {{zh: 甲, en: A}}\n    points: 10\n    check: '{check}'\n")),
    ]
}

fn codes(files: Vec<(String, String)>) -> Vec<String> {
    match chidu::Standard::from_strings(files, "") {
        Ok(_) => Vec::new(),
        Err(e) => e
            .diagnostics
            .iter()
            .map(|d| d.code.as_str().to_owned())
            .collect(),
    }
}

#[test]
fn yaml_alias_bomb_is_rejected() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
            p = i - 1
        ));
    }
    let mut files = pack("n >= 1");
    files[0].1.push_str(&bomb.replace("a0:", "x0:"));
    let c = codes(files);
    assert!(!c.is_empty(), "an alias bomb must not load");
}

#[test]
fn deep_nesting_is_rejected() {
    let mut files = pack("n >= 1");
    files[0]
        .1
        .push_str(&format!("deep: {}{}\n", "[".repeat(5000), "]".repeat(5000)));
    let c = codes(files);
    assert!(
        c.iter()
            .any(|c| c == "limit_exceeded" || c == "yaml_syntax"),
        "{c:?}"
    );
}

#[test]
fn duplicate_keys_are_errors() {
    let mut files = pack("n >= 1");
    files[0].1.push_str("total: 10\n");
    assert_eq!(codes(files), vec!["yaml_syntax"]);
}

#[test]
fn huge_and_deep_expressions_are_rejected() {
    let long = format!("n >= {}", "1 + ".repeat(5000) + "1");
    assert!(codes(pack(&long)).contains(&"expression_syntax".to_owned()));
    let deep = format!("{}n >= 1{}", "(".repeat(300), ")".repeat(300));
    assert!(codes(pack(&deep)).contains(&"expression_syntax".to_owned()));
    let deep_aggs = format!("{}true{}", "any(tags, ".repeat(12), ")".repeat(12));
    assert!(!codes(pack(&deep_aggs)).is_empty());
}

#[test]
fn oversized_regex_is_a_load_error_and_matching_is_linear() {
    let big = "matches(name, \"([a-z]{1000}){100}\")";
    assert!(
        codes(pack(big)).contains(&"invalid_value".to_owned()),
        "{:?}",
        codes(pack(big))
    );
    let std = chidu::Standard::from_strings(pack("matches(name, \"(a+)+$\")"), "").unwrap();
    let engine = std.compile().unwrap();
    let name = format!("{}!", "a".repeat(200_000));
    let opts = chidu::Options::default().with_as_of("2026-06-30").unwrap();
    let r = engine
        .evaluate(&serde_json::json!({"id": "x", "name": name}), &opts)
        .unwrap();
    assert_eq!(r.indicators[0].status, chidu::Status::NotMet);
}

fn engine() -> chidu::Engine {
    chidu::Standard::from_strings(pack("n >= 1"), "")
        .unwrap()
        .compile()
        .unwrap()
}

#[test]
fn impossible_dates_nan_and_wrong_types_make_the_record_invalid() {
    let e = engine();
    let err = e
        .parse_json(br#"{"id": "x", "d": "2024-02-30"}"#)
        .unwrap_err();
    assert_eq!(err.path, "d");
    let err = e.parse_json(br#"{"id": "x", "n": NaN}"#).unwrap_err();
    assert!(
        err.message.contains("expected") || err.message.contains("NaN") || !err.message.is_empty()
    );
    let err = e.parse_json(br#"{"id": "x", "n": 1e400}"#).unwrap_err();
    assert!(!err.message.is_empty());
    let err = e.parse_json(br#"{"id": "x", "n": 2.5}"#).unwrap_err();
    assert_eq!(err.path, "n");
    assert!(
        e.parse_json(br#"{"id": "x", "n": 3.0}"#).is_ok(),
        "integral floats are ints"
    );
    let err = e.parse_json(br#"{"n": 3}"#).unwrap_err();
    assert_eq!(err.path, "id");
    assert!(e.parse_json(b"\xff\xfe").is_err());
    assert!(e.parse_json(b"[1,2]").is_err());
}

#[test]
fn every_required_field_is_checked_even_beyond_sixty_four() {
    // Presence is a bit mask for the first 64 required fields and a list beyond.
    let mut record = String::from("id_field: id\nfields:\n  id: {type: string, required: true}\n");
    for i in 0..70 {
        record.push_str(&format!("  f{i}: {{type: int, required: true}}\n"));
    }
    let mut files = pack("f0 >= 1");
    files[1].1 = record;
    let e = chidu::Standard::from_strings(files, "")
        .unwrap()
        .compile()
        .unwrap();
    let full = |skip: Option<usize>| {
        let mut rec = serde_json::json!({"id": "x"});
        for i in (0..70).filter(|i| Some(*i) != skip) {
            rec[format!("f{i}")] = serde_json::json!(1);
        }
        serde_json::to_vec(&rec).unwrap()
    };
    assert!(e.parse_json(&full(None)).is_ok());
    for skip in [0, 5, 62, 63, 64, 69] {
        let err = e.parse_json(&full(Some(skip))).unwrap_err();
        assert_eq!(err.path, format!("f{skip}"), "{err}");
        assert_eq!(err.record.as_deref(), Some("x"));
    }
}

#[test]
fn large_lists_and_strings_are_read() {
    let e = engine();
    let tags: Vec<String> = (0..200_000).map(|i| format!("t{i}")).collect();
    let rec = serde_json::json!({"id": "x", "n": 1, "tags": tags, "name": "名".repeat(1_000_000)});
    let bytes = serde_json::to_vec(&rec).unwrap();
    let parsed = e.parse_json(&bytes).unwrap();
    let r = e.evaluate_record(&parsed, &chidu::Options::default());
    assert_eq!(r.indicators[0].status, chidu::Status::Met);
}

#[test]
fn invalid_utf8_record_file_is_an_error_not_a_panic() {
    let scratch = tempfile::Builder::new()
        .prefix("chidu-limits-")
        .tempdir()
        .unwrap();
    let dir = scratch.path();
    let f = dir.join("bad.yaml");
    std::fs::write(&f, b"id: \xff\xfe\n").unwrap();
    assert!(chidu::read_path(&f, None).is_err());
    let g = dir.join("bad.jsonl");
    std::fs::write(
        &g,
        "{\"id\": \"a\", \"n\": 1}\nnot json\n{\"id\": \"b\", \"n\": \"x\"}\n",
    )
    .unwrap();
    let std = chidu::Standard::from_strings(pack("n >= 1"), "").unwrap();
    let raws = chidu::read_path(&g, Some(&std)).unwrap();
    let batch = std
        .compile()
        .unwrap()
        .evaluate_batch(&raws, &chidu::Options::default());
    assert_eq!(batch.entries.len(), 3, "nothing is lost");
    assert_eq!(batch.invalid(), 2);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_expression_text_loads_or_errors_without_panicking(src in "[ -~中文]{0,60}") {
        let _ = codes(pack(&src.replace('\'', "''")));
    }

    #[test]
    fn any_pack_text_loads_or_errors_without_panicking(src in "[ -~\n]{0,200}") {
        let mut files = pack("n >= 1");
        files[2].1 = src;
        let _ = codes(files);
    }

    #[test]
    fn any_record_json_parses_or_errors_without_panicking(src in "[ -~]{0,80}") {
        let _ = engine().parse_json(src.as_bytes());
    }
}

#[test]
fn an_overlong_jsonl_line_is_skipped_not_held() {
    use chidu::{JsonlLine, read_jsonl_line};
    let text = b"ab\n0123456789abc\n0123456789\ncd\r\n0123456789xyz";
    let mut reader = std::io::BufReader::with_capacity(4, &text[..]);
    let mut buf = Vec::new();
    let mut steps = Vec::new();
    loop {
        let step = match read_jsonl_line(&mut reader, &mut buf, 10) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        steps.push(step);
        if step == JsonlLine::End {
            break;
        }
    }
    assert_eq!(
        steps,
        [
            JsonlLine::Line,
            JsonlLine::TooLong(14),
            JsonlLine::Line, // exactly the limit, then its line break
            JsonlLine::Line,
            JsonlLine::TooLong(13), // at the end, with no line break
            JsonlLine::End,
        ]
    );
    assert_eq!(buf, b"ab\n0123456789\ncd\r\n");
    // The real limit: a line past it is dropped and the next record still reads.
    let mut big = vec![b' '; chidu::MAX_LINE_BYTES + 1];
    big.extend_from_slice(b"\n{\"id\": \"S-1\"}\n");
    let mut reader = std::io::BufReader::new(&big[..]);
    let mut buf = Vec::new();
    let first = read_jsonl_line(&mut reader, &mut buf, chidu::MAX_LINE_BYTES).ok();
    assert_eq!(first, Some(JsonlLine::TooLong(chidu::MAX_LINE_BYTES + 2)));
    let second = read_jsonl_line(&mut reader, &mut buf, chidu::MAX_LINE_BYTES).ok();
    assert_eq!(
        (second, buf.as_slice()),
        (Some(JsonlLine::Line), &b"{\"id\": \"S-1\"}\n"[..])
    );
}
