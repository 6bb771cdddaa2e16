//! Keys of a deployment that LiteLLM reads differently from what was meant: litellm_params keys
//! it does not know but that are one typo away from one it does (`rpm_limit` for `rpm`), and
//! `model_info.mode` values it has no health check for, and a `drop_params` written as a list of
//! parameter names, which LiteLLM reads as a flag that is off.

use super::Findings;
use super::group::KNOWN_MODES;
use super::model::{Config, entries, field};
use crate::diagnostic::did_you_mean;
use crate::yaml::{Node, Value};

/// The litellm_params keys LiteLLM 1.110.2 knows: the parameters of `litellm.completion` and
/// `litellm.embedding`, the fields of `GenericLiteLLMParams` and `LiteLLM_Params`
/// (litellm/types/router.py), `all_litellm_params` (litellm/types/utils.py), the OpenAI chat
/// parameters (`OPENAI_CHAT_COMPLETION_PARAMS`) and the OpenAI client's `extra_*` options.
/// Any other key is passed on to the provider as a request parameter.
const KNOWN_PARAMS: &[&str] = &[
    "_agentic_loop_api_surface",
    "_agentic_loop_depth",
    "_agentic_loop_fingerprints",
    "_code_interpreter_interception_active",
    "_code_interpreter_interception_converted_stream",
    "_code_interpreter_interception_sandbox_key",
    "_code_interpreter_interception_session_scoped",
    "_code_interpreter_interception_stream_options",
    "_context_compaction_state",
    "_encrypted_content_affinity_pinned",
    "_headroom_interception_converted_stream",
    "_headroom_interception_stream_options",
    "_headroom_request_context",
    "_litellm_addressed_comparison_response_id",
    "_litellm_addressed_response_id",
    "_litellm_stream_usage_injected",
    "_litellm_strip_stream_usage",
    "_router_weights",
    "_websearch_interception_converted_stream",
    "_websearch_interception_emit_native_blocks",
    "_websearch_interception_stream_options",
    "acompletion",
    "adaptive_router_config",
    "adaptive_router_default_model",
    "additional_drop_params",
    "aembedding",
    "aimg_generation",
    "allm_passthrough_route",
    "allow_client_keepalive_override",
    "allow_legacy_cloud_file_ids",
    "allowed_model_region",
    "allowed_openai_params",
    "annotation_cost_per_page",
    "annotation_cost_per_page_batches",
    "anthropic_disable_workload_identity_federation",
    "anthropic_federation_rule_id",
    "anthropic_federation_workspace_id",
    "anthropic_identity_source",
    "anthropic_identity_token",
    "anthropic_identity_token_file",
    "anthropic_issuer_audience",
    "anthropic_issuer_signing_key_ref",
    "anthropic_issuer_subject",
    "anthropic_issuer_ttl_seconds",
    "anthropic_issuer_url",
    "anthropic_keycloak_auth_method",
    "anthropic_keycloak_client_id",
    "anthropic_keycloak_client_secret_ref",
    "anthropic_keycloak_scope",
    "anthropic_keycloak_token_url",
    "anthropic_organization_id",
    "anthropic_service_account_id",
    "api_base",
    "api_key",
    "api_type",
    "api_version",
    "arize_api_key",
    "arize_error_sampling_rate",
    "arize_otlp_protocol",
    "arize_space_id",
    "arize_space_key",
    "arize_success_sampling_rate",
    "assistant_continue_message",
    "async_call",
    "atext_completion",
    "attempted_targets",
    "audio",
    "auto_router_config",
    "auto_router_config_path",
    "auto_router_default_model",
    "auto_router_embedding_model",
    "auto_router_max_input_chars",
    "auto_router_model_compression",
    "auto_router_routing_compression",
    "aws_access_key_id",
    "aws_batch_role_arn",
    "aws_bedrock_control_plane_endpoint",
    "aws_bedrock_project_id",
    "aws_bedrock_runtime_endpoint",
    "aws_external_id",
    "aws_profile_name",
    "aws_region_name",
    "aws_role_name",
    "aws_secret_access_key",
    "aws_session_name",
    "aws_session_tags",
    "aws_session_token",
    "aws_sts_endpoint",
    "aws_web_identity_token",
    "azure",
    "azure_ad_token",
    "azure_ad_token_provider",
    "azure_password",
    "azure_scope",
    "azure_username",
    "base_model",
    "base_url",
    "bedrock_tags",
    "bos_token",
    "bucket_name",
    "budget_duration",
    "cache",
    "cache_creation_input_audio_token_cost",
    "cache_creation_input_token_cost",
    "cache_creation_input_token_cost_above_100k_tokens",
    "cache_creation_input_token_cost_above_100k_tokens_batches",
    "cache_creation_input_token_cost_above_12hr",
    "cache_creation_input_token_cost_above_12hr_above_272k_tokens",
    "cache_creation_input_token_cost_above_12hr_above_272k_tokens_batches",
    "cache_creation_input_token_cost_above_12hr_above_272k_tokens_flex",
    "cache_creation_input_token_cost_above_12hr_above_272k_tokens_priority",
    "cache_creation_input_token_cost_above_12hr_above_272k_tokens_ultrafast",
    "cache_creation_input_token_cost_above_12hr_batches",
    "cache_creation_input_token_cost_above_12hr_flex",
    "cache_creation_input_token_cost_above_12hr_priority",
    "cache_creation_input_token_cost_above_12hr_ultrafast",
    "cache_creation_input_token_cost_above_1hr",
    "cache_creation_input_token_cost_above_1hr_above_100k_tokens",
    "cache_creation_input_token_cost_above_200k_tokens",
    "cache_creation_input_token_cost_above_200k_tokens_batches",
    "cache_creation_input_token_cost_above_272k_tokens",
    "cache_creation_input_token_cost_above_272k_tokens_batches",
    "cache_creation_input_token_cost_above_272k_tokens_flex",
    "cache_creation_input_token_cost_above_272k_tokens_priority",
    "cache_creation_input_token_cost_above_272k_tokens_ultrafast",
    "cache_creation_input_token_cost_batches",
    "cache_creation_input_token_cost_flex",
    "cache_creation_input_token_cost_priority",
    "cache_creation_input_token_cost_ultrafast",
    "cache_key",
    "cache_read_input_audio_token_cost",
    "cache_read_input_audio_token_cost_batches",
    "cache_read_input_audio_token_cost_flex",
    "cache_read_input_audio_token_cost_priority",
    "cache_read_input_image_token_cost",
    "cache_read_input_token_cost",
    "cache_read_input_token_cost_above_100k_tokens",
    "cache_read_input_token_cost_above_100k_tokens_batches",
    "cache_read_input_token_cost_above_200k_tokens",
    "cache_read_input_token_cost_above_200k_tokens_batches",
    "cache_read_input_token_cost_above_200k_tokens_priority",
    "cache_read_input_token_cost_above_272k_tokens",
    "cache_read_input_token_cost_above_272k_tokens_batches",
    "cache_read_input_token_cost_above_272k_tokens_flex",
    "cache_read_input_token_cost_above_272k_tokens_priority",
    "cache_read_input_token_cost_above_272k_tokens_ultrafast",
    "cache_read_input_token_cost_above_512k_tokens",
    "cache_read_input_token_cost_balanced",
    "cache_read_input_token_cost_batches",
    "cache_read_input_token_cost_flex",
    "cache_read_input_token_cost_priority",
    "cache_read_input_token_cost_ultrafast",
    "caching",
    "caching_groups",
    "chatgpt_auth_file",
    "citation_cost_per_token",
    "client",
    "client_id",
    "client_secret",
    "client_side_timeout",
    "complete_response",
    "completion_call_id",
    "complexity_router_config",
    "complexity_router_default_model",
    "configurable_clientside_auth_params",
    "context_window_fallback_dict",
    "cooldown_time",
    "cost_per_query",
    "cost_per_second",
    "custom_llm_provider",
    "custom_prompt_dict",
    "daily_reset_time",
    "data_residency",
    "dd_agent_host",
    "dd_agent_port",
    "dd_api_key",
    "dd_site",
    "default_api_key_rpm_limit",
    "default_api_key_tpm_limit",
    "default_headers",
    "deployment_id",
    "dimensions",
    "disable_add_transform_inline_image_block",
    "drop_params",
    "enable_json_schema_validation",
    "enable_prompt_caching",
    "enable_tag_filtering",
    "encoding_format",
    "ensure_alternating_roles",
    "eos_token",
    "explicit_cache_read_input_token_cost",
    "extra_body",
    "extra_headers",
    "extra_query",
    "fallback_depth",
    "fallbacks",
    "fastest_response",
    "fedramp_uplift_multiplier",
    "final_prompt_value",
    "fireworks_forward_user_id",
    "force_timeout",
    "frequency_penalty",
    "function_call",
    "functions",
    "gcs_bucket_name",
    "gcs_path_service_account",
    "github_copilot_auth_type",
    "github_copilot_host",
    "github_copilot_user_session",
    "google_maps_grounding_cost_per_query",
    "guardrails",
    "headers",
    "hf_model_name",
    "humanloop_api_key",
    "id",
    "include_server_side_tool_invocations",
    "initial_prompt_value",
    "input",
    "input_cost_per_audio_per_second",
    "input_cost_per_audio_per_second_above_128k_tokens",
    "input_cost_per_audio_token",
    "input_cost_per_audio_token_above_200k_tokens",
    "input_cost_per_audio_token_above_200k_tokens_batches",
    "input_cost_per_audio_token_above_200k_tokens_flex",
    "input_cost_per_audio_token_above_200k_tokens_priority",
    "input_cost_per_audio_token_batches",
    "input_cost_per_audio_token_flex",
    "input_cost_per_audio_token_priority",
    "input_cost_per_character",
    "input_cost_per_character_above_128k_tokens",
    "input_cost_per_image",
    "input_cost_per_image_above_128k_tokens",
    "input_cost_per_image_token",
    "input_cost_per_image_token_batches",
    "input_cost_per_pixel",
    "input_cost_per_query",
    "input_cost_per_second",
    "input_cost_per_text_message",
    "input_cost_per_token",
    "input_cost_per_token_above_100k_tokens",
    "input_cost_per_token_above_100k_tokens_batches",
    "input_cost_per_token_above_128k_tokens",
    "input_cost_per_token_above_200k_tokens",
    "input_cost_per_token_above_200k_tokens_batches",
    "input_cost_per_token_above_200k_tokens_flex",
    "input_cost_per_token_above_200k_tokens_priority",
    "input_cost_per_token_above_272k_tokens",
    "input_cost_per_token_above_272k_tokens_batches",
    "input_cost_per_token_above_272k_tokens_flex",
    "input_cost_per_token_above_272k_tokens_priority",
    "input_cost_per_token_above_272k_tokens_ultrafast",
    "input_cost_per_token_above_512k_tokens",
    "input_cost_per_token_balanced",
    "input_cost_per_token_batches",
    "input_cost_per_token_cache_hit",
    "input_cost_per_token_flex",
    "input_cost_per_token_priority",
    "input_cost_per_token_ultrafast",
    "input_cost_per_video_per_second",
    "input_cost_per_video_per_second_above_128k_tokens",
    "input_cost_per_video_per_second_above_15s_interval",
    "input_cost_per_video_per_second_above_8s_interval",
    "input_cost_per_video_token",
    "input_cost_per_video_token_batches",
    "itpm",
    "keepalive_seconds",
    "kubernetes_pod_discovery",
    "langfuse_environment",
    "langfuse_host",
    "langfuse_prompt_version",
    "langfuse_public_key",
    "langfuse_secret",
    "langfuse_secret_key",
    "langfuse_span_scope",
    "langsmith_api_key",
    "langsmith_base_url",
    "langsmith_project",
    "langsmith_sampling_rate",
    "langsmith_tenant_id",
    "litellm_call_id",
    "litellm_credential_name",
    "litellm_disabled_callbacks",
    "litellm_logging_obj",
    "litellm_metadata",
    "litellm_request_debug",
    "litellm_session_id",
    "litellm_system_prompt",
    "litellm_trace_id",
    "litellm_trusted_callback_vars",
    "log_client_error_tracebacks",
    "logger_fn",
    "logit_bias",
    "logprobs",
    "max_agentic_loops",
    "max_budget",
    "max_completion_tokens",
    "max_fallbacks",
    "max_file_size_mb",
    "max_parallel_requests",
    "max_retries",
    "max_tokens",
    "merge_reasoning_content_in_choices",
    "messages",
    "metadata",
    "milvus_db_name",
    "milvus_partition_names",
    "milvus_text_field",
    "mock_response",
    "mock_timeout",
    "modalities",
    "model",
    "model_alias_map",
    "model_config",
    "model_file_id_mapping",
    "model_info",
    "model_list",
    "n",
    "newrelic_api_key",
    "newrelic_region",
    "no-log",
    "num_retries",
    "ocr_cost_per_credit",
    "ocr_cost_per_page",
    "ocr_cost_per_page_batches",
    "openai_identity_provider_id",
    "openai_identity_token_file",
    "openai_service_account_id",
    "order",
    "organization",
    "otpm",
    "output_cost_per_audio_per_second",
    "output_cost_per_audio_token",
    "output_cost_per_character",
    "output_cost_per_character_above_128k_tokens",
    "output_cost_per_image",
    "output_cost_per_image_1024",
    "output_cost_per_image_1536",
    "output_cost_per_image_1K",
    "output_cost_per_image_2K",
    "output_cost_per_image_512",
    "output_cost_per_image_token",
    "output_cost_per_image_token_batches",
    "output_cost_per_image_token_priority",
    "output_cost_per_pixel",
    "output_cost_per_reasoning_token",
    "output_cost_per_reasoning_token_flex",
    "output_cost_per_reasoning_token_priority",
    "output_cost_per_second",
    "output_cost_per_second_1080p",
    "output_cost_per_second_2k",
    "output_cost_per_second_480p",
    "output_cost_per_second_4k",
    "output_cost_per_second_720p",
    "output_cost_per_second_768p",
    "output_cost_per_token",
    "output_cost_per_token_above_100k_tokens",
    "output_cost_per_token_above_100k_tokens_batches",
    "output_cost_per_token_above_128k_tokens",
    "output_cost_per_token_above_200k_tokens",
    "output_cost_per_token_above_200k_tokens_batches",
    "output_cost_per_token_above_200k_tokens_flex",
    "output_cost_per_token_above_200k_tokens_priority",
    "output_cost_per_token_above_272k_tokens",
    "output_cost_per_token_above_272k_tokens_batches",
    "output_cost_per_token_above_272k_tokens_flex",
    "output_cost_per_token_above_272k_tokens_priority",
    "output_cost_per_token_above_272k_tokens_ultrafast",
    "output_cost_per_token_above_512k_tokens",
    "output_cost_per_token_balanced",
    "output_cost_per_token_batches",
    "output_cost_per_token_flex",
    "output_cost_per_token_priority",
    "output_cost_per_token_ultrafast",
    "output_cost_per_video_per_second",
    "output_cost_per_video_token",
    "output_vector_size",
    "parallel_tool_calls",
    "posthog_api_key",
    "posthog_api_url",
    "prediction",
    "presence_penalty",
    "preset_cache_key",
    "prompt_cache_key",
    "prompt_cache_retention",
    "prompt_environment",
    "prompt_id",
    "prompt_label",
    "prompt_variables",
    "prompt_version",
    "provider_affinity_header",
    "provider_specific_header",
    "proxy_server_request",
    "quality_router_config",
    "quality_router_default_model",
    "reasoning_effort",
    "region_name",
    "regional_endpoint_uplift_multiplier",
    "regional_processing_uplift_multiplier_eu",
    "regional_processing_uplift_multiplier_us",
    "request_timeout",
    "response_format",
    "responses_api_version",
    "retry_policy",
    "retry_strategy",
    "roles",
    "routing_strategy",
    "rpd",
    "rpm",
    "rust",
    "s3_access_key_id",
    "s3_bucket_name",
    "s3_bucket_owner",
    "s3_encryption_key_id",
    "s3_endpoint_url",
    "s3_output_bucket_name",
    "s3_region_name",
    "s3_secret_access_key",
    "safety_identifier",
    "search_context_cost_per_query",
    "search_queries_cost_per_query",
    "search_tool_name",
    "secret_fields",
    "seed",
    "self",
    "service_tier",
    "shared_session",
    "signoz_ingestion_endpoint",
    "signoz_ingestion_key",
    "silent_model",
    "ssl_verify",
    "stop",
    "store",
    "stream",
    "stream_chunk_size",
    "stream_options",
    "stream_response",
    "stream_timeout",
    "stream_timeout_by_service_tier",
    "supports_system_message",
    "switchyard_router_config",
    "tag_regex",
    "tags",
    "temperature",
    "tenant_id",
    "text_completion",
    "thinking",
    "thought_signature_in_tool_call_id",
    "tiered_pricing",
    "timeout",
    "timeout_by_service_tier",
    "token_exchange_audience",
    "token_exchange_endpoint",
    "token_exchange_profile",
    "token_exchange_scope",
    "tool_choice",
    "tools",
    "top_logprobs",
    "top_p",
    "tpd",
    "tpm",
    "ttl",
    "turn_off_message_logging",
    "use_chat_completions_api",
    "use_client",
    "use_in_pass_through",
    "use_litellm_proxy",
    "use_xai_oauth",
    "user",
    "user_continue_message",
    "valkey_embedding_field",
    "valkey_host",
    "valkey_password",
    "valkey_port",
    "valkey_ssl",
    "valkey_text_field",
    "vector_store_id",
    "verbose",
    "verbosity",
    "vertex_credentials",
    "vertex_location",
    "vertex_project",
    "wandb_api_key",
    "watsonx_region_name",
    "weave_project_id",
    "web_search_options",
    "weight",
];

/// Keys written for a setting whose LiteLLM name differs more than a typo: `rpm_limit` and
/// `tpm_limit` are the names of key and team limits, not of a deployment's.
const RENAMED: &[(&str, &str)] = &[
    ("rpm_limit", "rpm"),
    ("tpm_limit", "tpm"),
    ("requests_per_minute", "rpm"),
    ("tokens_per_minute", "tpm"),
];

pub fn check(config: &Config, out: &mut Findings) {
    if let Some(flag) = config.litellm_setting("drop_params") {
        drop_params(flag, "litellm_settings", out);
    }
    for d in &config.deployments {
        if let Some(params) = d.params {
            params_keys(params, out);
            if let Some(flag) = field(params, "drop_params") {
                drop_params(flag, "litellm_params", out);
            }
        }
        if let Some(mode) = d.info.and_then(|i| field(i, "mode")) {
            model_mode(mode, out);
        }
    }
}

fn params_keys(params: &Node, out: &mut Findings) {
    for (key, key_node, _) in entries(params) {
        // The keys nearly every deployment has, then one binary search in the sorted list.
        let common = matches!(
            key,
            "model" | "api_key" | "api_base" | "api_version" | "rpm" | "tpm" | "timeout"
        );
        if common || KNOWN_PARAMS.binary_search(&key).is_ok() {
            continue;
        }
        let Some(meant) = RENAMED
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, m)| *m)
            .or_else(|| typo_of(key))
        else {
            continue;
        };
        out.add(
            "unknown-litellm-param",
            key_node.span.start,
            format!(
                "`{key}` is not a LiteLLM parameter, so `{meant}` is not set: LiteLLM passes unknown litellm_params on to the provider as request parameters (an OpenAI-compatible API rejects an argument it does not recognise) and applies no `{meant}` setting"
            ),
            format!("did you mean `{meant}`?"),
        );
    }
}

/// `drop_params` is a flag that LiteLLM tests with `is True` (1.110 also reads `"true"`-like
/// strings); a list or mapping of parameter names is never true, so nothing is dropped. The
/// list form is `additional_drop_params`.
fn drop_params(flag: &Node, section: &str, out: &mut Findings) {
    let names = match &flag.value {
        Value::Seq(items) => items.iter().filter_map(Node::as_text).collect::<Vec<_>>(),
        Value::Map(_) => Vec::new(),
        Value::Scalar(_) => return,
    };
    let (what, help) = if section == "litellm_params" && !names.is_empty() {
        (
            "a list",
            format!(
                "to drop these parameters for this deployment write `additional_drop_params: [{}]`; to drop every parameter the provider does not support write `drop_params: true`",
                names.join(", ")
            ),
        )
    } else {
        (
            if names.is_empty() && matches!(flag.value, Value::Map(_)) { "a mapping" } else { "a list" },
            "write `drop_params: true` (drop every parameter the provider does not support), or list the parameters to drop in a deployment's `additional_drop_params`".to_string(),
        )
    };
    out.add(
        "drop-params-not-a-flag",
        flag.span.start,
        format!(
            "drop_params in {section} is {what}, but LiteLLM reads it as a true/false flag and turns dropping on only for `true`: this value drops nothing, so an unsupported parameter still fails the call (`UnsupportedParamsError`) or reaches the provider"
        ),
        help,
    );
}

/// The known key `key` is a typo of: at most two edits (one for short keys) from it.
fn typo_of(key: &str) -> Option<&'static str> {
    if key.len() < 5 || key.starts_with('_') {
        return None;
    }
    let limit = if key.len() < 8 { 1 } else { 2 };
    KNOWN_PARAMS
        .iter()
        .filter(|k| !k.starts_with('_'))
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

fn model_mode(mode: &Node, out: &mut Findings) {
    let Some(name) = mode.as_text() else {
        return;
    };
    if KNOWN_MODES.iter().any(|(m, _)| *m == name) {
        return;
    }
    let names: Vec<&str> = KNOWN_MODES.iter().map(|(m, _)| *m).collect();
    let suggestion = match name {
        "embeddings" => Some("embedding"),
        "tts" | "speech" | "text_to_speech" => Some("audio_speech"),
        "stt" | "transcription" | "speech_to_text" => Some("audio_transcription"),
        "image" | "images" => Some("image_generation"),
        _ => did_you_mean(name, &names),
    };
    out.add(
        "unknown-model-mode",
        mode.span.start,
        format!(
            "`{name}` is not a mode LiteLLM knows: its health check for this deployment fails with \"Mode {name} not supported. See modes here: https://docs.litellm.ai/docs/proxy/health\", so /health reports the model unhealthy whether it works or not"
        ),
        match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("use one of {}", names.join(", ")),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::super::tests::{finding, rules_of, triggers};

    #[test]
    fn known_params_are_sorted_for_binary_search() {
        assert!(super::KNOWN_PARAMS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn unknown_litellm_param() {
        let bad = "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/a\n      rpm_limit: 60\n";
        triggers(
            "unknown-litellm-param",
            bad,
            &bad.replace("rpm_limit", "rpm"),
        );
        assert_eq!(
            finding(bad, "unknown-litellm-param").help.as_deref(),
            Some("did you mean `rpm`?")
        );
        let typo = bad.replace("rpm_limit: 60", "api_bsae: http://x");
        assert_eq!(
            finding(&typo, "unknown-litellm-param").help.as_deref(),
            Some("did you mean `api_base`?")
        );
        // Provider parameters LiteLLM passes through are not typos.
        let passed = bad.replace("rpm_limit: 60", "context_window: 8192");
        assert!(!rules_of(&passed).contains(&"unknown-litellm-param"));
    }

    #[test]
    fn drop_params_not_a_flag() {
        let bad = "model_list:\n  - model_name: a\n    litellm_params:\n      model: hosted_vllm/a\n      drop_params: [logit_bias, seed]\n";
        triggers(
            "drop-params-not-a-flag",
            bad,
            &bad.replace("drop_params: [", "additional_drop_params: ["),
        );
        let f = finding(bad, "drop-params-not-a-flag");
        assert_eq!((f.line, f.column), (5, 20));
        assert!(
            f.help
                .unwrap()
                .contains("additional_drop_params: [logit_bias, seed]")
        );
        triggers(
            "drop-params-not-a-flag",
            "litellm_settings:\n  drop_params:\n    - temperature\n",
            "litellm_settings:\n  drop_params: true\n",
        );
    }

    #[test]
    fn unknown_model_mode() {
        let bad = "model_list:\n  - model_name: e\n    litellm_params: {model: azure/text-embedding-3-small}\n    model_info: {mode: embeddings}\n";
        triggers(
            "unknown-model-mode",
            bad,
            &bad.replace("embeddings", "embedding"),
        );
        assert_eq!(
            finding(bad, "unknown-model-mode").help.as_deref(),
            Some("did you mean `embedding`?")
        );
    }
}
