//! Every built-in pack loads, its rule tests pass, and every indicator has a met and a
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]
//! not-met case.

#[test]
fn builtin_packs_pass_their_tests_with_full_coverage() {
    let ids = chidu::builtins();
    assert!(ids.contains(&"demo"), "built-ins: {ids:?}");
    for id in ids {
        let std =
            chidu::Standard::builtin(id).unwrap_or_else(|e| panic!("{id} does not load:\n{e}"));
        let files: Vec<(String, String)> = chidu::builtin_files_under(&format!("{id}/tests/"))
            .into_iter()
            .map(|p| (p.to_owned(), chidu::builtin_file(p).unwrap().to_owned()))
            .collect();
        assert!(!files.is_empty(), "{id} has no tests");
        let read =
            |file: &str, rel: &str| chidu::builtin_file_relative(file, rel).map(str::to_owned);
        let run = chidu::testing::run_tests(&std, &files, &read);
        let failures: Vec<String> = run
            .cases
            .iter()
            .filter(|c| !c.failures.is_empty())
            .map(|c| format!("{}: {}: {:?}", c.file, c.name, c.failures))
            .collect();
        assert!(failures.is_empty(), "{id}: {failures:#?}");
        assert!(
            run.uncovered.is_empty(),
            "{id}: indicators without a met and a not-met case: {:?}",
            run.uncovered
        );
    }
}

#[test]
fn examples_evaluate_without_invalid_records() {
    for id in chidu::builtins() {
        let std = chidu::Standard::builtin(id).unwrap();
        let engine = std.compile().unwrap();
        let mut inputs = Vec::new();
        for p in chidu::builtin_files_under(&format!("{id}/examples/")) {
            inputs.extend(chidu::read_yaml(chidu::builtin_file(p).unwrap(), p));
        }
        assert!(inputs.len() >= 3, "{id} has {} examples", inputs.len());
        let options = chidu::Options::default().with_as_of("2026-06-30").unwrap();
        let batch = engine.evaluate_batch(&inputs, &options);
        assert_eq!(batch.invalid(), 0, "{id}: {}", batch.to_json());
        let vetoed = batch
            .entries
            .iter()
            .filter(|e| matches!(e, chidu::Entry::Report(r) if r.vetoed()))
            .count();
        assert!(vetoed >= 1, "{id}: the weak example should be vetoed");
    }
}

#[test]
fn every_builtin_indicator_is_documented_and_every_param_has_a_basis() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for id in chidu::builtins() {
        for path in chidu::builtin_files_under(&format!("{id}/sections/")) {
            let doc =
                chidu::testing::yaml_to_json(chidu::builtin_file(path).unwrap(), path).unwrap();
            for ind in doc["indicators"].as_array().into_iter().flatten() {
                let iid = ind["id"].as_str().unwrap_or("?");
                seen += 1;
                for key in ["clause", "method"] {
                    if ind[key].as_str().is_none_or(str::is_empty) {
                        problems.push(format!("{path} {iid}: no {key}"));
                    }
                }
                for key in ["title", "message", "remediation"] {
                    let both = ind[key]["zh"].as_str().is_some_and(|s| !s.is_empty())
                        && ind[key]["en"].as_str().is_some_and(|s| !s.is_empty());
                    if !both {
                        problems.push(format!("{path} {iid}: {key} lacks zh or en"));
                    }
                }
            }
        }
        let std_path = format!("{id}/standard.yaml");
        let doc = chidu::testing::yaml_to_json(chidu::builtin_file(&std_path).unwrap(), &std_path)
            .unwrap();
        for (name, p) in doc["params"].as_object().into_iter().flatten() {
            if p["basis"]["zh"].as_str().is_none() || p["basis"]["en"].as_str().is_none() {
                problems.push(format!("{std_path}: param {name} has no basis {{zh, en}}"));
            }
        }
    }
    assert!(
        seen > 100,
        "only {seen} indicators found in the section files"
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

/// A pack's digest names its files' contents and their paths within the pack, not where it
/// was loaded from: built in, from a relative or an absolute directory, or from a copy
/// elsewhere, a pack (an overlay too) has one digest; a changed file changes it.
#[test]
fn a_pack_digest_does_not_depend_on_where_it_was_loaded_from() {
    let standards = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../standards");
    let copy = tempfile::Builder::new()
        .prefix("chidu-digest-")
        .tempdir()
        .unwrap();
    for pack in ["demo", "honghe", "national"] {
        let dir = copy.path().join(pack);
        std::fs::create_dir_all(dir.join("sections")).unwrap();
        for entry in ["standard.yaml", "record.yaml"]
            .into_iter()
            .map(String::from)
            .chain(
                std::fs::read_dir(standards.join(pack).join("sections"))
                    .unwrap()
                    .map(|e| format!("sections/{}", e.unwrap().file_name().to_string_lossy())),
            )
        {
            if let Ok(text) = std::fs::read(standards.join(pack).join(&entry)) {
                std::fs::write(dir.join(&entry), text).unwrap();
            }
        }
    }
    for pack in ["demo", "honghe"] {
        let builtin = chidu::Standard::builtin(pack).unwrap();
        let absolute = chidu::Standard::load(standards.join(pack).canonicalize().unwrap()).unwrap();
        // Tests run in the crate's directory.
        let relative = chidu::Standard::load(format!("../../standards/{pack}")).unwrap();
        let copied = chidu::Standard::load(copy.path().join(pack)).unwrap();
        assert_eq!(absolute.digest(), builtin.digest(), "{pack}");
        assert_eq!(copied.digest(), builtin.digest(), "{pack}");
        assert_eq!(relative.digest(), builtin.digest(), "{pack}");
    }
    // One changed character in the base pack changes the overlay's digest.
    let record = copy.path().join("national/record.yaml");
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(&record, format!("{text}\n# changed\n")).unwrap();
    let changed = chidu::Standard::load(copy.path().join("honghe")).unwrap();
    assert_ne!(
        changed.digest(),
        chidu::Standard::builtin("honghe").unwrap().digest()
    );
}
