//! The static judges, one function each, applied to one set of outputs: actionlint, zizmor,
//! check-jsonschema, yamllint, just, and gitlab-ci-local's `--list` and dependency check.

use std::ffi::OsString;
use std::path::Path;

use super::outputs::Outputs;
use super::repo::{Forge, TempRepo};
use super::tool::{judges, Complaints, Judge};
use crate::test::repo_root;

fn args(pre: &[&str], files: &[impl AsRef<Path>]) -> Vec<OsString> {
    let mut v: Vec<OsString> = pre.iter().map(OsString::from).collect();
    v.extend(files.iter().map(|f| f.as_ref().as_os_str().to_owned()));
    v
}

/// actionlint on every workflow, named explicitly (without names it searches a git root);
/// shellcheck is on its PATH, so `run:` scripts are checked too.
pub fn actionlint(j: &Judge, o: &Outputs, c: &mut Complaints) {
    if !o.workflows.is_empty() {
        c.check(&j.run(&o.root, args(&["-no-color", "-oneline"], &o.workflows)));
    }
}

/// zizmor offline at one persona, on workflows and actions: zero findings.
pub fn zizmor(j: &Judge, persona: &str, o: &Outputs, c: &mut Complaints) {
    let mut files = o.workflows.clone();
    files.extend(o.actions.iter().cloned());
    if files.is_empty() {
        return;
    }
    let v = j.run(
        &o.root,
        args(
            &[
                "--offline",
                "--no-config",
                "--no-progress",
                "--persona",
                persona,
            ],
            &files,
        ),
    );
    // Exit 0 alone is not enough: the summary line is what says "zero findings".
    if c.check(&v) && !v.stdout.contains("No findings to report") {
        c.add(format!(
            "zizmor exited 0 without saying \"No findings to report\":\n{}",
            v.report()
        ));
    }
}

/// check-jsonschema with its vendored schemas: GitHub workflow, require-timeout, GitHub
/// action, GitLab CI.
pub fn schemas(j: &Judge, o: &Outputs, c: &mut Complaints) {
    if !o.workflows.is_empty() {
        for schema in [
            "vendor.github-workflows",
            "custom.github-workflows-require-timeout",
        ] {
            c.check(&j.run(&o.root, args(&["--builtin-schema", schema], &o.workflows)));
        }
    }
    if !o.actions.is_empty() {
        c.check(&j.run(
            &o.root,
            args(&["--builtin-schema", "vendor.github-actions"], &o.actions),
        ));
    }
    if let Some(gitlab) = &o.gitlab {
        let pre = [
            "--builtin-schema",
            "vendor.gitlab-ci",
            "--data-transform",
            "gitlab-ci",
            "--regex-variant",
            "nonunicode",
        ];
        c.check(&j.run(&o.root, args(&pre, &[gitlab])));
    }
}

/// yamllint with the committed relaxed config (`tests/judges/yamllint.yaml`).
pub fn yamllint(j: &Judge, o: &Outputs, c: &mut Complaints) {
    let files = o.yaml_files();
    if files.is_empty() {
        return;
    }
    let config = repo_root().join("tests/judges/yamllint.yaml");
    let pre = [
        "-s",
        "-f",
        "parsable",
        "-c",
        config.to_str().expect("UTF-8 path"),
    ];
    c.check(&j.run(&o.root, args(&pre, &files)));
}

/// `just --fmt --check` (stable since just 1.x, no `--unstable` needed in 1.59) and
/// `just --summary` on every justfile.
pub fn just(j: &Judge, o: &Outputs, c: &mut Complaints) {
    for f in &o.justfiles {
        let file = f.as_os_str().to_owned();
        c.check(&j.run(
            &o.root,
            [
                OsString::from("--justfile"),
                file.clone(),
                "--fmt".into(),
                "--check".into(),
            ],
        ));
        c.check(&j.run(
            &o.root,
            [OsString::from("--justfile"), file, "--summary".into()],
        ));
    }
}

/// gitlab-ci-local `--list` and `--validate-dependency-chain`, on a copy in a temporary git
/// repository (it writes `.gitlab-ci-local/` into the repository it reads).
pub fn gitlab_ci_local(j: &Judge, o: &Outputs, c: &mut Complaints) {
    if o.gitlab.is_none() {
        return;
    }
    let repo = TempRepo::copy_of(&o.root, Forge::Gitlab);
    for flag in ["--list", "--validate-dependency-chain"] {
        let mut cmd = j.command();
        cmd.arg(flag)
            .current_dir(repo.path())
            .env("HOME", repo.path());
        c.check(&super::tool::Verdict::of("gitlab-ci-local", cmd));
    }
}

/// Every static judge on one set of outputs; panics listing every complaint under `what`.
/// Returns `just` for extra checks, or `None` when a judge is missing (a skip outside CI).
/// [`every`] judge on the outputs of `repo`, which must be one workflow, a GitLab pipeline
/// and a justfile.
pub fn every_of_three(repo: &std::path::Path, what: &str) -> Option<Judge> {
    let o = Outputs::find(repo);
    assert_eq!(
        (o.workflows.len(), o.gitlab.is_some(), o.justfiles.len()),
        (1, true, 1),
        "{o:?}"
    );
    every(&o, what)
}

pub fn every(o: &Outputs, what: &str) -> Option<Judge> {
    let [lint, ziz, schema, yaml, just, glci] = judges([
        "actionlint",
        "zizmor",
        "check-jsonschema",
        "yamllint",
        "just",
        "gitlab-ci-local",
    ])?;
    let mut c = Complaints::default();
    actionlint(&lint, o, &mut c);
    zizmor(&ziz, "regular", o, &mut c);
    zizmor(&ziz, "pedantic", o, &mut c);
    schemas(&schema, o, &mut c);
    yamllint(&yaml, o, &mut c);
    self::just(&just, o, &mut c);
    gitlab_ci_local(&glci, o, &mut c);
    c.finish(what);
    Some(just)
}
