//! The steps of one GitHub job: checkout, toolchains, the cache, artifacts in, remote-only
//! setup, cigen, the run step, remote post steps, artifacts out. Every `uses:` comes from the pin table.

use super::context::{Entry, Step, Value};
use super::{run_env, text};
use crate::contract;
use crate::generate::{invocation, GenerateError};
use crate::model::{AllowFailure, Job, Pipeline, WorkflowOutput};
use crate::pins::{self, Pin};

fn uses(pin: &Pin, name: &str, with: Vec<Entry>) -> Step {
    Step {
        name: name.into(),
        id: None,
        condition: None,
        uses: Some(format!("{}@{}", pin.action, pin.sha)),
        pin_comment: Some(pin.version.clone()),
        with,
        env: vec![],
        run: None,
        shell: None,
        continue_on_error: None,
    }
}

fn flag(key: &str, on: bool) -> Entry {
    Entry {
        key: key.into(),
        value: Value::Bool(on),
        expr: false,
    }
}

fn run(name: &str, env: Vec<Entry>, command: String) -> Step {
    Step {
        name: name.into(),
        id: None,
        condition: None,
        uses: None,
        pin_comment: None,
        with: vec![],
        env,
        run: Some(command),
        shell: Some("bash".into()),
        continue_on_error: None,
    }
}

/// Artifact name for a job: `cigen.<job>` or, per matrix cell, `cigen.<job>.<index>`. Job
/// names cannot contain `.`, so `cigen.<job>.*` matches exactly that job's cells.
fn artifact_name(j: &Job) -> (String, bool) {
    let name = contract::artifact_name(&j.name);
    match j.matrix {
        Some(_) => (format!("{name}.${{{{ strategy.job-index }}}}"), true),
        None => (name, false),
    }
}

fn artifact_pattern(j: &Job) -> String {
    let name = contract::artifact_name(&j.name);
    match j.matrix {
        Some(_) => format!("{name}.*"),
        None => name,
    }
}

/// A toolchain version: the spec's, or `${{ matrix.<tool> }}` when the job's matrix has an
/// axis named after the tool (so `matrix: { node: [20, 22] }` tests each Node version).
fn version(j: &Job, key: &str, tool: &str, v: &str) -> Entry {
    if j.matrix.as_ref().is_some_and(|m| m.has_key(tool)) {
        Entry {
            key: key.into(),
            value: Value::Text(format!("${{{{ matrix.{tool} }}}}")),
            expr: true,
        }
    } else {
        text(key, v)
    }
}

/// Toolchains from `setup:`. Rust uses `rustup` (present on GitHub runners) in a run step;
/// the version reaches the shell through `env:`.
fn toolchains(t: &WorkflowOutput, j: &Job) -> Vec<Step> {
    let s = &j.setup;
    let mut out = Vec::new();
    if let Some(v) = &s.python {
        out.push(uses(
            &t.pins.required(pins::SETUP_PYTHON),
            "Set up Python",
            vec![version(j, "python-version", "python", &v.0)],
        ));
    }
    if let Some(v) = &s.uv {
        // No cache: restoring caches written by other refs is a poisoning risk for release runs.
        out.push(uses(
            &t.pins.required(pins::SETUP_UV),
            "Set up uv",
            vec![text("version", v.0.clone()), flag("enable-cache", false)],
        ));
    }
    if let Some(v) = &s.node {
        let mut with = vec![
            version(j, "node-version", "node", &v.0),
            flag("package-manager-cache", false),
        ];
        if let Some(url) = &s.node_registry {
            with.push(text("registry-url", url.clone()));
        }
        out.push(uses(
            &t.pins.required(pins::SETUP_NODE),
            "Set up Node.js",
            with,
        ));
    }
    if let Some(v) = &s.go {
        out.push(uses(
            &t.pins.required(pins::SETUP_GO),
            "Set up Go",
            vec![version(j, "go-version", "go", &v.0), flag("cache", false)],
        ));
    }
    if let Some(v) = &s.java {
        out.push(uses(
            &t.pins.required(pins::SETUP_JAVA),
            "Set up Java",
            vec![
                text("distribution", "temurin"),
                version(j, "java-version", "java", &v.0),
            ],
        ));
    }
    if let Some(v) = &s.rust {
        let mut env = vec![version(j, "RUST_TOOLCHAIN", "rust", &v.0)];
        let mut cmd = String::from(
            "rustup toolchain install \"$RUST_TOOLCHAIN\" --profile minimal --no-self-update",
        );
        if !s.rust_components.is_empty() {
            env.push(text("RUST_COMPONENTS", s.rust_components.join(",")));
            cmd.push_str(" --component \"$RUST_COMPONENTS\"");
        }
        cmd.push_str(" && rustup default \"$RUST_TOOLCHAIN\"");
        out.push(run("Set up Rust", env, cmd));
    }
    out
}

/// Remote-only setup from `targets.github.setup.<job>`, pinned from the table unless the spec
/// pinned it itself.
fn remote_setup(t: &WorkflowOutput, j: &Job) -> Result<Vec<Step>, GenerateError> {
    let mut out = Vec::new();
    for (i, a) in t.setup.get(&j.name).into_iter().flatten().enumerate() {
        let Some(action) = &a.uses else { continue };
        out.push(super::remote::action(
            t,
            "setup",
            &j.name,
            i,
            a.name.as_deref(),
            action,
            &a.with,
        )?);
    }
    Ok(out)
}

/// The step that installs cigen: the action with an exact `version`, or, with `cigen_build`,
/// a build step followed by the action with `binary` (it checks the binary runs and puts it
/// on PATH).
fn install_cigen(t: &WorkflowOutput) -> Vec<Step> {
    let mut out = Vec::new();
    let with = match &t.cigen_build {
        Some(b) => {
            out.push(run("Build cigen", vec![], b.run.clone()));
            vec![text("binary", b.binary.clone())]
        }
        None => vec![text(
            "version",
            pins::cigen_version(t.cigen_version.as_deref()),
        )],
    };
    out.push(match &t.action {
        Some(a) => Step {
            name: "Install cigen".into(),
            id: None,
            condition: None,
            uses: Some(a.clone()),
            pin_comment: Some("pinned in the spec".into()),
            with,
            env: vec![],
            run: None,
            shell: None,
            continue_on_error: None,
        },
        None => uses(&t.pins.required(pins::CIGEN), "Install cigen", with),
    });
    out
}

pub(super) fn steps(p: &Pipeline, t: &WorkflowOutput, j: &Job) -> Result<Vec<Step>, GenerateError> {
    let mut checkout = vec![flag("persist-credentials", false)];
    if j.needs_history() {
        // `full_history`, or change detection comparing against the base commit.
        checkout.push(Entry {
            key: "fetch-depth".into(),
            value: Value::Number(0),
            expr: false,
        });
    }
    let mut out = vec![uses(
        &t.pins.required(pins::CHECKOUT),
        "Check out",
        checkout,
    )];
    out.extend(toolchains(t, j));
    super::cache::enable_setup_caches(&mut out, j);
    out.extend(super::cache::step(t, j));
    for need in &j.needs {
        if let Some(n) = p.jobs.get(need).filter(|n| !n.artifacts.is_empty()) {
            out.push(uses(
                &t.pins.required(pins::DOWNLOAD_ARTIFACT),
                &format!("Download artifacts of {need}"),
                vec![
                    text("pattern", artifact_pattern(n)),
                    flag("merge-multiple", true),
                ],
            ));
        }
    }
    let remote = remote_setup(t, j)?;
    let post = super::remote::post(t, j)?;
    // A job with no steps of its own is only its remote steps here: nothing for cigen to run.
    let remote_only =
        j.steps.is_empty() && j.outputs.is_empty() && !(remote.is_empty() && post.is_empty());
    out.extend(remote);
    if !remote_only {
        out.extend(install_cigen(t));
        let mut run_step = run(
            &format!("cigen run {}", j.name),
            run_env(p, j),
            format!(
                "exec {}",
                invocation::cigen_run(j, invocation::CellFrom::GithubJson)
            ),
        );
        run_step.id = Some(contract::GITHUB_RUN_STEP_ID.into());
        // On the step, not the job: the job then succeeds for its dependents everywhere (act
        // and Forgejo's runner ignore a job-level `continue-on-error`), and the failed step
        // still shows.
        run_step.continue_on_error = match &j.allow_failure {
            AllowFailure::None => None,
            AllowFailure::All => Some("true".into()),
            AllowFailure::Cells(_) => Some(format!(
                "${{{{ matrix.{} }}}}",
                contract::GITHUB_ALLOW_FAILURE_KEY
            )),
        };
        out.push(run_step);
    }
    out.extend(post);
    if !j.artifacts.is_empty() {
        let (name, is_expr) = artifact_name(j);
        // The spec file sits at the workspace root, so listing it keeps the artifact rooted
        // there: upload-artifact strips the paths' common ancestor, and dependents download
        // into the workspace root.
        let mut paths = vec![p.spec_file.clone()];
        paths.extend(j.artifacts.iter().cloned());
        let mut up = uses(
            &t.pins.required(pins::UPLOAD_ARTIFACT),
            "Upload artifacts",
            vec![
                Entry {
                    key: "name".into(),
                    value: Value::Text(name),
                    expr: is_expr,
                },
                text("path", paths.join("\n")),
                flag("include-hidden-files", true),
            ],
        );
        up.condition = Some("!cancelled()".into());
        out.push(up);
    }
    if !j.reports.paths().is_empty() {
        // GitHub reads no JUnit or coverage file itself: the files are kept for download
        // (and for actions the spec adds after the run), also when the run failed. A missing
        // one is `cigen run`'s warning already, so the upload does not warn again.
        let name = contract::reports_artifact_name(&j.name);
        let (name, is_expr) = match j.matrix {
            Some(_) => (format!("{name}.${{{{ strategy.job-index }}}}"), true),
            None => (name, false),
        };
        let mut up = uses(
            &t.pins.required(pins::UPLOAD_ARTIFACT),
            "Upload reports",
            vec![
                Entry {
                    key: "name".into(),
                    value: Value::Text(name),
                    expr: is_expr,
                },
                text("path", j.reports.paths().join("\n")),
                text("if-no-files-found", "ignore"),
            ],
        );
        up.condition = Some("!cancelled()".into());
        out.push(up);
    }
    if let Some(base) = &t.actions_url {
        // Forgejo resolves `owner/repo@sha` against the instance's DEFAULT_ACTIONS_URL, which
        // may be a mirror without the pinned commit; a full URL names the source itself.
        for s in &mut out {
            if let Some(u) = s.uses.as_mut().filter(|u| !u.starts_with("./")) {
                *u = format!("{base}/{u}");
            }
        }
    }
    Ok(out)
}
