//! pandas DataFrames onto tapes, one per row.
//!
//! The columns are read once (`Series.tolist()`), their dotted names (`premises.area_m2`) made
//! into a tree, and each row written onto a tape by walking the tree: a missing cell (None,
//! NaN, `pd.NA`, `NaT`) leaves its field out, and a nested object with no field present is left
//! out too, so a row reads as the dict `pd.json_normalize` was given. The column names go into
//! the batch's key text (`KeyCache`) once, so no key is copied per row. Cells are written as in
//! dict records: a value the schema does not read is skipped whatever it holds.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use super::{KeyCache, Tape, Tok};
use crate::convert::Types;

/// A level of dotted column names: each name's span in the key text, and what it holds.
type Level = Vec<(u32, u32, Node)>;

enum Node {
    /// The cells of this column (an index into the frame's columns).
    Cells(usize),
    /// The next level of names.
    Object(Level),
}

/// A DataFrame's columns and the tree of their names, from which each row's tape is written
/// when it is needed (a part at a time, so a large frame is never copied whole).
pub(crate) struct Rows {
    root: Level,
    columns: Vec<Py<PyList>>,
    len: usize,
}

impl Rows {
    /// Reads the columns of `frame`, their names into the batch's key text; `None` when the
    /// names do not make a tree (a name used both for a value and for a nested object, or the
    /// same name twice): the caller then reads the rows the older way, since which cell wins
    /// depends on column order.
    pub(crate) fn read(types: &Types<'_>, frame: &Bound<'_, PyAny>) -> PyResult<Option<Rows>> {
        let len: usize = frame.len()?;
        let mut columns = Vec::new();
        let mut root = Level::new();
        for pair in frame.call_method0("items")?.try_iter()? {
            let (name, series): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
            let name = match name.cast::<PyString>() {
                Ok(s) => s.to_str()?.to_owned(),
                Err(_) => name.str()?.to_str()?.to_owned(),
            };
            let cells = series.call_method0("tolist")?.cast_into::<PyList>()?;
            let placed = place(
                &mut root,
                &mut types.keys.borrow_mut(),
                &name,
                columns.len(),
            );
            if cells.len() != len || !placed {
                return Ok(None);
            }
            columns.push(cells.unbind());
        }
        Ok(Some(Rows { root, columns, len }))
    }

    /// How many rows the frame has.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Row `row` as a tape; `types` must carry the key text `read` added the names to.
    pub(crate) fn tape(&self, types: &Types<'_>, row: usize) -> Tape {
        Tape::written(types, |tape| {
            let at = tape.open(true);
            tape.level(types, &self.root, &self.columns, row, 1);
            tape.close(at);
        })
    }
}

/// Adds the column `name` (cells at `column`) to the tree, its names to the batch's key text;
/// `false` if the names clash.
fn place(level: &mut Level, keys: &mut KeyCache, name: &str, column: usize) -> bool {
    let (head, rest) = match name.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (name, None),
    };
    let found = level.iter().position(|(s, n, _)| keys.text(*s, *n) == head);
    let at = match found {
        Some(at) => at,
        None => {
            let Some((start, len)) = keys.add_text(head) else {
                return false;
            };
            let node = match rest {
                Some(_) => Node::Object(Level::new()),
                None => Node::Cells(column),
            };
            level.push((start, len, node));
            level.len() - 1
        }
    };
    match (rest, level.get_mut(at)) {
        (Some(rest), Some((_, _, Node::Object(inner)))) => place(inner, keys, rest, column),
        // A new leaf was just added; an existing one means the same name twice.
        (None, Some((_, _, Node::Cells(c)))) => *c == column,
        _ => false,
    }
}

impl Tape {
    fn level(
        &mut self,
        types: &Types<'_>,
        level: &Level,
        columns: &[Py<PyList>],
        row: usize,
        depth: usize,
    ) {
        for (start, len, node) in level {
            let mark = (self.toks.len(), self.text.len());
            self.toks.push(Tok::Key(*start, *len));
            match node {
                Node::Cells(column) => {
                    match columns
                        .get(*column)
                        .map(|c| c.bind(types.py()).get_item(row))
                    {
                        Some(Ok(cell)) => self.value(types, &cell, depth),
                        Some(Err(e)) => self.bad(e.to_string()),
                        None => self.toks.push(Tok::Null),
                    }
                    // A missing cell leaves the field out.
                    if self.toks.len() == mark.0 + 2 && matches!(self.toks.last(), Some(Tok::Null))
                    {
                        self.toks.truncate(mark.0);
                    }
                }
                Node::Object(inner) => {
                    let at = self.open(true);
                    self.level(types, inner, columns, row, depth + 1);
                    if self.toks.len() == at + 1 {
                        // Nothing present below: no object either.
                        self.toks.truncate(mark.0);
                        self.text.truncate(mark.1);
                    } else {
                        self.close(at);
                    }
                }
            }
        }
    }
}
