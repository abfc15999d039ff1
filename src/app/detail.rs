//! The detail document of the current view, built by the state from the record, its chain, its
//! known children and the view: what each row says, links to and copies. Laying it out is
//! [`crate::view::detail`]'s job; colouring it is `ui`'s.

use uuid::Uuid;

use super::{App, ChainState, Failure, View};
use crate::api::ApiError;
use crate::present::chain as present_chain;
use crate::present::{Header, Presented, Row, RowKey, Tone};
use crate::view::detail::{Block, Doc, LABEL_WIDTH, Selectable, label_width};
use crate::view::{Line, Role};

/// The document of what the detail pane shows now, for a pane `width` columns wide inside
/// (the extra fields' label column depends on it).
pub(super) fn build(app: &App, presented: Option<&Presented>, width: usize) -> Doc {
    let mut doc = Doc::default();
    match &app.view {
        View::Welcome => welcome(app, &mut doc),
        View::Loading(id) => doc.line(Line::styled(format!("Looking up {id}…"), Role::Dim)),
        View::Record(_) => {
            if let Some(p) = presented {
                record(app, p, width, &mut doc);
            }
        }
        View::Failed { id, failure } => failed(app, id.is_some(), failure, &mut doc),
        // Drawn from the state's table (`App::calls_table`), not as a document.
        View::Calls => {}
        // The Call view draws its own lines (`crate::view::tree`).
        View::Call(_) => {}
    }
    doc
}

/// A presented row as a selectable one.
fn selectable(row: &Row, label_width: usize, fresh: bool) -> Selectable {
    Selectable {
        key: row.key.clone(),
        label: row.label.clone(),
        value: row.value.clone(),
        tone: row.tone,
        label_width,
        fresh,
        link: row.link,
        copy: Some((
            format!("`{}`", row.label.trim()),
            row.copy_text().to_owned(),
        )),
        line: None,
    }
}

fn welcome(app: &App, doc: &mut Doc) {
    doc.para(
        "Paste a log ID (the Dashboard's Voice Segment ID, or a ticket line or URL holding one) and press Enter.",
        Role::Plain,
    );
    // Above the demo's list, so that a small terminal shows it too.
    doc.para(
        "Or search without an ID: a number, words like since:2h status:failed, then Enter.",
        Role::Plain,
    );
    doc.blank();
    let c = &app.context;
    doc.para(
        format!(
            "Space {} · project {} · profile {}",
            c.place, c.project, c.profile
        ),
        Role::Dim,
    );
    doc.blank();
    let showcase = match (c.profile.as_str(), c.space.as_str()) {
        ("demo", "demo") => crate::demo::SHOWCASE,
        (crate::demo::staging::PROFILE, crate::demo::staging::SPACE) => {
            crate::demo::staging::SHOWCASE
        }
        _ => &[],
    };
    if !showcase.is_empty() {
        doc.line(Line::styled("Demo logs to try", Role::Heading));
        for (n, (id, what)) in showcase.iter().enumerate() {
            doc.row(Selectable {
                key: RowKey::Demo(n),
                label: String::new(),
                value: (*id).to_owned(),
                tone: Tone::Link,
                label_width: 0,
                fresh: false,
                link: Uuid::try_parse(id).ok(),
                copy: Some(("the log ID".to_owned(), (*id).to_owned())),
                line: Some(Line::of([
                    (format!("{id} "), Role::Tone(Tone::Link)),
                    ((*what).to_owned(), Role::Dim),
                ])),
            });
        }
        doc.para("Select one with ↓ and press Enter, or paste it.", Role::Dim);
        doc.blank();
    }
    use super::Action as A;
    let hints = [
        (A::Submit, "look up or search"),
        (A::ReopenCalls, "last list of calls"),
        (A::NextPane, "next pane"),
        (A::Help, "help"),
        (A::Quit, "quit"),
    ];
    doc.para(
        super::bindings::key_hints(app.pane_context(), &hints),
        Role::Dim,
    );
}

/// The record's title line: type, status, whether it is a cached copy, whether it is live.
pub(super) fn title(app: &App, header: &Header) -> Line {
    let changed = app.changed_keys();
    let mut title = vec![(header.title.clone(), Role::Title)];
    if let Some((status, outcome)) = &header.status {
        title.push(("  ".to_owned(), Role::Plain));
        let role = if changed.contains(&RowKey::Status) {
            Role::Changed
        } else {
            Role::Outcome(*outcome)
        };
        title.push((format!("● {status}"), role));
    }
    if let Some(id) = app.nav.current()
        && let Some(at) = app.cached_at.get(&id)
    {
        let refreshing = app.in_flight.is_some_and(|f| f.id == id);
        let text = format!(
            "cached · fetched {}{}",
            app.clock().age(*at),
            if refreshing { " · refreshing…" } else { "" }
        );
        title.push(("  ".to_owned(), Role::Plain));
        title.push((text, Role::Warn));
    }
    if app.shown_is_live() {
        title.push(("  ".to_owned(), Role::Plain));
        if app.live.enabled && !app.live.interval.is_zero() {
            let every = app.live.interval.as_secs().max(1);
            title.push((format!("◉ LIVE · every {every}s · l: stop"), Role::Warn));
        } else {
            title.push(("live refresh off · l: start".to_owned(), Role::Dim));
        }
    } else if let Some(note) = app.stale_note() {
        title.push(("  ".to_owned(), Role::Plain));
        title.push((note, Role::Warn));
    }
    Line::of(title)
}

fn record(app: &App, p: &Presented, width: usize, doc: &mut Doc) {
    let changed = app.changed_keys();
    doc.line(title(app, &p.header));
    let sub: Vec<&str> = [p.header.direction.as_deref(), p.header.source.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !sub.is_empty() {
        doc.line(Line::styled(sub.join(" · "), Role::Dim));
    }
    for note in &p.notes {
        doc.para(format!("⚠ {note}"), Role::Warn);
    }
    if let View::Record(id) = app.view {
        for (note, warning) in app.origin_notes(id) {
            // Where a record came from is information: no warning sign for it.
            if warning {
                doc.para(format!("⚠ {note}"), Role::Warn);
            } else {
                doc.para(note, Role::Dim);
            }
        }
    }
    doc.blank();
    let chain_links = chain(app, doc);
    call_shape(app, doc);
    for row in &p.rows {
        // The chain's "↑ parent" row already links to the parent leg, with its type and status.
        let said_above =
            row.key == RowKey::Parent && row.link.is_some_and(|id| chain_links.contains(&id));
        if !said_above {
            doc.row(selectable(row, LABEL_WIDTH, changed.contains(&row.key)));
        }
    }
    if let Some(c) = &p.charges {
        doc.blank();
        let role = if changed.contains(&RowKey::Charges) {
            Role::Changed
        } else {
            Role::Heading
        };
        doc.line(Line::styled("Charges", role));
        doc.blocks.push(Block::Charges(c.clone()));
    }
    // Under the fields and what they cost, above the fields the contract does not name.
    app.quality_block(doc);
    if !p.extras.is_empty() {
        doc.blank();
        let head = if p.rows.is_empty() {
            "Fields (as sent)"
        } else {
            "Extra fields (not in the API contract)"
        };
        doc.line(Line::styled(head, Role::Heading));
        let label_w = label_width(p.extras.iter().map(|r| r.label.as_str()), width);
        for row in &p.extras {
            doc.row(selectable(row, label_w, changed.contains(&row.key)));
        }
    }
}

/// The chain of legs: a breadcrumb from the first leg to this one, then a selectable row for
/// each other leg (parents above, known children below), which Enter opens. Returns the legs
/// the rows link to.
fn chain(app: &App, doc: &mut Doc) -> Vec<Uuid> {
    let Some(id) = app.nav.current() else {
        return Vec::new();
    };
    let children = app.known_children(id);
    let state = app.investigation.chains.get(&id);
    if state.is_none() && children.is_empty() {
        return Vec::new();
    }
    let mut legs: Vec<Row> = Vec::new();
    let crumbs = match state {
        Some(ChainState::Loading) => "following the parent legs…".to_owned(),
        Some(ChainState::Resolved(c)) => {
            let mut crumbs: Vec<String> = Vec::new();
            for (n, r) in present_chain::rows(c).into_iter().enumerate() {
                if r.this_leg {
                    crumbs.push("this leg".to_owned());
                    continue;
                }
                crumbs.push(if r.tone == Tone::Normal {
                    r.label.clone()
                } else {
                    format!("⚠ {}", r.label)
                });
                let status = r
                    .status
                    .as_ref()
                    .map(|(s, _)| format!(" · {s}"))
                    .unwrap_or_default();
                let id_text = r.id.map(|i| format!(" · {i}")).unwrap_or_default();
                // Problems (a missing parent, a loop) say what is wrong; legs say what they are.
                let (value, tone) = if r.tone == Tone::Normal {
                    (format!("{}{status}{id_text}", r.label), Tone::Link)
                } else {
                    (format!("{}{id_text} · {}", r.label, r.detail), r.tone)
                };
                let mut row = Row::new(RowKey::ChainParent(n), value, tone);
                row.copy = r.id.map(|i| i.to_string());
                row.link = r.id.filter(|_| r.tone == Tone::Normal);
                legs.push(row);
            }
            crumbs.join(" → ")
        }
        None => "this is the first leg".to_owned(),
    };
    let crumbs = if children.is_empty() {
        crumbs
    } else {
        format!(
            "{crumbs} → {} known child leg{}",
            children.len(),
            if children.len() == 1 { "" } else { "s" }
        )
    };
    for child in &children {
        let what = app
            .records
            .get(child)
            .map(|f| f.log.kind.short_label())
            .or_else(|| app.sidebar.history.get(child.id).map(|e| e.title()))
            .unwrap_or_else(|| "leg".to_owned());
        let mut row = Row::new(
            RowKey::ChainChild(child.id),
            format!("{} · {child}", crate::text::sanitize(&what)),
            Tone::Link,
        );
        row.copy = Some(child.to_string());
        row.link = Some(child.id);
        legs.push(row);
    }
    doc.blocks
        .push(Block::Labelled("Chain".to_owned(), crumbs, Role::Dim));
    for row in &legs {
        doc.row(selectable(row, LABEL_WIDTH, false));
    }
    doc.blank();
    legs.iter().filter_map(|r| r.link).collect()
}

fn failed(app: &App, has_id: bool, failure: &Failure, doc: &mut Doc) {
    let (title, message, hints) = match failure {
        Failure::BadId(e) => (
            "Not a log ID".to_owned(),
            e.to_string(),
            vec!["Paste the Voice Segment ID from the Dashboard or the ticket: 36 characters like 3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11. A URL or ticket line holding exactly one ID works too.".to_owned()],
        ),
        // The items are listed one by one below.
        Failure::Api(e @ ApiError::Unprocessable { target, .. }) => (
            capitalise(e.short()),
            format!("The server refused the request (HTTP 422) in space {} for project {}:", target.space, target.project),
            hints_for(app, e),
        ),
        Failure::Api(e) => (capitalise(e.short()), e.to_string(), hints_for(app, e)),
        Failure::Unreachable(why) => (
            "Cannot be fetched here".to_owned(),
            why.clone(),
            vec![
                "Add the profile back to the config file.".to_owned(),
                format!(
                    "Or look the ID up with profile {}: press i and Enter (P first picks another profile).",
                    crate::text::sanitize(&app.context.profile)
                ),
            ],
        ),
    };
    doc.line(Line::styled(format!("✗ {title}"), Role::Error));
    doc.blank();
    doc.para(message, Role::Plain);
    if let Failure::Api(ApiError::Unprocessable { items, .. }) = failure {
        doc.blank();
        for item in items {
            let attr = item
                .attribute
                .as_deref()
                .map(|a| format!(" · attribute {a}"))
                .unwrap_or_default();
            let head = format!("• {}{attr}", item.code.as_deref().unwrap_or("error"));
            doc.para(head, Role::Warn);
            doc.para(
                format!("  {}", item.message.as_deref().unwrap_or("(no message)")),
                Role::Plain,
            );
        }
    }
    doc.blank();
    doc.line(Line::styled("What to try", Role::Heading));
    for h in hints {
        doc.blocks.push(Block::Bullet(h));
    }
    // `r` asks the same profile again: no use when that profile cannot be asked.
    if has_id && !matches!(failure, Failure::Unreachable(_)) {
        doc.line(Line::styled("• Press r to try again.", Role::Plain));
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn hints_for(app: &App, e: &ApiError) -> Vec<String> {
    let space = &app.context.place;
    match e {
        ApiError::NotFound { .. } => {
            // In here, another profile is one key away; `--profile` is the command line's word.
            let others: Vec<&str> = app.profiles.iter().skip(1).map(|p| p.name.as_str()).collect();
            let elsewhere = if others.is_empty() {
                format!("The log may belong to another space or project than {space}: add its profile to config.toml, then press P to pick it.")
            } else {
                format!("The log may belong to another space or project than {space}: press P to pick another profile ({}).", others.join(", "))
            };
            vec!["Check that the whole ID was copied.".to_owned(), elsewhere]
        }
        ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => vec![
            "Check the project ID and token in effect: swlog config shows them (token redacted).".to_owned(),
            "The token needs the Voice scope: Dashboard → API → your token → scopes.".to_owned(),
        ],
        ApiError::Unprocessable { .. } => vec!["If an item names a scope, give the token the Voice scope.".to_owned()],
        ApiError::RateLimited { .. } => vec!["Wait a moment: the API limits how fast a project may ask.".to_owned()],
        ApiError::Server { .. } | ApiError::Status { .. } => vec!["SignalWire had a problem answering; it is usually brief.".to_owned()],
        ApiError::Timeout { .. } | ApiError::Refused { .. } | ApiError::Network { .. } | ApiError::Cut { .. } => {
            vec!["Check your network, VPN or proxy.".to_owned(), "A slow network may need a longer --timeout.".to_owned()]
        }
        ApiError::Dns { .. } => vec![format!("Check the space name ({space}) and your DNS or VPN.")],
        ApiError::Tls { .. } => vec!["A proxy that intercepts TLS, or a wrong --base-url, causes this.".to_owned()],
        ApiError::Html { .. } | ApiError::Empty { .. } | ApiError::Truncated { .. } | ApiError::NotJson { .. } | ApiError::NotObject { .. } => vec![
            "Something other than the SignalWire API answered: a proxy, a captive portal or a wrong --base-url.".to_owned(),
        ],
        ApiError::TooLarge { limit } => vec![format!("The answer was over {} — not a voice log.", human_bytes(*limit))],
        ApiError::Proxy { .. } => vec!["Check the proxy settings ($HTTPS_PROXY, $ALL_PROXY, $NO_PROXY).".to_owned()],
        ApiError::Redirect { .. } | ApiError::WrongId { .. } => vec![
            "Something other than the SignalWire API answered: a proxy or a wrong --base-url.".to_owned(),
        ],
        ApiError::BadRequest { .. } | ApiError::Setup(_) => vec![],
    }
}

fn human_bytes(n: usize) -> String {
    if n >= 1024 * 1024 {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{n} bytes")
    }
}

/// The shape of the whole call, once it is known: "LaML call #1 → PSTN call #2 → this leg ·
/// +2 legs", with `t` one key away.
fn call_shape(app: &App, doc: &mut Doc) {
    let Some(id) = app.nav.current() else {
        return;
    };
    let Some(call) = app.tree.call_of(id) else {
        return;
    };
    let path = call.tree.path_to(id.id);
    if path.is_empty() {
        return;
    }
    let mut crumbs: Vec<String> = path
        .iter()
        .filter_map(|p| call.tree.index_of(*p))
        .map(|i| {
            if call.tree.legs[i].id == id.id {
                "this leg".to_owned()
            } else {
                crate::call::lines::label(&call.tree.legs[i].log, i + 1)
            }
        })
        .collect();
    if crumbs.len() > 3 {
        // The root, the parent and this leg; the rest is "…".
        let tail = crumbs.split_off(crumbs.len() - 2);
        crumbs.truncate(1);
        crumbs.push("…".to_owned());
        crumbs.extend(tail);
    }
    let others = call.tree.legs.len() - path.len();
    let mut text = crumbs.join(" → ");
    if others > 0 {
        text.push_str(&format!(
            " · +{others} leg{}",
            if others == 1 { "" } else { "s" }
        ));
    }
    text.push_str(" · t: the whole call");
    doc.blocks
        .push(Block::Labelled("Call".to_owned(), text, Role::Dim));
}
