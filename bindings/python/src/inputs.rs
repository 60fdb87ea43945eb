//! Converting batch inputs and running them: what `evaluate_many` and `evaluate_iter` share
//! (records read from Python under the GIL, evaluated without it, one part or chunk at a time).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use rayon::prelude::*;

use crate::convert::{self, Converted, Types};
use crate::errors;
use crate::report::PyBatchReport;
use crate::standard::PyStandard;
use crate::tape::Tape;

/// Records are converted (under the GIL) and evaluated (without it) in chunks, so conversion of
/// one chunk overlaps evaluation of the previous one. Chunks start small (evaluation starts
/// early) and double up to the largest size.
const FIRST_CHUNK: usize = 256;
const CHUNK: usize = 4096;

/// Whether evaluation has one thread (`RAYON_NUM_THREADS=1`): batches then run on the calling
/// thread, a few records at a time (`SERIAL_PART`), since nothing would run in parallel.
pub(crate) fn one_thread() -> bool {
    rayon::current_num_threads() <= 1
}

/// Records converted and evaluated at a time with one evaluation thread: the fewer wait, the
/// more of each record's tape and report is still in cache when it is next touched.
pub(crate) const SERIAL_PART: usize = 16;

/// Where an item of a records list came from, as error entries name it.
pub(crate) fn origin_of(index: usize) -> String {
    format!("[{index}]")
}

/// One input of a batch, after conversion.
pub(crate) enum Input {
    /// A dict copied out of Python (its position in the input, and the copy), to be read into
    /// the engine's typed layout by an evaluation thread.
    Tape(usize, Tape),
    /// Ready for the engine to read (JSON text, or a value from the converter).
    Raw(chidu::RawRecord),
    /// Already known to be invalid (a value that breaks the schema or that Python could not
    /// hand over).
    Invalid(String, chidu::RecordError),
}

impl PyStandard {
    /// The id of a record that could not be converted, read the way the engine reads it.
    pub(crate) fn id_of(&self, partial: &serde_json::Value) -> Option<String> {
        match self.engine.record_from_value(partial) {
            Ok(r) => r.id().map(str::to_owned),
            Err(e) => e.record,
        }
    }

    fn input(&self, origin: String, converted: Converted) -> Input {
        match converted {
            (value, None) => Input::Raw(chidu::RawRecord {
                origin,
                data: chidu::RawData::Value(value),
            }),
            (partial, Some(e)) => {
                let id = self.id_of(&partial);
                Input::Invalid(origin, e.into_record_error(id))
            }
        }
    }

    /// One input per row of a pandas DataFrame whose column names clash (`tape::frame::Rows`
    /// reads the others): a JSON object per row, built column by column.
    pub(crate) fn dataframe_json_inputs(
        &self,
        types: &Types<'_>,
        frame: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<Input>> {
        Ok(convert::dataframe_rows(types, frame)?
            .into_iter()
            .enumerate()
            .map(|(i, c)| self.input(origin_of(i), c))
            .collect())
    }

    /// Reads a dict into the engine's typed layout: copied onto a tape (`tape::Tape`) under the
    /// GIL, then read by the record seed, with no JSON text or value tree in between. `None`
    /// when `item` is not a dict (the value converter then takes it, and says why it is not a
    /// record).
    pub(crate) fn read_dict(
        &self,
        types: &Types<'_>,
        item: &Bound<'_, PyAny>,
    ) -> Option<Result<chidu::Record, chidu::RecordError>> {
        item.cast::<PyDict>().ok()?;
        Some(self.read_tape(&Tape::write(types, item)))
    }

    /// Reads a record from its tape (no GIL needed).
    fn read_tape(&self, tape: &Tape) -> Result<chidu::Record, chidu::RecordError> {
        self.engine
            .record_from_deserializer(&mut tape.reader())
            .map_err(|mut e| {
                // The reader names the record when its id came before the bad value; else look.
                if e.record.is_none() {
                    e.record = tape.root_text(self.standard.id_field());
                }
                e
            })
    }

    /// Converts one item of a records list.
    pub(crate) fn item(&self, types: &Types<'_>, index: usize, item: &Bound<'_, PyAny>) -> Input {
        // A record read from a dict needs no origin unless it is invalid: made when needed.
        let origin = || origin_of(index);
        if let Ok(s) = item.cast::<PyString>() {
            return match s.to_str() {
                Ok(t) => Input::Raw(chidu::RawRecord {
                    origin: origin(),
                    data: chidu::RawData::Json(t.as_bytes().to_vec()),
                }),
                Err(e) => Input::Invalid(
                    origin(),
                    chidu::RecordError {
                        record: None,
                        path: String::new(),
                        message: e.to_string(),
                    },
                ),
            };
        }
        if let Ok(b) = item.cast::<PyBytes>() {
            return Input::Raw(chidu::RawRecord {
                origin: origin(),
                data: chidu::RawData::Json(b.as_bytes().to_vec()),
            });
        }
        // A dict is only copied here, under the GIL; the evaluation threads read it.
        if item.cast::<PyDict>().is_ok() {
            return Input::Tape(index, Tape::write(types, item));
        }
        self.input(origin(), convert::record_to_json(types, item))
    }

    /// Evaluates converted inputs in parallel, without the GIL. The inputs stay with the
    /// caller, to be freed by the thread that made them: with glibc's malloc, freeing them on
    /// the evaluation threads measurably slowed the thread converting under the GIL.
    pub(crate) fn run(&self, inputs: &[Input], options: &chidu::Options) -> Vec<chidu::Entry> {
        let entry = |input: &Input| match input {
            Input::Tape(index, tape) => match self.read_tape(tape) {
                Ok(record) => {
                    chidu::Entry::Report(Arc::new(self.engine.evaluate_record(&record, options)))
                }
                Err(error) => chidu::Entry::Invalid {
                    origin: origin_of(*index),
                    error,
                },
            },
            Input::Raw(raw) => self.engine.evaluate_raw(raw, options),
            Input::Invalid(origin, error) => chidu::Entry::Invalid {
                origin: origin.clone(),
                error: error.clone(),
            },
        };
        // With one thread, on the caller (see `Engine::evaluate_lines`).
        if one_thread() {
            inputs.iter().map(entry).collect()
        } else {
            inputs.par_iter().map(entry).collect()
        }
    }

    /// Converts Python records chunk by chunk while a worker thread evaluates the chunks
    /// already converted: the GIL-bound conversion overlaps the parallel evaluation. The
    /// worker also adds each evaluated chunk to the fleet summary, so that work overlaps the
    /// conversion too (the converting thread, which holds the GIL, is the one to spare).
    pub(crate) fn run_pipelined(
        &self,
        py: Python<'_>,
        inputs: impl Iterator<Item = PyResult<Input>>,
        options: &chidu::Options,
    ) -> PyResult<chidu::Batch> {
        if one_thread() {
            return self.run_serial(py, inputs, options);
        }
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Input>>(2);
        // Evaluated chunks come back to be freed by the converting thread, which made them.
        let (spent_tx, spent_rx) = std::sync::mpsc::channel::<Vec<Input>>();
        let (entries, summary) = std::thread::scope(|scope| {
            let worker = scope.spawn(move || {
                let mut entries = Vec::new();
                let mut summary = self.engine.new_summary();
                for chunk in rx {
                    let done = self.run(&chunk, options);
                    // If the converting thread is gone (an error), the chunk is freed here.
                    let _ = spent_tx.send(chunk);
                    for entry in &done {
                        self.engine.add_to_summary(&mut summary, entry);
                    }
                    entries.extend(done);
                }
                (entries, summary)
            });
            let produce = || -> PyResult<()> {
                let mut size = FIRST_CHUNK;
                let mut chunk = Vec::with_capacity(size);
                for input in inputs {
                    chunk.push(input?);
                    if chunk.len() == size {
                        spent_rx.try_iter().for_each(drop);
                        size = (size * 2).min(CHUNK);
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(size));
                        // A full channel means the worker is busy: wait for it without the GIL.
                        match tx.try_send(full) {
                            Ok(()) => {}
                            Err(std::sync::mpsc::TrySendError::Full(full)) => {
                                py.detach(|| tx.send(full)).map_err(|_| {
                                    errors::internal("the evaluation thread stopped")
                                })?;
                            }
                            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => {
                                return Err(errors::internal("the evaluation thread stopped"));
                            }
                        }
                    }
                }
                if !chunk.is_empty() {
                    py.detach(|| tx.send(chunk))
                        .map_err(|_| errors::internal("the evaluation thread stopped"))?;
                }
                Ok(())
            };
            let produced = produce();
            drop(tx);
            let joined = py.detach(|| worker.join());
            spent_rx.try_iter().for_each(drop);
            produced?;
            joined.map_err(|_| errors::internal("the evaluation thread panicked"))
        })?;
        Ok(self.batch_of(entries, summary, options))
    }

    /// The same batch as `Engine::batch(entries)`, with the summary already made.
    fn batch_of(
        &self,
        entries: Vec<chidu::Entry>,
        summary: chidu::Summary,
        options: &chidu::Options,
    ) -> chidu::Batch {
        let mut batch = self.engine.batch(Vec::new(), options);
        batch.entries = entries;
        batch.summary = summary;
        batch
    }

    /// `run_pipelined` with one evaluation thread, where nothing runs in parallel: a few
    /// records at a time are copied and then evaluated on the calling thread, so each tape is
    /// still in cache when it is read (a worker would share the one core and read chunks of up
    /// to 4,096 tapes copied long before; on the peer workload a process's first call went
    /// from 17.6–18.3k to 21.6–24.0k dicts/s, later calls about the same).
    fn run_serial(
        &self,
        py: Python<'_>,
        inputs: impl Iterator<Item = PyResult<Input>>,
        options: &chidu::Options,
    ) -> PyResult<chidu::Batch> {
        let mut entries = Vec::new();
        let mut summary = self.engine.new_summary();
        let mut part = Vec::with_capacity(SERIAL_PART);
        let mut evaluate = |part: &mut Vec<Input>| {
            let done = py.detach(|| self.run(part, options));
            part.clear();
            for entry in &done {
                self.engine.add_to_summary(&mut summary, entry);
            }
            entries.extend(done);
        };
        for input in inputs {
            part.push(input?);
            if part.len() == SERIAL_PART {
                evaluate(&mut part);
            }
        }
        evaluate(&mut part);
        Ok(self.batch_of(entries, summary, options))
    }

    pub(crate) fn batch(
        &self,
        entries: Vec<chidu::Entry>,
        options: &chidu::Options,
    ) -> PyBatchReport {
        PyBatchReport::new(self.engine.clone(), self.engine.batch(entries, options))
    }
}
