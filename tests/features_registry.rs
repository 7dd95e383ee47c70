//! `setup.node_registry` (issue 9): setup-node's `registry-url` on GitHub, the same `.npmrc`
//! before `cigen run` on GitLab (run here with bash and read back by the real npm), and
//! `npm_config_registry` for every step `cigen run` starts, which the real npm reads.

use serde_yaml::Value;

use crate::features::{check, generated};
use crate::test::Test;

/// The Node.js major version on this machine, so `setup.node` selects it.
fn node_major() -> Option<String> {
    let out = std::process::Command::new("node")
        .arg("--version")
        .output()
        .ok()?;
    let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Some(v.trim_start_matches('v').split('.').next()?.to_string())
}

fn spec(node: &str) -> String {
    format!(
        r#"
        version: 1
        jobs:
          publish:
            setup: {{ node: "{node}", node_registry: "https://npm.example.test/team" }}
            steps: [npm config get registry]
        targets: {{ github: {{}}, gitlab: {{}} }}
        "#
    )
}

#[test]
fn cigen_run_points_npm_at_the_registry() {
    let Some(node) = node_major() else {
        eprintln!("skipped: no node on PATH");
        return;
    };
    Test::new()
        .spec(&spec(&node))
        .args(["run", "publish", "--log-format", "json"])
        .env("NPM_CONFIG_REGISTRY", "https://elsewhere.example.test/")
        .status(0)
        .printed(&["https://npm.example.test/team"])
        .assert();
}

#[test]
fn github_hands_the_url_to_setup_node_and_gitlab_writes_the_same_npmrc() {
    let (github, gitlab, _) = generated(&spec("20"));
    let steps = github["jobs"]["publish"]["steps"]
        .as_sequence()
        .expect("steps");
    let node = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/setup-node@"))
        })
        .expect("setup-node step");
    assert_eq!(
        node["with"]["registry-url"].as_str(),
        Some("https://npm.example.test/team")
    );
    // The GitLab lines, run by bash as GitLab would, leave an npmrc that the real npm reads
    // and that names the token variable, not a value.
    let lines: Vec<String> = gitlab["publish"]["before_script"]
        .as_sequence()
        .expect("before_script")
        .iter()
        .filter_map(Value::as_str)
        .filter(|l| l.contains("npmrc") || l.contains("NPM_CONFIG_USERCONFIG"))
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    if node_major().is_none() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let script = format!("{}\nnpm config get registry\n", lines.join("\n"));
    let out = std::process::Command::new("bash")
        .args(["-eo", "pipefail", "-c", &script])
        .current_dir(tmp.path())
        .env("TMPDIR", tmp.path())
        .env("CI_JOB_ID", "7")
        .env("HOME", tmp.path())
        .env_remove("NPM_CONFIG_REGISTRY")
        .env_remove("npm_config_registry")
        .env("NODE_AUTH_TOKEN", "token-value")
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "https://npm.example.test/team/"
    );
    let npmrc = std::fs::read_to_string(tmp.path().join("cigen-npmrc-7")).expect("npmrc");
    assert_eq!(
        npmrc,
        "registry=https://npm.example.test/team/\n//npm.example.test/team/:_authToken=${NODE_AUTH_TOKEN}\n"
    );
}

#[test]
fn check_refuses_a_registry_that_is_no_plain_url_or_has_no_node() {
    let (code, err) = check(
        r#"
        version: 1
        jobs:
          a:
            setup: { node_registry: https://registry.npmjs.org }
            steps: [npm publish]
          b:
            setup: { node: "20", node_registry: "https://${HOST}/npm" }
            steps: [npm publish]
          c:
            setup: { node: "20", node_registry: registry.npmjs.org }
            steps: [npm publish]
        "#,
    );
    assert_eq!(code, 2, "{err}");
    for (line, why) in [
        ("cigen.yaml:4:", "needs `node`"),
        ("cigen.yaml:7:", "must be plain text"),
        ("cigen.yaml:10:", "must start with `https://`"),
    ] {
        assert!(
            err.contains(line) && err.contains(why),
            "{line} {why}\n{err}"
        );
    }
    assert_eq!(err.matches("error[node-registry]").count(), 3, "{err}");
}
