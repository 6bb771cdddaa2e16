//! Where a deployment's calls go: a `litellm_params.model` whose provider LiteLLM cannot tell,
//! an OpenAI-compatible `api_base` that already ends in the endpoint path the client appends,
//! and an Azure `api_version` written as a query string.
//!
//! The provider lists come from the published packages 1.55.0 to 1.110.2 (`litellm.provider_list`,
//! `litellm.openai_compatible_endpoints`, and the keys of the bundled model map
//! `model_prices_and_context_window_backup.json` of 17 releases), each the union over releases, so
//! that a name any of them resolves is never reported.

use std::sync::OnceLock;

use super::Findings;
use super::model::{Config, Deployment, FastSet};
use crate::diagnostic::did_you_mean;

/// Model names without a provider prefix that LiteLLM's model map lists (the union over the
/// releases above). `get_llm_provider` resolves a bare name only through these lists.
const KNOWN_MODELS: &str = include_str!("data/known_models.txt");

/// Bare names of the families LiteLLM resolves by name (OpenAI, Anthropic, Gemini, Cohere, ...):
/// a newer model of these may be in the model map LiteLLM downloads at startup though no
/// packaged map lists it, so such names are not reported.
const RESOLVED_FAMILIES: &[&str] = &[
    "babbage",
    "chatgpt",
    "claude",
    "codex",
    "command",
    "computer-use",
    "dall-e",
    "davinci",
    "ft:",
    "gemini",
    "gpt",
    "omni-moderation",
    "sora",
    "text-embedding",
    "text-moderation",
    "tts-",
    "whisper",
];

/// The endpoint paths the OpenAI client appends to its base URL.
const ENDPOINT_PATHS: &[&str] = &["/chat/completions", "/completions", "/embeddings"];

/// Provider routes (`<provider>/<model>`) of any release above.
const PROVIDERS: &[&str] = &[
    "a2a",
    "a2a_agent",
    "abliteration",
    "ai21",
    "ai21_chat",
    "aiand",
    "aiml",
    "aiohttp_openai",
    "amazon_nova",
    "anthropic",
    "anthropic_text",
    "apertis",
    "assemblyai",
    "auto_router",
    "aws_polly",
    "aws_textract",
    "azure",
    "azure_ai",
    "azure_speech",
    "azure_text",
    "baseten",
    "bedrock",
    "bedrock_mantle",
    "bespoke",
    "bigmodel",
    "black_forest_labs",
    "bytez",
    "cerebras",
    "charity_engine",
    "chatgpt",
    "chutes",
    "clarifai",
    "clf_ai_gateway",
    "cloudflare",
    "codestral",
    "cognition",
    "cohere",
    "cohere_chat",
    "cometapi",
    "compactifai",
    "coralbricks",
    "cortecs",
    "cursor",
    "custom",
    "custom_openai",
    "darkbloom",
    "dashscope",
    "databricks",
    "databricks_agent",
    "datarobot",
    "deepgram",
    "deepinfra",
    "deepseek",
    "docker_model_runner",
    "dotprompt",
    "edenai",
    "elevenlabs",
    "empiriolabs",
    "empower",
    "eu_jev",
    "fal_ai",
    "featherless_ai",
    "fireworks_ai",
    "friendliai",
    "galadriel",
    "gdc",
    "gemini",
    "gigachat",
    "github",
    "github_copilot",
    "gradient_ai",
    "groq",
    "helicone",
    "heroku",
    "hosted_vllm",
    "hostinger_router",
    "huggingface",
    "humanloop",
    "hyperbolic",
    "inception",
    "inferenceapis",
    "infinity",
    "jina_ai",
    "kyma",
    "lambda_ai",
    "langflow",
    "langfuse",
    "langgraph",
    "laya",
    "lemonade",
    "libertai",
    "litellm_agent",
    "litellm_proxy",
    "llamafile",
    "lm_studio",
    "manus",
    "maritalk",
    "meta",
    "meta_llama",
    "microsoft_365_copilot",
    "milvus",
    "minimax",
    "mistral",
    "modelscope",
    "mongodb",
    "moonshot",
    "morph",
    "nace",
    "nadir",
    "nano-gpt",
    "nebius",
    "neosantara",
    "nlp_cloud",
    "novita",
    "nscale",
    "nvidia_nim",
    "nvidia_riva",
    "oci",
    "ollama",
    "ollama_chat",
    "oobabooga",
    "openai",
    "openai_like",
    "opencode_go",
    "openinfer",
    "openrouter",
    "opensearch",
    "ovhcloud",
    "parallel_ai",
    "parasail",
    "perplexity",
    "petals",
    "pg_vector",
    "pinstripes",
    "poe",
    "predibase",
    "prism",
    "publicai",
    "qwen_ai_platform",
    "qwencloud",
    "ragflow",
    "recraft",
    "reducto",
    "refuseless",
    "reka",
    "replicate",
    "runwayml",
    "s3_vectors",
    "sagemaker",
    "sagemaker_chat",
    "sagemaker_nova",
    "sail",
    "sambanova",
    "sap",
    "scaledown",
    "scaleway",
    "scx-ai",
    "snowflake",
    "soniox",
    "stability",
    "strands_decider",
    "streamlake",
    "synthetic",
    "tencent",
    "tensormesh",
    "text-completion-codestral",
    "text-completion-inception",
    "text-completion-openai",
    "together_ai",
    "topaz",
    "transcribe",
    "triton",
    "typesafe",
    "v0",
    "valkey",
    "vercel_ai_gateway",
    "vertex_ai",
    "vertex_ai_beta",
    "vllm",
    "volcengine",
    "voyage",
    "wally",
    "wandb",
    "watsonx",
    "watsonx_text",
    "xai",
    "xiaomi_mimo",
    "xinference",
    "zai",
    "zerogpu",
];

/// `api_base` fragments from which LiteLLM infers the provider of a bare model name.
const OPENAI_COMPATIBLE_ENDPOINTS: &[&str] = &[
    "api.clfaigateway.dev/v1",
    "api.deepinfra.com/v1/openai",
    "api.deepseek.com/v1",
    "api.endpoints.anyscale.com/v1",
    "api.featherless.ai/v1",
    "api.galadriel.ai/v1",
    "api.groq.com/openai/v1",
    "api.llama.com/compat/v1/",
    "api.mistral.ai/v1",
    "api.perplexity.ai",
    "api.sambanova.ai/v1",
    "api.studio.nebius.ai/v1",
    "api.together.ai/v1",
    "api.together.xyz/v1",
    "api.x.ai/v1",
    "app.empower.dev/api/v1",
    "codestral.mistral.ai/v1/chat/completions",
    "codestral.mistral.ai/v1/fim/completions",
    "https://ai-gateway.helicone.ai/",
    "https://ai-gateway.vercel.sh/v1",
    "https://api-inference.modelscope.cn/v1",
    "https://api.aiand.com/v1",
    "https://api.clarifai.com/v2/ext/openai/v1",
    "https://api.cognition.ai/v1",
    "https://api.cortecs.ai/v1",
    "https://api.edenai.run/v3",
    "https://api.friendli.ai/serverless/v1",
    "https://api.getnadir.com/v1",
    "https://api.hyperbolic.xyz/v1",
    "https://api.inceptionlabs.ai/v1",
    "https://api.inference.wandb.ai/v1",
    "https://api.lambda.ai/v1",
    "https://api.libertai.io/v1",
    "https://api.meta.ai/v1",
    "https://api.moonshot.ai/v1",
    "https://api.morphllm.com/v1",
    "https://api.openinfer.ai/v1",
    "https://api.poe.com/v1",
    "https://api.prisminference.com/v1",
    "https://api.publicai.co/v1",
    "https://api.reka.ai/v1",
    "https://api.sailresearch.com/v1",
    "https://api.scx.ai/v1",
    "https://api.stima.tech/v1",
    "https://api.synthetic.new/openai/v1",
    "https://api.v0.dev/v1",
    "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    "https://dashscope.aliyuncs.com/compatible-mode/v1",
    "https://gigachat.devices.sberbank.ru/api/v1",
    "https://inference.coralbricks.ai/v1",
    "https://inference.runanywhere.ai/v1",
    "https://integrate.api.nvidia.com/v1",
    "https://llm.chutes.ai/v1/",
    "https://nano-gpt.com/api/v1",
    "https://pinstripes.io/v1",
    "https://serverless.tensormesh.ai/v1",
    "https://vanchin.streamlake.ai/api/gateway/v1/endpoints",
    "inference.api.nscale.com/v1",
    "inference.friendli.ai/v1",
    "ollama.com",
];

pub fn check(config: &Config, out: &mut Findings) {
    for d in &config.deployments {
        provider_of_model(d, out);
        api_base_path(d, out);
        azure_api_version(d, out);
    }
}

/// A bare name that some packaged model map lists.
fn is_known_model(name: &str) -> bool {
    static SET: OnceLock<FastSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| KNOWN_MODELS.lines().collect())
        .contains(name)
}

/// Whether a bare name may be a model newer than the packaged maps that LiteLLM still
/// resolves: an OpenAI `o<digit>` reasoning model, a family above, or a Bedrock model id
/// (`anthropic.claude-...`, `us.amazon.nova-...`).
fn may_resolve_by_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let bedrock_id = lower.split_once('.').is_some_and(|(vendor, rest)| {
        !vendor.is_empty() && !rest.is_empty() && vendor.bytes().all(|b| b.is_ascii_lowercase())
    });
    let o_series =
        lower.len() > 1 && lower.starts_with('o') && lower.as_bytes()[1].is_ascii_digit();
    bedrock_id || o_series || RESOLVED_FAMILIES.iter().any(|f| lower.starts_with(f))
}

/// `get_llm_provider`: a first segment that is a provider route names the provider; otherwise
/// the whole string must be a model LiteLLM knows, or the `api_base` one of the endpoints it
/// recognises. Anything else raises "LLM Provider NOT provided" when the Router builds the
/// deployment.
fn provider_of_model(d: &Deployment, out: &mut Findings) {
    if d.param("custom_llm_provider").is_some() {
        return;
    }
    let Some(node) = d.param("model") else {
        return;
    };
    let Some(model) = node.as_text() else {
        return;
    };
    let model = model.trim();
    if model.is_empty() || model.starts_with("os.environ/") || model.contains('*') {
        return;
    }
    let prefix = model.split_once('/').map(|(p, _)| p);
    if prefix.is_some_and(|p| PROVIDERS.binary_search(&p).is_ok())
        || PROVIDERS.binary_search(&model).is_ok()
        || is_known_model(model)
        // Replicate's `owner/model:<64-hex version>`.
        || (model.contains(':') && model.len() > 64)
        || (prefix.is_none() && may_resolve_by_name(model))
    {
        return;
    }
    if let Some(base) = d.param("api_base") {
        match base.as_text() {
            // The value is only known where the proxy runs.
            Some(b) if b.starts_with("os.environ/") => return,
            Some(b) if OPENAI_COMPATIBLE_ENDPOINTS.iter().any(|e| b.contains(e)) => return,
            None => return,
            _ => {}
        }
    }
    let (why, help) = match prefix {
        Some(p) => (
            format!(
                "`{p}/` is not a LiteLLM provider route, so the whole string is taken as a model name, and no LiteLLM release knows that name"
            ),
            match did_you_mean(p, PROVIDERS) {
                Some(s) if s != p => format!(
                    "did you mean `{s}/{}`? For a model served by an OpenAI-compatible server, write `openai/{model}` (or `hosted_vllm/{model}` for vLLM) with the server's api_base",
                    &model[p.len() + 1..]
                ),
                _ => format!(
                    "put the provider route in front: `openai/{model}` for an OpenAI-compatible server (with its api_base), `hosted_vllm/{model}` for vLLM, `ollama/...` for Ollama"
                ),
            },
        ),
        None => (
            "it has no provider prefix and is no model name LiteLLM's model map lists".to_string(),
            format!(
                "put the provider route in front: `openai/{model}` for an OpenAI-compatible server (with its api_base), `ollama/{model}` for Ollama, `hosted_vllm/{model}` for vLLM"
            ),
        ),
    };
    out.add(
        "model-without-provider",
        node.span.start,
        format!(
            "LiteLLM cannot tell which provider serves `{model}`: {why}. Building this deployment raises \"LLM Provider NOT provided. Pass in the LLM provider you are trying to call. You passed model={model}\"; from 1.71.1 the proxy logs it as `Error creating deployment` and drops the deployment (calls to `{}` then fail with Invalid model name), and earlier releases raise it while building the Router",
            d.group()
        ),
        help,
    );
}

/// The OpenAI client appends the operation's path to `api_base`, so a base that already ends in
/// one is requested as `.../chat/completions/chat/completions` and the server answers 404
/// (measured on 1.55, 1.74 and 1.110.2 for the `openai/` route).
fn api_base_path(d: &Deployment, out: &mut Findings) {
    if !matches!(
        d.provider(),
        "openai" | "text-completion-openai" | "custom_openai"
    ) {
        return;
    }
    let Some(node) = d.param("api_base") else {
        return;
    };
    let Some(base) = node.as_text() else {
        return;
    };
    let trimmed = base.trim().trim_end_matches('/');
    let Some(path) = ENDPOINT_PATHS.iter().find(|p| trimmed.ends_with(*p)) else {
        return;
    };
    let root = &trimmed[..trimmed.len() - path.len()];
    out.add(
        "api-base-includes-endpoint",
        node.span.start,
        format!(
            "api_base ends in `{path}`, the path the OpenAI client appends itself: LiteLLM requests `{root}{path}/chat/completions` for a chat call (`{root}{path}/embeddings` for embeddings), which the server answers with 404 (`litellm.NotFoundError: ... OpenAIException - Error code: 404`)"
        ),
        format!("set api_base to the server's base URL, `{root}`"),
    );
}

/// `api_version` is sent as the `api-version` query parameter by the Azure client; a value
/// that is itself `api-version=...` reaches Azure as `api-version=api-version%3D...`.
fn azure_api_version(d: &Deployment, out: &mut Findings) {
    if !matches!(d.provider(), "azure" | "azure_text") {
        return;
    }
    let Some(node) = d.param("api_version") else {
        return;
    };
    let Some(version) = node.as_text() else {
        return;
    };
    let Some(at) = version.find("api-version=") else {
        return;
    };
    let bare = version[at + "api-version=".len()..]
        .split('&')
        .next()
        .unwrap_or_default();
    out.add(
        "azure-api-version-query",
        node.span.start,
        format!(
            "api_version is written as a query string (`{version}`): the Azure client adds `api-version=` itself, so Azure receives `api-version=api-version%3D{bare}`, a version it does not serve, and rejects every call"
        ),
        format!("write the version alone: `api_version: \"{bare}\"`"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::tests::{finding, rules_of, triggers};

    fn deployment(params: &str) -> String {
        format!("model_list:\n  - model_name: glm\n    litellm_params:\n{params}")
    }

    #[test]
    fn lists_are_sorted_for_binary_search() {
        assert!(super::PROVIDERS.windows(2).all(|w| w[0] < w[1]));
        assert!(super::is_known_model("gpt-4o-mini"));
    }

    #[test]
    fn model_without_provider() {
        let bad =
            deployment("      model: glm-4-plus\n      api_base: https://llm.example.com/v1\n");
        triggers(
            "model-without-provider",
            &bad,
            &bad.replace("glm-4-plus", "openai/glm-4-plus"),
        );
        let f = finding(&bad, "model-without-provider");
        assert_eq!((f.line, f.column), (4, 14));
        assert!(
            f.message.contains("You passed model=glm-4-plus"),
            "{}",
            f.message
        );
        // A prefix that is no provider route, with a suggestion.
        let vertex = deployment("      model: vertex/gemini-1.5-pro\n");
        triggers(
            "model-without-provider",
            &vertex,
            &vertex.replace("vertex/", "vertex_ai/"),
        );
        assert!(
            finding(&vertex, "model-without-provider")
                .help
                .unwrap()
                .starts_with("did you mean `vertex_ai/gemini-1.5-pro`?")
        );
        // Names LiteLLM resolves, or may resolve where it runs, are not reported.
        for fine in [
            "      model: gpt-4o-mini\n",
            "      model: gpt-9-preview\n",
            "      model: o7-mini\n",
            "      model: anthropic.claude-3-haiku-20240307-v1:0\n",
            "      model: us.amazon.nova-pro-v9:0\n",
            "      model: os.environ/MODEL\n",
            "      model: \"*\"\n",
            "      model: qwen2.5:7b\n      custom_llm_provider: ollama\n",
            "      model: llama3-8b-8192\n      api_base: https://api.groq.com/openai/v1\n",
            "      model: glm-4-plus\n      api_base: os.environ/GLM_BASE\n",
        ] {
            assert!(
                !rules_of(&deployment(fine)).contains(&"model-without-provider"),
                "{fine}"
            );
        }
        // An Ollama tag without its route.
        assert!(
            rules_of(&deployment("      model: qwen2.5:7b\n")).contains(&"model-without-provider")
        );
    }

    #[test]
    fn api_base_includes_endpoint() {
        let bad = deployment(
            "      model: openai/glm-4-plus\n      api_base: http://vllm:8000/v1/chat/completions\n",
        );
        triggers(
            "api-base-includes-endpoint",
            &bad,
            &bad.replace("/v1/chat/completions", "/v1"),
        );
        let f = finding(&bad, "api-base-includes-endpoint");
        assert_eq!((f.line, f.column), (5, 17));
        assert_eq!(
            f.help.as_deref(),
            Some("set api_base to the server's base URL, `http://vllm:8000/v1`")
        );
        let embeddings = bad.replace("/v1/chat/completions", "/v1/embeddings/");
        assert!(rules_of(&embeddings).contains(&"api-base-includes-endpoint"));
        // Other routes build their own URLs.
        let azure = bad.replace("openai/", "azure/");
        assert!(!rules_of(&azure).contains(&"api-base-includes-endpoint"));
    }

    #[test]
    fn azure_api_version_query() {
        let bad = deployment(
            "      model: azure/gpt-4o\n      api_base: https://x.openai.azure.com\n      api_version: api-version=2024-10-21\n",
        );
        triggers(
            "azure-api-version-query",
            &bad,
            &bad.replace("api-version=2024", "2024"),
        );
        assert_eq!(
            finding(&bad, "azure-api-version-query").help.as_deref(),
            Some("write the version alone: `api_version: \"2024-10-21\"`")
        );
    }
}
