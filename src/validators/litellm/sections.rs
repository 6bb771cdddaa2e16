//! The sections of a proxy config and what the proxy reads from each: top-level keys it never
//! reads, and settings written in the wrong one of general_settings, litellm_settings and
//! router_settings (silently ignored there), and general_settings keys that nothing reads.
//!
//! The key lists come from LiteLLM 1.110.2 and 1.80.0 (the published packages):
//! top-level keys from `ProxyConfig.load_config` in litellm/proxy/proxy_server.py;
//! general_settings keys from every `general_settings.get("...")` in the package and the
//! `ConfigGeneralSettings` model in litellm/proxy/_types.py, plus the general_settings table of
//! docs/my-website/docs/proxy/config_settings.md; litellm_settings keys from the keys
//! `load_config` handles itself and the litellm_settings keys of that docs page that are
//! `litellm` module settings. A key is classified only when one section alone reads it.

use super::Findings;
use super::model::entries;
use super::router::ROUTER_ARGS;
use crate::diagnostic::did_you_mean;
use crate::yaml::Node;

/// The top-level keys `load_config` reads (`include` is resolved before it).
pub const TOP_LEVEL: &[&str] = &[
    "model_list",
    "litellm_settings",
    "general_settings",
    "router_settings",
    "environment_variables",
    "callback_settings",
    "assistant_settings",
    "sandbox_tools",
    "finetune_settings",
    "files_settings",
    "default_vertex_config",
    "guardrails",
    "prompts",
    "mcp_tools",
    "mcp_servers",
    "agents",
    "agent_list",
    "vector_store_registry",
    "worker_registry",
    "policies",
    "policy_attachments",
    "credential_list",
    "search_tools",
    "include",
];

/// Keys the proxy reads from general_settings and that are no litellm module setting.
const GENERAL: &[&str] = &[
    "admin_only_routes",
    "admission_queue_timeout_seconds",
    "agent_access_default_deny",
    "alert_to_webhook_url",
    "alert_type_config",
    "alert_types",
    "alerting",
    "alerting_args",
    "alerting_threshold",
    "allow_cli_sso_verification_uri_complete",
    "allow_client_side_credentials",
    "allow_public_health_readiness_details",
    "allow_requests_on_db_unavailable",
    "allow_unmanaged_response_ids",
    "allow_user_auth",
    "allowed_client_side_s3_buckets",
    "allowed_client_side_s3_endpoint_urls",
    "allowed_file_extensions",
    "allowed_ips",
    "allowed_routes",
    "always_include_stream_usage",
    "apply_user_budget_to_team_keys",
    "auto_redirect_ui_login_to_sso",
    "background_health_check_model_groups",
    "background_health_checks",
    "blocked_file_extensions",
    "cancel_on_disconnect",
    "claude_code_gateway_managed_settings",
    "claude_code_marketplace_auth_required",
    "completion_model",
    "control_plane_url",
    "coordination_redis",
    "custom_auth",
    "custom_auth_run_common_checks",
    "custom_key_generate",
    "custom_key_policy",
    "custom_key_update",
    "custom_sso",
    "custom_team_metadata_validate",
    "custom_ui_sso_sign_in_handler",
    "dangerously_permit_weak_or_unset_master_key",
    "database_args",
    "database_connect_timeout",
    "database_connection_pool_limit",
    "database_connection_pool_timeout",
    "database_connection_timeout",
    "database_disable_prepared_statements",
    "database_extra_connection_params",
    "database_max_idle_connection_lifetime",
    "database_socket_timeout",
    "database_type",
    "database_url",
    "default_team_disabled",
    "disable_adding_master_key_hash_to_db",
    "disable_auto_add_proxy_admin_to_teams",
    "disable_batch_input_file_rate_limiting",
    "disable_bedrock_agent_runtime_passthrough",
    "disable_budget_reservation",
    "disable_custom_api_keys",
    "disable_env_credential_login",
    "disable_error_logs",
    "disable_fallbacks_on_per_model_rate_limits",
    "disable_key_generate_for_org_admin",
    "disable_master_key_return",
    "disable_model_info_refresh",
    "disable_password_login_when_sso_enabled",
    "disable_prisma_schema_update",
    "disable_requester_ip_address_logging",
    "disable_reset_budget",
    "disable_responses_id_security",
    "disable_retry_on_max_parallel_request_limit_error",
    "disable_spend_logs",
    "disable_spend_updates",
    "drain_endpoint_token",
    "embedding_model",
    "enable_claude_code_gateway",
    "enable_drain_endpoint",
    "enable_health_check_routing",
    "enable_jwt_auth",
    "enable_mcp_registry",
    "enable_oauth2_auth",
    "enable_oauth2_proxy_auth",
    "enable_openai_websocket_passthrough",
    "enable_public_model_hub",
    "enforce_fallback_model_access",
    "enforce_rbac",
    "enforce_user_param",
    "enforced_params",
    "expose_fallback_errors_to_caller",
    "fail_closed_budget_enforcement",
    "fail_closed_rate_limit_enforcement",
    "failed_login_block_seconds",
    "failed_login_window_seconds",
    "forward_client_headers_to_llm_api",
    "forward_openai_org_id",
    "global_max_parallel_requests",
    "health_check_concurrency",
    "health_check_details",
    "health_check_ignore_transient_errors",
    "health_check_interval",
    "health_check_skip_disabled_background_models",
    "health_check_staleness_threshold",
    "hide_default_credentials_hint",
    "image_generation_model",
    "include_call_id_in_error_body",
    "infer_model_from_keys",
    "key_management_settings",
    "key_management_system",
    "litellm_jwtauth",
    "litellm_key_header_name",
    "litellm_license",
    "master_key",
    "max_batch_file_records",
    "max_batch_file_size_mb",
    "max_batch_file_uploads_per_day",
    "max_failed_login_attempts_per_source",
    "max_failed_login_attempts_per_source_overrides",
    "max_file_downloads_per_minute",
    "max_file_size_mb",
    "max_in_flight_requests_per_worker",
    "max_parallel_requests",
    "max_queued_requests_per_worker",
    "max_request_size_mb",
    "max_response_size_mb",
    "maximum_autorouter_session_retention_period",
    "maximum_daily_tag_spend_retention_period",
    "maximum_health_check_retention_period",
    "maximum_spend_logs_cleanup_batch_size",
    "maximum_spend_logs_cleanup_batch_timeout",
    "maximum_spend_logs_cleanup_cron",
    "maximum_spend_logs_cleanup_max_batches",
    "maximum_spend_logs_cleanup_run_budget",
    "maximum_spend_logs_cleanup_target_size",
    "maximum_spend_logs_retention_interval",
    "maximum_spend_logs_retention_period",
    "maximum_spend_logs_size",
    "maximum_spend_logs_size_check_interval",
    "mcp_advertised_versions",
    "mcp_allow_all_keys_respects_mcp_scope",
    "mcp_allowed_clients",
    "mcp_client_id_header",
    "mcp_client_side_auth_header_name",
    "mcp_disabled_capabilities",
    "mcp_internal_ip_ranges",
    "mcp_prefer_client_id_metadata_document",
    "mcp_require_explicit_server_scope",
    "mcp_required_fields",
    "mcp_session_token_signing",
    "mcp_trusted_proxy_ranges",
    "mcp_xff_num_trusted_hops",
    "model_list_healthy_only",
    "moderation_model",
    "oauth2_config_mappings",
    "otel",
    "pass_through_endpoints",
    "pass_through_request_timeout",
    "passthrough_managed_object_ids",
    "password_policy_check_breached_passwords",
    "password_policy_min_length",
    "password_policy_require_lowercase",
    "password_policy_require_numbers",
    "password_policy_require_special_characters",
    "password_policy_require_uppercase",
    "plugins",
    "proxy_batch_polling_interval",
    "proxy_batch_write_at",
    "proxy_budget_rescheduler_max_time",
    "proxy_budget_rescheduler_min_time",
    "proxy_config_reload_interval_seconds",
    "public_routes",
    "reject_clientside_metadata_tags",
    "request_tag_mappings",
    "require_end_user_mcp_access_defined",
    "require_key_mcp_access_defined",
    "responses_websocket_session_limit_seconds",
    "return_wildcard_routes",
    "role_permissions",
    "scheduled_job_stagger",
    "search_tool_deny_by_default",
    "self_serve_budget_policy",
    "service_account_settings",
    "skill_scanner",
    "skip_batch_input_file_rate_limiting_for_models",
    "skip_batch_input_file_rate_limiting_for_providers",
    "slack",
    "spend_capture_rate_check",
    "spend_logs_metadata_fields",
    "spend_logs_prompt_storage",
    "spend_report_frequency",
    "store_model_in_db",
    "store_prompts_in_spend_logs",
    "supported_db_objects",
    "team_metadata_schema",
    "team_metadata_validation_error_message",
    "team_metadata_validation_timeout",
    "token_rate_limit_type",
    "tracing",
    "track_unmanaged_batch_cost",
    "transcribe_media_buckets",
    "trusted_proxy_ranges",
    "ui_access_mode",
    "use_azure_key_vault",
    "use_client_credentials_pass_through_routes",
    "use_google_kms",
    "use_redis_transaction_buffer",
    "use_shared_health_check",
    "use_spend_logs_ledger",
    "use_spend_logs_partitioning",
    "use_team_public_model_name",
    "use_x_forwarded_for",
    "user_api_key_cache_max_size",
    "user_api_key_cache_ttl",
    "user_header_mappings",
    "user_header_name",
    "user_mcp_management_mode",
    "vector_store_deny_by_default",
    "vertex_ai_pass_through_drop_anthropic_betas",
];

/// Keys of litellm_settings that the proxy handles or the docs list as module settings, and
/// that no code reads from general_settings (`max_budget` appears beside general_settings in
/// the source only as the name of a team-admin permission).
const LITELLM: &[&str] = &[
    "max_budget",
    "allowed_fails",
    "audit_log_callbacks",
    "azure_content_safety_params",
    "budget_duration",
    "budget_reset_time",
    "cache",
    "cache_params",
    "callbacks",
    "content_policy_fallbacks",
    "context_window_fallbacks",
    "cost_discount_config",
    "cost_margin_config",
    "custom_provider_map",
    "default_fallbacks",
    "default_internal_user_params",
    "default_key_generate_params",
    "default_max_internal_user_budget",
    "default_team_settings",
    "disable_add_transform_inline_image_block",
    "disable_copilot_system_to_assistant",
    "disable_end_user_cost_tracking",
    "disable_end_user_cost_tracking_prometheus_only",
    "disable_hf_tokenizer_download",
    "drop_params",
    "enable_json_schema_validation",
    "enable_key_alias_format_validation",
    "enable_preview_features",
    "enable_redis_auth_cache",
    "extra_spend_tag_headers",
    "failure_callback",
    "fallbacks",
    "force_ipv4",
    "global_bitbucket_config",
    "global_gitlab_config",
    "global_prompt_directory",
    "guardrails",
    "internal_user_budget_duration",
    "json_logs",
    "key_alias_pattern",
    "key_generation_settings",
    "langfuse_default_tags",
    "log_level",
    "max_end_user_budget",
    "max_fallbacks",
    "max_internal_user_budget",
    "max_ui_session_budget",
    "mcp_aliases",
    "mcp_semantic_tool_filter",
    "model_group_settings",
    "modify_params",
    "num_retries",
    "post_call_rules",
    "presidio_logging_only",
    "priority_reservation_settings",
    "prompt_injection_params",
    "redact_user_api_key_info",
    "request_timeout",
    "responses",
    "scim_admin_group",
    "scim_upsert_user",
    "service_callback",
    "set_verbose",
    "store_audit_logs",
    "success_callback",
    "suppress_startup_output",
    "telemetry",
    "timezone",
    "turn_off_message_logging",
    "upperbound_key_generate_params",
    "use_chat_completions_url_for_anthropic_messages",
    "websearch_interception_params",
];

/// The section a misplaced key belongs in, if one section alone reads it.
pub fn home_of(key: &str) -> Option<&'static str> {
    let router = ROUTER_ARGS.contains(&key);
    let litellm = LITELLM.contains(&key);
    if GENERAL.contains(&key) {
        Some("general_settings")
    } else if router && litellm {
        // num_retries, fallbacks, ...: the Router reads the module setting too.
        Some("router_settings or litellm_settings")
    } else if router {
        Some("router_settings")
    } else if litellm {
        Some("litellm_settings")
    } else {
        None
    }
}

pub fn check(root: &Node, out: &mut Findings) {
    for (key, key_node, _) in entries(root) {
        if TOP_LEVEL.contains(&key) {
            continue;
        }
        let (message, help) = match home_of(key) {
            Some(section) => (
                format!(
                    "`{key}` is a setting of {section}, but it is written at the top level of the config, where the proxy never reads it: it has no effect"
                ),
                format!("move `{key}` under {}", quoted(section)),
            ),
            None => (
                format!(
                    "the proxy does not read a top-level `{key}`: load_config takes model_list, the four settings sections and a few feature sections, so everything under `{key}` is ignored"
                ),
                match did_you_mean(key, TOP_LEVEL) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "move the settings into the section that reads them, or remove the key"
                        .into(),
                },
            ),
        };
        out.add("unknown-top-level-key", key_node.span.start, message, help);
    }
    if let Some(general) = section(root, "general_settings") {
        for (key, key_node, _) in entries(general) {
            if GENERAL.contains(&key) {
                continue;
            }
            match home_of(key) {
                Some(home) => misplaced(key, key_node, "general_settings", home, out),
                None => unknown_general(key, key_node, out),
            }
        }
    }
    if let Some(litellm) = section(root, "litellm_settings") {
        for (key, key_node, _) in entries(litellm) {
            // Router-only settings here have their own rule.
            if GENERAL.contains(&key) {
                misplaced(key, key_node, "litellm_settings", "general_settings", out);
            }
        }
    }
}

/// A general_settings key that no code of the proxy reads: the section is consulted key by key
/// with `general_settings.get(...)`, so anything else is loaded and never looked at.
fn unknown_general(key: &str, key_node: &Node, out: &mut Findings) {
    out.add(
        "unknown-general-setting",
        key_node.span.start,
        format!(
            "the proxy never reads general_settings.{key}: it looks up its server settings by name, and `{key}` is none of them (nor a setting of another section), so this value has no effect"
        ),
        match did_you_mean(key, GENERAL) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "check the name against the general_settings table of LiteLLM's settings reference, or remove the key".into(),
        },
    );
}

/// `router_settings or litellm_settings` → "`router_settings` or `litellm_settings`".
pub fn quoted(sections: &str) -> String {
    sections
        .split(" or ")
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn section<'a>(root: &'a Node, name: &str) -> Option<&'a Node> {
    super::model::field(root, name).filter(|n| n.as_map().is_some())
}

fn misplaced(key: &str, key_node: &Node, written: &str, home: &str, out: &mut Findings) {
    let effect = match written {
        "litellm_settings" => {
            format!("in litellm_settings it only sets an unused `litellm.{key}` module attribute")
        }
        _ => "general_settings is read only for the proxy's own server settings".to_string(),
    };
    out.add(
        "setting-in-wrong-section",
        key_node.span.start,
        format!(
            "`{key}` is read from {home}, not from {written}: {effect}, so this value has no effect"
        ),
        format!("move `{key}` under {}", quoted(home)),
    );
}

#[cfg(test)]
mod tests {
    use super::super::tests::{finding, triggers};

    #[test]
    fn unknown_top_level_key() {
        triggers(
            "unknown-top-level-key",
            "jwt_auth_config:\n  enabled: true\n",
            "general_settings:\n  enable_jwt_auth: true\n",
        );
        let f = finding("cache: true\n", "unknown-top-level-key");
        assert!(f.message.contains("litellm_settings"), "{}", f.message);
        assert_eq!(
            f.help.as_deref(),
            Some("move `cache` under `litellm_settings`")
        );
        let f = finding(
            "routr_settings:\n  num_retries: 2\n",
            "unknown-top-level-key",
        );
        assert_eq!(f.help.as_deref(), Some("did you mean `router_settings`?"));
    }

    #[test]
    fn unknown_general_setting() {
        let bad = "general_settings:\n  master_key: os.environ/KEY\n  background_workers: 4\n";
        triggers(
            "unknown-general-setting",
            bad,
            "general_settings:\n  master_key: os.environ/KEY\n  background_health_checks: true\n",
        );
        let f = finding(bad, "unknown-general-setting");
        assert_eq!((f.line, f.column), (3, 3));
        let typo = finding(
            "general_settings:\n  store_model_in_database: true\n",
            "unknown-general-setting",
        );
        assert_eq!(
            typo.help.as_deref(),
            Some("did you mean `store_model_in_db`?")
        );
    }

    #[test]
    fn setting_in_wrong_section() {
        triggers(
            "setting-in-wrong-section",
            "litellm_settings:\n  master_key: os.environ/KEY\n",
            "general_settings:\n  master_key: os.environ/KEY\n",
        );
        triggers(
            "setting-in-wrong-section",
            "general_settings:\n  cache: true\n  cache_params: {type: redis}\n",
            "litellm_settings:\n  cache: true\n  cache_params: {type: redis}\n",
        );
        triggers(
            "setting-in-wrong-section",
            "general_settings:\n  routing_strategy: least-busy\n",
            "router_settings:\n  routing_strategy: least-busy\n",
        );
        let f = finding(
            "general_settings:\n  success_callback: [langfuse]\n",
            "setting-in-wrong-section",
        );
        assert_eq!((f.line, f.column), (2, 3));
        assert!(f.message.contains("litellm_settings"), "{}", f.message);
    }
}
