//! The text of a scalar or mapping key in the located tree: a slice of the spec's own text
//! when the value is written there verbatim (most keys and values), owned only when YAML
//! changed it (escapes, folded lines, block scalars). A big spec's tree thus holds almost no
//! string copies: its memory is the nodes, not the text again.

use std::borrow::Cow;
use std::fmt;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Text<'t>(Cow<'t, str>);

impl<'t> Text<'t> {
    /// `value` as parsed, borrowed from `source` when `source` holds exactly it.
    pub(super) fn new(value: String, source: &'t str) -> Self {
        // Plain scalars and keys span exactly their text; quoted ones add a quote each side.
        let inner = source
            .strip_prefix(['\'', '"'])
            .and_then(|s| s.strip_suffix(['\'', '"']));
        match [Some(source), inner]
            .into_iter()
            .flatten()
            .find(|s| *s == value)
        {
            Some(s) => Text(Cow::Borrowed(s)),
            None => Text(Cow::Owned(value)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text<'static> {
    fn from(s: &str) -> Self {
        Text(Cow::Owned(s.to_string()))
    }
}

impl From<&Text<'_>> for String {
    fn from(t: &Text<'_>) -> Self {
        t.0.to_string()
    }
}

impl std::borrow::Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Text<'_> {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_what_the_source_holds_verbatim() {
        let plain = Text::new("abc".into(), "abc");
        assert!(matches!(plain.0, Cow::Borrowed(_)));
        let quoted = Text::new("a b".into(), "\"a b\"");
        assert!(matches!(quoted.0, Cow::Borrowed(_)));
        let escaped = Text::new("a\nb".into(), "\"a\\nb\"");
        assert!(matches!(escaped.0, Cow::Owned(_)));
        assert_eq!(escaped, "a\nb");
    }
}
