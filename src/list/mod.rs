//! `swlog list`: find logs without their ID by paging a time window and filtering locally.
//! The engine ([`scan`]) is shared by the inspector and the `swlog list` command.

pub mod columns;
pub mod fit;
pub mod row;
pub mod scan;
pub mod table;

pub use row::Row;
pub use scan::{Limits, Progress, Scan, Scanner, Stop};
