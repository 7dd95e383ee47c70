//! A YAML document read as it is parsed, for the self-check (`outline`): saphyr's events
//! (the parser the spec is read with), aliases expanded where they stand, each mapping's
//! keys checked for duplicates. Keys and facts are YAML values, as `serde_yaml::Value` reads
//! them (`1`, `'1'`, `true` and `~` are four keys); a tagged node (`!reference [...]`)
//! gives no fact.
//!
//! It reads saphyr's event stream rather than going through serde: `serde_yaml` first
//! collects every event of the document with owned copies of its text, then deserialises
//! from that list, and that was 60% of the cost of reading a big workflow back, itself most
//! of a cold `generate --check` (README "Benchmarks"). Written by hand because no crate
//! reads selected paths of a YAML document without building all of it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use saphyr_parser::{Event, Parser, ScalarStyle, StrInput, Tag};
use xxhash_rust::xxh3::{xxh3_128_with_seed, Xxh3};

use super::lines::Lines;
use super::scalar::resolve;
use super::Entries;

/// Reads the one document of `text` with `doc` (given its top node; an empty stream is a
/// null document), and checks that nothing follows it.
///
/// The text is read first line by line (`lines.rs`); where that reader gives up, or `doc`
/// finds anything wrong, it is read again with saphyr, whose reading is the one that counts.
pub(super) fn read<'t, T>(
    text: &'t str,
    doc: impl Fn(&mut Reader<'t>, Node<'t>) -> Result<T, String>,
) -> Result<T, String> {
    if let Some(lines) = Lines::new(text) {
        if let Ok(out) = read_from(Reader::new(Source::Lines(lines)), &doc) {
            return Ok(out);
        }
    }
    read_from(
        Reader::new(Source::Saphyr(Box::new(Parser::new_from_str(text)))),
        &doc,
    )
}

fn read_from<'t, T>(
    mut r: Reader<'t>,
    doc: &impl Fn(&mut Reader<'t>, Node<'t>) -> Result<T, String>,
) -> Result<T, String> {
    let top = r.next()?;
    let out = doc(&mut r, top)?;
    match r.next()? {
        Node::StreamEnd => Ok(out),
        _ => Err(invalid("more than one document")),
    }
}

fn invalid(what: impl std::fmt::Display) -> String {
    format!("not valid YAML: {what}")
}

/// A node as the reader meets it: a whole scalar, or the start of a collection (its entries
/// follow, then `End`).
pub(super) enum Node<'t> {
    Scalar {
        value: Cow<'t, str>,
        plain: bool,
        tag: Option<Cow<'t, Tag>>,
    },
    Seq(Option<Cow<'t, Tag>>),
    Map(Option<Cow<'t, Tag>>),
    End,
    StreamEnd,
}

/// How deep collections may nest (`serde_yaml`'s limit too).
const MAX_DEPTH: usize = 128;
/// How many events aliases may replay in one document: generated outputs use none, a
/// template's anchors a few; a document of nested aliases ("billion laughs") is refused.
const MAX_REPLAYED: usize = 1_000_000;

/// Where the events come from.
enum Source<'t> {
    Lines(Lines<'t>),
    // Boxed: saphyr's parser is large and made only where the line reader gave up.
    Saphyr(Box<Parser<'t, StrInput<'t>>>),
}

/// saphyr's events of one document (or the line reader's, the same where it reads), with
/// aliases replaced by the events of their anchor.
pub(super) struct Reader<'t> {
    source: Source<'t>,
    /// The events of every anchored node read so far, by anchor id.
    anchors: HashMap<usize, Rc<[Event<'t>]>>,
    /// Anchored nodes being read: anchor id, their events so far, the depth they started at.
    recording: Vec<(usize, Vec<Event<'t>>, usize)>,
    /// Aliases being expanded, innermost last: the anchor's events and the next to give.
    replay: Vec<(Rc<[Event<'t>]>, usize)>,
    replayed: usize,
    /// Collections open in the parser's events (not counting replayed ones).
    depth: usize,
    /// Collections the reader is inside (replayed ones included).
    nesting: usize,
    documents: usize,
}

impl<'t> Reader<'t> {
    fn new(source: Source<'t>) -> Self {
        Reader {
            source,
            anchors: HashMap::new(),
            recording: Vec::new(),
            replay: Vec::new(),
            replayed: 0,
            depth: 0,
            nesting: 0,
            documents: 0,
        }
    }

    /// The next event, from an alias being expanded or from the parser.
    fn event(&mut self) -> Result<Event<'t>, String> {
        while let Some((events, at)) = self.replay.last_mut() {
            if let Some(e) = events.get(*at) {
                *at += 1;
                self.replayed += 1;
                if self.replayed > MAX_REPLAYED {
                    return Err(invalid("aliases expand to too many nodes"));
                }
                return Ok(e.clone());
            }
            self.replay.pop();
        }
        let e = match &mut self.source {
            Source::Lines(lines) => lines
                .next_event()
                .map_err(|_| "outside what the line reader reads".to_string())?,
            Source::Saphyr(parser) => match parser.next_event() {
                Some(Ok((e, _))) => e,
                Some(Err(e)) => return Err(invalid(e)),
                None => Event::StreamEnd,
            },
        };
        self.record(&e);
        Ok(e)
    }

    /// Keeps the events of anchored nodes for their aliases.
    fn record(&mut self, e: &Event<'t>) {
        let anchor = match e {
            Event::Scalar(_, _, a, _) | Event::SequenceStart(a, _) | Event::MappingStart(a, _) => {
                *a
            }
            _ => 0,
        };
        if anchor > 0 {
            self.recording.push((anchor, Vec::new(), self.depth));
        }
        for (_, events, _) in &mut self.recording {
            events.push(e.clone());
        }
        match e {
            Event::SequenceStart(..) | Event::MappingStart(..) => self.depth += 1,
            Event::SequenceEnd | Event::MappingEnd => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        // A node is complete when the depth is back where it started.
        while let Some((_, _, start)) = self.recording.last() {
            if *start != self.depth {
                break;
            }
            let Some((id, events, _)) = self.recording.pop() else {
                break;
            };
            self.anchors.insert(id, events.into());
        }
    }

    /// The next node (or end of a collection, or of the stream).
    fn next(&mut self) -> Result<Node<'t>, String> {
        loop {
            return Ok(match self.event()? {
                Event::Scalar(value, style, _, tag) => Node::Scalar {
                    value,
                    plain: style == ScalarStyle::Plain,
                    tag,
                },
                Event::SequenceStart(_, tag) => self.open(Node::Seq(local(tag)))?,
                Event::MappingStart(_, tag) => self.open(Node::Map(local(tag)))?,
                Event::SequenceEnd | Event::MappingEnd => {
                    self.nesting = self.nesting.saturating_sub(1);
                    Node::End
                }
                Event::Alias(id) => {
                    let events = self
                        .anchors
                        .get(&id)
                        .cloned()
                        .ok_or_else(|| invalid("an alias names no anchor before it"))?;
                    self.replay.push((events, 0));
                    continue;
                }
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        return Err(invalid("more than one document"));
                    }
                    continue;
                }
                Event::StreamEnd if self.documents == 0 => {
                    // No document at all (only comments): a null one, as serde_yaml reads it.
                    self.documents = 1;
                    Node::Scalar {
                        value: Cow::Borrowed(""),
                        plain: true,
                        tag: None,
                    }
                }
                Event::StreamEnd => Node::StreamEnd,
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => continue,
            });
        }
    }

    fn open(&mut self, node: Node<'t>) -> Result<Node<'t>, String> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return Err(invalid(format!("nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(node)
    }

    /// Walks `node` to its end.
    pub(super) fn skip(&mut self, node: Node<'t>) -> Result<(), String> {
        match node {
            Node::Seq(_) => self.items(|r, item| r.skip(item)),
            Node::Map(_) => self.entries(|r, _, value| r.skip(value)),
            _ => Ok(()),
        }
    }

    /// Calls `f` on each item of a sequence whose start was read.
    pub(super) fn items(
        &mut self,
        mut f: impl FnMut(&mut Self, Node<'t>) -> Result<(), String>,
    ) -> Result<(), String> {
        loop {
            match self.next()? {
                Node::End => return Ok(()),
                Node::StreamEnd => return Err(invalid("unexpected end")),
                item => f(self, item)?,
            }
        }
    }

    /// Calls `f` on each entry of a mapping whose start was read, with the key's text when
    /// it is a string; a key given twice is an error.
    fn entries(
        &mut self,
        mut f: impl FnMut(&mut Self, Option<&str>, Node<'t>) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut seen = Seen::default();
        loop {
            let key = match self.next()? {
                Node::End => return Ok(()),
                Node::StreamEnd => return Err(invalid("unexpected end")),
                key => key,
            };
            let name = match &key {
                Node::Scalar { value, plain, tag } if string(value, *plain, tag.as_deref()) => {
                    Some(value.clone())
                }
                _ => None,
            };
            seen.insert(self.fingerprint(key)?)?;
            let value = self.next()?;
            f(self, name.as_deref(), value)?;
        }
    }

    /// `node`'s entries when it is an untagged mapping; any other node is walked.
    pub(super) fn fields(
        &mut self,
        node: Node<'t>,
        f: impl FnMut(&mut Self, Option<&str>, Node<'t>) -> Result<(), String>,
    ) -> Result<(), String> {
        match node {
            Node::Map(None) => self.entries(f),
            other => self.skip(other),
        }
    }

    /// The value under `key` of a mapping, read by `f` (`Default` without one).
    pub(super) fn at<T: Default>(
        &mut self,
        node: Node<'t>,
        key: &str,
        mut f: impl FnMut(&mut Self, Node<'t>) -> Result<T, String>,
    ) -> Result<T, String> {
        let mut out = T::default();
        self.fields(node, |r, k, value| {
            if k == Some(key) {
                out = f(r, value)?;
                Ok(())
            } else {
                r.skip(value)
            }
        })?;
        Ok(out)
    }

    /// A mapping by its string keys (jobs by name), each value read by `f`; `None` when the
    /// node is no mapping.
    pub(super) fn named<T>(
        &mut self,
        node: Node<'t>,
        f: &mut impl FnMut(&mut Self, Node<'t>) -> Result<T, String>,
    ) -> Result<Option<Entries<T>>, String> {
        if !matches!(node, Node::Map(None)) {
            self.skip(node)?;
            return Ok(None);
        }
        let mut out = Entries {
            named: HashMap::new(),
            others: 0,
        };
        self.entries(|r, key, value| {
            let read = f(r, value)?;
            match key {
                Some(name) => {
                    out.named.insert(name.to_string(), read);
                }
                None => out.others += 1,
            }
            Ok(())
        })?;
        Ok(Some(out))
    }

    /// A string, or every string of a list (nested lists flattened): `run:`, `script:`,
    /// `needs:` as `verify` reads them.
    pub(super) fn strings(&mut self, node: Node<'t>) -> Result<Vec<String>, String> {
        match node {
            Node::Scalar { value, plain, tag } => Ok(if string(&value, plain, tag.as_deref()) {
                vec![value.into_owned()]
            } else {
                Vec::new()
            }),
            Node::Seq(None) => {
                let mut out = Vec::new();
                self.items(|r, item| {
                    out.append(&mut r.strings(item)?);
                    Ok(())
                })?;
                Ok(out)
            }
            other => self.skip(other).map(|()| Vec::new()),
        }
    }

    /// One string, or (with `first`) the first entry of a list when that is a string.
    pub(super) fn text(&mut self, node: Node<'t>, first: bool) -> Result<Option<String>, String> {
        match node {
            Node::Scalar { value, plain, tag } => {
                Ok(string(&value, plain, tag.as_deref()).then(|| value.into_owned()))
            }
            Node::Seq(None) if first => {
                let mut out = None;
                let mut at_first = true;
                self.items(|r, item| {
                    if std::mem::take(&mut at_first) {
                        out = r.text(item, false)?;
                        Ok(())
                    } else {
                        r.skip(item)
                    }
                })?;
                Ok(out)
            }
            other => self.skip(other).map(|()| None),
        }
    }

    /// The number of entries of a list (0 for anything else).
    pub(super) fn count(&mut self, node: Node<'t>) -> Result<usize, String> {
        match node {
            Node::Seq(None) => {
                let mut n = 0;
                self.items(|r, item| {
                    n += 1;
                    r.skip(item)
                })?;
                Ok(n)
            }
            other => self.skip(other).map(|()| 0),
        }
    }

    /// A key's fingerprint: equal for keys equal as `serde_yaml::Value`s, the node walked.
    fn fingerprint(&mut self, node: Node<'t>) -> Result<u128, String> {
        let (tag, h) = match node {
            Node::Scalar { value, plain, tag } => {
                let (kind, bytes) = resolve(&value, plain, tag.as_deref());
                let print = xxh3_128_with_seed(&bytes, u64::from(kind));
                return Ok(match tag.filter(|t| !t.is_yaml_core_schema()) {
                    Some(t) => tagged(&t, print),
                    None => print,
                });
            }
            Node::Seq(tag) => {
                let mut h = Xxh3::new();
                h.update(b"[");
                self.items(|r, item| {
                    h.update(&r.fingerprint(item)?.to_le_bytes());
                    Ok(())
                })?;
                (tag, h)
            }
            Node::Map(tag) => {
                let mut h = Xxh3::new();
                h.update(b"{");
                loop {
                    let key = match self.next()? {
                        Node::End => break,
                        Node::StreamEnd => return Err(invalid("unexpected end")),
                        key => key,
                    };
                    h.update(&self.fingerprint(key)?.to_le_bytes());
                    let value = self.next()?;
                    h.update(&self.fingerprint(value)?.to_le_bytes());
                }
                (tag, h)
            }
            Node::End | Node::StreamEnd => return Err(invalid("unexpected end")),
        };
        let print = h.digest128();
        Ok(match tag {
            Some(t) => tagged(&t, print),
            None => print,
        })
    }
}

fn tagged(tag: &Tag, value: u128) -> u128 {
    let mut h = Xxh3::new();
    h.update(b"!");
    h.update(tag.handle.as_bytes());
    h.update(tag.suffix.as_bytes());
    h.update(&value.to_le_bytes());
    h.digest128()
}

/// A collection's tag as `serde_yaml` keeps it: a core-schema tag (`!!seq`, `!!map`, even a
/// mismatched `!!str`) is dropped, the collection read as untagged; a local one (`!custom`)
/// stays.
fn local<'t>(tag: Option<Cow<'t, Tag>>) -> Option<Cow<'t, Tag>> {
    tag.filter(|t| !t.is_yaml_core_schema())
}

/// Whether a scalar reads as a string: quoted or block, tagged `!!str`, or plain text that is
/// no null, boolean or number.
fn string(value: &str, plain: bool, tag: Option<&Tag>) -> bool {
    match tag {
        Some(t) if t.is_yaml_core_schema() && t.suffix == "str" => true,
        Some(t) if !t.is_yaml_core_schema() => false,
        _ => resolve(value, plain, None).0 == b's',
    }
}

/// Keys of one mapping seen so far, by fingerprint: small mappings are searched, big ones
/// (the jobs of a monorepo) hashed, so checking for duplicates stays linear.
#[derive(Default)]
struct Seen {
    small: Vec<u128>,
    big: HashSet<u128>,
}

impl Seen {
    /// Records a key; a key seen before is an error.
    fn insert(&mut self, key: u128) -> Result<(), String> {
        let new = if !self.big.is_empty() {
            self.big.insert(key)
        } else if self.small.contains(&key) {
            false
        } else if self.small.len() < 16 {
            self.small.push(key);
            true
        } else {
            self.big.extend(self.small.drain(..));
            self.big.insert(key)
        };
        if new {
            Ok(())
        } else {
            Err(invalid("a mapping gives the same key twice"))
        }
    }
}
