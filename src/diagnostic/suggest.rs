//! "Did you mean" suggestions by edit distance.

/// The closest candidate within a small edit distance, as `just` and cargo do.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d < 3 && *d < c.len().max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("nedes", ["needs", "steps"]), Some("needs"));
        assert_eq!(
            did_you_mean("working-directory", ["working_directory"]),
            Some("working_directory")
        );
        assert_eq!(did_you_mean("zzzzzz", ["needs", "steps"]), None);
    }
}
