//! Property: a spec `check` accepts always generates. Specs are assembled from fragments that
//! reach every refusal `generate` can make (an unpinned action, an inexact cigen version, a
//! provider's matrix limit, outputs that clash, land in `.git/` or leave the repository
//! through a symlink, environments, images, a pipeline name with `${{`, templates) next to
//! fragments that are fine; whenever loading (shape + rules) accepts one, every enabled target
//! must render, pass its self-check and be written, each file intact and inside the
//! repository.

use std::path::Path;

use proptest::prelude::*;

use super::{render, selected, templates::TEMPLATES, write};

// Each list starts with the fragments `check` accepts (the first `*_FINE`), then ones it
// refuses. A case takes fine fragments everywhere and, half the time, one refused fragment in
// one place: random refused fragments everywhere would almost never leave a spec `check`
// accepts, and then the property would test nothing.
const NAMES: &[&str] = &[
    "",
    "name: ci\n",
    "name: \"a: b\"\n",
    "name: \"build ${{ github.ref }}\"\n",
];
const NAMES_FINE: usize = 3;

const ENVIRONMENTS: &[&str] = &[
    "",
    "    environment: production\n",
    "    environment: { name: review/app, url: \"https://review.example.com\" }\n",
    "    environment: \"\"\n",
    "    environment: \"prod:eu\"\n",
    "    environment: { name: prod, url: example.com }\n",
    "    environment: { name: prod, url: \"https://\" }\n",
];
const ENVIRONMENTS_FINE: usize = 3;

const IMAGES: &[&str] = &[
    "",
    "    runs-on: { image: \"rust:1.95\" }\n",
    "    runs-on: { image: \"my image\" }\n",
    "    runs-on: { image: \"\" }\n",
    // Runners per cell of the `a` axis, with different numbers of GitLab tags per cell,
    // which `generate` cannot write.
    "    runs-on: { matrix: a, cells: { v0: { os: linux, gitlab: [x, y] }, v1: { os: windows, gitlab: z } } }\n",
];
const IMAGES_FINE: usize = 2;

/// Matrices of none, 2, 201 (over GitLab's 200) and 257 (over GitHub's 256) cells.
fn matrix(choice: usize) -> String {
    let values = |n: usize| {
        (0..n)
            .map(|i| format!("\"v{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match choice {
        0 => String::new(),
        1 => format!("    matrix: {{ a: [{}] }}\n", values(2)),
        2 => format!(
            "    matrix: {{ a: [{}], b: [{}] }}\n",
            values(67),
            values(3)
        ),
        _ => format!("    matrix: {{ a: [{}] }}\n", values(257)),
    }
}
const MATRICES: usize = 4;
const MATRICES_FINE: usize = 2;

const ACTIONS: &[&str] = &[
    "actions/checkout",
    "aws-actions/configure-aws-credentials",
    "nobody/pinned-action@0123456789abcdef0123456789abcdef01234567",
    "nobody/unpinned-action",
];
const ACTIONS_FINE: usize = 3;

/// The entries of `targets.github` (without braces).
const GITHUB: &[&str] = &[
    "",
    "path: ci.yml",
    "path: inside/ci.yml",
    "cigen_version: 0.1.0",
    "template: github.j2",
    "path: .git/ci.yml",
    "path: out/ci.yml",
    "cigen_version: \"1.2\"",
    "template: broken.j2",
    "template: missing.j2",
];
const GITHUB_FINE: usize = 5;

const GITLAB: &[&str] = &[
    "",
    "image: \"rust:1.95\", install: image",
    "template: gitlab.j2",
    "path: ci.yml",
    "path: CI.yml",
    "image: \"my image\"",
    "cigen_version: latest",
];
const GITLAB_FINE: usize = 3;

const JUST: &[&str] = &[
    "",
    "template: just.j2",
    "path: ci.yml",
    "path: .git/recipes",
];
const JUST_FINE: usize = 2;

#[derive(Debug, Clone)]
struct Choice {
    name: usize,
    environment: usize,
    image: usize,
    matrix: usize,
    action: Option<usize>,
    /// `None`: no `targets:` at all (every target with defaults).
    targets: Option<(Option<usize>, Option<usize>, Option<usize>)>,
}

fn choice() -> impl Strategy<Value = Choice> {
    use proptest::sample::Index;
    (
        (
            0..NAMES_FINE,
            0..ENVIRONMENTS_FINE,
            0..IMAGES_FINE,
            0..MATRICES_FINE,
        ),
        proptest::option::of(0..ACTIONS_FINE),
        proptest::option::weighted(
            0.8,
            (
                proptest::option::of(0..GITHUB_FINE),
                proptest::option::of(0..GITLAB_FINE),
                proptest::option::of(0..JUST_FINE),
            ),
        ),
        proptest::option::of((0..8usize, any::<Index>())),
    )
        .prop_map(
            |((name, environment, image, matrix), action, targets, bad)| {
                let mut c = Choice {
                    name,
                    environment,
                    image,
                    matrix,
                    action,
                    targets,
                };
                let refused = |fine: usize, all: usize, i: &Index| fine + i.index(all - fine);
                let (gh, gl, just) = c.targets.unwrap_or((None, None, None));
                match bad {
                    Some((0, i)) => c.name = refused(NAMES_FINE, NAMES.len(), &i),
                    Some((1, i)) => {
                        c.environment = refused(ENVIRONMENTS_FINE, ENVIRONMENTS.len(), &i)
                    }
                    Some((2, i)) => c.image = refused(IMAGES_FINE, IMAGES.len(), &i),
                    Some((3, i)) => c.matrix = refused(MATRICES_FINE, MATRICES, &i),
                    Some((4, i)) => {
                        // An action is set up only through the GitHub target.
                        c.action = Some(refused(ACTIONS_FINE, ACTIONS.len(), &i));
                        c.targets = Some((Some(gh.unwrap_or(0)), gl, just));
                    }
                    Some((5, i)) => {
                        c.targets = Some((Some(refused(GITHUB_FINE, GITHUB.len(), &i)), gl, just))
                    }
                    Some((6, i)) => {
                        c.targets = Some((gh, Some(refused(GITLAB_FINE, GITLAB.len(), &i)), just))
                    }
                    Some((_, i)) => {
                        c.targets = Some((gh, gl, Some(refused(JUST_FINE, JUST.len(), &i))))
                    }
                    None => {}
                }
                c
            },
        )
}

fn spec(c: &Choice) -> String {
    let mut s = format!("version: 1\n{}jobs:\n  deploy:\n", NAMES[c.name]);
    s.push_str(ENVIRONMENTS[c.environment]);
    s.push_str(IMAGES[c.image]);
    s.push_str(&matrix(c.matrix));
    s.push_str("    steps: [echo deploy]\n");
    if let Some((github, gitlab, just)) = c.targets {
        s.push_str("targets:\n");
        let mapping = |entries: Vec<String>| {
            let entries: Vec<String> = entries.into_iter().filter(|e| !e.is_empty()).collect();
            format!("{{ {} }}", entries.join(", "))
        };
        if let Some(g) = github {
            let mut entries = vec![GITHUB[g].to_string()];
            if let Some(a) = c.action {
                entries.push(format!(
                    "setup: {{ deploy: [{{ uses: \"{}\" }}] }}",
                    ACTIONS[a]
                ));
            }
            s.push_str(&format!("  github: {}\n", mapping(entries)));
        }
        if let Some(g) = gitlab {
            s.push_str(&format!(
                "  gitlab: {}\n",
                mapping(vec![GITLAB[g].to_string()])
            ));
        }
        if let Some(j) = just {
            s.push_str(&format!("  just: {}\n", mapping(vec![JUST[j].to_string()])));
        }
        if github.is_none() && gitlab.is_none() && just.is_none() {
            s.push_str("  just: {}\n");
        }
    }
    s
}

/// A repository with the templates the fragments name and two links: `out` to a directory
/// outside it, `inside` to one of its own directories.
fn repository(outside: &Path) -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("tempdir");
    let builtin = |id: &str| {
        TEMPLATES
            .iter()
            .find(|(n, _)| *n == id)
            .map(|(_, t)| *t)
            .expect("built-in template")
    };
    std::fs::create_dir(repo.path().join(".git")).expect(".git");
    std::fs::write(repo.path().join("github.j2"), builtin("github.yml.j2")).expect("write");
    std::fs::write(repo.path().join("gitlab.j2"), builtin("gitlab.yml.j2")).expect("write");
    std::fs::write(repo.path().join("just.j2"), builtin("justfile.j2")).expect("write");
    std::fs::write(repo.path().join("broken.j2"), "{{% if %}}\n").expect("write");
    std::fs::create_dir(repo.path().join("real")).expect("mkdir");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside, repo.path().join("out")).expect("symlink");
        std::os::unix::fs::symlink(repo.path().join("real"), repo.path().join("inside"))
            .expect("symlink");
    }
    repo
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.display().to_string());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn a_spec_check_accepts_always_generates(c in choice()) {
        let outside = tempfile::tempdir().expect("tempdir");
        let repo = repository(outside.path());
        let text = spec(&c);
        let path = repo.path().join("cigen.yaml");
        std::fs::write(&path, &text).expect("write spec");
        let Ok(loaded) = crate::compile::load_str(&path, &text, repo.path()) else {
            return Ok(()); // refused by `check`: nothing to generate
        };
        let p = &loaded.pipeline;
        let backends = selected(p, &[]);
        let files = render(p, &backends, &mut Default::default());
        prop_assert!(files.is_ok(), "check accepted but generate refused:\n{text}\n{}", files.err().map(|e| e.to_string()).unwrap_or_default());
        let files = files.unwrap_or_default();
        for f in &files {
            prop_assert!(write::refusal(&f.path, false).is_none(), "{}", f.rel);
            let written = write::write(f);
            prop_assert!(written.is_ok(), "cannot write {}: {:?}\n{text}", f.rel, written.err());
        }
        for f in &files {
            let on_disk = std::fs::read_to_string(&f.path).unwrap_or_default();
            prop_assert_eq!(&on_disk, &f.text, "{} was overwritten by another target\n{}", f.rel, text);
        }
        prop_assert!(files_under(outside.path()).is_empty(), "written outside the repository:\n{text}");
        let in_git: Vec<String> = files_under(&repo.path().join(".git"));
        prop_assert!(in_git.is_empty(), "written into .git: {in_git:?}\n{text}");
    }
}

#[test]
fn the_fragments_reach_both_outcomes() {
    // Without this the property could pass by `check` refusing everything: every fine
    // fragment together is accepted, and each refused fragment alone is refused.
    let outside = tempfile::tempdir().expect("tempdir");
    let repo = repository(outside.path());
    let load = |c: &Choice| {
        let text = spec(c);
        crate::compile::load_str(&repo.path().join("cigen.yaml"), &text, repo.path()).is_ok()
    };
    let fine = Choice {
        name: 2,
        environment: 2,
        image: 1,
        matrix: 1,
        action: Some(0),
        targets: Some((Some(4), Some(2), Some(1))),
    };
    assert!(load(&fine), "{}", spec(&fine));
    let mut broken: Vec<Choice> = Vec::new();
    broken.extend((NAMES_FINE..NAMES.len()).map(|name| Choice {
        name,
        ..fine.clone()
    }));
    broken.extend(
        (ENVIRONMENTS_FINE..ENVIRONMENTS.len()).map(|environment| Choice {
            environment,
            ..fine.clone()
        }),
    );
    broken.extend((IMAGES_FINE..IMAGES.len()).map(|image| Choice {
        image,
        ..fine.clone()
    }));
    broken.extend((MATRICES_FINE..MATRICES).map(|matrix| Choice {
        matrix,
        ..fine.clone()
    }));
    broken.extend((ACTIONS_FINE..ACTIONS.len()).map(|a| Choice {
        action: Some(a),
        ..fine.clone()
    }));
    broken.extend((GITHUB_FINE..GITHUB.len()).map(|g| Choice {
        targets: Some((Some(g), None, None)),
        ..fine.clone()
    }));
    broken.extend((GITLAB_FINE..GITLAB.len()).map(|g| Choice {
        // Paths clash with the GitHub output at `ci.yml`.
        targets: Some((Some(1), Some(g), None)),
        ..fine.clone()
    }));
    broken.extend((JUST_FINE..JUST.len()).map(|j| Choice {
        targets: Some((Some(1), None, Some(j))),
        ..fine.clone()
    }));
    for b in &broken {
        #[cfg(not(unix))]
        if b.targets == Some((Some(6), None, None)) {
            continue; // no symlink without Unix
        }
        assert!(!load(b), "check accepted:\n{}", spec(b));
    }
}
