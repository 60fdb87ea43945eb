//! `Report.gaps` as a list of dicts, each a copy of a cached dict per (indicator, status,
//! veto).
//!
//! A notebook or a benchmark reads the gaps of every report of a fleet, and the dicts were the
//! largest cost the binding adds to evaluation: building one key by key costs four inserts into
//! a fresh table and a new string for the id. A fleet's gaps repeat a few hundred shapes, so a
//! copy of a ready dict (one memcpy of its table) does the same work; `lost` is set again only
//! when it differs from the cached one (an indicator scored all or nothing always loses its
//! points).

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

/// Number of `chidu::Status` values, with room to spare (the discriminants index the rows).
const STATUSES: usize = 8;

/// More indicator ids than any standard has: past it the cache starts over, so a process that
/// loads many packs in turn keeps a bounded cache.
const MAX_INDICATORS: usize = 4096;

/// A gap's dict as first seen, and the `lost` it holds. Never handed out, only copied, so no
/// caller can change it.
struct Template {
    dict: Py<PyDict>,
    lost: f64,
}

/// The templates of one indicator id, indexed by status and veto.
type Row = [Option<Template>; 2 * STATUSES];

#[derive(Default)]
struct Templates {
    row_of: foldhash::HashMap<Box<str>, usize>,
    rows: Vec<Row>,
}

static TEMPLATES: Mutex<Option<Templates>> = Mutex::new(None);

fn locked() -> std::sync::MutexGuard<'static, Option<Templates>> {
    TEMPLATES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The gaps as `[{"indicator", "lost", "status"[, "veto"]}]`, in the report's order.
pub(crate) fn gap_list<'py>(py: Python<'py>, gaps: &[chidu::Gap]) -> PyResult<Bound<'py, PyList>> {
    let mut dicts = Vec::with_capacity(gaps.len());
    for g in gaps {
        // As the JSON shows it (`Num2`).
        let lost = chidu::round2(g.lost);
        let (template, template_lost) = template(py, g, lost)?;
        let d = template.copy()?;
        if template_lost.to_bits() != lost.to_bits() {
            set_lost(&d, lost)?;
        }
        dicts.push(d);
    }
    PyList::new(py, dicts)
}

/// Whole numbers as ints, as the JSON shows them.
fn set_lost(d: &Bound<'_, PyDict>, lost: f64) -> PyResult<()> {
    let key = pyo3::intern!(d.py(), "lost");
    match chidu::whole(lost) {
        Some(i) => d.set_item(key, i),
        None => d.set_item(key, lost),
    }
}

/// The template for `gap`'s (indicator, status, veto) and its `lost`, made on first use with
/// `lost`. The lock is never held while Python allocates: an allocation can run the garbage
/// collector, and a finalizer could read some report's gaps on this very thread.
fn template<'py>(
    py: Python<'py>,
    gap: &chidu::Gap,
    lost: f64,
) -> PyResult<(Bound<'py, PyDict>, f64)> {
    let slot = (gap.status as usize) * 2 + usize::from(gap.veto);
    if slot >= 2 * STATUSES {
        return Err(crate::errors::internal("a gap beyond the template table"));
    }
    let found = locked().as_ref().and_then(|t| {
        let row = t.rows.get(*t.row_of.get(&*gap.indicator)?)?;
        let template = row.get(slot)?.as_ref()?;
        Some((template.dict.clone_ref(py), template.lost))
    });
    if let Some((dict, lost)) = found {
        return Ok((dict.into_bound(py), lost));
    }
    let d = PyDict::new(py);
    d.set_item(
        pyo3::intern!(py, "indicator"),
        PyString::intern(py, &gap.indicator),
    )?;
    set_lost(&d, lost)?;
    d.set_item(
        pyo3::intern!(py, "status"),
        PyString::intern(py, gap.status.as_str()),
    )?;
    if gap.veto {
        d.set_item(pyo3::intern!(py, "veto"), true)?;
    }
    let template = Template {
        dict: d.clone().unbind(),
        lost,
    };
    // Dropped after the lock is released, for the same reason.
    let _evicted =
        locked()
            .get_or_insert_with(Templates::default)
            .insert(&gap.indicator, slot, template);
    Ok((d, lost))
}

impl Templates {
    /// Keeps `template`; returns what a full cache gave up to make room.
    fn insert(&mut self, indicator: &str, slot: usize, template: Template) -> Option<Templates> {
        let mut evicted = None;
        let row = match self.row_of.get(indicator) {
            Some(&row) => row,
            None => {
                if self.rows.len() >= MAX_INDICATORS {
                    evicted = Some(std::mem::take(self));
                }
                self.rows.push([const { None }; 2 * STATUSES]);
                self.row_of
                    .insert(Box::from(indicator), self.rows.len() - 1);
                self.rows.len() - 1
            }
        };
        if let Some(cell) = self.rows.get_mut(row).and_then(|r| r.get_mut(slot)) {
            *cell = Some(template);
        }
        evicted
    }
}
