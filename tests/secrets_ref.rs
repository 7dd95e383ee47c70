//! Secrets by reference: values read once from 1Password, Vault, sops or a command (stand-ins
//! from `tests/stand-ins/bin` first on PATH), only for jobs that run, never printed or written,
//! masked, and given only to the jobs that declare them.

use std::path::{Path, PathBuf};

use crate::test::{repo_root, Output, Test};

const OP_VALUE: &str = "op-value-7f3a9c";
const VAULT_VALUE: &str = "vault-value-51d2e8";
const SOPS_VALUE: &str = "sops-value-c0ffee";
const CMD_VALUE: &str = "command-value-0b57ac";

const SPEC: &str = r#"version: 1
secrets:
  - name: OP_TOKEN
    local: { op: "op://Engineering/deploy/token" }
jobs:
  first:
    secrets:
      - name: VAULT_PW
        local: { vault: { path: secret/db, field: password } }
      - name: SOPS_KEY
        local: { sops: { file: secrets.enc.json, key: api.key } }
    steps:
      - 'echo "op=$OP_TOKEN vault=$VAULT_PW sops=$SOPS_KEY others=$(env | grep -c ^CMD_SECRET=)"'
      - 'printf "%s" "$VAULT_PW" | base64'
  second:
    needs: [first]
    matrix: { n: [1, 2] }
    secrets:
      - name: CMD_SECRET
        local: { command: 'echo command >> "$CIGEN_STANDIN_SECRETS/calls.log"; cat "$CIGEN_STANDIN_SECRETS/cmd-value"' }
    steps:
      - 'env | grep -E "^(OP_TOKEN|VAULT_PW|SOPS_KEY|CMD_SECRET)=" | sort'
  unrelated:
    secrets:
      - name: NEVER_READ
        local: { op: "op://Engineering/unused/field" }
    steps: ['echo unrelated ran']
"#;

/// A store for the stand-ins, and PATH with them first.
struct Store {
    dir: tempfile::TempDir,
}

impl Store {
    fn new() -> Store {
        let dir = tempfile::tempdir().expect("tempdir");
        let put = |rel: &str, value: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, value).unwrap();
        };
        put("op/Engineering/deploy/token", OP_VALUE);
        put("vault/secret/db/password", VAULT_VALUE);
        put("sops/secrets.enc.json/api/key", SOPS_VALUE);
        put("cmd-value", &format!("{CMD_VALUE}\n"));
        Store { dir }
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn test(&self, spec: &str) -> Test {
        Test::new()
            .spec(spec)
            .file("secrets.enc.json", "{\"sops\": \"encrypted\"}\n")
            .env("PATH", &path_with(&repo_root().join("tests/stand-ins/bin")))
            .env("CIGEN_STANDIN_SECRETS", self.dir.path().to_str().unwrap())
    }
}

fn path_with(dir: &Path) -> String {
    let mut dirs: Vec<PathBuf> = vec![dir.to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Every file under `dir`, as text.
fn files_under(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else if let Ok(bytes) = std::fs::read(&p) {
            out.push((p, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
}

fn assert_never_shown(out: &Output, t: &Test) {
    let mut files = Vec::new();
    files_under(t.path(), &mut files);
    for v in [OP_VALUE, VAULT_VALUE, SOPS_VALUE, CMD_VALUE] {
        assert!(
            !out.stdout.contains(v) && !out.stderr.contains(v),
            "{v} printed:\n{}\n{}",
            out.stdout,
            out.stderr
        );
        for (p, text) in &files {
            assert!(!text.contains(v), "{v} written to {}", p.display());
        }
    }
}

#[test]
fn references_are_read_once_for_running_jobs_and_masked() {
    let store = Store::new();
    let t = store.test(SPEC).args(["run", "first", "second", "-j", "1"]);
    let out = t.expect_code(0);
    assert!(
        out.stdout.contains("op=*** vault=*** sops=*** others=0"),
        "{}",
        out.stdout
    );
    // Each job sees its own secrets (spec-wide included) and no other job's.
    let second: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("second") && l.contains("=***"))
        .collect();
    assert_eq!(
        second.len(),
        4,
        "two cells × (CMD_SECRET, OP_TOKEN):\n{}",
        out.stdout
    );
    assert!(second
        .iter()
        .all(|l| l.contains("CMD_SECRET=***") || l.contains("OP_TOKEN=***")));
    // Read once each, in plan order, exactly as the real CLIs are called; `unrelated` does not
    // run, so its reference is never read.
    assert_eq!(
        store.calls(),
        [
            "op read op://Engineering/deploy/token",
            "vault kv get -field=password secret/db",
            "sops --decrypt --extract [\"api\"][\"key\"] secrets.enc.json",
            "command",
        ]
    );
    assert_never_shown(&out, &t);
}

#[test]
fn the_environment_wins_and_ci_never_reads_a_reference() {
    let store = Store::new();
    let spec = "version: 1\nsecrets:\n  - name: OP_TOKEN\n    local: { op: \"op://Engineering/deploy/token\" }\njobs:\n  a:\n    steps: ['test \"$OP_TOKEN\" = from-env-123']\n";
    store
        .test(spec)
        .env("OP_TOKEN", "from-env-123")
        .args(["run"])
        .expect_code(0);
    assert!(store.calls().is_empty(), "{:?}", store.calls());
    // In CI the provider's secret store is the source: unset there, the secret is missing.
    let out = store
        .test(spec)
        .env("CI", "true")
        .args(["run"])
        .expect_code(2);
    assert_eq!(
        out.stderr,
        "error: missing secrets (set them in the environment or in the env_file):\n  a: OP_TOKEN\n"
    );
    assert!(store.calls().is_empty());
    // A dry run reads nothing and does not call it missing.
    let out = store.test(spec).args(["run", "--dry-run"]).expect_code(0);
    assert!(!out.stderr.contains("missing"), "{}", out.stderr);
    assert!(store.calls().is_empty());
}

#[test]
fn a_failing_source_stops_the_run_before_any_job_naming_each_secret() {
    let store = Store::new();
    let spec = r#"version: 1
jobs:
  a:
    secrets:
      - name: GONE
        local: { op: "op://Engineering/missing/field" }
      - name: BROKEN
        local: { command: "echo 'vault: permission denied' >&2; exit 3" }
      - name: EMPTY
        local: { command: "true" }
      - name: FINE
        local: { vault: { path: secret/db, field: password } }
    steps: ['touch ran']
"#;
    let t = store.test(spec).args(["run"]);
    let out = t.expect_code(2);
    assert_eq!(
        out.stderr,
        "error: cannot read secrets from their local sources (set them in the environment or the env_file instead):\n  GONE: `op read op://Engineering/missing/field` failed (exit status: 1)\n      [ERROR] could not read secret 'op://Engineering/missing/field': isn't an item in vault\n  BROKEN: command `echo 'vault: permission denied' >&2; exit 3` failed (exit status: 3)\n      vault: permission denied\n  EMPTY: command `true` printed nothing\n"
    );
    assert!(!t.path().join("ran").exists());
    assert!(!out.stderr.contains(VAULT_VALUE));
    // A CLI that is not installed says so.
    let t = Test::new()
        .spec("version: 1\njobs:\n  a:\n    secrets:\n      - name: X\n        local: { op: \"op://v/i/f\" }\n    steps: ['true']\n")
        .env("PATH", "/nonexistent")
        .args(["run"]);
    let out = t.expect_code(2);
    assert!(
        out.stderr
            .contains("X: `op read op://v/i/f`: `op` is not installed (not found on PATH)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_short_value_is_reported_at_run_start_and_at_check() {
    let spec = "version: 1\nsecrets: [PIN, TOKEN]\njobs:\n  a:\n    steps: ['echo \"$TOKEN\"']\n";
    let out = Test::new()
        .spec(spec)
        .env("TOKEN", "xyz")
        .env("PIN", "12")
        .args(["run"])
        .expect_code(0);
    assert!(out.stderr.contains("warning: secret `TOKEN` has a 3-character value: values shorter than 4 bytes cannot be masked"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("warning: secret `PIN` has a 2-character value"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("xyz"), "{}", out.stderr);
    // Known statically: a value the spec sets itself.
    let spec =
        "version: 1\nenv: { PIN: \"12\" }\nsecrets: [PIN]\njobs:\n  a:\n    steps: ['true']\n";
    let out = Test::new().spec(spec).args(["check"]).expect_code(0);
    assert!(
        out.stderr
            .contains("warning[short-secret]: secret `PIN` is set to a 2-character value here"),
        "{}",
        out.stderr
    );
}
