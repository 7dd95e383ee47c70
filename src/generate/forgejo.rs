//! Forgejo (and Gitea) Actions back end: the GitHub workflow in Forgejo's dialect, written to
//! `.forgejo/workflows/` (see `model::WorkflowDialect` for what differs).

use super::{github, Backend, GenerateError};
use crate::model::{Pipeline, TargetKind};

/// The Forgejo Actions back end.
pub(crate) struct Forgejo;

impl Backend for Forgejo {
    fn kind(&self) -> TargetKind {
        TargetKind::Forgejo
    }

    fn title(&self) -> &'static str {
        "Forgejo"
    }

    fn enabled(&self, p: &Pipeline) -> bool {
        p.targets.forgejo.is_some()
    }

    fn default_path(&self) -> Option<&'static str> {
        Some(crate::spec::FORGEJO_PATH)
    }

    fn output_path(&self, p: &Pipeline) -> String {
        p.targets
            .forgejo
            .as_ref()
            .map(|t| t.path.clone())
            .unwrap_or_default()
    }

    fn custom_template(&self, p: &Pipeline) -> bool {
        p.targets
            .forgejo
            .as_ref()
            .is_some_and(|t| t.template.is_some())
    }

    fn render(&self, p: &Pipeline) -> Result<String, GenerateError> {
        match &p.targets.forgejo {
            Some(t) => github::render(p, t, &p.root),
            None => Err(GenerateError::bug("the Forgejo target is not enabled")),
        }
    }

    fn read(&self, text: &str) -> Result<super::Outline, String> {
        super::outline::github(text)
    }

    fn verify(&self, p: &Pipeline, _text: &str, read: &super::Outline) -> Result<(), String> {
        super::verify::github(p, read)
    }
}
