//! Test fixture for the GitHub Action: a local HTTP server on 127.0.0.1 serving a release
//! archive of the freshly built cigen, and a copy of the action with its own checksum table.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

use crate::test::{cigen_bin, repo_root, scrubbed};

pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The release target the script picks for `RUNNER_OS=Linux RUNNER_ARCH=X64`. The archive
/// holds this machine's binary under that name, which is all the script can tell apart.
pub(crate) const TARGET: &str = "x86_64-unknown-linux-musl";

/// A minimal static file server on 127.0.0.1 that records every requested path.
pub(crate) struct Server {
    port: u16,
    hits: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub(crate) fn start(root: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local addr").port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&hits);
        // The thread lives until the test binary exits; each connection is served in turn.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = serve(stream, &root, &seen);
            }
        });
        Server { port, hits }
    }

    pub(crate) fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub(crate) fn hits(&self) -> Vec<String> {
        self.hits.lock().expect("hits lock").clone()
    }
}

fn serve(stream: TcpStream, root: &Path, hits: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers up to the blank line.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    hits.lock().expect("hits lock").push(path.clone());
    let rel = path.trim_start_matches('/');
    let body = if rel.split('/').any(|part| part == ".." || part.is_empty()) {
        None
    } else {
        std::fs::read(root.join(rel)).ok()
    };
    let mut stream = stream;
    match body {
        Some(body) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)?;
        }
        None => write!(
            stream,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?,
    }
    stream.flush()
}

/// A copy of the action with its own checksum table, a served release archive, and the
/// runner's directories and command files.
pub(crate) struct Fixture {
    dir: tempfile::TempDir,
    pub(crate) server: Server,
    pub(crate) archive_sha256: String,
}

#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let action = root.join("action-copy/action");
        std::fs::create_dir_all(&action).expect("mkdir action");
        std::fs::copy(
            repo_root().join("action.yml"),
            root.join("action-copy/action.yml"),
        )
        .expect("copy action.yml");
        for file in ["install.sh", "run.sh"] {
            std::fs::copy(repo_root().join("action").join(file), action.join(file))
                .expect("copy script");
        }
        for sub in ["runner/temp", "runner/tool-cache", "runner/work"] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir runner");
        }
        std::fs::write(root.join("runner/github_path"), "").expect("github_path");
        std::fs::write(root.join("runner/github_output"), "").expect("github_output");

        let (srv, archive_sha256) = release();
        let server = Server::start(srv.to_path_buf());
        Fixture {
            dir,
            server,
            archive_sha256,
        }
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes the action copy's checksum table.
    pub(crate) fn checksums(&self, lines: &str) {
        std::fs::write(
            self.root().join("action-copy/action/checksums.txt"),
            format!("# test table\n{lines}"),
        )
        .expect("write checksums");
    }

    /// Runs `bash action/install.sh` as the composite step would, with the given inputs.
    pub(crate) fn install(&self, env: &[(&str, &str)]) -> Run {
        let root = self.root();
        let mut cmd = scrubbed("bash");
        cmd.arg(root.join("action-copy/action/install.sh"))
            .current_dir(root.join("runner/work"))
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", root.join("runner/work"))
            .env("GITHUB_PATH", root.join("runner/github_path"))
            .env("GITHUB_OUTPUT", root.join("runner/github_output"))
            .env("RUNNER_TEMP", root.join("runner/temp"))
            .env("RUNNER_TOOL_CACHE", root.join("runner/tool-cache"))
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("CIGEN_INSTALL_BASE_URL", self.server.base_url());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run bash");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).expect("read runner file")
    }

    /// Asserts the failed run left nothing behind: no binary, no PATH line, no outputs, no
    /// temporary files.
    pub(crate) fn assert_nothing_installed(&self) {
        assert_eq!(
            self.read("runner/github_path"),
            "",
            "a PATH line was written"
        );
        assert_eq!(
            self.read("runner/github_output"),
            "",
            "outputs were written"
        );
        for sub in ["runner/tool-cache", "runner/temp"] {
            let left: Vec<_> = std::fs::read_dir(self.root().join(sub))
                .expect("read dir")
                .flatten()
                .map(|e| e.path())
                .collect();
            assert!(left.is_empty(), "{sub} is not empty: {left:?}");
        }
    }
}

/// The served release directory, built once per test run: archiving the debug binary is the
/// slow part. Laid out as the release job writes it: `v<version>/cigen-<target>.tar.gz`
/// holding `cigen-<target>/cigen`.
pub(crate) fn release() -> (&'static Path, String) {
    static RELEASE: OnceLock<(PathBuf, String)> = OnceLock::new();
    let (dir, sha) = RELEASE.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("action-release");
        let _ = std::fs::remove_dir_all(&root);
        let stage = root.join("stage").join(format!("cigen-{TARGET}"));
        std::fs::create_dir_all(&stage).expect("mkdir stage");
        std::fs::copy(cigen_bin(), stage.join("cigen")).expect("copy cigen");
        let release = root.join("srv").join(format!("v{VERSION}"));
        std::fs::create_dir_all(&release).expect("mkdir release");
        let archive = release.join(format!("cigen-{TARGET}.tar.gz"));
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(root.join("stage"))
            .arg(format!("cigen-{TARGET}"))
            .status()
            .expect("run tar");
        assert!(status.success(), "tar failed");
        (root.join("srv"), sha256_of(&archive))
    });
    (dir.as_path(), sha.clone())
}

pub(crate) fn sha256_of(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("run sha256sum");
    assert!(out.status.success(), "sha256sum failed");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("sha256sum output")
        .to_owned()
}
