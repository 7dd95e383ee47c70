//! Rule: the pipeline's `name` holds no `${{`. GitHub reads a workflow's `name:` statically
//! and refuses any expression there, even the escaped one cigen writes elsewhere to keep `${{`
//! literal, so such a name cannot be generated faithfully.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const EXPRESSION_IN_NAME: Code = Code::new("expression-in-name");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[EXPRESSION_IN_NAME];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Forgejo reads the GitHub dialect and keeps its rule.
    let github = cx
        .spec
        .targets
        .as_ref()
        .is_none_or(|t| t.github.is_some() || t.forgejo.is_some());
    let Some(name) = cx.spec.name.as_deref().filter(|_| github) else {
        return;
    };
    if name.contains("${{") {
        out.push(
            Diagnostic::error(
                EXPRESSION_IN_NAME,
                "the pipeline name contains `${{`, which GitHub refuses in a workflow's name",
            )
            .at(YamlPath::root().key("name"))
            .with_label("GitHub allows no expression here")
            .with_help("write the name as plain text; cigen evaluates no `${{ }}` expressions"),
        );
    }
}
