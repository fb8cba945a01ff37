//! A sans-I/O line splitter with a bounded buffer, shared by the text framers.
//!
//! Owns: buffering pushed bytes, cutting them at `\n` (a `\r` before it is dropped), numbering
//! lines from 1, bounding line length, and handing out an unterminated last line at finish. It
//! does not look inside lines.
//!
//! Memory: the buffer holds at most what was pushed since the last fully consumed line, so a
//! caller that drains lines after each push keeps it at one push plus one partial line. A line
//! longer than the limit is reported once and its bytes are dropped as they arrive.

/// What [`LineBuffer::next_line`] hands out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// A complete line without its line ending. `terminated` is `false` only for a last line
    /// that had no `\n` before [`LineBuffer::finish`].
    Text {
        number: u64,
        bytes: &'a [u8],
        terminated: bool,
    },
    /// Line `number` is longer than the limit; it is being skipped.
    TooLong { number: u64 },
}

/// Bytes in, numbered lines out.
#[derive(Debug)]
pub(crate) struct LineBuffer {
    buf: Vec<u8>,
    /// Start of the first unconsumed byte in `buf`.
    start: usize,
    /// Number of the line that starts at `start`.
    line_number: u64,
    max_line: usize,
    /// Inside an over-long line (already reported): drop bytes up to its `\n`.
    discarding: bool,
    finished: bool,
}

impl LineBuffer {
    /// A splitter that rejects lines longer than `max_line` bytes.
    pub(crate) fn new(max_line: usize) -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            line_number: 1,
            max_line,
            discarding: false,
            finished: false,
        }
    }

    /// The number of the next line to be cut.
    pub(crate) fn next_line_number(&self) -> u64 {
        self.line_number
    }

    /// Bytes allocated for buffering.
    pub(crate) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The unconsumed bytes (empty while skipping an over-long line), for a framer's fast path
    /// that parses a line in place and then calls [`consume_line`](Self::consume_line).
    #[inline]
    pub(crate) fn pending(&self) -> &[u8] {
        if self.discarding {
            &[]
        } else {
            &self.buf[self.start..]
        }
    }

    /// Consume one complete line of `len` bytes from [`pending`](Self::pending), its `\n`
    /// included. The caller has checked that it ends in `\n`, has no other `\n` and is within
    /// the length limit.
    #[inline]
    pub(crate) fn consume_line(&mut self, len: usize) {
        debug_assert_eq!(self.buf.get(self.start + len - 1), Some(&b'\n'));
        self.start += len;
        self.line_number += 1;
    }

    /// The length limit in bytes.
    pub(crate) fn max_line(&self) -> usize {
        self.max_line
    }

    /// Append input. Ignored after [`finish`](Self::finish).
    pub(crate) fn push(&mut self, mut bytes: &[u8]) {
        if self.finished {
            return;
        }
        if self.discarding {
            match bytes.iter().position(|&b| b == b'\n') {
                Some(newline) => {
                    self.discarding = false;
                    self.line_number += 1;
                    bytes = &bytes[newline + 1..];
                }
                None => return,
            }
        }
        if self.start > 0 {
            // Only the unconsumed tail (at most one partial line) moves.
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Mark the end of input: a last line without `\n` becomes available.
    pub(crate) fn finish(&mut self) {
        self.finished = true;
    }

    /// The next complete line, or `None` until more bytes (or `finish`) arrive.
    #[inline]
    pub(crate) fn next_line(&mut self) -> Option<Line<'_>> {
        if self.discarding {
            return None;
        }
        let start = self.start;
        let available = self.buf.len() - start;
        let number = self.line_number;
        let newline = self.buf[start..].iter().position(|&b| b == b'\n');
        let (end, terminated) = match newline {
            Some(newline) if newline > self.max_line => {
                self.start += newline + 1;
                self.line_number += 1;
                return Some(Line::TooLong { number });
            }
            Some(newline) => {
                self.start += newline + 1;
                (start + newline, true)
            }
            None if available > self.max_line => {
                self.buf.clear();
                self.start = 0;
                if self.finished {
                    self.line_number += 1;
                } else {
                    self.discarding = true;
                }
                return Some(Line::TooLong { number });
            }
            None if self.finished && available > 0 => {
                self.start = self.buf.len();
                (self.buf.len(), false)
            }
            None => return None,
        };
        self.line_number += 1;
        let line = &self.buf[start..end];
        Some(Line::Text {
            number,
            bytes: line.strip_suffix(b"\r").unwrap_or(line),
            terminated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(buffer: &mut LineBuffer) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(line) = buffer.next_line() {
            out.push(match line {
                Line::Text {
                    number,
                    bytes,
                    terminated,
                } => format!(
                    "{number}:{}{}",
                    String::from_utf8_lossy(bytes),
                    if terminated { "" } else { "$" }
                ),
                Line::TooLong { number } => format!("{number}:too long"),
            });
        }
        out
    }

    fn split_everywhere(input: &[u8], max_line: usize) -> Vec<String> {
        let mut whole = LineBuffer::new(max_line);
        whole.push(input);
        whole.finish();
        let expected = collect(&mut whole);
        for split in 0..=input.len() {
            let mut buffer = LineBuffer::new(max_line);
            let mut got = Vec::new();
            buffer.push(&input[..split]);
            got.extend(collect(&mut buffer));
            buffer.push(&input[split..]);
            got.extend(collect(&mut buffer));
            buffer.finish();
            got.extend(collect(&mut buffer));
            assert_eq!(got, expected, "split at {split}");
        }
        expected
    }

    #[test]
    fn lines_are_numbered_and_crlf_is_stripped() {
        let got = split_everywhere(b"a\r\nbb\n\nccc", 10);
        assert_eq!(got, ["1:a", "2:bb", "3:", "4:ccc$"]);
    }

    #[test]
    fn long_lines_are_reported_once_and_skipped() {
        let got = split_everywhere(b"short\nthis one is too long\nok\nlong tail at end", 8);
        assert_eq!(got, ["1:short", "2:too long", "3:ok", "4:too long"]);
    }
}
