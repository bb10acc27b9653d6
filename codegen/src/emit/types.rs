//! `src/types.rs`: every schema of the API as a Rust type (structs, forward-compatible enums,
//! untagged and discriminated unions, aliases and newtypes).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{self, TypeDef, TypeRef};

use super::*;

pub(super) fn header() -> TokenStream {
    quote! {
        //! Every schema of the API as a Rust type.
    }
}

pub(super) fn type_def(t: &TypeDef) -> TokenStream {
    match t {
        TypeDef::Struct(s) => struct_def(s),
        TypeDef::Enum(e) => enum_def(e),
        TypeDef::Union(u) => union_def(u),
        TypeDef::Alias(a) if a.newtype => {
            let name = ident(&a.name);
            let d = docs(a.doc.as_deref());
            let target = ty(&a.target, true);
            let eq = if a.eq { quote!(Eq,) } else { quote!() };
            quote! {
                #d
                #[derive(Debug, Clone, PartialEq, #eq serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
        TypeDef::Alias(a) => {
            let name = ident(&a.name);
            let d = docs(a.doc.as_deref());
            let target = ty(&a.target, true);
            quote! {
                #d
                pub type #name = #target;
            }
        }
    }
}

fn struct_def(s: &ir::StructDef) -> TokenStream {
    let name = ident(&s.name);
    let d = docs(s.doc.as_deref());
    let fields = s.fields.iter().map(|f| {
        let fi = ident(&f.ident);
        let (inner_ty, optional) = field_type(f);
        let field_ty = if optional {
            quote!(Option<#inner_ty>)
        } else {
            inner_ty
        };
        let mut serde_args = Vec::new();
        if crate::naming::unraw(&f.ident) != f.wire {
            let w = &f.wire;
            serde_args.push(quote!(rename = #w));
        }
        if !f.required {
            serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        let serde_attr = if serde_args.is_empty() {
            quote!()
        } else {
            quote!(#[serde(#(#serde_args),*)])
        };
        // The spec's words, then what its schema says beyond the type, then the wire rule.
        let mut extra = Vec::new();
        if !f.details.is_empty() {
            let details = f.details.join("; ");
            extra.push(format!("{}{}.", details[..1].to_uppercase(), &details[1..]));
        }
        if f.required && f.ty.is_nullable() {
            extra.push("Always present on the wire, possibly `null`.".into());
        }
        let fd = if extra.is_empty() {
            docs(f.doc.as_deref())
        } else {
            docs_with(f.doc.as_deref(), extra.join(" "))
        };
        quote! {
            #fd
            #serde_attr
            pub #fi: #field_ty,
        }
    });
    let extra = s.additional.as_ref().map(|a| {
        let fi = ident(&additional_field(s));
        let t = ty(a, true);
        quote! {
            /// Properties beyond the named ones.
            #[serde(flatten)]
            pub #fi: std::collections::BTreeMap<String, #t>,
        }
    });
    let mut derives = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
    if s.eq {
        derives.push(quote!(Eq));
    }
    if s.default {
        derives.push(quote!(Default));
    }
    derives.push(quote!(serde::Serialize));
    let constrained = s.checked.then(|| constrained_impl(s));
    let deserialize = deserialize_impl(s);
    quote! {
        #d
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
            #extra
        }

        #deserialize

        #constrained
    }
}

/// A field's type without its `Option` (boxed when it breaks a cycle), and whether it is an
/// `Option`: optional, or nullable.
fn field_type(f: &ir::Field) -> (TokenStream, bool) {
    let mut inner = ty(f.ty.non_null(), true);
    if f.boxed {
        inner = quote!(Box<#inner>);
    }
    (inner, !f.required || f.ty.is_nullable())
}

/// The name of the field that holds a struct's additional properties.
fn additional_field(s: &ir::StructDef) -> String {
    let mut used: BTreeSet<String> = s.fields.iter().map(|f| f.ident.clone()).collect();
    crate::naming::unique("additional_properties", &mut used)
}

/// `Deserialize` for a struct, from a JSON object only: one `visit_map` over the runtime's shared
/// key type (`sdkgen_runtime::de`; the impl's own names start with `__`, which no type of the API
/// does), where serde's derive would add a field enum with its own
/// visitor and a `visit_seq` for each struct. Same behaviour on objects: unknown keys skipped
/// (or kept, with additional properties), a repeated key an error, a missing required field an
/// error naming it, a missing optional one `None`.
fn deserialize_impl(s: &ir::StructDef) -> TokenStream {
    let name = ident(&s.name);
    let expecting = format!("struct {}", s.name);
    let mut slots = Vec::new();
    let mut arms = Vec::new();
    let mut values = Vec::new();
    for (i, f) in s.fields.iter().enumerate() {
        let slot = ident(&format!("v{i}"));
        let fi = ident(&f.ident);
        let wire = &f.wire;
        let (inner, optional) = field_type(f);
        let held = if optional {
            quote!(Option<Option<#inner>>)
        } else {
            quote!(Option<#inner>)
        };
        slots.push(quote!(let mut #slot: #held = None;));
        arms.push(quote!(#wire => sdkgen_runtime::de::field(&mut map, &mut #slot, #wire)?,));
        values.push(if optional {
            quote!(#fi: #slot.flatten(),)
        } else {
            quote!(#fi: sdkgen_runtime::de::required(#slot, #wire)?,)
        });
    }
    let (extra_slot, unknown, extra_value) = match &s.additional {
        Some(a) => {
            let fi = ident(&additional_field(s));
            let t = ty(a, true);
            (
                quote!(let mut extra: std::collections::BTreeMap<String, #t> = std::collections::BTreeMap::new();),
                quote!({
                    extra.insert(key.into_string(), map.next_value()?);
                }),
                quote!(#fi: extra,),
            )
        }
        None => (
            quote!(),
            quote!(sdkgen_runtime::de::skip(&mut map)?),
            quote!(),
        ),
    };
    let read = if arms.is_empty() && s.additional.is_none() {
        quote! {
            while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                sdkgen_runtime::de::skip(&mut map)?;
            }
        }
    } else if arms.is_empty() {
        quote! {
            while let Some(key) = map.next_key::<sdkgen_runtime::de::Key<'de>>()? {
                #unknown
            }
        }
    } else {
        quote! {
            while let Some(key) = map.next_key::<sdkgen_runtime::de::Key<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    _ => #unknown,
                }
            }
        }
    };
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                struct __Visitor;

                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<__A: serde::de::MapAccess<'de>>(self, mut map: __A) -> Result<#name, __A::Error> {
                        #(#slots)*
                        #extra_slot
                        #read
                        Ok(#name {
                            #(#values)*
                            #extra_value
                        })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

/// `sdkgen_runtime::Constrained` for a struct whose fields (or the structs they hold) have
/// constraints: each field's own checks, then the check of what it holds.
fn constrained_impl(s: &ir::StructDef) -> TokenStream {
    let name = ident(&s.name);
    let mut checks = Vec::new();
    for f in &s.fields {
        let fi = ident(&f.ident);
        let wire = &f.wire;
        let inner = f.ty.non_null();
        let optional = !f.required || f.ty.is_nullable();
        let value = if optional {
            CheckedValue {
                number: quote!(*value),
                by_ref: quote!(value),
                at: quote!(value),
            }
        } else {
            CheckedValue {
                number: quote!(self.#fi),
                by_ref: quote!(&self.#fi),
                at: quote!(self.#fi),
            }
        };
        let own = constraint_checks(
            inner,
            &f.constraints,
            &value,
            &|cond, rule, shown| quote!(request.check_field(#cond, at, #wire, #rule, #shown);),
        );
        if !own.is_empty() {
            checks.push(if optional {
                quote!(if let Some(value) = &self.#fi { #(#own)* })
            } else {
                quote!(#(#own)*)
            });
        }
        if f.holds_checked {
            let path = format!("{{at}}.{}", wire.replace('{', "{{").replace('}', "}}"));
            checks.push(quote! {
                sdkgen_runtime::Constrained::check_constraints(&self.#fi, &format!(#path), request);
            });
        }
    }
    quote! {
        impl sdkgen_runtime::Constrained for #name {
            fn check_constraints(&self, at: &str, request: &mut sdkgen_runtime::Request) {
                #(#checks)*
            }
        }
    }
}

fn enum_def(e: &ir::EnumDef) -> TokenStream {
    let name = ident(&e.name);
    let d = docs_with(
        e.doc.as_deref(),
        format!(
            "Values this client does not know decode as [`{0}::{1}`] and encode back unchanged.",
            e.name, e.fallback
        ),
    );
    let fallback = ident(&e.fallback);
    let variants = e.variants.iter().map(|(v, wire)| {
        let v = ident(v);
        let vd = format!(" `{wire}`");
        quote!(#[doc = #vd] #v,)
    });
    let as_str = e.variants.iter().map(|(v, wire)| {
        let v = ident(v);
        quote!(Self::#v => #wire,)
    });
    let from = e.variants.iter().map(|(v, wire)| {
        let v = ident(v);
        quote!(#wire => Self::#v,)
    });
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value not listed in the spec, kept as received.
            #fallback(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#fallback(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from)*
                    other => Self::#fallback(other.to_owned()),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                sdkgen_runtime::deserialize_str_enum(deserializer)
            }
        }
    }
}

fn union_def(u: &ir::UnionDef) -> TokenStream {
    let name = ident(&u.name);
    let eq = if u.eq { quote!(Eq,) } else { quote!() };
    let variant_ty = |i: usize, t: &TypeRef| {
        let t = ty(t, true);
        if u.boxed.get(i).copied().unwrap_or(false) {
            quote!(Box<#t>)
        } else {
            t
        }
    };
    let Some(disc) = &u.discriminator else {
        let d = docs(u.doc.as_deref());
        let variants = u.variants.iter().enumerate().map(|(i, (v, t))| {
            let v = ident(v);
            let t = variant_ty(i, t);
            quote!(#v(#t),)
        });
        return quote! {
            #d
            #[derive(Debug, Clone, PartialEq, #eq serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
        };
    };
    let prop = &disc.property;
    let fallback = ident(&disc.fallback);
    let d = docs_with(u.doc.as_deref(), format!(
        "The variant is chosen by the `{prop}` property; values with a `{prop}` this client does not know decode as [`{}::{}`].",
        u.name, disc.fallback
    ));
    let tag_text = |i: usize| format!(" `{prop}`: {}", disc.tag_list(i));
    let variants = u.variants.iter().enumerate().map(|(i, (v, t))| {
        let vd = tag_text(i);
        let v = ident(v);
        let t = variant_ty(i, t);
        quote!(#[doc = #vd] #v(#t),)
    });
    let arms = u.variants.iter().enumerate().map(|(i, (v, _))| {
        let v = ident(v);
        let tags = disc.tags.get(i).cloned().unwrap_or_default();
        let boxed = u.boxed.get(i).copied().unwrap_or(false);
        let wrap = if boxed {
            quote!(.map(Box::new))
        } else {
            quote!()
        };
        quote! {
            #(Some(#tags))|* => sdkgen_runtime::serde_json::from_value(value)#wrap.map(Self::#v),
        }
    });
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, #eq serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
            /// A value with another tag, kept as received.
            #fallback(sdkgen_runtime::serde_json::Value),
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                let value = <sdkgen_runtime::serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#prop).and_then(|tag| tag.as_str()).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => Ok(Self::#fallback(value)),
                }
                .map_err(serde::de::Error::custom)
            }
        }
    }
}

/// The form type of every multipart request body: one public field per part, and how it
/// becomes the body.
pub(super) fn forms(api: &ir::Api) -> TokenStream {
    let forms = api.operations.iter().flat_map(|op| {
        op.body
            .iter()
            .flat_map(move |body| body.variants().map(move |(media, ty)| (op, media, ty)))
    });
    let forms = forms.filter_map(|(op, media, form_ty)| {
        let ir::BodyMedia::Multipart { fields, .. } = media else {
            return None;
        };
        let name = ident(form_ty.name()?);
        let doc = format!(
            " The multipart form of [`Client::{0}`](crate::Client::{0}): one part per field; files are [`FilePart`](sdkgen_runtime::FilePart)s.",
            crate::naming::unraw(&op.ident)
        );
        let members = fields.iter().map(|f| {
            let fi = ident(&f.ident);
            let t = ty(&f.ty, true);
            let d = docs(f.doc.as_deref());
            quote!(#d pub #fi: #t,)
        });
        let parts = fields.iter().map(|f| {
            let fi = ident(&f.ident);
            let wire = &f.wire;
            let ct = match &f.content_type {
                Some(c) => quote!(Some(#c)),
                None => quote!(None),
            };
            // `value` is a reference to the part's value.
            let add = |value: TokenStream, t: &TypeRef| match t {
                TypeRef::File => quote!(form.file(#wire, #value.clone());),
                TypeRef::Array(i) if **i == TypeRef::File => {
                    quote!(for file in #value { form.file(#wire, file.clone()); })
                }
                _ => quote!(request.form_part(&mut form, #wire, #value, #ct);),
            };
            match &f.ty {
                TypeRef::Nullable(inner) => {
                    let line = add(quote!(value), inner);
                    quote!(if let Some(value) = &self.#fi { #line })
                }
                TypeRef::File => quote!(form.file(#wire, self.#fi.clone());),
                t => add(quote!(&self.#fi), t),
            }
        });
        let cfg = super::cfg(&op.features);
        Some(quote! {
            #[doc = #doc]
            #cfg
            #[derive(Debug, Clone)]
            pub struct #name {
                #(#members)*
            }

            #cfg
            impl #name {
                /// Writes the form as the body of `request`.
                pub(crate) fn write(&self, request: &mut sdkgen_runtime::Request) {
                    let mut form = sdkgen_runtime::Multipart::new();
                    #(#parts)*
                    request.multipart(form);
                }
            }
        })
    });
    quote!(#(#forms)*)
}
