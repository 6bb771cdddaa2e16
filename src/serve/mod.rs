//! `errbook serve`: the live preview. The site is built in memory, served from an immutable
//! snapshot, rebuilt change by change as the sources are edited, and the browser is told to
//! reload once the new snapshot is in place. The module, by job: [`routes`] (the server),
//! [`snapshot`] (what is served), [`watch`] (changes and the worker), [`rebuild`] (what a
//! change re-renders), [`overlay`] (what serve mode adds to pages), [`api`] (validators).

pub mod api;
pub mod overlay;
pub mod rebuild;
pub mod routes;
pub mod search;
pub mod snapshot;
pub mod watch;

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Instant;

use tokio::sync::broadcast;

use crate::error::{Error, Result};
use rebuild::Workspace;
use snapshot::{Live, Snapshot};

/// What `errbook serve` needs to know.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site's directory (holds errbook.toml and content/).
    pub root: PathBuf,
    /// The address to listen on; loopback unless the user asks otherwise.
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Origins whose pages may call the API from the browser (CORS).
    pub allow_origins: Vec<String>,
    /// Serve only the validator API: no site is built or watched.
    pub api_only: bool,
}

/// Builds the site, starts watching it and serves it until interrupted (Ctrl-C).
pub fn serve(options: &ServeOptions) -> Result<()> {
    let cors = routes::cors(&options.allow_origins)?;
    if options.api_only {
        return serve_api(options, cors);
    }
    let root = options.root.canonicalize().map_err(|e| {
        Error::new(format!(
            "cannot open the site directory {}: {e}",
            options.root.display()
        ))
    })?;
    // Watch before the first build, so an edit made while it runs is not lost.
    let (debouncer, messages, events) = watch::watch(&root)?;
    let started = Instant::now();
    let (workspace, failure) = match Workspace::load(&root)? {
        Ok(ws) => (Some(ws), Vec::new()),
        Err(diags) => (None, diags),
    };
    let (live, loaded) = match &workspace {
        Some(ws) => {
            let (errors, warnings) = ws.errors_and_warnings();
            let pages = ws.page_count();
            (
                Live::new(Snapshot::new(ws.files(), errors, warnings, 1)),
                format!("built {pages} pages in memory"),
            )
        }
        None => {
            let errors = failure.iter().filter(|d| d.is_error()).cloned().collect();
            (
                Live::new(Snapshot::new(Default::default(), errors, 0, 1)),
                "could not build the site; serving its errors until it builds".to_string(),
            )
        }
    };
    eprintln!("{loaded} in {} ms", started.elapsed().as_millis());
    let current = live.current();
    for d in current.errors.iter().take(20) {
        eprintln!("{d}");
    }

    let search = search::SearchSlot::default();
    if let Some(ws) = &workspace {
        // The first index is built beside the server; `/api/search` answers 503 until then.
        let (slot, site) = (search.clone(), ws.site());
        let _ = std::thread::Builder::new()
            .name("errbook-search".into())
            .spawn(move || slot.rebuild(&site));
    }
    let (reload, _) = broadcast::channel(16);
    let worker = watch::Worker {
        root,
        workspace,
        live: live.clone(),
        reload: reload.clone(),
        debouncer,
        messages,
        failure,
        revision: 0,
        settling: false,
        search: search.clone(),
    };
    std::thread::Builder::new()
        .name("errbook-rebuild".into())
        .spawn(move || worker.run(events))
        .map_err(|e| Error::new(format!("cannot start the rebuild thread: {e}")))?;

    let state = routes::AppState {
        live,
        reload,
        slots: api::validation_slots(),
        local_only: options.bind.is_loopback(),
        search,
    };
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {} makes the preview and its validators reachable from \
             other machines; the default, 127.0.0.1, keeps it local",
            options.bind
        );
    }
    listen(options, routes::router(state, cors))
}

/// `serve --api-only`: the validators over HTTP and nothing else. It holds no state between
/// requests, so any number of copies can run behind a load balancer.
fn serve_api(options: &ServeOptions, cors: Option<tower_http::cors::CorsLayer>) -> Result<()> {
    let (reload, _) = broadcast::channel(1);
    let state = routes::AppState {
        live: Live::new(Snapshot::new(Default::default(), Vec::new(), 0, 1)),
        reload,
        slots: api::validation_slots(),
        // Nothing private is served: the DNS-rebinding guard of the preview is not needed,
        // and a reverse proxy on the same host may pass its own Host name.
        local_only: false,
        search: search::SearchSlot::default(),
    };
    listen(options, routes::api_only_router(state, cors))
}

/// Listens, prints the URL (scripts and the tests read that line for the port) and serves
/// until Ctrl-C.
fn listen(options: &ServeOptions, app: axum::Router) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let address = SocketAddr::new(options.bind, options.port);
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| Error::new(format!("cannot listen on {address}: {e}")))?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::new(format!("cannot listen on {address}: {e}")))?;
        let host = match local.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        println!("serving at http://{host}:{}/", local.port());
        let _ = std::io::stdout().flush();
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::new(format!("the server stopped: {e}")))
    })
}
