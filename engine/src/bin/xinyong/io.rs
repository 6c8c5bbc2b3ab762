//! Input and output plumbing: buffered stdin/stdout, files written atomically.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use xinyong::batch::{BatchSummary, push_failure_line};

use crate::Outcome;

/// A line a worker laid out, or, when its input failed, the error line in its place.
pub fn line_or_failure(laid_out: xinyong::Result<Vec<u8>>, index: usize, line: usize) -> Vec<u8> {
    laid_out.unwrap_or_else(|error| {
        let mut failed = Vec::new();
        push_failure_line(&mut failed, index, line, &error);
        failed
    })
}

/// Opens a file for buffered reading, or stdin for `-`.
pub fn open_input(path: &Path) -> io::Result<Box<dyn BufRead>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(BufReader::with_capacity(1 << 16, io::stdin().lock())))
    } else {
        let file = File::open(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
    }
}

/// Reads a whole file, or stdin for `-`.
pub fn read_text(path: &Path) -> io::Result<String> {
    let mut text = String::new();
    open_input(path)?.read_to_string(&mut text)?;
    Ok(text)
}

/// A file written under a temporary name and renamed into place on [`AtomicFile::commit`], so
/// an interrupted run never leaves a truncated file that looks complete.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    writer: BufWriter<File>,
}

impl AtomicFile {
    /// Creates the temporary file next to `target` (creating parent directories).
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("output");
        let temp = target.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        let writer = BufWriter::new(File::create(&temp)?);
        Ok(AtomicFile { target: target.to_path_buf(), temp, writer })
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        self.writer.get_ref().sync_all()?;
        std::fs::rename(&self.temp, &self.target)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed: remove the partial file. After a commit the temp path no longer exists.
        let _ = std::fs::remove_file(&self.temp);
    }
}

/// Where results go: stdout, or a file written atomically.
pub enum Output {
    /// Standard output.
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// A file, renamed into place when finished.
    File(AtomicFile),
}

impl Output {
    /// Stdout, or the file at `path`.
    pub fn open(path: Option<&Path>) -> io::Result<Output> {
        Ok(match path {
            None => Output::Stdout(BufWriter::with_capacity(1 << 16, io::stdout().lock())),
            Some(p) => Output::File(AtomicFile::create(p)?),
        })
    }

    /// Flushes stdout or commits the file.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush(),
            Output::File(f) => f.commit(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(f) => f.flush(),
        }
    }
}

/// Keeps the first failed write of a batch so the command can end with it (a closed pipe ends
/// quietly) rather than report it as bad input.
#[derive(Default)]
pub struct WriteFailure(Option<io::Error>);

impl WriteFailure {
    /// Passes `result` through, remembering a failure.
    pub fn keep(&mut self, result: io::Result<()>) -> io::Result<()> {
        result.map_err(|e| {
            let kind = e.kind();
            self.0 = Some(e);
            io::Error::from(kind)
        })
    }

    /// The error to end with: the remembered write failure, else the engine's own.
    pub fn or_engine(self, e: xinyong::Error) -> io::Error {
        self.0.unwrap_or_else(|| engine_error(e))
    }
}

/// Ends a JSON Lines command: with the first failed write or the engine's error if there was
/// one; else the output is finished and, when some lines could not be handled, "N of M `what`"
/// goes to stderr and the command exits with 1 (their error lines are in the output).
pub fn finish_lines(
    summary: xinyong::Result<BatchSummary>,
    failure: WriteFailure,
    out: Output,
    what: &str,
) -> io::Result<Outcome> {
    let summary = summary.map_err(|e| failure.or_engine(e))?;
    out.finish()?;
    if summary.failed > 0 {
        eprintln!("xinyong: {} of {} {what}", summary.failed, summary.records);
        return Ok(Outcome::SomeInvalid);
    }
    Ok(Outcome::Clean)
}

/// Turns an engine error into an I/O error for the command's exit path.
pub fn engine_error(e: xinyong::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

/// `--jobs`: how many threads work on the lines of a batch.
#[derive(clap::Args)]
pub struct Jobs {
    /// Threads working on the lines: 1 works line by line on one thread (the least memory);
    /// more work on chunks of lines while the input is read and the output written, the
    /// output the same. Every core when absent.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<std::num::NonZeroUsize>,
}

impl Jobs {
    /// Whether the batch runs on more than one thread; if so, the thread pool is set up with
    /// that many threads first.
    pub fn parallel(&self) -> io::Result<bool> {
        let cores = || std::thread::available_parallelism().map_or(1, usize::from);
        let jobs = self.jobs.map_or_else(cores, usize::from);
        if jobs == 1 {
            return Ok(false);
        }
        let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build_global();
        pool.map_err(|e| io::Error::other(format!("cannot start {jobs} threads: {e}")))?;
        Ok(true)
    }
}
