//! Byte-level line splitting for large text recordings: one 256 KiB buffer reused for the
//! whole file, newlines found with `memchr`, no allocation per line. Lines longer than
//! [`MAX_LINE`] are refused, so a binary or garbage file fails fast instead of being buffered.

use std::io::{self, Read};

/// Longest accepted line (header or data), bytes.
pub(crate) const MAX_LINE: usize = 64 * 1024;
const BUF_SIZE: usize = 256 * 1024;

/// One line without its `\n` / `\r\n`.
pub(crate) struct Line<'a> {
    /// 1-based line number in the file.
    pub number: u64,
    pub bytes: &'a [u8],
    /// False for a last line that ends without a newline (possibly cut off).
    pub terminated: bool,
}

#[derive(Debug)]
pub(crate) enum LineError {
    Io(io::Error),
    /// The line with this number is longer than [`MAX_LINE`].
    TooLong(u64),
}

pub(crate) struct LineReader {
    inner: Box<dyn Read + Send>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// `buf[start..searched]` holds no newline.
    searched: usize,
    eof: bool,
    number: u64,
}

impl LineReader {
    pub(crate) fn new(inner: Box<dyn Read + Send>) -> Self {
        LineReader {
            inner,
            buf: vec![0; BUF_SIZE],
            start: 0,
            end: 0,
            searched: 0,
            eof: false,
            number: 0,
        }
    }

    pub(crate) fn next_line(&mut self) -> Result<Option<Line<'_>>, LineError> {
        let (from, to, terminated) = loop {
            let from = self.start;
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.searched..self.end]) {
                let nl = self.searched + i;
                self.start = nl + 1;
                self.searched = self.start;
                break (from, nl, true);
            }
            self.searched = self.end;
            if self.end - self.start > MAX_LINE {
                return Err(LineError::TooLong(self.number + 1));
            }
            if self.eof {
                if from == self.end {
                    return Ok(None);
                }
                self.start = self.end;
                break (from, self.end, false);
            }
            self.refill()?;
        };
        self.number += 1;
        let mut bytes = &self.buf[from..to];
        if let [rest @ .., b'\r'] = bytes {
            bytes = rest;
        }
        Ok(Some(Line {
            number: self.number,
            bytes,
            terminated,
        }))
    }

    /// Moves the unread part to the front and reads more after it.
    fn refill(&mut self) -> Result<(), LineError> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.searched -= self.start;
            self.start = 0;
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(LineError::Io(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &[u8]) -> Vec<(u64, String, bool)> {
        let mut r = LineReader::new(Box::new(io::Cursor::new(data.to_vec())));
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push((
                l.number,
                String::from_utf8_lossy(l.bytes).into_owned(),
                l.terminated,
            ));
        }
        out
    }

    #[test]
    fn splits_lf_crlf_and_unterminated() {
        assert_eq!(
            lines(b"a,b\r\n1,2\n\n3,4"),
            vec![
                (1, "a,b".into(), true),
                (2, "1,2".into(), true),
                (3, "".into(), true),
                (4, "3,4".into(), false),
            ]
        );
        assert!(lines(b"").is_empty());
    }

    #[test]
    fn lines_across_buffer_refills() {
        let mut data = Vec::new();
        for i in 0..100_000 {
            data.extend_from_slice(format!("{i},{}\n", i * 2).as_bytes());
        }
        let all = lines(&data);
        assert_eq!(all.len(), 100_000);
        assert_eq!(all[77_777].1, "77777,155554");
    }

    #[test]
    fn refuses_overlong_lines() {
        let data = vec![b'x'; MAX_LINE + 10];
        let mut r = LineReader::new(Box::new(io::Cursor::new(data)));
        assert!(matches!(r.next_line(), Err(LineError::TooLong(1))));
    }
}
