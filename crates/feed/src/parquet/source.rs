//! The bytes of a Parquet file for the decoder: a seekable source shared by the column
//! readers (each reads from its own offset): a file, or a stream spilled to a temporary file. Reading at the end of
//! the file is an error, never an empty read.

use bytes::Bytes;
use parquet::errors::ParquetError;
use parquet::file::reader::{ChunkReader, Length};
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::{Arc, Mutex};

/// Anything seekable the reader can pull byte ranges from.
pub(crate) trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// The bytes of a Parquet file, for the decoder: a seekable file shared by its column readers.
#[derive(Clone)]
pub(super) enum Source {
    Seekable {
        inner: Arc<Mutex<Box<dyn ReadSeek>>>,
        len: u64,
    },
}

impl Length for Source {
    fn len(&self) -> u64 {
        match self {
            Source::Seekable { len, .. } => *len,
        }
    }
}

/// The error for a read at the end of the file. The decoder never needs to read there: a page
/// header that does (a malformed one claiming, say, 2^31 list elements) fails at once instead of
/// spinning through reads of nothing — the fuzzer found such a header taking a minute.
fn past_the_end() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "read past the end of the file",
    )
}

/// A reader from an offset of a seekable source to its end, positioned independently of other
/// readers; reading at the end is an error ([`past_the_end`]).
struct RangeReader {
    inner: Arc<Mutex<Box<dyn ReadSeek>>>,
    position: u64,
    len: u64,
}

impl Read for RangeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.position >= self.len {
            return Err(past_the_end());
        }
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("source lock poisoned"))?;
        inner.seek(SeekFrom::Start(self.position))?;
        let n = inner.read(buf)?;
        if n == 0 {
            return Err(past_the_end());
        }
        self.position += n as u64;
        Ok(n)
    }
}

impl ChunkReader for Source {
    type T = Box<dyn Read + Send>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        match self {
            Source::Seekable { inner, len } => Ok(Box::new(io::BufReader::with_capacity(
                16 * 1024,
                RangeReader {
                    inner: inner.clone(),
                    position: start,
                    len: *len,
                },
            ))),
        }
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        match self {
            Source::Seekable { inner, len } => {
                if start.saturating_add(length as u64) > *len {
                    return Err(ParquetError::EOF(format!(
                        "{length} bytes at offset {start} are past the end ({len} bytes)"
                    )));
                }
                let mut inner = inner
                    .lock()
                    .map_err(|_| ParquetError::General("source lock poisoned".into()))?;
                inner.seek(SeekFrom::Start(start))?;
                let mut buffer = vec![0u8; length];
                inner.read_exact(&mut buffer)?;
                Ok(buffer.into())
            }
        }
    }
}
