//! Action pins: which commit of each action generated GitHub workflows `uses:`. cigen ships a
//! table (`builtin`); a repository keeps the pins it uses in a lock file (`lock`) that
//! Dependabot and Renovate can bump, and `cigen generate` adopts a bot's bump of a generated
//! workflow into it (`adopt`). docs/pins.md describes the whole arrangement.

pub(crate) mod adopt;
mod builtin;
pub(crate) mod lock;

#[cfg(test)]
pub(crate) use builtin::CIGEN_ACTION_VERSION;
pub(crate) use builtin::{
    cigen_version, default_cigen_version, lookup as builtin_lookup, CACHE, CHECKOUT, CIGEN,
    DOWNLOAD_ARTIFACT, SETUP_GO, SETUP_JAVA, SETUP_NODE, SETUP_PYTHON, SETUP_UV, UPLOAD_ARTIFACT,
};

use std::cmp::Ordering;

/// One pinned action: `uses: <action>@<sha>  # <version>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pin {
    /// `owner/repo` (or `owner/repo/path`).
    pub action: String,
    /// Full 40-hex commit SHA, lower case.
    pub sha: String,
    /// The tag the commit carries, `vX.Y.Z`.
    pub version: String,
}

impl From<&builtin::Builtin> for Pin {
    fn from(b: &builtin::Builtin) -> Self {
        Pin {
            action: b.action.into(),
            sha: b.sha.into(),
            version: b.version.into(),
        }
    }
}

/// Where a pin in effect comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The repository's lock file.
    Lock,
    /// cigen's built-in table.
    Builtin,
}

/// The pins in effect for one repository: its lock's entries over cigen's table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The lock's entries (empty without a lock file), in file order.
    pub locked: Vec<Pin>,
}

impl Table {
    /// The pin for `action`: the lock's, else cigen's.
    pub fn get(&self, action: &str) -> Option<(Pin, Source)> {
        match self.locked.iter().find(|p| p.action == action) {
            Some(p) => Some((p.clone(), Source::Lock)),
            None => builtin::lookup(action).map(|b| (Pin::from(b), Source::Builtin)),
        }
    }

    /// The pin for an action cigen itself uses; its table has every one, so a miss is a bug.
    pub fn required(&self, action: &str) -> Pin {
        match self.get(action) {
            Some((p, _)) => p,
            None => Pin::from(builtin::builtin(action)),
        }
    }

    /// Records `pin` in the lock, replacing the entry for its action.
    pub fn set(&mut self, pin: Pin) {
        match self.locked.iter_mut().find(|p| p.action == pin.action) {
            Some(p) => *p = pin,
            None => self.locked.push(pin),
        }
    }
}

/// Compares `vX[.Y[.Z]]` tags numerically (`v5.10.0` > `v5.9.1`, `v5` = `v5.0.0`); `None`
/// when either is not such a tag.
pub fn compare_versions(a: &str, b: &str) -> Option<Ordering> {
    let parse = |v: &str| -> Option<Vec<u64>> {
        let core = v.strip_prefix('v')?.split(['-', '+']).next()?;
        let parts: Option<Vec<u64>> = core.split('.').map(|n| n.parse().ok()).collect();
        parts.filter(|p| !p.is_empty() && p.len() <= 3)
    };
    let (mut a, mut b) = (parse(a)?, parse(b)?);
    a.resize(3, 0);
    b.resize(3, 0);
    Some(a.cmp(&b))
}

/// A full lower-case 40-hex commit SHA.
pub fn is_full_sha(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(
            compare_versions("v5.10.0", "v5.9.1"),
            Some(Ordering::Greater)
        );
        assert_eq!(compare_versions("v5", "v5.0.0"), Some(Ordering::Equal));
        assert_eq!(compare_versions("v4.2.2", "v5"), Some(Ordering::Less));
        assert_eq!(compare_versions("pinned", "v5"), None);
        assert_eq!(compare_versions("v1.2.3.4", "v1"), None);
    }

    #[test]
    fn the_lock_wins_over_the_builtin_table() {
        let mut t = Table::default();
        let (pin, source) = t.get(CHECKOUT).unwrap();
        assert_eq!(source, Source::Builtin);
        t.set(Pin {
            version: "v9.9.9".into(),
            sha: "f".repeat(40),
            ..pin
        });
        let (pin, source) = t.get(CHECKOUT).unwrap();
        assert_eq!((pin.version.as_str(), source), ("v9.9.9", Source::Lock));
        assert!(t.get("nobody/nothing").is_none());
    }
}
