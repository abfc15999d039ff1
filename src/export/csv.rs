//! CSV through the `csv` crate (quotes only where needed; LF line ends, which Unix tools and
//! every CSV reader take, or RFC 4180's CRLF when asked), with every cell sanitised and guarded
//! against spreadsheet formula injection.

use std::borrow::Cow;
use std::io::Write;

use crate::text::sanitize;

/// A CSV document being written.
pub struct CsvOut<W: Write> {
    inner: ::csv::Writer<W>,
}

impl<W: Write> CsvOut<W> {
    /// Starts a document on `out` with `header` as its first record; `crlf` ends its lines
    /// in CRLF (`--crlf`) instead of LF.
    pub fn new(out: W, header: &[&str], crlf: bool) -> std::io::Result<Self> {
        let mut csv = Self::without_header(out, crlf);
        csv.inner.write_record(header).map_err(io_error)?;
        Ok(csv)
    }

    /// Starts a document on `out` without a header (`--no-header`).
    pub fn without_header(out: W, crlf: bool) -> Self {
        let terminator = if crlf {
            ::csv::Terminator::CRLF
        } else {
            ::csv::Terminator::Any(b'\n')
        };
        let inner = ::csv::WriterBuilder::new()
            .terminator(terminator)
            .from_writer(out);
        Self { inner }
    }

    /// Writes out what is buffered, keeping the document open.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }

    /// Writes one record; each cell is made safe first.
    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> std::io::Result<()> {
        self.inner
            .write_record(cells.into_iter().map(|c| safe_cell(c).into_owned()))
            .map_err(io_error)
    }

    /// Flushes what is buffered.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The csv crate's error as an I/O error that keeps the writer's own kind: its `From` makes
/// every error `Other`, which would turn a reader gone away (`| head -1`) into a failure.
fn io_error(e: ::csv::Error) -> std::io::Error {
    if e.is_io_error()
        && let ::csv::ErrorKind::Io(io) = e.into_kind()
    {
        return io;
    }
    std::io::Error::other("cannot write a CSV record")
}

/// A cell as written: control characters made visible, and a leading `'` on anything a
/// spreadsheet would run as a formula (`=`, `@`, tab, CR, or `+`/`-` not followed by only a
/// phone number's digits, spaces and `()-.`).
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    let clean = sanitize(cell);
    if is_formula(cell) || is_formula(&clean) {
        Cow::Owned(format!("'{clean}"))
    } else {
        clean
    }
}

fn is_formula(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !chars.all(|c| c.is_ascii_digit() || " ()-.".contains(c)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader has gone away.
    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn a_closed_pipe_stays_a_closed_pipe() {
        // A cell longer than the csv writer's buffer makes the record itself write through.
        let long = "x".repeat(64 * 1024);
        let mut out = CsvOut::without_header(Closed, false);
        let e = out.row([long.as_str()]).expect_err("closed");
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe);
        let e = CsvOut::new(Closed, &[long.as_str()], false)
            .err()
            .expect("closed");
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn formulas_are_guarded_and_numbers_are_not() {
        for (cell, out) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\\u{9}=1"),
            ("+14155550123", "+14155550123"),
            ("+1 (415) 555-0123", "+1 (415) 555-0123"),
            ("-0.5", "-0.5"),
            ("sip:+14155550123@host", "sip:+14155550123@host"),
            ("", ""),
        ] {
            assert_eq!(safe_cell(cell), out, "{cell:?}");
        }
    }

    #[test]
    fn rfc_4180_quoting_round_trips() {
        let mut buf = Vec::new();
        let mut w = CsvOut::new(&mut buf, &["a", "b"], true).unwrap();
        w.row(["x,y", "say \"hi\"\nbye"]).unwrap();
        w.finish().unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with("a,b\r\n\"x,y\","), "{text}");
        let mut r = ::csv::Reader::from_reader(text.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[0], "x,y");
        assert_eq!(
            &rec[1], "say \"hi\"\\u{a}bye",
            "a newline is made visible, not kept"
        );
    }
}
