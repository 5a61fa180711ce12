//! File source: plain or gzip (detected by its magic bytes, not its name),
//! read to the end, or followed like `tail -F`.
//!
//! Files are read on a blocking thread (std I/O and flate2 are blocking);
//! lines go to the channel with `try_send`, falling back to an async wait
//! for room only when the channel is full, so backpressure holds without
//! tying up a runtime worker.
//!
//! Following: at the end of the file the reader polls every
//! `poll_interval`. A file that shrank below the read position was
//! truncated (`copytruncate` rotation, `> file`): reading restarts from its
//! start. A path that now names another file (same device and inode no
//! more) was rotated: the old file is read to its end, then the new one is
//! opened and read from its start. A path that vanished is waited for,
//! still reading the old file.

use std::fs::File;
use std::io::{BufRead, BufReader, Read as _, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use flate2::read::MultiGzDecoder;

use crate::lines::{LineBuf, Read};
use crate::{Counters, Emitter, Halt, IngestError, Source, SourceContext, MAX_LINE};

const READ_BUFFER: usize = 64 * 1024;

/// Configuration of a file source.
#[derive(Debug, Clone)]
pub struct FileConfig {
    /// Source id stamped on every line.
    pub id: String,
    /// The file; gzip-compressed when it starts with the gzip magic bytes.
    pub path: PathBuf,
    /// Keep reading as the file grows (plain files only), surviving
    /// truncation and rotation, until stopped.
    pub follow: bool,
    /// When following, skip what the file already holds.
    pub start_at_end: bool,
    /// How often a followed file at its end is checked for growth.
    pub poll_interval: Duration,
    /// Line length bound.
    pub max_line: usize,
}

impl FileConfig {
    /// Read `path` to its end.
    pub fn new(id: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        FileConfig {
            id: id.into(),
            path: path.into(),
            follow: false,
            start_at_end: false,
            poll_interval: Duration::from_millis(250),
            max_line: MAX_LINE,
        }
    }

    /// Follow the file as it grows.
    pub fn follow(mut self, follow: bool) -> Self {
        self.follow = follow;
        self
    }

    /// When following, start at the current end.
    pub fn start_at_end(mut self, yes: bool) -> Self {
        self.start_at_end = yes;
        self
    }

    /// Polling interval when following.
    pub fn poll_interval(mut self, every: Duration) -> Self {
        self.poll_interval = every;
        self
    }

    /// Line length bound.
    pub fn max_line(mut self, bytes: usize) -> Self {
        self.max_line = bytes;
        self
    }

    /// Open the file (a missing or unreadable file is an error here, not
    /// later) and prepare the reader.
    pub async fn build(self, ctx: SourceContext) -> Result<Source, IngestError> {
        let id: Arc<str> = self.id.as_str().into();
        let file_error = |error| IngestError::File {
            source_id: id.clone(),
            path: self.path.display().to_string(),
            error,
        };
        let mut file = File::open(&self.path).map_err(file_error)?;
        let gzip = is_gzip(&mut file).map_err(file_error)?;
        if gzip && self.follow {
            return Err(IngestError::Config {
                source_id: id,
                reason: format!(
                    "{} is gzip-compressed: only plain files can be followed",
                    self.path.display()
                ),
            });
        }
        if self.follow && self.start_at_end {
            // Here rather than when run: lines appended after build are read.
            file.seek(SeekFrom::End(0)).map_err(file_error)?;
        }
        let counters = Arc::new(Counters::default());
        let emitter = Emitter::new(ctx, counters.clone());
        let reader = FileReader {
            cfg: self,
            id: id.clone(),
            emitter,
            rt: tokio::runtime::Handle::current(),
        };
        let task = async move {
            match tokio::task::spawn_blocking(move || reader.run(file, gzip)).await {
                Ok(result) => result,
                Err(join) => std::panic::resume_unwind(join.into_panic()),
            }
        };
        Ok(Source {
            id,
            counters,
            local_addr: None,
            task: Box::pin(task),
        })
    }
}

fn is_gzip(file: &mut File) -> std::io::Result<bool> {
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match file.read(&mut magic[got..])? {
            0 => break,
            n => got += n,
        }
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(got == 2 && magic == [0x1f, 0x8b])
}

/// Identity of a file behind a path, to notice rotation.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

struct FileReader {
    cfg: FileConfig,
    id: Arc<str>,
    emitter: Emitter,
    rt: tokio::runtime::Handle,
}

/// How often (in lines) a long read checks for a stop request.
const STOP_CHECK_LINES: u32 = 1024;

impl FileReader {
    fn file_error(&self, error: std::io::Error) -> IngestError {
        IngestError::File {
            source_id: self.id.clone(),
            path: self.cfg.path.display().to_string(),
            error,
        }
    }

    fn run(mut self, file: File, gzip: bool) -> Result<(), IngestError> {
        let outcome = if self.cfg.follow {
            self.follow(file)
        } else if gzip {
            let decoder = MultiGzDecoder::new(BufReader::with_capacity(READ_BUFFER, file));
            self.read_to_end(BufReader::with_capacity(READ_BUFFER, decoder))
        } else {
            self.read_to_end(BufReader::with_capacity(READ_BUFFER, file))
        };
        match outcome {
            Ok(()) => Ok(()),
            Err(Stop::Halt(why)) => {
                tracing::debug!(source = %self.id, ?why, "file source ends");
                Ok(())
            }
            Err(Stop::Error(e)) => Err(e),
        }
    }

    fn emit(&mut self, lines: &mut LineBuf) -> Result<(), Stop> {
        let (bytes, cut) = lines.take();
        self.emitter
            .emit_blocking(&self.rt, bytes, cut, &self.id)
            .map_err(Stop::Halt)
    }

    /// Read every line, then deliver a last line without newline.
    fn read_to_end<R: BufRead>(&mut self, mut reader: R) -> Result<(), Stop> {
        let mut lines = LineBuf::new(self.cfg.max_line);
        let mut since_check = 0u32;
        loop {
            let mut n = 0;
            let read = lines.read_sync(&mut reader, &mut n);
            self.emitter.counters().add_bytes(n as usize);
            match read.map_err(|e| Stop::Error(self.file_error(e)))? {
                Read::Line => self.emit(&mut lines)?,
                Read::Eof => {
                    if lines.has_partial() {
                        self.emit(&mut lines)?;
                    }
                    return Ok(());
                }
            }
            since_check += 1;
            if since_check >= STOP_CHECK_LINES {
                since_check = 0;
                if self.emitter.is_stopped() {
                    return Err(Stop::Halt(Halt::Stopped));
                }
            }
        }
    }

    fn follow(&mut self, file: File) -> Result<(), Stop> {
        let path = self.cfg.path.clone();
        let mut ident = file.metadata().ok().as_ref().and_then(identity);
        let mut reader = BufReader::with_capacity(READ_BUFFER, file);
        // Past what the file held at build time when starting at the end.
        let mut offset = reader
            .stream_position()
            .map_err(|e| Stop::Error(self.file_error(e)))?;
        let mut lines = LineBuf::new(self.cfg.max_line);
        let mut since_check = 0u32;
        loop {
            let mut n = 0;
            let read = lines.read_sync(&mut reader, &mut n);
            offset += n;
            self.emitter.counters().add_bytes(n as usize);
            match read.map_err(|e| Stop::Error(self.file_error(e)))? {
                Read::Line => {
                    self.emit(&mut lines)?;
                    since_check += 1;
                    if since_check >= STOP_CHECK_LINES {
                        since_check = 0;
                        if self.emitter.is_stopped() {
                            return Err(Stop::Halt(Halt::Stopped));
                        }
                    }
                }
                Read::Eof => {
                    // At the end: a partial line stays buffered until its
                    // newline is written.
                    if self.emitter.is_stopped() {
                        return Err(Stop::Halt(Halt::Stopped));
                    }
                    std::thread::sleep(self.cfg.poll_interval);
                    let len_now = reader.get_ref().metadata().map(|m| m.len()).unwrap_or(0);
                    if len_now < offset {
                        self.emitter.counters().error(&IngestError::Truncated {
                            source_id: self.id.clone(),
                            path: path.display().to_string(),
                        });
                        self.emitter.counters().add_reconnect();
                        reader
                            .seek(SeekFrom::Start(0))
                            .map_err(|e| Stop::Error(self.file_error(e)))?;
                        offset = 0;
                        lines.clear();
                        continue;
                    }
                    if let Some((new_file, new_ident)) = self.rotated(&path, ident) {
                        // Whatever was written to the old file before it was
                        // replaced is read first.
                        self.drain(&mut reader, &mut lines)?;
                        tracing::info!(source = %self.id, "{} was rotated; reading the new file", path.display());
                        self.emitter.counters().add_reconnect();
                        reader = BufReader::with_capacity(READ_BUFFER, new_file);
                        ident = new_ident;
                        offset = 0;
                    }
                }
            }
        }
    }

    /// The new file when `path` now names another file than `ident`.
    fn rotated(
        &self,
        path: &Path,
        ident: Option<(u64, u64)>,
    ) -> Option<(File, Option<(u64, u64)>)> {
        let now = identity(&std::fs::metadata(path).ok()?);
        if now.is_none() || now == ident {
            return None;
        }
        let file = File::open(path).ok()?;
        let opened = file.metadata().ok().as_ref().and_then(identity);
        Some((file, opened))
    }

    /// Read an old (rotated) file to its end, its last line included.
    fn drain(&mut self, reader: &mut BufReader<File>, lines: &mut LineBuf) -> Result<(), Stop> {
        loop {
            let mut n = 0;
            let read = lines.read_sync(reader, &mut n);
            self.emitter.counters().add_bytes(n as usize);
            match read {
                Ok(Read::Line) => self.emit(lines)?,
                Ok(Read::Eof) | Err(_) => {
                    if lines.has_partial() {
                        self.emit(lines)?;
                    }
                    return Ok(());
                }
            }
        }
    }
}

enum Stop {
    Halt(Halt),
    Error(IngestError),
}
