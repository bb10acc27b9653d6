//! Pagination: recognising cursor-paginated list operations, and checking the hints.

use crate::config::PaginationHint;
use crate::diag;
use crate::ir::{self, ParamValue, TypeRef};
use crate::naming;

use super::operation::OpDraft;
use super::param::Param;
use super::*;

impl<'a> Lowerer<'a> {
    /// Finds the pagination of every operation; a hint that fits nothing (or is no longer
    /// needed) is an error, a list that looks paginated but is not made so a warning.
    pub(super) fn attach_pagination(
        &mut self,
        drafts: &[OpDraft],
    ) -> Vec<Option<ir::Pagination<DefId>>> {
        let mut found = Vec::new();
        for draft in drafts {
            let route = draft.route();
            let hint = self.config.pagination.get(&route);
            let ptr = format!("#/paths/{}", diag::escape_token(&draft.path));
            let result = self.detect_pagination(draft, hint.cloned().unwrap_or_default());
            match (&result, hint) {
                (Err(Miss::Refused(reason)), Some(h)) if !h.disabled => self.diags.error(
                    ptr,
                    format!("customisation [pagination] {route:?} does not fit the operation: {reason}"),
                ),
                (Err(Miss::NotAList), Some(h)) if !h.disabled => self.diags.error(
                    ptr,
                    format!(
                        "customisation [pagination] {route:?} names no part, and the operation does not look paginated"
                    ),
                ),
                (Err(Miss::NotAList), Some(_)) => {
                    let unhinted = self.detect_pagination(draft, PaginationHint::default());
                    if matches!(unhinted, Err(Miss::NotAList)) {
                        self.diags.error(
                            ptr,
                            format!(
                                "customisation [pagination] {route:?} disables pagination, but the operation \
                                 does not look paginated: the hint is no longer needed"
                            ),
                        );
                    }
                }
                (Err(Miss::Refused(reason)), None) => self.diags.warn(
                    ptr,
                    format!(
                        "{route} looks paginated (its response has a cursor field) but is not made so: \
                         {reason}; a `[pagination]` hint in the customisation file can name the parts"
                    ),
                ),
                _ => {}
            }
            found.push(result.ok());
        }
        for key in self.config.pagination.keys() {
            if !drafts.iter().any(|d| d.route() == *key) {
                self.diags.error(
                    "",
                    format!(
                        "customisation [pagination] {key:?} addresses nothing: the spec has no operation {key}"
                    ),
                );
            }
        }
        found
    }

    /// The pagination of one operation: a query parameter that takes a cursor, a string field
    /// of the page that gives the next one, and the page's array of items (which may be
    /// optional: an absent array is an empty page). Each part is found by its name, or named by
    /// the customisation file's hint.
    fn detect_pagination(
        &self,
        op: &OpDraft,
        hint: PaginationHint,
    ) -> Result<ir::Pagination<DefId>, Miss> {
        if hint.disabled {
            return Err(Miss::NotAList);
        }
        let hinted = hint.cursor_param.is_some()
            || hint.cursor_field.is_some()
            || hint.items_field.is_some();
        let refuse = |reason: String| Err(Miss::Refused(reason));
        if op.responses.success.body_may_be_absent {
            return if hinted {
                refuse("a documented success has no body, so there is no page to read".into())
            } else {
                Err(Miss::NotAList)
            };
        }
        let page = self
            .resolve_type(&op.responses.success.body)
            .non_null()
            .name()
            .copied()
            .map(|id| &self.defs[id].kind);
        let Some(DefKind::Struct { fields, .. }) = page else {
            return if hinted {
                refuse("the success response is not an object".into())
            } else {
                Err(Miss::NotAList)
            };
        };
        let is_string = |f: &Field| matches!(f.ty.non_null(), TypeRef::String | TypeRef::Json);
        let cursor_field = match &hint.cursor_field {
            Some(n) => match fields.iter().find(|f| &f.wire == n) {
                Some(f) if is_string(f) => f,
                Some(_) => return refuse(format!("the response field {n:?} is not a string")),
                None => return refuse(format!("the response has no field {n:?}")),
            },
            None => match fields
                .iter()
                .find(|f| is_string(f) && naming::is_cursor_name(&f.wire))
            {
                Some(f) => f,
                None if hinted => {
                    return refuse("no string field of the response is named like a cursor".into())
                }
                None => return Err(Miss::NotAList),
            },
        };
        let query: Vec<(usize, &Param)> = op
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location == ir::ParamIn::Query)
            .collect();
        let cursor_param = match &hint.cursor_param {
            Some(n) => match query.iter().find(|(_, p)| &p.wire == n) {
                Some(&(i, _)) => i,
                None => return refuse(format!("the operation has no query parameter {n:?}")),
            },
            None => {
                let wanted = naming::cursor_stem(&cursor_field.wire);
                let found = query
                    .iter()
                    .find(|(_, p)| p.wire == cursor_field.wire)
                    .or_else(|| {
                        query.iter().find(|(_, p)| {
                            naming::cursor_stem(&p.wire) == wanted
                                && matches!(p.value, ParamValue::Scalar(TypeRef::String))
                        })
                    });
                match found {
                    Some(&(i, _)) => i,
                    None => {
                        return refuse(format!(
                            "no query parameter takes the cursor `{}` (by that name, or with the same stem: `after_{wanted}`, `page_{wanted}`...)",
                            cursor_field.wire
                        ))
                    }
                }
            }
        };
        if !matches!(
            op.params[cursor_param].value,
            ParamValue::Scalar(TypeRef::String)
        ) {
            return refuse(format!(
                "the cursor parameter `{}` is not one string",
                op.params[cursor_param].wire
            ));
        }
        let arrays: Vec<&Field> = fields
            .iter()
            .filter(|f| matches!(f.ty.non_null(), TypeRef::Array(_)))
            .collect();
        let items = match &hint.items_field {
            Some(n) => match fields.iter().find(|f| &f.wire == n) {
                Some(f) if matches!(f.ty.non_null(), TypeRef::Array(_)) => f,
                Some(_) => return refuse(format!("the response field {n:?} is not an array")),
                None => return refuse(format!("the response has no field {n:?}")),
            },
            None => match arrays.as_slice() {
                [one] => *one,
                [] => return refuse("the response has no array of items".into()),
                more => {
                    let names: Vec<&str> = more.iter().map(|f| f.wire.as_str()).collect();
                    return refuse(format!(
                        "the response has several arrays ({names:?}) and no hint says which holds the items"
                    ));
                }
            },
        };
        let TypeRef::Array(item) = items.ty.non_null() else {
            unreachable!("items were chosen among the arrays");
        };
        let limit_param = query
            .iter()
            .find(|(_, p)| naming::is_page_size_name(&p.wire))
            .map(|(i, _)| *i);
        Ok(ir::Pagination {
            cursor_param,
            cursor_field: cursor_field.ident.clone(),
            cursor_optional: cursor_field.ty.is_nullable() || !cursor_field.required,
            items_field: items.ident.clone(),
            items_optional: items.ty.is_nullable() || !items.required,
            item: (**item).clone(),
            limit_param,
        })
    }
}

/// Why an operation is not paginated.
enum Miss {
    /// Nothing about it looks like a cursor listing.
    NotAList,
    /// It looks like one, or a hint says it is one, but this part is missing.
    Refused(String),
}
