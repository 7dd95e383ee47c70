//! GitHub `if:` conditions → the spec's typed `when` (events, branches, matrix values and
//! their negations under `when.not`, the repository, a schedule's cron, a pull request's
//! target branch), plus what has no typed equivalent (status functions), reported.

use indexmap::IndexMap;

use super::expression::{parse, CmpOp, Expr};
use crate::import::events::EventSet;
use crate::import::typed;
use crate::spec::{Event, Glob, Matrix, Not, OneOrMany, Scalar};

/// When a job or step runs relative to the failure of what came before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// `success()`, GitHub's default.
    Success,
    /// `always()`.
    Always,
    /// `!cancelled()`.
    NotCancelled,
    /// `failure()`.
    Failure,
    /// `cancelled()`.
    Cancelled,
}

/// A condition as far as the spec can take it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    /// Events the condition allows (`None`: any).
    pub(crate) events: Option<EventSet>,
    /// Branch globs the condition allows (`None`: any).
    pub(crate) branches: Option<Vec<String>>,
    pub(crate) status: Status,
    /// Events the condition excludes (`github.event_name != 'pull_request'`).
    pub(crate) not_events: Option<EventSet>,
    /// Branch globs the condition excludes (`github.ref != 'refs/heads/main'`).
    pub(crate) not_branches: Option<Vec<String>>,
    /// Matrix tests `(key, equal, values)`: `matrix.rust == 'nightly'` is
    /// `("rust", true, ["nightly"])`, `matrix.os != 'a' && matrix.os != 'b'` two tests.
    pub(crate) matrix: Vec<(String, bool, Vec<String>)>,
    /// Repository globs the condition allows (`github.repository == 'o/n'`; `None`: any).
    pub(crate) repository: Option<Vec<String>>,
    /// Crons of a scheduled run the condition allows (`github.event.schedule == '...'`).
    pub(crate) schedule: Option<Vec<String>>,
    /// Target branches of a pull request the condition allows (`github.base_ref == 'main'`).
    pub(crate) base: Option<Vec<String>>,
    /// Repository globs, crons and target branches the condition excludes
    /// (`github.repository != 'o/n'`, `github.event.schedule != '...'`,
    /// `github.base_ref != 'main'`): `when.not.repository`, `.schedule`, `.base`. GitHub's
    /// value is empty on other events, so `!=` holds there, as `when.not` does not skip them.
    pub(crate) not_repository: Option<Vec<String>>,
    pub(crate) not_schedule: Option<Vec<String>>,
    pub(crate) not_base: Option<Vec<String>>,
    /// Parts with no typed equivalent: `(feature, text)`.
    pub(crate) lost: Vec<(&'static str, String)>,
}

/// Events a GitHub `event_name` stands for in cigen's terms.
fn event_of(name: &str) -> Option<EventSet> {
    Some(match name {
        // GitHub's `push` event is also a tag push.
        "push" => EventSet::of(&[Event::Push, Event::Tag]),
        "pull_request" | "merge_group" => EventSet::of(&[Event::PullRequest]),
        "schedule" => EventSet::of(&[Event::Schedule]),
        "workflow_dispatch" | "repository_dispatch" => EventSet::of(&[Event::Manual]),
        _ => return None,
    })
}

fn str_of(e: &Expr) -> Option<&str> {
    match e {
        Expr::Str(s) | Expr::Num(s) => Some(s),
        _ => None,
    }
}

/// `path op 'literal'` in either order.
fn comparison<'a>(l: &'a Expr, r: &'a Expr) -> Option<(String, &'a str)> {
    match (l.path(), str_of(r), r.path(), str_of(l)) {
        (Some(p), Some(s), _, _) | (_, _, Some(p), Some(s)) => Some((p, s)),
        _ => None,
    }
}

/// A branch glob from a ref prefix: `refs/heads/release/` → `release/**`.
fn prefix_glob(prefix: &str) -> String {
    if prefix.ends_with('/') {
        format!("{prefix}**")
    } else {
        format!("{prefix}*")
    }
}

/// What one atom of a conjunction means.
enum Atom {
    Events(EventSet),
    Branches(Vec<String>),
    NotEvents(EventSet),
    NotBranches(Vec<String>),
    Status(Status),
    Matrix(String, bool, Vec<String>),
    /// `when.repository`, `when.schedule` (only on scheduled runs), `when.base` (only on
    /// pull requests): GitHub's value is empty on other events, so each implies its event.
    Repository(Vec<String>),
    Schedule(Vec<String>),
    Base(Vec<String>),
    NotRepository(Vec<String>),
    NotSchedule(Vec<String>),
    NotBase(Vec<String>),
    Nothing,
    Lost(&'static str),
}

fn atom(e: &Expr) -> Atom {
    match e {
        Expr::Bool(true) => Atom::Nothing,
        Expr::Call(f, args) if args.is_empty() => match f.as_str() {
            "success" => Atom::Nothing,
            "always" => Atom::Status(Status::Always),
            "failure" => Atom::Status(Status::Failure),
            "cancelled" => Atom::Status(Status::Cancelled),
            _ => Atom::Lost("condition"),
        },
        Expr::Not(inner) => match inner.as_ref() {
            Expr::Call(f, a) if f == "cancelled" && a.is_empty() => {
                Atom::Status(Status::NotCancelled)
            }
            other => negate(atom(other)),
        },
        Expr::Cmp(l, op, r) => {
            let Some((path, value)) = comparison(l, r) else {
                return Atom::Lost("condition");
            };
            if let Some(key) = path.strip_prefix("matrix.") {
                return match op {
                    CmpOp::Eq | CmpOp::Ne => {
                        Atom::Matrix(key.to_string(), *op == CmpOp::Eq, vec![value.to_string()])
                    }
                    _ => Atom::Lost("matrix-condition"),
                };
            }
            match op {
                CmpOp::Eq => atom_eq(&path, value),
                CmpOp::Ne => negate(atom_eq(&path, value)),
                _ => Atom::Lost("condition"),
            }
        }
        Expr::Call(f, args) if f == "startswith" && args.len() == 2 => {
            match (args[0].path().as_deref(), str_of(&args[1])) {
                (Some("github.ref"), Some(p)) => {
                    if let Some(tag) = p.strip_prefix("refs/tags/") {
                        let _ = tag;
                        Atom::Events(EventSet::of(&[Event::Tag]))
                    } else if let Some(b) = p.strip_prefix("refs/heads/") {
                        Atom::Branches(vec![prefix_glob(b)])
                    } else {
                        Atom::Lost("condition")
                    }
                }
                (Some("github.ref_name") | Some("github.head_ref"), Some(p)) => {
                    Atom::Branches(vec![prefix_glob(p)])
                }
                _ => Atom::Lost("condition"),
            }
        }
        Expr::Or(items) => {
            // An alternative of events (or of branches, or of one matrix key's values) is
            // still one typed condition.
            let mut events = EventSet::default();
            let mut branches = Vec::new();
            let mut matrix: Option<(String, Vec<String>)> = None;
            // Alternatives of one value (`github.repository == 'a' || ... == 'b'`).
            let mut same: Option<Atom> = None;
            for i in items {
                let a = atom(i);
                let merged = match (same.take(), a) {
                    (None, a @ (Atom::Repository(_) | Atom::Schedule(_) | Atom::Base(_)))
                        if events.is_empty() && branches.is_empty() && matrix.is_none() =>
                    {
                        Ok(a)
                    }
                    (Some(Atom::Repository(mut x)), Atom::Repository(y)) => {
                        x.extend(y);
                        Ok(Atom::Repository(x))
                    }
                    (Some(Atom::Schedule(mut x)), Atom::Schedule(y)) => {
                        x.extend(y);
                        Ok(Atom::Schedule(x))
                    }
                    (Some(Atom::Base(mut x)), Atom::Base(y)) => {
                        x.extend(y);
                        Ok(Atom::Base(x))
                    }
                    (Some(_), _) => return Atom::Lost("condition"),
                    (None, a) => Err(a),
                };
                let a = match merged {
                    Ok(m) => {
                        same = Some(m);
                        continue;
                    }
                    Err(a) => a,
                };
                match a {
                    Atom::Events(s) if branches.is_empty() && matrix.is_none() => {
                        events = events.union(s)
                    }
                    Atom::Branches(b) if events.is_empty() && matrix.is_none() => {
                        branches.extend(b)
                    }
                    Atom::Matrix(k, true, v)
                        if events.is_empty()
                            && branches.is_empty()
                            && matrix.as_ref().is_none_or(|(m, _)| *m == k) =>
                    {
                        matrix.get_or_insert_with(|| (k, Vec::new())).1.extend(v)
                    }
                    _ => return Atom::Lost("condition"),
                }
            }
            if let Some(a) = same {
                a
            } else if let Some((k, v)) = matrix {
                Atom::Matrix(k, true, v)
            } else if branches.is_empty() {
                Atom::Events(events)
            } else {
                Atom::Branches(branches)
            }
        }
        _ => Atom::Lost("condition"),
    }
}

/// `!atom`: events, branches, repositories, crons and target branches move under
/// `when.not`, a matrix test flips.
fn negate(a: Atom) -> Atom {
    match a {
        Atom::Events(s) => Atom::NotEvents(s),
        Atom::NotEvents(s) => Atom::Events(s),
        Atom::Branches(b) => Atom::NotBranches(b),
        Atom::NotBranches(b) => Atom::Branches(b),
        Atom::Matrix(k, eq, v) => Atom::Matrix(k, !eq, v),
        Atom::Repository(r) => Atom::NotRepository(r),
        Atom::NotRepository(r) => Atom::Repository(r),
        Atom::Schedule(r) => Atom::NotSchedule(r),
        Atom::NotSchedule(r) => Atom::Schedule(r),
        Atom::Base(r) => Atom::NotBase(r),
        Atom::NotBase(r) => Atom::Base(r),
        _ => Atom::Lost("condition"),
    }
}

fn atom_eq(path: &str, value: &str) -> Atom {
    match path {
        "github.event_name" => match event_of(value) {
            Some(s) => Atom::Events(s),
            None => Atom::Lost("condition"),
        },
        "github.ref" => {
            if let Some(b) = value.strip_prefix("refs/heads/") {
                Atom::Branches(vec![b.to_string()])
            } else if value.starts_with("refs/tags/") {
                Atom::Events(EventSet::of(&[Event::Tag]))
            } else {
                Atom::Lost("condition")
            }
        }
        "github.ref_name" | "github.head_ref" => Atom::Branches(vec![value.to_string()]),
        "github.repository" => Atom::Repository(vec![value.to_string()]),
        "github.repository_owner" => Atom::Repository(vec![format!("{value}/*")]),
        "github.event.schedule" => Atom::Schedule(vec![value.to_string()]),
        "github.base_ref" => Atom::Base(vec![value.to_string()]),
        "github.ref_type" => match value {
            "tag" => Atom::Events(EventSet::of(&[Event::Tag])),
            "branch" => Atom::Events(EventSet::all().minus(EventSet::of(&[Event::Tag]))),
            _ => Atom::Lost("condition"),
        },
        _ => Atom::Lost("condition"),
    }
}

/// Reads an `if:` value (a string or a boolean).
pub(crate) fn convert(text: &str) -> Condition {
    let mut c = Condition {
        events: None,
        branches: None,
        not_events: None,
        not_branches: None,
        status: Status::Success,
        matrix: Vec::new(),
        repository: None,
        schedule: None,
        base: None,
        not_repository: None,
        not_schedule: None,
        not_base: None,
        lost: Vec::new(),
    };
    let Some(e) = parse(text) else {
        c.lost.push(("condition", text.trim().to_string()));
        return c;
    };
    let items = match e {
        Expr::And(items) => items,
        other => vec![other],
    };
    for item in &items {
        match atom(item) {
            Atom::Events(s) => c.events = Some(c.events.map_or(s, |e| e.intersect(s))),
            Atom::Branches(b) => {
                c.branches = Some(match c.branches.take() {
                    // Two branch conditions that must both hold: keep the narrower literal one.
                    Some(prev) => prev.into_iter().filter(|p| b.contains(p)).collect(),
                    None => b,
                })
            }
            // `!a && !b` is `not (a or b)`: the exclusions add up.
            Atom::NotEvents(s) => c.not_events = Some(c.not_events.unwrap_or_default().union(s)),
            Atom::NotBranches(b) => c.not_branches.get_or_insert_with(Vec::new).extend(b),
            Atom::Status(s) => c.status = s,
            Atom::Matrix(k, eq, v) => c.matrix.push((k, eq, v)),
            // A second test of the same value would need both to hold: keep what both allow.
            Atom::Repository(r) => c.repository = Some(narrow(c.repository.take(), r)),
            Atom::Schedule(r) => {
                let s = EventSet::of(&[Event::Schedule]);
                c.events = Some(c.events.map_or(s, |e| e.intersect(s)));
                c.schedule = Some(narrow(c.schedule.take(), r));
            }
            Atom::Base(r) => {
                let s = EventSet::of(&[Event::PullRequest]);
                c.events = Some(c.events.map_or(s, |e| e.intersect(s)));
                c.base = Some(narrow(c.base.take(), r));
            }
            // `!a && !b` is `not (a or b)`: the exclusions add up.
            Atom::NotRepository(r) => c.not_repository.get_or_insert_with(Vec::new).extend(r),
            Atom::NotSchedule(r) => c.not_schedule.get_or_insert_with(Vec::new).extend(r),
            Atom::NotBase(r) => c.not_base.get_or_insert_with(Vec::new).extend(r),
            Atom::Nothing => {}
            Atom::Lost(feature) => c.lost.push((feature, text.trim().to_string())),
        }
    }
    c
}

/// A condition's repository, schedule and target-branch tests as `when.repository`,
/// `when.schedule` and `when.base`; a pattern that is no glob goes to `rejected`.
#[allow(clippy::type_complexity)]
pub(crate) fn values(
    c: &Condition,
    rejected: &mut dyn FnMut(String),
) -> (
    Option<OneOrMany<Glob>>,
    Option<OneOrMany<String>>,
    Option<OneOrMany<Glob>>,
) {
    let mut bad = Vec::new();
    let repository = c
        .repository
        .as_ref()
        .and_then(|r| typed::branch(r, &mut bad));
    let base = c.base.as_ref().and_then(|b| typed::branch(b, &mut bad));
    for b in bad {
        rejected(b);
    }
    let schedule = c.schedule.clone().and_then(|mut s| match s.len() {
        0 => None,
        1 => s.pop().map(OneOrMany::One),
        _ => Some(OneOrMany::Many(s)),
    });
    (repository, schedule, base)
}

/// What two conditions on one value that must both hold allow.
fn narrow(prev: Option<Vec<String>>, next: Vec<String>) -> Vec<String> {
    match prev {
        Some(p) => p.into_iter().filter(|x| next.contains(x)).collect(),
        None => next,
    }
}

/// The matrix tests and exclusions of a condition, as `when.matrix` and `when.not`.
#[derive(Debug, Default)]
pub(crate) struct Typed {
    pub(crate) matrix: IndexMap<String, OneOrMany<Scalar>>,
    pub(crate) not: Option<Not>,
    /// What the spec cannot say: `(feature, message)`.
    pub(crate) lost: Vec<(&'static str, String)>,
}

fn one_or_many(mut v: Vec<String>) -> OneOrMany<Scalar> {
    if v.len() == 1 {
        OneOrMany::One(Scalar(v.remove(0)))
    } else {
        OneOrMany::Many(v.into_iter().map(Scalar).collect())
    }
}

/// `c`'s matrix tests and exclusions in the spec's terms. `keys` maps the workflow's matrix
/// keys to the spec's (axes may be renamed); `m` is the job's matrix, whose values a test
/// must name (GitHub compares with any text; cigen's `check` warns about a value no cell has).
pub(crate) fn typed(c: &Condition, keys: &IndexMap<String, String>, m: Option<&Matrix>) -> Typed {
    let mut t = Typed::default();
    let has = |k: &str, v: &str| {
        m.is_some_and(|m| {
            m.axes.get(k).is_some_and(|vs| vs.iter().any(|x| x.0 == v))
                || m.include
                    .iter()
                    .any(|inc| inc.get(k).is_some_and(|x| x.0 == v))
        })
    };
    // Equal tests of one key narrow each other; unequal ones add up.
    let mut equal: IndexMap<String, Vec<String>> = IndexMap::new();
    let mut unequal: IndexMap<String, Vec<String>> = IndexMap::new();
    for (key, eq, values) in &c.matrix {
        let Some(k) = keys.get(key) else {
            t.lost.push((
                "matrix-condition",
                format!("a condition on `matrix.{key}`, which the matrix does not have"),
            ));
            continue;
        };
        let unknown: Vec<&String> = values.iter().filter(|v| !has(k, v)).collect();
        if !unknown.is_empty() {
            t.lost.push((
                "matrix-condition",
                format!(
                    "a condition on `matrix.{key}` with {}, which no cell has",
                    unknown
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            continue;
        }
        if *eq {
            let e = equal.entry(k.clone()).or_insert_with(|| values.clone());
            e.retain(|v| values.contains(v));
        } else {
            let e = unequal.entry(k.clone()).or_default();
            e.extend(
                values
                    .iter()
                    .filter(|v| !e.contains(v))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
    }
    for (k, v) in equal {
        if v.is_empty() {
            t.lost.push((
                "matrix-condition",
                format!("conditions on `{k}` that no cell meets at once"),
            ));
        } else {
            t.matrix.insert(k, one_or_many(v));
        }
    }
    let mut not = Not::default();
    // `when.not.matrix` skips a cell only when every key given matches: one key can be said.
    if unequal.len() > 1 {
        t.lost.push(("matrix-condition", format!("unequal tests on several matrix keys ({}): `when.not.matrix` skips a cell only when all of its keys match", unequal.keys().cloned().collect::<Vec<_>>().join(", "))));
    } else {
        not.matrix = unequal
            .into_iter()
            .map(|(k, v)| (k, one_or_many(v)))
            .collect();
    }
    not.event = c.not_events.and_then(EventSet::to_when);
    let mut rejected = Vec::new();
    if let Some(b) = &c.not_branches {
        not.branch = typed::branch(b, &mut rejected);
    }
    if let Some(r) = &c.not_repository {
        not.repository = typed::branch(r, &mut rejected);
    }
    if let Some(b) = &c.not_base {
        not.base = typed::branch(b, &mut rejected);
    }
    not.schedule = c.not_schedule.clone().and_then(|mut s| match s.len() {
        0 => None,
        1 => s.pop().map(OneOrMany::One),
        _ => Some(OneOrMany::Many(s)),
    });
    for r in rejected {
        t.lost.push((
            "condition",
            format!("`{r}` is not a glob cigen reads; the branch condition was left out"),
        ));
    }
    if not != Not::default() {
        t.not = Some(not);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_parts_become_when_and_the_rest_is_reported() {
        let c = convert("github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')");
        assert_eq!(c.events, Some(EventSet::of(&[Event::Tag])));
        assert!(c.lost.is_empty());

        let c = convert("${{ github.ref == 'refs/heads/main' && github.repository == 'acme/x' }}");
        assert_eq!(c.branches, Some(vec!["main".to_string()]));
        assert_eq!(c.repository, Some(vec!["acme/x".to_string()]));
        assert!(c.lost.is_empty());
        let c = convert("github.repository_owner == 'acme' || github.repository == 'b/c'");
        assert_eq!(
            c.repository,
            Some(vec!["acme/*".to_string(), "b/c".to_string()])
        );
        // A schedule's cron or a target branch implies its event.
        let c = convert("github.event.schedule == '0 3 * * *'");
        assert_eq!(c.events, Some(EventSet::of(&[Event::Schedule])));
        assert_eq!(c.schedule, Some(vec!["0 3 * * *".to_string()]));
        let c = convert("github.base_ref == 'main' && github.event_name == 'pull_request'");
        assert_eq!(c.events, Some(EventSet::of(&[Event::PullRequest])));
        assert_eq!(c.base, Some(vec!["main".to_string()]));
        // Negated repositories, crons and target branches go under `when.not`.
        let c = convert("github.repository != 'acme/x' && github.repository_owner != 'fork'");
        assert!(c.lost.is_empty());
        assert_eq!(
            c.not_repository,
            Some(vec!["acme/x".to_string(), "fork/*".to_string()])
        );
        let c = convert("github.event.schedule != '0 3 * * *' && !(github.base_ref == 'main' || github.base_ref == 'dev')");
        assert!(c.lost.is_empty());
        assert_eq!(c.events, None);
        assert_eq!(c.not_schedule, Some(vec!["0 3 * * *".to_string()]));
        assert_eq!(
            c.not_base,
            Some(vec!["main".to_string(), "dev".to_string()])
        );
        let t = typed(&c, &IndexMap::new(), None);
        let not = t.not.expect("when.not");
        assert_eq!(not.schedule, Some(OneOrMany::One("0 3 * * *".to_string())));
        assert_eq!(not.base.map(|b| b.to_vec().len()), Some(2));
        let c = convert("github.repository == 'acme/x' || github.event_name == 'push'");
        assert_eq!(c.lost[0].0, "condition");

        let c = convert("github.event_name != 'pull_request'");
        assert_eq!(c.events, None);
        assert_eq!(
            c.not_events.map(|e| e.names()).as_deref(),
            Some("pull_request")
        );

        let c = convert("${{ !cancelled() }}");
        assert_eq!(c.status, Status::NotCancelled);
        assert!(c.lost.is_empty());

        let c = convert("matrix.os == 'ubuntu-latest'");
        assert_eq!(
            c.matrix,
            [("os".to_string(), true, vec!["ubuntu-latest".to_string()])]
        );
        let c = convert("matrix.os == 'ubuntu-latest' || matrix.os == 'macos-latest'");
        assert_eq!(
            c.matrix,
            [(
                "os".to_string(),
                true,
                vec!["ubuntu-latest".to_string(), "macos-latest".to_string()]
            )]
        );
        let c = convert("matrix.os == 'ubuntu-latest' || matrix.rust == 'nightly'");
        assert_eq!(c.lost[0].0, "condition");
        let c = convert("!(matrix.os == 'windows-latest') && github.event_name != 'schedule'");
        assert_eq!(
            c.matrix,
            [("os".to_string(), false, vec!["windows-latest".to_string()])]
        );
        assert_eq!(c.not_events.map(|e| e.names()).as_deref(), Some("schedule"));

        let c =
            convert("github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'");
        assert_eq!(
            c.events.map(|e| e.names()).as_deref(),
            Some("schedule, manual")
        );

        let c = convert("github.ref != 'refs/heads/main'");
        assert!(c.lost.is_empty());
        assert_eq!(c.not_branches, Some(vec!["main".to_string()]));
    }
}
