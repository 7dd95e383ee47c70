//! GitHub `if:` conditions → the spec's typed `when` (events, branches), plus what has no
//! typed equivalent yet (matrix values, status functions, repository guards), reported.

use super::expression::{parse, CmpOp, Expr};
use crate::import::events::EventSet;
use crate::spec::Event;

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
    /// Matrix tests `(key, equal, value)`: `matrix.rust == 'nightly'` is `("rust", true, "nightly")`.
    pub(crate) matrix: Vec<(String, bool, String)>,
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
        Expr::Str(s) => Some(s),
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
    Status(Status),
    Matrix(String, bool, String),
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
            other => match atom(other) {
                Atom::Events(s) => Atom::Events(EventSet::all().minus(s)),
                Atom::Branches(_) => Atom::Lost("negated-condition"),
                _ => Atom::Lost("condition"),
            },
        },
        Expr::Cmp(l, op, r) => {
            let Some((path, value)) = comparison(l, r) else {
                return Atom::Lost("condition");
            };
            if let Some(key) = path.strip_prefix("matrix.") {
                return match op {
                    CmpOp::Eq | CmpOp::Ne => {
                        Atom::Matrix(key.to_string(), *op == CmpOp::Eq, value.to_string())
                    }
                    _ => Atom::Lost("matrix-condition"),
                };
            }
            match op {
                CmpOp::Eq => atom_eq(&path, value),
                CmpOp::Ne => match atom_eq(&path, value) {
                    Atom::Events(s) => Atom::Events(EventSet::all().minus(s)),
                    Atom::Branches(_) => Atom::Lost("negated-condition"),
                    _ => Atom::Lost("condition"),
                },
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
            // An alternative of events (or of branches) is still one typed condition.
            let mut events = EventSet::default();
            let mut branches = Vec::new();
            for i in items {
                match atom(i) {
                    Atom::Events(s) if branches.is_empty() => events = events.union(s),
                    Atom::Branches(b) if events.is_empty() => branches.extend(b),
                    _ => return Atom::Lost("condition"),
                }
            }
            if branches.is_empty() {
                Atom::Events(events)
            } else {
                Atom::Branches(branches)
            }
        }
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
        status: Status::Success,
        matrix: Vec::new(),
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
            Atom::Status(s) => c.status = s,
            Atom::Matrix(k, eq, v) => c.matrix.push((k, eq, v)),
            Atom::Nothing => {}
            Atom::Lost(feature) => c.lost.push((feature, text.trim().to_string())),
        }
    }
    c
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
        assert_eq!(c.lost[0].0, "condition");

        let c = convert("github.event_name != 'pull_request'");
        assert_eq!(
            c.events.map(|e| e.names()).as_deref(),
            Some("push, tag, schedule, manual")
        );

        let c = convert("${{ !cancelled() }}");
        assert_eq!(c.status, Status::NotCancelled);
        assert!(c.lost.is_empty());

        let c = convert("matrix.os == 'ubuntu-latest'");
        assert_eq!(
            c.matrix,
            [("os".to_string(), true, "ubuntu-latest".to_string())]
        );
        let c = convert("matrix.os == 'ubuntu-latest' || matrix.os == 'macos-latest'");
        assert_eq!(c.lost[0].0, "condition");

        let c =
            convert("github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'");
        assert_eq!(
            c.events.map(|e| e.names()).as_deref(),
            Some("schedule, manual")
        );

        let c = convert("github.ref != 'refs/heads/main'");
        assert_eq!(c.lost[0].0, "negated-condition");
    }
}
