//! Rule: a job's container image (`runs-on.image`, `targets.gitlab.image`) is an image
//! reference: not blank, no spaces. GitLab would otherwise try to pull `my image` and fail
//! every job of the pipeline at start.

use super::service_names::INVALID_IMAGE;
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_IMAGE];

fn one(image: Option<&str>, at: impl FnOnce() -> YamlPath, out: &mut Vec<Diagnostic>) {
    let Some(image) = image else { return };
    if image.trim().is_empty() || image.chars().any(char::is_whitespace) {
        out.push(
            Diagnostic::error(
                INVALID_IMAGE,
                format!("`{image}` is not a container image reference"),
            )
            .at(at())
            .with_label("not an image")
            .with_help("write an image such as `rust:1.95` or `ghcr.io/acme/builder:2`"),
        );
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (job, j) in &cx.spec.jobs {
        one(
            j.runs_on.as_ref().and_then(|r| r.image.as_deref()),
            || YamlPath::job(job).key("runs-on").key("image"),
            out,
        );
        for (value, c) in j.runs_on.iter().flat_map(|r| &r.cells) {
            let at = || YamlPath::job(job).key("runs-on");
            one(
                c.image.as_deref(),
                || at().key("cells").key(value).key("image"),
                out,
            );
        }
    }
    one(
        cx.spec
            .targets
            .as_ref()
            .and_then(|t| t.gitlab.as_ref())
            .and_then(|g| g.image.as_deref()),
        || YamlPath::root().key("targets").key("gitlab").key("image"),
        out,
    );
}
