//! What the self-check reads back from a rendered output: the YAML parser's events go
//! straight into the few facts `verify` asserts (per job: its `run:`/`script:` lines, its
//! `needs`, its matrix size, the reports it declares); everything else is walked and
//! dropped. Walking still checks the whole document: its syntax, and that no mapping gives a
//! key twice (providers refuse such a file). Building the whole document as a
//! `serde_yaml::Value` only to drop it was a third of the self-check, and the self-check
//! two fifths of a cold `generate --check` (README "Benchmarks").
//!
//! Written by hand on serde's visitor API because no crate reads selected paths of a YAML
//! document without building all of it.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use xxhash_rust::xxh3::{xxh3_128_with_seed, Xxh3};

/// A job of a GitHub (or Forgejo) workflow, as far as the self-check reads it.
#[derive(Debug, Default)]
pub(crate) struct GithubJob {
    /// Every step's `run:` text, in order; `None` when `steps` is not a list.
    pub(super) runs: Option<Vec<String>>,
    pub(super) needs: Vec<String>,
    /// Entries of `strategy.matrix.include`.
    pub(super) cells: usize,
}

/// A top-level mapping of a GitLab pipeline (a job, or `workflow:`, `default:` ...).
#[derive(Debug, Default)]
pub(crate) struct GitlabJob {
    pub(super) script: Vec<String>,
    pub(super) needs: Vec<String>,
    /// Entries of `parallel.matrix`.
    pub(super) cells: usize,
    /// `artifacts.reports.junit`: the path, or the first of its list.
    pub(super) junit: Option<String>,
    /// `artifacts.reports.dotenv` when it is one path.
    pub(super) dotenv: Option<String>,
}

/// The entries of a mapping: those with a string key by name, and how many others.
#[derive(Debug, Default)]
pub(crate) struct Entries<T> {
    pub(super) named: HashMap<String, T>,
    pub(super) others: usize,
}

impl<T> Entries<T> {
    pub(super) fn len(&self) -> usize {
        self.named.len() + self.others
    }
}

/// What the self-check read from an output, to be compared with the pipeline (`verify`).
#[derive(Debug)]
pub(crate) enum Outline {
    /// A GitHub or Forgejo workflow: its jobs, `None` without a `jobs:` mapping.
    Workflow(Option<Entries<GithubJob>>),
    /// A GitLab pipeline: its top-level mappings.
    Gitlab(Entries<GitlabJob>),
    /// Nothing parsed: the check reads the text itself (the justfile).
    Text,
}

/// Reads a GitHub (or Forgejo) workflow.
pub(super) fn github(text: &str) -> Result<Outline, String> {
    read(text, Node(GithubDoc)).map(Outline::Workflow)
}

/// Reads a GitLab pipeline.
pub(super) fn gitlab(text: &str) -> Result<Outline, String> {
    Ok(Outline::Gitlab(
        read(text, Node(Named(GitlabEntry)))?.unwrap_or_default(),
    ))
}

fn read<T>(text: &str, seed: Node<impl Shape<Out = T>>) -> Result<T, String> {
    seed.deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| format!("not valid YAML: {e}"))
}

/// How a node of one kind is read: from a mapping's fields, or from a string or list; any
/// other node gives `Default`. Every node not read is walked.
trait Shape: Copy {
    type Out: Default;
    /// The keys read from a mapping, in the order `field` numbers them.
    const FIELDS: &'static [&'static str] = &[];
    fn field<'de, A: MapAccess<'de>>(
        self,
        _out: &mut Self::Out,
        _index: usize,
        _map: &mut A,
    ) -> Result<(), A::Error> {
        unreachable!("a shape without FIELDS reads no field")
    }
    fn text(self, _s: &str) -> Self::Out {
        Self::Out::default()
    }
    fn list<'de, A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Out, A::Error> {
        walk_seq(seq)?;
        Ok(Self::Out::default())
    }
    /// Reads a mapping itself instead of by `FIELDS` (the jobs by name).
    fn mapping<'de, A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Out, A::Error> {
        let mut out = Self::Out::default();
        let mut seen = Seen::default();
        while let Some((key, index, _)) = map.next_key_seed(Key::fields(Self::FIELDS))? {
            seen.insert::<A::Error>(key)?;
            match index {
                Some(i) => self.field(&mut out, i, &mut map)?,
                None => map.next_value_seed(Node(Skip))?,
            }
        }
        Ok(out)
    }
}

/// Any node read as the shape `S` says.
#[derive(Clone, Copy)]
struct Node<S>(S);

impl<'de, S: Shape> DeserializeSeed<'de> for Node<S> {
    type Value = S::Out;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Out, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: Shape> Visitor<'de> for Node<S> {
    type Value = S::Out;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }
    fn visit_bool<E>(self, _: bool) -> Result<S::Out, E> {
        Ok(S::Out::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<S::Out, E> {
        Ok(S::Out::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<S::Out, E> {
        Ok(S::Out::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<S::Out, E> {
        Ok(S::Out::default())
    }
    fn visit_unit<E>(self) -> Result<S::Out, E> {
        Ok(S::Out::default())
    }
    fn visit_str<E>(self, s: &str) -> Result<S::Out, E> {
        Ok(self.0.text(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<S::Out, A::Error> {
        self.0.list(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<S::Out, A::Error> {
        self.0.mapping(map)
    }
    /// A tagged node (`!reference [...]`): read as nothing, as `serde_yaml::Value` would
    /// give a tagged value no string or field.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<S::Out, A::Error> {
        let (_, content) = data.variant_seed(Node(Skip))?;
        content.newtype_variant_seed(Node(Skip))?;
        Ok(S::Out::default())
    }
}

fn walk_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element_seed(Node(Skip))?.is_some() {}
    Ok(())
}

/// A node only walked.
#[derive(Clone, Copy)]
struct Skip;
impl Shape for Skip {
    type Out = ();
}

/// Strings: a string, or every string of a list (nested lists flattened), as `verify` reads
/// `run:`, `script:` and `needs:`.
#[derive(Clone, Copy)]
struct Strings;
impl Shape for Strings {
    type Out = Vec<String>;
    fn text(self, s: &str) -> Vec<String> {
        vec![s.to_string()]
    }
    fn list<'de, A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut out = Vec::new();
        while let Some(mut more) = seq.next_element_seed(Node(Strings))? {
            out.append(&mut more);
        }
        Ok(out)
    }
}

/// One string, or (with `first`) the first entry of a list when that is a string.
#[derive(Clone, Copy)]
struct Text {
    first: bool,
}
impl Shape for Text {
    type Out = Option<String>;
    fn text(self, s: &str) -> Option<String> {
        Some(s.to_string())
    }
    fn list<'de, A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<String>, A::Error> {
        let mut out = None;
        if self.first {
            out = seq
                .next_element_seed(Node(Text { first: false }))?
                .flatten();
        }
        walk_seq(seq)?;
        Ok(out)
    }
}

/// The number of entries of a list.
#[derive(Clone, Copy)]
struct Count;
impl Shape for Count {
    type Out = usize;
    fn list<'de, A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while seq.next_element_seed(Node(Skip))?.is_some() {
            n += 1;
        }
        Ok(n)
    }
}

/// The value under one key of a mapping, read as `S`.
#[derive(Clone, Copy)]
struct At<S>(&'static [&'static str; 1], S);
impl<S: Shape> Shape for At<S> {
    type Out = S::Out;
    fn mapping<'de, A: MapAccess<'de>>(self, mut map: A) -> Result<S::Out, A::Error> {
        let mut out = S::Out::default();
        let mut seen = Seen::default();
        while let Some((key, index, _)) = map.next_key_seed(Key::fields(self.0))? {
            seen.insert::<A::Error>(key)?;
            match index {
                Some(_) => out = map.next_value_seed(Node(self.1))?,
                None => map.next_value_seed(Node(Skip))?,
            }
        }
        Ok(out)
    }
}

/// A mapping by its string keys (jobs by name), each value read as `S`.
#[derive(Clone, Copy)]
struct Named<S>(S);
impl<S: Shape> Shape for Named<S> {
    type Out = Option<Entries<S::Out>>;
    fn mapping<'de, A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Out, A::Error> {
        let mut out = Entries {
            named: HashMap::new(),
            others: 0,
        };
        let mut seen = Seen::default();
        while let Some((key, _, name)) = map.next_key_seed(Key::named())? {
            seen.insert::<A::Error>(key)?;
            let value = map.next_value_seed(Node(self.0))?;
            match name {
                Some(name) => {
                    out.named.insert(name, value);
                }
                None => out.others += 1,
            }
        }
        Ok(Some(out))
    }
}

#[derive(Clone, Copy)]
struct GithubDoc;
impl Shape for GithubDoc {
    type Out = Option<Entries<GithubJob>>;
    const FIELDS: &'static [&'static str] = &["jobs"];
    fn field<'de, A: MapAccess<'de>>(
        self,
        out: &mut Self::Out,
        _: usize,
        map: &mut A,
    ) -> Result<(), A::Error> {
        *out = map.next_value_seed(Node(Named(GithubJobShape)))?;
        Ok(())
    }
}

#[derive(Clone, Copy)]
struct GithubJobShape;
impl Shape for GithubJobShape {
    type Out = GithubJob;
    const FIELDS: &'static [&'static str] = &["steps", "needs", "strategy"];
    fn field<'de, A: MapAccess<'de>>(
        self,
        out: &mut GithubJob,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match index {
            0 => out.runs = map.next_value_seed(Node(Steps))?,
            1 => out.needs = map.next_value_seed(Node(Strings))?,
            _ => out.cells = map.next_value_seed(Node(At(&["matrix"], At(&["include"], Count))))?,
        }
        Ok(())
    }
}

/// A job's `steps:` list: the `run:` strings of every step.
#[derive(Clone, Copy)]
struct Steps;
impl Shape for Steps {
    type Out = Option<Vec<String>>;
    fn list<'de, A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Out, A::Error> {
        let mut runs = Vec::new();
        while let Some(mut more) = seq.next_element_seed(Node(At(&["run"], Strings)))? {
            runs.append(&mut more);
        }
        Ok(Some(runs))
    }
}

#[derive(Clone, Copy)]
struct GitlabEntry;
impl Shape for GitlabEntry {
    type Out = GitlabJob;
    const FIELDS: &'static [&'static str] = &["script", "needs", "parallel", "artifacts"];
    fn field<'de, A: MapAccess<'de>>(
        self,
        out: &mut GitlabJob,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match index {
            0 => out.script = map.next_value_seed(Node(Strings))?,
            1 => out.needs = map.next_value_seed(Node(Strings))?,
            2 => out.cells = map.next_value_seed(Node(At(&["matrix"], Count)))?,
            _ => {
                let (junit, dotenv) = map.next_value_seed(Node(At(&["reports"], Reports)))?;
                out.junit = junit;
                out.dotenv = dotenv;
            }
        }
        Ok(())
    }
}

/// `artifacts.reports`: its `junit` (first) path and its `dotenv` path.
#[derive(Clone, Copy)]
struct Reports;
impl Shape for Reports {
    type Out = (Option<String>, Option<String>);
    const FIELDS: &'static [&'static str] = &["junit", "dotenv"];
    fn field<'de, A: MapAccess<'de>>(
        self,
        out: &mut Self::Out,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match index {
            0 => out.0 = map.next_value_seed(Node(Text { first: true }))?,
            _ => out.1 = map.next_value_seed(Node(Text { first: false }))?,
        }
        Ok(())
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
    fn insert<E: de::Error>(&mut self, key: u128) -> Result<(), E> {
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
            Err(E::custom("a mapping gives the same key twice"))
        }
    }
}

/// A mapping key: its fingerprint (keys equal as `serde_yaml::Value` compares them give
/// equal fingerprints), which of `fields` it is, and, when `keep`, its text if it is a string.
#[derive(Clone, Copy)]
struct Key {
    fields: &'static [&'static str],
    keep: bool,
}

impl Key {
    fn fields(fields: &'static [&'static str]) -> Self {
        Key {
            fields,
            keep: false,
        }
    }
    fn named() -> Self {
        Key {
            fields: &[],
            keep: true,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = (u128, Option<usize>, Option<String>);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(Fingerprint(self))
    }
}

/// Hashes a key: a scalar by its kind and text, a compound key by its parts in order.
struct Fingerprint(Key);

type Found = (u128, Option<usize>, Option<String>);

fn scalar<E>(kind: u8, text: &[u8]) -> Result<Found, E> {
    Ok((xxh3_128_with_seed(text, u64::from(kind)), None, None))
}

impl<'de> Visitor<'de> for Fingerprint {
    type Value = Found;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Found, E> {
        scalar(b'b', &[u8::from(v)])
    }
    fn visit_i64<E>(self, v: i64) -> Result<Found, E> {
        scalar(b'i', &v.to_le_bytes())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Found, E> {
        scalar(b'u', &v.to_le_bytes())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Found, E> {
        scalar(b'f', &v.to_bits().to_le_bytes())
    }
    fn visit_unit<E>(self) -> Result<Found, E> {
        scalar(b'n', &[])
    }
    fn visit_str<E>(self, v: &str) -> Result<Found, E> {
        let Key { fields, keep } = self.0;
        let (hash, ..) = scalar::<E>(b's', v.as_bytes())?;
        let index = fields.iter().position(|f| *f == v);
        Ok((hash, index, keep.then(|| v.to_string())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Found, A::Error> {
        let mut h = Xxh3::new();
        h.update(b"[");
        while let Some((part, ..)) = seq.next_element_seed(Key::fields(&[]))? {
            h.update(&part.to_le_bytes());
        }
        Ok((h.digest128(), None, None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found, A::Error> {
        let mut h = Xxh3::new();
        h.update(b"{");
        while let Some((key, ..)) = map.next_key_seed(Key::fields(&[]))? {
            let (value, ..) = map.next_value_seed(Key::fields(&[]))?;
            h.update(&key.to_le_bytes());
            h.update(&value.to_le_bytes());
        }
        Ok((h.digest128(), None, None))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Found, A::Error> {
        let mut h = Xxh3::new();
        h.update(b"!");
        let ((tag, ..), content) = data.variant_seed(Key::fields(&[]))?;
        let (value, ..) = content.newtype_variant_seed(Key::fields(&[]))?;
        h.update(&tag.to_le_bytes());
        h.update(&value.to_le_bytes());
        Ok((h.digest128(), None, None))
    }
}
