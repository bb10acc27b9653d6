//! Responses: the success type and one error variant per documented status.

use openapiv3::{Operation as OaOperation, ReferenceOr, StatusCode};

use crate::diag;
use crate::ir::{self, TypeRef};
use crate::naming;

use super::operation::is_json;
use super::*;
use crate::config::media_essence;
use crate::ir::ResponseFormat;

/// A documented response while lowering.
pub(super) type Outcome = ir::Outcome<DefId>;

/// What an operation's responses come to.
pub(super) struct Responses {
    /// What a successful call returns.
    pub(super) success: ir::Success<DefId>,
    /// The documented successes, each decoded as `success.body` (or as nothing).
    pub(super) successes: Vec<Outcome>,
    /// The documented errors, one variant each.
    pub(super) errors: Vec<Outcome>,
}

impl<'a> Lowerer<'a> {
    /// Sorts an operation's responses into successes and errors, and decides the success type.
    pub(super) fn lower_responses(
        &mut self,
        op: &OaOperation,
        ptr: &str,
        op_pascal: &str,
    ) -> Responses {
        let mut successes = Vec::new();
        let mut errors = Vec::new();
        let mut entries: Vec<(ir::StatusMatch, &ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                (
                    match code {
                        StatusCode::Code(c) => ir::StatusMatch::Code(*c),
                        StatusCode::Range(r) => ir::StatusMatch::Range(*r),
                    },
                    r,
                )
            })
            .collect();
        if let Some(d) = &op.responses.default {
            entries.push((ir::StatusMatch::Default, d));
        }
        let rptr = diag::join(ptr, "responses");
        // Without a documented success, `default` describes the successes too.
        let default_succeeds = !entries.iter().any(|(s, _)| {
            matches!(
                s,
                ir::StatusMatch::Code(200..=299) | ir::StatusMatch::Range(2)
            )
        });
        for (status, resp) in entries {
            let key = match status {
                ir::StatusMatch::Code(c) => c.to_string(),
                ir::StatusMatch::Range(r) => format!("{r}XX"),
                ir::StatusMatch::Default => "default".into(),
            };
            let p = diag::join(&rptr, &key);
            let Some((resp, p)) = self.resolve(resp, &p, "response") else {
                continue;
            };
            let is_success = matches!(
                status,
                ir::StatusMatch::Code(200..=299) | ir::StatusMatch::Range(2)
            );
            let variant = naming::variant_for(status);
            let also_success = default_succeeds && status == ir::StatusMatch::Default;
            let name = if is_success || also_success {
                naming::inline::success_body(op_pascal)
            } else {
                naming::inline::error_body(op_pascal, &variant)
            };
            let media = |pick: fn(&str) -> bool| resp.content.iter().find(|(ct, _)| pick(ct));
            let schema_at =
                |ct: &str| diag::join(&diag::join(&diag::join(&p, "content"), ct), "schema");
            let (ty, format) = if let Some((ct, mt)) = media(is_json) {
                let ty = self.schema_or_json(mt.schema.as_ref(), &schema_at(ct), &name);
                (ty, ResponseFormat::Json)
            } else if let Some((ct, mt)) = media(is_event_stream).filter(|_| is_success) {
                // Each event's data: the schema's type (a string schema: text), text without one.
                let ty = match &mt.schema {
                    Some(s) => self.lower_schema(s, &schema_at(ct), &format!("{name}Event"), None),
                    None => TypeRef::String,
                };
                (ty, ResponseFormat::Events)
            } else if media(is_text).is_some() {
                (TypeRef::String, ResponseFormat::Text)
            } else if resp.content.is_empty() {
                (TypeRef::Unit, ResponseFormat::Empty)
            } else {
                (TypeRef::Bytes, ResponseFormat::Binary)
            };
            let outcome = Outcome {
                status,
                variant,
                ty,
                format,
                doc: non_empty(&Some(resp.description.clone())),
            };
            if also_success {
                successes.push(Outcome {
                    status: ir::StatusMatch::Range(2),
                    ..outcome.clone()
                });
            }
            if is_success {
                successes.push(outcome);
            } else if matches!(
                status,
                ir::StatusMatch::Code(100..=199)
                    | ir::StatusMatch::Range(1)
                    | ir::StatusMatch::Code(300..=399)
                    | ir::StatusMatch::Range(3)
            ) {
                self.diags.warn(
                    p,
                    "informational and redirect responses are handled by the HTTP client; ignored",
                );
            } else {
                errors.push(outcome);
            }
        }
        if successes.is_empty() {
            self.diags.warn(
                rptr.clone(),
                "no success response is documented; any 2xx status is accepted, its body ignored",
            );
            successes.push(Outcome {
                status: ir::StatusMatch::Range(2),
                variant: String::new(),
                ty: TypeRef::Unit,
                format: ResponseFormat::Empty,
                doc: None,
            });
        }
        let mut bodies: Vec<&Ty> = Vec::new();
        for s in &successes {
            if s.ty != TypeRef::Unit && !bodies.contains(&&s.ty) {
                bodies.push(&s.ty);
            }
        }
        let body = match bodies.len() {
            0 => TypeRef::Unit,
            1 => bodies[0].clone(),
            _ => {
                self.diags.warn(
                    rptr.clone(),
                    "success responses with different bodies are decoded as JSON",
                );
                TypeRef::Json
            }
        };
        let body_may_be_absent =
            body != TypeRef::Unit && successes.iter().any(|s| s.ty == TypeRef::Unit);
        // Decode every success as the common type.
        for s in &mut successes {
            if s.ty != TypeRef::Unit {
                s.ty = body.clone();
            }
        }
        Responses {
            success: ir::Success {
                body,
                body_may_be_absent,
            },
            successes,
            errors,
        }
    }
}

/// `text/event-stream`: server-sent events.
fn is_event_stream(content_type: &str) -> bool {
    media_essence(content_type) == "text/event-stream"
}

/// Text other than events (`text/plain`, `text/csv`…).
fn is_text(content_type: &str) -> bool {
    media_essence(content_type).starts_with("text/")
}
