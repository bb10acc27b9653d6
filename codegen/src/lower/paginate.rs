//! Pagination: recognising cursor-paginated list operations, and checking the hints.

use crate::diag;
use crate::ir::{self, ParamValue, TypeRef};

use super::operation::OpDraft;
use super::param::Param;
use super::*;

impl<'a> Lowerer<'a> {
    /// Finds the pagination of every operation, and warns about hints that fit nothing.
    pub(super) fn attach_pagination(
        &mut self,
        drafts: &[OpDraft],
    ) -> Vec<Option<ir::Pagination<DefId>>> {
        let mut found = Vec::new();
        for draft in drafts {
            let p = self.detect_pagination(draft);
            let route = draft.route();
            if let Some(hint) = self.config.pagination.get(&route) {
                if p.is_none() && !hint.disabled {
                    self.diags.warn(
                        format!("#/paths/{}", diag::escape_token(&draft.path)),
                        format!("pagination hint for {route:?} does not fit the operation (cursor parameter, cursor field and items array must exist)"),
                    );
                }
            }
            found.push(p);
        }
        for key in self.config.pagination.keys() {
            if !drafts.iter().any(|d| d.route() == *key) {
                self.diags.warn(
                    "",
                    format!("customisation names pagination for {key:?}, which is not an operation of the spec"),
                );
            }
        }
        found
    }

    /// The pagination of one operation: a cursor parameter sent back from a field of the page,
    /// and the page's one array of items.
    fn detect_pagination(&self, op: &OpDraft) -> Option<ir::Pagination<DefId>> {
        let route = op.route();
        let hint = self
            .config
            .pagination
            .get(&route)
            .cloned()
            .unwrap_or_default();
        if hint.disabled {
            return None;
        }
        let page_id = self
            .resolve_type(&op.responses.success.body)
            .non_null()
            .name()
            .copied()?;
        let DefKind::Struct { fields, .. } = &self.defs[page_id].kind else {
            return None;
        };
        let string_field = |f: &&Field| matches!(f.ty.non_null(), TypeRef::String | TypeRef::Json);
        let cursor_field = match &hint.cursor_field {
            Some(n) => fields.iter().find(|f| &f.wire == n).cloned(),
            None => fields
                .iter()
                .filter(string_field)
                .find(|f| {
                    let w = f.wire.to_ascii_lowercase();
                    w.contains("cursor") || w.contains("token") || w == "next" || w == "next_page"
                })
                .cloned(),
        }?;
        let query: Vec<(usize, &Param)> = op
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location == ir::ParamIn::Query)
            .collect();
        let cursor_param = match &hint.cursor_param {
            Some(n) => query.iter().find(|(_, p)| &p.wire == n).map(|(i, _)| *i),
            None => {
                let stem = |s: &str| {
                    let s = s.to_ascii_lowercase();
                    ["next_", "after_", "page_", "starting_", "start_"]
                        .iter()
                        .fold(s, |s, pre| {
                            s.strip_prefix(pre).map(String::from).unwrap_or(s)
                        })
                };
                query
                    .iter()
                    .find(|(_, p)| p.wire == cursor_field.wire)
                    .or_else(|| {
                        query.iter().find(|(_, p)| {
                            stem(&p.wire) == stem(&cursor_field.wire)
                                && matches!(p.value, ParamValue::Scalar(TypeRef::String))
                        })
                    })
                    .map(|(i, _)| *i)
            }
        }?;
        if !matches!(
            op.params[cursor_param].value,
            ParamValue::Scalar(TypeRef::String)
        ) {
            return None;
        }
        let arrays: Vec<&Field> = fields
            .iter()
            .filter(|f| matches!(f.ty.non_null(), TypeRef::Array(_)))
            .collect();
        let items = match &hint.items_field {
            Some(n) => fields.iter().find(|f| &f.wire == n),
            None if arrays.len() == 1 => Some(arrays[0]),
            None => None,
        }?;
        let TypeRef::Array(item) = items.ty.non_null() else {
            return None;
        };
        if items.ty.is_nullable() || !items.required {
            return None;
        }
        let limit_param = query
            .iter()
            .find(|(_, p)| {
                [
                    "limit",
                    "page_size",
                    "per_page",
                    "max_results",
                    "pagesize",
                    "size",
                ]
                .contains(&p.wire.to_ascii_lowercase().as_str())
            })
            .map(|(i, _)| *i);
        Some(ir::Pagination {
            cursor_param,
            cursor_field: cursor_field.ident.clone(),
            cursor_optional: cursor_field.ty.is_nullable() || !cursor_field.required,
            items_field: items.ident.clone(),
            item: (**item).clone(),
            limit_param,
        })
    }
}
