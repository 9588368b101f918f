//! Text inside a `<textarea>`. Leptos's renderer writes a textarea's text
//! children as they are, so a draft or note holding `</textarea><script>`
//! would close the element and become live markup. A textarea's content is
//! parsed with character references decoded, so escaping `&`, `<` and `>` and
//! setting it as inner HTML shows exactly the text typed, on the server and
//! in the browser alike.

/// `text` escaped for use as a textarea's inner HTML.
pub fn content(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::content;

    #[test]
    fn markup_in_text_stays_text() {
        assert_eq!(content("</textarea><script>alert(1)</script>"), "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(content("a &lt; b"), "a &amp;lt; b", "a typed reference is shown as typed");
        assert_eq!(content("Only one carer on the floor"), "Only one carer on the floor");
    }
}
