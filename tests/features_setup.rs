//! Per-job toolchains (issue 9, item 3): a job's own `setup:` replaces the spec-wide one in
//! `cigen run`'s toolchain selection and pre-flight, in the GitHub steps and the GitLab image
//! and install lines; `setup: {}` drops it; a job of remote steps only needs no steps.

use serde_yaml::Value;

use crate::features::{check, generated};
use crate::test::Test;

fn job<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc.get("jobs")
        .and_then(|j| j.get(name))
        .or_else(|| doc.get(name))
        .unwrap_or_else(|| panic!("no job `{name}` in\n{doc:?}"))
}

/// The `uses:` actions (without the pin) and run-step names of a GitHub job.
fn github_steps(doc: &Value, name: &str) -> Vec<String> {
    job(doc, name)["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .map(|s| match s.get("uses").and_then(Value::as_str) {
            Some(u) => u.split('@').next().unwrap_or(u).to_string(),
            None => s["name"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

fn lines(v: &Value) -> Vec<String> {
    v.as_sequence()
        .map(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_job_setup_replaces_the_spec_setup_locally() {
    // The spec asks for a Python no machine has; the jobs with their own setup never look
    // for it, the job without one fails on it.
    let spec = r#"
        version: 1
        setup: { python: "9.99" }
        jobs:
          spec-wide:
            steps: [echo spec-wide]
          own:
            setup: { uv: "0.0.2" }
            steps: [echo own-setup]
          none:
            setup: {}
            steps: [echo no-setup]
        "#;
    Test::new()
        .spec(spec)
        .args(["run", "none", "--log-format", "json"])
        .status(0)
        .printed(&["no-setup"])
        .assert();
    // `own` wants uv 0.0.2 (a tool cigen does not select): the pre-flight warns about it,
    // and only about it.
    let out = Test::new()
        .spec(spec)
        .args(["run", "own", "--log-format", "json"])
        .status(0)
        .stderr_has("0.0.2")
        .printed(&["own-setup"])
        .assert();
    assert!(!out.stderr.contains("9.99"), "{}", out.stderr);
    Test::new()
        .spec(spec)
        .args(["run", "spec-wide"])
        .status(1)
        .stdout_has("python 9.99 is not installed")
        .assert();
}

#[test]
fn generated_jobs_install_only_their_own_toolchains() {
    let spec = r#"
        version: 1
        setup: { python: "3.13", uv: "0.9" }
        jobs:
          test:
            steps: [pytest]
          miri:
            setup: { rust: nightly, rust_components: [miri] }
            steps: [cargo miri test]
          msrv:
            setup: { rust: "1.85" }
            steps: [cargo check]
          bare:
            setup: {}
            steps: [echo bare]
        targets:
          github: {}
          gitlab: { install: present }
        "#;
    let (github, gitlab, _) = generated(spec);
    let step_names = |name| github_steps(&github, name);
    assert_eq!(
        step_names("test"),
        [
            "actions/checkout",
            "actions/setup-python",
            "astral-sh/setup-uv",
            "cigen-dev/cigen",
            "cigen run test"
        ]
    );
    assert_eq!(
        step_names("miri"),
        [
            "actions/checkout",
            "Set up Rust",
            "cigen-dev/cigen",
            "cigen run miri"
        ]
    );
    let rust = &job(&github, "miri")["steps"][1]["env"];
    assert_eq!(rust["RUST_TOOLCHAIN"].as_str(), Some("nightly"));
    assert_eq!(rust["RUST_COMPONENTS"].as_str(), Some("miri"));
    assert_eq!(
        step_names("bare"),
        ["actions/checkout", "cigen-dev/cigen", "cigen run bare"]
    );
    // GitLab: the image follows the job's own toolchain; a job without one gets none.
    assert_eq!(
        job(&gitlab, "test")["image"].as_str(),
        Some("python:3.13-slim")
    );
    assert_eq!(
        job(&gitlab, "miri")["image"].as_str(),
        Some("rustlang/rust:nightly")
    );
    assert_eq!(job(&gitlab, "msrv")["image"].as_str(), Some("rust:1.85"));
    assert_eq!(job(&gitlab, "bare").get("image"), None);
    let miri = lines(&job(&gitlab, "miri")["before_script"]).join("\n");
    assert!(miri.contains("miri") && !miri.contains("uv"), "{miri}");
    assert!(
        lines(&job(&gitlab, "test")["before_script"])
            .iter()
            .any(|l| l.contains("uv")),
        "the spec-wide setup still reaches jobs without their own"
    );
    // `install: present` only checks cigen is there; no toolchain line follows.
    assert_eq!(
        lines(&job(&gitlab, "bare")["before_script"]),
        ["cigen --version"]
    );
}

#[test]
fn a_job_of_remote_steps_only_needs_no_steps_and_no_cigen() {
    let spec = r#"
        version: 1
        setup: { python: "3.13", uv: "0.9" }
        jobs:
          build:
            steps: [echo build]
          publish:
            needs: [build]
            setup: {}
        targets:
          github:
            setup:
              publish:
                - uses: actions/attest-build-provenance
                  with: { subject-path: "dist/*" }
          gitlab:
            install: present
            before_script:
              publish: ["echo publish from gitlab"]
          just: {}
        "#;
    assert_eq!(check(spec).0, 0, "{}", check(spec).1);
    let (github, gitlab, justfile) = generated(spec);
    assert_eq!(
        github_steps(&github, "publish"),
        ["actions/checkout", "actions/attest-build-provenance"]
    );
    assert_eq!(
        lines(&job(&gitlab, "publish")["script"]),
        ["echo publish from gitlab"]
    );
    assert_eq!(job(&gitlab, "publish").get("before_script"), None);
    assert!(justfile.contains("cigen run publish"), "{justfile}");
    // Locally there is nothing of its own to run: it passes after its need.
    Test::new()
        .spec(spec)
        .args(["run", "publish", "--log-format", "json"])
        .status(0)
        .printed(&["build"])
        .assert();

    Test::new()
        .spec(spec)
        .args(["run", "publish", "--dry-run"])
        .status(0)
        .stdout_has("no steps of its own: its remote steps run only in CI")
        .assert();

    // Without remote steps anywhere, an empty job is still a mistake.
    let bare = r#"
        version: 1
        jobs:
          publish:
            setup: {}
        "#;
    let (code, stderr) = check(bare);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[no-steps]") && stderr.contains("targets.github.setup.<job>"),
        "{stderr}"
    );
}
