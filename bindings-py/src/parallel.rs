//! Splitting a batch over threads. Batches run with the interpreter released, so the engine's
//! `Send + Sync` evaluator can work on several chunks at once; results keep the input order.
//!
//! Helper for every binding module (`pub(crate)`): [`map_ranges`], [`in_pool`] and
//! [`thread_count`].

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

/// Runs `work` in a rayon pool of `threads` threads built for the call, so that the engine's
/// parallel batches (feature `parallel`) run on as many threads as the caller asked for.
pub(crate) fn in_pool<T: Send>(
    threads: usize,
    work: impl FnOnce() -> xinyong::Result<T> + Send,
) -> xinyong::Result<T> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
    let pool = pool.map_err(|e| std::io::Error::other(e.to_string()))?;
    pool.install(work)
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

/// Splits the rows of `out` (one item per row) and of `wide` (`width` items per row) into
/// consecutive parts of whole multiples of `align` rows (the last one shorter) on up to
/// `threads` threads, and applies `work(first row, rows of out, rows of wide)` to each in
/// place: the results come back in order, `None` for a part whose thread panicked. One part
/// runs on the calling thread, without spawning.
pub(crate) fn split_rows_mut<A: Send, B: Send, R: Send>(
    out: &mut [A],
    wide: &mut [B],
    width: usize,
    threads: usize,
    align: usize,
    work: impl Fn(usize, &mut [A], &mut [B]) -> R + Sync,
) -> Vec<Option<R>> {
    let len = out.len();
    let count = threads.min(len / MIN_CHUNK).max(1);
    if count == 1 {
        return vec![Some(work(0, out, wide))];
    }
    let align = align.max(1);
    let size = len.div_ceil(count).div_ceil(align) * align;
    let mut parts = Vec::with_capacity(count);
    let (mut out, mut wide, mut start) = (out, wide, 0);
    while !out.is_empty() {
        let rows = size.min(out.len());
        let (head, tail) = std::mem::take(&mut out).split_at_mut(rows);
        let cut = (rows * width).min(wide.len());
        let (wide_head, wide_tail) = std::mem::take(&mut wide).split_at_mut(cut);
        parts.push((start, head, wide_head));
        (out, wide, start) = (tail, wide_tail, start + rows);
    }
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|(start, part, wide)| scope.spawn(move || work(start, part, wide)))
            .collect();
        handles.into_iter().map(|handle| handle.join().ok()).collect()
    })
}
