//! `src/builders.rs`: per operation, the client method, its request builder (setters, the
//! request it sends, the decoding of its successes) and, when paginated, its page streams.
//!
//! [`builder`] assembles one operation's items from small pieces, each of which walks the
//! operation's inputs (parameters, then body) once.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::doc;
use crate::ir::{self, ListStyle, Operation, ParamIn, ParamValue, TypeRef};
use crate::naming::unraw;

use super::*;

pub(super) fn header() -> TokenStream {
    quote! {
        //! Request builders: one per operation, returned by the methods of [`Client`](crate::Client).
        //!
        //! Set optional parameters with the builder's methods, then `.await` it (or call `send`).
    }
}

/// One thing a builder holds: a parameter or the request body.
struct Input {
    /// The field (and setter, and argument) name.
    field: Ident,
    /// Whether the caller must give it (an argument of the client method) or may (a setter).
    required: bool,
    /// The type the caller passes.
    arg: TokenStream,
    /// The type the builder keeps.
    stored: TokenStream,
    /// How an argument becomes the stored value.
    convert: fn(&Ident) -> TokenStream,
    /// For a required input, its line in the method's `Arguments:`; for an optional one, the
    /// setter's documentation.
    doc: String,
}

/// What the builder of `op` holds, parameters first, then the body.
fn inputs(op: &Operation) -> Vec<Input> {
    let mut inputs: Vec<Input> = op.params.iter().map(param_input).collect();
    if let Some(body) = &op.body {
        // Bytes, and a choice of media types, are taken as anything that becomes them (a
        // `Vec<u8>`, a `&'static [u8]`, `Bytes` itself; each choice's type); bytes are kept as
        // `Bytes`: sent without another copy, on every attempt.
        let binary = matches!(body.media, ir::BodyMedia::Binary { .. });
        let choice = !body.alternatives.is_empty();
        let stored = if choice {
            let c = choice_ident(op);
            quote!(#c)
        } else {
            body_type(&body.media, &body.ty)
        };
        let arg = if binary || choice {
            quote!(impl Into<#stored>)
        } else {
            stored.clone()
        };
        inputs.push(Input {
            field: format_ident!("body"),
            required: body.required,
            arg,
            stored,
            convert: if binary || choice {
                |v| quote!(#v.into())
            } else {
                |v| quote!(#v)
            },
            doc: if body.required {
                format!(
                    "- `body`: {}",
                    first_line(body.doc.as_deref().unwrap_or(""))
                        .unwrap_or_else(|| "the request body".into())
                )
            } else {
                "Sets the request body.".into()
            },
        });
    }
    inputs
}

fn param_input(p: &ir::Param) -> Input {
    let name = unraw(&p.ident);
    let pdoc = p.doc.clone().unwrap_or_default();
    let details = p.details.join("; ");
    let doc = match (p.required, first_line(&pdoc)) {
        (true, first) => {
            let mut line = format!("- `{name}`");
            if let Some(d) = first {
                line.push_str(&format!(": {d}"));
            }
            if !details.is_empty() {
                line.push_str(&format!(" ({details})"));
            }
            line
        }
        (false, _) => {
            let mut doc = if pdoc.is_empty() {
                format!("Sets `{}`.", p.wire)
            } else {
                pdoc
            };
            if !details.is_empty() {
                doc.push_str(&format!(
                    "\n\n{}{}.",
                    details[..1].to_uppercase(),
                    &details[1..]
                ));
            }
            doc
        }
    };
    let (arg, stored, convert): (TokenStream, TokenStream, fn(&Ident) -> TokenStream) =
        match &p.value {
            ParamValue::List { item, .. } => {
                let item = ty(item, false);
                (
                    quote!(impl IntoIterator<Item = #item>),
                    quote!(Vec<#item>),
                    |v| quote!(#v.into_iter().collect()),
                )
            }
            ParamValue::Scalar(TypeRef::String) => (
                quote!(impl Into<String>),
                quote!(String),
                |v| quote!(#v.into()),
            ),
            ParamValue::Scalar(t) | ParamValue::Json(t) => {
                let t = ty(t, false);
                (t.clone(), t, |v| quote!(#v))
            }
        };
    Input {
        field: ident(&p.ident),
        required: p.required,
        arg,
        stored,
        convert,
        doc,
    }
}

/// The builder's fields for its inputs.
fn fields(inputs: &[Input]) -> Vec<TokenStream> {
    inputs
        .iter()
        .map(|i| {
            let (f, stored) = (&i.field, &i.stored);
            if i.required {
                quote!(#f: #stored,)
            } else {
                quote!(#f: Option<#stored>,)
            }
        })
        .collect()
}

/// The builder's setters: one per optional input.
fn setters(inputs: &[Input]) -> Vec<TokenStream> {
    inputs
        .iter()
        .filter(|i| !i.required)
        .map(|i| {
            let (f, arg) = (&i.field, &i.arg);
            let d = docs(Some(&i.doc));
            let convert = (i.convert)(&format_ident!("value"));
            quote! {
                #d
                pub fn #f(mut self, value: #arg) -> Self {
                    self.#f = Some(#convert);
                    self
                }
            }
        })
        .collect()
}

/// The statements of `request()` after the request is created: query pairs, headers, the
/// body and the server override.
fn request_lines(op: &Operation) -> Vec<TokenStream> {
    let mut lines = Vec::new();
    for p in &op.params {
        let f = ident(&p.ident);
        let place = Place::of(p);
        let checks = checks(p, &place);
        let call = param_call(p, &place);
        if checks.is_empty() && p.location == ParamIn::Path {
            continue;
        }
        lines.push(if p.required {
            quote!(#(#checks)* #call)
        } else {
            quote!(if let Some(value) = &self.#f { #(#checks)* #call })
        });
    }
    if let Some(body) = &op.body {
        let check = body.checked.then(
            || quote!(sdkgen_runtime::Constrained::check_constraints(body, "body", &mut request);),
        );
        let send = |by_ref: TokenStream, place: TokenStream| {
            if body.alternatives.is_empty() {
                return send_body(&body.media, by_ref, place);
            }
            let c = choice_ident(op);
            let arms = body.variants().map(|(m, _)| {
                let v = ident(m.choice());
                let send = send_body(m, quote!(body), quote!(body));
                quote!(#c::#v(body) => { #send })
            });
            quote!(match #by_ref { #(#arms)* })
        };
        lines.push(match (body.required, &check) {
            (true, None) => send(quote!(&self.body), quote!(self.body)),
            (true, Some(check)) => {
                let send = send(quote!(body), quote!(body));
                quote!(
                    let body = &self.body;
                    #check
                    #send
                )
            }
            (false, check) => {
                let send = send(quote!(body), quote!(body));
                quote!(if let Some(body) = &self.body {
                    #check
                    #send
                })
            }
        });
    }
    if downloads(op) {
        lines.push(quote!(request.download();));
    }
    if let Some(server) = &op.server {
        lines.push(quote!(request.server(#server);));
    }
    lines
}

/// The parameters of the client method that starts `inputs`' builder (`name: Type`, the
/// required inputs), and the names that pass them on to it.
fn method_args(inputs: &[Input]) -> (Vec<TokenStream>, Vec<&Ident>) {
    inputs
        .iter()
        .filter(|i| i.required)
        .map(|i| {
            let (f, arg) = (&i.field, &i.arg);
            (quote!(#f: #arg), f)
        })
        .unzip()
}

/// The type a body sent as `media` is kept as: bytes as `Bytes`, anything else as its type.
fn body_type(media: &ir::BodyMedia, t: &TypeRef) -> TokenStream {
    match media {
        ir::BodyMedia::Binary { .. } => quote!(sdkgen_runtime::Bytes),
        _ => ty(t, false),
    }
}

/// Whether a success of `op` is a download (binary), read under the download limit.
fn downloads(op: &Operation) -> bool {
    op.successes
        .iter()
        .any(|o| o.format == ir::ResponseFormat::Binary)
}

/// The name of the enum of the media types a body may be sent as.
fn choice_ident(op: &Operation) -> Ident {
    ident(&format!("{}Body", op.builder))
}

/// Puts a body sent as `media` on the request: `by_ref` is a reference to the body, `place` the
/// body itself (for method calls).
fn send_body(media: &ir::BodyMedia, by_ref: TokenStream, place: TokenStream) -> TokenStream {
    match media {
        ir::BodyMedia::Json => quote!(request.json_body(#by_ref);),
        ir::BodyMedia::Form {
            content_type,
            encoding,
        } => {
            let rules = encoding.iter().map(|e| {
                let wire = &e.wire;
                let explode = e.explode.map(|x| quote!(.explode(#wire, #x)));
                let ct = e
                    .content_type
                    .as_ref()
                    .map(|c| quote!(.content_type(#wire, #c)));
                quote!(#explode #ct)
            });
            quote!(request.form_body(#content_type, #by_ref, &sdkgen_runtime::FormEncoding::new() #(#rules)*);)
        }
        ir::BodyMedia::Multipart { .. } => quote!(#place.write(&mut request);),
        ir::BodyMedia::Binary { content_type } | ir::BodyMedia::Text { content_type } => {
            quote!(request.raw_body(#content_type, #place.clone());)
        }
    }
}

/// The enum of the media types the body of `op` may be sent as, with a `From` for each choice
/// whose type no other choice has.
fn body_choice(op: &Operation) -> TokenStream {
    let Some(body) = op.body.as_ref().filter(|b| !b.alternatives.is_empty()) else {
        return quote!();
    };
    let c = choice_ident(op);
    let choices: Vec<(&ir::BodyMedia, TokenStream)> =
        body.variants().map(|(m, t)| (m, body_type(m, t))).collect();
    let variants = choices.iter().map(|(m, t)| {
        let v = ident(m.choice());
        let doc = match m {
            ir::BodyMedia::Json => " Sent as JSON.".to_string(),
            ir::BodyMedia::Form { content_type, .. }
            | ir::BodyMedia::Multipart { content_type, .. }
            | ir::BodyMedia::Binary { content_type }
            | ir::BodyMedia::Text { content_type } => format!(" Sent as `{content_type}`."),
        };
        quote!(#[doc = #doc] #v(#t),)
    });
    let froms = choices.iter().filter_map(|(m, t)| {
        // Only a type no other choice has converts unambiguously.
        let text = t.to_string();
        if choices
            .iter()
            .filter(|(_, u)| u.to_string() == text)
            .count()
            > 1
        {
            return None;
        }
        let v = ident(m.choice());
        Some(quote! {
            impl From<#t> for #c {
                fn from(body: #t) -> Self {
                    Self::#v(body)
                }
            }
        })
    });
    let doc = format!(
        " The request body of [`Client::{0}`](crate::Client::{0}), in one of the media types the spec documents for it.",
        unraw(&op.ident)
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub enum #c {
            #(#variants)*
        }

        #(#froms)*
    }
}

/// Where `request()` reads a parameter's value: the builder's field for a required parameter,
/// `value` (a reference, bound by `if let Some(value) = &self.field`) for an optional one.
struct Place {
    /// `self.field` or `value`: for method calls.
    at: TokenStream,
    /// `&self.field` or `value`: a reference.
    by_ref: TokenStream,
}

impl Place {
    fn of(p: &ir::Param) -> Place {
        let f = ident(&p.ident);
        if p.required {
            Place {
                at: quote!(self.#f),
                by_ref: quote!(&self.#f),
            }
        } else {
            Place {
                at: quote!(value),
                by_ref: quote!(value),
            }
        }
    }
}

/// The checks of the constraints a parameter's schema states (see `Request::check` in the
/// runtime), each recording a finding that fails the call before it is sent.
fn checks(p: &ir::Param, place: &Place) -> Vec<TokenStream> {
    let kind = match &p.value {
        ParamValue::Scalar(t) => t,
        ParamValue::List { .. } => &TypeRef::Array(Box::new(TypeRef::Json)),
        ParamValue::Json(_) => return Vec::new(),
    };
    let wire = &p.wire;
    let value = CheckedValue {
        number: if p.required {
            place.at.clone()
        } else {
            let at = &place.at;
            quote!(*#at)
        },
        by_ref: place.by_ref.clone(),
        at: place.at.clone(),
    };
    constraint_checks(
        kind,
        &p.constraints,
        &value,
        &|cond, rule, shown| quote!(request.check(#cond, #wire, #rule, #shown);),
    )
}

/// How a query or header parameter is added to `request`. `Copy` values of required
/// parameters are passed by value, everything else by reference (the runtime takes
/// `impl Display` and `impl IntoIterator`), so that no borrow is needless.
fn param_call(p: &ir::Param, place: &Place) -> TokenStream {
    let wire = &p.wire;
    let by_ref = &place.by_ref;
    let at = &place.at;
    let scalar = match &p.value {
        ParamValue::Scalar(TypeRef::Integer(_) | TypeRef::Number(_) | TypeRef::Boolean)
            if p.required =>
        {
            quote!(#at)
        }
        _ => quote!(#by_ref),
    };
    let json = quote!(sdkgen_runtime::serde_json::to_string(#by_ref).unwrap_or_default());
    match (p.location, &p.value) {
        (ParamIn::Query, ParamValue::Scalar(_)) => quote!(request.query(#wire, #scalar);),
        (
            ParamIn::Query,
            ParamValue::List {
                style: ListStyle::Repeated,
                ..
            },
        ) => {
            quote!(request.query_exploded(#wire, #by_ref);)
        }
        (
            ParamIn::Query,
            ParamValue::List {
                style: ListStyle::Joined(d),
                ..
            },
        ) => {
            quote!(request.query_delimited(#wire, #by_ref, #d);)
        }
        (ParamIn::Query, ParamValue::Json(_)) => quote!(request.query(#wire, #json);),
        (ParamIn::Header, ParamValue::Scalar(_)) => quote!(request.header(#wire, #scalar);),
        (ParamIn::Header, ParamValue::Json(_)) => quote!(request.header(#wire, #json);),
        // A header list is one value (`simple` style); lowering never makes it repeated.
        (ParamIn::Header, ParamValue::List { style, .. }) => {
            let d = match style {
                ListStyle::Joined(d) => *d,
                ListStyle::Repeated => ",",
            };
            quote!(request.header(#wire, #at.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(#d));)
        }
        (ParamIn::Path, _) => quote!(),
    }
}

/// The body of the builder's `decode`: each documented success status decoded as what the call
/// returns.
fn success_decoder(op: &Operation) -> TokenStream {
    let successes = sorted_outcomes(&op.successes);
    if successes.is_empty() {
        return quote! {
            let _ = (status, body);
            None
        };
    }
    let success = &op.success;
    let arms = successes.iter().map(|o| {
        let pat = status_pattern(o.status, &successes);
        let expr = match (&o.ty, o.is_json()) {
            (TypeRef::Unit, _) if success.body_may_be_absent => quote!(Ok(None)),
            // A nullable body decodes into the `Option` itself (`null` is `None` too).
            (_, true) if success.body_may_be_absent && !success.body.is_nullable() => {
                quote!(sdkgen_runtime::json(body).map(Some))
            }
            (_, false) if success.body_may_be_absent => match o.format {
                ir::ResponseFormat::Text => quote!(sdkgen_runtime::text(body).map(Some)),
                _ => quote!(Ok(Some(body.to_vec()))),
            },
            _ => decode_expr(o),
        };
        quote!(#pat => #expr,)
    });
    quote! {
        Some(match status {
            #(#arms)*
            _ => return None,
        })
    }
}

/// The documentation of the client method.
fn method_doc(op: &Operation, inputs: &[Input]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    if let Some(s) = &op.summary {
        lines.extend(doc::sanitize(s));
        lines.push(String::new());
    }
    if let Some(d) = &op.description {
        if Some(d) != op.summary.as_ref() {
            lines.extend(doc::sanitize(d));
            lines.push(String::new());
        }
    }
    lines.push(format!("`{} {}`", op.method.as_str(), op.path));
    let args: Vec<&Input> = inputs.iter().filter(|i| i.required).collect();
    if !args.is_empty() {
        lines.push(String::new());
        lines.push("Arguments:".into());
        lines.extend(args.iter().map(|i| doc::sanitize(&i.doc).join(" ")));
    }
    lines.push(String::new());
    lines.push(format!(
        "Returns a [`{0}`] to set optional parameters on; `.await` it to send. Documented errors: [`{1}`](crate::errors::{1}).",
        op.builder, op.error
    ));
    if op.pagination.is_some() {
        lines.push(String::new());
        lines.push(format!(
            "Paginated: [`{0}::pages`] and [`{0}::items`] follow the cursor lazily.",
            op.builder
        ));
    }
    doc_lines(&lines)
}

/// Everything emitted for one operation: the client method, the builder and its impls.
pub(super) fn builder(op: &Operation) -> TokenStream {
    let b = ident(&op.builder);
    let e = ident(&op.error);
    let m = ident(&op.ident);
    let events = op
        .successes
        .iter()
        .find(|o| o.format == ir::ResponseFormat::Events);
    let success = match events {
        Some(o) => {
            let data = ty(&o.ty, false);
            quote!(sdkgen_runtime::EventStream<#data, crate::errors::#e>)
        }
        None => ty(&op.success.returns(), false),
    };
    let route = op.route();
    let inputs = inputs(op);
    let fields = fields(&inputs);
    let setters = setters(&inputs);
    let required: Vec<&Input> = inputs.iter().filter(|i| i.required).collect();
    let (ctor_args, _) = method_args(&inputs);
    let ctor_params = required.iter().map(|i| {
        let (f, stored) = (&i.field, &i.stored);
        quote!(#f: #stored)
    });
    let call_args = required.iter().map(|i| (i.convert)(&i.field));
    let ctor_init = inputs.iter().map(|i| {
        let f = &i.field;
        if i.required {
            quote!(#f,)
        } else {
            quote!(#f: None,)
        }
    });
    let path_expr = path_expr(op);
    let method = ident(op.method.as_str());
    let template = &op.path;
    let req_lines = request_lines(op);
    let success_body = success_decoder(op);
    let method_doc = method_doc(op, &inputs);
    let deprecated = if op.deprecated {
        quote!(#[deprecated(note = "deprecated in the API specification")])
    } else {
        quote!()
    };
    let bdoc = format!(
        " Request builder for [`Client::{0}`](crate::Client::{0}): `{route}`.",
        unraw(&op.ident)
    );
    let pagination = op.pagination.as_ref().map(|p| pagination_impl(op, p));
    let choice = body_choice(op);
    // `send` is the boxed future itself, but for an event stream's, which is an `async fn`.
    let into_future = if events.is_some() {
        quote!(Box::pin(self.send()))
    } else {
        quote!(self.send())
    };
    let download = downloads(op).then(|| {
            quote! {
                /// Sends the request and hands over a successful response's body as it arrives,
                /// a stream of chunks (for large downloads: nothing is held but the chunk read).
                /// The client's download limit applies; reading has no timeout of its own.
                pub async fn send_stream(self) -> Result<sdkgen_runtime::ByteStream, sdkgen_runtime::Error<crate::errors::#e>> {
                    self.client.inner.send_stream(self.request(), crate::errors::#e::decode).await
                }
            }
        });
    let sending = match events {
        Some(o) => {
            let data = ty(&o.ty, false);
            let decode = if o.ty == TypeRef::String {
                quote!(sdkgen_runtime::text_event)
            } else {
                quote!(sdkgen_runtime::json_event::<#data>)
            };
            quote! {
                /// Sends the request and opens the event stream: each event's data decoded, the
                /// stream reconnecting with `Last-Event-ID` when the connection drops (see
                /// [`sdkgen_runtime::events`]).
                pub async fn send(self) -> Result<#success, sdkgen_runtime::Error<crate::errors::#e>> {
                    self.client.inner.events(self.request(), crate::errors::#e::decode, #decode).await
                }
            }
        }
        None => quote! {
            fn decode(status: u16, body: &[u8]) -> Option<Result<#success, sdkgen_runtime::serde_json::Error>> {
                #success_body
            }

            const DECODER: sdkgen_runtime::Decoder<#success, crate::errors::#e> =
                sdkgen_runtime::Decoder { success: Self::decode, error: crate::errors::#e::decode };

            /// Sends the request and decodes the response (what `.await` does).
            pub fn send(self) -> sdkgen_runtime::BoxFuture<Result<#success, sdkgen_runtime::Error<crate::errors::#e>>> {
                self.client.inner.call(self.request(), Self::DECODER)
            }

            /// Sends the request; the value comes with the response's status and headers.
            pub fn send_with_response(self) -> sdkgen_runtime::BoxFuture<Result<sdkgen_runtime::Response<#success>, sdkgen_runtime::Error<crate::errors::#e>>> {
                self.client.inner.call_with_response(self.request(), Self::DECODER)
            }

            #download
        },
    };

    quote! {
        impl crate::Client {
            #method_doc
            #deprecated
            pub fn #m(&self, #(#ctor_args),*) -> #b {
                #b::new(self.clone(), #(#call_args),*)
            }
        }

        #[doc = #bdoc]
        ///
        /// Send it with `.await` or [`send`](Self::send).
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #b {
            client: crate::Client,
            #(#fields)*
            options: sdkgen_runtime::CallOptions,
        }

        impl #b {
            fn new(client: crate::Client, #(#ctor_params),*) -> Self {
                Self {
                    client,
                    #(#ctor_init)*
                    options: sdkgen_runtime::CallOptions::new(),
                }
            }

            #(#setters)*

            /// Overrides the client's retry policy for this call.
            pub fn retry(mut self, policy: sdkgen_runtime::RetryPolicy) -> Self {
                self.options = self.options.retry(policy);
                self
            }

            /// Overrides the client's timeout for this call.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options = self.options.timeout(timeout);
                self
            }

            /// Bounds this call as a whole: every attempt and the waits between them.
            pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
                self.options = self.options.deadline(deadline);
                self
            }

            /// Adds a header to this call (`Idempotency-Key`…). An invalid name or value, or
            /// `Authorization`, fails the call with `Error::InvalidRequest`.
            pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
                self.options = self.options.header(name, value);
                self
            }

            fn request(&self) -> sdkgen_runtime::Request {
                let mut request = sdkgen_runtime::Request::new(sdkgen_runtime::Method::#method, #template, #path_expr);
                #(#req_lines)*
                request.options(&self.options);
                request
            }

            #sending
        }

        #choice

        impl std::future::IntoFuture for #b {
            type Output = Result<#success, sdkgen_runtime::Error<crate::errors::#e>>;
            type IntoFuture = sdkgen_runtime::BoxFuture<Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                #into_future
            }
        }

        #pagination
    }
}

fn first_line(doc: &str) -> Option<String> {
    doc.lines()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
}

/// The expression that builds the request path: literals, and each path parameter
/// percent-encoded (a list in OpenAPI's `simple` style, its elements joined by the delimiter).
fn path_expr(op: &Operation) -> TokenStream {
    let mut fmt = String::new();
    let mut args = Vec::new();
    for part in &op.path_parts {
        match part {
            ir::PathPart::Literal(l) => fmt.push_str(&l.replace('{', "{{").replace('}', "}}")),
            ir::PathPart::Param(i) => {
                fmt.push_str("{}");
                let p = &op.params[*i];
                let f = ident(&p.ident);
                args.push(match &p.value {
                    ParamValue::Scalar(
                        TypeRef::Integer(_) | TypeRef::Number(_) | TypeRef::Boolean,
                    ) => quote!(sdkgen_runtime::encode_path(self.#f)),
                    ParamValue::Scalar(_) => quote!(sdkgen_runtime::encode_path(&self.#f)),
                    ParamValue::List { style, .. } => {
                        let d = match style {
                            ListStyle::Joined(d) => *d,
                            ListStyle::Repeated => ",",
                        };
                        quote!(sdkgen_runtime::encode_path_list(&self.#f, #d))
                    }
                    ParamValue::Json(_) => quote!(sdkgen_runtime::encode_path(
                        sdkgen_runtime::serde_json::to_string(&self.#f).unwrap_or_default()
                    )),
                });
            }
        }
    }
    if args.is_empty() {
        quote!(#fmt.to_owned())
    } else {
        quote!(format!(#fmt, #(#args),*))
    }
}

pub(super) fn pagination_impl(op: &Operation, p: &ir::Pagination) -> TokenStream {
    let b = ident(&op.builder);
    let e = ident(&op.error);
    let page = ty(op.success.body.non_null(), false);
    let item = ty(&p.item, false);
    let cursor = ident(&op.params[p.cursor_param].ident);
    let cursor_field = ident(&p.cursor_field);
    let method = ident(op.method.as_str());
    let template = &op.path;
    let items_field = ident(&p.items_field);
    // An absent (or `null`) items array is an empty page.
    let (into_items, item_count) = if p.items_optional {
        (
            quote!(page.#items_field.unwrap_or_default()),
            quote!(page.#items_field.as_ref().map_or(0, Vec::len)),
        )
    } else {
        (quote!(page.#items_field), quote!(page.#items_field.len()))
    };
    let next = if p.cursor_optional {
        quote!(page.#cursor_field.as_deref())
    } else {
        quote!(Some(page.#cursor_field.as_str()))
    };
    let limit_doc = p
        .limit_param
        .map(|i| {
            format!(
                " The page size is what [`{0}`](Self::{0}) sets.",
                unraw(&op.params[i].ident)
            )
        })
        .unwrap_or_default();
    let pages_doc = format!(
        " Every page, lazily: the first request as built, then one per `{}` cursor until it is absent or a page is empty.{limit_doc}",
        op.params[p.cursor_param].wire
    );
    quote! {
        impl sdkgen_runtime::Paginate for #b {
            type Page = #page;
            type Item = #item;
            type Error = crate::errors::#e;

            fn set_cursor(&mut self, cursor: String) {
                self.#cursor = Some(cursor);
            }

            fn fetch(self) -> sdkgen_runtime::BoxFuture<Result<Self::Page, sdkgen_runtime::Error<Self::Error>>> {
                self.send()
            }

            fn next_cursor(page: &Self::Page) -> Option<&str> {
                #next
            }

            fn into_items(page: Self::Page) -> Vec<Self::Item> {
                #into_items
            }

            fn item_count(page: &Self::Page) -> Option<usize> {
                Some(#item_count)
            }

            fn endpoint(&self) -> (sdkgen_runtime::Method, &'static str) {
                (sdkgen_runtime::Method::#method, #template)
            }
        }

        impl #b {
            #[doc = #pages_doc]
            ///
            /// Dropping the stream stops fetching; an error ends it after the items before it.
            pub fn pages(self) -> sdkgen_runtime::Pages<Self> {
                sdkgen_runtime::Pages::new(self)
            }

            /// Every item of every page, lazily, in order (see [`pages`](Self::pages)).
            pub fn items(self) -> sdkgen_runtime::Items<Self> {
                sdkgen_runtime::Items::new(self)
            }
        }
    }
}

/// `src/waiters.rs`: per waiter, the client method that starts it and its builder, which polls
/// the operation through `sdkgen_runtime::wait`.
pub(super) fn waiters(api: &ir::Api) -> TokenStream {
    let items = api.waiters.iter().map(|w| {
        let op = &api.operations[w.operation];
        super::gated(waiter(op, w), &op.features)
    });
    quote! {
        //! Waiters: poll an operation until a field of its response reaches a state, as the
        //! customisation file of the spec declares them.

        #(#items)*
    }
}

fn waiter(op: &Operation, w: &ir::Waiter) -> TokenStream {
    let m = ident(&w.ident);
    let b = ident(&w.builder);
    let op_method = ident(&op.ident);
    let op_builder = ident(&op.builder);
    let e = ident(&op.error);
    let response = ty(&op.success.returns(), false);
    let inputs = inputs(op);
    let (args, pass) = method_args(&inputs);
    // The state: each field in turn, `?` through the optional ones; strings and enums both
    // have `as_str`.
    let steps = w.path.iter().map(|(field, optional)| {
        let f = ident(field);
        if *optional {
            quote!(let value = value.#f.as_ref()?;)
        } else {
            quote!(let value = &value.#f;)
        }
    });
    let success = &w.success;
    let failure = &w.failure;
    let (interval, max_interval, timeout) = (w.interval_ms, w.max_interval_ms, w.timeout_ms);
    let route = op.route();
    let mut lines: Vec<String> = w.doc.as_deref().map(doc::sanitize).unwrap_or_default();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    let list = |states: &[String]| {
        states
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    lines.push(format!(
        "Polls [`Client::{0}`](crate::Client::{0}) (`{route}`) until `{1}` is {2}.",
        unraw(&op.ident),
        w.field,
        list(&w.success)
    ));
    if !w.failure.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "Fails at once with [`WaitError::Failed`](sdkgen_runtime::WaitError::Failed) on {}, which never lead there.",
            list(&w.failure)
        ));
    }
    lines.push(String::new());
    lines.push(format!(
        "Polls every {:?} at first, up to every {:?}, for at most {:?} ([`{}::interval`], [`{}::timeout`]); a poll that fails after the client's retries ends the wait with its error.",
        std::time::Duration::from_millis(interval),
        std::time::Duration::from_millis(max_interval),
        std::time::Duration::from_millis(timeout),
        w.builder,
        w.builder,
    ));
    let method_doc = doc_lines(&lines);
    let bdoc = format!(
        " The wait started by [`Client::{0}`](crate::Client::{0}).",
        unraw(&w.ident)
    );
    quote! {
        impl crate::Client {
            #method_doc
            pub fn #m(&self, #(#args),*) -> #b {
                #b {
                    poll: self.#op_method(#(#pass),*),
                    options: sdkgen_runtime::WaitOptions {
                        interval: std::time::Duration::from_millis(#interval),
                        max_interval: std::time::Duration::from_millis(#max_interval),
                        timeout: std::time::Duration::from_millis(#timeout),
                    },
                }
            }
        }

        #[doc = #bdoc]
        ///
        /// `.await` it for the response that reached the state.
        #[derive(Debug, Clone)]
        #[must_use = "a wait does nothing until it is awaited"]
        pub struct #b {
            poll: crate::builders::#op_builder,
            options: sdkgen_runtime::WaitOptions,
        }

        impl #b {
            /// How long the whole wait may take, polls included.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.timeout = timeout;
                self
            }

            /// The first wait between polls (it doubles up to the maximum interval).
            pub fn interval(mut self, interval: std::time::Duration) -> Self {
                self.options.interval = interval;
                self
            }

            /// The longest wait between polls.
            pub fn max_interval(mut self, interval: std::time::Duration) -> Self {
                self.options.max_interval = interval;
                self
            }

            /// Changes the request each poll sends (its retry policy, its timeout…).
            pub fn poll_with(mut self, f: impl FnOnce(crate::builders::#op_builder) -> crate::builders::#op_builder) -> Self {
                self.poll = f(self.poll);
                self
            }

            fn state(value: &#response) -> Option<&str> {
                #(#steps)*
                Some(value.as_str())
            }
        }

        impl std::future::IntoFuture for #b {
            type Output = Result<#response, sdkgen_runtime::WaitError<#response, crate::errors::#e>>;
            type IntoFuture = sdkgen_runtime::BoxFuture<Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                let poll = self.poll;
                Box::pin(sdkgen_runtime::wait(
                    move || poll.clone().send(),
                    Self::state,
                    &[#(#success),*],
                    &[#(#failure),*],
                    self.options,
                ))
            }
        }
    }
}

/// The deprecated aliases of `builders.rs`: a forwarding method for each client method renamed
/// upstream, a type alias for each renamed request builder.
pub(super) fn aliases(api: &ir::Api) -> TokenStream {
    let methods = renamed_operations(api).map(|(old, op)| {
        let new = unraw(&op.ident);
        let inputs = inputs(op);
        let (args, pass) = method_args(&inputs);
        let old_m = ident(&crate::naming::escape_keyword(old.to_string()));
        let (new_m, b) = (ident(&op.ident), ident(&op.builder));
        let note = format!("renamed upstream: use `{new}`");
        let doc = format!(" Renamed upstream to [`{new}`](Self::{new}), which it calls.");
        let cfg = super::cfg(&op.features);
        quote! {
            #[doc = #doc]
            #cfg
            #[deprecated(note = #note)]
            pub fn #old_m(&self, #(#args),*) -> #b {
                self.#new_m(#(#pass),*)
            }
        }
    });
    let methods: Vec<TokenStream> = methods.collect();
    let methods = if methods.is_empty() {
        quote!()
    } else {
        quote! {
            impl crate::Client {
                #(#methods)*
            }
        }
    };
    let builders = super::alias_types(&api.aliases.builders, |new| {
        super::operation_features(api, |op| op.builder == new)
    });
    quote! {
        #methods
        #builders
    }
}
