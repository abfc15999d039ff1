//! Which columns a family's logs list with: the one place a new family's columns are named.

use crate::api::Family;

/// A family's list columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// The fields a row keeps and exports, as the API names them.
    pub fields: &'static [&'static str],
    /// The titles of the table's columns.
    pub header: &'static [&'static str],
}

/// The columns `family`'s logs list with.
pub fn columns(family: Family) -> Columns {
    match family {
        Family::Voice => Columns {
            fields: &super::row::COLUMNS,
            header: &super::table::HEADER,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_lists_an_id() {
        for family in Family::ALL {
            let c = columns(family);
            assert!(c.fields.contains(&"id"), "{family}");
            assert!(c.header.contains(&"ID"), "{family}");
        }
    }
}
