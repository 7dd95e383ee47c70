//! A set of cigen events, as the import folds GitHub and GitLab triggers and conditions.

use crate::spec::{Event, OneOrMany};

/// Every event, in the order the spec lists them.
pub(crate) const ALL: [Event; 5] = [
    Event::Push,
    Event::PullRequest,
    Event::Tag,
    Event::Schedule,
    Event::Manual,
];

fn bit(e: Event) -> u8 {
    1 << ALL.iter().position(|a| *a == e).unwrap_or(0)
}

/// A small set of events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct EventSet(u8);

impl EventSet {
    pub(crate) fn all() -> Self {
        EventSet(0b1_1111)
    }

    pub(crate) fn of(events: &[Event]) -> Self {
        EventSet(events.iter().fold(0, |acc, e| acc | bit(*e)))
    }

    pub(crate) fn insert(&mut self, e: Event) {
        self.0 |= bit(e);
    }

    pub(crate) fn contains(self, e: Event) -> bool {
        self.0 & bit(e) != 0
    }

    pub(crate) fn union(self, o: Self) -> Self {
        EventSet(self.0 | o.0)
    }

    pub(crate) fn intersect(self, o: Self) -> Self {
        EventSet(self.0 & o.0)
    }

    pub(crate) fn minus(self, o: Self) -> Self {
        EventSet(self.0 & !o.0)
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub(crate) fn events(self) -> Vec<Event> {
        ALL.into_iter().filter(|e| self.contains(*e)).collect()
    }

    /// The spec's `when.event` value.
    pub(crate) fn to_when(self) -> Option<OneOrMany<Event>> {
        let v = self.events();
        match v.len() {
            0 => None,
            1 => Some(OneOrMany::One(v[0])),
            _ => Some(OneOrMany::Many(v)),
        }
    }

    /// Names as the spec writes them, for messages.
    pub(crate) fn names(self) -> String {
        self.events()
            .iter()
            .map(|e| match e {
                Event::Push => "push",
                Event::PullRequest => "pull_request",
                Event::Tag => "tag",
                Event::Schedule => "schedule",
                Event::Manual => "manual",
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let a = EventSet::of(&[Event::Push, Event::Tag]);
        let b = EventSet::of(&[Event::Tag, Event::Manual]);
        assert_eq!(a.intersect(b).events(), vec![Event::Tag]);
        assert_eq!(a.union(b).names(), "push, tag, manual");
        assert_eq!(
            EventSet::all().minus(a).names(),
            "pull_request, schedule, manual"
        );
        assert!(EventSet::default().is_empty());
        assert_eq!(
            EventSet::of(&[Event::Tag]).to_when(),
            Some(OneOrMany::One(Event::Tag))
        );
    }
}
