//! RFC 4180 CSV (CRLF line ends, quotes only where needed) through the `csv` crate, with every
//! cell sanitised and guarded against spreadsheet formula injection.

use std::borrow::Cow;
use std::io::Write;

use crate::text::sanitize;

/// A CSV document being written.
pub struct CsvOut<W: Write> {
    inner: ::csv::Writer<W>,
}

impl<W: Write> CsvOut<W> {
    /// Starts a document on `out` with `header` as its first record.
    pub fn new(out: W, header: &[&str]) -> std::io::Result<Self> {
        let mut inner = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(out);
        inner.write_record(header)?;
        Ok(Self { inner })
    }

    /// Starts a document on `out` without a header (`--no-header`).
    pub fn without_header(out: W) -> Self {
        let inner = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
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
            .write_record(cells.into_iter().map(|c| safe_cell(c).into_owned()))?;
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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
        let mut w = CsvOut::new(&mut buf, &["a", "b"]).unwrap();
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
