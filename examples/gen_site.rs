//! Deterministic benchmark site generator for errbook.
//!
//!     cargo run --release --example gen_site -- --pages N --out DIR
//!
//! Writes `DIR/errbook.toml` and `DIR/content/<tool>/<slug>.md` for N pages.
//! The same N always produces byte-identical output: all randomness comes from
//! a seeded splitmix64 generator, and nothing depends on time or hash order.
//! Page `i` only depends on pages `< i`, so a larger N is a superset of a smaller one.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::exit;

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed ^ 0x6a09_e667_f3bc_c908);
        r.next();
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Inclusive range.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    /// Skewed pick: early entries are much more likely (Zipf-ish head, long tail).
    fn zpick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        let u = self.unit();
        let idx = ((u * u) * xs.len() as f64) as usize;
        &xs[idx.min(xs.len() - 1)]
    }
    /// `k` distinct indexes in `0..n` (k is clamped to n).
    fn distinct(&mut self, k: usize, n: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for j in 0..k {
            let s = j + self.below(n - j);
            idx.swap(j, s);
        }
        idx.truncate(k);
        idx
    }
    /// Small numbers are common, large ones rare.
    fn znum(&mut self, max: u64) -> u64 {
        let u = self.unit();
        2 + ((u * u * u) * max as f64) as u64
    }
}

// ---------------------------------------------------------------------------
// Static data
// ---------------------------------------------------------------------------

struct Category {
    id: &'static str,
    name: &'static str,
    description: &'static str,
    /// (tool tags: "*" or comma list, title phrase, short error name, signature template)
    sigs: &'static [(&'static str, &'static str, &'static str, &'static str)],
    meaning: &'static [&'static str],
    summaries: &'static [&'static str],
    quick_fixes: &'static [&'static str],
    causes: &'static [&'static str],
    fixes: &'static [&'static str],
    keys: &'static [&'static str],
}

struct Tool {
    name: &'static str,
    display: &'static str,
    weight: u32,
    comps: &'static [&'static str],
    cmds: &'static [&'static str],
    cfg_file: &'static str,
    cfg_root: &'static str,
    env_prefix: &'static str,
    topics: &'static [&'static str],
}

static CATEGORIES: &[Category] = &[
    Category {
        id: "rate-limit",
        name: "Rate limits",
        description: "429s, quotas and throttling returned by providers, registries and proxies.",
        sigs: &[
            (
                "*",
                "rate limit exceeded",
                "429",
                "429 Too Many Requests: rate limit exceeded for key {key} (limit {n} rpm, retry after {n}s)",
            ),
            (
                "litellm,openai",
                "tokens per minute limit reached",
                "RateLimitError",
                "RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached for {model} in organization org-{hex} on tokens per min (TPM): Limit {n}, Used {n}, Requested {n}.'}}",
            ),
            (
                "litellm",
                "deployment in cooldown",
                "RateLimitError",
                "litellm.RateLimitError: RateLimitError: {provider}Exception - deployment {model}-{ident} is in cooldown for {n}s",
            ),
            (
                "openai",
                "quota exceeded",
                "insufficient_quota",
                "openai.RateLimitError: Error code: 429 - You exceeded your current quota, please check your plan and billing details (request id req_{hex})",
            ),
            (
                "aws-cli",
                "requests throttled",
                "ThrottlingException",
                "An error occurred (ThrottlingException) when calling the {Op} operation (reached max retries: {n}): Rate exceeded for {svc}",
            ),
            (
                "redis",
                "max clients reached",
                "maxclients",
                "ERR max number of clients reached ({n} connected, maxclients {n}) on {host}",
            ),
            (
                "npm",
                "registry rate limit",
                "E429",
                "npm ERR! 429 Too Many Requests - GET https://registry.npmjs.org/{pkg} (attempt {n})",
            ),
            (
                "cargo",
                "index download rate limited",
                "HTTP 429",
                "error: failed to download from `https://index.crates.io/{pkg}`: HTTP 429 after {n} retries",
            ),
            (
                "nginx",
                "limiting requests",
                "limit_req",
                "limiting requests, excess: {n}.{n} by zone \"{zone}\", client: {ip}, server: {host}",
            ),
            (
                "git,docker",
                "pull rate limit reached",
                "toomanyrequests",
                "toomanyrequests: You have reached your pull rate limit for {image} ({n} pulls per 6 hours)",
            ),
            (
                "pip,python",
                "too many requests from the index",
                "429",
                "HTTPError: 429 Client Error: Too Many Requests for url: https://pypi.example.org/simple/{pkg}/ (retry {n})",
            ),
            (
                "kubectl,terraform",
                "client-side throttling",
                "rate: Wait",
                "Error: rate: Wait(n={n}) would exceed context deadline while calling {class} on {host}",
            ),
            (
                "postgres",
                "too many clients already",
                "53300",
                "FATAL:  sorry, too many clients already (max_connections={n}, user {user}, db {db})",
            ),
            (
                "node,kubectl",
                "client-side throttling",
                "throttling",
                "Waited for {n}.{n}s due to client-side throttling, not priority and fairness, request: GET:https://{host}:{port}/api/v1/namespaces/{ns}/pods",
            ),
        ],
        meaning: &[
            "{Tool} refused the call because {comp} counted more requests from `{svc}` than the configured budget allows in the current window.",
            "The limiter in front of {comp} rejected the request: `{svc}` sent more than {n} calls in a short burst and was told to back off.",
            "This is a back-pressure signal for `{svc}`, not a crash: {comp} is healthy but will not accept more work from `{svc}` until the window resets.",
        ],
        summaries: &[
            "{Tool} is rejecting requests from `{svc}` because a rate limit or quota was exhausted; the limit applies per key, per {noun} or per window.",
            "`{svc}` is sending requests to {comp} faster than it is allowed to, so {Tool} answers with a {errname} instead of doing the work.",
            "A request budget ran out: {comp} throttles `{svc}` and callers see {errname} until the {noun} window rolls over.",
        ],
        quick_fixes: &[
            "Lower the concurrency of `{svc}` and add exponential backoff that honours the `Retry-After` header.",
            "Set `{cfgkey}` to a smaller value and retry with backoff; check the current usage with `{cmd}`.",
            "Spread the load of `{svc}` across more keys or deployments, and cap `{cfgkey}` so bursts stay under the limit.",
        ],
        causes: &[
            "The retry loop in `{class}` retries immediately without backoff, so one {noun} burst turns into {n} extra calls",
            "Several replicas of `{svc}` share the same key `{key}`, and the limit is enforced per key rather than per replica",
            "The quota for `{key}` was lowered on the provider side {when}, while `{cfgkey}` still assumes the old budget",
            "A batch job (`{ident}`) runs at the same time as interactive traffic and consumes most of the window",
            "`Retry-After` is ignored because {comp} strips the header before it reaches `{class}`",
            "The limiter counts tokens, not requests, so a few large `{noun}` payloads from `{svc}` are enough to hit it",
            "Caching is disabled by `{env}=false`, so identical requests are sent again instead of being served locally",
        ],
        fixes: &[
            "Add exponential backoff with jitter",
            "Honour the Retry-After header",
            "Lower the concurrency of the worker pool",
            "Split traffic across several keys",
            "Raise the quota or move to a higher tier",
            "Cache identical requests",
            "Schedule batch jobs outside peak hours",
        ],
        keys: &[
            "rpm",
            "tpm",
            "max_retries",
            "retry_after_s",
            "backoff_factor",
            "max_parallel_requests",
            "burst",
            "window_s",
        ],
    },
    Category {
        id: "auth",
        name: "Authentication and permissions",
        description: "Rejected credentials, expired tokens and missing permissions.",
        sigs: &[
            (
                "*",
                "permission denied",
                "EACCES",
                "Error: EACCES: permission denied, open '{path}'",
            ),
            (
                "*",
                "missing credential key",
                "KeyError",
                "KeyError: '{key}' while loading credentials from {path} (line {n})",
            ),
            (
                "openai,litellm",
                "invalid api key",
                "AuthenticationError",
                "AuthenticationError: Incorrect API key provided: sk-{hex}...{n}. You can find your API key at https://platform.example.org/account/api-keys.",
            ),
            (
                "kubectl",
                "must be logged in to the server",
                "Unauthorized",
                "error: You must be logged in to the server (Unauthorized) for context {ctx}-{n}",
            ),
            (
                "kubectl",
                "pods is forbidden",
                "Forbidden",
                "Error from server (Forbidden): pods is forbidden: User \"{user}\" cannot list resource \"pods\" in API group \"\" in the namespace \"{ns}-{n}\"",
            ),
            (
                "postgres",
                "password authentication failed",
                "28P01",
                "FATAL:  password authentication failed for user \"{user}\" (connection {n} from {ip})",
            ),
            (
                "aws-cli,terraform",
                "access denied",
                "AccessDenied",
                "An error occurred (AccessDenied) when calling the {Op} operation: User: arn:aws:iam::{acct}:user/{user} is not authorized to perform: s3:GetObject",
            ),
            (
                "aws-cli",
                "security token expired",
                "ExpiredToken",
                "An error occurred (ExpiredToken) when calling the {Op} operation: The security token included in the request is expired (profile {profile}-{n})",
            ),
            (
                "git",
                "permission to repository denied",
                "403",
                "remote: Permission to example/{repo}.git denied to {user}. fatal: unable to access 'https://github.com/example/{repo}.git/': The requested URL returned error: 403",
            ),
            (
                "git",
                "authentication failed",
                "Authentication failed",
                "fatal: Authentication failed for 'https://{host}/example/{repo}.git/' (credential helper {word}, attempt {n})",
            ),
            (
                "redis",
                "authentication required",
                "NOAUTH",
                "NOAUTH Authentication required. (db {n}, client {ip}:{port})",
            ),
            (
                "docker",
                "pull access denied",
                "pull access denied",
                "Error response from daemon: pull access denied for {image}, repository does not exist or may require 'docker login' (attempt {n})",
            ),
            (
                "npm,node",
                "unable to authenticate",
                "E401",
                "npm ERR! code E401 Unable to authenticate, need: Basic realm=\"{realm}\" (scope @{ident})",
            ),
            (
                "pip,python",
                "http 401 from the package index",
                "401",
                "ERROR: HTTP error 401 while getting https://pypi.example.org/packages/{pkg}-{ver}.tar.gz",
            ),
            (
                "nginx",
                "basic auth credentials missing",
                "401",
                "no user/password was provided for basic authentication, client: {ip}, server: {host}, request: \"GET /{route} HTTP/1.1\"",
            ),
            (
                "cargo",
                "registry token rejected",
                "401",
                "error: failed to get `{pkg}` as a dependency: token rejected for `{realm}`, please run `cargo login --registry {word}` (status {n})",
            ),
        ],
        meaning: &[
            "{Tool} reached {comp}, but the identity it presented for `{svc}` was rejected or lacks the permission needed for this operation.",
            "The request never got past {comp}: the credentials `{svc}` sent were missing, expired or scoped too narrowly.",
            "This is an authorization failure, not a connectivity problem; {comp} answered, it just said no to the identity behind `{env}`.",
        ],
        summaries: &[
            "{Tool} could not authenticate `{svc}`: the credential it used was rejected, expired, or does not grant access to the resource.",
            "The identity behind `{env}` is not allowed to perform this action, so {comp} returns {errname}.",
            "Credentials are present but wrong for this target; {Tool} reports {errname} when `{svc}` tries to use them.",
        ],
        quick_fixes: &[
            "Check which identity is actually used with `{cmd}`, then refresh or replace the credential in `{env}`.",
            "Re-export `{env}` with a valid, unexpired secret and restart `{svc}` so it picks up the new value.",
            "Fix ownership and mode of `{path}` so the user running `{svc}` can read it.",
        ],
        causes: &[
            "`{env}` still contains a rotated secret; the new value was written to `{path}` but `{svc}` was never restarted",
            "The file `{path}` is owned by root with mode 0600, while `{svc}` runs as `{user}`",
            "The role attached to `{svc}` lost the permission {when}, after a policy clean-up removed `{ident}`",
            "The token is cached by {comp} for {n} minutes and `{class}` keeps reusing it after it expired",
            "Two credential sources disagree: `{env}` and `{path}` point at different accounts, and {comp} prefers the first one",
            "The key is valid but scoped to another project or namespace than `{ns}`",
            "Clock skew of more than {n} seconds on {host} makes freshly issued tokens look expired",
        ],
        fixes: &[
            "Rotate the credential and restart the service",
            "Fix the file ownership and mode",
            "Grant the missing permission",
            "Point the client at the right profile",
            "Clear the cached token",
            "Synchronise the clock",
            "Scope the key to the right project",
        ],
        keys: &[
            "api_key_env",
            "token_file",
            "credentials_path",
            "role_arn",
            "auth_mode",
            "profile",
            "token_ttl_s",
        ],
    },
    Category {
        id: "network",
        name: "Network and connectivity",
        description: "Refused connections, timeouts, DNS and TLS failures between services.",
        sigs: &[
            (
                "*",
                "connection refused",
                "ECONNREFUSED",
                "connect ECONNREFUSED {ip}:{port} (while calling {svc})",
            ),
            (
                "*",
                "connection refused",
                "connection refused",
                "dial tcp {ip}:{port}: connect: connection refused (host {host})",
            ),
            (
                "postgres,python",
                "could not connect to server",
                "OperationalError",
                "psycopg2.OperationalError: could not connect to server: Connection refused Is the server running on host \"{host}\" and accepting TCP/IP connections on port {port}?",
            ),
            (
                "python,pip,openai,litellm",
                "connect timeout",
                "ConnectTimeout",
                "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='{host}', port=443): Max retries exceeded with url: /{route} (Caused by ConnectTimeoutError)",
            ),
            (
                "node,npm",
                "dns lookup failed",
                "ENOTFOUND",
                "getaddrinfo ENOTFOUND {host} at GetAddrInfoReqWrap.onlookup (node:dns:{n}:{n})",
            ),
            (
                "nginx",
                "upstream timed out",
                "110",
                "upstream timed out (110: Connection timed out) while reading response header from upstream, upstream: \"http://{ip}:{port}/{route}\"",
            ),
            (
                "redis",
                "could not connect to redis",
                "Connection refused",
                "Could not connect to Redis at {host}:{port}: Connection refused",
            ),
            (
                "python,pip,openai,litellm",
                "certificate verify failed",
                "CERTIFICATE_VERIFY_FAILED",
                "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate ({host}:{port})",
            ),
            (
                "kubectl",
                "unable to connect to the server",
                "i/o timeout",
                "Unable to connect to the server: dial tcp {ip}:{port}: i/o timeout (context {ctx})",
            ),
            (
                "git",
                "failed to connect to remote",
                "Couldn't connect to server",
                "fatal: unable to access 'https://{host}/example/{repo}.git/': Failed to connect to {host} port {port} after {n} ms: Couldn't connect to server",
            ),
            (
                "node,npm,openai",
                "socket hang up",
                "ECONNRESET",
                "Error: socket hang up at TLSSocket.socketOnEnd (node:_http_client:{n}:{n}) host {host}",
            ),
            (
                "docker",
                "registry request canceled",
                "Client.Timeout",
                "Error response from daemon: Get \"https://{host}/v2/\": net/http: request canceled while waiting for connection (Client.Timeout exceeded after {n}s)",
            ),
            (
                "aws-cli,terraform",
                "could not connect to the endpoint",
                "EndpointConnectionError",
                "Could not connect to the endpoint URL: \"https://{svc}.{region}.amazonaws.com/\" (timeout {n}s)",
            ),
            (
                "cargo",
                "couldn't connect to registry",
                "Couldn't connect",
                "error: failed to get `{pkg}` as a dependency: [7] Couldn't connect to server (Failed to connect to {host} port {port} after {n} ms)",
            ),
            (
                "litellm,openai",
                "api connection error",
                "APIConnectionError",
                "openai.APIConnectionError: Connection error. (base_url https://{host}/v1, attempt {n} of {n})",
            ),
        ],
        meaning: &[
            "{Tool} tried to open a connection from `{svc}` to `{host}`, and the network path failed before {comp} could exchange a single request.",
            "The connection attempt to `{host}` on port {port} did not complete: nothing was listening, the packet was dropped, or the handshake failed.",
            "This error comes from the socket layer underneath {comp}; {Tool} is only relaying what the operating system reported for `{host}`.",
        ],
        summaries: &[
            "{Tool} could not reach `{host}`: the TCP connection was refused, timed out, or the TLS handshake failed before any data was exchanged.",
            "`{svc}` cannot open a connection to `{host}` on port {port}, so {comp} fails with {errname}.",
            "The network path between `{svc}` and `{host}` is broken; {Tool} surfaces it as {errname}.",
        ],
        quick_fixes: &[
            "Confirm the target is listening with `{cmd}`, then check that `{env}` points at `{host}` and the right port.",
            "Test the path from inside the same container or pod as `{svc}`; a check from your laptop proves nothing about {where}.",
            "Replace `localhost` with the service name `{host}` in `{cfgkey}` and restart `{svc}`.",
        ],
        causes: &[
            "`{env}` points at `localhost`, which inside the container of `{svc}` is the container itself, not `{host}`",
            "`{host}` listens only on 127.0.0.1, so connections from {where} on port {port} are refused",
            "A firewall rule or security group added {when} drops traffic from `{svc}` to port {port}",
            "DNS for `{host}` still returns an address that was decommissioned; the resolver caches it for {n} seconds",
            "The corporate proxy intercepts TLS and presents its own certificate, which `{class}` does not trust",
            "`{host}` is up but saturated: its accept queue is full, so new connections time out after {ms} ms",
            "`{cfgkey}` is set to {ms} ms, shorter than a cold start of `{svc}` on {where}",
        ],
        fixes: &[
            "Use the service name instead of localhost",
            "Bind the server to all interfaces",
            "Open the port in the firewall",
            "Increase the connect timeout",
            "Trust the proxy's CA certificate",
            "Flush the stale DNS entry",
            "Wait for the dependency to be ready",
        ],
        keys: &[
            "connect_timeout_ms",
            "read_timeout_ms",
            "keepalive_s",
            "proxy_url",
            "dns_ttl_s",
            "max_connections",
            "ca_bundle",
            "host",
        ],
    },
    Category {
        id: "config",
        name: "Configuration",
        description: "Settings that are rejected, ignored or misread at start-up.",
        sigs: &[
            (
                "*",
                "missing required key",
                "KeyError",
                "KeyError: '{key}' in {path} line {n}",
            ),
            (
                "*",
                "yaml mapping values not allowed",
                "yaml",
                "yaml: line {n}: mapping values are not allowed in this context ({path})",
            ),
            (
                "*",
                "invalid value",
                "invalid value",
                "Invalid value for \"{key}\": expected integer, got '{word}' in {path}:{n}",
            ),
            (
                "cargo",
                "unknown field in manifest",
                "unknown field",
                "error: unknown field `{key}`, expected one of `name`, `version`, `edition` at line {n} column {n} in {file}.toml",
            ),
            (
                "terraform",
                "unsupported argument",
                "Unsupported argument",
                "Error: Unsupported argument on {file}.tf line {n}: An argument named \"{key}\" is not expected here.",
            ),
            (
                "nginx",
                "unknown directive",
                "emerg",
                "nginx: [emerg] unknown directive \"{key}\" in /etc/nginx/conf.d/{file}.conf:{n}",
            ),
            (
                "kubectl",
                "unknown field in manifest",
                "ValidationError",
                "error: error validating \"{file}.yaml\": error validating data: ValidationError(Deployment.spec): unknown field \"{key}\" in io.k8s.api.apps.v1.DeploymentSpec (line {n})",
            ),
            (
                "python,pip,openai",
                "invalid literal for int",
                "ValueError",
                "ValueError: invalid literal for int() with base 10: '{word}' (setting {env}, line {n})",
            ),
            (
                "litellm",
                "invalid parameter for model",
                "BadRequestError",
                "litellm.exceptions.BadRequestError: {key} is not a valid parameter for model {model} (router config {path}, entry {n})",
            ),
            (
                "litellm",
                "fallback target not defined",
                "fallbacks",
                "ValueError: fallback model '{model}-{word}' for '{model}' is not defined in model_list ({path}, entry {n})",
            ),
            (
                "docker",
                "additional property not allowed",
                "Additional property",
                "services.{svc}.{key} Additional property {key} is not allowed (compose.yaml line {n})",
            ),
            (
                "postgres",
                "unrecognized configuration parameter",
                "42704",
                "FATAL:  unrecognized configuration parameter \"{key}\" in file \"{path}\" line {n}",
            ),
            (
                "redis",
                "bad directive in config file",
                "FATAL CONFIG FILE ERROR",
                "*** FATAL CONFIG FILE ERROR (Redis {ver}) *** Reading the configuration file, at line {n} >>> '{key} yes' Bad directive or wrong number of arguments",
            ),
            (
                "git",
                "bad config line",
                "bad config line",
                "fatal: bad config line {n} in file {path}",
            ),
            (
                "npm,node",
                "json parse error in package.json",
                "EJSONPARSE",
                "npm ERR! code EJSONPARSE npm ERR! JSON.parse Unexpected token } in JSON at position {n} while parsing '{pkg}'",
            ),
            (
                "aws-cli",
                "config profile not found",
                "ProfileNotFound",
                "The config profile ({profile}-{n}) could not be found in {path}",
            ),
        ],
        meaning: &[
            "{Tool} read its configuration for `{svc}` and stopped because one entry, `{key}`, is missing, misspelled or has a value of the wrong type.",
            "The configuration loader in {comp} validates `{path}` at start-up and refuses to continue when an entry like `{key}` does not match the schema.",
            "Nothing is wrong with the network or the credentials of `{svc}` here: {comp} never got past parsing `{path}`.",
        ],
        summaries: &[
            "{Tool} rejected the configuration in `{path}`: the entry `{key}` is unknown, missing or of the wrong type.",
            "A setting for `{svc}` does not match what {comp} expects, so {Tool} stops with {errname} while loading `{path}`.",
            "`{path}` contains an entry that this version of {Tool} cannot parse; the error names `{key}` and the line.",
        ],
        quick_fixes: &[
            "Open `{path}` at the reported line, fix the spelling or type of `{key}`, and validate with `{cmd}`.",
            "Remove `{key}` from `{path}` or move it under the section where {Tool} {pver} expects it.",
            "Quote the value of `{key}` and re-run `{cmd}` to confirm the file parses.",
        ],
        causes: &[
            "`{key}` was renamed in {Tool} {pver}; the old spelling in `{path}` is now rejected instead of ignored",
            "Indentation in `{path}` is off by two spaces, so `{key}` ends up under the wrong parent",
            "A template renders `{env}` as an empty string, leaving `{key}:` without a value",
            "The value `{word}` of `{key}` is a string where {comp} expects an integer",
            "Two files are merged and the later one (`{file}`) overrides `{key}` with an incompatible type",
            "The setting belongs to a plugin that is not installed, so {comp} does not know `{key}`",
            "A tab character on line {n} of `{path}` breaks the YAML parser",
        ],
        fixes: &[
            "Rename the key to its current spelling",
            "Fix the indentation",
            "Quote the value",
            "Validate the file before deploying",
            "Remove the obsolete setting",
            "Set the variable the template expects",
            "Install the plugin that owns the setting",
        ],
        keys: &[
            "strict_mode",
            "schema_version",
            "include",
            "overrides",
            "log_level",
            "profile",
            "settings_file",
            "feature_flags",
        ],
    },
    Category {
        id: "dependency",
        name: "Dependencies",
        description: "Version conflicts, missing modules and unresolvable requirements.",
        sigs: &[
            (
                "*",
                "module not found",
                "ModuleNotFoundError",
                "ModuleNotFoundError: No module named '{module}' (python 3.{n}, {path})",
            ),
            (
                "npm,node",
                "unable to resolve dependency tree",
                "ERESOLVE",
                "npm ERR! ERESOLVE unable to resolve dependency tree: peer {pkg}@\"^{ver}\" from {pkg2}@{ver}",
            ),
            (
                "cargo",
                "failed to select a version",
                "version conflict",
                "error: failed to select a version for the requirement `{pkg} = \"^{ver}\"` (locked to {ver})",
            ),
            (
                "pip,python,litellm,openai",
                "no matching version",
                "No matching distribution",
                "ERROR: Could not find a version that satisfies the requirement {pkg}=={ver} (from versions: {ver}, {ver})",
            ),
            (
                "node,npm",
                "cannot find module",
                "MODULE_NOT_FOUND",
                "Error: Cannot find module '{module}' Require stack: - {path}:{n}",
            ),
            (
                "terraform",
                "provider version not available",
                "no available releases",
                "Error: Failed to query available provider packages: could not retrieve the list of available versions for provider example/{pkg}: no available releases match the given constraints ~> {ver}",
            ),
            (
                "python,litellm,openai",
                "cannot import name",
                "ImportError",
                "ImportError: cannot import name '{Class}' from '{module}' ({path}, line {n})",
            ),
            (
                "pip",
                "dependency resolver conflict",
                "ResolutionImpossible",
                "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. {pkg} {ver} requires {pkg2}>={ver}",
            ),
            (
                "docker,kubectl",
                "manifest unknown",
                "manifest unknown",
                "Error: failed to pull image {image}:{ver}: manifest unknown (platform linux/arm64, {n} layers)",
            ),
            (
                "git",
                "no url found for submodule",
                "submodule",
                "fatal: No url found for submodule path 'vendor/{pkg}' in .gitmodules (depth {n})",
            ),
            (
                "postgres",
                "extension not available",
                "58P01",
                "ERROR:  could not open extension control file \"/usr/share/postgresql/{n}/extension/{module}.control\": No such file or directory",
            ),
            (
                "redis",
                "module failed to load",
                "undefined symbol",
                "Module {module}.so failed to load: undefined symbol RedisModule_{Class} (redis {ver})",
            ),
            (
                "aws-cli",
                "botocore version incompatible",
                "ImportError",
                "ImportError: botocore {ver} is incompatible with awscli {ver} (required by {pkg})",
            ),
            (
                "nginx",
                "module version mismatch",
                "emerg",
                "nginx: [emerg] module \"/usr/lib/nginx/modules/ngx_{module}_module.so\" version {n} instead of {n}",
            ),
            (
                "litellm,openai",
                "attribute missing after upgrade",
                "AttributeError",
                "AttributeError: module '{module}' has no attribute '{Class}' (installed {pkg} {ver})",
            ),
        ],
        meaning: &[
            "{Tool} could not assemble a consistent set of packages for `{svc}`: `{pkg}` is missing, or the versions that are installed contradict each other.",
            "The resolver in {comp} looked for a version of `{pkg}` that satisfies every constraint and found none.",
            "At import or load time {comp} looked for `{module}` and did not find a compatible build of it.",
        ],
        summaries: &[
            "{Tool} cannot find a compatible version of `{pkg}`: a constraint in the project contradicts another one, or the package is not installed where `{svc}` looks.",
            "`{module}` is missing or incompatible in the environment of `{svc}`, so {comp} fails with {errname}.",
            "Dependency resolution for `{svc}` failed around `{pkg}`; {Tool} reports {errname} and stops.",
        ],
        quick_fixes: &[
            "Inspect who requires `{pkg}` with `{cmd}` and relax or pin the conflicting constraint.",
            "Install `{pkg}` into the same environment that runs `{svc}`, then re-run `{cmd}`.",
            "Pin `{pkg}` to {pver}, the last version known to work, and regenerate the lock file.",
        ],
        causes: &[
            "The lock file pins `{pkg}` to {pver}, but `{pkg2}` now needs a newer major version",
            "`{svc}` runs in a different virtual environment or image layer than the one `{pkg}` was installed into",
            "`{module}` was split into a separate package {when} and the import path changed",
            "The registry mirror `{host}` has not synced the release yet, so the requested version looks missing",
            "A platform-specific wheel or binary for `{pkg}` does not exist for {where}",
            "Two transitive dependencies require `{pkg}` with disjoint ranges",
            "An optional extra (`{ident}`) was not installed, so the import of `{Class}` fails",
        ],
        fixes: &[
            "Pin the conflicting package",
            "Install into the right environment",
            "Regenerate the lock file",
            "Update the import path",
            "Point at the upstream registry",
            "Install the optional extra",
            "Build from source for this platform",
        ],
        keys: &[
            "pin",
            "lockfile",
            "registry",
            "resolver",
            "index_url",
            "extras",
            "constraints_file",
            "platform",
        ],
    },
    Category {
        id: "build",
        name: "Build and packaging",
        description: "Compilation, linking and image build failures.",
        sigs: &[
            (
                "*",
                "gcc failed while building",
                "exit code",
                "error: command '/usr/bin/gcc' failed with exit code {n} while building {pkg}",
            ),
            (
                "cargo",
                "use of undeclared crate or module",
                "E0433",
                "error[E0433]: failed to resolve: use of undeclared crate or module `{module}` --> src/{file}.rs:{n}:{n}",
            ),
            (
                "cargo",
                "linking with cc failed",
                "linker error",
                "error: linking with `cc` failed: exit status: {n} note: /usr/bin/ld: cannot find -l{lib}",
            ),
            (
                "cargo",
                "custom build command failed",
                "build script",
                "error: failed to run custom build command for `{pkg} v{ver}` (exit status: {n})",
            ),
            (
                "npm,node",
                "typescript build failed",
                "ELIFECYCLE",
                "npm ERR! {pkg}@{ver} build: `tsc -p tsconfig.{word}.json` npm ERR! Exit status {n}",
            ),
            (
                "npm,node",
                "node-gyp build error",
                "gyp ERR!",
                "gyp ERR! build error gyp ERR! stack Error: `make` failed with exit code: {n} ({pkg})",
            ),
            (
                "docker",
                "image build step failed",
                "failed to solve",
                "failed to solve: process \"/bin/sh -c {runcmd}\" did not complete successfully: exit code: {n}",
            ),
            (
                "pip,python,litellm,openai",
                "failed building wheel",
                "bdist_wheel",
                "ERROR: Failed building wheel for {pkg} (setup.py exit code {n})",
            ),
            (
                "terraform",
                "dependency cycle",
                "Cycle",
                "Error: Cycle: module.{mod}.aws_{res}.{name}, module.{mod}.aws_{res}.{name}_{n}",
            ),
            (
                "kubectl",
                "no matches for kind",
                "no matches for kind",
                "error: unable to recognize \"{file}.yaml\": no matches for kind \"{Class}\" in version \"{word}.example.org/v{n}\"",
            ),
            (
                "git",
                "patch does not apply",
                "patch failed",
                "error: cannot apply patch {hex} to '{path}' (hunk #{n} failed)",
            ),
            (
                "postgres",
                "function does not exist",
                "42883",
                "ERROR:  function {ident}(integer) does not exist LINE {n}: SELECT {ident}(id) FROM {db}",
            ),
            (
                "nginx",
                "directive not allowed here",
                "emerg",
                "nginx: [emerg] \"{key}\" directive is not allowed here in /etc/nginx/sites-enabled/{file}:{n}",
            ),
            (
                "redis,aws-cli",
                "make target failed",
                "Error 1",
                "make[{n}]: *** [Makefile:{n}: {file}.o] Error 1 (target {svc})",
            ),
        ],
        meaning: &[
            "{Tool} started building `{svc}` and one step exited with a non-zero status; everything after it was skipped.",
            "The build of `{pkg}` failed inside {comp}; the first error in the log is the real one, later lines are consequences.",
            "This is a build-time failure: the artifact for `{svc}` was never produced, so nothing was deployed.",
        ],
        summaries: &[
            "The build of `{svc}` failed in {comp}; a compiler, linker or script step exited with an error and {Tool} stopped.",
            "{Tool} could not produce an artifact for `{pkg}` because a build step failed with {errname}.",
            "A step in the `{svc}` build exits non-zero, so {Tool} aborts with {errname} before packaging.",
        ],
        quick_fixes: &[
            "Scroll to the first error in the log, install the missing toolchain or system library, and re-run `{cmd}`.",
            "Clear the build cache for `{pkg}` and rebuild with verbose output: `{cmd}`.",
            "Pin `{pkg}` to a version that ships a prebuilt artifact for {where}.",
        ],
        causes: &[
            "The build image lacks the system library `lib{lib}`, which `{pkg}` links against",
            "A cached intermediate artifact of `{pkg}` from {pver} is reused after the toolchain was upgraded",
            "`{pkg}` has no prebuilt artifact for {where}, so {comp} falls back to compiling from source",
            "The build step for `{pkg}` runs out of memory when {w} jobs compile in parallel",
            "A generated file (`{file}`) is stale because the code generator did not re-run",
            "`{env}` leaks into the build and changes the target from the one the lock file was made for",
            "A header or module path moved in {pver} and `{class}` still refers to the old location",
        ],
        fixes: &[
            "Install the missing system library",
            "Clear the build cache",
            "Limit parallel build jobs",
            "Use a prebuilt artifact",
            "Regenerate generated sources",
            "Pin the toolchain version",
            "Fix the include path",
        ],
        keys: &[
            "jobs",
            "target",
            "features",
            "cache_dir",
            "optimize",
            "toolchain",
            "build_args",
            "platform",
        ],
    },
    Category {
        id: "runtime",
        name: "Runtime crashes",
        description: "Out-of-memory kills, panics, unhandled exceptions and restarts.",
        sigs: &[
            (
                "*",
                "process killed for memory",
                "OOM",
                "Killed: process {proc} (pid {n}) exceeded memory limit {n}Mi",
            ),
            (
                "node,npm",
                "heap out of memory",
                "heap limit",
                "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory ({n} MB, {proc})",
            ),
            (
                "cargo",
                "panicked at unwrap on none",
                "panic",
                "thread 'main' panicked at src/{file}.rs:{n}:{n}: called `Option::unwrap()` on a `None` value",
            ),
            (
                "python,litellm,openai,pip",
                "object is not subscriptable",
                "TypeError",
                "TypeError: '{Class}' object is not subscriptable (in {func}, line {n})",
            ),
            (
                "kubectl,docker",
                "container oomkilled",
                "OOMKilled",
                "OOMKilled: container {container} exceeded memory limit {n}Mi (exit code 137)",
            ),
            (
                "kubectl",
                "crash loop back-off",
                "CrashLoopBackOff",
                "Back-off restarting failed container {container} in pod {pod}-{hex} (restarts: {n})",
            ),
            (
                "node,npm,openai",
                "cannot read properties of undefined",
                "TypeError",
                "TypeError: Cannot read properties of undefined (reading '{key}') at {class} ({path}:{n}:{n})",
            ),
            (
                "python,litellm",
                "maximum recursion depth exceeded",
                "RecursionError",
                "RecursionError: maximum recursion depth exceeded while calling {func} ({n} frames)",
            ),
            (
                "postgres",
                "deadlock detected",
                "40P01",
                "ERROR:  deadlock detected DETAIL:  Process {n} waits for ShareLock on transaction {n}; blocked by process {n}.",
            ),
            (
                "redis",
                "oom command not allowed",
                "OOM",
                "OOM command not allowed when used memory > 'maxmemory' (used {n} bytes, key {key})",
            ),
            (
                "nginx,git",
                "segmentation fault",
                "SIGSEGV",
                "segmentation fault (core dumped) {proc} pid {n} signal 11",
            ),
            (
                "terraform",
                "nil pointer dereference",
                "panic",
                "panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV code=0x1 addr=0x{hex} pc=0x{hex}] in {class}",
            ),
            (
                "litellm,openai",
                "task cancelled",
                "CancelledError",
                "asyncio.exceptions.CancelledError in {class} after {n} ms (task {ident})",
            ),
            (
                "docker",
                "executable file not found",
                "OCI runtime create failed",
                "Error response from daemon: OCI runtime create failed: container_linux.go:{n}: starting container process caused: exec: \"{proc}\": executable file not found in $PATH",
            ),
            (
                "aws-cli,python",
                "unhandled exception in worker thread",
                "Exception",
                "Exception in thread ThreadPoolExecutor-{n}_{n}: RuntimeError: cannot schedule new futures after interpreter shutdown ({svc})",
            ),
        ],
        meaning: &[
            "`{svc}` started normally under {Tool} and then died while running: the process was killed, panicked or hit an unhandled exception.",
            "{comp} lost the `{svc}` process mid-request; whatever it was doing in `{class}` did not finish.",
            "This is a runtime failure: `{svc}` was deployed and configured correctly enough to start, but `{class}` cannot survive real traffic.",
        ],
        summaries: &[
            "`{svc}` crashes at runtime under {Tool}: memory runs out, a value is unexpectedly empty, or the process is killed and restarted.",
            "The process behind `{svc}` stops with {errname} while handling work in `{class}`.",
            "{Tool} reports {errname}: `{svc}` was running and then failed inside `{class}`.",
        ],
        quick_fixes: &[
            "Raise the memory limit of `{svc}` temporarily and capture a heap profile with `{cmd}` to find the real consumer.",
            "Guard the empty case in `{class}` and restart `{svc}`; the stack trace points at the exact line.",
            "Reduce `{cfgkey}` so fewer items are held in memory at once, then watch usage with `{cmd}`.",
        ],
        causes: &[
            "`{class}` loads the whole `{noun}` result set into memory; at {n} thousand rows it exceeds the limit",
            "The memory limit for `{svc}` is {mb}Mi, below the steady-state usage of {comp}",
            "A code path assumes `{key}` is always present, but requests from `{ident}` omit it",
            "A cache in `{class}` has no eviction, so memory grows until the process is killed after about {n} hours",
            "Two transactions in `{class}` update `{noun}` rows in opposite order and wait for each other",
            "A native extension of `{pkg}` built for another platform crashes {comp} on {where}",
            "The restart policy restarts `{svc}` immediately, turning one crash into a crash loop",
        ],
        fixes: &[
            "Raise the memory limit",
            "Stream results instead of loading them at once",
            "Guard the missing value",
            "Bound the in-process cache",
            "Take locks in a consistent order",
            "Rebuild native extensions for the platform",
            "Add a backoff to the restart policy",
        ],
        keys: &[
            "memory_limit",
            "max_workers",
            "heap_mb",
            "restart_policy",
            "gc_interval_s",
            "batch_size",
            "max_items",
            "stack_size_kb",
        ],
    },
    Category {
        id: "storage",
        name: "Storage and state",
        description: "Full disks, read-only file systems, locks and corrupt state.",
        sigs: &[
            (
                "*",
                "no space left on device",
                "ENOSPC",
                "OSError: [Errno 28] No space left on device: '{path}'",
            ),
            (
                "*",
                "read only file system",
                "EROFS",
                "Error: EROFS: read-only file system, open '{path}' (fd {n})",
            ),
            (
                "postgres",
                "could not write wal file",
                "No space left on device",
                "PANIC:  could not write to file \"pg_wal/xlogtemp.{n}\": No space left on device",
            ),
            (
                "redis",
                "unable to persist to disk",
                "MISCONF",
                "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk ({path}, errno {n})",
            ),
            (
                "terraform",
                "state lock held",
                "ConditionalCheckFailedException",
                "Error: Error acquiring the state lock: ConditionalCheckFailedException, Lock Info: ID: {uuid}, Path: {bucket}/{key}.tfstate",
            ),
            (
                "git",
                "index lock exists",
                "index.lock",
                "fatal: Unable to create '{path}/.git/index.lock': File exists (pid {n})",
            ),
            (
                "docker",
                "overlay mount failed",
                "no space left on device",
                "Error response from daemon: error creating overlay mount to /var/lib/docker/overlay2/{hex}/merged: no space left on device ({n} inodes free)",
            ),
            (
                "postgres",
                "could not extend file",
                "53100",
                "pq: could not extend file \"base/{n}/{n}\": No space left on device (table {ident})",
            ),
            (
                "npm,node",
                "enospc during install",
                "ENOSPC",
                "npm ERR! code ENOSPC npm ERR! syscall write npm ERR! errno -28 path {path}",
            ),
            (
                "kubectl",
                "volume mount failed",
                "MountVolume",
                "MountVolume.SetUp failed for volume \"{vol}\" : persistentvolumeclaim \"{pvc}-{n}\" not found",
            ),
            (
                "cargo",
                "target directory full",
                "os error 28",
                "error: failed to write {path}/target/release/deps/{file}-{hex}.rlib: No space left on device (os error 28)",
            ),
            (
                "pip,python,litellm,openai",
                "database is locked",
                "OperationalError",
                "sqlite3.OperationalError: database is locked ({path}, waited {n} ms)",
            ),
            (
                "aws-cli",
                "upload failed disk full",
                "Errno 28",
                "upload failed: {file}.tar.gz to s3://{bucket}/{key}/ [Errno 28] No space left on device ({n} parts)",
            ),
            (
                "nginx",
                "client temp file write failed",
                "28",
                "pwrite() \"/var/cache/nginx/client_temp/{n}\" failed (28: No space left on device) while reading upstream",
            ),
            (
                "litellm,redis",
                "cache write failed",
                "ResponseError",
                "redis.exceptions.ResponseError: MISCONF errors writing to disk while caching {key} for {model} ({n} bytes)",
            ),
        ],
        meaning: &[
            "{Tool} tried to write state for `{svc}` and the storage layer refused: the volume is full, mounted read-only, or another process holds the lock.",
            "{comp} could not persist data to `{path}`; the write failed at the file system level, not in {Tool}'s own logic.",
            "This error is about the disk under `{path}` or the lock around it: `{svc}` is fine until it needs to write, and then it stops.",
        ],
        summaries: &[
            "{Tool} cannot write to `{path}`: the disk is full, the mount is read-only, or a stale lock blocks the write.",
            "Storage for `{svc}` is exhausted or locked, so {comp} fails with {errname} on the next write.",
            "A write by `{svc}` fails with {errname}; {Tool} cannot persist state until space is freed or the lock is released.",
        ],
        quick_fixes: &[
            "Free space on the volume behind `{path}` (check with `{cmd}`) and restart `{svc}`.",
            "Make sure no other `{svc}` process still runs, then remove the stale lock next to `{path}` and retry.",
            "Mount the volume for `{svc}` read-write and give it at least {n} GB of headroom.",
        ],
        causes: &[
            "Logs from `{svc}` are written to `{path}` without rotation and filled the volume over {n} days",
            "A crashed run left a lock behind (`{ident}`), and {comp} treats it as still held",
            "The volume holding `{path}` is mounted read-only because the file system was remounted after an I/O error",
            "Old images and build layers accumulate on `{host}` and consume the disk",
            "The data directory of `{svc}` sits on the root partition, which is only {n} GB",
            "Inodes run out before bytes do because `{svc}` writes millions of small `{noun}` files",
            "Two `{svc}` jobs run `{cmd}` on the same state at the same time and race for the lock",
        ],
        fixes: &[
            "Rotate and cap the logs",
            "Remove the stale lock safely",
            "Move the data directory to a larger volume",
            "Prune unused images and layers",
            "Remount the volume read-write",
            "Serialise jobs that share state",
            "Alert on disk usage before it is full",
        ],
        keys: &[
            "data_dir",
            "max_disk_gb",
            "retention_days",
            "fsync",
            "wal_size_mb",
            "lock_timeout_s",
            "log_max_size_mb",
            "volume",
        ],
    },
];

static TOOLS: &[Tool] = &[
    Tool {
        name: "litellm",
        display: "LiteLLM",
        weight: 14,
        comps: &[
            "the LiteLLM proxy",
            "the Router",
            "the fallback chain",
            "the cooldown tracker",
            "the spend logger",
            "the Redis cache",
            "the model_list loader",
        ],
        cmds: &[
            "litellm --config {cfgpath} --detailed_debug",
            "curl -s http://localhost:4000/health/readiness",
            "curl -s http://localhost:4000/v1/models -H \"Authorization: Bearer $LITELLM_MASTER_KEY\"",
            "pip install -U 'litellm[proxy]=={ver}'",
            "docker logs --since {n}m litellm-proxy | grep -i {grepword}",
            "litellm --config {cfgpath} --num_workers {w}",
        ],
        cfg_file: "config.yaml",
        cfg_root: "router_settings",
        env_prefix: "LITELLM",
        topics: &[
            "proxy-configs",
            "routing",
            "proxy-reliability",
            "proxy-caching",
            "virtual-keys",
            "rate-limit-tiers",
            "exception-mapping",
        ],
    },
    Tool {
        name: "openai",
        display: "OpenAI SDK",
        weight: 9,
        comps: &[
            "the OpenAI client",
            "the retry middleware",
            "the httpx transport",
            "the streaming iterator",
            "the batch endpoint",
            "the Responses API",
        ],
        cmds: &[
            "pip show openai",
            "python -c 'import openai; print(openai.__version__)'",
            "curl -s https://api.openai.com/v1/models -H \"Authorization: Bearer $OPENAI_API_KEY\" -o /dev/null -w '%{http_code}'",
            "OPENAI_LOG=debug python {file}.py",
            "pip install -U openai=={ver}",
        ],
        cfg_file: "settings.yaml",
        cfg_root: "openai_client",
        env_prefix: "OPENAI",
        topics: &[
            "error-codes",
            "rate-limits",
            "authentication",
            "timeouts",
            "streaming",
            "batch",
        ],
    },
    Tool {
        name: "kubectl",
        display: "kubectl",
        weight: 10,
        comps: &[
            "the API server",
            "the kubelet",
            "the scheduler",
            "the ingress controller",
            "kube-proxy",
            "CoreDNS",
            "the admission webhook",
        ],
        cmds: &[
            "kubectl describe pod {pod} -n {ns}",
            "kubectl logs deploy/{svc} -n {ns} --tail={n}",
            "kubectl get events -n {ns} --sort-by=.lastTimestamp",
            "kubectl rollout restart deployment/{svc} -n {ns}",
            "kubectl auth can-i get pods --as={user} -n {ns}",
            "kubectl config view --minify",
            "kubectl top pod -n {ns}",
        ],
        cfg_file: "deployment.yaml",
        cfg_root: "spec",
        env_prefix: "KUBE",
        topics: &[
            "debug-pods",
            "rbac",
            "resource-limits",
            "dns",
            "ingress",
            "persistent-volumes",
        ],
    },
    Tool {
        name: "docker",
        display: "Docker",
        weight: 10,
        comps: &[
            "the Docker daemon",
            "BuildKit",
            "the overlay2 storage driver",
            "the bridge network",
            "Docker Compose",
            "containerd",
        ],
        cmds: &[
            "docker logs --tail {n} {container}",
            "docker inspect {container} --format '{{.State.ExitCode}}'",
            "docker system df",
            "docker network inspect {net}",
            "docker compose up -d --force-recreate {svc}",
            "docker builder prune --filter until={n}h",
        ],
        cfg_file: "compose.yaml",
        cfg_root: "services",
        env_prefix: "DOCKER",
        topics: &[
            "compose-networking",
            "storage-drivers",
            "buildkit",
            "registry-auth",
            "resource-constraints",
            "logging",
        ],
    },
    Tool {
        name: "npm",
        display: "npm",
        weight: 8,
        comps: &[
            "the npm CLI",
            "the lockfile resolver",
            "the registry client",
            "node-gyp",
            "the npm cache",
            "lifecycle scripts",
        ],
        cmds: &[
            "npm ls {pkg}",
            "npm cache verify",
            "npm config get registry",
            "npm install --legacy-peer-deps",
            "npm ci --prefer-offline --no-audit",
            "npm view {pkg} versions --json",
        ],
        cfg_file: ".github/workflows/build.yml",
        cfg_root: "jobs",
        env_prefix: "NPM_CONFIG",
        topics: &[
            "cli-install",
            "peer-dependencies",
            "registry",
            "scripts",
            "cache",
            "package-lock",
        ],
    },
    Tool {
        name: "cargo",
        display: "Cargo",
        weight: 7,
        comps: &[
            "the cargo resolver",
            "rustc",
            "the linker",
            "build scripts",
            "the registry index",
            "the target directory",
        ],
        cmds: &[
            "cargo tree -i {pkg}",
            "cargo update -p {pkg} --precise {ver}",
            "cargo clean -p {pkg}",
            "cargo build -vv",
            "RUST_BACKTRACE=1 cargo run --bin {svc}",
            "cargo metadata --format-version 1 | jq '.packages | length'",
        ],
        cfg_file: ".github/workflows/ci.yml",
        cfg_root: "jobs",
        env_prefix: "CARGO",
        topics: &[
            "resolver",
            "build-scripts",
            "registries",
            "profiles",
            "features",
            "config",
        ],
    },
    Tool {
        name: "pip",
        display: "pip",
        weight: 7,
        comps: &[
            "the pip resolver",
            "the wheel cache",
            "setuptools",
            "the virtualenv",
            "the package index",
            "build isolation",
        ],
        cmds: &[
            "pip install --no-cache-dir {pkg}=={ver}",
            "pip check",
            "python -m pip debug --verbose",
            "pip download {pkg} --no-deps -d /tmp/wheels",
            "pip index versions {pkg}",
            "pip install --upgrade pip setuptools wheel",
        ],
        cfg_file: ".gitlab-ci.yml",
        cfg_root: "variables",
        env_prefix: "PIP",
        topics: &[
            "dependency-resolution",
            "build-isolation",
            "index-url",
            "caching",
            "requirements-files",
            "wheels",
        ],
    },
    Tool {
        name: "terraform",
        display: "Terraform",
        weight: 6,
        comps: &[
            "the provider plugin",
            "the state backend",
            "the dependency graph",
            "the plan renderer",
            "the module installer",
            "the dependency lock file",
        ],
        cmds: &[
            "terraform init -upgrade",
            "terraform providers lock -platform=linux_amd64",
            "terraform state list | grep {word}",
            "terraform force-unlock {uuid}",
            "TF_LOG=DEBUG terraform plan -out=tfplan",
            "terraform validate",
        ],
        cfg_file: ".terraform-ci.yml",
        cfg_root: "terraform",
        env_prefix: "TF",
        topics: &[
            "state-locking",
            "provider-requirements",
            "backends-s3",
            "modules",
            "cli-init",
            "debugging",
        ],
    },
    Tool {
        name: "postgres",
        display: "PostgreSQL",
        weight: 7,
        comps: &[
            "the postmaster",
            "autovacuum",
            "the WAL writer",
            "pg_hba.conf",
            "PgBouncer",
            "the planner",
        ],
        cmds: &[
            "psql -h {host} -U {user} -c 'select 1'",
            "pg_isready -h {host} -p {port}",
            "psql -c \"select pid, state, wait_event from pg_stat_activity where datname = '{db}'\"",
            "df -h /var/lib/postgresql",
            "pg_ctl reload -D /var/lib/postgresql/data",
            "psql -c 'show max_connections'",
        ],
        cfg_file: "values.yaml",
        cfg_root: "postgresql",
        env_prefix: "PG",
        topics: &[
            "runtime-config-connection",
            "client-authentication",
            "wal-configuration",
            "routine-vacuuming",
            "monitoring-stats",
            "locking",
        ],
    },
    Tool {
        name: "redis",
        display: "Redis",
        weight: 5,
        comps: &[
            "the Redis server",
            "the RDB snapshotter",
            "the AOF rewriter",
            "Sentinel",
            "the cluster bus",
            "the eviction policy",
        ],
        cmds: &[
            "redis-cli -h {host} -p {port} ping",
            "redis-cli info memory | grep used_memory_human",
            "redis-cli config get maxmemory-policy",
            "redis-cli --bigkeys",
            "redis-cli client list | wc -l",
            "redis-cli cluster info",
        ],
        cfg_file: "values.yaml",
        cfg_root: "redis",
        env_prefix: "REDIS",
        topics: &[
            "persistence",
            "eviction",
            "acl",
            "clients",
            "cluster-spec",
            "sentinel",
        ],
    },
    Tool {
        name: "nginx",
        display: "nginx",
        weight: 5,
        comps: &[
            "the upstream module",
            "the worker processes",
            "the TLS terminator",
            "the limit_req zone",
            "the proxy buffer",
            "the resolver",
        ],
        cmds: &[
            "nginx -t",
            "nginx -s reload",
            "tail -n {n} /var/log/nginx/error.log",
            "curl -sv https://{host}/healthz",
            "openssl s_client -connect {host}:443 -servername {host}",
            "ss -ltnp | grep nginx",
        ],
        cfg_file: "ingress-values.yaml",
        cfg_root: "controller",
        env_prefix: "NGINX",
        topics: &[
            "http-upstream",
            "http-limit-req",
            "http-proxy",
            "ssl",
            "core-module",
            "debugging-log",
        ],
    },
    Tool {
        name: "git",
        display: "Git",
        weight: 5,
        comps: &[
            "the credential helper",
            "the packfile negotiator",
            "the index lock",
            "Git LFS",
            "the remote helper",
            "hooks",
        ],
        cmds: &[
            "git config --show-origin --get credential.helper",
            "GIT_TRACE=1 GIT_CURL_VERBOSE=1 git fetch origin",
            "git remote -v",
            "git gc --prune=now",
            "git lfs env",
            "rm -f .git/index.lock",
        ],
        cfg_file: ".github/workflows/checkout.yml",
        cfg_root: "jobs",
        env_prefix: "GIT",
        topics: &[
            "git-config",
            "gitcredentials",
            "git-lfs",
            "git-gc",
            "git-submodule",
            "githooks",
        ],
    },
    Tool {
        name: "node",
        display: "Node.js",
        weight: 7,
        comps: &[
            "the V8 heap",
            "the event loop",
            "the module loader",
            "libuv",
            "the HTTP agent",
            "worker_threads",
        ],
        cmds: &[
            "node --max-old-space-size={mb} {file}.js",
            "node --trace-warnings {file}.js",
            "node -p 'process.versions'",
            "NODE_DEBUG=http,net node {file}.js",
            "node --inspect {file}.js",
            "npx envinfo --system --binaries",
        ],
        cfg_file: "ecosystem.config.yaml",
        cfg_root: "apps",
        env_prefix: "NODE",
        topics: &[
            "api-errors",
            "api-cli",
            "api-http",
            "api-modules",
            "api-dns",
            "guides-diagnostics",
        ],
    },
    Tool {
        name: "python",
        display: "Python",
        weight: 8,
        comps: &[
            "the import system",
            "the GIL",
            "asyncio",
            "the garbage collector",
            "site-packages",
            "the virtual environment",
        ],
        cmds: &[
            "python -X importtime -c 'import {module}'",
            "python -m pip list --outdated",
            "python -c 'import sys; print(sys.path)'",
            "PYTHONFAULTHANDLER=1 python -m {module}",
            "python -m venv .venv && . .venv/bin/activate",
            "python -X tracemalloc=25 {file}.py",
        ],
        cfg_file: "app-settings.yaml",
        cfg_root: "app",
        env_prefix: "PY",
        topics: &[
            "library-exceptions",
            "reference-import",
            "library-asyncio",
            "library-ssl",
            "using-cmdline",
            "library-venv",
        ],
    },
    Tool {
        name: "aws-cli",
        display: "AWS CLI",
        weight: 6,
        comps: &[
            "the credential provider chain",
            "STS",
            "the retry handler",
            "the S3 transfer manager",
            "the SSO token cache",
            "the endpoint resolver",
        ],
        cmds: &[
            "aws sts get-caller-identity",
            "aws configure list --profile {profile}",
            "aws s3 ls s3://{bucket} --region {region}",
            "aws sso login --profile {profile}",
            "aws --debug s3 cp {file}.tar.gz s3://{bucket}/ 2>&1 | tail -n {n}",
            "aws configure set retry_mode adaptive --profile {profile}",
        ],
        cfg_file: "buildspec.yml",
        cfg_root: "env",
        env_prefix: "AWS",
        topics: &[
            "cli-configure-files",
            "cli-configure-sso",
            "cli-retries",
            "cli-usage-s3",
            "cli-troubleshooting",
            "cli-configure-envvars",
        ],
    },
];

// Common words first: zpick favours the head, so these are Zipf-ish.
static NOUNS: &[&str] = &[
    "request",
    "connection",
    "worker",
    "cache",
    "token",
    "session",
    "client",
    "queue",
    "pool",
    "retry",
    "timeout",
    "config",
    "model",
    "router",
    "proxy",
    "deployment",
    "handler",
    "schema",
    "index",
    "batch",
    "shard",
    "replica",
    "lease",
    "budget",
    "quota",
    "webhook",
    "ledger",
    "invoice",
    "tenant",
    "cursor",
    "snapshot",
    "manifest",
    "artifact",
    "pipeline",
    "sidecar",
    "gateway",
    "scheduler",
    "billing",
    "orders",
    "search",
    "inventory",
    "payments",
    "audit",
    "metrics",
    "ingest",
    "export",
    "notify",
    "profile",
    "catalog",
    "checkout",
    "ranking",
    "embeddings",
    "thumbnail",
    "mailer",
    "geocoder",
    "ledgerline",
    "reconcile",
    "fanout",
    "watermark",
    "tombstone",
    "backfill",
    "heartbeat",
    "outbox",
    "saga",
    "digest",
    "bucket",
    "partition",
    "segment",
    "chunk",
    "frame",
    "envelope",
    "receipt",
    "coupon",
    "voucher",
    "tariff",
];
static SYLL: &[&str] = &[
    "ka", "lo", "mi", "ra", "ven", "tor", "sil", "nex", "dra", "pol", "qui", "zen", "bar", "cor",
    "fal", "gri", "hal", "jun", "kel", "mor", "nor", "pax", "rel", "sto", "tam", "ul", "vor",
    "wen", "yar", "zel", "bri", "cas", "dun", "eph", "fro", "gal", "hes", "ivo", "jas", "kru",
    "lyn", "mav", "nol", "orb",
];
static METHODS: &[&str] = &[
    "acquire",
    "release",
    "dispatch",
    "flush",
    "resolve",
    "connect",
    "refresh",
    "commit",
    "poll",
    "render",
    "fetch",
    "encode",
    "load",
    "spawn",
    "drain",
    "retry",
    "schedule",
    "validate",
    "serialize",
    "rotate",
    "reconcile",
    "checkpoint",
    "hydrate",
    "evict",
    "handshake",
    "negotiate",
    "compact",
    "shard",
    "replay",
];
static ADJS: &[&str] = &[
    "stale",
    "default",
    "shared",
    "cached",
    "expired",
    "missing",
    "wrong",
    "old",
    "partial",
    "empty",
    "oversized",
    "misrouted",
    "duplicated",
    "orphaned",
    "unpinned",
    "throttled",
    "corrupted",
    "detached",
];
static ADVS: &[&str] = &[
    "usually",
    "often",
    "sometimes",
    "occasionally",
    "frequently",
    "almost always",
    "rarely",
    "intermittently",
];
static REGIONS: &[&str] = &[
    "us-east-1",
    "eu-west-1",
    "us-west-2",
    "eu-central-1",
    "ap-south-1",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
];
static ZONES: &[&str] = &[
    "internal",
    "svc.cluster.local",
    "corp.example.net",
    "prod.example.io",
    "lan",
    "staging.example.io",
];
static WHERE: &[&str] = &[
    "Kubernetes",
    "a CI runner",
    "Docker Compose",
    "an ARM64 build agent",
    "a developer laptop",
    "an air-gapped cluster",
    "a GitHub Actions runner",
    "a spot instance",
    "a Windows workstation under WSL2",
    "a serverless function",
    "a bare-metal host",
    "an autoscaled node group",
    "a Raspberry Pi",
    "a GitLab shared runner",
    "a Nomad client",
];
static WHEN: &[&str] = &[
    "after a restart",
    "during peak traffic",
    "on the first request after deploy",
    "after upgrading",
    "only at night when batch jobs run",
    "after a node rotation",
    "right after a credentials rotation",
    "under sustained load",
    "when the cache is cold",
    "a few minutes after start-up",
    "after the weekend",
    "after a failover",
    "when a second replica joins",
];
static PROVIDERS: &[&str] = &[
    "OpenAI",
    "Azure",
    "Anthropic",
    "Bedrock",
    "Vertex",
    "Mistral",
    "Groq",
    "Cohere",
];
static MODELS: &[&str] = &[
    "gpt-4o",
    "gpt-4o-mini",
    "claude-3-5-sonnet",
    "mistral-large",
    "llama-3-70b",
    "command-r",
    "gemini-1.5-pro",
    "o3-mini",
];
static OPS: &[&str] = &[
    "GetObject",
    "PutObject",
    "AssumeRole",
    "ListBuckets",
    "DescribeInstances",
    "InvokeModel",
    "GetCallerIdentity",
    "CreateMultipartUpload",
];
static LIBS: &[&str] = &[
    "ssl", "pq", "z", "crypto", "sqlite3", "ffi", "xml2", "zstd", "lzma", "uv",
];
static RUNCMDS: &[&str] = &[
    "npm ci",
    "pip install -r requirements.txt",
    "cargo build --release",
    "apt-get install -y build-essential",
    "go build ./...",
    "make dist",
];
static RES: &[&str] = &[
    "instance",
    "security_group",
    "iam_role",
    "s3_bucket",
    "lambda_function",
    "subnet",
    "route53_record",
];
static USERS: &[&str] = &[
    "deploy",
    "ci-bot",
    "app",
    "svc-reader",
    "jenkins",
    "backup",
    "analytics",
    "www-data",
    "ops",
];

static MEANING_EXTRA: &[&str] = &[
    "In most reports the failure shows up {when}, and `{svc}` keeps logging it until {comp} is restarted.",
    "The message is emitted by `{class}`, which wraps the lower-level error and adds the `{key}` value it was using.",
    "Because the error surfaces in `{svc}` rather than in {gcomp}, teams often spend time looking at the wrong service first.",
    "On {where} the same root cause looks slightly different: the first line from `{svc}` mentions {errname}, but the useful detail is usually {n} lines further down.",
    "It is rarely a bug in {Tool} itself; far more often the environment around it (`{env}`, `{path}`, or the route to `{host}`) has drifted.",
    "The error is {adv} transient: a retry of `{class}` after {n} seconds may succeed, which hides the underlying problem until load increases.",
    "If `{env}` is unset, {Tool} falls back to a default that works on a laptop but not on {where}.",
    "Operators usually notice it first as a spike of {pct}% failed calls on the `{svc}` dashboard, next to a drop in `{ident}`.",
    "The `{ident}` counter increments every time this happens, so it is a cheap signal to alert on.",
    "{comp} does not distinguish between a {noun} that `{svc}` never created and one that was removed {when}.",
    "Look for the request id `{reqid}` pattern in the logs: it ties the failing call in `{svc}` to the line in {comp} that rejected it.",
    "The {adj} `{noun}` state left behind by `{newclass}` is {adv} what makes the second attempt fail as well.",
    "A minimal reproduction needs only `{svc}`, {gcomp} and a single call to `{class}`; everything else in the stack is noise.",
    "Since {Tool} {pver}, the error text includes the value of `{key}`, which makes it much easier to see which {noun} was involved.",
    "When several replicas run, only the ones scheduled on `{host}` tend to show it, which points at something local to that node.",
    "The exit code is {code}; wrappers such as `{newid}` may translate it into a generic failure and hide the original message.",
    "Metrics from `{newclass}` show the failures clustering around {hh}:{min} UTC, when `{newid}` starts its nightly run.",
    "Teams running `{svc}` behind {gcomp} see it more often, because every extra hop adds its own timeout and its own error text.",
    "The stack trace passes through `{newclass}` and `{class}`; the frame that matters is the last one inside your own code.",
    "Setting `{env}={envval}` makes {Tool} log the full {noun} payload, which usually shows the {adj} value at once.",
    "Expect {nrange} occurrences per hour on a busy `{svc}` instance; a single occurrence per day points at a different cause.",
    "{Tool} prints the error once per {noun}, so a flood of identical lines in the `{svc}` log means many {noun}s failed, not one loop.",
];

static LOG_INTROS: &[&str] = &[
    "A typical log excerpt from `{svc}` on {where} looks like this:",
    "This is what the failure looks like in the `{svc}` logs ({ident}):",
    "The relevant lines from `{svc}`, captured with `{cmd}`, are:",
    "Trimmed output from `{svc}` on `{host}` around the failure:",
    "Reports from `{svc}` operators usually include output similar to the following, here from `{host}`:",
];

static LOG_EXTRA: &[&str] = &[
    "{ts} WARN  {newclass}: retrying {noun} (attempt {w}) in {ms}ms",
    "{ts} INFO  {class}: using {key}={envval} from {path}",
    "{ts} DEBUG {newclass}: {noun} id={reqid} host={host}",
    "{ts} ERROR {svc}: request {reqid} failed after {ms}ms",
    "{ts} INFO  {newid}: worker {n} started (pid {pid})",
    "{ts} WARN  {svc}: {noun} queue depth {n} is above the high watermark",
];

static CAUSE_TAILS: &[&str] = &[
    " This is the most common cause on {where}, and `{host}` fits that pattern.",
    " For `{svc}` it shows up {when}.",
    " `{cmd}` on `{host}` makes it visible.",
    " The log line right before the error names `{newid}`, which confirms it.",
    " It is easy to miss because {comp} only logs it at debug level, under `{newclass}`.",
    " Several reporters confirmed it with {Tool} {pver} and a setup like `{svc}`.",
    "",
    "",
    "",
];

static FIX_BODIES: &[&str] = &[
    "The change is small and safe to roll out gradually: apply it to one `{svc}` replica first and watch `{ident}`.",
    "This removes the mismatch between what `{svc}` sends and what {comp} expects.",
    "After the change, restart `{svc}` so the new value is read; {comp} does not reload it on the fly.",
    "Apply it on {where} as well as locally, otherwise the fix for `{svc}` only appears to work.",
    "Keep the previous value of `{key}` in the commit message for `{svc}` so the change is easy to revert.",
    "It addresses the cause directly instead of hiding the symptom behind more retries in `{class}`.",
    "Verify the effect by re-running `{cmd}`; the {errname} lines should stop within a few minutes.",
    "If `{newclass}` is shared by other services, coordinate the change with their owners first.",
    "The same setting can be overridden with `{env}`, which is handy for a quick test before editing `{cfg_file}`.",
];

static FIX_INLINE: &[&str] = &[
    "Set `{env}={envval}` in the environment of `{svc}` and restart it.",
    "Change `{cfgkv}` in `{cfg_file}` and redeploy `{svc}`.",
    "Run `{cmd}` once on every affected host, then retry the failing {noun}.",
    "Replace the value of `{key}` with `{newid}` and keep `{cfgkv}` as it is.",
];

static STEPS: &[&str] = &[
    "Reproduce the error with a single call from `{svc}` and note the exact time and the request id.",
    "Run `{cmd}` and compare the output with what `{svc}` expects.",
    "Check that `{env}` is set in the environment that actually runs `{svc}`, not only in your shell.",
    "Read the log of {comp} for the same minute; the line just before {errname} usually names the cause, often together with `{key}`.",
    "Confirm the {Tool} version on `{host}` with the release you are reading about; behaviour changed in {pver}.",
    "Look at `{path}` and make sure the user running `{svc}` can read it.",
    "Repeat the request from inside the same container, pod or runner as `{svc}`.",
    "Temporarily raise the log level of `{class}` to debug and repeat the failing {noun}.",
    "Compare `{host}` with a working host: diff their `{cfg_file}` and their `{env}` values.",
    "Check the metrics of {gcomp} in front of `{svc}` for saturation at the time of the failure.",
    "Disable the retry wrapper `{newclass}` for one request so the original error is not masked.",
    "If the error persists, capture `{cmd}` output from `{host}` and attach it to an issue together with your {Tool} version.",
    "Roll back the last change to `{cfgkey}` in `{cfg_file}` and check whether {errname} disappears from the `{svc}` log.",
    "Count the failures per minute in the `{svc}` logs to tell a steady limit from a burst.",
    "Verify the time on `{host}`; clock skew of more than {n} seconds breaks several checks.",
];

static PREVENT: &[&str] = &[
    "Add an alert on the `{ident}` metric so the next occurrence is caught before users report it.",
    "Pin {Tool} to a tested version and upgrade deliberately, reading the changelog for `{key}` changes.",
    "Validate the `{svc}` copy of `{cfg_file}` in CI with `{cmd}` before every deploy.",
    "Document the expected value of `{env}` next to the deployment manifest of `{svc}`.",
    "Run a smoke test against `{host}` after every rollout of `{svc}`.",
    "Keep `{cfgkey}` for `{svc}` under version control and review changes to it like code.",
    "Load-test `{svc}` at {n} times normal traffic once per release.",
    "Add a readiness check so traffic reaches `{svc}` only when {comp} is actually usable.",
    "Track capacity of {gcomp} used by `{svc}` on a dashboard and set a warning at {pct}% of the limit.",
    "Rotate credentials on a schedule and restart consumers like `{svc}` in the same change.",
    "Write a runbook entry that links this page from the `{svc}` alert.",
];

static FAQ_Q: &[&str] = &[
    "Is this a bug in {Tool}?",
    "Why does it only happen on {where}?",
    "Can I just retry until it works?",
    "Does upgrading {Tool} fix it?",
    "Why does `{svc}` work locally but fail in production?",
    "How do I know which `{noun}` triggered it?",
    "Is it safe to restart `{svc}` while this is happening?",
    "Why did it start {when}?",
];

static FAQ_A: &[&str] = &[
    "Rarely for a setup like `{svc}`. In almost every report the cause was the environment of `{svc}`: `{env}`, `{path}` or the route to `{host}`. Check those first, then search the tracker for {errname} together with your version and `{key}`.",
    "Because {where} differs from a laptop in networking, permissions and limits, and `{svc}` depends on all three. Compare `{env}` and `{cfgkey}` between the two environments; the difference is usually there.",
    "A bounded retry with backoff around `{class}` is fine and hides short blips. Unbounded retries in `{newclass}` make {errname} worse and can turn one failure into {n} of them.",
    "Sometimes, if `{svc}` is affected by the `{key}` change. {Tool} {pver} changed how `{key}` is handled, so read the changelog before upgrading, and test the upgrade on one `{svc}` replica first.",
    "Local runs of `{svc}` use different credentials, a different network and smaller data than `{host}`. Reproduce inside the same container or pod as `{svc}` to see the real behaviour.",
    "Enable debug logging for `{class}` and search for `{reqid}`-style request ids; each failing line names the `{noun}` and the value of `{key}`.",
    "Yes, restarting `{svc}` is safe, but it only clears the symptom. If the cause is still there, {errname} returns within minutes on `{host}`, typically {when}.",
    "Something around `{svc}` changed: a deploy, a credential rotation, or a new limit in {comp}. Line up the first occurrence in the `{ident}` metric with the change log for that day.",
];

static SRC_ISSUE_TITLES: &[&str] = &[
    "{phrase} when {ctxphrase}",
    "{errname} after upgrading to {pver}",
    "`{svc}` fails with {errname} on {where}",
    "Intermittent {phrase} with {gcomp}",
    "[Bug]: {phrase} in {comp}",
    "{Tool} {pver}: {phrase} since last update",
];
static SRC_PULL_TITLES: &[&str] = &[
    "Fix {phrase} in {comp}",
    "Retry on {errname} in {newclass}",
    "Improve error message for {phrase}",
    "Handle missing `{key}` gracefully",
    "Add `{cfgkey}` option to control {noun} behaviour",
];
static SRC_FORUM_TITLES: &[&str] = &[
    "Getting {phrase} with {Tool} on {where}",
    "{errname} every few minutes, any idea?",
    "Help: {phrase} after migrating `{svc}`",
];
static SRC_BLOG_TITLES: &[&str] = &[
    "How we fixed {phrase} in our {Tool} setup",
    "Debugging {errname} in production",
    "Lessons from a week of {phrase}",
];

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn fmt_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn yq(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn camel(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

// ---------------------------------------------------------------------------
// Page context
// ---------------------------------------------------------------------------

struct Page<'a> {
    rng: Rng,
    tool: &'a Tool,
    cat: &'a Category,
    errname: &'static str,
    fixed: HashMap<&'static str, String>,
}

/// The literal escaped as a regex, with every run of digits replaced by `\d+`.
fn numbers_to_regex(literal: &str) -> String {
    let mut out = String::new();
    let mut chars = literal.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                chars.next();
            }
            out.push_str(r"\d+");
        } else {
            out.push_str(&regex_escape(&c.to_string()));
        }
    }
    out
}

impl<'a> Page<'a> {
    fn syn(&mut self) -> String {
        let k = 2 + self.rng.below(2);
        let mut s = String::new();
        for _ in 0..k {
            let w = *self.rng.pick(SYLL);
            s.push_str(w);
        }
        s
    }
    fn noun(&mut self) -> &'static str {
        Clone::clone(self.rng.zpick(NOUNS))
    }
    fn newid(&mut self) -> String {
        let prefixes = [
            "cfg", "tmp", "job", "ctx", "idx", "buf", "req", "evt", "opt", "ptr",
        ];
        let p = self.rng.zpick(&prefixes);
        let n = self.noun();
        let s = self.syn();
        match self.rng.below(3) {
            0 => format!("{p}_{n}_{}", self.rng.range(10, 9999)),
            1 => format!("{n}_{s}"),
            _ => format!("{s}_{n}_{}", self.rng.range(1, 99)),
        }
    }
    fn newclass(&mut self) -> String {
        let a = camel(self.noun());
        let b = if self.rng.chance(0.5) {
            camel(self.noun())
        } else {
            camel(&self.syn())
        };
        let m = self.rng.zpick(METHODS);
        format!("{a}{b}.{m}")
    }
    fn version(&mut self) -> String {
        let major = self.rng.znum(20) - 2;
        format!("{}.{}.{}", major, self.rng.below(40), self.rng.below(25))
    }
    fn hex(&mut self, len: usize) -> String {
        let mut s = String::new();
        while s.len() < len {
            write!(s, "{:016x}", self.rng.next()).unwrap();
        }
        s.truncate(len);
        s
    }
    fn timestamp(&mut self) -> String {
        format!(
            "{}T{:02}:{:02}:{:02}.{:03}Z",
            self.fixed["updated"],
            self.rng.below(24),
            self.rng.below(60),
            self.rng.below(60),
            self.rng.below(1000)
        )
    }

    fn dynamic(&mut self, name: &str) -> Option<String> {
        if let Some(v) = self.fixed.get(name) {
            return Some(v.clone());
        }
        let v = match name {
            "n" | "n2" => self.rng.znum(400).to_string(),
            "ms" => (self.rng.range(1, 60) * 250).to_string(),
            "pid" => self.rng.range(100, 65000).to_string(),
            "pct" => self.rng.range(2, 95).to_string(),
            "mb" => (1024 * self.rng.range(1, 16)).to_string(),
            "w" => self.rng.range(1, 16).to_string(),
            "min" => format!("{:02}", self.rng.below(60)),
            "hh" => format!("{:02}", self.rng.below(24)),
            "nrange" => {
                let a = self.rng.znum(200);
                format!("{} to {}", a, a + 1 + self.rng.znum(300))
            }
            "cfgkv" => {
                let k = *self.rng.pick(self.cat.keys);
                let v = self.cfg_value(k);
                format!("{k}: {v}")
            }
            "code" => self
                .rng
                .pick(&["1", "2", "127", "137", "139", "143", "255"])
                .to_string(),
            "port" => {
                if self.rng.chance(0.5) {
                    self.rng
                        .pick(&[
                            "5432", "6379", "443", "8080", "4000", "3000", "9200", "11434", "5000",
                            "8443",
                        ])
                        .to_string()
                } else {
                    self.rng.range(1024, 65000).to_string()
                }
            }
            "ver" => self.version(),
            "hex" => {
                let l = 8 + self.rng.below(5);
                self.hex(l)
            }
            "uuid" => {
                let h = self.hex(32);
                format!(
                    "{}-{}-{}-{}-{}",
                    &h[0..8],
                    &h[8..12],
                    &h[12..16],
                    &h[16..20],
                    &h[20..32]
                )
            }
            "reqid" => format!("req_{}", self.hex(12)),
            "ts" => self.timestamp(),
            "word" => self.syn(),
            "noun" => self.noun().to_string(),
            "adj" => self.rng.zpick(ADJS).to_string(),
            "adv" => self.rng.zpick(ADVS).to_string(),
            "when" => self.rng.zpick(WHEN).to_string(),
            "where" => self.rng.zpick(WHERE).to_string(),
            "comp" => self.rng.zpick(self.tool.comps).to_string(),
            "gcomp" => self
                .rng
                .pick(&[
                    "the load balancer",
                    "the service mesh sidecar",
                    "the DNS resolver",
                    "the connection pool",
                    "the retry wrapper",
                    "the health check",
                    "the CI cache",
                    "the secrets manager",
                    "the reverse proxy",
                    "the job scheduler",
                    "the metrics exporter",
                    "the message queue",
                ])
                .to_string(),
            "newid" => self.newid(),
            "newclass" => self.newclass(),
            "provider" => self.rng.pick(PROVIDERS).to_string(),
            "model" => self.rng.zpick(MODELS).to_string(),
            "Op" => self.rng.pick(OPS).to_string(),
            "lib" => self.rng.pick(LIBS).to_string(),
            "runcmd" => self.rng.pick(RUNCMDS).to_string(),
            "res" => self.rng.pick(RES).to_string(),
            "Class" => camel(self.noun()) + &camel(&self.syn()),
            "func" => format!("{}_{}", self.rng.zpick(METHODS), self.noun()),
            "proc" => format!(
                "{}-{}",
                self.noun(),
                self.rng
                    .zpick(&["worker", "server", "agent", "runner", "daemon"])
            ),
            "cmd" => {
                let t = *self.rng.pick(self.tool.cmds);
                self.fill(t)
            }
            "cfgkey" => self.rng.pick(self.cat.keys).to_string(),
            "cfgval" => self.cfg_value_any(),
            "envval" => {
                let env = self.fixed["env"].clone();
                let suffix = env.rsplit('_').next().unwrap_or("");
                match suffix {
                    "URL" => format!(
                        "https://{}:{}",
                        self.fixed["host"],
                        self.rng.pick(&["443", "8443", "4000", "8080"])
                    ),
                    "HOST" => self.fixed["host"].clone(),
                    "TIMEOUT" => self.rng.pick(&["30", "60", "120", "300", "5"]).to_string(),
                    "LIMIT" => (self.rng.range(1, 50) * 20).to_string(),
                    "PATH" => self.fixed["path"].clone(),
                    "MODE" => self
                        .rng
                        .pick(&["strict", "debug", "compat", "lenient"])
                        .to_string(),
                    _ => self
                        .rng
                        .pick(&["1", "true", "debug", "0", "false"])
                        .to_string(),
                }
            }
            "grepword" => self
                .errname
                .split_whitespace()
                .next()
                .unwrap_or("error")
                .to_lowercase(),
            "ctxphrase" => {
                let t = *self.rng.pick(&[
                    "calling `{class}` from {where}",
                    "{svc} runs with more than {n} workers",
                    "using {gcomp} in front of {comp}",
                    "`{env}` is set",
                    "the {noun} is larger than {n} MB",
                ]);
                self.fill(t)
            }
            _ => return None,
        };
        Some(v)
    }

    fn cfg_value_any(&mut self) -> String {
        let k = *self.rng.pick(self.cat.keys);
        self.cfg_value(k)
    }

    fn cfg_value(&mut self, key: &str) -> String {
        if key.ends_with("_ms") {
            return (self.rng.range(2, 120) * 500).to_string();
        }
        if key.ends_with("_s")
            || key.ends_with("_days")
            || key.ends_with("_gb")
            || key.ends_with("_mb")
            || key.ends_with("_kb")
        {
            return self.rng.range(5, 600).to_string();
        }
        match key {
            "rpm"
            | "tpm"
            | "burst"
            | "max_connections"
            | "max_parallel_requests"
            | "max_items"
            | "batch_size" => (self.rng.range(1, 200) * 10).to_string(),
            "max_retries" | "jobs" | "max_workers" => self.rng.range(1, 8).to_string(),
            "backoff_factor" => format!("{}.{}", self.rng.below(3), self.rng.range(1, 9)),
            "fsync" | "strict_mode" | "optimize" => self.rng.pick(&["true", "false"]).to_string(),
            "memory_limit" => format!("{}Mi", 256 * self.rng.range(1, 16)),
            "heap_mb" => (512 * self.rng.range(1, 8)).to_string(),
            "restart_policy" => self
                .rng
                .pick(&["on-failure", "unless-stopped", "always"])
                .to_string(),
            "api_key_env" => format!("os.environ/{}", self.fixed["env"]),
            "token_file" | "credentials_path" | "settings_file" | "ca_bundle" | "data_dir"
            | "cache_dir" | "lockfile" | "constraints_file" => {
                let n = self.noun();
                let ext = *self.rng.pick(&["json", "pem", "yaml", "txt", "lock"]);
                format!("/etc/{}/{}.{}", self.fixed["svc"], n, ext)
            }
            "role_arn" => format!(
                "arn:aws:iam::{}:role/{}",
                self.fixed["acct"], self.fixed["svc"]
            ),
            "proxy_url" | "registry" | "index_url" => {
                format!("https://{}.{}/", self.noun(), self.rng.pick(ZONES))
            }
            "host" => self.fixed["host"].clone(),
            "log_level" | "auth_mode" | "resolver" => self
                .rng
                .pick(&["debug", "info", "strict", "lenient", "oidc", "static"])
                .to_string(),
            "pin" | "toolchain" | "schema_version" => format!("\"{}\"", self.fixed["pver"]),
            "target" | "platform" => self
                .rng
                .pick(&[
                    "x86_64-unknown-linux-gnu",
                    "linux/arm64",
                    "linux/amd64",
                    "aarch64-apple-darwin",
                ])
                .to_string(),
            _ => format!("{}_{}", self.noun(), self.rng.range(1, 99)),
        }
    }

    /// Replace `{name}` placeholders. Unknown names and braces that are not
    /// placeholders (JSON, shell `{{...}}`) are kept literally.
    fn fill(&mut self, t: &str) -> String {
        let mut out = String::with_capacity(t.len() + 32);
        let mut rest = t;
        while let Some(open) = rest.find('{') {
            let (lit, after) = rest.split_at(open);
            out.push_str(lit);
            let after = &after[1..];
            let close = after.find('}');
            let name = close.map(|c| &after[..c]);
            let valid = name.is_some_and(|n| {
                !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            if valid {
                let name = name.unwrap();
                if let Some(v) = self.dynamic(name) {
                    out.push_str(&v);
                    rest = &after[close.unwrap() + 1..];
                    continue;
                }
            }
            out.push('{');
            rest = after;
        }
        out.push_str(rest);
        out
    }
}

// ---------------------------------------------------------------------------
// Page generation
// ---------------------------------------------------------------------------

struct Source {
    id: String,
    url: String,
    title: String,
    date: Option<String>,
    kind: &'static str,
}

struct Generated {
    tool: &'static str,
    slug: String,
    text: String,
}

type SigT = (&'static str, &'static str, &'static str);

/// Signature templates of a category that fit a tool: tool-specific ones
/// twice (more likely), then the generic ones.
fn sig_templates(tool: &Tool, cat: &Category) -> Vec<SigT> {
    let mut own = Vec::new();
    let mut generic = Vec::new();
    for &(tags, phrase, errname, t) in cat.sigs {
        if tags == "*" {
            generic.push((phrase, errname, t));
        } else if tags.split(',').any(|x| x == tool.name) {
            own.push((phrase, errname, t));
        }
    }
    let mut all = own.clone();
    all.extend(own);
    all.extend(generic);
    all
}

fn has_numeric_slot(t: &str) -> bool {
    ["{n}", "{port}", "{ip}", "{ver}"]
        .iter()
        .any(|x| t.contains(x))
}

fn choose_tool(rng: &mut Rng) -> &'static Tool {
    let total: u32 = TOOLS.iter().map(|t| t.weight).sum();
    let mut x = rng.below(total as usize) as u32;
    for t in TOOLS {
        if x < t.weight {
            return t;
        }
        x -= t.weight;
    }
    &TOOLS[0]
}

fn gen_page(
    i: usize,
    literals_seen: &mut HashSet<String>,
    earlier: &[(usize, String)],
    by_tool: &HashMap<&'static str, Vec<usize>>,
) -> Generated {
    let mut rng = Rng::new(0x5eed_0000_0000_0000 ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let tool = choose_tool(&mut rng);
    let cat = &CATEGORIES[rng.below(CATEGORIES.len())];
    let templates = sig_templates(tool, cat);
    let first_t = *rng.pick(&templates);
    let (phrase, errname, _) = first_t;
    let mut p = Page {
        rng,
        tool,
        cat,
        errname,
        fixed: HashMap::new(),
    };

    // Page-level identifiers; several embed the page index so they are unique.
    let start = days_from_civil(2024, 1, 1);
    let end = days_from_civil(2026, 10, 31);
    let updated_days = start + p.rng.range(0, (end - start) as u64) as i64;
    let updated = fmt_date(updated_days);
    let n1 = *p.rng.pick(NOUNS);
    let s1 = p.syn();
    let svc_base = if p.rng.chance(0.25) {
        s1.clone()
    } else {
        n1.to_string()
    };
    let svc = format!(
        "{svc_base}-{}",
        p.rng.pick(&[
            "api",
            "worker",
            "service",
            "gateway",
            "consumer",
            "scheduler",
            "web",
            "sync",
            "indexer",
            "bridge",
            "cron",
            "proxy"
        ])
    );
    let host = format!("{}-{}{}.{}", p.noun(), s1, i, p.rng.zpick(ZONES));
    let ident = format!(
        "{}_{}_{}",
        p.rng.zpick(&["cfg", "ctr", "job", "evt", "err", "req"]),
        p.noun(),
        i
    );
    let class = p.newclass();
    let env = format!(
        "{}_{}_{}",
        tool.env_prefix,
        p.rng.pick(NOUNS).to_uppercase(),
        p.rng.zpick(&[
            "URL", "KEY", "TIMEOUT", "HOST", "TOKEN", "LIMIT", "PATH", "MODE"
        ])
    );
    let file = format!("{}_{}", p.noun(), p.syn());
    let path = format!(
        "/{}/{}/{}-{}.{}",
        p.rng
            .zpick(&["srv", "var/lib", "etc", "home/app", "opt", "data", "tmp"]),
        svc,
        p.noun(),
        i,
        p.rng.pick(&["json", "yaml", "conf", "db", "log", "toml"])
    );
    let key = format!(
        "{}_{}",
        p.rng.pick(NOUNS),
        p.rng.pick(&[
            "base", "id", "url", "limit", "key", "name", "timeout", "mode", "size", "region"
        ])
    );
    let pkg = format!("{}-{}", p.syn(), p.noun());
    let pkg2 = format!("{}{}", p.noun(), p.syn());
    let module = format!("{}_{}", p.noun(), p.syn());
    let ip = format!(
        "10.{}.{}.{}",
        p.rng.below(256),
        p.rng.below(256),
        p.rng.range(2, 254)
    );
    let pver = p.version();
    let acct = format!("{:012}", p.rng.next() % 1_000_000_000_000);
    let user = format!(
        "{}{}",
        p.rng.zpick(USERS),
        if p.rng.chance(0.5) {
            format!("-{}", p.syn())
        } else {
            String::new()
        }
    );
    let ns = format!(
        "{}-{}",
        n1,
        p.rng.zpick(&["prod", "staging", "dev", "system", "jobs"])
    );
    let fixed = [
        ("Tool", tool.display.to_string()),
        ("tool", tool.name.to_string()),
        ("phrase", phrase.to_string()),
        ("errname", errname.to_string()),
        ("updated", updated.clone()),
        ("svc", svc.clone()),
        ("host", host.clone()),
        ("ident", ident.clone()),
        ("class", class.clone()),
        ("env", env.clone()),
        ("file", file.clone()),
        ("path", path.clone()),
        ("key", key.clone()),
        ("pkg", pkg.clone()),
        ("pkg2", pkg2),
        ("module", module),
        ("ip", ip),
        ("pver", pver.clone()),
        ("acct", acct),
        ("user", user),
        ("ns", ns.clone()),
        (
            "port",
            if p.rng.chance(0.6) {
                p.rng
                    .pick(&[
                        "5432", "6379", "443", "8080", "4000", "3000", "9200", "11434", "5000",
                        "8443",
                    ])
                    .to_string()
            } else {
                p.rng.range(1024, 65000).to_string()
            },
        ),
        ("pod", format!("{svc}-{}", p.hex(6))),
        ("container", format!("{svc}-{}", p.rng.range(1, 9))),
        ("image", format!("example/{svc}")),
        ("repo", format!("{}-{}", s1, n1)),
        ("ctx", format!("{}-{}", p.rng.pick(REGIONS), p.syn())),
        (
            "profile",
            format!(
                "{}-{}",
                p.syn(),
                p.rng.pick(&["prod", "dev", "admin", "ci"])
            ),
        ),
        ("bucket", format!("{}-{}-{}", p.noun(), p.syn(), i)),
        ("region", p.rng.pick(REGIONS).to_string()),
        (
            "db",
            format!("{}_{}", n1, p.rng.pick(&["prod", "main", "app", "events"])),
        ),
        ("net", format!("{}_default", s1)),
        ("zone", format!("{}_{}", p.noun(), p.syn())),
        ("realm", format!("{}.example.org", p.syn())),
        (
            "route",
            format!("v{}/{}/{}", p.rng.range(1, 3), p.noun(), p.noun()),
        ),
        ("mod", p.syn()),
        ("name", format!("{}_{}", p.noun(), p.syn())),
        ("vol", format!("{}-data", p.syn())),
        ("pvc", format!("{}-{}", svc, p.noun())),
        ("cfg_file", tool.cfg_file.to_string()),
        (
            "cfgpath",
            format!("/etc/{}/{}", svc, tool.cfg_file.rsplit('/').next().unwrap()),
        ),
    ];
    for (k, v) in fixed {
        p.fixed.insert(k, v);
    }

    // --- title and slug ---
    let ctx_t = *p.rng.pick(&[
        "when connecting to `{host}`",
        "after upgrading to {pver}",
        "in the `{svc}` service",
        "on {where} ({ident})",
        "with `{env}` set",
        "while running `{cmd}`",
        "for `{key}` in `{svc}`",
        "from `{class}`",
    ]);
    let ctx = p.fill(ctx_t);
    let title = format!("{}: {} {}", tool.display, phrase, ctx);
    let slug = format!("{}-{}-{}", tool.name, slugify(phrase), i);

    // --- signatures ---
    // The first one is always a literal; later ones are either a regex that
    // generalises the first (numbers become \d+) or another message of the
    // same family, as a literal or a regex.
    let nsig = 1 + p.rng.below(3);
    let mut sig_lines: Vec<String> = Vec::new();
    let mut first_literal = String::new();
    let mut used_t: Vec<&str> = vec![first_t.2];
    let mut generalised = false;
    for s in 0..nsig {
        let (t, as_regex) = if s == 0 {
            (first_t.2, false)
        } else if !generalised && has_numeric_slot(first_t.2) && p.rng.chance(0.5) {
            generalised = true;
            (first_t.2, true)
        } else {
            let mut t = p.rng.pick(&templates).2;
            for _ in 0..8 {
                if !used_t.contains(&t) {
                    break;
                }
                t = p.rng.pick(&templates).2;
            }
            if used_t.contains(&t) {
                continue;
            }
            used_t.push(t);
            (t, has_numeric_slot(t) && p.rng.chance(0.4))
        };
        if as_regex && !first_literal.is_empty() {
            // A regex generalises this page's own first literal (its numbers become \d+), so
            // it matches that error and not a sibling page's message of the same family.
            let re = numbers_to_regex(&first_literal);
            sig_lines.push(format!("  - {{regex: {}}}", yq(&re)));
        } else {
            // Two messages that differ only in their numbers are one error: a page's literal
            // must differ from every other page's in its words, or the pages collide.
            let shape = |l: &str| {
                let mut out = String::new();
                for c in l.chars() {
                    if !c.is_ascii_digit() {
                        out.push(c);
                    } else if !out.ends_with('#') {
                        out.push('#');
                    }
                }
                out
            };
            let mut lit = p.fill(t);
            let mut tries = 0;
            while (literals_seen.contains(&shape(&lit)) || lit.len() < 20) && tries < 20 {
                lit = p.fill(t);
                tries += 1;
            }
            if literals_seen.contains(&shape(&lit)) || lit.len() < 20 {
                lit = format!("{lit} [{ident}]");
            }
            literals_seen.insert(shape(&lit));
            if first_literal.is_empty() {
                first_literal = lit.clone();
            }
            if s > 0 && p.rng.chance(0.15) {
                sig_lines.push(format!("  - {{literal: {}}}", yq(&lit)));
            } else {
                sig_lines.push(format!("  - {}", yq(&lit)));
            }
        }
    }

    let summary_t = *p.rng.pick(cat.summaries);
    let summary = p.fill(summary_t);
    let qf_t = *p.rng.pick(cat.quick_fixes);
    let quick_fix = p.fill(qf_t);

    // --- sources ---
    let nsrc = 2 + p.rng.below(3);
    let kinds_primary = [
        "issue",
        "issue",
        "issue",
        "docs",
        "docs",
        "pull",
        "changelog",
        "source",
    ];
    let kinds_any = [
        "issue",
        "issue",
        "docs",
        "pull",
        "changelog",
        "source",
        "forum",
        "blog",
        "docs",
        "issue",
    ];
    let mut sources: Vec<Source> = Vec::new();
    for s in 0..nsrc {
        let kind: &'static str = if s == 0 {
            Clone::clone(p.rng.pick(&kinds_primary))
        } else {
            Clone::clone(p.rng.pick(&kinds_any))
        };
        let src_date_days = updated_days - (p.rng.unit() * p.rng.unit() * 1100.0) as i64;
        let mut date = Some(fmt_date(src_date_days.min(updated_days)));
        let gh = format!("https://github.com/example/{}", tool.name);
        let (mut id, url, title) = match kind {
            "issue" => {
                let n = p.rng.range(100, 29999);
                let t = *p.rng.pick(SRC_ISSUE_TITLES);
                (format!("gh-{n}"), format!("{gh}/issues/{n}"), p.fill(t))
            }
            "pull" => {
                let n = p.rng.range(100, 29999);
                let t = *p.rng.pick(SRC_PULL_TITLES);
                (format!("pr-{n}"), format!("{gh}/pull/{n}"), p.fill(t))
            }
            "docs" => {
                let mut topic = *p.rng.zpick(tool.topics);
                for _ in 0..8 {
                    if !sources.iter().any(|x| x.id == format!("docs-{topic}")) {
                        break;
                    }
                    topic = *p.rng.pick(tool.topics);
                }
                let pretty = topic.split('-').map(camel).collect::<Vec<_>>().join(" ");
                (
                    format!("docs-{topic}"),
                    format!("https://docs.example.org/{}/{}", tool.name, topic),
                    format!("{pretty} | {} documentation", tool.display),
                )
            }
            "changelog" => {
                let v = if p.rng.chance(0.6) {
                    pver.clone()
                } else {
                    p.version()
                };
                (
                    format!("changelog-v{}", v.replace('.', "-")),
                    format!("{gh}/releases/tag/v{v}"),
                    format!("{} v{v} release notes", tool.display),
                )
            }
            "source" => {
                if p.rng.chance(0.4) {
                    date = None;
                }
                let f = format!(
                    "{}/{}.{}",
                    p.rng.pick(&["src", "lib", "pkg", "internal"]),
                    p.noun(),
                    p.rng.pick(&["py", "rs", "go", "ts", "c"])
                );
                (
                    format!("src-{}", slugify(&f)),
                    format!("{gh}/blob/main/{f}"),
                    format!("{f} at main · example/{}", tool.name),
                )
            }
            "forum" => {
                let n = p.rng.range(1000, 99999);
                let t = *p.rng.pick(SRC_FORUM_TITLES);
                let title = p.fill(t);
                (
                    format!("forum-{n}"),
                    format!("https://forum.example.org/t/{}/{n}", slugify(&title)),
                    title,
                )
            }
            _ => {
                let t = *p.rng.pick(SRC_BLOG_TITLES);
                let title = p.fill(t);
                let s = slugify(&title);
                let (y, _, _) = civil_from_days(src_date_days.min(updated_days));
                (
                    format!(
                        "blog-{}",
                        s.split('-').take(3).collect::<Vec<_>>().join("-")
                    ),
                    format!("https://blog.example.org/{y}/{s}"),
                    title,
                )
            }
        };
        let mut suffix = 2;
        let base = id.clone();
        while sources.iter().any(|x| x.id == id) {
            id = format!("{base}-{suffix}");
            suffix += 1;
        }
        // Avoid identical URLs within a page (e.g. the same docs topic twice).
        let url = if sources.iter().any(|x| x.url == url) {
            format!("{url}#{id}")
        } else {
            url
        };
        sources.push(Source {
            id,
            url,
            title,
            date,
            kind,
        });
    }

    // --- related ---
    let mut related: Vec<String> = Vec::new();
    if i > 0 {
        let k = *p.rng.pick(&[0usize, 1, 1, 2, 2, 3]);
        let same = by_tool.get(tool.name);
        for _ in 0..k * 3 {
            if related.len() >= k {
                break;
            }
            let cand = match same {
                Some(v) if !v.is_empty() && p.rng.chance(0.65) => {
                    // Prefer recent pages of the same tool.
                    let back = 1 + p.rng.znum(v.len() as u64 * 4) as usize;
                    v[v.len().saturating_sub(back.min(v.len()))]
                }
                _ => p.rng.below(earlier.len()),
            };
            let s = &earlier[cand].1;
            if !related.contains(s) {
                related.push(s.clone());
            }
        }
    }

    // --- front matter ---
    let mut out = String::with_capacity(8192);
    out.push_str("---\n");
    writeln!(out, "title: {}", yq(&title)).unwrap();
    writeln!(out, "tool: {}", tool.name).unwrap();
    writeln!(out, "category: {}", cat.id).unwrap();
    out.push_str("signatures:\n");
    for l in &sig_lines {
        out.push_str(l);
        out.push('\n');
    }
    writeln!(out, "summary: {}", yq(&summary)).unwrap();
    writeln!(out, "quick_fix: {}", yq(&quick_fix)).unwrap();
    writeln!(out, "updated: {updated}").unwrap();
    out.push_str("sources:\n");
    for s in &sources {
        writeln!(out, "  - id: {}", s.id).unwrap();
        writeln!(out, "    url: {}", yq(&s.url)).unwrap();
        writeln!(out, "    title: {}", yq(&s.title)).unwrap();
        if let Some(d) = &s.date {
            writeln!(out, "    date: {d}").unwrap();
        }
        writeln!(out, "    kind: {}", s.kind).unwrap();
    }
    if !related.is_empty() {
        out.push_str("related:\n");
        for r in &related {
            writeln!(out, "  - {r}").unwrap();
        }
    }
    out.push_str("---\n\n");

    // --- body ---
    let mut body = String::with_capacity(6144);
    let mut seen_sentences: HashSet<String> = HashSet::new();

    // What this error means
    body.push_str("## What this error means\n\n");
    let m_t = *p.rng.pick(cat.meaning);
    let lead_sentence = p.fill(m_t);
    let n_extra = 7 + p.rng.below(4);
    let extra_idx = p.rng.distinct(n_extra, MEANING_EXTRA.len());
    let mut accepted: Vec<String> = vec![lead_sentence];
    for &e in &extra_idx {
        let s = p.fill(MEANING_EXTRA[e]);
        if seen_sentences.insert(s.clone()) {
            accepted.push(s);
        }
    }
    let split = (3 + p.rng.below(2)).min(accepted.len());
    body.push_str(&accepted[..split].join(" "));
    body.push_str("\n\n");
    // Log excerpt between the two paragraphs.
    let intro_t = *p.rng.pick(LOG_INTROS);
    let intro = p.fill(intro_t);
    body.push_str(&intro);
    body.push_str("\n\n```text\n");
    let nlines = 1 + p.rng.below(3);
    let pos = p.rng.below(nlines + 1);
    for l in 0..=nlines {
        if l == pos {
            let ts = p.timestamp();
            writeln!(body, "{ts} ERROR {}", first_literal).unwrap();
        } else {
            let t = *p.rng.pick(LOG_EXTRA);
            let line = p.fill(t);
            body.push_str(&line);
            body.push('\n');
        }
    }
    body.push_str("```\n\n");
    if split < accepted.len() {
        body.push_str(&accepted[split..].join(" "));
        body.push_str("\n\n");
    }

    // Causes
    body.push_str("## Causes\n\n");
    let ncauses = 2 + p.rng.below(3);
    let cause_idx = p.rng.distinct(ncauses, cat.causes.len());
    let ncauses = cause_idx.len();
    let mut cites: Vec<Vec<usize>> = vec![Vec::new(); ncauses];
    for s in 0..sources.len() {
        cites[s % ncauses].push(s);
    }
    for c in cites.iter_mut() {
        if c.is_empty() {
            c.push(p.rng.below(sources.len()));
        } else if c.len() == 1 && p.rng.chance(0.25) {
            let extra = p.rng.below(sources.len());
            if !c.contains(&extra) {
                c.push(extra);
            }
        }
    }
    for (j, &ci) in cause_idx.iter().enumerate() {
        let mut text = p.fill(cat.causes[ci]);
        let tail_t = *p.rng.pick(CAUSE_TAILS);
        let mut tail = p.fill(tail_t);
        if !tail.is_empty() && !seen_sentences.insert(tail.clone()) {
            tail.clear();
        }
        let ids: Vec<String> = cites[j]
            .iter()
            .map(|&s| format!("@{}", sources[s].id))
            .collect();
        text.push('.');
        text.push_str(&tail);
        writeln!(body, "- {} [{}]", text, ids.join("; ")).unwrap();
    }
    body.push('\n');

    // Fixes
    body.push_str("## Fixes\n\n");
    let nfix = 1 + p.rng.below(3);
    let fix_idx = p.rng.distinct(nfix, cat.fixes.len());
    let mut used_cmds: Vec<usize> = Vec::new();
    for &fi in &fix_idx {
        writeln!(body, "### {}\n", cat.fixes[fi]).unwrap();
        let nb = 1 + p.rng.below(2);
        let b_idx = p.rng.distinct(nb, FIX_BODIES.len());
        let mut lead = String::new();
        for (j, &b) in b_idx.iter().enumerate() {
            let s = p.fill(FIX_BODIES[b]);
            if seen_sentences.insert(s.clone()) {
                if j > 0 {
                    lead.push(' ');
                }
                lead.push_str(&s);
            }
        }
        match p.rng.below(3) {
            0 => {
                body.push_str(lead.trim());
                body.push_str("\n\n```bash\n");
                let nc = 1 + p.rng.below(3);
                let mut picked: Vec<usize> = p.rng.distinct(tool.cmds.len(), tool.cmds.len());
                picked.retain(|c| !used_cmds.contains(c));
                if picked.is_empty() {
                    picked = p.rng.distinct(1, tool.cmds.len());
                }
                picked.truncate(nc);
                for ci in picked {
                    used_cmds.push(ci);
                    if p.rng.chance(0.4) {
                        let c_t = *p.rng.pick(&[
                            "# check {noun} state first",
                            "# run on {host}",
                            "# expect no {errname} afterwards",
                            "# as {user}",
                        ]);
                        let c = p.fill(c_t);
                        body.push_str(&c);
                        body.push('\n');
                    }
                    let c = p.fill(tool.cmds[ci]);
                    body.push_str(&c);
                    body.push('\n');
                }
                body.push_str("```\n\n");
            }
            1 => {
                body.push_str(lead.trim());
                body.push_str("\n\n");
                let intros = [
                    "In `{cfg_file}` for `{svc}`:",
                    "The relevant part of `{cfg_file}` after the change ({newid}):",
                    "For example, in the `{svc}` section of `{cfg_file}`:",
                    "A working `{cfg_file}` excerpt from `{host}`:",
                    "Set it in `{cfg_file}` ({ident}):",
                ];
                let mut intro = String::new();
                for k in p.rng.distinct(intros.len(), intros.len()) {
                    let c = p.fill(intros[k]);
                    if seen_sentences.insert(c.clone()) {
                        intro = c;
                        break;
                    }
                }
                writeln!(body, "{intro}\n\n```yaml").unwrap();
                writeln!(body, "{}:", tool.cfg_root).unwrap();
                let sub = if tool.cfg_root == "services"
                    || tool.cfg_root == "jobs"
                    || tool.cfg_root == "apps"
                {
                    svc.clone()
                } else {
                    format!(
                        "{}_{}",
                        p.noun(),
                        p.rng.pick(&["settings", "options", "limits", "policy"])
                    )
                };
                writeln!(body, "  {sub}:").unwrap();
                let nk = 2 + p.rng.below(3);
                for ki in p.rng.distinct(nk, cat.keys.len()) {
                    let k = cat.keys[ki];
                    let v = p.cfg_value(k);
                    let comment = if p.rng.chance(0.3) {
                        let c_t = *p.rng.pick(&["  # see {ident}", "  # per {noun}"]);
                        p.fill(c_t)
                    } else {
                        String::new()
                    };
                    writeln!(body, "    {k}: {v}{comment}").unwrap();
                }
                body.push_str("```\n\n");
            }
            _ => {
                let mut inl = String::new();
                for k in p.rng.distinct(FIX_INLINE.len(), FIX_INLINE.len()) {
                    let c = p.fill(FIX_INLINE[k]);
                    if seen_sentences.insert(c.clone()) {
                        inl = c;
                        break;
                    }
                }
                body.push_str(&inl);
                body.push(' ');
                body.push_str(lead.trim());
                body.push_str("\n\n");
            }
        }
    }

    // Step-by-step troubleshooting
    body.push_str("## Step-by-step troubleshooting\n\n");
    let nsteps = 3 + p.rng.below(4);
    let step_idx = p.rng.distinct(nsteps, STEPS.len());
    for (j, si) in step_idx.into_iter().enumerate() {
        let s = p.fill(STEPS[si]);
        writeln!(body, "{}. {}", j + 1, s).unwrap();
    }
    body.push('\n');

    // How to prevent it
    body.push_str("## How to prevent it\n\n");
    let nprev = 2 + p.rng.below(2);
    for pi in p.rng.distinct(nprev, PREVENT.len()) {
        let s = p.fill(PREVENT[pi]);
        writeln!(body, "- {s}").unwrap();
    }

    // FAQ (about half of the pages)
    if p.rng.chance(0.5) {
        body.push_str("\n## FAQ\n");
        let nq = 1 + p.rng.below(2);
        for qi in p.rng.distinct(nq, FAQ_Q.len()) {
            let q = p.fill(FAQ_Q[qi]);
            let a = p.fill(FAQ_A[qi]);
            write!(body, "\n### {q}\n\n{a}\n").unwrap();
        }
    }

    // Pad short pages with one more paragraph in the first section.
    if word_count(&body) < 420 {
        let pos = body.find("\n## Causes").unwrap();
        let mut extra = String::new();
        for e in p.rng.distinct(4, MEANING_EXTRA.len()) {
            let s = p.fill(MEANING_EXTRA[e]);
            if seen_sentences.insert(s.clone()) {
                if !extra.is_empty() {
                    extra.push(' ');
                }
                extra.push_str(&s);
            }
        }
        body.insert_str(pos, &format!("\n{extra}\n"));
    }

    out.push_str(&body);
    Generated {
        tool: tool.name,
        slug,
        text: out,
    }
}

// ---------------------------------------------------------------------------
// Config and main
// ---------------------------------------------------------------------------

fn config_toml() -> String {
    let mut s = String::new();
    s.push_str("# Generated by examples/gen_site.rs for benchmarks. Do not edit.\n");
    s.push_str("title = \"Generated knowledge base\"\n");
    s.push_str("base_url = \"https://bench.example.org/\"\n");
    s.push_str("description = \"A synthetic troubleshooting knowledge base: errors from fifteen tools, each cause backed by a linked source.\"\n");
    s.push_str("language = \"en\"\n");
    for c in CATEGORIES {
        write!(
            s,
            "\n[[categories]]\nid = \"{}\"\nname = \"{}\"\ndescription = \"{}\"\n",
            c.id, c.name, c.description
        )
        .unwrap();
    }
    // Synthetic messages drawn from shared templates: a few per thousand pages still differ
    // only where one page's regex generalises another's numbers. The benchmark builds the
    // site, so such overlaps are reported without failing the build.
    s.push_str("\n[lints]\nsignature-collision = \"warning\"\n");
    s
}

fn usage() -> ! {
    eprintln!("usage: gen_site --pages N --out DIR");
    eprintln!("  writes DIR/errbook.toml and DIR/content/<tool>/<slug>.md for N pages (N >= 1)");
    exit(2);
}

fn parse_args() -> (usize, PathBuf) {
    let mut pages: Option<usize> = None;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        match flag.as_str() {
            "--pages" => {
                let v = inline.or_else(|| args.next()).unwrap_or_else(|| usage());
                match v.parse::<usize>() {
                    Ok(n) if n >= 1 => pages = Some(n),
                    _ => {
                        eprintln!("error: --pages needs a positive integer, got {v:?}");
                        usage();
                    }
                }
            }
            "--out" => {
                let v = inline.or_else(|| args.next()).unwrap_or_else(|| usage());
                if v.is_empty() {
                    usage();
                }
                out = Some(PathBuf::from(v));
            }
            "-h" | "--help" => usage(),
            _ => {
                eprintln!("error: unexpected argument {a:?}");
                usage();
            }
        }
    }
    match (pages, out) {
        (Some(p), Some(o)) => (p, o),
        _ => usage(),
    }
}

fn write_file(path: &Path, text: &str) {
    if let Err(e) = fs::write(path, text) {
        eprintln!("error: cannot write {}: {e}", path.display());
        exit(1);
    }
}

fn main() {
    let (n, out) = parse_args();
    let content = out.join("content");
    if content.exists()
        && let Err(e) = fs::remove_dir_all(&content)
    {
        eprintln!("error: cannot remove {}: {e}", content.display());
        exit(1);
    }
    for t in TOOLS {
        if let Err(e) = fs::create_dir_all(content.join(t.name)) {
            eprintln!(
                "error: cannot create {}: {e}",
                content.join(t.name).display()
            );
            exit(1);
        }
    }
    write_file(&out.join("errbook.toml"), &config_toml());

    let mut literals_seen: HashSet<String> = HashSet::new();
    let mut earlier: Vec<(usize, String)> = Vec::with_capacity(n);
    let mut by_tool: HashMap<&'static str, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let g = gen_page(i, &mut literals_seen, &earlier, &by_tool);
        let path = content.join(g.tool).join(format!("{}.md", g.slug));
        write_file(&path, &g.text);
        by_tool.entry(g.tool).or_default().push(earlier.len());
        earlier.push((i, g.slug));
    }
    // Drop tool directories that stayed empty (tiny N).
    for t in TOOLS {
        let dir = content.join(t.name);
        if fs::read_dir(&dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false)
        {
            let _ = fs::remove_dir(&dir);
        }
    }
    println!("wrote {n} pages to {}", out.display());
}
