//! Excel in and out: the pack's own template, filled and read back; bad cells; zh-label headers;
//! the scoring-sheet workbook read back with calamine.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{Value as J, json};

fn demo() -> chidu::Standard {
    chidu::Standard::builtin("demo").unwrap()
}

fn options() -> chidu::Options {
    chidu::Options::default().with_as_of("2026-06-30").unwrap()
}

/// A scratch directory, deleted when the guard drops.
fn temp(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("chidu-xlsx-{name}-"))
        .tempdir()
        .unwrap()
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../standards/demo/examples")
}

/// The demo examples as JSON values, in sorted path order (middling, strong, weak).
fn examples() -> Vec<J> {
    chidu::read_path(&examples_dir(), None)
        .unwrap()
        .iter()
        .map(|r| r.to_value().unwrap())
        .collect()
}

/// Sheet names and header rows of a workbook.
fn sheets(bytes: &[u8]) -> Vec<(String, Vec<String>)> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    wb.sheet_names()
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).unwrap();
            let header = range
                .rows()
                .next()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .unwrap_or_default();
            (name, header)
        })
        .collect()
}

/// The field path a template header names (its last line).
fn field_of(header: &str) -> String {
    header.lines().last().unwrap().to_owned()
}

fn lookup<'v>(v: &'v J, path: &str) -> Option<&'v J> {
    path.split('.').try_fold(v, |v, seg| v.get(seg))
}

/// Writes a value as a spreadsheet would hold it: dates as date cells, numbers as floats.
fn put(ws: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, v: &J, date: &Format) {
    match v {
        J::String(s) if s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' => {
            let d = ExcelDateTime::parse_from_str(s).unwrap();
            ws.write_datetime_with_format(row, col, &d, date).unwrap();
        }
        J::String(s) => {
            ws.write_string(row, col, s).unwrap();
        }
        J::Number(n) => {
            ws.write_number(row, col, n.as_f64().unwrap()).unwrap();
        }
        J::Bool(b) => {
            ws.write_boolean(row, col, *b).unwrap();
        }
        J::Null => {}
        other => panic!("cannot write {other}"),
    }
}

/// Fills the template's sheets with `records` (a hook may change a cell value by sheet, row
/// and column header field).
fn fill(template: &[u8], records: &[J], hook: &dyn Fn(&str, u32, &str, &mut J)) -> Vec<u8> {
    let layout = sheets(template);
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let id_field = "id";
    for (i, (name, header)) in layout.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        let mut row = 1u32;
        for rec in records {
            let items: Vec<&J> = if i == 0 {
                vec![rec]
            } else {
                rec.get(name)
                    .and_then(J::as_array)
                    .map(|a| a.iter().collect())
                    .unwrap_or_default()
            };
            for item in items {
                for (c, h) in header.iter().enumerate() {
                    let field = field_of(h);
                    let mut v = if i > 0 && field == id_field {
                        rec[id_field].clone()
                    } else {
                        lookup(item, &field).cloned().unwrap_or(J::Null)
                    };
                    hook(name, row + 1, &field, &mut v);
                    put(ws, row, c as u16, &v, &date);
                }
                row += 1;
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn reports_json(batch: &chidu::Batch) -> Vec<J> {
    batch
        .entries
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect()
}

#[test]
fn template_has_labelled_headers_and_list_sheets() {
    let bytes = demo().template_xlsx().unwrap();
    let layout = sheets(&bytes);
    let names: Vec<&str> = layout.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["records", "staff", "services"]);
    let records = &layout[0].1;
    assert_eq!(records[0], "站点编号\nid");
    assert!(records.contains(&"服务场所.场所使用方式\npremises.mode".to_owned()));
    assert!(!records.iter().any(|h| h.ends_with("staff")));
    assert_eq!(layout[1].1[0], "站点编号\nid");
    assert_eq!(layout[1].1[4], "职业资格证书\ncertificate");
    // Enum columns have drop-downs, date columns a date format.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let records_xml = read("xl/worksheets/sheet1.xml");
    assert!(
        records_xml.contains("\"independent,shared_civil_affairs,shared_other,none\""),
        "{records_xml}"
    );
    let staff_xml = read("xl/worksheets/sheet2.xml");
    assert!(staff_xml.contains("\"none,assistant,social_worker,senior\""));
    assert!(read("xl/styles.xml").contains("formatCode=\"yyyy-mm-dd\""));
}

#[test]
fn template_csv_headers() {
    let (records, sidecars) = demo().template_csv();
    assert!(
        records.starts_with("id,name,county,town,established"),
        "{records}"
    );
    assert!(records.contains("premises.mode,premises.area_m2"));
    let lists: Vec<&str> = sidecars.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(lists, ["staff", "services"]);
    assert_eq!(
        sidecars[0].1.trim(),
        "id,name,role,employment,certificate,training_hours,start"
    );
}

#[test]
fn filled_template_evaluates_like_the_yaml_examples() {
    let std = demo();
    let engine = std.compile().unwrap();
    let yaml = chidu::read_path(&examples_dir(), Some(&std)).unwrap();
    let expected = engine.evaluate_batch(&yaml, &options());
    assert_eq!(expected.invalid(), 0);

    let bytes = fill(&std.template_xlsx().unwrap(), &examples(), &|_, _, _, _| {});
    let dir = temp("roundtrip");
    let path = dir.path().join("stations.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let raw = chidu::read_path(&path, Some(&std)).unwrap();
    assert_eq!(raw.len(), 3);
    assert_eq!(
        raw[0].origin,
        format!("{}: sheet records, row 2", path.display())
    );
    // Native date cells are dates again, integral floats ints.
    let first = raw[0].to_value().unwrap();
    assert_eq!(first["established"], json!("2022-03-15"));
    assert_eq!(first["premises"]["area_m2"], json!(45));
    assert_eq!(first["staff"][0]["training_hours"], json!(30));
    assert_eq!(first, examples()[0]);

    let got = engine.evaluate_batch(&raw, &options());
    assert_eq!(reports_json(&got), reports_json(&expected));
    let scores: Vec<Option<f64>> = got
        .entries
        .iter()
        .map(|e| match e {
            chidu::Entry::Report(r) => r.rounded_score(),
            chidu::Entry::Invalid { .. } => None,
        })
        .collect();
    assert_eq!(scores[0], Some(67.63));
    assert_eq!(scores[1], Some(101.8));
}

#[test]
fn bad_cell_names_sheet_row_and_column_and_the_rest_is_evaluated() {
    let std = demo();
    let engine = std.compile().unwrap();
    // Row 3 of `staff` is the middling station's second staff member.
    let bytes = fill(
        &std.template_xlsx().unwrap(),
        &examples(),
        &|sheet, row, field, v| {
            if sheet == "staff" && row == 3 && field == "certificate" {
                *v = json!("assistent");
            }
        },
    );
    let dir = temp("bad");
    let path = dir.path().join("stations.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let raw = chidu::read_path(&path, Some(&std)).unwrap();
    let batch = engine.evaluate_batch(&raw, &options());
    assert_eq!(batch.invalid(), 1);
    let chidu::Entry::Invalid { origin, error } = &batch.entries[0] else {
        panic!("the middling station should be invalid");
    };
    assert!(
        origin.ends_with("stations.xlsx: sheet records, row 2"),
        "{origin}"
    );
    let want = "stations.xlsx: sheet staff, row 3, column E (certificate): \"assistent\" is not one of: none, assistant, social_worker, senior";
    assert!(error.message.ends_with(want), "{}", error.message);
    for e in &batch.entries[1..] {
        assert!(matches!(e, chidu::Entry::Report(_)));
    }
}

#[test]
fn zh_label_headers_and_orphan_rows() {
    let std = demo();
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    {
        let ws = wb.add_worksheet();
        ws.set_name("说明").unwrap(); // notes first: not the records sheet, and ignored
        ws.write_string(0, 0, "填表说明").unwrap();
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("站点").unwrap();
        for (c, h) in [
            "站点编号",
            "站点名称",
            "服务场所.场所使用方式",
            "使用面积",
            "建站日期",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "Z-1").unwrap();
        ws.write_string(1, 1, "测试站").unwrap();
        ws.write_string(1, 2, "independent").unwrap();
        ws.write_number(1, 3, 60.0).unwrap();
        let d = ExcelDateTime::from_ymd(2023, 4, 5).unwrap();
        ws.write_datetime_with_format(1, 4, &d, &date).unwrap();
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("工作人员").unwrap();
        for (c, h) in ["站点编号", "姓名", "职业资格证书", "年度培训学时"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "Z-1").unwrap();
        ws.write_string(1, 1, "甲").unwrap();
        ws.write_string(1, 2, "senior").unwrap();
        ws.write_number(1, 3, 12.5).unwrap();
        ws.write_string(2, 0, "Z-9").unwrap();
        ws.write_string(2, 1, "乙").unwrap();
    }
    let dir = temp("zh");
    let path = dir.path().join("站点.xlsx");
    std::fs::write(&path, wb.save_to_buffer().unwrap()).unwrap();
    let raw = chidu::read_path(&path, Some(&std)).unwrap();
    assert_eq!(raw.len(), 2);
    assert_eq!(
        raw[0].to_value().unwrap(),
        json!({
            "id": "Z-1", "name": "测试站",
            "premises": {"mode": "independent", "area_m2": 60},
            "established": "2023-04-05",
            "staff": [{"name": "甲", "certificate": "senior", "training_hours": 12.5}]
        })
    );
    let err = raw[1].to_value().unwrap_err();
    assert!(
        err.ends_with("sheet 工作人员, row 3: id \"Z-9\" matches no record on sheet 站点"),
        "{err}"
    );
}

#[test]
fn report_workbook_reads_back() {
    let std = demo();
    let engine = std.compile().unwrap();
    let raw = chidu::read_path(&examples_dir(), Some(&std)).unwrap();
    let batch = engine.evaluate_batch(&raw, &options());
    let bytes = batch.to_xlsx(chidu::Lang::Zh).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["summary", "findings", "DEMO-002", "DEMO-001", "DEMO-003"]
    );
    let summary = wb.worksheet_range("summary").unwrap();
    let head: Vec<String> = summary
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        head,
        [
            "id", "name", "county", "town", "score", "grade", "vetoed", "error"
        ]
    );
    assert_eq!(
        summary.get_value((1, 0)),
        Some(&Data::String("DEMO-002".into()))
    );
    assert_eq!(summary.get_value((1, 4)), Some(&Data::Float(67.63)));
    assert_eq!(summary.get_value((2, 4)), Some(&Data::Float(101.8)));
    assert_eq!(summary.get_value((1, 6)), Some(&Data::Bool(false)));

    let sheet = wb.worksheet_range("DEMO-002").unwrap();
    assert_eq!(sheet.get_value((1, 0)), Some(&Data::String("总分".into())));
    assert_eq!(sheet.get_value((1, 1)), Some(&Data::Float(67.63)));
    assert_eq!(
        sheet.get_value((3, 0)),
        Some(&Data::String("指标编号".into()))
    );
    let ids: Vec<String> = sheet.rows().skip(4).map(|r| r[0].to_string()).collect();
    assert!(ids.contains(&"CS-01".to_owned()) && ids.contains(&"GL-V1".to_owned()));
    let cs01 = sheet
        .rows()
        .find(|r| r[0] == Data::String("CS-01".into()))
        .unwrap();
    assert_eq!(cs01[6], Data::String("未达标".into()));

    let findings = wb.worksheet_range("findings").unwrap();
    let per_record = std.indicator_ids().len();
    assert_eq!(findings.rows().count(), 1 + 3 * per_record);
}
