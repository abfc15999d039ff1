//! `swlog index --format json`: the summary as one object, for scripts.

use serde_json::{Value, json};

use crate::index::{Caps, Index, IndexError, Scope, Stats};

/// The index as JSON: the file, its size and caps, and per space its rows, covered spans and
/// what was learnt of its server.
pub fn summary(index: &Index, stats: &Stats, caps: Caps) -> Result<Value, IndexError> {
    let mut spaces = Vec::new();
    for s in &stats.scopes {
        let key = Scope::new(s.origin.clone(), s.project.clone()).with_family(s.family.clone());
        let spans: Vec<Value> = index
            .spans(&key)?
            .into_iter()
            .map(|(filter, c)| {
                json!({"from": c.window.from, "to": c.window.to, "as_of": c.as_of,
                       "filter": filter})
            })
            .collect();
        let facts: serde_json::Map<String, Value> = index
            .facts(&key)?
            .into_iter()
            .map(|(name, value, as_of)| (name, json!({"value": value, "as_of": as_of})))
            .collect();
        spaces.push(json!({
            "origin": s.origin.as_str(),
            "project": s.project,
            "family": s.family,
            "rows": s.rows,
            "oldest": s.oldest,
            "newest": s.newest,
            "covered": spans,
            "learnt": facts,
        }));
    }
    Ok(json!({
        "path": stats.path.display().to_string(),
        "bytes_on_disk": stats.bytes_on_disk,
        "rows": stats.rows,
        "oldest_row": stats.oldest_row,
        "max_bytes": caps.max_bytes,
        "max_age_days": caps.max_age.num_days(),
        "spaces": spaces,
    }))
}
