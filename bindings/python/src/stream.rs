//! `Standard.evaluate_iter`: records evaluated part by part, in parallel within a part, with
//! only one part's reports alive at a time (a `BatchReport` keeps every report).

use std::collections::VecDeque;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyIterator, PyString};

use crate::convert::Types;
use crate::errors;
use crate::inputs::{Input, SERIAL_PART, one_thread};
use crate::report::entry_object;
use crate::standard::PyStandard;
use crate::tape::KeyCache;
use crate::tape::frame::Rows;

/// Where the records still to evaluate are.
pub(crate) enum Source {
    /// JSON Lines text (a Python `str` or `bytes`, read in place): the next byte to read and
    /// that byte's line number.
    Jsonl {
        text: Py<PyAny>,
        offset: usize,
        line: usize,
    },
    /// A `.jsonl` file, read part by part into `buf`; `line` is the next line's number.
    JsonlFile {
        reader: BufReader<File>,
        path: PathBuf,
        line: usize,
        buf: Vec<u8>,
    },
    /// A Python iterator of records, the index of its next item, and the keys its records
    /// used so far.
    Items {
        iter: Py<PyIterator>,
        index: usize,
        keys: KeyCache,
    },
    /// A pandas DataFrame's rows, the next row's index, and the key text holding the column
    /// names (`Rows` refers to it).
    Frame {
        rows: Rows,
        next: usize,
        keys: KeyCache,
    },
    /// Inputs converted up front (a records file or directory, a DataFrame whose column names
    /// clash).
    Inputs { inputs: Vec<Input>, next: usize },
}

/// An iterator of `Report` and `RecordError` objects in input order.
#[pyclass(module = "chidu._chidu", name = "ReportStream")]
pub struct PyReportStream {
    standard: Py<PyStandard>,
    options: chidu::Options,
    chunk_size: usize,
    source: Option<Source>,
    ready: VecDeque<chidu::Entry>,
    /// An exception from the caller's iterator, raised once the records read before it are out.
    failure: Option<PyErr>,
}

impl PyReportStream {
    pub(crate) fn new(
        standard: Py<PyStandard>,
        options: chidu::Options,
        chunk_size: usize,
        source: Source,
    ) -> Self {
        PyReportStream {
            standard,
            options,
            chunk_size,
            source: Some(source),
            ready: VecDeque::new(),
            failure: None,
        }
    }

    /// Evaluates the next part into `ready`; `false` when the source is spent.
    fn refill(&mut self, py: Python<'_>) -> PyResult<bool> {
        let standard = self.standard.get();
        let (options, size) = (&self.options, part_size(self.chunk_size));
        let entries = match &mut self.source {
            None => return Ok(false),
            Some(Source::Jsonl { text, offset, line }) => {
                let bound = text.bind(py);
                let all: &[u8] = match bound.cast::<PyString>() {
                    Ok(s) => s.to_str()?.as_bytes(),
                    Err(_) => bound.cast::<PyBytes>()?.as_bytes(),
                };
                let rest = all.get(*offset..).unwrap_or_default();
                if rest.is_empty() {
                    self.source = None;
                    return Ok(false);
                }
                let first = *line;
                let entries = py.detach(|| {
                    // The part ends after its `size`-th newline (memchr: the split must not
                    // cost more than reading the records).
                    let end = memchr::memchr_iter(b'\n', rest)
                        .nth(size - 1)
                        .map_or(rest.len(), |i| i + 1);
                    let part = rest.get(..end).unwrap_or(rest);
                    let entries = standard
                        .engine
                        .evaluate_jsonl_part(part, "<jsonl>", first, options);
                    (entries, end)
                });
                *offset += entries.1;
                *line += size;
                entries.0
            }
            Some(Source::JsonlFile {
                reader,
                path,
                line,
                buf,
            }) => {
                let first = *line;
                let read = py.detach(|| {
                    buf.clear();
                    let (mut lines, mut skipped) = (0, None);
                    while lines < size {
                        match chidu::read_jsonl_line(reader, buf, chidu::MAX_LINE_BYTES)? {
                            chidu::JsonlLine::End => break,
                            chidu::JsonlLine::Line => lines += 1,
                            // The part ends before an overlong line, which then comes last.
                            chidu::JsonlLine::TooLong(bytes) => {
                                skipped = Some((first + lines, bytes));
                                lines += 1;
                                break;
                            }
                        }
                    }
                    let origin = path.display().to_string();
                    let mut entries = standard
                        .engine
                        .evaluate_jsonl_part(buf, &origin, first, options);
                    if let Some((at, bytes)) = skipped {
                        entries.push(chidu::Entry::Invalid {
                            origin: format!("{origin}:{at}"),
                            error: chidu::RecordError {
                                record: None,
                                path: String::new(),
                                message: chidu::JsonlLine::too_long(bytes),
                            },
                        });
                    }
                    Ok::<_, std::io::Error>((entries, lines))
                });
                let (entries, lines) = read.map_err(|e| errors::io_error(&e, path))?;
                if lines == 0 {
                    self.source = None;
                    return Ok(false);
                }
                *line += lines;
                entries
            }
            Some(Source::Items { iter, index, keys }) => {
                let types = Types::with_keys(py, std::mem::take(keys))?;
                let mut inputs = Vec::with_capacity(size);
                let mut items = iter.bind(py).clone();
                let mut failure = None;
                for item in items.by_ref().take(size) {
                    match item {
                        Ok(item) => inputs.push(standard.item(&types, *index, &item)),
                        Err(e) => {
                            failure = Some(e);
                            break;
                        }
                    }
                    *index += 1;
                }
                *keys = types.into_keys();
                if failure.is_some() {
                    // Nothing more is read; what was read still comes out before the raise.
                    self.failure = failure;
                    self.source = None;
                }
                if inputs.is_empty() {
                    self.source = None;
                    return Ok(false);
                }
                let entries = py.detach(|| standard.run(&inputs, options));
                drop(inputs);
                entries
            }
            Some(Source::Frame { rows, next, keys }) => {
                let end = next.saturating_add(size).min(rows.len());
                if *next >= end {
                    self.source = None;
                    return Ok(false);
                }
                let types = Types::with_keys(py, std::mem::take(keys))?;
                let inputs: Vec<Input> = (*next..end)
                    .map(|i| Input::Tape(i, rows.tape(&types, i)))
                    .collect();
                *keys = types.into_keys();
                *next = end;
                let entries = py.detach(|| standard.run(&inputs, options));
                drop(inputs);
                entries
            }
            Some(Source::Inputs { inputs, next }) => {
                let part = inputs.get(*next..).unwrap_or_default();
                let part = part.get(..size).unwrap_or(part);
                if part.is_empty() {
                    self.source = None;
                    return Ok(false);
                }
                *next += part.len();
                py.detach(|| standard.run(part, options))
            }
        };
        self.ready.extend(entries);
        Ok(true)
    }
}

/// Records evaluated per part, at most `SERIAL_PART` with one evaluation thread: nothing runs
/// in parallel then, and the fewer reports wait for Python to read them, the more of each is
/// still in cache when it is read and freed.
fn part_size(chunk_size: usize) -> usize {
    if one_thread() {
        chunk_size.min(SERIAL_PART)
    } else {
        chunk_size
    }
}

#[pymethods]
impl PyReportStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        // A part can hold no records (blank lines): go on to the next.
        while self.ready.is_empty() {
            if !self.refill(py)? {
                return match self.failure.take() {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            }
        }
        match self.ready.pop_front() {
            Some(entry) => entry_object(py, &entry, &self.standard.get().standard).map(Some),
            None => Err(errors::internal("no entry after a refill")),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "<chidu.ReportStream of {} ({} records per part)>",
            self.standard.get().standard.id(),
            self.chunk_size
        )
    }
}
