//! How `swlog get` prints a batch: the text block or JSON of each log as before, one NDJSON line
//! per log, or rows of chosen fields (CSV, and `--fields` in any format) through the shared
//! [`crate::export::rows`] writer.

use std::io::{self, Write};

use serde_json::Value;

use super::json::json_with_extras;
use super::{Output, render_chain, render_events, render_text};
use crate::api::{ApiError, Fetched, FetchedEvents};
use crate::chain::Chain;
use crate::cmd::cli::Format;
use crate::export::fields::Body;
use crate::export::ndjson;
use crate::export::rows::Rows;
use crate::present::format::Clock;
use crate::text::json_for_terminal;

/// Which columns, when the output is rows of fields.
#[derive(Debug, Clone)]
pub struct Columns {
    /// The fields, in order; `None` prints each log whole (text block, JSON, NDJSON body).
    pub fields: Option<Vec<&'static str>>,
    /// Whether CSV and text columns get a header line.
    pub header: bool,
    /// Whether CSV lines end in CRLF (`--crlf`).
    pub crlf: bool,
}

/// A batch being printed, in input order.
pub struct Printer<'a> {
    output: Output,
    clock: Clock,
    sink: Sink<'a>,
}

enum Sink<'a> {
    Rows(Rows<'a>),
    Whole {
        out: &'a mut dyn Write,
        json: Vec<Value>,
        first_text: bool,
    },
}

impl<'a> Printer<'a> {
    /// Starts printing on `out`.
    pub fn new(output: Output, columns: &Columns, out: &'a mut dyn Write) -> io::Result<Self> {
        let sink = match &columns.fields {
            Some(fields) => Sink::Rows(Rows::new(
                output.format.shape(),
                fields.clone(),
                columns.header,
                columns.crlf,
                out,
            )?),
            None => Sink::Whole {
                out,
                json: Vec::new(),
                first_text: true,
            },
        };
        Ok(Self {
            output,
            clock: Clock::system(),
            sink,
        })
    }

    /// Prints one found log (with its events and chain, when asked for).
    pub fn log(
        &mut self,
        fetched: &Fetched,
        events: &Option<Result<FetchedEvents, ApiError>>,
        chain: &Option<Chain>,
    ) -> io::Result<()> {
        let output = self.output;
        let extras = output.events || output.chain;
        match &mut self.sink {
            Sink::Rows(rows) => rows.row(&Body(&fetched.log.raw)),
            Sink::Whole {
                out,
                json,
                first_text,
            } => match output.format {
                Format::Json if extras => {
                    json.push(json_with_extras(fetched, events, chain, output));
                    Ok(())
                }
                Format::Json => {
                    json.push(Value::Object(fetched.log.raw.clone()));
                    Ok(())
                }
                Format::Ndjson => {
                    let item = if extras {
                        json_with_extras(fetched, events, chain, output).to_string()
                    } else {
                        Value::Object(fetched.log.raw.clone()).to_string()
                    };
                    ndjson::line(*out, &item)?;
                    out.flush()
                }
                // CSV always prints rows of fields.
                Format::Text | Format::Csv => {
                    if !*first_text {
                        writeln!(out)?;
                    }
                    *first_text = false;
                    let mut text = render_text(fetched, &self.clock, output);
                    if let Some(chain) = chain {
                        text.push_str(&render_chain(chain, output.color));
                    }
                    if let Some(events) = events {
                        text.push_str(&render_events(events, &self.clock, output.color));
                    }
                    out.write_all(text.as_bytes())?;
                    out.flush()
                }
            },
        }
    }

    /// Ends the batch: closes the rows, or prints the JSON (one object for one ID asked, else
    /// an array) when anything was found.
    pub fn finish(self, one_asked: bool) -> io::Result<()> {
        match self.sink {
            Sink::Rows(rows) => rows.finish(),
            Sink::Whole { out, mut json, .. } => {
                if self.output.format != Format::Json || json.is_empty() {
                    return Ok(());
                }
                let value = if one_asked && json.len() == 1 {
                    json.remove(0)
                } else {
                    Value::Array(json)
                };
                let pretty = serde_json::to_string_pretty(&value).map_err(io::Error::other)?;
                writeln!(out, "{}", json_for_terminal(&pretty))
            }
        }
    }
}
