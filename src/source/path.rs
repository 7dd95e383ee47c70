//! Symbolic locations inside the YAML document (`jobs.test.steps[0].run`).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// A path from the document root to a node; resolved to a span only when printed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct YamlPath(pub Vec<PathSegment>);

impl YamlPath {
    pub fn root() -> Self {
        YamlPath(Vec::new())
    }

    /// `jobs.<name>`: where every rule about one job points.
    pub fn job(name: impl Into<String>) -> Self {
        YamlPath(vec![
            PathSegment::Key("jobs".to_string()),
            PathSegment::Key(name.into()),
        ])
    }

    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut p = self.clone();
        p.0.push(PathSegment::Key(key.into()));
        p
    }

    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(PathSegment::Index(i));
        p
    }

    /// Builds a path from dotted text such as `jobs.test.steps[0]` (used by tests and rules).
    pub fn parse(text: &str) -> Self {
        let mut p = YamlPath::root();
        for part in text.split('.').filter(|s| !s.is_empty()) {
            let mut rest = part;
            if let Some(i) = rest.find('[') {
                p = p.key(&rest[..i]);
                rest = &rest[i..];
                while let Some(end) = rest.find(']') {
                    if let Ok(n) = rest[1..end].parse() {
                        p = p.index(n);
                    }
                    rest = &rest[end + 1..];
                }
            } else {
                p = p.key(rest);
            }
        }
        p
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                PathSegment::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                PathSegment::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        if first {
            f.write_str("(document)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dotted_text() {
        let p = YamlPath::parse("jobs.test.steps[2].run");
        assert_eq!(p.to_string(), "jobs.test.steps[2].run");
        assert_eq!(YamlPath::root().to_string(), "(document)");
    }
}
