//! `swlog list`: find logs without their ID by paging a time window and filtering locally.
//! The engine ([`scan`]) is shared with the inspector and the command (`cmd::list`).

pub mod row;
pub mod scan;
pub mod table;

pub use row::Row;
pub use scan::{Limits, Progress, Scan, Scanner, Stop};
