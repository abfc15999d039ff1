//! The legs of the calls some legs belong to, as far as the index holds them: up each leg's
//! parents, then down every leg below the topmost found (through `rows_by_parent`). This is
//! what lets a search answer in calls read only the legs of the calls that matched, not every
//! leg of the window.

use std::collections::HashSet;

use rusqlite::params_from_iter;

use super::rows::{parse, read_row};
use super::{Index, Result, Scope, StoredRow, scope_id};

/// IDs asked for in one statement (SQLite's default limit on variables is 32,766).
const CHUNK: usize = 500;
/// The deepest a call's tree is followed down.
const MAX_DEPTH: usize = 50;

impl Index {
    /// The held legs of the calls `seeds` belong to: each seed's parents up to `hops` (while
    /// held), then every held leg below the topmost found, each once, in no particular order.
    pub fn families(&self, scope: &Scope, seeds: &[String], hops: usize) -> Result<Vec<StoredRow>> {
        let Some(sid) = scope_id(&self.conn, scope, false)? else {
            return Ok(Vec::new());
        };
        let mut seen: HashSet<String> = HashSet::new();
        let mut out = Vec::new();
        let mut tops: Vec<String> = Vec::new();
        for seed in seeds {
            let mut id = seed.trim().to_ascii_lowercase();
            // The topmost leg of this walk read, unless the walk met one already walked (whose
            // top is already known).
            let mut top = None;
            for _ in 0..=hops {
                if seen.contains(&id) {
                    top = None;
                    break;
                }
                let Some(row) = self.row(scope, &id)? else {
                    break;
                };
                seen.insert(id.clone());
                top = Some(id.clone());
                let parent = row
                    .raw
                    .get("parent_id")
                    .and_then(serde_json::Value::as_str)
                    .map(|p| p.trim().to_ascii_lowercase());
                out.push(row);
                match parent {
                    Some(p) if !p.is_empty() => id = p,
                    _ => break,
                }
            }
            tops.extend(top);
        }
        let mut frontier: Vec<String> = tops
            .into_iter()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for _ in 0..MAX_DEPTH {
            if frontier.is_empty() {
                break;
            }
            let mut next = Vec::new();
            for chunk in frontier.chunks(CHUNK) {
                let marks = vec!["?"; chunk.len()].join(",");
                let sql = format!(
                    "SELECT r.id, r.created_at, r.read_at, s.keys, r.vals, r.from_addr, r.to_addr,
                        r.type, r.status, r.direction, r.parent_id
                     FROM rows r JOIN shapes s ON s.id = r.shape
                     WHERE r.scope = {sid} AND r.parent_id IN ({marks})"
                );
                let mut stmt = self.conn.prepare(&sql)?;
                let rows = stmt
                    .query_map(params_from_iter(chunk.iter()), read_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                for raw in rows {
                    if seen.insert(raw.0.clone()) {
                        next.push(raw.0.clone());
                        out.push(parse(raw)?);
                    }
                }
            }
            frontier = next;
        }
        Ok(out)
    }
}
