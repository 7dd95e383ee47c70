//! Which generated files a directory holds: GitHub workflows and action, GitLab pipeline,
//! justfiles; and the directories to judge (every example, and this repository's root).

use std::path::{Path, PathBuf};

use crate::test::repo_root;

/// Outputs found under `root`, as paths relative to it.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub root: PathBuf,
    pub workflows: Vec<PathBuf>,
    pub actions: Vec<PathBuf>,
    pub gitlab: Option<PathBuf>,
    pub justfiles: Vec<PathBuf>,
}

impl Outputs {
    pub fn find(root: &Path) -> Outputs {
        let mut workflows: Vec<PathBuf> = std::fs::read_dir(root.join(".github/workflows"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
            .map(|p| p.strip_prefix(root).expect("under root").to_path_buf())
            .collect();
        workflows.sort();
        let present = |rel: &str| root.join(rel).is_file().then(|| PathBuf::from(rel));
        Outputs {
            root: root.to_path_buf(),
            workflows,
            // The repository's action, and the pin lock `generate` writes (a composite action).
            actions: ["action.yml", ".github/actions/cigen-pins/action.yml"]
                .into_iter()
                .filter_map(present)
                .collect(),
            gitlab: present(".gitlab-ci.yml"),
            justfiles: ["justfile", "ci.just"]
                .into_iter()
                .filter_map(present)
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.workflows.is_empty()
            && self.actions.is_empty()
            && self.gitlab.is_none()
            && self.justfiles.is_empty()
    }

    /// Every YAML file (workflows, actions, pipeline).
    pub fn yaml_files(&self) -> Vec<PathBuf> {
        let mut v = self.workflows.clone();
        v.extend(self.actions.iter().cloned());
        v.extend(self.gitlab.iter().cloned());
        v
    }

    /// A short name for reports.
    pub fn label(&self) -> String {
        let root = repo_root();
        match self.root.strip_prefix(&root) {
            Ok(rel) if rel.as_os_str().is_empty() => "<repository root>".into(),
            Ok(rel) => rel.display().to_string(),
            Err(_) => self.root.display().to_string(),
        }
    }
}

/// Every `examples/<name>/` directory holding a `cigen.yaml`, sorted.
pub fn example_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .expect("examples/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("cigen.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// The committed outputs to judge: every example's, and this repository's own when present.
pub fn committed() -> Vec<Outputs> {
    let mut all: Vec<Outputs> = example_dirs().iter().map(|d| Outputs::find(d)).collect();
    let own = Outputs::find(&repo_root());
    if !own.is_empty() {
        all.push(own);
    }
    all.retain(|o| !o.is_empty());
    all
}
