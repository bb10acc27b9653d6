//! The per-API customisation file (`specs/<api>.toml`): everything a spec does not say or says wrong.
//!
//! It is declarative on purpose: names, hints and fixes, no code.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diag::Diagnostics;

/// The whole customisation file. Every section is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The generated crate's package.
    #[serde(default)]
    pub package: PackageConfig,
    /// Client defaults.
    #[serde(default)]
    pub client: ClientConfig,
    /// Corrections applied to the spec as loaded, before anything reads it.
    #[serde(default)]
    pub fixes: Fixes,
    /// Names for what no rule names well.
    #[serde(default)]
    pub names: Names,
    /// Query serialisation.
    #[serde(default)]
    pub query: QueryConfig,
    /// Pagination hints, keyed by `"METHOD /path"`.
    #[serde(default)]
    pub pagination: BTreeMap<String, PaginationHint>,
    /// Waiters, keyed by name: `client.wait_until_<name>(…)` polls an operation until a field
    /// of its response reaches a state.
    #[serde(default)]
    pub waiters: BTreeMap<String, WaiterConfig>,
}

/// A waiter: which operation to poll, which field of its response to read, and which of its
/// values end the wait.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterConfig {
    /// The operation polled, as `"METHOD /path"`.
    pub operation: String,
    /// The field of its success response that holds the state, a dot-separated path of wire
    /// names (`instances.actual_status`).
    pub field: String,
    /// The states that end the wait successfully.
    pub success: Vec<String>,
    /// The states that will never lead to success ("trap" states): the wait fails on them.
    #[serde(default)]
    pub failure: Vec<String>,
    /// The first wait between polls, in seconds (default 5).
    #[serde(default = "default_interval")]
    pub interval_secs: f64,
    /// The longest wait between polls, in seconds (default 60).
    #[serde(default = "default_max_interval")]
    pub max_interval_secs: f64,
    /// How long the whole wait may take by default, in seconds (default 1800).
    #[serde(default = "default_wait_timeout")]
    pub timeout_secs: f64,
    /// What the waiter is for, for its rustdoc.
    pub doc: Option<String>,
}

fn default_interval() -> f64 {
    5.0
}

fn default_max_interval() -> f64 {
    60.0
}

fn default_wait_timeout() -> f64 {
    1800.0
}

/// Package metadata of the generated crate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageConfig {
    /// Package name (`petstore-client`); default: the spec title in kebab case plus `-client`.
    pub name: Option<String>,
    /// Package version; default `0.1.0`.
    pub version: Option<String>,
    /// One-line description; default: from the spec title.
    pub description: Option<String>,
    /// License expression written into Cargo.toml.
    pub license: Option<String>,
    /// Path or version requirement of the runtime crate, when not the generator's own.
    pub runtime: Option<String>,
}

/// Client defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// Default base URL; default: the spec's first server.
    pub base_url: Option<String>,
    /// Environment variable holding the API key; default: `<PREFIX>_API_KEY`, the prefix from
    /// the package name without `-client` and words such as `api`.
    pub api_key_env: Option<String>,
    /// Environment variable that, when set, overrides the base URL; default:
    /// `<PREFIX>_BASE_URL`.
    pub base_url_env: Option<String>,
}

/// Corrections of upstream mistakes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixes {
    /// Non-standard `format` values and their standard spelling (`datetime = "date-time"`).
    #[serde(default)]
    pub format_aliases: BTreeMap<String, String>,
    /// JSON-patch style edits, applied in order.
    #[serde(default)]
    pub patch: Vec<Patch>,
}

/// One edit of the loaded spec, addressed by JSON pointer (RFC 6901, without the leading `#`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// `add`, `replace` or `remove`.
    pub op: PatchOp,
    /// Where, e.g. `/paths/~1v2~1instances/get/responses/200`.
    pub path: String,
    /// The new value (for `add` and `replace`).
    pub value: Option<toml::Value>,
    /// Why the edit is needed; shown in the generated crate's API report.
    pub reason: Option<String>,
}

/// What a patch does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchOp {
    /// Insert or overwrite a member or array element.
    Add,
    /// Overwrite an existing value.
    Replace,
    /// Delete an existing value.
    Remove,
}

/// Name overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Type names, keyed by the schema's JSON pointer (`#/components/schemas/X/properties/y`)
    /// or by the name the rules would give it (`InstanceModelStatus`).
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// Method names, keyed by `"METHOD /path"` or operation id.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
}

/// How array query parameters are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArrayStyle {
    /// `name=a&name=b` (OpenAPI's default: form, explode).
    #[default]
    Form,
    /// `name=a,b` (form, explode false).
    Comma,
    /// `name=a|b`.
    Pipe,
    /// `name=a%20b`.
    Space,
}

/// Query serialisation overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryConfig {
    /// Style for array parameters that do not state one; default: as the spec says (form, explode).
    pub array_style: Option<ArrayStyle>,
    /// Per parameter, keyed by `"METHOD /path name"`.
    #[serde(default)]
    pub params: BTreeMap<String, ArrayStyle>,
}

/// What the pagination rule cannot see, or a correction of what it saw.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationHint {
    /// Query parameter that carries the cursor.
    pub cursor_param: Option<String>,
    /// Response field that holds the next cursor.
    pub cursor_field: Option<String>,
    /// Response array field that holds the items.
    pub items_field: Option<String>,
    /// Turn pagination off for this operation.
    #[serde(default)]
    pub disabled: bool,
}

impl Config {
    /// Reads a customisation file; errors are recorded, not returned.
    pub fn load(path: &Path, diags: &mut Diagnostics) -> Option<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                diags.error(
                    "",
                    format!("cannot read customisation file {}: {e}", path.display()),
                );
                return None;
            }
        };
        Self::parse(&text, diags)
    }

    /// Parses customisation text.
    pub fn parse(text: &str, diags: &mut Diagnostics) -> Option<Config> {
        match toml::from_str::<Config>(text) {
            Ok(c) => Some(c),
            Err(e) => {
                diags.error(
                    "",
                    format!("invalid customisation file: {}", e.to_string().trim_end()),
                );
                None
            }
        }
    }
}
