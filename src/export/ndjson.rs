//! JSON rows out: one a line (NDJSON), or one array. Each row is JSON text already; the writers
//! escape what serde_json leaves raw (DEL, C1, bidi controls) without changing the values.

use std::io::Write;

use crate::text::json_for_terminal;

/// Writes `row` (one JSON value, no newlines) as one NDJSON line.
pub fn line(out: &mut dyn Write, row: &str) -> std::io::Result<()> {
    out.write_all(json_for_terminal(row).as_bytes())?;
    out.write_all(b"\n")
}

/// A JSON array written one element at a time, so that rows need not be collected again.
pub struct JsonArray<'a> {
    out: &'a mut dyn Write,
    first: bool,
}

impl<'a> JsonArray<'a> {
    /// Opens the array.
    pub fn new(out: &'a mut dyn Write) -> std::io::Result<Self> {
        out.write_all(b"[")?;
        Ok(Self { out, first: true })
    }

    /// Adds one element (JSON text).
    pub fn push(&mut self, row: &str) -> std::io::Result<()> {
        self.out
            .write_all(if self.first { b"\n  " } else { b",\n  " })?;
        self.first = false;
        self.out.write_all(json_for_terminal(row).as_bytes())
    }

    /// Closes the array.
    pub fn finish(self) -> std::io::Result<()> {
        self.out
            .write_all(if self.first { b"]\n" } else { b"\n]\n" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_and_lines_stay_valid_json_with_c1_escaped() {
        let row = "{\"from\":\"a\u{9b}b\"}";
        let mut buf = Vec::new();
        let mut a = JsonArray::new(&mut buf).unwrap();
        a.push(row).unwrap();
        a.push("{}").unwrap();
        a.finish().unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(!text.contains('\u{9b}'));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v[0]["from"], "a\u{9b}b");
        let mut buf = Vec::new();
        JsonArray::new(&mut buf).unwrap().finish().unwrap();
        assert_eq!(buf, b"[]\n");
        let mut buf = Vec::new();
        line(&mut buf, row).unwrap();
        assert!(buf.ends_with(b"}\n") && !String::from_utf8_lossy(&buf).contains('\u{9b}'));
    }
}
