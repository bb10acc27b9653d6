//! `src/mock.rs` (feature `mock`): a typed test double of the API, for the tests of code that
//! uses the crate. One `on_<operation>()` route per operation over the runtime's loopback server;
//! its `ok` takes what the call returns and its `error` the operation's documented error, each
//! sent at the status the spec documents for it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{self, Api, Operation, StatusMatch, TypeRef};
use crate::naming::unraw;

use super::*;

/// The module documentation and the `MockServer` type with its constructors.
pub(super) fn header(api: &Api) -> TokenStream {
    let lib = &api.lib_name;
    let mut lines: Vec<String> = [
        "A test double of the API (feature `mock`): an HTTP server on `127.0.0.1` that answers",
        "each operation with the values a test gives it, so that code using [`Client`](crate::Client)",
        "can be tested with no network.",
        "",
        "`on_<operation>()` adds a route for one operation: [`Route::ok`] takes what the call",
        "returns and [`Route::error`] one of its documented errors, each sent as the spec documents",
        "it; [`Route::reply`] sends anything else (an undocumented status, a `Retry-After`, a delay).",
        "A route answers with its replies in order and repeats the last; `when_query`, `when_path`",
        "and `when_header` narrow it. A request no route matches gets `501` and is listed by",
        "[`unmatched`](sdkgen_runtime::mock::MockServer::unmatched). [`MockServer::client`] is a",
        "client of the server, retrying as usual but with millisecond backoff.",
        "",
        "```no_run",
        "# async fn demo() -> Result<(), Box<dyn std::error::Error>> {",
    ]
    .map(String::from)
    .to_vec();
    lines.push(format!("use {lib}::mock::{{MockServer, Reply}};"));
    lines.push(String::new());
    lines.push("let mock = MockServer::start().await?;".into());
    if let Some(op) = api.operations.first() {
        lines.push(format!(
            "let route = mock.on_{}().reply(Reply::status(500));",
            unraw(&op.ident)
        ));
    }
    lines.push("let client = mock.client();".into());
    lines.push("// … run the code under test with `client` …".into());
    if !api.operations.is_empty() {
        lines.push("assert_eq!(route.hits(), 1);".into());
    }
    lines.push("assert!(mock.unmatched().is_empty());".into());
    lines.push("# Ok(()) }".into());
    lines.push("```".into());
    let module_doc = doc_attrs(&lines, true);
    quote! {
        #module_doc

        pub use sdkgen_runtime::mock::{MockRequest, Reply, Route, MOCK_API_KEY};

        /// A test double of the API on `127.0.0.1` (see the [module docs](self)). It stops when
        /// dropped. The methods of the untyped server it wraps (`url`, `requests`, `unmatched`,
        /// `route` for paths the spec does not have) are its own too.
        #[derive(Debug)]
        pub struct MockServer {
            inner: sdkgen_runtime::mock::MockServer,
        }

        impl MockServer {
            /// Starts a server on a free port of `127.0.0.1`, with no routes. Must be called
            /// inside a Tokio runtime.
            pub async fn start() -> std::io::Result<Self> {
                Ok(Self { inner: sdkgen_runtime::mock::MockServer::start().await? })
            }

            /// A client builder for this server: its URL, the key [`MOCK_API_KEY`], and the
            /// usual retry rules with 1 ms backoff.
            pub fn client_builder(&self) -> sdkgen_runtime::ClientBuilder<crate::Client> {
                self.inner.configure(crate::Client::builder())
            }

            /// A client of this server (see [`client_builder`](Self::client_builder)).
            pub fn client(&self) -> crate::Client {
                self.client_builder()
                    .build()
                    .expect("a client of a loopback URL with a key always builds")
            }
        }

        impl std::ops::Deref for MockServer {
            type Target = sdkgen_runtime::mock::MockServer;
            fn deref(&self) -> &Self::Target {
                &self.inner
            }
        }
    }
}

/// The status a reply for outcome `o` is sent with: its code; for a range, its first code no
/// other outcome claims; for `default`, the first such code of `classes` (`[5, 4]` for errors).
fn reply_status(o: &ir::Outcome, among: &[&ir::Outcome], classes: &[u16]) -> u16 {
    let claimed = |code: u16| {
        among.iter().any(|other| match other.status {
            StatusMatch::Code(c) => c == code,
            StatusMatch::Range(r) => o.status == StatusMatch::Default && r == code / 100,
            StatusMatch::Default => false,
        })
    };
    let first_free = |class: u16| (class * 100..class * 100 + 100).find(|&c| !claimed(c));
    match o.status {
        StatusMatch::Code(c) => c,
        StatusMatch::Range(r) => first_free(r).unwrap_or(r * 100),
        StatusMatch::Default => classes
            .iter()
            .find_map(|&class| first_free(class))
            .unwrap_or(classes[0] * 100),
    }
}

/// A reply holding `value` (a reference to the body) as outcome `o` sends it.
fn body_reply(o: &ir::Outcome, status: u16, value: TokenStream) -> TokenStream {
    match o.format {
        ir::ResponseFormat::Json => quote!(Reply::json(#status, #value)),
        ir::ResponseFormat::Text => quote!(Reply::text(#status, #value.as_str())),
        ir::ResponseFormat::Events => quote!(Reply::events(#status, std::slice::from_ref(#value))),
        _ => quote!(Reply::bytes(#status, #value.as_slice())),
    }
}

/// `fn(&Returns) -> Reply`: what the call returns, as a success the spec documents.
fn success_reply(op: &Operation) -> TokenStream {
    let successes = sorted_outcomes(&op.successes);
    let with_body = successes.iter().find(|o| o.ty != TypeRef::Unit);
    let without_body = successes.iter().find(|o| o.ty == TypeRef::Unit);
    let status = |o: Option<&&ir::Outcome>| o.map_or(200, |o| reply_status(o, &successes, &[2]));
    match with_body {
        None => {
            let s = status(without_body);
            quote!(|_| Reply::status(#s))
        }
        Some(o) if op.success.body_may_be_absent => {
            let reply = body_reply(o, status(Some(o)), quote!(value));
            let empty = status(without_body);
            quote!(|value| match value {
                Some(value) => #reply,
                None => Reply::status(#empty),
            })
        }
        Some(o) => {
            let reply = body_reply(o, status(Some(o)), quote!(value));
            quote!(|value| #reply)
        }
    }
}

/// `fn(&Error) -> Reply`: each documented error at its status.
fn error_reply(op: &Operation) -> TokenStream {
    let outcomes = sorted_outcomes(&op.errors);
    if outcomes.is_empty() {
        return quote!(|error| match *error {});
    }
    let name = ident(&op.error);
    let arms = outcomes.iter().map(|o| {
        let v = ident(&o.variant);
        let status = reply_status(o, &outcomes, &[5, 4]);
        match &o.ty {
            TypeRef::Unit => quote!(crate::errors::#name::#v => Reply::status(#status),),
            _ => {
                let reply = body_reply(o, status, quote!(body));
                quote!(crate::errors::#name::#v(body) => #reply,)
            }
        }
    });
    quote!(|error| match error { #(#arms)* })
}

/// Deprecated routes under the old names of operations renamed upstream.
pub(super) fn aliases(api: &Api) -> TokenStream {
    let routes = renamed_operations(api).map(|(old, op)| {
        let new = unraw(&op.ident);
        let old_route = ident(&format!("on_{old}"));
        let new_route = ident(&format!("on_{new}"));
        let returns = ty(&op.success.returns(), false);
        let error = ident(&op.error);
        let note = format!("renamed upstream: use `on_{new}`");
        let doc = format!(" Renamed upstream to [`on_{new}`](Self::on_{new}), which it calls.");
        let cfg = super::cfg(&op.features);
        quote! {
            #[doc = #doc]
            #cfg
            #[deprecated(note = #note)]
            pub fn #old_route(&self) -> Route<#returns, crate::errors::#error> {
                self.#new_route()
            }
        }
    });
    let routes: Vec<TokenStream> = routes.collect();
    if routes.is_empty() {
        return quote!();
    }
    quote! {
        impl MockServer {
            #(#routes)*
        }
    }
}

/// The route of one operation.
pub(super) fn route(op: &Operation) -> TokenStream {
    let name = ident(&format!("on_{}", unraw(&op.ident)));
    let method = ident(op.method.as_str());
    let template = &op.path;
    let returns = ty(&op.success.returns(), false);
    let error = ident(&op.error);
    let doc = format!(
        " Answers [`Client::{0}`](crate::Client::{0}) (`{1} {2}`).",
        unraw(&op.ident),
        op.method.as_str(),
        op.path
    );
    let ok = success_reply(op);
    let err = error_reply(op);
    quote! {
        impl MockServer {
            #[doc = #doc]
            pub fn #name(&self) -> Route<#returns, crate::errors::#error> {
                self.inner.route(sdkgen_runtime::Method::#method, #template, #ok, #err)
            }
        }
    }
}
