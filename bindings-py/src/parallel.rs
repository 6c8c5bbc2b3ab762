//! Splitting a batch over threads. Batches run with the interpreter released, so the engine's
//! `Send + Sync` evaluator can work on several chunks at once; results keep the input order.
//!
//! Helper for every binding module (`pub(crate)`): [`map_ranges`] and [`thread_count`].

use std::num::NonZeroUsize;
use std::ops::Range;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Fewest items worth a thread of their own: below this, spawning costs more than it saves.
const MIN_CHUNK: usize = 1024;

/// The thread count for a `threads` argument: `None` means every available core; `0` is refused.
pub(crate) fn thread_count(threads: Option<usize>) -> PyResult<usize> {
    match threads {
        None => Ok(std::thread::available_parallelism().map_or(1, NonZeroUsize::get)),
        Some(0) => Err(PyValueError::new_err("threads must be at least 1")),
        Some(n) => Ok(n),
    }
}

/// Applies `work` to consecutive ranges covering `0..len` on up to `threads` threads and
/// returns the results in order. A range whose thread panicked yields `None` in its place.
pub(crate) fn map_ranges<R: Send>(
    len: usize,
    threads: usize,
    work: impl Fn(Range<usize>) -> R + Sync,
) -> Vec<Option<R>> {
    let chunks = threads.min(len / MIN_CHUNK).max(1);
    if chunks == 1 {
        return vec![Some(work(0..len))];
    }
    let size = len.div_ceil(chunks);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..len)
            .step_by(size)
            .map(|start| scope.spawn(move || work(start..len.min(start + size))))
            .collect();
        handles.into_iter().map(|handle| handle.join().ok()).collect()
    })
}
