//! Node projects: `package.json` with npm, pnpm or yarn (from `packageManager` or the lock
//! file); Node from `.nvmrc`/`.node-version`, else `engines.node`; jobs from its scripts.

use std::path::Path;

use serde_json::Value;

use super::versions::{lower_bound, read, version_line};
use super::{ci_only, cmd, job, Ecosystem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manager {
    Npm,
    Pnpm,
    Yarn,
}

impl Manager {
    fn name(self) -> &'static str {
        match self {
            Manager::Npm => "npm",
            Manager::Pnpm => "pnpm",
            Manager::Yarn => "yarn",
        }
    }

    fn install(self, root: &Path) -> &'static str {
        match self {
            Manager::Npm if root.join("package-lock.json").is_file() => "npm ci",
            Manager::Npm => "npm install",
            Manager::Pnpm => "pnpm install --frozen-lockfile",
            Manager::Yarn if root.join(".yarnrc.yml").is_file() => "yarn install --immutable",
            Manager::Yarn => "yarn install --frozen-lockfile",
        }
    }
}

pub(super) fn detect(root: &Path) -> Result<Ecosystem, String> {
    let text = read(root, "package.json").unwrap_or_default();
    let pkg: Value =
        serde_json::from_str(&text).map_err(|e| format!("package.json is not valid JSON: {e}"))?;
    // `packageManager: "pnpm@9.12.0"` (corepack) names the tool and its version.
    let declared = pkg.get("packageManager").and_then(Value::as_str);
    let (manager, version) = match declared.and_then(|d| d.split_once('@')) {
        Some(("pnpm", v)) => (Manager::Pnpm, Some(v)),
        Some(("yarn", v)) => (Manager::Yarn, Some(v)),
        Some(("npm", v)) => (Manager::Npm, Some(v)),
        _ if root.join("pnpm-lock.yaml").is_file() => (Manager::Pnpm, None),
        _ if root.join("yarn.lock").is_file() => (Manager::Yarn, None),
        _ => (Manager::Npm, None),
    };
    // Drop a corepack hash (`9.12.0+sha512.abc`).
    let version = version.map(|v| v.split('+').next().unwrap_or(v).to_string());
    let node = read(root, ".nvmrc")
        .or_else(|| read(root, ".node-version"))
        .and_then(|t| version_line(&t))
        .filter(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .or_else(|| {
            pkg.get("engines")
                .and_then(|e| e.get("node"))
                .and_then(Value::as_str)
                .and_then(lower_bound)
        })
        .unwrap_or_else(|| super::versions::default_for("node").to_string());
    let mut e = Ecosystem {
        label: format!("node ({})", manager.name()),
        prefix: "node",
        name: pkg.get("name").and_then(Value::as_str).map(str::to_string),
        setup: vec![("node", node)],
        ..Ecosystem::default()
    };
    let scripts = pkg.get("scripts").and_then(Value::as_object);
    let has = |s: &str| scripts.is_some_and(|m| m.contains_key(s));
    let pm = manager.name();
    // Node brings npm; pnpm and yarn are installed in CI only (a laptop already has them).
    let mut prepare = Vec::new();
    if manager == Manager::Pnpm {
        let v = version.clone().unwrap_or_else(|| "latest".into());
        prepare.push(ci_only(
            "install pnpm",
            &format!("npm install --global pnpm@{v}"),
        ));
        if version.is_none() {
            e.notes.push("no `packageManager` in package.json: CI installs the newest pnpm; pin it there (`\"packageManager\": \"pnpm@X.Y.Z\"`)".into());
        }
    }
    if manager == Manager::Yarn && version.as_deref().is_some_and(|v| !v.starts_with('1')) {
        prepare.push(ci_only("enable corepack", "corepack enable"));
    }
    prepare.push(cmd(manager.install(root)));
    let with = |extra: Vec<crate::spec::StepSpec>| {
        let mut v = prepare.clone();
        v.extend(extra);
        v
    };
    let mut jobs = Vec::new();
    let lint: Vec<_> = ["lint", "typecheck", "format:check", "check"]
        .into_iter()
        .filter(|s| has(s))
        .map(|s| cmd(&format!("{pm} run {s}")))
        .collect();
    if lint.is_empty() {
        e.notes
            .push("package.json has no lint, typecheck or format:check script: no lint job".into());
    } else {
        jobs.push(("lint", job("Lint and type checks", with(lint))));
    }
    if has("test") {
        jobs.push(("test", job("Tests", with(vec![cmd(&format!("{pm} test"))]))));
    } else {
        e.notes
            .push("package.json has no test script: no test job".into());
    }
    if has("build") {
        jobs.push((
            "build",
            job("Build", with(vec![cmd(&format!("{pm} run build"))])),
        ));
    } else {
        e.notes
            .push("package.json has no build script: no build job".into());
    }
    if jobs.is_empty() {
        jobs.push(("test", job("Install dependencies", prepare.clone())));
    }
    e.jobs = jobs;
    Ok(e)
}
