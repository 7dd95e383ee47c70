//! GitHub Actions written into a cigen spec: each habit gets one diagnostic that shows the
//! cigen way, where the generic walk would report something beside the point (`on:` → "did
//! you mean `env`?"), or several errors for one mistake (a `uses:` step lacks `run`, `with`
//! is unknown), or nothing at all (`steps:` indented under `matrix:` becomes an axis).

use crate::diagnostic::Diagnostic;
use crate::source::{MapEntry, Node, NodeKind, PathSegment, YamlPath};

/// Where in the document a path points, for the places these habits show up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place<'p> {
    Root,
    Job(&'p str),
    Step(&'p str),
    Matrix(&'p str),
    Trigger(&'p str),
    Other,
}

pub(super) fn place(path: &YamlPath) -> Place<'_> {
    use PathSegment::{Index, Key};
    match path.0.as_slice() {
        [] => Place::Root,
        [Key(j), Key(job)] if j == "jobs" => Place::Job(job),
        [Key(j), Key(job), Key(s), Index(_)] if j == "jobs" && s == "steps" => Place::Step(job),
        [Key(j), Key(job), Key(m)] if j == "jobs" && m == "matrix" => Place::Matrix(job),
        [Key(t), Key(event)] if t == "triggers" => Place::Trigger(event),
        _ => Place::Other,
    }
}

/// The flow-style text of a scalar or a list of scalars (`"src/**", "!docs/**"`), quoted.
fn quoted_items(node: &Node) -> Vec<String> {
    let one = |n: &Node| n.as_str().map(|s| format!("\"{s}\""));
    match &node.kind {
        NodeKind::Seq(items) => items.iter().filter_map(one).collect(),
        NodeKind::Scalar { .. } => one(node).into_iter().collect(),
        NodeKind::Map(_) => Vec::new(),
    }
}

/// Help for a key the schema does not know here, when it is another CI system's habit. Comes
/// before "did you mean": `on` is one edit from `env`, but the author meant triggers.
pub(super) fn unknown_key_help(path: &YamlPath, key: &str, value: &Node) -> Option<String> {
    let help = match (place(path), key) {
        (Place::Root, "on") => "events that start the pipeline go under `triggers:` (`push`, `pull_request`, `schedule`, `manual`)".to_string(),
        (Place::Trigger(_), "paths" | "paths-ignore") => {
            let mut patterns = quoted_items(value);
            if key == "paths-ignore" {
                patterns = std::iter::once("\"**\"".to_string())
                    .chain(patterns.iter().map(|p| format!("\"!{}", p.trim_start_matches('"'))))
                    .collect();
            }
            if patterns.is_empty() {
                patterns.push("\"src/**\"".into());
            }
            format!(
                "cigen starts the pipeline for every push, and each job skips itself when nothing relevant changed (so required checks still report): `when: {{ changed: [{}] }}` on the jobs",
                patterns.join(", ")
            )
        }
        (Place::Job(_), "strategy") => "write `matrix:` on the job itself, beside `steps:` (`matrix: { python: [\"3.12\", \"3.13\"] }`); a failing cell cancels the others unless the job says `fail_fast: false` (GitHub's `fail-fast`)".to_string(),
        (Place::Job(_), "continue-on-error") => "a failing job fails the pipeline in cigen; to tolerate a command's failure, write it into the command (`run: ./flaky-check || true`); locally `cigen run --keep-going` runs independent jobs after a failure".to_string(),
        (Place::Step(_), "continue-on-error") => "to tolerate this command's failure, write it into the command: `run: ./flaky-check || true`".to_string(),
        (Place::Job(_) | Place::Step(_), "timeout-minutes") => match value.as_str() {
            Some(n) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
                format!("write `timeout: {n}m`")
            }
            _ => "write `timeout: 10m`".to_string(),
        },
        _ => return None,
    };
    Some(help)
}

/// A service as cigen writes it for an image reference (`postgres:16`, `bitnami/redis`):
/// named after the image, without registry, path or tag.
fn service_entry(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let name = base.split([':', '@']).next().unwrap_or(base);
    let name = if name.is_empty() { "db" } else { name };
    format!("{name}: {{ image: \"{image}\" }}")
}

/// Help for a value of the wrong type, when it is another CI system's way of writing it
/// (GitHub's `runs-on`, GitLab's and Compose's services as bare images).
pub(super) fn type_help(path: &YamlPath, field: Option<&str>, node: &Node) -> Option<String> {
    use PathSegment::Key;
    // `services: { db: postgres:16 }`: the image alone where cigen wants the service's keys.
    if let ([Key(j), Key(_), Key(s), Key(name)], Some(image)) = (path.0.as_slice(), node.as_str()) {
        if j == "jobs" && s == "services" {
            return Some(format!(
                "a service is a mapping with its `image:` (and `env:`, `ports:` ...), e.g. `{name}: {{ image: \"{image}\" }}`"
            ));
        }
    }
    let parent = YamlPath(path.0[..path.0.len().checked_sub(1)?].to_vec());
    match (place(&parent), field?) {
        (Place::Job(_), "cache") if !matches!(node.kind, NodeKind::Map(_)) && !node.is_null() => {
            // GitLab's `cache: { paths: [...] }` without its key, or the paths alone.
            let paths = quoted_items(node);
            let paths = if paths.is_empty() {
                "node_modules".to_string()
            } else {
                paths.join(", ")
            };
            let files = if paths.contains("node_modules") {
                "package-lock.json"
            } else {
                "<the lockfile>"
            };
            Some(format!(
                "a cache names its `paths:` and the `files:` whose content keys it: `cache: {{ paths: [{paths}], files: [{files}] }}`"
            ))
        }
        (Place::Job(_), "services") if !node.is_null() => {
            // GitLab's (and Compose's) list of images: name each service.
            let entries: Vec<String> = match &node.kind {
                NodeKind::Seq(items) => items
                    .iter()
                    .filter_map(Node::as_str)
                    .map(service_entry)
                    .collect(),
                NodeKind::Scalar { .. } => node.as_str().map(service_entry).into_iter().collect(),
                _ => Vec::new(),
            };
            let example = if entries.is_empty() {
                service_entry("postgres:16")
            } else {
                entries.join(", ")
            };
            Some(format!(
                "services are named, each with its `image:`: `services: {{ {example} }}`"
            ))
        }
        (Place::Job(_), "runs-on") => {
            let labels = quoted_items(node);
            let value = match labels.len() {
                0 => "ubuntu-24.04".to_string(),
                1 => labels[0].trim_matches('"').to_string(),
                _ => format!("[{}]", labels.join(", ")),
            };
            Some(format!(
                "`runs-on` names the runner per CI target: `runs-on: {{ github: {value} }}` (GitLab runner tags under `gitlab:`, its image under `image:`)"
            ))
        }
        _ => None,
    }
}

/// A step written as a GitHub Actions `uses:` step: one diagnostic for the whole step (not
/// "unknown key `uses`", "missing `run`" and "unknown key `with`"), saying what cigen does
/// instead for the action named.
pub(super) fn action_step(path: &YamlPath, entries: &[MapEntry]) -> Option<Diagnostic> {
    let Place::Step(job) = place(path) else {
        return None;
    };
    if entries.iter().any(|e| e.key == "run") {
        return None;
    }
    let uses = entries.iter().find(|e| e.key == "uses")?;
    let action = uses.value.as_str().unwrap_or("");
    let name = action.split('@').next().unwrap_or(action);
    let input = |key: &str| {
        entries
            .iter()
            .find(|e| e.key == "with")
            .and_then(|w| w.value.get(key))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    let tool = |t: &str, input_key: &str, example: &str| {
        let v = input(input_key).unwrap_or_else(|| example.to_string());
        format!("toolchains come from `setup:` at the top of the spec, e.g. `setup: {{ {t}: \"{v}\" }}`: generated CI installs them and `cigen run` checks them locally; remove this step")
    };
    let help = match name {
        "actions/checkout" => "generated CI checks the repository out before `cigen run`, and locally you are in it: remove this step".to_string(),
        "actions/setup-python" => tool("python", "python-version", "3.13"),
        "actions/setup-node" => tool("node", "node-version", "22"),
        "actions/setup-go" => tool("go", "go-version", "1.24"),
        "actions/setup-java" => tool("java", "java-version", "21"),
        "astral-sh/setup-uv" => tool("uv", "version", "0.9"),
        "dtolnay/rust-toolchain" | "actions-rs/toolchain" => tool("rust", "toolchain", "1.95"),
        "actions/upload-artifact" => format!(
            "list the files under the job's `artifacts:` (`artifacts: [{}]`); jobs that `need` it receive them",
            input("path").unwrap_or_else(|| "dist/*".into())
        ),
        "actions/download-artifact" => "a job receives the `artifacts:` of the jobs it `needs`: remove this step".to_string(),
        "actions/cache" => "generated jobs do not keep caches between runs: remove this step".to_string(),
        _ => format!("a cigen step is a command; an action that only makes sense in CI runs before `cigen run` as remote setup: `targets: {{ github: {{ setup: {{ {job}: [{{ uses: {name} }}] }} }} }}`"),
    };
    Some(
        Diagnostic::error(
            super::ACTION_STEP,
            format!("`uses: {action}` is a GitHub Actions step, not a cigen step"),
        )
        .at_key(path.key("uses"))
        .with_label("cigen steps run commands")
        .with_help(help),
    )
}

/// Job keys that, written one level too deep (under `matrix:`, `env:`, `when:`, ...), would
/// be read as part of that mapping: a matrix axis named `steps`, an env variable `needs`.
const JOB_KEYS: &[&str] = &[
    "steps",
    "needs",
    "runs-on",
    "services",
    "artifacts",
    "outputs",
    "matrix",
    "when",
    "permissions",
    "secrets",
];

/// Keys of a job's child mappings that belong to the job itself, with the mapping they sit
/// in; the job (`entries`) must not have them already, or the nesting was meant. Only under
/// keys the job knows (`is_job_key`): an unknown parent (`strategy:`) has its own diagnostic.
pub(super) fn misindented(
    path: &YamlPath,
    entries: &[MapEntry],
    is_job_key: impl Fn(&str) -> bool,
) -> Vec<(YamlPath, Diagnostic)> {
    let Place::Job(job) = place(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for parent in entries {
        let NodeKind::Map(children) = &parent.value.kind else {
            continue;
        };
        if !is_job_key(&parent.key) {
            continue;
        }
        for child in children {
            // Keys that the parent itself has: `when.not.when`, `when.needs` (how the needs
            // ended), `runs-on.matrix` (the axis that picks each cell's runner) and
            // `allow_failure.matrix` (the cells that may fail).
            let own_key_of_parent = matches!(
                (parent.key.as_str(), child.key.as_str()),
                ("when", "when" | "needs") | ("runs-on" | "allow_failure", "matrix")
            );
            if !JOB_KEYS.contains(&child.key.as_str())
                || own_key_of_parent
                || child.key == parent.key
                || entries.iter().any(|e| e.key == child.key)
            {
                continue;
            }
            let at = path.key(&parent.key).key(&child.key);
            let d = Diagnostic::error(
                super::MISINDENTED_KEY,
                format!(
                    "`{}` is indented one level too deep: it is read as part of `{}`",
                    child.key, parent.key
                ),
            )
            .at_key(at.clone())
            .with_label(format!("inside `{}:`", parent.key))
            .with_help(format!(
                "line `{}:` up with `{}:` so it belongs to job `{job}`",
                child.key, parent.key
            ));
            out.push((at, d));
        }
    }
    out
}

/// GitHub's `strategy` keys written into a cigen matrix, where they would be read as axes.
pub(super) fn matrix_switch(path: &YamlPath, entry: &MapEntry) -> Option<Diagnostic> {
    if !matches!(place(path), Place::Matrix(_)) {
        return None;
    }
    let help = match entry.key.as_str() {
        "fail-fast" | "fail_fast" => "`fail-fast` is not a matrix axis: write `fail_fast: false` on the job, beside `matrix:`, so a failing cell lets the others finish (GitHub's `fail-fast: false`)",
        "max-parallel" | "max_parallel" => "`max-parallel` is not a matrix axis: cigen runs cells as the CI provider schedules them, and locally `cigen run -j N` limits how many run at once",
        _ => return None,
    };
    Some(
        Diagnostic::error(super::UNKNOWN_KEY, format!("unknown key `{}`", entry.key))
            .at_key(path.key(&entry.key))
            .with_label("not a matrix axis")
            .with_help(help),
    )
}
