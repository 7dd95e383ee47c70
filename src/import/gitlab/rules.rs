//! GitLab `rules:` and `only:`/`except:` → the events, branches and changed files a job runs
//! for, and those it must not run for (`!=`, leading `when: never` rules → `when.not`), the
//! project (`$CI_PROJECT_PATH` → `when.repository`, `!=` → `when.not.repository`) and a merge request's target branch
//! (`when.base`); the rest (`when: delayed`, other variables) is reported.

use serde_yaml::Value;

use super::model::lines;
use crate::import::events::EventSet;
use crate::spec::Event;

/// A job's conditions as far as the spec can take them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Gate {
    /// `None`: any event.
    pub(crate) events: Option<EventSet>,
    pub(crate) branches: Option<Vec<String>>,
    /// Events and branches the job must not run for (`when.not`).
    pub(crate) not_events: Option<EventSet>,
    pub(crate) not_branches: Option<Vec<String>>,
    pub(crate) changed: Vec<String>,
    /// Whether a rule assumed the default branch is `main`.
    pub(crate) default_branch: bool,
    /// Whether a rule makes the job manual (`when: manual`).
    pub(crate) manual: bool,
    /// Project paths (`$CI_PROJECT_PATH == "group/name"`) and merge request target branches
    /// the job runs for, from a single rule.
    pub(crate) repository: Option<Vec<String>>,
    pub(crate) base: Option<Vec<String>>,
    /// Project paths and target branches the job skips (`$CI_PROJECT_PATH != "group/name"`,
    /// `$CI_MERGE_REQUEST_TARGET_BRANCH_NAME != "main"`, unset outside merge requests so the
    /// test holds there, as `when.not.base` skips pull requests only), from a single rule.
    pub(crate) not_repository: Option<Vec<String>>,
    pub(crate) not_base: Option<Vec<String>>,
    pub(crate) lost: Vec<(&'static str, String)>,
}

/// What one `if:` expression allows: events and branches (`None`: unrestricted).
#[derive(Debug, Clone, Default, PartialEq)]
struct Allowed {
    events: Option<EventSet>,
    branches: Option<Vec<String>>,
    not_events: Option<EventSet>,
    not_branches: Option<Vec<String>>,
    default_branch: bool,
    repository: Option<Vec<String>>,
    base: Option<Vec<String>>,
    not_repository: Option<Vec<String>>,
    not_base: Option<Vec<String>>,
}

fn source_events(v: &str) -> Option<EventSet> {
    Some(match v {
        "merge_request_event" | "external_pull_request_event" => {
            EventSet::of(&[Event::PullRequest])
        }
        "push" => EventSet::of(&[Event::Push, Event::Tag]),
        "schedule" => EventSet::of(&[Event::Schedule]),
        "web" | "api" | "trigger" => EventSet::of(&[Event::Manual]),
        _ => return None,
    })
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        .unwrap_or(s)
}

/// One comparison or presence test: `$CI_COMMIT_TAG`, `$CI_PIPELINE_SOURCE == "schedule"`.
fn atom(a: &str) -> Option<Allowed> {
    let a = a
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let (left, op, right) = if let Some((l, r)) = a.split_once("==") {
        (l.trim(), "==", r.trim())
    } else if let Some((l, r)) = a.split_once("!=") {
        (l.trim(), "!=", r.trim())
    } else if let Some((l, r)) = a.split_once("=~") {
        (l.trim(), "=~", r.trim())
    } else {
        (a, "", "")
    };
    let var = left
        .strip_prefix('$')?
        .trim_start_matches('{')
        .trim_end_matches('}');
    let default_branch = matches!(right, "$CI_DEFAULT_BRANCH" | "${CI_DEFAULT_BRANCH}");
    let branch = |b: &str| Allowed {
        branches: Some(vec![b.to_string()]),
        default_branch,
        ..Allowed::default()
    };
    let not_branch = |b: &str| Allowed {
        not_branches: Some(vec![b.to_string()]),
        default_branch,
        ..Allowed::default()
    };
    let events = |e: EventSet| Allowed {
        events: Some(e),
        ..Allowed::default()
    };
    match (var, op) {
        ("CI_PIPELINE_SOURCE", "==") => source_events(unquote(right)).map(events),
        ("CI_PIPELINE_SOURCE", "!=") => source_events(unquote(right)).map(|e| Allowed {
            not_events: Some(e),
            ..Allowed::default()
        }),
        ("CI_COMMIT_BRANCH" | "CI_COMMIT_REF_NAME", "!=") if default_branch => {
            Some(not_branch("main"))
        }
        ("CI_COMMIT_BRANCH" | "CI_COMMIT_REF_NAME", "!=") if right.starts_with(['"', '\'']) => {
            Some(not_branch(unquote(right)))
        }
        ("CI_COMMIT_TAG", "") | ("CI_COMMIT_TAG", "=~") => {
            Some(events(EventSet::of(&[Event::Tag])))
        }
        ("CI_MERGE_REQUEST_ID" | "CI_MERGE_REQUEST_IID", "") => {
            Some(events(EventSet::of(&[Event::PullRequest])))
        }
        ("CI_COMMIT_BRANCH", "") => Some(events(
            EventSet::all().minus(EventSet::of(&[Event::Tag, Event::PullRequest])),
        )),
        ("CI_PROJECT_PATH", "==") if right.starts_with(['"', '\'']) => Some(Allowed {
            repository: Some(vec![unquote(right).to_string()]),
            ..Allowed::default()
        }),
        ("CI_PROJECT_PATH", "!=") if right.starts_with(['"', '\'']) => Some(Allowed {
            not_repository: Some(vec![unquote(right).to_string()]),
            ..Allowed::default()
        }),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "!=") if right.starts_with(['"', '\'']) => {
            Some(Allowed {
                not_base: Some(vec![unquote(right).to_string()]),
                ..Allowed::default()
            })
        }
        // A target branch is a merge request's: the test implies the event.
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "==") if right.starts_with(['"', '\'']) => {
            Some(Allowed {
                events: Some(EventSet::of(&[Event::PullRequest])),
                base: Some(vec![unquote(right).to_string()]),
                ..Allowed::default()
            })
        }
        ("CI_COMMIT_BRANCH" | "CI_COMMIT_REF_NAME", "==") if default_branch => Some(branch("main")),
        ("CI_COMMIT_BRANCH" | "CI_COMMIT_REF_NAME", "==") if right.starts_with(['"', '\'']) => {
            Some(branch(unquote(right)))
        }
        _ => None,
    }
}

/// An `if:` made of `&&`/`||` of atoms (no parentheses across operators), as alternatives.
fn expression(text: &str) -> Option<Vec<Allowed>> {
    let mut alts = Vec::new();
    for alt in text.split("||") {
        let mut all = Allowed::default();
        for part in alt.split("&&") {
            let a = atom(part)?;
            if let Some(e) = a.events {
                all.events = Some(all.events.map_or(e, |x| x.intersect(e)));
            }
            if let Some(b) = a.branches {
                all.branches = Some(b);
            }
            if let Some(e) = a.not_events {
                all.not_events = Some(all.not_events.unwrap_or_default().union(e));
            }
            if let Some(b) = a.not_branches {
                all.not_branches.get_or_insert_with(Vec::new).extend(b);
            }
            if let Some(r) = a.not_repository {
                all.not_repository.get_or_insert_with(Vec::new).extend(r);
            }
            if let Some(b) = a.not_base {
                all.not_base.get_or_insert_with(Vec::new).extend(b);
            }
            all.default_branch |= a.default_branch;
            if a.repository.is_some() {
                all.repository = a.repository;
            }
            if a.base.is_some() {
                all.base = a.base;
            }
        }
        alts.push(all);
    }
    Some(alts)
}

/// The union of alternatives, when the spec's all-of `when` can say it: alternatives that
/// differ only in events (or only in branches) unite; a mix of a branch in one and an event
/// in another (`main` or a tag) cannot, and leaves the job unrestricted.
fn unite(alts: &[Allowed], g: &mut Gate) {
    if let [one] = alts {
        g.repository = one.repository.clone();
        g.base = one.base.clone();
    } else if alts
        .iter()
        .any(|a| a.repository.is_some() || a.base.is_some())
    {
        g.lost.push((
            "condition",
            "a `$CI_PROJECT_PATH` or target branch test in one of several rules: the job runs for every project and target branch the other rules allow".into(),
        ));
    }
    if let [one] = alts {
        // One alternative may exclude as well (`$CI_PIPELINE_SOURCE != "schedule"`).
        g.not_events = one.not_events;
        g.not_branches = one.not_branches.clone();
        g.not_repository = one.not_repository.clone();
        g.not_base = one.not_base.clone();
        g.default_branch |= one.default_branch;
    } else if alts.iter().any(|a| {
        a.not_events.is_some()
            || a.not_branches.is_some()
            || a.not_repository.is_some()
            || a.not_base.is_some()
    }) {
        g.lost.push((
            "negated-condition",
            "a `!=` test in one of several rules: the job runs wherever the other rules allow"
                .into(),
        ));
        return;
    }
    if alts.is_empty()
        || alts
            .iter()
            .any(|a| a.events.is_none() && a.branches.is_none())
    {
        return;
    }
    g.default_branch |= alts.iter().any(|a| a.default_branch);
    if let [one] = alts {
        g.events = one.events;
        g.branches = one.branches.clone();
    } else if alts.iter().all(|a| a.branches.is_none()) {
        g.events = alts
            .iter()
            .map(|a| a.events.unwrap_or_default())
            .reduce(EventSet::union);
    } else if alts.iter().all(|a| a.events.is_none()) {
        g.branches = Some(
            alts.iter()
                .flat_map(|a| a.branches.clone().unwrap_or_default())
                .collect(),
        );
    } else {
        g.lost.push(("condition", "rules that allow a branch in one rule and an event in another (the spec's conditions must all hold): the job runs for every branch and event".into()));
    }
}

/// Reads `rules:`: the first matching rule decides; the job runs for the union of the rules
/// that run it.
pub(crate) fn rules(rules: &[Value]) -> Gate {
    let mut g = Gate::default();
    let mut alts: Vec<Allowed> = Vec::new();
    let mut never_events: Option<EventSet> = None;
    let mut never_branches: Vec<String> = Vec::new();
    for r in rules {
        let when = r
            .get("when")
            .and_then(Value::as_str)
            .unwrap_or("on_success");
        let cond = r.get("if").and_then(Value::as_str);
        if let Some(ch) = r.get("changes") {
            let paths = match ch {
                Value::Mapping(_) => ch.get("paths").map(lines).unwrap_or_default(),
                other => lines(other),
            };
            for p in paths {
                if !g.changed.contains(&p) {
                    g.changed.push(p);
                }
            }
        }
        if r.get("exists").is_some() {
            g.lost.push((
                "condition",
                "`rules: exists:`: the job runs whether the files exist or not".into(),
            ));
        }
        match when {
            "never" => {
                // Before every rule that runs the job, a `never` rule of one test is an
                // exclusion: the job runs where a later rule allows and the test fails.
                let single = cond
                    .and_then(expression)
                    .filter(|a| alts.is_empty() && a.len() == 1)
                    .map(|mut a| a.remove(0))
                    .filter(|a| {
                        a.repository.is_none()
                            && a.base.is_none()
                            && a.not_events.is_none()
                            && a.not_branches.is_none()
                            && a.not_repository.is_none()
                            && a.not_base.is_none()
                            && (a.events.is_some() != a.branches.is_some())
                    });
                match single {
                    Some(a) => {
                        if let Some(e) = a.events {
                            never_events = Some(never_events.unwrap_or_default().union(e));
                        }
                        if let Some(b) = a.branches {
                            never_branches.extend(b);
                        }
                        g.default_branch |= a.default_branch;
                    }
                    None => g.lost.push((
                        "negated-condition",
                        format!(
                            "a `when: never` rule{}: the job also runs where it excluded",
                            cond.map(|c| format!(" (`{c}`)")).unwrap_or_default()
                        ),
                    )),
                }
                continue;
            }
            // A manual job wherever it runs: the spec's `manual: true` is the job's, not a rule's.
            "manual" => g.manual = true,
            "delayed" => {
                g.lost.push((
                    "manual-job",
                    format!("a `when: {when}` rule: the job runs without waiting"),
                ));
            }
            _ => {}
        }
        match cond {
            None => alts.push(Allowed::default()),
            Some(c) => match expression(c) {
                Some(a) => alts.extend(a),
                None => {
                    g.lost.push(("condition", format!("rule `if: {c}` (only the pipeline source, tags, branches, `$CI_PROJECT_PATH` and the merge request's target branch are typed): the job runs whenever the other rules allow")));
                }
            },
        }
    }
    unite(&alts, &mut g);
    if let Some(e) = never_events {
        g.not_events = Some(g.not_events.unwrap_or_default().union(e));
    }
    if !never_branches.is_empty() {
        g.not_branches
            .get_or_insert_with(Vec::new)
            .extend(never_branches);
    }
    g.events = g.events.filter(|e| !e.is_empty());
    g.branches = g.branches.filter(|b| !b.is_empty());
    g
}

/// Reads `only:`/`except:` (the older syntax).
pub(crate) fn only_except(only: Option<&Value>, except: Option<&Value>) -> Gate {
    let mut g = Gate::default();
    if let Some(o) = only {
        let (refs, changes) = match o {
            Value::Mapping(_) => (
                o.get("refs").map(lines).unwrap_or_default(),
                o.get("changes").map(lines).unwrap_or_default(),
            ),
            other => (lines(other), vec![]),
        };
        g.changed = changes;
        let mut events = EventSet::default();
        let mut branches = Vec::new();
        for r in refs {
            match r.as_str() {
                "branches" | "pushes" => events = events.union(EventSet::of(&[Event::Push])),
                "tags" => events.insert(Event::Tag),
                "merge_requests" | "external_pull_requests" => events.insert(Event::PullRequest),
                "schedules" => events.insert(Event::Schedule),
                "web" | "api" | "triggers" => events.insert(Event::Manual),
                b if !b.starts_with('/') => branches.push(b.to_string()),
                other => g
                    .lost
                    .push(("condition", format!("`only: {other}` (a ref pattern)"))),
            }
        }
        if !branches.is_empty() {
            events.insert(Event::Push);
            g.branches = Some(branches);
        }
        if !events.is_empty() {
            g.events = Some(events);
        }
    }
    if except.is_some() {
        g.lost.push((
            "negated-condition",
            "`except:`: the job also runs where it was excluded".into(),
        ));
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(yaml: &str) -> Gate {
        let v: Vec<Value> = serde_yaml::from_str(yaml).unwrap();
        rules(&v)
    }

    #[test]
    fn project_paths_and_target_branches_are_typed() {
        let g = r("- if: $CI_PROJECT_PATH == \"acme/widget\" && $CI_COMMIT_TAG\n");
        assert_eq!(g.repository, Some(vec!["acme/widget".to_string()]));
        assert_eq!(g.events.map(|e| e.names()).as_deref(), Some("tag"));
        let g = r("- if: $CI_MERGE_REQUEST_TARGET_BRANCH_NAME == \"main\"\n");
        assert_eq!(g.base, Some(vec!["main".to_string()]));
        assert_eq!(g.events.map(|e| e.names()).as_deref(), Some("pull_request"));
        let g = r("- if: $CI_PROJECT_PATH == \"a/b\"\n- if: $CI_COMMIT_TAG\n");
        assert_eq!(g.repository, None);
        assert_eq!(g.lost[0].0, "condition");
        // Negated, in a single rule: `when.not.repository` / `when.not.base`, no event implied.
        let g = r("- if: $CI_PROJECT_PATH != \"acme/widget\" && $CI_MERGE_REQUEST_TARGET_BRANCH_NAME != \"main\"\n");
        assert_eq!(g.not_repository, Some(vec!["acme/widget".to_string()]));
        assert_eq!(g.not_base, Some(vec!["main".to_string()]));
        assert_eq!(g.events, None);
        assert!(g.lost.is_empty(), "{:?}", g.lost);
        let g = r("- if: $CI_PROJECT_PATH != \"a/b\"\n- if: $CI_COMMIT_TAG\n");
        assert_eq!(g.not_repository, None);
        assert_eq!(g.lost[0].0, "negated-condition");
    }

    #[test]
    fn rules_become_events_branches_and_changes() {
        let g =
            r("- if: $CI_PIPELINE_SOURCE == \"schedule\"\n- if: $CI_PIPELINE_SOURCE == \"web\"\n");
        assert_eq!(
            g.events.map(|e| e.names()).as_deref(),
            Some("schedule, manual")
        );
        let g = r("- if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n");
        assert_eq!(g.branches, Some(vec!["main".to_string()]));
        assert!(g.default_branch);
        let g = r("- if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n- if: $CI_COMMIT_TAG\n");
        assert_eq!((g.branches, g.events), (None, None));
        assert_eq!(g.lost[0].0, "condition");
        let g = r("- if: $CI_COMMIT_TAG\n  when: manual\n");
        assert_eq!(g.events.map(|e| e.names()).as_deref(), Some("tag"));
        assert!(g.manual && g.lost.is_empty(), "{g:?}");
        let g = r("- changes: [src/**/*]\n");
        assert_eq!(
            (g.events, g.changed.as_slice()),
            (None, ["src/**/*".to_string()].as_slice())
        );
        let g = r("- if: $FOO == \"1\"\n  when: never\n- when: on_success\n");
        assert_eq!(g.lost[0].0, "negated-condition");
        let g = r("- if: $CI_PIPELINE_SOURCE == \"schedule\"\n  when: never\n- if: $CI_COMMIT_BRANCH == \"main\"\n  when: never\n- when: on_success\n");
        assert!(g.lost.is_empty(), "{:?}", g.lost);
        assert_eq!(g.not_events.map(|e| e.names()).as_deref(), Some("schedule"));
        assert_eq!(g.not_branches, Some(vec!["main".to_string()]));
        let g = r("- if: $CI_PIPELINE_SOURCE != \"schedule\" && $CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH\n");
        assert!(g.lost.is_empty(), "{:?}", g.lost);
        assert_eq!(g.not_events.map(|e| e.names()).as_deref(), Some("schedule"));
        assert_eq!(g.not_branches, Some(vec!["main".to_string()]));
        assert!(g.default_branch);
        let g = only_except(Some(&serde_yaml::from_str("[main, tags]").unwrap()), None);
        assert_eq!(g.branches, Some(vec!["main".to_string()]));
        assert_eq!(g.events.map(|e| e.names()).as_deref(), Some("push, tag"));
    }
}
