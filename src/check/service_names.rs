//! Rule: service names work as container host names on every provider (GitLab uses them as
//! network aliases, Docker as container names), and images are not blank.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const INVALID_SERVICE_NAME: Code = Code::new("invalid-service-name");
pub(crate) const INVALID_IMAGE: Code = Code::new("invalid-image");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_SERVICE_NAME, INVALID_IMAGE];

/// A DNS label: lower-case letters, digits and `-`, starting with a letter, at most 63 long.
pub(crate) fn is_service_name(name: &str) -> bool {
    name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (job, j) in &cx.spec.jobs {
        for (name, svc) in &j.services {
            let sp = YamlPath::job(job).key("services").key(name);
            if !is_service_name(name) {
                let suggestion: String = name
                    .to_ascii_lowercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                out.push(
                    Diagnostic::error(
                        INVALID_SERVICE_NAME,
                        format!("service name `{name}` is not a valid host name"),
                    )
                    .at_key(sp.clone())
                    .with_label("steps reach the service by this name")
                    .with_help(format!(
                        "use lower-case letters, digits and `-`, starting with a letter, e.g. `{}`",
                        Some(suggestion.trim_matches('-'))
                            .filter(|s| is_service_name(s))
                            .unwrap_or("db")
                    )),
                );
            }
            if svc.image.trim().is_empty() || svc.image.chars().any(char::is_whitespace) {
                out.push(
                    Diagnostic::error(
                        INVALID_IMAGE,
                        format!("`{}` is not a container image reference", svc.image),
                    )
                    .at(sp.key("image"))
                    .with_help("write an image such as `postgres:17` or `ghcr.io/acme/db:1.2`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_names() {
        assert!(super::is_service_name("postgres"));
        assert!(super::is_service_name("db-1"));
        assert!(!super::is_service_name("Postgres"));
        assert!(!super::is_service_name("my_db"));
        assert!(!super::is_service_name("1db"));
    }
}
