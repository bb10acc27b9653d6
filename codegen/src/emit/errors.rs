//! `src/errors.rs`: one enum per operation with a variant per documented error status, and the
//! decoding of a status and body into it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{self, Operation, StatusMatch, TypeRef};
use crate::naming::unraw;

use super::*;

pub(super) fn header() -> TokenStream {
    quote! {
        //! The documented error responses of each operation, one enum per operation.
        //!
        //! They arrive as [`Error::Api`](crate::Error::Api); everything else (transport, timeouts,
        //! undocumented statuses, undecodable bodies) is another variant of [`crate::Error`].
    }
}

fn status_doc(o: &ir::Outcome) -> String {
    let code = match o.status {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "Any other status".into(),
    };
    match &o.doc {
        Some(d) => format!("{code}: {}", d.lines().next().unwrap_or("")),
        None => code,
    }
}

pub(super) fn error_enum(op: &Operation) -> TokenStream {
    let name = ident(&op.error);
    let doc = format!(
        " Documented errors of [`Client::{}`](crate::Client::{}).",
        unraw(&op.ident),
        unraw(&op.ident)
    );
    let outcomes = sorted_outcomes(&op.errors);
    let variants = outcomes.iter().map(|o| {
        let v = ident(&o.variant);
        let d = docs(Some(&status_doc(o)));
        match &o.ty {
            TypeRef::Unit => quote!(#d #v,),
            t => {
                let t = ty(t, false);
                quote!(#d #v(#t),)
            }
        }
    });
    let arms = outcomes.iter().map(|o| {
        let v = ident(&o.variant);
        let pat = status_pattern(o.status, &outcomes);
        let expr = decode_expr(o);
        match &o.ty {
            TypeRef::Unit => quote!(#pat => #expr.map(|()| Self::#v),),
            _ if o.format == ir::ResponseFormat::Binary => {
                quote!(#pat => Ok(Self::#v(body.to_vec())),)
            }
            _ => quote!(#pat => #expr.map(Self::#v),),
        }
    });
    let has_default = outcomes.iter().any(|o| o.status == StatusMatch::Default);
    let fallthrough = if has_default {
        quote!()
    } else {
        quote!(_ => return None,)
    };
    let only_default = outcomes.len() == 1 && outcomes[0].status == StatusMatch::Default;
    let decode_body = if outcomes.is_empty() {
        quote! {
            let _ = (status, body);
            None
        }
    } else if only_default {
        let o = outcomes[0];
        let v = ident(&o.variant);
        let expr = decode_expr(o);
        let value = match &o.ty {
            TypeRef::Unit => quote!(#expr.map(|()| Self::#v)),
            _ if o.format == ir::ResponseFormat::Binary => quote!(Ok(Self::#v(body.to_vec()))),
            _ => quote!(#expr.map(Self::#v)),
        };
        quote! {
            let _ = status;
            Some(#value)
        }
    } else {
        quote! {
            Some(match status {
                #(#arms)*
                #fallthrough
            })
        }
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            pub(crate) fn decode(status: u16, body: &[u8]) -> Option<Result<Self, sdkgen_runtime::serde_json::Error>> {
                #decode_body
            }
        }
    }
}
