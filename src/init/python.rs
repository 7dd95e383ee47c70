//! Python projects: `pyproject.toml` with uv (`uv.lock`), Poetry (`poetry.lock` or
//! `[tool.poetry]`) or plain pip; versions from `.python-version` and `requires-python`.

use std::path::Path;

use super::versions::{lower_bound, major_minor, read, version_line};
use super::{ci_only, cmd, job, named, Ecosystem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manager {
    Uv,
    Poetry,
    Pip,
}

/// Which of the usual tools the project names anywhere in `pyproject.toml` (dependencies,
/// dependency groups, or a `[tool.X]` table).
fn mentions(doc: &toml_edit::DocumentMut, text: &str, tool: &str) -> bool {
    doc.get("tool").and_then(|t| t.get(tool)).is_some()
        || text.contains(&format!("\"{tool}"))
        || text.contains(&format!("'{tool}"))
}

/// Directories holding the code: `src/` when it exists, else the import package named after
/// the project, plus `tests/`.
fn code_dirs(root: &Path, name: Option<&str>) -> Vec<String> {
    let mut dirs = Vec::new();
    if root.join("src").is_dir() {
        dirs.push("src".to_string());
    } else if let Some(n) = name {
        let pkg = n.replace('-', "_");
        if root.join(&pkg).is_dir() {
            dirs.push(pkg);
        }
    }
    if root.join("tests").is_dir() {
        dirs.push("tests".into());
    }
    dirs
}

pub(super) fn detect(root: &Path) -> Result<Ecosystem, String> {
    let text = read(root, "pyproject.toml").unwrap_or_default();
    let doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| format!("pyproject.toml is not valid TOML: {e}"))?;
    let name = doc
        .get("project")
        .and_then(|p| p.get("name"))
        .or_else(|| {
            doc.get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("name"))
        })
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let manager =
        if root.join("uv.lock").is_file() || doc.get("tool").and_then(|t| t.get("uv")).is_some() {
            Manager::Uv
        } else if root.join("poetry.lock").is_file()
            || doc.get("tool").and_then(|t| t.get("poetry")).is_some()
        {
            Manager::Poetry
        } else {
            Manager::Pip
        };
    let mut e = Ecosystem {
        prefix: "python",
        name: name.clone(),
        ..Ecosystem::default()
    };
    e.label = match manager {
        Manager::Uv => "python (uv)",
        Manager::Poetry => "python (poetry)",
        Manager::Pip => "python (pip)",
    }
    .into();
    // The project's own Python: `.python-version`, else the lowest `requires-python` allows.
    let requires = doc
        .get("project")
        .and_then(|p| p.get("requires-python"))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let python = read(root, ".python-version")
        .and_then(|t| version_line(&t))
        .map(|v| major_minor(&v))
        .or_else(|| {
            requires
                .as_deref()
                .and_then(lower_bound)
                .map(|v| major_minor(&v))
        })
        .unwrap_or_else(|| super::versions::default_for("python").to_string());
    e.setup.push(("python", python));
    if manager == Manager::Uv {
        let uv = doc
            .get("tool")
            .and_then(|t| t.get("uv"))
            .and_then(|u| u.get("required-version"))
            .and_then(|v| v.as_str())
            .and_then(lower_bound)
            .unwrap_or_else(|| super::versions::default_for("uv").to_string());
        e.setup.push(("uv", uv));
    }
    // `--frozen`: CI runs what the lock file says, and never rewrites it.
    let frozen = if root.join("uv.lock").is_file() {
        " --frozen"
    } else {
        ""
    };
    let run = |tool: &str| match manager {
        Manager::Uv => format!("uv run{frozen} {tool}"),
        Manager::Poetry => format!("poetry run {tool}"),
        Manager::Pip => format!(".venv/bin/python -m {tool}"),
    };
    // Every job starts from the project's environment.
    let prepare = match manager {
        Manager::Uv => None,
        Manager::Poetry => Some(named("install", "poetry install --no-interaction")),
        Manager::Pip => Some(named(
            "install",
            "python3 -m venv .venv && .venv/bin/python -m pip install --quiet -e .",
        )),
    };
    let with_prepare = |mut steps: Vec<crate::spec::StepSpec>| {
        if let Some(p) = &prepare {
            steps.insert(0, p.clone());
        }
        steps
    };
    if manager == Manager::Poetry {
        e.notes
            .push("Poetry is not a `setup:` toolchain: a CI-only step installs it with pip".into());
    }
    let poetry_install = || ci_only("install Poetry", "python3 -m pip install --quiet poetry");
    // Lint: the linters the project configured, else a syntax check of its code.
    let mut lint = Vec::new();
    if mentions(&doc, &text, "ruff") {
        lint.push(cmd(&format!("{} check .", run("ruff"))));
        lint.push(cmd(&format!("{} format --check .", run("ruff"))));
    }
    if mentions(&doc, &text, "mypy") {
        lint.push(cmd(&run("mypy .")));
    }
    if lint.is_empty() {
        let dirs = code_dirs(root, name.as_deref());
        let target = if dirs.is_empty() {
            ".".to_string()
        } else {
            dirs.join(" ")
        };
        let python = match manager {
            Manager::Uv => format!("uv run{frozen} python"),
            Manager::Poetry => "poetry run python".to_string(),
            Manager::Pip => "python3".to_string(),
        };
        lint.push(named(
            "syntax",
            &format!("{python} -m compileall -q {target}"),
        ));
        e.notes.push("no linter configured (ruff, mypy): the lint job byte-compiles the code; add your linters there".into());
    }
    let mut lint = if manager == Manager::Pip {
        lint
    } else {
        with_prepare(lint)
    };
    let mut test = if mentions(&doc, &text, "pytest") {
        with_prepare(vec![cmd(&run("pytest"))])
    } else {
        e.notes.push(
            "pytest is not named in pyproject.toml: the test job runs unittest discovery".into(),
        );
        with_prepare(vec![cmd(&run("unittest discover -s tests"))])
    };
    if manager == Manager::Pip && mentions(&doc, &text, "pytest") {
        test.insert(1, cmd(".venv/bin/python -m pip install --quiet pytest"));
    }
    let mut build = match manager {
        Manager::Uv => vec![cmd("uv build")],
        Manager::Poetry => vec![cmd("poetry build")],
        Manager::Pip => vec![cmd("python3 -m pip wheel --no-deps --wheel-dir dist .")],
    };
    if manager == Manager::Poetry {
        for steps in [&mut lint, &mut test, &mut build] {
            steps.insert(0, poetry_install());
        }
    }
    let mut build_job = job("Build the distributions", build);
    build_job.artifacts = crate::import::typed::artifact("dist/")
        .into_iter()
        .collect();
    e.jobs = vec![
        ("lint", job("Static checks", lint)),
        ("test", job("Tests", test)),
        ("build", build_job),
    ];
    Ok(e)
}
