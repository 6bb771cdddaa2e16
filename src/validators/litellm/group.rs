//! What a model group is: its mode (chat, embedding, image, audio, ...) and whether it is
//! served by the operator's own inference server, inferred the way an operator reads a config.
//!
//! Rules about provider 429s, quotas and fallbacks apply to hosted chat groups: an embedding
//! group that falls back to another model mixes vector spaces, and a local Ollama, vLLM or
//! llama.cpp server does not answer with a provider's per-account rate limit.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::model::{Deployment, field};
use crate::yaml::Node;

/// The kind of calls a model serves. Groups of different modes cannot stand in for each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Chat, text completion and responses: interchangeable for a fallback.
    Text,
    Embedding,
    Rerank,
    Image,
    Transcription,
    Speech,
    Moderation,
    /// Any other mode LiteLLM knows (realtime, ocr, video, batch, ...).
    Other,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Text => "chat",
            Mode::Embedding => "embedding",
            Mode::Rerank => "rerank",
            Mode::Image => "image generation",
            Mode::Transcription => "audio transcription",
            Mode::Speech => "speech",
            Mode::Moderation => "moderation",
            Mode::Other => "non-chat",
        }
    }
}

/// `model_info.mode` values LiteLLM knows: the `mode` literal of its `ModelInfoBase` and the
/// health check's mode handlers (litellm/types/utils.py, litellm_core_utils/health_check_helpers.py
/// at 1.110.2), with the mode each stands for.
pub const KNOWN_MODES: &[(&str, Mode)] = &[
    ("chat", Mode::Text),
    ("completion", Mode::Text),
    ("responses", Mode::Text),
    ("anthropic_messages", Mode::Text),
    ("embedding", Mode::Embedding),
    ("rerank", Mode::Rerank),
    ("image_generation", Mode::Image),
    ("image_edit", Mode::Image),
    ("audio_transcription", Mode::Transcription),
    ("audio_speech", Mode::Speech),
    ("moderation", Mode::Moderation),
    ("realtime", Mode::Other),
    ("batch", Mode::Other),
    ("ocr", Mode::Other),
    ("video_generation", Mode::Other),
    ("decisions", Mode::Other),
    ("evaluation", Mode::Other),
    ("extraction", Mode::Other),
];

/// Providers whose deployments run on the operator's own machines.
const SELF_HOSTED_PROVIDERS: &[&str] = &[
    "ollama",
    "ollama_chat",
    "hosted_vllm",
    "vllm",
    "llamafile",
    "lm_studio",
    "xinference",
    "triton",
    "oobabooga",
    "docker_model_runner",
];

/// The mode of one deployment: `model_info.mode` when it is one LiteLLM knows, else what the
/// model's name says (`text-embedding-3-small`, `whisper-1`, `dall-e-3`, ...). `None` when
/// nothing tells: a wildcard route, or a model read from the environment.
pub fn deployment_mode(d: &Deployment) -> Option<Mode> {
    if let Some(mode) = d
        .info
        .and_then(|i| field(i, "mode"))
        .and_then(Node::as_text)
        && let Some((_, m)) = KNOWN_MODES.iter().find(|(name, _)| *name == mode)
    {
        return Some(*m);
    }
    let model = d.param("model").and_then(Node::as_text).unwrap_or("");
    if model.contains('*') || model.trim().starts_with("os.environ/") {
        return mode_from_name(d.group());
    }
    mode_from_name(model)
        .or_else(|| mode_from_name(d.group()))
        .or(Some(Mode::Text))
}

/// Every fragment [`mode_from_name`] looks for: one scan of a name rules out the chat models,
/// nearly all of them, before any word is compared.
static MODE_WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "rerank",
                "embed",
                "bge",
                "e5",
                "gte",
                "minilm",
                "voyage/",
                "whisper",
                "transcribe",
                "stt",
                "tts",
                "kokoro",
                "speech",
                "dall-e",
                "gpt-image",
                "imagen",
                "flux",
                "stable-diffusion",
                "sdxl",
                "image",
                "moderation",
            ])
            .expect("fixed patterns build")
    });

/// The mode a model name implies, if it implies one.
fn mode_from_name(name: &str) -> Option<Mode> {
    if !MODE_WORDS.is_match(name) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    // The words of the name: `openai/text-embedding-3-small` → openai, text, embedding, 3, small.
    let words = || {
        lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
    };
    let has = |w: &str| words().any(|x| x == w);
    let prefixed = |p: &str| words().any(|x| x.starts_with(p));
    if lower.contains("rerank") {
        Some(Mode::Rerank)
    } else if lower.contains("embed")
        || prefixed("bge")
        || has("e5")
        || has("gte")
        || has("minilm")
        || lower.starts_with("voyage/")
    {
        Some(Mode::Embedding)
    } else if lower.contains("whisper") || prefixed("transcribe") || has("stt") {
        Some(Mode::Transcription)
    } else if has("tts") || lower.contains("kokoro") || has("speech") {
        Some(Mode::Speech)
    } else if lower.contains("dall-e")
        || lower.contains("gpt-image")
        || prefixed("imagen")
        || has("flux")
        || lower.contains("stable-diffusion")
        || has("sdxl")
        || has("image")
    {
        Some(Mode::Image)
    } else if lower.contains("moderation") {
        Some(Mode::Moderation)
    } else {
        None
    }
}

/// Whether one deployment runs on the operator's own inference server: a self-hosted provider
/// route, or an `api_base` on loopback, a private network, a container or cluster network
/// (`host.docker.internal`, `*.svc`, `*.internal`, a bare service name such as `ollama`).
pub fn is_self_hosted(d: &Deployment) -> bool {
    if SELF_HOSTED_PROVIDERS.contains(&d.provider()) {
        return true;
    }
    d.api_base()
        .and_then(host_of)
        .is_some_and(|h| is_private_host(&h))
}

/// The host of a URL (`http://user@host:port/path`), lowercased.
fn host_of(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(inner) = host_port.strip_prefix('[') {
        inner.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn is_private_host(host: &str) -> bool {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return match ip {
            IpAddr::V4(v4) => is_private_v4(v4),
            IpAddr::V6(v6) => is_private_v6(v6),
        };
    }
    const SUFFIXES: &[&str] = &[
        ".internal",
        ".svc",
        ".local",
        ".lan",
        ".home",
        ".home.arpa",
        ".localhost",
        ".localdomain",
    ];
    if host == "localhost" || SUFFIXES.iter().any(|s| host.ends_with(s)) {
        return true;
    }
    // `.svc.cluster.local` and the like end in one of the suffixes above. A name without a
    // dot, or whose last label is not a word (`llama-3.2-1b-instruct`), is no public DNS name:
    // a docker-compose or Kubernetes service.
    match host.rsplit_once('.') {
        None => true,
        Some((_, tld)) => !tld.chars().all(|c| c.is_ascii_alphabetic()),
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        // 100.64.0.0/10: carrier-grade NAT, the range of Tailscale and similar home networks.
        || (a == 100 && (64..128).contains(&b))
}

fn is_private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_from_names() {
        let cases = [
            ("openai/text-embedding-3-small", Some(Mode::Embedding)),
            ("ollama/nomic-embed-text", Some(Mode::Embedding)),
            ("openai/bge-m3", Some(Mode::Embedding)),
            ("cohere/rerank-english-v3.0", Some(Mode::Rerank)),
            ("openai/dall-e-3", Some(Mode::Image)),
            ("gemini/gemini-3-pro-image-preview", Some(Mode::Image)),
            (
                "together_ai/black-forest-labs/FLUX.1.1-pro",
                Some(Mode::Image),
            ),
            (
                "openai/deepdml/faster-whisper-large-v3-turbo-ct2",
                Some(Mode::Transcription),
            ),
            ("azure/gpt-4o-transcribe", Some(Mode::Transcription)),
            ("azure/gpt-4o-mini-tts", Some(Mode::Speech)),
            (
                "openai/speaches-ai/Kokoro-82M-v1.0-ONNX",
                Some(Mode::Speech),
            ),
            ("anthropic/claude-sonnet-4-6", None),
            ("openai/gpt-4o", None),
            ("groq/llama-3.2-11b-vision-preview", None),
        ];
        for (name, mode) in cases {
            assert_eq!(mode_from_name(name), mode, "{name}");
        }
    }

    #[test]
    fn self_hosted_hosts() {
        for host in [
            "http://localhost:11434",
            "http://127.0.0.1:8000/v1",
            "http://ollama:11434",
            "http://host.docker.internal:11434",
            "http://vllm.inference.svc.cluster.local:8000/v1",
            "http://192.168.108.161:8080",
            "http://10.0.0.5:8000",
            "http://llama-3.2-1b-instruct:8080/v1",
            "http://[::1]:8000",
            "http://100.101.102.103:11434",
        ] {
            let h = host_of(host).unwrap();
            assert!(is_private_host(&h), "{host}");
        }
        for host in [
            "https://api.mistral.ai/v1",
            "https://models.inference.ai.azure.com",
            "https://8.8.8.8/v1",
            "https://my-endpoint.openai.azure.com/",
        ] {
            let h = host_of(host).unwrap();
            assert!(!is_private_host(&h), "{host}");
        }
        assert_eq!(host_of("os.environ/OLLAMA_HOST"), None);
    }
}
