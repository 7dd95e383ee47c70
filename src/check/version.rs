//! Rule: `version` must be a version this cigen understands.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const UNSUPPORTED_VERSION: Code = Code::new("unsupported-version");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[UNSUPPORTED_VERSION];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if cx.spec.version != 1 {
        out.push(
            Diagnostic::error(
                UNSUPPORTED_VERSION,
                format!("spec version {} is not supported", cx.spec.version),
            )
            .at(YamlPath::root().key("version"))
            .with_label("only version 1 exists")
            .with_help("write `version: 1`"),
        );
    }
}
