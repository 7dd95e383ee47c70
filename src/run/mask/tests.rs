//! Masker tests: forms, escapes, overlaps, and chunking that never changes the result.

use base64::Engine;
use proptest::prelude::*;

use super::*;

fn stream_all(m: &Masker, chunks: &[&[u8]]) -> String {
    let mut s = m.stream();
    let mut out = Vec::new();
    for c in chunks {
        out.extend_from_slice(&s.push(c));
    }
    out.extend_from_slice(&s.finish());
    String::from_utf8(out).unwrap()
}

#[test]
fn masks_lines_and_encodings() {
    let m = Masker::new(["hunter2-top\nsecond-line", "a b/c?"]);
    assert_eq!(m.mask("x hunter2-top y"), "x *** y");
    assert_eq!(m.mask("second-line"), "***");
    let b64 = base64::engine::general_purpose::STANDARD.encode("hunter2-top\nsecond-line");
    assert_eq!(m.mask(&format!("<{b64}>")), "<***>");
    assert_eq!(m.mask("q=a%20b%2Fc%3F"), "q=***");
    assert_eq!(m.mask("nothing here"), "nothing here");
    assert!(matches!(m.mask("nothing here"), Cow::Borrowed(_)));
}

#[test]
fn short_values_are_left_out() {
    let m = Masker::new(["abc", ""]);
    assert!(m.patterns.is_empty());
    assert_eq!(m.mask("abc"), "abc");
}

#[test]
fn overlapping_secrets_are_masked_as_a_union() {
    let m = Masker::new(["abcdef", "defghi"]);
    assert_eq!(m.mask("xx abcdefghi yy"), "xx *** yy");
    // Split anywhere, the same.
    for cut in 0..15 {
        let t = b"xx abcdefghi yy";
        assert_eq!(
            stream_all(&m, &[&t[..cut], &t[cut..]]),
            "xx *** yy",
            "cut {cut}"
        );
    }
}

#[test]
fn escapes_inside_a_value_are_seen_through() {
    let m = Masker::new(["hunter2-xyz"]);
    assert_eq!(m.mask("pw: hun\x1b[1mter2\x1b[0m-xyz!"), "pw: ***!");
    assert_eq!(m.mask("\x1b[31mhunter2-xyz\x1b[0m"), "\x1b[31m***\x1b[0m");
    // A hyperlink's URL is text: a token in it is masked.
    assert_eq!(
        m.mask("\x1b]8;;https://h/?t=hunter2-xyz\x1b\\link\x1b]8;;\x1b\\"),
        "\x1b]8;;https://h/?t=***\x1b\\link\x1b]8;;\x1b\\"
    );
}

#[test]
fn wrapped_base64_is_masked_across_its_lines() {
    let secret = "correct-horse-battery-staple-0123456789-abcdefghijklmnopqrstuvwxyz";
    let m = Masker::new([secret]);
    let enc = base64::engine::general_purpose::STANDARD.encode(format!("user:{secret}\n"));
    let wrapped: String = enc
        .as_bytes()
        .chunks(76)
        .map(|c| format!("{}\n", std::str::from_utf8(c).unwrap()))
        .collect();
    assert!(wrapped.lines().count() >= 2);
    let out = m.mask(&wrapped);
    for line in out.lines() {
        assert!(line.len() < 12, "{line:?} in {out:?}");
    }
    // Chunked at every byte, the same.
    let bytes: Vec<&[u8]> = wrapped.as_bytes().chunks(1).collect();
    assert_eq!(stream_all(&m, &bytes), out);
}

#[test]
fn a_line_that_cannot_start_a_secret_is_released_at_once() {
    let m = Masker::new(["s3cret-value"]);
    let mut s = m.stream();
    assert_eq!(&*s.push(b"Starting...\n"), b"Starting...\n");
    // A tail that may begin the secret waits for more.
    assert_eq!(&*s.push(b"value is s3c"), b"value is ");
    assert_eq!(&*s.push(b"ret-value!\n"), b"***!\n");
    assert_eq!(s.finish(), b"");
    // An unfinished escape sequence waits too, then is passed on whole.
    let mut s = m.stream();
    assert_eq!(&*s.push(b"ok \x1b[3"), b"ok ");
    assert_eq!(&*s.push(b"2mgreen\n"), b"\x1b[32mgreen\n");
}

#[test]
fn a_split_long_line_is_masked() {
    let secret = "split-by-the-one-mib-flush";
    let m = Masker::new([secret]);
    let mut line = "x".repeat((1 << 20) - 10);
    line.push_str(secret);
    line.push('\n');
    let b = line.as_bytes();
    let out = stream_all(&m, &[&b[..1 << 20], &b[1 << 20..]]);
    assert!(out.ends_with("x***\n"), "{}", &out[out.len() - 40..]);
}

#[test]
fn masks_every_listed_form() {
    let secret = "p@ss w0rd/it's+~\"x\"";
    let m = Masker::new([secret]);
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    for printed in [
        secret.to_string(),
        b64(secret),
        b64(&format!("{secret}\n")),
        b64(&format!("u:{secret}")),
        b64(&format!("us:{secret}")),
        b64(&format!("use:{secret}")),
        hex.clone(),
        hex.to_uppercase(),
        "p%40ss%20w0rd%2Fit%27s%2B~%22x%22".into(),
        "p%40ss+w0rd%2Fit%27s%2B~%22x%22".into(),
        "p@ss w0rd/it's+~\\\"x\\\"".into(),
        "p@ss w0rd/it'\\''s+~\"x\"".into(),
        "p@ss\\ w0rd/it\\'s+~\\\"x\\\"".into(),
    ] {
        let out = m.mask(&format!("<{printed}>")).into_owned();
        assert!(out.len() <= "<***>".len() + 8, "{printed} gave {out}");
    }
    // Followed by more data, only the characters that also encode the secret's neighbours
    // stay: at most two at each edge.
    let out = m
        .mask(&b64(&format!("user:{secret}@host.example")))
        .into_owned();
    let kept = out.split("***").map(str::len).collect::<Vec<_>>();
    assert!(kept.len() == 2 && kept[0] <= 8 && kept[1] <= 20, "{out}");
    let m = Masker::new(["  edges  and  gaps "]);
    assert_eq!(m.mask("[edges and gaps]"), "[***]");
    assert_eq!(m.mask("[edges  and  gaps]"), "[***]");
}

const LONG: &str = "correct-horse-battery-staple-0123456789-abcdefghijklmnopqrstuvwxyz";

/// Line `n` of `base64` (wrapped at 76) of `user:LONG`, with its line break.
fn wrapped_line(n: usize) -> String {
    let enc = base64::engine::general_purpose::STANDARD.encode(format!("user:{LONG}"));
    let line = enc.as_bytes().chunks(76).nth(n).unwrap();
    format!("{}\n", std::str::from_utf8(line).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// However the output is cut into chunks, the masked result is the same.
    #[test]
    fn chunking_never_changes_the_result(
        pieces in proptest::collection::vec(
            prop_oneof![
                Just("tok3n-AAAA".to_string()),
                Just("AAAA-overlap".to_string()),
                Just("\x1b[1m".to_string()),
                Just("\n".to_string()),
                Just(base64::engine::general_purpose::STANDARD.encode("x:tok3n-AAAA")),
                Just(wrapped_line(0)),
                Just(wrapped_line(1)),
                "[a-zA-Z0-9 ]{0,6}",
            ],
            0..20,
        ),
        cuts in proptest::collection::vec(0usize..200, 0..8),
    ) {
        static M: std::sync::OnceLock<Masker> = std::sync::OnceLock::new();
        let m = M.get_or_init(|| Masker::new(["tok3n-AAAA", "AAAA-overlap", LONG]));
        let text: String = pieces.concat();
        let whole = stream_all(m, &[text.as_bytes()]);
        let mut cuts: Vec<usize> = cuts.into_iter().filter(|c| *c <= text.len()).collect();
        cuts.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut from = 0;
        for c in cuts {
            chunks.push(&text.as_bytes()[from..c]);
            from = c;
        }
        chunks.push(&text.as_bytes()[from..]);
        prop_assert_eq!(stream_all(m, &chunks), whole.clone());
        prop_assert!(!whole.contains("tok3n-AAAA") && !whole.contains("AAAA-overlap"));
        // A wrapped block (from a line start) is masked; its first line alone is no secret.
        let (l0, l1) = (wrapped_line(0), wrapped_line(1));
        let visible = String::from_utf8(super::project::strip(text.as_bytes())).unwrap();
        let blocks = visible
            .match_indices(&format!("{l0}{l1}"))
            .filter(|(i, _)| *i == 0 || visible.as_bytes()[i - 1] == b'\n')
            .count();
        let alone = visible.matches(&l0).count() - blocks;
        prop_assert_eq!(whole.matches(&l0[20..70]).count(), alone, "{}", whole);
    }
}

#[test]
fn the_quick_check_never_misses_a_form() {
    // Enough secrets for several SIMD groups; every form embedded anywhere is seen.
    let values: Vec<String> = (0..6)
        .map(|i| format!("secret-{i}/with spaces+'quotes'-{}", "x".repeat(i)))
        .collect();
    let m = Masker::new(values.iter().map(String::as_str));
    let main = &m.matcher.as_ref().unwrap().main;
    assert!(main.sorted.len() > QUICK_GROUP, "{}", main.sorted.len());
    for p in &main.sorted {
        let mut text = b"some output around ".to_vec();
        text.extend_from_slice(p);
        text.extend_from_slice(b" and after");
        assert!(main.may_occur(&text), "{}", String::from_utf8_lossy(p));
        assert!(main.may_occur(p));
    }
    assert!(!main.may_occur(b"nothing secret in this line at all\n") || main.quick.is_none());
}
