//! Empty data-entry files for a pack's records (`chidu template`): an Excel workbook with
//! labelled headers, enum drop-downs and date formats, or CSV headers with list sidecars. Both
//! are laid out exactly as `record/input.rs` and `record/xlsx.rs` read them back.

use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::model::Model;
use crate::record::xlsx::{Column, columns, list_sheets};
use crate::schema::{FieldTy, ROOT, RecordSchema};

/// Rows prepared for drop-downs and formats below the header.
const ENTRY_ROWS: u32 = 1000;

/// The records sheet's name in templates.
pub(crate) const RECORDS_SHEET: &str = "records";

/// The header text of a column: the zh label and the field name on two lines (just the name
/// when there is no label).
fn header(label: &str, name: &str) -> String {
    if label == name {
        name.to_owned()
    } else {
        format!("{label}\n{name}")
    }
}

/// The data-entry workbook: a `records` sheet, then one sheet per list of objects.
pub(crate) fn xlsx(model: &Model) -> Result<Vec<u8>, String> {
    build(model).map_err(|e| format!("cannot write the workbook: {e}"))
}

fn build(model: &Model) -> Result<Vec<u8>, XlsxError> {
    let schema = &model.schema;
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDEBF7")
        .set_border(FormatBorder::Thin);
    let head_required = head.clone().set_font_color("#C00000");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let text = Format::new().set_num_format("@");

    let root = columns(schema, ROOT);
    let ws = wb.add_worksheet();
    ws.set_name(RECORDS_SHEET)?;
    let id_label = root
        .iter()
        .find(|c| c.name() == schema.id_field)
        .map_or_else(|| schema.id_field.clone(), Column::label);
    write_columns(ws, schema, &root, 0, (&head, &head_required, &date, &text))?;

    for list in list_sheets(schema) {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&list.field))?;
        ws.write_string_with_format(0, 0, header(&id_label, &schema.id_field), &head_required)?;
        ws.set_column_width(0, 16)?;
        ws.set_column_format(0, &text)?;
        write_columns(
            ws,
            schema,
            &list.columns,
            1,
            (&head, &head_required, &date, &text),
        )?;
    }
    wb.save_to_buffer()
}

/// Excel's sheet names hold at most 31 characters.
fn sheet_name(s: &str) -> String {
    s.chars().take(31).collect()
}

fn write_columns(
    ws: &mut Worksheet,
    schema: &RecordSchema,
    cols: &[Column],
    first: u16,
    (head, head_required, date, text): (&Format, &Format, &Format, &Format),
) -> Result<(), XlsxError> {
    ws.set_row_height(0, 32)?;
    ws.set_freeze_panes(1, 0)?;
    for (i, col) in cols.iter().enumerate() {
        let c = first.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
        let f = if col.required { head_required } else { head };
        ws.write_string_with_format(0, c, header(&col.label(), &col.name()), f)?;
        ws.set_column_width(c, 16)?;
        match &col.ty {
            FieldTy::Date => {
                ws.set_column_format(c, date)?;
            }
            FieldTy::String => {
                ws.set_column_format(c, text)?;
            }
            FieldTy::Enum(id) => {
                let values = schema.enum_values(*id);
                // Excel caps an inline list at 255 characters; longer enums go unchecked.
                if let Ok(dv) = DataValidation::new().allow_list_strings(values) {
                    ws.add_data_validation(1, c, ENTRY_ROWS, c, &dv)?;
                }
            }
            FieldTy::Bool => {
                if let Ok(dv) = DataValidation::new().allow_list_strings(&["true", "false"]) {
                    ws.add_data_validation(1, c, ENTRY_ROWS, c, &dv)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// CSV headers: the records file, then `(list field, sidecar header)` per list of objects
/// (written as `<stem>.<list>.csv`).
pub(crate) fn csv(model: &Model) -> (String, Vec<(String, String)>) {
    let schema = &model.schema;
    let line = |names: Vec<String>| -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(&names);
        w.into_inner()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    };
    let records = line(columns(schema, ROOT).iter().map(Column::name).collect());
    let sidecars = list_sheets(schema)
        .into_iter()
        .map(|l| {
            let mut names = vec![schema.id_field.clone()];
            names.extend(l.columns.iter().map(Column::name));
            (l.field, line(names))
        })
        .collect();
    (records, sidecars)
}
