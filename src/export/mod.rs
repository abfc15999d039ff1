//! Writers for machine-readable output (CSV, NDJSON, a JSON array) that make every string from
//! the server safe on the way out. Shared by the commands that print rows.

pub mod csv;
pub mod fields;
pub mod ndjson;
pub mod rows;
