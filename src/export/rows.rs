//! Rows of chosen fields in one of the shapes every command shares: aligned text columns, CSV,
//! NDJSON or one JSON array. `get`, `history` and `list` print `--fields` (and CSV) through it.

use std::io::{self, Write};

use serde_json::{Map, Value};
use unicode_width::UnicodeWidthStr;

use super::csv::CsvOut;
use super::fields::Record;
use super::ndjson::{self, JsonArray};
use crate::text::sanitize;

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Aligned columns with a header line, for people (written at the end: widths need every row).
    Text,
    /// RFC 4180 CSV with a header, formulas guarded.
    Csv,
    /// One JSON object a line.
    Ndjson,
    /// One JSON array of objects.
    Json,
}

/// A table of `fields` being written.
pub struct Rows<'a> {
    fields: Vec<&'static str>,
    out: Out<'a>,
}

enum Out<'a> {
    Text {
        out: &'a mut dyn Write,
        header: bool,
        cells: Vec<Vec<String>>,
    },
    // Boxed: the csv crate's writer carries its buffer state inline (some 350 bytes).
    Csv(Box<CsvOut<&'a mut dyn Write>>),
    Ndjson(&'a mut dyn Write),
    Json(JsonArray<'a>),
}

impl<'a> Rows<'a> {
    /// Starts a table of `fields` on `out`; `header` is whether CSV and text get a header line,
    /// `crlf` whether CSV lines end in CRLF rather than LF.
    pub fn new(
        shape: Shape,
        fields: Vec<&'static str>,
        header: bool,
        crlf: bool,
        out: &'a mut dyn Write,
    ) -> io::Result<Self> {
        let out = match shape {
            Shape::Text => Out::Text {
                out,
                header,
                cells: Vec::new(),
            },
            Shape::Csv if header => Out::Csv(Box::new(CsvOut::new(out, &fields, crlf)?)),
            Shape::Csv => Out::Csv(Box::new(CsvOut::without_header(out, crlf))),
            Shape::Ndjson => Out::Ndjson(out),
            Shape::Json => Out::Json(JsonArray::new(out)?),
        };
        Ok(Self { fields, out })
    }

    /// Writes one record's fields (text is kept until [`Rows::finish`]).
    pub fn row(&mut self, record: &dyn Record) -> io::Result<()> {
        match &mut self.out {
            Out::Text { cells, .. } => cells.push(
                self.fields
                    .iter()
                    .map(|f| sanitize(&record.text(f)).into_owned())
                    .collect(),
            ),
            Out::Csv(csv) => {
                let texts: Vec<_> = self.fields.iter().map(|f| record.text(f)).collect();
                csv.row(texts.iter().map(|c| c.as_ref()))?;
                // A watch writes a row per change: it must show now, not at the end.
                csv.flush()?;
            }
            Out::Ndjson(out) => {
                ndjson::line(*out, &object(&self.fields, record))?;
                out.flush()?;
            }
            Out::Json(array) => array.push(&object(&self.fields, record))?,
        }
        Ok(())
    }

    /// Ends the table: writes the text columns, closes the array, flushes.
    pub fn finish(self) -> io::Result<()> {
        match self.out {
            Out::Text { out, header, cells } => {
                let text = columns(&self.fields, header, &cells);
                out.write_all(text.as_bytes())?;
                out.flush()
            }
            Out::Csv(csv) => csv.finish(),
            Out::Ndjson(out) => out.flush(),
            Out::Json(array) => array.finish(),
        }
    }
}

/// The fields of `record` as one compact JSON object, in the order of `fields`.
pub fn object(fields: &[&str], record: &dyn Record) -> String {
    let map: Map<String, Value> = fields
        .iter()
        .map(|f| ((*f).to_owned(), record.json(f)))
        .collect();
    Value::Object(map).to_string()
}

/// Cells (already sanitised) as aligned columns, two spaces apart; the last is not padded.
pub fn columns(fields: &[&str], header: bool, cells: &[Vec<String>]) -> String {
    let head: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    let lines: Vec<&Vec<String>> = header.then_some(&head).into_iter().chain(cells).collect();
    let mut widths = vec![0usize; fields.len()];
    for line in &lines {
        for (w, c) in widths.iter_mut().zip(line.iter()) {
            *w = (*w).max(c.width());
        }
    }
    let mut s = String::new();
    for line in lines {
        let last = line.len().saturating_sub(1);
        for (i, (c, w)) in line.iter().zip(&widths).enumerate() {
            s.push_str(c);
            if i < last {
                s.push_str(&" ".repeat(w - c.width() + 2));
            }
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::fields::Body;

    fn written(shape: Shape, fields: &[&'static str], header: bool, bodies: &[&str]) -> String {
        let maps: Vec<Map<String, Value>> = bodies
            .iter()
            .map(|b| serde_json::from_str(b).unwrap())
            .collect();
        let mut buf = Vec::new();
        let mut rows = Rows::new(shape, fields.to_vec(), header, true, &mut buf).unwrap();
        for m in &maps {
            rows.row(&Body(m)).unwrap();
        }
        rows.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    const A: &str = r#"{"id":"a","to":"+1 (415) 555-0123","charge":0.01}"#;
    const B: &str = r#"{"id":"bb","to":"=cmd","charge":null,"from":"\u001b[2J"}"#;

    #[test]
    fn text_columns_line_up_in_the_order_asked() {
        let text = written(Shape::Text, &["to", "id", "from"], true, &[A, B]);
        assert_eq!(
            text,
            "to                 id  from\n+1 (415) 555-0123  a   \n=cmd               bb  \\u{1b}[2J\n"
        );
        let bare = written(Shape::Text, &["id"], false, &[A]);
        assert_eq!(bare, "a\n");
    }

    #[test]
    fn csv_guards_and_can_drop_its_header() {
        let csv = written(Shape::Csv, &["id", "to"], true, &[A, B]);
        assert_eq!(csv, "id,to\r\na,+1 (415) 555-0123\r\nbb,'=cmd\r\n");
        let bare = written(Shape::Csv, &["id", "to"], false, &[A]);
        assert_eq!(bare, "a,+1 (415) 555-0123\r\n");
    }

    #[test]
    fn json_shapes_keep_types_and_order() {
        let nd = written(Shape::Ndjson, &["charge", "id", "nope"], true, &[A, B]);
        assert_eq!(
            nd,
            "{\"charge\":0.01,\"id\":\"a\",\"nope\":null}\n{\"charge\":null,\"id\":\"bb\",\"nope\":null}\n"
        );
        let json = written(Shape::Json, &["id"], true, &[A]);
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v, serde_json::json!([{"id": "a"}]));
    }
}
