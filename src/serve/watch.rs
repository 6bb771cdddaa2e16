//! Watching the site's sources: debounced file events, classified into the changes the
//! rebuild understands, and the worker thread that applies them and publishes snapshots.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::broadcast;

use crate::config::CONFIG_FILE;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};

use super::rebuild::Workspace;
use super::snapshot::{Live, Snapshot};

/// How long a path must be quiet before its change is acted on. Editors write a file in
/// several steps (truncate, write, rename); this folds them into one change while staying
/// well inside the edit → reload budget.
const QUIET: Duration = Duration::from_millis(20);

/// More page files than this in one batch (a checkout, a search-and-replace) is cheaper to
/// reload whole than page by page.
const MANY_PAGES: usize = 200;

/// The source directories, watched recursively.
const WATCHED_DIRS: &[&str] = &["content", "templates", "static"];

/// One change to the tree, in the terms of what it affects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `content/<tool>/<slug>.md`, relative to the root.
    Page(PathBuf),
    /// A file under `static/`, relative to `static/`.
    Static(PathBuf),
    Templates,
    /// A path under `content/` that is gone and was not a page: a removed directory (then
    /// its pages went with it) or an editor's scratch file (vim probes with `4913`).
    Gone(PathBuf),
    /// errbook.toml, or a change in content/ that no single page describes.
    Everything,
}

/// What a changed path means to the site; `None` for files the site does not read (editor
/// swap files, backups, hidden files).
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let relative = path.strip_prefix(root).ok()?;
    let mut parts = relative.components();
    let top = parts.next()?.as_os_str().to_str()?;
    let name = relative.file_name()?.to_string_lossy();
    if name.starts_with('.') || name.ends_with('~') {
        return None;
    }
    let is_dir = path.is_dir();
    match top {
        CONFIG_FILE if parts.next().is_none() => Some(Change::Everything),
        "content" => {
            if relative.extension().is_some_and(|e| e == "md") && !is_dir {
                Some(Change::Page(relative.to_path_buf()))
            } else if is_dir {
                // A directory created or moved in: which pages came with it is unknown.
                Some(Change::Everything)
            } else if !path.exists() && relative.extension().is_none() {
                Some(Change::Gone(relative.to_path_buf()))
            } else {
                None
            }
        }
        // Templates have extensions; a name without one is an editor's probe.
        "templates" if is_dir || relative.extension().is_some() => Some(Change::Templates),
        "templates" => None,
        "static" if is_dir || relative.components().count() == 1 => Some(Change::Everything),
        "static" => Some(Change::Static(parts.as_path().to_path_buf())),
        _ => None,
    }
}

/// One batch of changes reduced to the least work that covers it.
pub fn plan(changes: impl IntoIterator<Item = Change>) -> Vec<Change> {
    let changes: BTreeSet<Change> = changes.into_iter().collect();
    let pages = changes
        .iter()
        .filter(|c| matches!(c, Change::Page(_)))
        .count();
    if changes.contains(&Change::Everything) || pages > MANY_PAGES {
        return vec![Change::Everything];
    }
    // Pages first, then statics, then templates: a template reload re-renders every page
    // anyway, so it goes last and sees the new pages.
    changes.into_iter().collect()
}

/// The thread pool of settle passes, made on first use.
fn settle_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "errbook-settle-pool".into())
            .start_handler(|_| yield_to_edits())
            .build()
            .ok()
    })
    .as_ref()
}

/// Lowers the calling thread's CPU priority, so that a settle pass (the whole-site check and
/// search re-index, seconds on a large site) gives the cores to the next edit's re-render
/// instead of sharing them. Threads it starts (tantivy's indexers) inherit the priority.
/// Linux keeps the nice value per thread; elsewhere it would slow the whole server, so there
/// this does nothing.
fn yield_to_edits() {
    #[cfg(target_os = "linux")]
    {
        // A failure only costs speed.
        let _ = rustix::process::setpriority_process(None, 10);
    }
}

/// What the rebuild worker hears about: file events, and the results of settle passes.
pub enum Message {
    Files(DebounceEventResult),
    /// The full check of the site as it was at `revision`.
    Settled {
        revision: u64,
        diagnostics: BTreeMap<String, Vec<Diagnostic>>,
    },
}

/// The watcher, and both ends of the worker's channel (settle passes send on it too).
pub type Watching = (
    Debouncer<RecommendedWatcher, RecommendedCache>,
    Sender<Message>,
    Receiver<Message>,
);

/// Starts watching `root`; events go to the returned channel.
pub fn watch(root: &Path) -> Result<Watching> {
    let (tx, rx) = std::sync::mpsc::channel();
    let files = tx.clone();
    let mut debouncer = new_debouncer(QUIET, None, move |result| {
        // A closed channel means the worker is gone: the server is stopping.
        let _ = files.send(Message::Files(result));
    })
    .map_err(|e| Error::new(format!("cannot watch files: {e}")))?;
    let watcher = &mut debouncer;
    // The root itself, not recursively: errbook.toml (editors replace it by renaming, which a
    // watch on the file would lose) and the creation of a source directory.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| Error::new(format!("cannot watch {}: {e}", root.display())))?;
    for dir in WATCHED_DIRS {
        let dir = root.join(dir);
        if dir.is_dir() {
            watcher
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| Error::new(format!("cannot watch {}: {e}", dir.display())))?;
        }
    }
    Ok((debouncer, tx, rx))
}

/// Applies batches of changes as they come, publishing a snapshot and pushing a reload after
/// each. When the tree is quiet, runs the full check (the site-wide rules) on a thread of its
/// own, so an edit never waits for it, and publishes again if it changes what the overlay
/// shows. Returns when the watcher is gone.
pub struct Worker {
    pub root: PathBuf,
    pub workspace: Option<Workspace>,
    pub live: Live,
    pub reload: broadcast::Sender<u64>,
    pub debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// Where settle passes send their results.
    pub messages: Sender<Message>,
    /// Diagnostics of the last attempt when there is no good build yet.
    pub failure: Vec<Diagnostic>,
    /// Counts the changes applied, so a settle pass of an older state is recognised.
    pub revision: u64,
    /// Whether a settle pass is running.
    pub settling: bool,
    /// The index behind `/api/search`, rebuilt by each settle pass.
    pub search: super::search::SearchSlot,
}

impl Worker {
    pub fn run(mut self, messages: Receiver<Message>) {
        let mut pending: Vec<Message> = Vec::new();
        loop {
            let message = match pending.pop() {
                Some(message) => message,
                None => match messages.recv() {
                    Ok(message) => message,
                    Err(_) => return,
                },
            };
            match message {
                Message::Files(batch) => self.files_changed(batch),
                Message::Settled {
                    revision,
                    diagnostics,
                } => {
                    self.settling = false;
                    if revision == self.revision {
                        self.settled(diagnostics);
                    }
                }
            }
            // Settle only once the tree is quiet: a burst of edits does not start a full check
            // for every intermediate state. (A batch of nothing but reads, which the watcher
            // also reports, still counts as quiet.)
            match messages.try_recv() {
                Ok(next) => pending.push(next),
                Err(TryRecvError::Disconnected) => return,
                Err(TryRecvError::Empty) => self.start_settle(),
            }
        }
    }

    fn files_changed(&mut self, batch: DebounceEventResult) {
        let paths: Vec<PathBuf> = match batch {
            // Reads are events too (inotify reports opening a file); only writes matter, or
            // the server's own reading would trigger rebuilds forever.
            Ok(events) => events
                .into_iter()
                .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                .flat_map(|e| e.event.paths)
                .collect(),
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: file watching: {e}");
                }
                return;
            }
        };
        let changes = plan(paths.iter().filter_map(|p| classify(&self.root, p)));
        if changes.is_empty() {
            return;
        }
        self.watch_new_dirs(&paths);
        let started = Instant::now();
        let done = self.apply(&changes);
        if done.is_empty() {
            return;
        }
        self.revision += 1;
        self.publish();
        eprintln!(
            "rebuilt {} in {} ms",
            done.join(", "),
            started.elapsed().as_millis()
        );
    }

    fn start_settle(&mut self) {
        let Some(ws) = self.workspace.as_ref() else {
            return;
        };
        if ws.settled || self.settling {
            return;
        }
        let job = ws.settle_job();
        let site = job.site();
        let search = self.search.clone();
        let revision = self.revision;
        let messages = self.messages.clone();
        self.settling = true;
        let started = Instant::now();
        let spawned = std::thread::Builder::new()
            .name("errbook-settle".into())
            .spawn(move || {
                yield_to_edits();
                // Its own single-thread pool, for the search index's parallel parts too: in
                // the global pool, their thousands of tasks would queue ahead of the next
                // edit's few render tasks.
                let settle = move || {
                    let diagnostics = job.run();
                    search.rebuild(&site);
                    diagnostics
                };
                let diagnostics = match settle_pool() {
                    Some(pool) => pool.install(settle),
                    None => settle(),
                };
                eprintln!(
                    "checked the whole site in {} ms",
                    started.elapsed().as_millis()
                );
                let _ = messages.send(Message::Settled {
                    revision,
                    diagnostics,
                });
            });
        if spawned.is_err() {
            self.settling = false;
        }
    }

    fn settled(&mut self, diagnostics: BTreeMap<String, Vec<Diagnostic>>) {
        let Some(ws) = self.workspace.as_mut() else {
            return;
        };
        let before = self.live.current();
        ws.settled_with(diagnostics);
        let (errors, _) = ws.errors_and_warnings();
        if errors != before.errors {
            self.publish();
        } else {
            // Same overlay: swap in the exact counts without a reload.
            self.publish_quietly();
        }
    }

    /// Applies the changes; returns what was redone, for the log (nothing: no change).
    fn apply(&mut self, changes: &[Change]) -> Vec<String> {
        let Some(ws) = self.workspace.as_mut() else {
            self.reload_all();
            return vec!["everything".to_string()];
        };
        let mut described = Vec::new();
        for change in changes {
            let result = match change {
                Change::Page(path) => {
                    described.push(crate::source::display_path(path));
                    ws.content_changed(path)
                }
                Change::Static(path) => {
                    described.push(format!("static/{}", crate::source::display_path(path)));
                    ws.static_changed(path)
                }
                Change::Templates => {
                    described.push("templates".to_string());
                    ws.templates_changed()
                }
                Change::Gone(path) if ws.has_pages_under(path) => {
                    described.push(format!("{} (removed)", crate::source::display_path(path)));
                    ws.reload_all()
                }
                Change::Gone(_) => continue,
                Change::Everything => {
                    described.push("everything".to_string());
                    ws.reload_all()
                }
            };
            if let Err(e) = result {
                eprintln!("error: {e}");
            }
        }
        described
    }

    /// Tries a whole build again while there is no good one.
    fn reload_all(&mut self) {
        match Workspace::load(&self.root) {
            Ok(Ok(ws)) => {
                self.workspace = Some(ws);
                self.failure.clear();
            }
            Ok(Err(diags)) => self.failure = diags,
            Err(e) => {
                self.failure = vec![Diagnostic::file_error("serve", ".", 1, 1, e.to_string())];
            }
        }
    }

    fn snapshot(&self) -> Snapshot {
        let generation = self.live.current().generation + 1;
        match &self.workspace {
            Some(ws) => {
                let (errors, warnings) = ws.errors_and_warnings();
                Snapshot::new(ws.files(), errors, warnings, generation)
            }
            None => {
                let errors = self
                    .failure
                    .iter()
                    .filter(|d| d.is_error())
                    .cloned()
                    .collect();
                Snapshot::new(Default::default(), errors, 0, generation)
            }
        }
    }

    /// Swaps in the new snapshot, then tells the browsers.
    fn publish(&self) {
        let snapshot = self.snapshot();
        let generation = snapshot.generation;
        self.live.swap(snapshot);
        // No subscriber is not an error: no browser is open.
        let _ = self.reload.send(generation);
    }

    fn publish_quietly(&self) {
        self.live.swap(self.snapshot());
    }

    /// A source directory that did not exist at the start is watched once it appears.
    fn watch_new_dirs(&mut self, paths: &[PathBuf]) {
        for path in paths {
            let is_source_dir = path.parent() == Some(self.root.as_path())
                && path.is_dir()
                && path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| WATCHED_DIRS.contains(&n));
            if is_source_dir {
                let _ = self.debouncer.watch(path, RecursiveMode::Recursive);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_classified_by_where_they_are() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/litellm")).unwrap();
        let at = |p: &str| classify(root, &root.join(p));
        assert_eq!(
            at("content/litellm/a.md"),
            Some(Change::Page("content/litellm/a.md".into()))
        );
        assert_eq!(at("content/litellm"), Some(Change::Everything));
        assert_eq!(
            at("content/gone"),
            Some(Change::Gone("content/gone".into()))
        );
        assert_eq!(at("templates/4913"), None);
        assert_eq!(at("content/litellm/.a.md.swp"), None);
        assert_eq!(at("content/litellm/a.md~"), None);
        assert_eq!(at("content/litellm/notes.txt"), None);
        assert_eq!(at("templates/page.html"), Some(Change::Templates));
        assert_eq!(
            at("static/css/site.css"),
            Some(Change::Static("css/site.css".into()))
        );
        assert_eq!(at("errbook.toml"), Some(Change::Everything));
        assert_eq!(at("public/index.html"), None);
        assert_eq!(classify(root, Path::new("/elsewhere/x.md")), None);
    }

    #[test]
    fn a_batch_is_reduced_to_the_least_work() {
        let page = |p: &str| Change::Page(p.into());
        assert_eq!(
            plan([
                page("content/a/b.md"),
                Change::Templates,
                page("content/a/b.md")
            ]),
            vec![page("content/a/b.md"), Change::Templates]
        );
        assert_eq!(
            plan([page("content/a/b.md"), Change::Everything]),
            vec![Change::Everything]
        );
        let many = (0..=MANY_PAGES).map(|i| page(&format!("content/a/p{i}.md")));
        assert_eq!(plan(many), vec![Change::Everything]);
    }
}
