//! Rule: a template the spec names (`targets.<target>.template`) exists, is readable text and
//! parses with cigen's template syntax, so `generate` does not stop on it. What a template
//! prints can only be judged by rendering it: `generate` still checks each output it makes.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const MISSING_TEMPLATE: Code = Code::new("missing-template");
pub(crate) const INVALID_TEMPLATE: Code = Code::new("invalid-template");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[MISSING_TEMPLATE, INVALID_TEMPLATE];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(t) = &cx.spec.targets else { return };
    let templates = [
        (
            "github",
            t.github.as_ref().and_then(|g| g.template.as_ref()),
        ),
        (
            "forgejo",
            t.forgejo.as_ref().and_then(|g| g.template.as_ref()),
        ),
        (
            "gitlab",
            t.gitlab.as_ref().and_then(|g| g.template.as_ref()),
        ),
        ("just", t.just.as_ref().and_then(|j| j.template.as_ref())),
    ];
    for (target, template) in templates {
        let Some(rel) = template else { continue };
        let at = YamlPath::root().key("targets").key(target).key("template");
        let text = match std::fs::read_to_string(cx.root.join(rel.as_str())) {
            Ok(text) => text,
            Err(e) => {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "there is no such file".to_string(),
                    _ => e.to_string(),
                };
                out.push(
                    Diagnostic::error(
                        MISSING_TEMPLATE,
                        format!("cannot read the template `{rel}`: {why}"),
                    )
                    .at(at)
                    .with_label("no readable file here")
                    .with_help("the path is relative to cigen.yaml; copy a built-in template from `templates/` in cigen's repository to start"),
                );
                continue;
            }
        };
        if let Err(why) = crate::spec::parse_template(rel.as_str(), &text) {
            out.push(
                Diagnostic::error(
                    INVALID_TEMPLATE,
                    format!("the template `{rel}` does not parse: {why}"),
                )
                .at(at)
                .with_label("template with a syntax error")
                .with_help("templates use `{{{ value }}}` and `{{% tag %}}` (so `${{ }}` stays literal); fix the template at that line"),
            );
        }
    }
}
