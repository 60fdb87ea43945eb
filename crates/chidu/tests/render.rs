//! Snapshots of the people-facing views (text and Markdown) and JSON determinism.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

fn demo_batch() -> (chidu::Engine, chidu::Batch) {
    let std = chidu::Standard::builtin("demo").unwrap();
    let engine = std.compile().unwrap();
    let mut inputs = Vec::new();
    for p in chidu::builtin_files_under("demo/examples/") {
        inputs.extend(chidu::read_yaml(chidu::builtin_file(p).unwrap(), p));
    }
    let options = chidu::Options::default().with_as_of("2026-06-30").unwrap();
    let batch = engine.evaluate_batch(&inputs, &options);
    (engine, batch)
}

fn reports(batch: &chidu::Batch) -> Vec<&chidu::Report> {
    batch
        .entries
        .iter()
        .filter_map(|e| match e {
            chidu::Entry::Report(r) => Some(&**r),
            chidu::Entry::Invalid { .. } => None,
        })
        .collect()
}

#[test]
fn text_view_zh_and_en() {
    let (_, batch) = demo_batch();
    for r in reports(&batch) {
        let id = r.record.id.clone().unwrap();
        insta::assert_snapshot!(
            format!("text_zh_{id}"),
            chidu::render::report_text(r, chidu::Lang::Zh, false)
        );
        insta::assert_snapshot!(
            format!("text_en_{id}"),
            chidu::render::report_text(r, chidu::Lang::En, false)
        );
    }
    insta::assert_snapshot!(
        "batch_text_en",
        chidu::render::batch_text(&batch, chidu::Lang::En, false)
    );
}

#[test]
fn markdown_view() {
    let (_, batch) = demo_batch();
    for r in reports(&batch) {
        let id = r.record.id.clone().unwrap();
        insta::assert_snapshot!(
            format!("md_zh_{id}"),
            chidu::render::report_markdown(r, chidu::Lang::Zh)
        );
    }
    let first = reports(&batch)[0];
    insta::assert_snapshot!(
        "md_en_first",
        chidu::render::report_markdown(first, chidu::Lang::En)
    );
}

#[test]
fn colour_only_when_asked() {
    let (_, batch) = demo_batch();
    let r = reports(&batch)[0];
    assert!(!chidu::render::report_text(r, chidu::Lang::En, false).contains('\x1b'));
    assert!(chidu::render::report_text(r, chidu::Lang::En, true).contains("\x1b["));
}

#[test]
fn json_is_byte_identical_for_the_same_inputs() {
    let (_, a) = demo_batch();
    let (_, b) = demo_batch();
    assert_eq!(a.to_json(), b.to_json());
    let v: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
    assert_eq!(v["format"], "chidu.batch/1");
    assert_eq!(v["reports"][0]["format"], "chidu.report/1");
    assert!(
        v["summary"]["grades"]
            .as_object()
            .unwrap()
            .contains_key("excellent")
    );
}

#[test]
fn engine_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<chidu::Engine>();
    assert_send_sync::<chidu::Standard>();
    assert_send_sync::<chidu::Report>();
}
