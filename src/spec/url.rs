//! Placeholders of an environment URL: `{ref}`, `{repository}` and `{project}`, the values
//! each provider names differently (its expressions or variables, chosen in `generate/`).

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPlaceholder {
    /// `{ref}`: the branch or tag being built (a pull request's source branch).
    Ref,
    /// `{repository}`: `owner/name` (GitLab: the project path, `group/subgroup/name`).
    Repository,
    /// `{project}`: the repository's name alone, its last path segment.
    Project,
}

/// Every placeholder with its text, for parsing and for messages.
pub const URL_PLACEHOLDERS: &[(&str, UrlPlaceholder)] = &[
    ("{ref}", UrlPlaceholder::Ref),
    ("{repository}", UrlPlaceholder::Repository),
    ("{project}", UrlPlaceholder::Project),
];

/// One piece of a URL: text as written, or a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPart<'a> {
    Text(&'a str),
    Placeholder(UrlPlaceholder),
}

/// The URL cut at its placeholders, in order; anything else (an unknown `{x}`) is text,
/// which rule `environment-url` refuses.
pub fn url_parts(url: &str) -> Vec<UrlPart<'_>> {
    let mut out = Vec::new();
    let mut rest = url;
    loop {
        let next = URL_PLACEHOLDERS
            .iter()
            .filter_map(|(text, p)| rest.find(text).map(|i| (i, *text, *p)))
            .min_by_key(|(i, _, _)| *i);
        match next {
            Some((i, text, p)) => {
                if i > 0 {
                    out.push(UrlPart::Text(&rest[..i]));
                }
                out.push(UrlPart::Placeholder(p));
                rest = &rest[i + text.len()..];
            }
            None => {
                if !rest.is_empty() {
                    out.push(UrlPart::Text(rest));
                }
                return out;
            }
        }
    }
}

/// The URL with every placeholder removed (what must be plain text).
pub fn url_text(url: &str) -> String {
    url_parts(url)
        .into_iter()
        .filter_map(|p| match p {
            UrlPart::Text(t) => Some(t),
            UrlPart::Placeholder(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_at_placeholders() {
        use UrlPart::*;
        assert_eq!(
            url_parts("https://{project}.example.com/{ref}/x"),
            vec![
                Text("https://"),
                Placeholder(UrlPlaceholder::Project),
                Text(".example.com/"),
                Placeholder(UrlPlaceholder::Ref),
                Text("/x"),
            ]
        );
        assert_eq!(
            url_parts("{repository}{ref}"),
            vec![
                Placeholder(UrlPlaceholder::Repository),
                Placeholder(UrlPlaceholder::Ref)
            ]
        );
        assert_eq!(url_text("https://{x}.{ref}"), "https://{x}.");
    }
}
