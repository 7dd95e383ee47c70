//! Caches (issue 9 item 5): a job's `cache:` becomes a pinned `actions/cache` step with the
//! key cigen writes (GitHub, Forgejo), the setup actions' own caches where the spec asks, and
//! GitLab `cache: key: files`; nothing locally. Judges and act runs are in
//! `judges/post_cache.rs`, parity runs in `parity/corpus_remote.rs`.

use serde_yaml::Value;

use crate::features::{check, generated};
use crate::test::Test;

const SPEC: &str = r#"
    version: 1
    setup: { python: "3.13", uv: "0.9", node: "22" }
    jobs:
      lint:
        env: { PRE_COMMIT_HOME: .cache/pre-commit }
        cache:
          name: pre-commit
          paths: [.cache/pre-commit, .mypy_cache]
          files: [.pre-commit-config.yaml, "it's.lock"]
          setup: [uv, pnpm]
        steps: [echo lint]
      test:
        matrix: { python: ["3.12", "3.13"] }
        cache:
          paths: [.venv]
          files: ["**/uv.lock"]
          setup: [pip]
        steps: [echo test]
      plain:
        steps: [echo plain]
    targets:
      github: {}
      forgejo: {}
      gitlab: {}
      just: {}
    "#;

fn step<'a>(doc: &'a Value, job: &str, name: &str) -> &'a Value {
    doc["jobs"][job]["steps"]
        .as_sequence()
        .and_then(|s| s.iter().find(|s| s["name"] == name))
        .unwrap_or_else(|| panic!("no step {name:?} in job {job}"))
}

fn uses_of(doc: &Value, job: &str) -> Vec<String> {
    doc["jobs"][job]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .map(|u| u.split('@').next().unwrap().to_string())
        .collect()
}

#[test]
fn github_gets_a_pinned_cache_step_with_the_key_cigen_writes() {
    let (github, _, justfile) = generated(SPEC);
    let cache = step(&github, "lint", "Cache pre-commit");
    assert_eq!(
        cache["uses"],
        "actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830"
    );
    let with = &cache["with"];
    assert_eq!(with["path"], ".cache/pre-commit\n.mypy_cache");
    assert_eq!(
        with["key"],
        "pre-commit-${{ runner.os }}-${{ hashFiles('.pre-commit-config.yaml', 'it''s.lock') }}"
    );
    assert_eq!(with["restore-keys"], "pre-commit-${{ runner.os }}-");
    assert_eq!(
        with["lookup-only"],
        "${{ startsWith(github.ref, 'refs/tags/') }}"
    );
    // Restored after the toolchains, before cigen is installed and run.
    let order = uses_of(&github, "lint");
    let at = |a: &str| order.iter().position(|u| u == a).unwrap();
    assert!(at("actions/setup-node") < at("actions/cache"), "{order:?}");
    assert!(at("actions/cache") < at("cigen-dev/cigen"), "{order:?}");
    // A matrix job keeps one cache per cell.
    let with = &step(&github, "test", "Cache test")["with"];
    assert_eq!(
        with["key"],
        "test-${{ runner.os }}-${{ strategy.job-index }}-${{ hashFiles('**/uv.lock') }}"
    );
    assert!(!uses_of(&github, "plain").contains(&"actions/cache".to_string()));
    assert!(!justfile.contains("cache"), "{justfile}");
}

#[test]
fn setup_caches_are_switched_on_only_where_asked() {
    let (github, _, _) = generated(SPEC);
    let input = |job: &str, name: &str, key: &str| step(&github, job, name)["with"][key].clone();
    assert_eq!(
        input("lint", "Set up uv", "enable-cache"),
        Value::Bool(true)
    );
    assert_eq!(input("lint", "Set up Node.js", "cache"), "pnpm");
    assert_eq!(input("lint", "Set up Python", "cache"), Value::Null);
    assert_eq!(input("test", "Set up Python", "cache"), "pip");
    assert_eq!(
        input("test", "Set up uv", "enable-cache"),
        Value::Bool(false)
    );
    assert_eq!(input("plain", "Set up Node.js", "cache"), Value::Null);
}

#[test]
fn forgejo_caches_like_github() {
    let t = Test::new().spec(SPEC).args(["generate"]);
    t.expect_code(0);
    let text = std::fs::read_to_string(t.path().join(".forgejo/workflows/ci.yml")).unwrap();
    assert!(
        text.contains("uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830")
            && text.contains("hashFiles('**/uv.lock')"),
        "{text}"
    );
}

#[test]
fn gitlab_keys_the_cache_on_its_files() {
    let (_, gitlab, _) = generated(SPEC);
    let cache = &gitlab["lint"]["cache"];
    assert_eq!(
        cache["key"]["files"],
        serde_yaml::from_str::<Value>("[.pre-commit-config.yaml, \"it's.lock\"]").unwrap()
    );
    assert_eq!(cache["key"]["prefix"], "pre-commit");
    assert_eq!(
        cache["paths"],
        serde_yaml::from_str::<Value>("[.cache/pre-commit, .mypy_cache]").unwrap()
    );
    assert_eq!(
        gitlab["test"]["cache"]["key"]["prefix"],
        "test-$CI_JOB_NAME_SLUG"
    );
    assert_eq!(gitlab["plain"].get("cache"), None);
}

#[test]
fn a_local_run_ignores_the_cache() {
    let t = Test::new()
        .spec(
            r#"
            version: 1
            jobs:
              build:
                cache: { paths: [.cache/deps], files: [deps.lock] }
                steps: [echo built]
            "#,
        )
        .args(["run", "--log-format", "json"])
        .printed(&["built"]);
    t.assert();
    assert!(
        !t.path().join(".cache").exists(),
        "nothing restored or saved"
    );
}

#[test]
fn check_locates_caches_that_would_not_generate() {
    let (code, err) = check(
        r#"
        version: 1
        setup: { python: "3.13" }
        jobs:
          a:
            cache:
              name: "bad name"
              paths: [.venv]
              files: [uv.lock, requirements.txt, constraints.txt]
              setup: [pnpm]
            steps: [echo a]
          b:
            cache: { paths: [.cache] }
            steps: [echo b]
          c:
            cache: { paths: [.c], files: ["!x.lock", "../outside.lock", "${{ github.sha }}", "{a,b}.lock"] }
            steps: [echo c]
        "#,
    );
    assert_eq!(code, 2, "{err}");
    for want in [
        "error[invalid-cache-name]: invalid cache name `bad name`",
        "error[cache-files]: GitLab hashes at most 2 key files, this cache has 3",
        "cigen.yaml:8:42",
        "error[cache-setup]: the `pnpm` cache needs `setup.node`",
        "error[cache-files]: a cache of `paths` needs `files` to make its key",
        "`!x.lock` cannot be a cache key file: a key file cannot exclude",
        "`../outside.lock` cannot be a cache key file: a key file must be inside the repository",
        "`${{ github.sha }}` cannot be a cache key file",
        "`{a,b}.lock` means other files on GitLab: its `cache:key:files` expands only `*` and `**`",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    // Without GitLab, three key files are fine; an absolute path is never a cache path.
    let (code, err) = check(
        r#"
        version: 1
        jobs:
          a:
            cache: { paths: [/var/cache], files: [a.lock, b.lock, c.lock] }
            steps: [echo a]
        targets: { github: {} }
        "#,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("/var/cache") && !err.contains("key files"),
        "{err}"
    );
}

#[test]
fn setup_caches_are_refused_where_releases_run() {
    for triggers in [
        r#"{ push: { tags: ["v*"] } }"#,
        r#"{ push: { branches: [main, "release/*"] } }"#,
    ] {
        let spec = format!(
            "version: 1\nsetup: {{ uv: \"0.9\" }}\ntriggers: {triggers}\njobs:\n  a:\n    cache: {{ setup: [uv] }}\n    steps: [echo a]\n"
        );
        let (code, err) = check(&spec);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("error[cache-setup]: the `uv` setup cache is not safe in this workflow"),
            "{err}"
        );
    }
    let (code, err) = check(
        "version: 1\nsetup: { uv: \"0.9\" }\ntriggers: { push: { branches: [main] } }\njobs:\n  a:\n    cache: { setup: [uv] }\n    steps: [echo a]\n",
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn setup_caches_follow_the_job_s_own_toolchains() {
    let spec = r#"
        version: 1
        setup: { uv: "0.9" }
        jobs:
          web:
            setup: { node: "22" }
            cache: { setup: [pnpm] }
            steps: [echo web]
          bare:
            setup: {}
            cache: { setup: [uv] }
            steps: [echo bare]
        "#;
    let (code, err) = check(spec);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the `uv` cache needs `setup.uv`") && !err.contains("`pnpm`"),
        "{err}"
    );
    let (github, _, _) = generated(&spec.replace("cache: { setup: [uv] }", ""));
    assert_eq!(
        step(&github, "web", "Set up Node.js")["with"]["cache"],
        "pnpm"
    );
}

#[test]
fn a_key_file_that_matches_nothing_committed_is_a_warning() {
    let spec = r#"
        version: 1
        jobs:
          test:
            cache: { paths: [.venv], files: [uv.lcok, "**/package-lock.json"] }
            steps: [echo test]
        "#;
    let t = Test::new()
        .spec(spec)
        .file("uv.lock", "lock\n")
        .file("web/package-lock.json", "{}\n")
        .args(["check"]);
    // Outside a git work tree nothing is known, so nothing is said.
    let out = t.expect_code(0);
    assert!(
        !out.stderr.contains("cache-files-unmatched"),
        "{}",
        out.stderr
    );
    let git = |args: &[&str]| {
        let ok = crate::test::scrubbed("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t.invalid"])
            .args(args)
            .current_dir(t.path())
            .output()
            .expect("git")
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "files"]);
    let out = t.expect_code(0);
    assert!(
        out.stderr.contains(
            "warning[cache-files-unmatched]: no file in the repository matches cache key file `uv.lcok`"
        ),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("`**/package-lock.json`"),
        "{}",
        out.stderr
    );
}
