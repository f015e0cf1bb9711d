//! Data rows of a delimited text recording: splitting a line into fields on the delimiter and
//! parsing the used ones with `fast-float2` straight from the bytes (no `String`, no allocation
//! per row). Fields may be padded with spaces or quoted; a `;`-delimited file may use a decimal
//! comma. Empty, NaN, infinite and `NA`/`null` fields make the row "missing" (skipped and
//! counted); any other text is an error naming the line and the field.

use crate::error::{ImportError, ImportWarning};
use crate::header::{line_error, shorten};
use crate::lines::LineReader;
use std::path::{Path, PathBuf};

/// Number of value slots a row is parsed into.
pub(crate) const SLOTS: usize = 13;
/// Slot of the time value.
pub(crate) const TIME: u8 = 0;
/// First of three slots for the gyroscope (or the one vector of a single-sensor file).
pub(crate) const GYR: u8 = 1;
/// First of three accelerometer slots.
pub(crate) const ACC: u8 = 4;
/// First of three magnetometer slots.
pub(crate) const MAG: u8 = 7;
/// First of three slots for a vector added to the accelerometer (CoreMotion's gravity).
pub(crate) const AUX: u8 = 10;
/// Marks a column that is not parsed.
pub(crate) const IGNORE: u8 = u8::MAX;

/// How fields are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delimiter {
    Byte(u8),
    /// Runs of spaces or tabs.
    Whitespace,
}

impl Delimiter {
    /// The most frequent of `,`, tab and `;` in the header; else whitespace when the header
    /// has several words; else `None` (a single column).
    pub(crate) fn detect(header: &str) -> Option<Self> {
        let count = |d: u8| header.bytes().filter(|&b| b == d).count();
        let best = [b',', b'\t', b';']
            .into_iter()
            .map(|d| (count(d), d))
            .max_by_key(|&(n, d)| (n, std::cmp::Reverse(d)))
            .filter(|&(n, _)| n > 0);
        match best {
            Some((_, d)) => Some(Delimiter::Byte(d)),
            None if header.split_whitespace().nth(1).is_some() => Some(Delimiter::Whitespace),
            None => None,
        }
    }

    pub(crate) fn split_header(self, header: &str) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Delimiter::Byte(d) => Box::new(header.split(char::from(d))),
            Delimiter::Whitespace => Box::new(header.split_whitespace()),
        }
    }
}

/// Outcome of a row whose fields are all where the header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parsed {
    Complete,
    /// The used column with this index is empty, NaN, infinite or `NA`.
    Missing(usize),
}

/// A malformed row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RowError {
    /// The row has this many fields instead of the header's.
    FieldCount(usize),
    /// The used column `column` holds `line[start..end]`, which is not a number.
    NotANumber {
        column: usize,
        start: usize,
        end: usize,
    },
}

enum Field {
    Number(f64, usize),
    Missing(usize),
    Text(usize),
}

/// Magnitude from which an `f64` no longer holds every integer (2^53).
const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Parses data lines into value slots.
pub(crate) struct RowParser {
    delimiter: Delimiter,
    /// Slot of each column, or [`IGNORE`].
    slots: Vec<u8>,
    exact_time: bool,
    /// First integer time read exactly; later ones are relative to it.
    time_base: Option<i64>,
}

impl RowParser {
    pub(crate) fn new(delimiter: Delimiter, slots: Vec<u8>) -> Self {
        RowParser {
            delimiter,
            slots,
            exact_time: false,
            time_base: None,
        }
    }

    /// Reads integer times too large for an `f64` (epoch nanoseconds) exactly, as offsets from
    /// the first row's time (for a file whose times are not compared with another file's).
    pub(crate) fn exact_time(mut self) -> Self {
        self.exact_time = true;
        self
    }

    /// An integer time field relative to the first one, if it is an integer.
    fn integer_time(&mut self, field: &[u8]) -> Option<f64> {
        let t: i64 = std::str::from_utf8(trim_field(field)).ok()?.parse().ok()?;
        let base = *self.time_base.get_or_insert(t);
        Some((i128::from(t) - i128::from(base)) as f64)
    }

    fn is_pad(&self, b: u8) -> bool {
        b == b' ' || (b == b'\t' && self.delimiter != Delimiter::Byte(b'\t'))
    }

    fn is_delimiter(&self, b: u8) -> bool {
        match self.delimiter {
            Delimiter::Byte(d) => b == d,
            Delimiter::Whitespace => b == b' ' || b == b'\t',
        }
    }

    /// Index of the delimiter ending the field that starts at `pos` (or the line length).
    fn field_end(&self, line: &[u8], pos: usize) -> usize {
        let rest = &line[pos..];
        let found = match self.delimiter {
            Delimiter::Byte(d) => memchr::memchr(d, rest),
            Delimiter::Whitespace => memchr::memchr2(b' ', b'\t', rest),
        };
        found.map_or(line.len(), |i| pos + i)
    }

    /// Position of the next field after the delimiter at `pos`, if there is one.
    fn next_field(&self, line: &[u8], mut pos: usize) -> Option<usize> {
        match self.delimiter {
            Delimiter::Byte(d) => (line.get(pos) == Some(&d)).then_some(pos + 1),
            Delimiter::Whitespace => {
                while pos < line.len() && self.is_pad(line[pos]) {
                    pos += 1;
                }
                (pos < line.len()).then_some(pos)
            }
        }
    }

    fn number(&self, line: &[u8], start: usize) -> Field {
        let mut pos = start;
        while pos < line.len() && self.is_pad(line[pos]) {
            pos += 1;
        }
        let quoted = line.get(pos) == Some(&b'"');
        pos += usize::from(quoted);
        let Ok((value, used)) = fast_float2::parse_partial::<f64, _>(&line[pos..]) else {
            let end = self.field_end(line, start);
            return match trim_field(&line[start..end]) {
                t if t.is_empty() || is_missing_token(t) => Field::Missing(end),
                _ => Field::Text(end),
            };
        };
        let mut end = pos + used;
        if self.delimiter == Delimiter::Byte(b';') && line.get(end) == Some(&b',') {
            return self.decimal_comma(line, start);
        }
        if quoted {
            if line.get(end) != Some(&b'"') {
                return Field::Text(self.field_end(line, start));
            }
            end += 1;
        }
        if self.delimiter != Delimiter::Whitespace {
            while end < line.len() && self.is_pad(line[end]) {
                end += 1;
            }
        }
        if end == line.len() || self.is_delimiter(line[end]) {
            if value.is_finite() {
                Field::Number(value, end)
            } else {
                Field::Missing(end)
            }
        } else {
            Field::Text(self.field_end(line, start))
        }
    }

    /// A field like `9,81` in a `;`-delimited file.
    fn decimal_comma(&self, line: &[u8], start: usize) -> Field {
        let end = self.field_end(line, start);
        let text = trim_field(&line[start..end]);
        let mut buf = [0u8; 64];
        if text.len() > buf.len() {
            return Field::Text(end);
        }
        for (dst, &src) in buf.iter_mut().zip(text) {
            *dst = if src == b',' { b'.' } else { src };
        }
        match fast_float2::parse::<f64, _>(&buf[..text.len()]) {
            Ok(v) if v.is_finite() => Field::Number(v, end),
            Ok(_) => Field::Missing(end),
            Err(_) => Field::Text(end),
        }
    }

    /// Parses one data line into `vals` (slots of the used columns).
    pub(crate) fn parse(
        &mut self,
        line: &[u8],
        vals: &mut [f64; SLOTS],
    ) -> Result<Parsed, RowError> {
        let mut pos = 0;
        let mut missing = None;
        for column in 0..self.slots.len() {
            let slot = self.slots[column];
            if column > 0 {
                pos = self
                    .next_field(line, pos)
                    .ok_or(RowError::FieldCount(column))?;
            }
            if slot == IGNORE || missing.is_some() {
                pos = self.field_end(line, pos);
                continue;
            }
            match self.number(line, pos) {
                Field::Number(v, end) => {
                    vals[usize::from(slot)] =
                        if slot == TIME && self.exact_time && v.abs() >= EXACT_LIMIT {
                            self.integer_time(&line[pos..end]).unwrap_or(v)
                        } else {
                            v
                        };
                    pos = end;
                }
                Field::Missing(end) => {
                    missing = Some(column);
                    pos = end;
                }
                Field::Text(end) => {
                    return Err(RowError::NotANumber {
                        column,
                        start: pos,
                        end,
                    })
                }
            }
        }
        let rest = &line[pos..];
        if rest
            .iter()
            .any(|&b| !self.is_pad(b) && !self.is_delimiter(b))
        {
            let extra = match self.delimiter {
                Delimiter::Byte(d) => rest.iter().filter(|&&b| b == d).count(),
                Delimiter::Whitespace => rest
                    .split(|&b| self.is_pad(b))
                    .filter(|w| !w.is_empty())
                    .count(),
            };
            return Err(RowError::FieldCount(self.slots.len() + extra));
        }
        Ok(missing.map_or(Parsed::Complete, Parsed::Missing))
    }
}

/// A field without padding and one pair of surrounding double quotes.
fn trim_field(field: &[u8]) -> &[u8] {
    match field.trim_ascii() {
        [b'"', inner @ .., b'"'] => inner.trim_ascii(),
        other => other,
    }
}

/// Spellings of a missing value, besides empty, NaN and infinities.
fn is_missing_token(t: &[u8]) -> bool {
    const TOKENS: [&[u8]; 7] = [b"na", b"n/a", b"#n/a", b"null", b"none", b"-", b"?"];
    TOKENS.iter().any(|m| m.eq_ignore_ascii_case(t))
}

/// Where a data row came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DataRow {
    /// 1-based line number.
    pub line: u64,
    /// 0-based index among the data rows, missing ones included (the sample slot).
    pub index: u64,
}

/// Data rows of one delimited file, with the bookkeeping of skipped and cut-off rows.
pub(crate) struct RowReader {
    lines: LineReader,
    parser: RowParser,
    names: Vec<String>,
    path: PathBuf,
    /// Values of the last row returned by [`RowReader::next_row`].
    pub vals: [f64; SLOTS],
    rows: u64,
    skipped: u64,
    first_skipped: Option<(u64, usize)>,
    cut_last_line: Option<u64>,
}

impl RowReader {
    pub(crate) fn new(
        path: &Path,
        lines: LineReader,
        parser: RowParser,
        names: Vec<String>,
    ) -> Self {
        RowReader {
            lines,
            parser,
            names,
            path: path.to_path_buf(),
            vals: [0.0; SLOTS],
            rows: 0,
            skipped: 0,
            first_skipped: None,
            cut_last_line: None,
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Data rows read so far (missing ones included) and missing rows skipped.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (self.rows, self.skipped)
    }

    /// The next row whose used fields are all finite numbers; its values are in `self.vals`.
    pub(crate) fn next_row(&mut self) -> Result<Option<DataRow>, ImportError> {
        loop {
            let line = match self.lines.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => return Ok(None),
                Err(e) => return Err(line_error(&self.path, e)),
            };
            if line.bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match self.parser.parse(line.bytes, &mut self.vals) {
                Ok(Parsed::Complete) => {
                    self.rows += 1;
                    return Ok(Some(DataRow {
                        line: line.number,
                        index: self.rows - 1,
                    }));
                }
                Ok(Parsed::Missing(column)) => {
                    self.rows += 1;
                    self.skipped += 1;
                    self.first_skipped.get_or_insert((line.number, column));
                }
                Err(_) if !line.terminated => {
                    self.cut_last_line = Some(line.number);
                    return Ok(None);
                }
                Err(e) => {
                    return Err(row_error(
                        &self.path,
                        &self.names,
                        line.number,
                        line.bytes,
                        e,
                    ))
                }
            }
        }
    }

    pub(crate) fn warnings(&self, out: &mut Vec<ImportWarning>) {
        if let Some((line, column)) = self.first_skipped {
            out.push(ImportWarning::new(
                &self.path,
                Some(line),
                format!(
                    "{} rows with an empty, NaN or infinite value skipped (first at line {line}, \
                     field '{}')",
                    self.skipped, self.names[column]
                ),
            ));
        }
        if let Some(line) = self.cut_last_line {
            out.push(ImportWarning::new(
                &self.path,
                Some(line),
                "the last line is incomplete (no newline at the end of the file, cut off?): \
                 ignored; the rows before it are kept",
            ));
        }
    }
}

pub(crate) fn row_error(
    path: &Path,
    names: &[String],
    line: u64,
    bytes: &[u8],
    e: RowError,
) -> ImportError {
    match e {
        RowError::FieldCount(found) => ImportError::new(
            path,
            format!(
                "expected {} fields as in the header, found {found}",
                names.len()
            ),
        )
        .at_line(line),
        RowError::NotANumber { column, start, end } => {
            let text = String::from_utf8_lossy(trim_field(&bytes[start..end]));
            ImportError::new(
                path,
                format!("expected a number, found '{}'", shorten(&text)),
            )
            .at_line(line)
            .in_field(&names[column])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        delim: Delimiter,
        slots: &[u8],
        line: &str,
    ) -> (Result<Parsed, RowError>, [f64; SLOTS]) {
        let mut p = RowParser::new(delim, slots.to_vec());
        let mut vals = [0.0; SLOTS];
        (p.parse(line.as_bytes(), &mut vals), vals)
    }

    const COMMA: Delimiter = Delimiter::Byte(b',');

    #[test]
    fn parses_used_fields() {
        let (r, v) = parse(COMMA, &[TIME, IGNORE, GYR, GYR + 1], "0.5,abc,1e-3,-2");
        assert_eq!(r, Ok(Parsed::Complete));
        assert_eq!((v[0], v[1], v[2]), (0.5, 1e-3, -2.0));
        let (r, v) = parse(
            Delimiter::Byte(b'\t'),
            &[ACC, ACC + 1, ACC + 2],
            "80 \t 931\t-354 ",
        );
        assert_eq!(r, Ok(Parsed::Complete));
        assert_eq!((v[4], v[5], v[6]), (80.0, 931.0, -354.0));
        let (r, v) = parse(Delimiter::Whitespace, &[TIME, GYR], "  1.5   2 ");
        assert_eq!(r, Ok(Parsed::Complete));
        assert_eq!((v[0], v[1]), (1.5, 2.0));
        let (r, v) = parse(COMMA, &[TIME, GYR], "\"1.5\", \"+2\"");
        assert_eq!(r, Ok(Parsed::Complete));
        assert_eq!((v[0], v[1]), (1.5, 2.0));
        let (r, v) = parse(Delimiter::Byte(b';'), &[TIME, GYR], "0,25;-9,81");
        assert_eq!(r, Ok(Parsed::Complete));
        assert_eq!((v[0], v[1]), (0.25, -9.81));
        // A trailing delimiter is an empty extra field, not an error.
        assert_eq!(parse(COMMA, &[TIME, GYR], "1,2,").0, Ok(Parsed::Complete));
    }

    #[test]
    fn missing_values() {
        for line in [
            "1,",
            "1,NaN",
            "1, nan ",
            "1,inf",
            "1,-Infinity",
            "1,NA",
            "1,null",
            "1,\"\"",
        ] {
            assert_eq!(
                parse(COMMA, &[TIME, GYR], line).0,
                Ok(Parsed::Missing(1)),
                "{line}"
            );
        }
    }

    #[test]
    fn malformed_rows() {
        assert_eq!(
            parse(COMMA, &[TIME, GYR, GYR + 1], "1,2").0,
            Err(RowError::FieldCount(2))
        );
        assert_eq!(
            parse(COMMA, &[TIME, GYR], "1,2,3").0,
            Err(RowError::FieldCount(3))
        );
        assert_eq!(
            parse(COMMA, &[TIME, GYR], "1,abc").0,
            Err(RowError::NotANumber {
                column: 1,
                start: 2,
                end: 5
            })
        );
        assert!(matches!(
            parse(COMMA, &[TIME, GYR], "1,2.5x").0,
            Err(RowError::NotANumber { column: 1, .. })
        ));
    }

    #[test]
    fn epoch_nanoseconds_exactly() {
        let mut p = RowParser::new(COMMA, vec![TIME, GYR]).exact_time();
        let mut v = [0.0; SLOTS];
        p.parse(b"1700000000123456789,1", &mut v).unwrap();
        assert_eq!(v[0], 0.0);
        p.parse(b"1700000000128456789,1", &mut v).unwrap();
        assert_eq!(v[0], 5_000_000.0);
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(Delimiter::detect("a,b,c"), Some(COMMA));
        assert_eq!(
            Delimiter::detect("A_X [mg] \t A_Y [mg]"),
            Some(Delimiter::Byte(b'\t'))
        );
        assert_eq!(Delimiter::detect("a;b;c"), Some(Delimiter::Byte(b';')));
        assert_eq!(Delimiter::detect("t gx gy"), Some(Delimiter::Whitespace));
        assert_eq!(Delimiter::detect("single"), None);
    }
}
