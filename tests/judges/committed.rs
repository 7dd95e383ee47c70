//! Every judge on every committed output: each example's generated files and this
//! repository's own (`action.yml`, and its workflows, pipeline and justfile when present).

use super::outputs::{committed, example_dirs, Outputs};
use super::tool::{judge, Complaints, Judge};
use super::verdicts;

/// Runs `each` over every committed output set and reports all complaints at once.
fn judge_all(name: &str, each: impl Fn(&Judge, &Outputs, &mut Complaints)) {
    let Some(j) = judge(name) else { return };
    let all = committed();
    assert!(!all.is_empty(), "no committed outputs found to judge");
    let mut c = Complaints::default();
    for o in &all {
        eprintln!("{name}: judging {}", o.label());
        each(&j, o, &mut c);
    }
    assert!(
        c.verdicts() > 0,
        "{name} found nothing to judge in the committed outputs"
    );
    c.finish(&format!("{name} on committed outputs"));
}

#[test]
fn every_example_has_all_three_outputs() {
    let dirs = example_dirs();
    assert!(dirs.len() >= 4, "{dirs:?}");
    for d in dirs {
        let o = Outputs::find(&d);
        assert!(
            o.workflows.len() == 1 && o.gitlab.is_some() && o.justfiles.len() == 1,
            "{} lacks generated outputs (run cigen generate there): {o:?}",
            o.label()
        );
    }
}

#[test]
fn actionlint_on_committed_workflows() {
    judge_all("actionlint", verdicts::actionlint);
}

#[test]
fn zizmor_regular_finds_nothing_in_committed_outputs() {
    judge_all("zizmor", |j, o, c| verdicts::zizmor(j, "regular", o, c));
}

#[test]
fn zizmor_pedantic_finds_nothing_in_committed_outputs() {
    judge_all("zizmor", |j, o, c| verdicts::zizmor(j, "pedantic", o, c));
}

#[test]
fn committed_outputs_match_their_json_schemas() {
    judge_all("check-jsonschema", verdicts::schemas);
}

#[test]
fn yamllint_on_committed_outputs() {
    judge_all("yamllint", verdicts::yamllint);
}

#[test]
fn just_formats_and_summarises_committed_justfiles() {
    judge_all("just", verdicts::just);
}

#[test]
fn gitlab_ci_local_lists_and_validates_committed_pipelines() {
    judge_all("gitlab-ci-local", verdicts::gitlab_ci_local);
}
