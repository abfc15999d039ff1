//! The tree of a call's legs, built from its root and the rows a scan found: pure, so that the
//! order rows arrive in (a grandchild before its parent) cannot change the result.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::api::VoiceLog;

/// The most legs a tree holds; the rest are counted, not kept.
pub const MAX_LEGS: usize = 500;

/// One leg of a call.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    /// Its ID.
    pub id: Uuid,
    /// Its parent's ID, when it names a valid one.
    pub parent: Option<Uuid>,
    /// 0 for the root (or an orphan), 1 for its children, and so on.
    pub depth: usize,
    /// The record.
    pub log: VoiceLog,
}

impl Leg {
    /// A leg from a record; `None` when the record has no readable ID.
    pub fn of(log: VoiceLog) -> Option<Self> {
        Some(Self {
            id: log.id.get()?,
            parent: log.parent_uuid(),
            depth: 0,
            log,
        })
    }
}

/// A call's legs: the root's tree, depth first (children oldest first), and the legs of the
/// window whose parent was never found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tree {
    /// The root leg's ID.
    pub root: Uuid,
    /// The tree's legs, the root first, each followed by its descendants.
    pub legs: Vec<Leg>,
    /// Legs whose parent is neither in the tree nor among the rows, each followed by its own
    /// descendants (depth counted from the orphan), and legs caught in a loop of parents.
    pub orphans: Vec<Leg>,
    /// How many legs were left out because the tree reached [`MAX_LEGS`].
    pub left_out: usize,
}

impl Tree {
    /// Whether the cap cut the tree short.
    pub fn capped(&self) -> bool {
        self.left_out > 0
    }

    /// The leg with this ID, in the tree or among the orphans.
    pub fn leg(&self, id: Uuid) -> Option<&Leg> {
        self.legs.iter().chain(&self.orphans).find(|l| l.id == id)
    }

    /// The position in [`Tree::legs`] of the leg with this ID.
    pub fn index_of(&self, id: Uuid) -> Option<usize> {
        self.legs.iter().position(|l| l.id == id)
    }

    /// Whether any leg of the tree is still in progress.
    pub fn is_live(&self) -> bool {
        self.legs
            .iter()
            .any(|l| l.log.outcome() == crate::api::model::Outcome::Live)
    }

    /// The IDs from the root down to `id`, root first; empty when `id` is not in the tree.
    pub fn path_to(&self, id: Uuid) -> Vec<Uuid> {
        let Some(mut i) = self.index_of(id) else {
            return Vec::new();
        };
        let mut path = vec![self.legs[i].id];
        while self.legs[i].depth > 0 {
            let depth = self.legs[i].depth;
            // The parent is the nearest leg above with one level less.
            let Some(p) = self.legs[..i].iter().rposition(|l| l.depth + 1 == depth) else {
                break;
            };
            path.push(self.legs[p].id);
            i = p;
        }
        path.reverse();
        path
    }
}

/// Builds the tree under `root` from `rows` (in any order; duplicates and the root itself among
/// them are ignored, the first copy of a leg wins), keeping at most `cap` legs. `known` holds
/// every ID the scan saw: a leg whose parent is none of them is an orphan, while a leg whose
/// parent was seen but is not in the tree belongs to another call.
pub fn build(
    root: Leg,
    rows: impl IntoIterator<Item = Leg>,
    known: &HashSet<Uuid>,
    cap: usize,
) -> Tree {
    build_keeping(root, rows, known, cap, &HashSet::new())
}

/// [`build`], where the legs of `keep` (the leg asked about and its ancestors) are in the tree
/// whatever the cap: a capped call never leaves out the leg its user is looking at.
pub fn build_keeping(
    root: Leg,
    rows: impl IntoIterator<Item = Leg>,
    known: &HashSet<Uuid>,
    cap: usize,
    keep: &HashSet<Uuid>,
) -> Tree {
    let root_id = root.id;
    let mut all: HashMap<Uuid, Leg> = HashMap::new();
    for leg in rows {
        if leg.id != root_id {
            all.entry(leg.id).or_insert(leg);
        }
    }
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for leg in all.values() {
        if let Some(p) = leg.parent {
            children.entry(p).or_default().push(leg.id);
        }
    }
    for kids in children.values_mut() {
        // Oldest first; undated last; the ID breaks ties so that the order never depends on a
        // map's.
        kids.sort_by_key(|id| {
            let at = all.get(id).and_then(|l| l.log.created_at.get());
            (at.is_none(), at, *id)
        });
    }
    let mut placed: HashSet<Uuid> = HashSet::from([root_id]);
    let mut tree = Tree {
        root: root_id,
        ..Tree::default()
    };
    let mut legs = Vec::new();
    let cut = Cut { cap, keep };
    walk(
        root,
        &children,
        &mut all,
        &mut placed,
        &mut legs,
        &cut,
        &mut tree.left_out,
    );
    tree.legs = legs;
    // Orphans: legs whose parent was never seen, oldest first, each with its descendants.
    let mut starts: Vec<&Leg> = all
        .values()
        .filter(|l| {
            l.parent.is_some_and(|p| {
                !all.contains_key(&p) && !placed.contains(&p) && !known.contains(&p)
            })
        })
        .collect();
    starts.sort_by_key(|l| {
        let at = l.log.created_at.get();
        (at.is_none(), at, l.id)
    });
    let starts: Vec<Uuid> = starts.iter().map(|l| l.id).collect();
    let mut orphans = Vec::new();
    let mut uncounted = 0;
    for id in starts {
        if let Some(leg) = all.remove(&id) {
            placed.insert(id);
            walk(
                leg,
                &children,
                &mut all,
                &mut placed,
                &mut orphans,
                &cut,
                &mut uncounted,
            );
        }
    }
    tree.orphans = orphans;
    tree.left_out += uncounted;
    tree
}

/// Where a tree is cut: at `cap` legs, but never before a leg of `keep`.
struct Cut<'a> {
    cap: usize,
    keep: &'a HashSet<Uuid>,
}

/// Appends `leg` and its descendants to `out`, depth first, never a leg twice, at most the
/// cut's cap (and the legs it keeps).
fn walk(
    leg: Leg,
    children: &HashMap<Uuid, Vec<Uuid>>,
    all: &mut HashMap<Uuid, Leg>,
    placed: &mut HashSet<Uuid>,
    out: &mut Vec<Leg>,
    cut: &Cut<'_>,
    left_out: &mut usize,
) {
    // An explicit stack: a deep chain of legs from a hostile server must not overflow ours.
    let mut stack = vec![(leg, 0usize)];
    while let Some((mut leg, depth)) = stack.pop() {
        let id = leg.id;
        if out.len() >= cut.cap && !cut.keep.contains(&id) {
            // Its descendants are left out with it, not taken for orphans.
            *left_out += 1;
        } else {
            leg.depth = depth;
            out.push(leg);
        }
        let kids = children.get(&id).map(Vec::as_slice).unwrap_or_default();
        for kid in kids.iter().rev() {
            if placed.insert(*kid)
                && let Some(k) = all.remove(kid)
            {
                stack.push((k, depth + 1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::uuid;
    use serde_json::{Value, json};

    fn leg(n: u32, parent: Option<u32>, second: u32) -> Leg {
        let v = json!({
            "id": uuid(n).to_string(),
            "parent_id": parent.map(|p| uuid(p).to_string()),
            "created_at": format!("2026-11-25T14:00:{second:02}Z"),
        });
        let Value::Object(o) = v else { unreachable!() };
        Leg::of(VoiceLog::from_object(o)).unwrap()
    }

    fn known(ns: &[u32]) -> HashSet<Uuid> {
        ns.iter().map(|n| uuid(*n)).collect()
    }

    fn shape(legs: &[Leg]) -> Vec<(u32, usize)> {
        legs.iter()
            .map(|l| (l.id.as_u128() as u32, l.depth))
            .collect()
    }

    #[test]
    fn a_capped_tree_keeps_the_leg_asked_about_and_its_ancestors() {
        // The root has ten children; the asked leg (20) is under the ninth (9).
        let mut rows: Vec<Leg> = (2..=10).map(|n| leg(n, Some(1), n)).collect();
        rows.push(leg(20, Some(9), 30));
        rows.push(leg(21, Some(9), 31));
        let keep = known(&[1, 9, 20]);
        let t = build_keeping(leg(1, None, 0), rows, &HashSet::new(), 3, &keep);
        // `shape` reads the IDs back as hexadecimal: leg 20 shows as 0x20.
        assert_eq!(shape(&t.legs), [(1, 0), (2, 1), (3, 1), (9, 1), (0x20, 2)]);
        assert_eq!(t.left_out, 7, "4 to 8, 10 and 21 are left out and counted");
        assert!(t.capped());
    }

    #[test]
    fn children_hang_under_their_parents_oldest_first() {
        // 1 ─ 2 ─ 4
        //   └ 3
        let rows = vec![leg(3, Some(1), 5), leg(4, Some(2), 9), leg(2, Some(1), 2)];
        let t = build(leg(1, None, 0), rows, &HashSet::new(), MAX_LEGS);
        assert_eq!(shape(&t.legs), [(1, 0), (2, 1), (4, 2), (3, 1)]);
        assert!(t.orphans.is_empty() && !t.capped());
        assert_eq!(t.path_to(uuid(4)), [uuid(1), uuid(2), uuid(4)]);
    }

    #[test]
    fn a_grandchild_seen_before_its_parent_is_attached() {
        // Newest first, as the list sends them: the grandchild comes first.
        let rows = vec![leg(9, Some(5), 50), leg(5, Some(1), 10)];
        let t = build(leg(1, None, 0), rows, &HashSet::new(), MAX_LEGS);
        assert_eq!(shape(&t.legs), [(1, 0), (5, 1), (9, 2)]);
    }

    #[test]
    fn legs_with_an_unknown_parent_are_orphans_with_their_children() {
        let rows = vec![leg(2, Some(1), 1), leg(7, Some(77), 3), leg(8, Some(7), 4)];
        let t = build(leg(1, None, 0), rows, &HashSet::new(), MAX_LEGS);
        assert_eq!(shape(&t.legs), [(1, 0), (2, 1)]);
        assert_eq!(shape(&t.orphans), [(7, 0), (8, 1)]);
    }

    #[test]
    fn loops_of_parents_end_and_keep_every_leg_once() {
        // 4 points at the root, whose parent is 4; 2 and 3 point at each other (another
        // call's broken data: seen, so neither is an orphan).
        let rows = vec![
            leg(2, Some(3), 1),
            leg(3, Some(2), 2),
            leg(4, Some(1), 3),
            leg(1, Some(4), 0),
        ];
        let t = build(leg(1, Some(4), 0), rows, &known(&[1, 2, 3, 4]), MAX_LEGS);
        assert_eq!(shape(&t.legs), [(1, 0), (4, 1)]);
        assert!(t.orphans.is_empty());
    }

    #[test]
    fn other_calls_in_the_window_are_left_alone() {
        // 5 is another call's root (seen, no parent); 6 is its child.
        let rows = vec![leg(6, Some(5), 4), leg(2, Some(1), 1)];
        let t = build(leg(1, None, 0), rows, &known(&[1, 2, 5, 6]), MAX_LEGS);
        assert_eq!(shape(&t.legs), [(1, 0), (2, 1)]);
        assert!(t.orphans.is_empty());
    }

    #[test]
    fn the_cap_keeps_500_legs_and_counts_the_rest() {
        let rows: Vec<Leg> = (2..=600).map(|n| leg(n, Some(1), n % 60)).collect();
        let t = build(leg(1, None, 0), rows, &HashSet::new(), MAX_LEGS);
        assert_eq!(t.legs.len(), 500);
        assert_eq!(t.left_out, 100);
        assert!(t.capped());
        let deep: Vec<Leg> = (2..=700).map(|n| leg(n, Some(n - 1), 0)).collect();
        let t = build(leg(1, None, 0), deep, &HashSet::new(), MAX_LEGS);
        assert_eq!((t.legs.len(), t.left_out), (500, 200));
        assert_eq!(t.legs[499].depth, 499, "a deep chain stays one branch");
    }
}
