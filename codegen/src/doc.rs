//! Rustdoc from spec prose: Markdown kept, but made safe for rustdoc's lints
//! (bare URLs, accidental intra-doc links, stray HTML, untagged code fences).

/// Turns spec prose into doc lines that `cargo doc` accepts without warnings.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // The column the text of the current list item starts at, and whether a quote is open.
    let mut item_indent: Option<usize> = None;
    let mut in_quote = false;
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if !in_fence {
                let lang = trimmed.trim_start_matches(['`', '~']).trim();
                // Anything but an explicit language is shown as text, never compiled.
                let fence = &trimmed[..3];
                out.push(if lang.is_empty() || lang == "rust" {
                    format!("{fence}text")
                } else {
                    format!("{fence}{lang}")
                });
            } else {
                out.push(trimmed.to_string());
            }
            in_fence = !in_fence;
            item_indent = None;
            in_quote = false;
            continue;
        }
        if in_fence {
            out.push(line.to_string());
            continue;
        }
        // An indented line would be an indented code block; keep the text but not the indentation
        // beyond what a list needs.
        let indent = line.len() - trimmed.len();
        let mut lead = if indent >= 4 { "  " } else { &line[..indent] }.to_string();
        let mut text = escape_inline(trimmed);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            // A blank line or a heading ends a list item and a quote.
            item_indent = None;
            in_quote = false;
        } else if let Some(marker) = list_marker(trimmed) {
            item_indent = Some(lead.len() + marker);
            in_quote = false;
        } else if trimmed.starts_with('>') {
            in_quote = true;
        } else if in_quote {
            // A line that goes on a quote without its `>` (a "lazy" continuation, which
            // rustdoc's lints reject) gets the marker.
            text = format!("> {text}");
        } else if let Some(n) = item_indent {
            // A line that goes on a list item without being indented under it: indent it.
            if lead.len() < n {
                lead = " ".repeat(n);
            }
        }
        out.push(format!("{lead}{text}"));
    }
    if in_fence {
        out.push("```".into());
    }
    // No trailing blank lines, no runs of blanks.
    let mut cleaned: Vec<String> = Vec::new();
    for l in out {
        let blank = l.trim().is_empty();
        if blank && cleaned.last().is_none_or(|p: &String| p.trim().is_empty()) {
            continue;
        }
        cleaned.push(if blank {
            String::new()
        } else {
            l.trim_end().to_string()
        });
    }
    while cleaned.last().is_some_and(|l| l.is_empty()) {
        cleaned.pop();
    }
    cleaned
}

/// The width of the list marker that starts `line` (`- `, `* `, `+ `, `1. `, `12) `), if any.
fn list_marker(line: &str) -> Option<usize> {
    if ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m)) {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits <= 9 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

/// Escapes one line outside code spans.
fn escape_inline(line: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        let rest: String = chars[i..].iter().collect();
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let prev = out.chars().last();
            let url_len = rest
                .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"' || c == '`')
                .unwrap_or(rest.len());
            let mut url = &rest[..url_len];
            while url.ends_with(['.', ',', ';', ':', ')', '!', '?', '\'']) {
                url = &url[..url.len() - 1];
            }
            if prev == Some('<') || prev == Some('(') {
                out.push_str(url);
            } else {
                out.push('<');
                out.push_str(url);
                out.push('>');
            }
            i += url.chars().count();
            continue;
        }
        if c == '[' {
            if let Some((text, url, len)) = markdown_link(&chars[i..]) {
                out.push('[');
                out.push_str(&escape_inline(&text));
                out.push_str("](");
                out.push_str(&url);
                out.push(')');
                i += len;
                continue;
            }
        }
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' if i == 0 => out.push('>'),
            '>' => out.push_str("&gt;"),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
        i += 1;
    }
    if in_code {
        // An unclosed code span: close it so the rest of the docs render.
        out.push('`');
    }
    out
}

/// A Markdown inline link to an absolute URL at the start of `chars`: `[text](https://…)`, as
/// its text, its URL and its length in characters. Rustdoc renders these as written; any other
/// bracket is escaped, since rustdoc would read it as an intra-doc link.
fn markdown_link(chars: &[char]) -> Option<(String, String, usize)> {
    let close = chars.iter().position(|&c| c == ']')?;
    let text: String = chars[1..close].iter().collect();
    if text.is_empty() || text.contains('[') || chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let rest = &chars[close + 2..];
    let end = rest.iter().position(|&c| c == ')')?;
    let url: String = rest[..end].iter().collect();
    let absolute = url.starts_with("https://") || url.starts_with("http://");
    if !absolute || url.contains(char::is_whitespace) {
        return None;
    }
    Some((text, url, close + 2 + end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_prose_safe() {
        assert_eq!(
            sanitize("See https://x.io/a. Or [this]"),
            ["See <https://x.io/a>. Or \\[this\\]"]
        );
        assert_eq!(
            sanitize("stop `petctl stop <id>` and <id>"),
            ["stop `petctl stop <id>` and &lt;id&gt;"]
        );
        assert_eq!(
            sanitize("Join the [team](https://example.com/teams?a=1) or [x] [y](z)"),
            ["Join the [team](https://example.com/teams?a=1) or \\[x\\] \\[y\\](z)"]
        );
        assert_eq!(
            sanitize("Options:\n- `fast`: quick\ngoes on\n- slow\n\nAfter."),
            [
                "Options:",
                "- `fast`: quick",
                "  goes on",
                "- slow",
                "",
                "After."
            ]
        );
        assert_eq!(
            sanitize("1. first\n10. tenth\nlazily\n> A quote\nthat goes on"),
            [
                "1. first",
                "10. tenth",
                "    lazily",
                "> A quote",
                "> that goes on"
            ]
        );
        assert_eq!(sanitize("a\n\n\n\nb\n"), ["a", "", "b"]);
        assert_eq!(sanitize("```\nfn x\n```"), ["```text", "fn x", "```"]);
        assert_eq!(
            sanitize("x:\n      npx skills add"),
            ["x:", "  npx skills add"]
        );
    }
}
