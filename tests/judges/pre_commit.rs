//! The published pre-commit hooks (`.pre-commit-hooks.yaml`), run by pre-commit itself with
//! `try-repo` on a project whose CI files cigen generated: up to date passes, a hand edit
//! fails with the diff, a commit touching none of the watched files skips the hook, and the
//! fixing hook rewrites stale outputs (failing once, as pre-commit's fixers do, then passing).
//! The `-system` hooks run here (the cigen under test on PATH); `cigen-check` and
//! `cigen-generate` are the same hooks built with cargo by pre-commit, which would build cigen
//! once more, so this test only checks that they run the same command on the same files.

use std::path::Path;

use super::repo::{Forge, TempRepo};
use super::runs::BinDir;
use super::tool::{judge, Judge, Verdict};
use crate::test::{cigen_bin, repo_root, scrubbed};

const SPEC: &str = "version: 1\njobs:\n  lint:\n    description: Lint\n    steps: [echo lint]\n";

fn hooks() -> serde_yaml::Value {
    let text =
        std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).expect("read hooks");
    serde_yaml::from_str(&text).expect("hooks are YAML")
}

/// A repository publishing this working tree's hooks file (pre-commit clones it).
fn hook_repo() -> TempRepo {
    let repo = TempRepo::new();
    std::fs::copy(
        repo_root().join(".pre-commit-hooks.yaml"),
        repo.path().join(".pre-commit-hooks.yaml"),
    )
    .expect("copy hooks");
    repo.commit(Forge::Github);
    repo
}

/// A project with a spec and the outputs cigen generated for it, committed.
fn project() -> TempRepo {
    let repo = TempRepo::new();
    repo.write("cigen.yaml", SPEC);
    repo.write("README.md", "a project\n");
    let out = scrubbed(cigen_bin())
        .arg("generate")
        .current_dir(repo.path())
        .output()
        .expect("cigen generate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    repo.commit(Forge::Github);
    repo
}

fn try_repo(pc: &Judge, hooks: &Path, project: &TempRepo, bin: &BinDir, files: &[&str]) -> Verdict {
    try_hook(pc, hooks, "cigen-check-system", project, bin, files)
}

fn try_hook(
    pc: &Judge,
    hooks: &Path,
    id: &str,
    project: &TempRepo,
    bin: &BinDir,
    files: &[&str],
) -> Verdict {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = pc.command();
    cmd.arg("try-repo").arg(hooks).arg(id);
    if files.is_empty() {
        cmd.arg("--all-files");
    } else {
        cmd.arg("--files").args(files);
    }
    cmd.current_dir(project.path())
        .env("HOME", home.path())
        .env("PRE_COMMIT_HOME", home.path().join("pre-commit"))
        .env("PATH", bin.run_path())
        .env("NO_COLOR", "1");
    Verdict::of("pre-commit", cmd)
}

#[test]
fn cargo_and_system_hooks_run_the_same_command_on_the_same_files() {
    let doc = hooks();
    let list = doc.as_sequence().expect("a list of hooks");
    let find = |id: &str| {
        list.iter()
            .find(|h| h["id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("no hook {id}"))
    };
    for (id, entry) in [
        ("cigen-check", "cigen generate --check"),
        ("cigen-generate", "cigen generate"),
    ] {
        let (cargo, system) = (find(id), find(&format!("{id}-system")));
        assert_eq!(cargo["language"].as_str(), Some("rust"));
        assert_eq!(system["language"].as_str(), Some("system"));
        for key in ["entry", "files", "pass_filenames"] {
            assert_eq!(cargo[key], system[key], "{id}: {key} differs");
        }
        assert_eq!(cargo["entry"].as_str(), Some(entry));
        assert_eq!(cargo["pass_filenames"].as_bool(), Some(false));
        // Every hook watches the same files: the fixer and the check never disagree.
        assert_eq!(cargo["files"], list[0]["files"], "{id}: files differ");
    }
}

#[test]
fn the_generate_hook_rewrites_stale_outputs() {
    let Some(pc) = judge("pre-commit") else {
        return;
    };
    let hooks = hook_repo();
    let project = project();
    let bin = BinDir::new();

    let v = try_hook(
        &pc,
        hooks.path(),
        "cigen-generate-system",
        &project,
        &bin,
        &[],
    );
    assert!(v.ok(), "fresh outputs must pass:\n{}", v.report());

    // The spec gains a job: the hook writes it into every output and fails the commit once,
    // as pre-commit's fixers do, so the user reviews and adds the files.
    project.write(
        "cigen.yaml",
        &format!("{SPEC}  test:\n    steps: [echo test]\n"),
    );
    let v = try_hook(
        &pc,
        hooks.path(),
        "cigen-generate-system",
        &project,
        &bin,
        &["cigen.yaml"],
    );
    assert!(
        !v.ok(),
        "a rewrite must fail the commit once:\n{}",
        v.report()
    );
    assert!(
        v.stdout.contains("files were modified by this hook"),
        "{}",
        v.report()
    );
    let justfile = std::fs::read_to_string(project.path().join("justfile")).expect("justfile");
    assert!(justfile.contains("cigen run test"), "{justfile}");
    let v = try_hook(
        &pc,
        hooks.path(),
        "cigen-generate-system",
        &project,
        &bin,
        &["cigen.yaml", "justfile"],
    );
    assert!(v.ok(), "after the rewrite the hook passes:\n{}", v.report());
}

#[test]
fn pre_commit_runs_the_hook_and_catches_stale_outputs() {
    let Some(pc) = judge("pre-commit") else {
        return;
    };
    let hooks = hook_repo();
    let project = project();
    let bin = BinDir::new();

    let v = try_repo(&pc, hooks.path(), &project, &bin, &[]);
    assert!(v.ok(), "fresh outputs must pass:\n{}", v.report());
    assert!(
        v.stdout.contains("cigen generate --check (cigen on PATH)") && v.stdout.contains("Passed"),
        "{}",
        v.report()
    );

    // Only unrelated files: the hook does not run at all.
    let v = try_repo(&pc, hooks.path(), &project, &bin, &["README.md"]);
    assert!(v.ok(), "{}", v.report());
    assert!(
        v.stdout.contains("(no files to check)Skipped"),
        "{}",
        v.report()
    );

    // A hand edit of a generated file: the hook fails and shows the drift.
    let justfile = project.path().join("justfile");
    let text = std::fs::read_to_string(&justfile).expect("read justfile");
    std::fs::write(
        &justfile,
        text.replace("cigen run lint", "cigen run lint --keep-going"),
    )
    .expect("edit");
    let v = try_repo(&pc, hooks.path(), &project, &bin, &["justfile"]);
    assert!(
        !v.ok(),
        "a stale justfile must fail the hook:\n{}",
        v.report()
    );
    assert!(
        v.stdout.contains("Failed") && v.stdout.contains("--keep-going"),
        "{}",
        v.report()
    );
}

#[test]
fn the_hook_files_pattern_matches_every_default_output() {
    // pre-commit matches `files` as a Python regex; check it with pre-commit's own Python so
    // the pattern means what the hook file says.
    let Some(py) = judge("python") else { return };
    let doc = hooks();
    let pattern = doc[0]["files"].as_str().expect("files pattern").to_owned();
    let script = "import re, sys\np = re.compile(sys.argv[1])\nfor f in sys.argv[2:]:\n    print(f, bool(p.search(f)))\n";
    let tmp = tempfile::tempdir().expect("tempdir");
    let paths = [
        "cigen.yaml",
        "sub/dir/cigen.yaml",
        ".github/workflows/ci.yml",
        ".github/workflows/release.yaml",
        ".gitlab-ci.yml",
        "justfile",
        "ci.just",
        "README.md",
        "src/main.rs",
        ".github/actions/x/action.yml",
        "ci/github.yml.j2",
        ".github/actions/cigen-pins/action.yml",
        ".github/actions/other/action.yml",
    ];
    let v = py.run(
        tmp.path(),
        ["-c", script, &pattern].into_iter().chain(paths),
    );
    assert!(v.ok(), "{}", v.report());
    let expected: String = paths
        .iter()
        .map(|p| {
            let hit = !matches!(
                *p,
                "README.md"
                    | "src/main.rs"
                    | ".github/actions/x/action.yml"
                    | ".github/actions/other/action.yml"
            );
            format!("{p} {}\n", if hit { "True" } else { "False" })
        })
        .collect();
    assert_eq!(v.stdout, expected);
}
