//! How job results count (issue 9): allowed failures, jobs that run after failed needs
//! (`when.needs`) under fail-fast and `--keep-going`, and manual jobs nobody asked for.

use super::*;
use crate::spec::NeedsResult;

/// Units named in `failing` fail, the rest pass.
fn failing<'a>(p: &'a Plan, failing: &'a [&str]) -> impl Fn(UnitId) -> UnitResult + 'a {
    move |id| {
        result(if failing.contains(&p.units[id].job.as_str()) {
            UnitStatus::Failed
        } else {
            UnitStatus::Passed
        })
    }
}

fn statuses(p: &Plan, s: &Summary) -> Vec<String> {
    p.units
        .iter()
        .zip(&s.results)
        .map(|(u, r)| format!("{} {}", u.label, r.status.as_str()))
        .collect()
}

#[test]
fn an_allowed_failure_stops_nothing_and_satisfies_dependents() {
    let mut p = plan(&[("a", &[]), ("b", &["a"]), ("c", &[])]);
    p.units[0].policy.allow_failure = true;
    let s = {
        let f = failing(&p, &["a"]);
        run_plan(&p, 1, false, &|id, _, _, _| f(id)).1
    };
    assert_eq!(
        statuses(&p, &s),
        ["a failed-allowed", "b passed", "c passed"]
    );
    // The same job without it: fail-fast, b skipped, c never started.
    p.units[0].policy.allow_failure = false;
    let f = failing(&p, &["a"]);
    let (_, s) = run_plan(&p, 1, false, &|id, _, _, _| f(id));
    assert_eq!(statuses(&p, &s), ["a failed", "b skipped", "c skipped"]);
}

#[test]
fn always_runs_after_a_failure_even_fail_fast_and_holds_its_dependents_back() {
    // d is independent and after `a` in plan order: fail-fast never starts it.
    let mut p = plan(&[
        ("a", &[]),
        ("report", &["a"]),
        ("below", &["report"]),
        ("d", &[]),
    ]);
    p.units[1].policy.after = NeedsResult::Always;
    let f = failing(&p, &["a"]);
    let (_, s) = run_plan(&p, 1, false, &|id, _, _, _| f(id));
    assert_eq!(
        statuses(&p, &s),
        ["a failed", "report passed", "below skipped", "d skipped"]
    );
    // --keep-going: d runs as well; the rest is the same.
    let (_, s) = run_plan(&p, 1, true, &|id, _, _, _| f(id));
    assert_eq!(
        statuses(&p, &s),
        ["a failed", "report passed", "below skipped", "d passed"]
    );
    assert_eq!(
        s.results[2].reason.as_deref(),
        Some("needs `report`, which ran after its needs did not succeed (when.needs)")
    );
    // Nothing failed: it runs as any job, and so does what is below it.
    let (_, s) = run_plan(&p, 1, false, &|_, _, _, _| result(UnitStatus::Passed));
    assert_eq!(
        statuses(&p, &s),
        ["a passed", "report passed", "below passed", "d passed"]
    );
}

#[test]
fn failure_runs_only_when_a_need_failed_or_was_skipped_below_a_failure() {
    let mut p = plan(&[
        ("a", &[]),
        ("b", &["a"]),
        ("notify", &["b"]),
        ("next", &["notify"]),
    ]);
    p.units[2].policy.after = NeedsResult::Failure;
    let (_, s) = run_plan(&p, 1, true, &|_, _, _, _| result(UnitStatus::Passed));
    assert_eq!(
        statuses(&p, &s),
        ["a passed", "b passed", "notify skipped", "next passed"],
        "skipped by its own condition, it lets `next` run"
    );
    assert_eq!(
        s.results[2].reason.as_deref(),
        Some("runs only when a need failed (when.needs: failure)")
    );
    let f = failing(&p, &["a"]);
    let (_, s) = run_plan(&p, 1, false, &|id, _, _, _| f(id));
    assert_eq!(
        statuses(&p, &s),
        ["a failed", "b skipped", "notify passed", "next skipped"]
    );
}

#[test]
fn a_failure_job_without_needs_in_the_plan_runs() {
    // `cigen run notify --no-deps`, as a CI runner calls it after the provider decided.
    let mut p = plan(&[("notify", &[])]);
    p.units[0].policy.after = NeedsResult::Failure;
    let (_, s) = run_plan(&p, 1, false, &|_, _, _, _| result(UnitStatus::Passed));
    assert_eq!(statuses(&p, &s), ["notify passed"]);
}

#[test]
fn an_allowed_failure_is_no_failure_to_a_failure_job() {
    let mut p = plan(&[("a", &[]), ("notify", &["a"])]);
    p.units[0].policy.allow_failure = true;
    p.units[1].policy.after = NeedsResult::Failure;
    let f = failing(&p, &["a"]);
    let (_, s) = run_plan(&p, 1, false, &|id, _, _, _| f(id));
    assert_eq!(statuses(&p, &s), ["a failed-allowed", "notify skipped"]);
}

#[test]
fn always_waits_for_needs_that_fail_fast_cancels() {
    // b runs beside a and is cancelled when a fails; report waits for both.
    let mut p = plan(&[("a", &[]), ("b", &[]), ("report", &["a", "b"])]);
    p.units[2].policy.after = NeedsResult::Always;
    let (_, s) = run_plan(&p, 2, false, &|id, _, cancel, _| match id {
        0 => result(UnitStatus::Failed),
        1 => until_cancelled(cancel),
        _ => result(UnitStatus::Passed),
    });
    assert_eq!(
        statuses(&p, &s),
        ["a failed", "b cancelled", "report passed"]
    );
}

#[test]
fn a_manual_job_nobody_asked_for_holds_its_dependents_back() {
    let mut p = plan(&[
        ("deploy", &[]),
        ("smoke", &["deploy"]),
        ("notes", &["deploy"]),
    ]);
    p.units[0].verdict = Verdict::Skip("manual job".into());
    p.units[0].policy.manual_unrun = true;
    p.units[2].policy.after = NeedsResult::Always;
    let (_, s) = run_plan(&p, 1, false, &|_, _, _, _| result(UnitStatus::Passed));
    assert_eq!(
        statuses(&p, &s),
        ["deploy skipped", "smoke skipped", "notes passed"]
    );
    assert_eq!(
        s.results[1].reason.as_deref(),
        Some("needs `deploy`, a manual job that was not run")
    );
}
